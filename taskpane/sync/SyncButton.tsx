import { useEffect, useRef, useState } from "react";
import {
  Button,
  Field,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  ProgressBar,
  Text,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import type { Assessment, Commitment, Contract, Contribution, FrameworkPack, IsoDate, KpiRegisterView } from "../../shared";
import { NO_WORKBOOK_EXPLANATION_ID } from "../components/NoWorkbookNotice";
import { formatNumber } from "../components/format";
import { plural } from "../../shared";
import type { SyncProgress, SyncReport, WorkbookGateway } from "../workbookGateway";
import { buildWorkbookSync, localToday } from "./buildWorkbookSync";

/** Where the contract's pinned pack comes from (the API client's `getPack`). */
export interface PackSource {
  getPack(id: string, edition: string): Promise<FrameworkPack>;
}

/** Where the contract's KPI register and assessments come from (the API client), for the KPIs sheet. */
export interface PerformanceSource {
  getKpis(contractId: string): Promise<{ value: KpiRegisterView }>;
  listAssessments(contractId: string): Promise<readonly Assessment[]>;
}

export interface SyncButtonProps {
  gateway: WorkbookGateway;
  contract: Contract;
  /** Every contribution of the contract, not a filtered view: rows missing here leave the table. */
  contributions: readonly Contribution[];
  commitments: readonly Commitment[];
  packs: PackSource;
  performance: PerformanceSource;
  /** Today where the officer is; a test can fix it. */
  today?: () => IsoDate;
}

type Status =
  | { state: "idle" }
  | { state: "working"; step: "pack" | "workbook"; progress?: SyncProgress }
  | { state: "done"; report: SyncReport }
  | { state: "failed"; message: string };

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS, alignItems: "flex-start" },
  wide: { alignSelf: "stretch" },
  notes: { margin: 0, paddingLeft: tokens.spacingHorizontalXL },
});

function progressLabel(status: Extract<Status, { state: "working" }>): string {
  if (status.step === "pack") return "Loading the contract's framework pack and KPIs…";
  const p = status.progress;
  if (!p || p.rowsWritten === 0) return "Reading the workbook…";
  return `Written ${formatNumber(p.rowsWritten)} of ${plural(p.rowsTotal, "row")}…`;
}

function kpiWords(kpis: number): string {
  if (kpis === 0) return "the KPIs sheet says the contract has no KPIs yet";
  return `${plural(kpis, "KPI")} ${kpis === 1 ? "is" : "are"} on the KPIs sheet`;
}

/** What the officer should know beyond "it worked": anything made, moved, cleared or lost. */
function notesOn(report: SyncReport): string[] {
  const notes: string[] = [];
  if (report.created.length > 0) notes.push(`Made ${report.created.join(", ")}.`);
  if (report.ownColumns.length > 0) notes.push(`Your own columns (${report.ownColumns.join(", ")}) were kept beside their rows.`);
  if (report.restoredColumns.length > 0) notes.push(`Put back ${report.restoredColumns.join(", ")}, at the right of the table.`);
  if (report.filtersCleared) notes.push("Filters on the Contributions table were cleared so rows could be added or removed; filter again if you need to.");
  if (report.removedRows > 0) notes.push(`Removed ${plural(report.removedRows, "row")} for contributions no longer on this contract.`);
  if (report.removedRowsWithOwnValues > 0) {
    notes.push(`${plural(report.removedRowsWithOwnValues, "removed row")} had entries in your own columns; those entries were deleted with ${report.removedRowsWithOwnValues === 1 ? "it" : "them"}.`);
  }
  return notes;
}

/**
 * "Sync to workbook" for one contract: writes its contributions to the Contributions table,
 * committed vs delivered by theme to the Social value sheet and its KPIs to the KPIs sheet,
 * showing progress for large contracts.
 */
export function SyncButton({ gateway, contract, contributions, commitments, packs, performance, today = localToday }: SyncButtonProps) {
  const styles = useStyles();
  const inExcel = gateway.isInExcel();
  const [status, setStatus] = useState<Status>({ state: "idle" });
  const noticeRef = useRef<HTMLDivElement>(null);
  const finished = status.state === "done" || status.state === "failed";

  // Move focus to the outcome so a screen reader announces it.
  useEffect(() => {
    if (finished) noticeRef.current?.focus();
  }, [finished]);

  async function sync() {
    setStatus({ state: "working", step: "pack" });
    try {
      const [pack, kpis, assessments] = await Promise.all([packs.getPack(contract.packId, contract.packEdition), performance.getKpis(contract.id), performance.listAssessments(contract.id)]);
      const plan = buildWorkbookSync({ contract, contributions, commitments, pack, today: today(), performance: { register: kpis.value, assessments } });
      setStatus({ state: "working", step: "workbook" });
      const report = await gateway.syncToWorkbook(plan, { onProgress: (progress) => setStatus({ state: "working", step: "workbook", progress }) });
      setStatus({ state: "done", report });
    } catch (err) {
      setStatus({ state: "failed", message: err instanceof Error ? err.message : String(err) });
    }
  }

  const working = status.state === "working";
  const buttonProps = inExcel ? { disabledFocusable: working } : { disabledFocusable: true, "aria-describedby": NO_WORKBOOK_EXPLANATION_ID };
  const notes = status.state === "done" ? notesOn(status.report) : [];
  const lostEntries = status.state === "done" && status.report.removedRowsWithOwnValues > 0;

  return (
    <div className={styles.root}>
      <Button {...buttonProps} onClick={sync}>
        Sync to workbook
      </Button>
      {working && (
        <Field className={styles.wide} label={progressLabel(status)}>
          <ProgressBar
            thickness="large"
            value={status.step === "workbook" && status.progress && status.progress.rowsTotal > 0 ? status.progress.rowsWritten / status.progress.rowsTotal : undefined}
          />
        </Field>
      )}
      {status.state === "done" && (
        <MessageBar ref={noticeRef} tabIndex={-1} intent={lostEntries ? "warning" : "success"} layout="multiline" className={styles.wide}>
          <MessageBarBody>
            <MessageBarTitle>Synced to the workbook.</MessageBarTitle> {plural(status.report.rows, "contribution")} of contract {contract.id} are in the
            Contributions table; committed and delivered social value by theme is on the Social value sheet; {kpiWords(status.report.kpis)}.
            {notes.length > 0 && (
              <ul className={styles.notes}>
                {notes.map((note) => (
                  <li key={note}>
                    <Text>{note}</Text>
                  </li>
                ))}
              </ul>
            )}
          </MessageBarBody>
        </MessageBar>
      )}
      {status.state === "failed" && (
        <MessageBar ref={noticeRef} tabIndex={-1} intent="error" layout="multiline" className={styles.wide}>
          <MessageBarBody>
            <MessageBarTitle>The workbook was not synced.</MessageBarTitle> {status.message}
          </MessageBarBody>
        </MessageBar>
      )}
    </div>
  );
}
