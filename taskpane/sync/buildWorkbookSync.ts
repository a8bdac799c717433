import { NOT_IN_PACK, contractProgress, findMeasure, indexPack, isOverdue, isoDateToExcelSerial, warningsSummary } from "../../shared";
import type { Commitment, Contract, Contribution, FrameworkPack, IsoDate, PackIndex } from "../../shared";
import { buildKpiSync } from "./buildKpiSync";
import type { KpiSyncInput } from "./buildKpiSync";
import type { CellValue, SheetColumn, WorkbookSync } from "./sheetTable";

export const CONTRIBUTIONS_SHEET = "Contributions";
export const CONTRIBUTIONS_TABLE = "Contributions";
export const SUMMARY_SHEET = "Social value";
export const SUMMARY_TABLE = "SocialValueByTheme";
export const SUMMARY_CHART = "SocialValueByThemeChart";

/** The columns the sync owns in the Contributions table; officers may add their own beside them. */
export const CONTRIBUTION_COLUMNS: readonly SheetColumn[] = [
  { header: "Reference", kind: "text" },
  { header: "Supplier", kind: "text" },
  { header: "Measure", kind: "text" },
  { header: "Theme", kind: "text" },
  { header: "Quantity", kind: "number" },
  { header: "Unit", kind: "text" },
  { header: "Period start", kind: "date" },
  { header: "Period end", kind: "date" },
  { header: "Value (£)", kind: "money" },
  { header: "Evidence", kind: "text" },
  { header: "Due", kind: "date" },
  { header: "Overdue", kind: "text" },
  { header: "Pack", kind: "text" },
  /** What needs a second look (docs/WARNINGS.md): codes, with the contributions they name; empty once cleared. */
  { header: "Warnings", kind: "text" },
];

export const SUMMARY_COLUMNS: readonly SheetColumn[] = [
  { header: "Theme", kind: "text" },
  { header: "Committed (£)", kind: "money" },
  { header: "Delivered (£)", kind: "money" },
  { header: "Awaiting evidence (£)", kind: "money" },
];

export interface SyncInput {
  contract: Contract;
  /** Every contribution of the contract, not a filtered view: rows missing here leave the table. */
  contributions: readonly Contribution[];
  commitments: readonly Commitment[];
  /** The contract's pinned pack: themes, units and the £ of commitments. */
  pack: FrameworkPack;
  /** Today where the officer is, for the Overdue column. */
  today: IsoDate;
  /** The contract's KPI register and assessments, for the KPIs sheet. */
  performance: KpiSyncInput;
}

/** Today's date where the officer is, as Excel's TODAY() gives it. */
export function localToday(now: Date = new Date()): IsoDate {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

export class SyncInputError extends Error {
  override readonly name = "SyncInputError";
}

function contributionRow(c: Contribution, pack: PackIndex, today: IsoDate): CellValue[] {
  const measure = findMeasure(pack, c.measureCode);
  return [
    c.id,
    c.supplier,
    c.measureCode,
    measure?.theme ?? NOT_IN_PACK,
    c.quantity,
    measure?.unit ?? "",
    isoDateToExcelSerial(c.periodStart),
    isoDateToExcelSerial(c.periodEnd),
    c.value ?? "",
    c.evidenceStatus,
    isoDateToExcelSerial(c.evidenceDueDate),
    isOverdue(c.evidenceStatus, c.evidenceDueDate, today) ? "Yes" : "No",
    `${c.packId} ${c.packEdition}`,
    warningsSummary(c.warnings),
  ];
}

/** Everything "Sync to workbook" writes for one contract. */
export function buildWorkbookSync(input: SyncInput): WorkbookSync {
  const { contract, pack } = input;
  const strangers = input.contributions.filter((c) => c.contractId !== contract.id);
  if (strangers.length > 0) {
    throw new SyncInputError(`${strangers.length} of the contributions belong to another contract (${strangers[0]?.contractId}); only contract ${contract.id}'s can be synced.`);
  }
  if (pack.id !== contract.packId || pack.edition !== contract.packEdition) {
    throw new SyncInputError(`Contract ${contract.id} is pinned to pack ${contract.packId} ${contract.packEdition}, not ${pack.id} ${pack.edition}.`);
  }
  if (input.performance.register.contractId !== contract.id) {
    throw new SyncInputError(`The KPI register is contract ${input.performance.register.contractId}'s, not ${contract.id}'s.`);
  }
  const index = indexPack(pack);
  return {
    contributions: {
      sheetName: CONTRIBUTIONS_SHEET,
      tableName: CONTRIBUTIONS_TABLE,
      columns: CONTRIBUTION_COLUMNS,
      key: "Reference",
      rows: input.contributions.map((c) => contributionRow(c, index, input.today)),
      firstRow: 0,
    },
    summary: {
      sheetName: SUMMARY_SHEET,
      tableName: SUMMARY_TABLE,
      columns: SUMMARY_COLUMNS,
      key: "Theme",
      rows: contractProgress(index, input.commitments, input.contributions).themes.map((t) => [t.theme, t.committed, t.delivered, t.awaiting]),
      firstRow: 2,
      title: `Contract ${contract.id}, ${contract.title}: social value committed and delivered by theme (pack ${pack.id} ${pack.edition}${pack.illustrative ? ", illustrative values" : ""})`,
    },
    chart: { name: SUMMARY_CHART, title: `${contract.id}: committed and delivered social value by theme (£)` },
    kpis: buildKpiSync(contract, input.performance),
  };
}
