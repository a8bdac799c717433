import { Button, MessageBar, MessageBarBody, Subtitle1, Text } from "@fluentui/react-components";
import { addDays, todayIn } from "../../shared";
import type { Assessment, KpiRegisterView, PerformanceFailure } from "../../shared";
import { useLoad } from "../apiClient";
import { FactList } from "../components/FactList";
import { LoadStatus } from "../components/LoadStatus";
import { formatDate } from "../components/format";
import { usePanelStyles } from "../components/layout";
import { ORGANISATION_TIME_ZONE } from "../config";
import type { PanelProps } from "./PanelProps";
import { AssessmentForm } from "./performance/AssessmentForm";
import { FailureLog } from "./performance/FailureLog";
import { NoticeList } from "./performance/NoticeList";
import { RegisterEditor } from "./performance/RegisterEditor";

interface Loaded {
  view: KpiRegisterView;
  etag?: string;
  assessments: Assessment[];
  failures: PerformanceFailure[];
}

/**
 * Contract performance under the Procurement Act 2023 for the contract picked in Contracts: the KPI
 * register, the next assessment date, a guided assessment, its notices to check and download, and
 * the breach and poor-performance log with each notice's countdown.
 */
export function PerformancePanel({ api, contract, showPanel }: PanelProps) {
  const layout = usePanelStyles();
  const selected = contract.selected;
  const today = todayIn(ORGANISATION_TIME_ZONE, new Date());
  const load = useLoad<Loaded | undefined>(`performance|${selected?.id ?? ""}`, async (signal) => {
    if (!selected) return undefined;
    const [kpis, assessments, failures] = await Promise.all([
      api.getKpis(selected.id, { signal }),
      api.listAssessments(selected.id, { signal }),
      api.listPerformanceFailures(selected.id, { signal }),
    ]);
    return { view: kpis.value, ...(kpis.etag ? { etag: kpis.etag } : {}), assessments, failures };
  });

  if (!selected) {
    return (
      <div className={layout.panel}>
        <Subtitle1 as="h2" className={layout.heading}>
          Performance
        </Subtitle1>
        <Text>Pick a contract in Contracts first; its KPIs, assessments and notices are kept here.</Text>
        <div className={layout.actions}>
          <Button onClick={() => showPanel("contracts")}>Go to Contracts</Button>
        </div>
      </div>
    );
  }

  const data = load.state.status === "ok" ? load.state.data : undefined;
  const lastEnd = data?.assessments.at(-1)?.periodEnd;
  return (
    <div className={layout.sections}>
      <div className={layout.section}>
        <Subtitle1 as="h2" className={layout.heading}>
          Performance for {selected.id}
        </Subtitle1>
        <Text>KPIs, yearly assessments and notices under the Procurement Act 2023. The ledger prepares each notice; you enter it on Find a Tender.</Text>
        <LoadStatus state={load.state} loading="Loading the KPI register…" failed="The KPI register could not be loaded." onRetry={load.retry} />
      </div>
      {data && (
        <>
          {data.view.warnings.map((w) => (
            <MessageBar key={w.code} intent="warning" layout="multiline">
              <MessageBarBody>{w.message}</MessageBarBody>
            </MessageBar>
          ))}
          <FactList
            facts={[
              ["Next assessment due", data.view.nextAssessmentDue ? formatDate(data.view.nextAssessmentDue) : "None: the final assessment is recorded"],
              ["KPIs", String(data.view.kpis.length)],
              ["Assessments", String(data.assessments.length)],
            ]}
          />
          <RegisterEditor
            // Not keyed by version: a save keeps the editor (and its outcome); a reload mounts it afresh.
            key={selected.id}
            api={api}
            contractId={selected.id}
            view={data.view}
            etag={data.etag}
            onSaved={(view, etag) => load.update((d) => (d ? { ...d, view, etag } : d))}
          />
          <AssessmentForm
            key={`assess|${selected.id}|${data.assessments.length}|${data.view.updatedAt ?? ""}`}
            api={api}
            contractId={selected.id}
            view={data.view}
            periodStart={lastEnd ? addDays(lastEnd, 1) : selected.startDate}
            today={today}
            onRecorded={() => load.retry()}
          />
          <NoticeList contract={selected} assessments={data.assessments} />
          <FailureLog api={api} contractId={selected.id} failures={data.failures} today={today} onRecorded={(f) => load.update((d) => (d ? { ...d, failures: [...d.failures, f] } : d))} />
        </>
      )}
    </div>
  );
}
