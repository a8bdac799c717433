import { forwardRef, useRef, useState } from "react";
import {
  Badge,
  Button,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  Subtitle2,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  makeStyles,
  mergeClasses,
  tokens,
} from "@fluentui/react-components";
import { PanelHeading } from "../components/PanelHeading";
import type { BadgeProps } from "@fluentui/react-components";
import type { ChaseLedgerEntry, ChaseRunStatus } from "../../shared";
import { useLoad } from "../apiClient";
import { ApiProblemNotice } from "../components/ApiProblemNotice";
import { LoadStatus } from "../components/LoadStatus";
import { formatDate, formatDateTime } from "../components/format";
import { plural } from "../../shared";
import type { PanelProps } from "./PanelProps";
import { EmailAddress } from "../components/EmailAddress";
import { usePanelStyles } from "../components/layout";

const useStyles = makeStyles({
  table: { tableLayout: "auto" },
  cell: { verticalAlign: "top", paddingTop: tokens.spacingVerticalXS, paddingBottom: tokens.spacingVerticalXS },
  // Email addresses and subjects are long unbroken words; only this column breaks them.
  wrap: { overflowWrap: "anywhere" },
  when: { width: "72px" },
  stack: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalXXS, alignItems: "flex-start" },
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalXL, overflowWrap: "anywhere" },
});

const STEP: Record<ChaseLedgerEntry["role"], string> = {
  rejection: "Rejection notice to the supplier",
  supplier: "Reminder to the supplier",
  "contract-manager": "Escalation to the contract manager",
  "line-manager": "Escalation to the line manager",
  digest: "Weekly digest",
};

const OUTCOME: Record<ChaseLedgerEntry["outcome"], { label: string; sentence: string; color: BadgeProps["color"] }> = {
  sent: { label: "sent", sentence: "sent", color: "success" },
  failed: { label: "failed", sentence: "failed", color: "danger" },
  deferred: { label: "deferred", sentence: "deferred to the next run", color: "warning" },
  // Claimed but never finished: the run stopped while sending; the next run settles it.
  claimed: { label: "unconfirmed", sentence: "not confirmed yet; the next run settles it", color: "informative" },
};

function newestFirst(a: ChaseLedgerEntry, b: ChaseLedgerEntry): number {
  return b.claimedAt.localeCompare(a.claimedAt);
}

/** Who was chased for evidence, when, at which step, and what happened; Managers can run the chase now. */
export function ChaseLedgerPanel({ api, user, contract }: PanelProps) {
  const layout = usePanelStyles();
  const contractId = contract.selected?.id;
  const ledger = useLoad(`ledger ${contractId ?? "all"}`, (signal) => api.chaseLedger(contractId, { signal }));
  const [running, setRunning] = useState<ChaseRunStatus | "starting">();
  const [run, setRun] = useState<{ status: ChaseRunStatus } | { error: unknown }>();
  const runNoticeRef = useRef<HTMLDivElement>(null);
  const isManager = user?.roles.includes("Manager") === true;

  async function runChase() {
    setRunning("starting");
    setRun(undefined);
    try {
      // The API answers as soon as the run has started; the run is followed through its status.
      let status = await api.startChase();
      for (let wait = FIRST_POLL_MS; status.state === "running"; wait = POLL_MS) {
        setRunning(status);
        await new Promise((resolve) => setTimeout(resolve, wait));
        status = await api.chaseRun(status.runId);
      }
      setRun({ status });
      ledger.retry();
    } catch (err) {
      setRun({ error: err });
    } finally {
      setRunning(undefined);
      // The outcome appears where focus goes, so a screen reader hears it.
      requestAnimationFrame(() => runNoticeRef.current?.focus());
    }
  }

  return (
    <div className={layout.panel}>
      <PanelHeading title={"Chase ledger"} onRefresh={ledger.state.status === "ok" ? ledger.retry : undefined} />
      <Text>
        {contractId ? `Reminders and escalations for contract ${contractId}, newest first.` : "Reminders, escalations and digests for every contract, newest first. Pick a contract to see only its chasing."}
      </Text>

      {isManager && (
        <section className={layout.section} aria-labelledby="chase-run-heading">
          <Subtitle2 as="h3" id="chase-run-heading" className={layout.heading}>
            Run the chase
          </Subtitle2>
          <Text>The chase runs every weekday morning. Run it now to send today&apos;s reminders at once; nothing already sent is sent again.</Text>
          <div className={layout.actions}>
            <Button appearance="primary" disabledFocusable={running !== undefined} onClick={() => void runChase()}>
              Run the chase now
            </Button>
            {running && (
              <Spinner
                size="tiny"
                labelPosition="after"
                label={running === "starting" ? "Starting the chase…" : `Running the chase: ${plural(running.sent, "email")} sent so far…`}
              />
            )}
          </div>
          {run && "error" in run && <ApiProblemNotice ref={runNoticeRef} title="The chase did not run." error={run.error} onRetry={() => void runChase()} />}
          {run && "status" in run && (
            <RunResult ref={runNoticeRef} status={run.status} messages={ledger.state.status === "ok" ? ledger.state.data.filter((e) => e.id.endsWith(`|${run.status.runId}`)) : []} />
          )}
        </section>
      )}

      <LoadStatus state={ledger.state} loading="Loading the chase ledger…" failed="The chase ledger could not be loaded." onRetry={ledger.retry} />
      {ledger.state.status === "ok" &&
        (ledger.state.data.length === 0 ? (
          <Text>Nobody has been chased{contractId ? ` on ${contractId}` : ""} yet.</Text>
        ) : (
          <LedgerTable entries={[...ledger.state.data].sort(newestFirst)} />
        ))}
    </div>
  );
}

