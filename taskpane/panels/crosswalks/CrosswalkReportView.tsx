import { useState } from "react";
import { Button, Field, Select, Spinner, Subtitle2, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, Text, makeStyles } from "@fluentui/react-components";
import type { Contract, CrosswalkReport, CrosswalkSummary } from "../../../shared";
import type { ApiClient } from "../../apiClient";
import { ApiProblemNotice } from "../../components/ApiProblemNotice";
import { formatMoney, formatNumber } from "../../components/format";
import { usePanelStyles } from "../../components/layout";

const useStyles = makeStyles({
  table: { tableLayout: "auto" },
  num: { textAlign: "right", whiteSpace: "nowrap" },
});

type Line = CrosswalkReport["lines"][number];

function LinesTable({ caption, lines }: { caption: string; lines: readonly Line[] }) {
  const styles = useStyles();
  const layout = usePanelStyles();
  return (
    <Table size="extra-small" className={styles.table}>
      <caption className={layout.caption}>{caption}</caption>
      <TableHeader>
        <TableRow>
          <TableHeaderCell>Pack</TableHeaderCell>
          <TableHeaderCell>Code</TableHeaderCell>
          <TableHeaderCell className={styles.num}>Quantity</TableHeaderCell>
          <TableHeaderCell className={styles.num}>Value (£)</TableHeaderCell>
        </TableRow>
      </TableHeader>
      <TableBody>
        {lines.map((l) => (
          <TableRow key={`${l.pack} ${l.code}`}>
            <TableCell>{l.pack}</TableCell>
            <TableCell>{l.code}</TableCell>
            <TableCell className={styles.num}>{formatNumber(l.quantity)}</TableCell>
            <TableCell className={styles.num}>{formatMoney(l.value)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

type Status = { state: "idle" } | { state: "loading" } | { state: "done"; report: CrosswalkReport; crosswalk: CrosswalkSummary } | { state: "failed"; error: unknown };

interface Props {
  api: ApiClient;
  contract: Contract;
  crosswalks: readonly CrosswalkSummary[];
}

/** A contract's accepted delivery in another framework's codes (GET /api/contracts/{id}/report?crosswalk=), its unmapped codes listed. */
export function CrosswalkReportView({ api, contract, crosswalks }: Props) {
  const layout = usePanelStyles();
  const [chosen, setChosen] = useState(crosswalks[0]?.id ?? "");
  const [status, setStatus] = useState<Status>({ state: "idle" });
  const crosswalk = crosswalks.find((c) => c.id === chosen) ?? crosswalks[0];

  async function show() {
    if (!crosswalk) return;
    setStatus({ state: "loading" });
    try {
      setStatus({ state: "done", report: await api.crosswalkReport(contract.id, crosswalk.id), crosswalk });
    } catch (error) {
      setStatus({ state: "failed", error });
    }
  }

  return (
    <section className={layout.section} aria-labelledby="crosswalk-report-heading">
      <Subtitle2 as="h3" id="crosswalk-report-heading" className={layout.heading}>
        {contract.id} in another framework
      </Subtitle2>
      <Text>
        Delivery with accepted evidence on {contract.id}, in the codes a crosswalk maps its pack ({contract.packId}) to: quantities times the factor, and the £ as
        valued in the contract&apos;s own pack.
      </Text>
      {crosswalks.length === 0 ? (
        <Text>Import a crosswalk first.</Text>
      ) : (
        <>
          <Field label="Crosswalk">
            <Select value={crosswalk?.id ?? ""} onChange={(_e, d) => setChosen(d.value)}>
              {crosswalks.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name} ({c.id})
                </option>
              ))}
            </Select>
          </Field>
          <div className={layout.actions}>
            <Button appearance="primary" disabledFocusable={status.state === "loading"} onClick={() => void show()}>
              Show report
            </Button>
          </div>
        </>
      )}
      {status.state === "loading" && <Spinner size="tiny" labelPosition="after" label="Loading the report…" />}
      {status.state === "failed" && <ApiProblemNotice title="The report could not be loaded." error={status.error} onRetry={() => void show()} />}
      {status.state === "done" && (
        <>
          {status.report.lines.length === 0 ? (
            <Text>Nothing delivered on {contract.id} maps through {status.crosswalk.name}.</Text>
          ) : (
            <LinesTable caption={`${contract.id} delivered, in the codes of ${status.crosswalk.name}`} lines={status.report.lines} />
          )}
          {status.report.unmapped.length === 0 ? (
            <Text>Every code delivered on {contract.id} is mapped.</Text>
          ) : (
            <LinesTable caption={`Codes of ${status.report.fromPack} with no mapping in ${status.crosswalk.name} (listed, not dropped)`} lines={status.report.unmapped} />
          )}
        </>
      )}
    </section>
  );
}