/** The first look at a run's status comes soon (most runs are short); then once a second. */
const FIRST_POLL_MS = 250;
const POLL_MS = 1000;

/** A message's id ends with the id of the run that sent it, so the ledger shows what a run handled. */
const RunResult = forwardRef<HTMLDivElement, { status: ChaseRunStatus; messages: ChaseLedgerEntry[] }>(function RunResult({ status, messages }, ref) {
  const styles = useStyles();
  const handled = status.sent + status.failed + status.deferred;
  const ended = status.state === "finished" ? "" : status.state === "failed" ? ` It stopped: ${status.error ?? "an error"}. The next run finishes the rest.` : " It stopped without finishing; the next run finishes the rest.";
  return (
    <MessageBar ref={ref} tabIndex={-1} intent={status.failed > 0 || status.state !== "finished" ? "warning" : "success"} layout="multiline">
      <MessageBarBody>
        <MessageBarTitle>Chase run for {formatDate(status.runDate)}.</MessageBarTitle>{" "}
        {handled === 0 && status.alreadyDone === 0
          ? "Nothing was due: nobody needed chasing today."
          : `${plural(status.sent, "email")} sent, ${status.failed} failed, ${status.deferred} deferred to the next run; ${plural(status.alreadyDone, "step")} already done earlier.`}
        {status.stoppedEarly ? ` Stopped early: ${status.stoppedEarly}.` : ""}
        {ended}
        {messages.length > 0 && (
          <ul className={styles.list} aria-label="Emails this run handled">
            {messages.map((m) => (
              <li key={m.id}>
                {m.recipient.name} (<EmailAddress email={m.recipient.email} />): {STEP[m.role].toLowerCase()}, {OUTCOME[m.outcome].sentence}
                {m.failure ? `: ${m.failure}` : ""}
              </li>
            ))}
          </ul>
        )}
      </MessageBarBody>
    </MessageBar>
  );
});

function LedgerTable({ entries }: { entries: readonly ChaseLedgerEntry[] }) {
  const styles = useStyles();
  return (
    <Table size="extra-small" aria-label="Chase ledger" className={styles.table}>
      <TableHeader>
        <TableRow>
          <TableHeaderCell className={styles.when}>When</TableHeaderCell>
          <TableHeaderCell>Who and which step</TableHeaderCell>
          <TableHeaderCell>Result</TableHeaderCell>
        </TableRow>
      </TableHeader>
      <TableBody>
        {entries.map((e) => (
          <TableRow key={e.id}>
            <TableCell className={styles.cell}>{formatDateTime(e.finishedAt ?? e.claimedAt)}</TableCell>
            <TableCell className={mergeClasses(styles.cell, styles.wrap)}>
              <div className={styles.stack}>
                <Text>
                  <strong>{e.recipient.name}</strong> (<EmailAddress email={e.recipient.email} />)
                </Text>
                <Text size={200}>
                  {STEP[e.role]}: {e.kind === "digest" ? plural(e.contractIds.length, "contract") : plural(e.contributionIds.length, "contribution")}
                </Text>
                <Text size={200}>“{e.subject}”</Text>
                {/* Graph's reason sits here, where there is room to read it, not in the narrow result column. */}
                {e.failure && <Text size={200}>Why it failed: {e.failure}</Text>}
              </div>
            </TableCell>
            <TableCell className={styles.cell}>
              <Badge appearance="tint" color={OUTCOME[e.outcome].color}>
                {OUTCOME[e.outcome].label}
              </Badge>
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
