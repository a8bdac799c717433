import { KPI_RATING_LABELS, KPI_TABLE_HEADERS, isoDateToExcelSerial } from "../../shared";
import type { Assessment, Contract, KpiRegisterView, KpiStatus } from "../../shared";
import { formatDate } from "../components/format";
import type { CellValue, SheetColumn, SheetTable } from "./sheetTable";

export const KPI_SHEET = "KPIs";
export const KPI_TABLE = "KpiRegister";

/** The columns the sync owns in the KPI table (docs/PROCUREMENT-ACT.md); TOMS.KPIRATING reads two of them back by header. */
export const KPI_COLUMNS: readonly SheetColumn[] = [
  { header: KPI_TABLE_HEADERS.kpi, kind: "text" },
  { header: "Name", kind: "text" },
  { header: "Target", kind: "text" },
  { header: "Target value (£)", kind: "money" },
  { header: "Material", kind: "text" },
  { header: "Measures", kind: "text" },
  { header: KPI_TABLE_HEADERS.latestRating, kind: "text" },
  { header: "Assessed from", kind: "date" },
  { header: "Assessed to", kind: "date" },
  { header: "Suggested rating", kind: "text" },
];

/** What the sync writes of a contract's performance: the register as GET /api/contracts/{id}/kpis gives it, and its assessments for their periods. */
export interface KpiSyncInput {
  register: KpiRegisterView;
  assessments: readonly Assessment[];
}

function kpiRow(kpi: KpiStatus, assessments: ReadonlyMap<string, Assessment>): CellValue[] {
  const latest = kpi.latestAssessmentId === undefined ? undefined : assessments.get(kpi.latestAssessmentId);
  return [
    kpi.id,
    kpi.name,
    kpi.target,
    kpi.targetValue ?? "",
    kpi.material ? "Yes" : "No",
    kpi.measureCodes.join(", "),
    kpi.latestRating ? KPI_RATING_LABELS[kpi.latestRating] : "",
    latest ? isoDateToExcelSerial(latest.periodStart) : "",
    latest ? isoDateToExcelSerial(latest.periodEnd) : "",
    kpi.suggestedRating ? KPI_RATING_LABELS[kpi.suggestedRating.rating] : "",
  ];
}

/** The title says what is true of the contract as a whole: when the next assessment is due, and any warning. */
function kpiTitle(contract: Pick<Contract, "id" | "title">, register: KpiRegisterView): string {
  const due = register.nextAssessmentDue ? `next assessment due ${formatDate(register.nextAssessmentDue)}` : "no further assessment due";
  const exempt = register.exemptionReason ? `; exempt: ${register.exemptionReason}` : "";
  const warnings = register.warnings.map((w) => ` Warning (${w.code}): ${w.message}`).join("");
  const none = register.kpis.length === 0 ? "; no KPIs recorded" : "";
  return `Contract ${contract.id}, ${contract.title}: KPIs under the Procurement Act 2023 (${due}${none}${exempt}).${warnings}`;
}

/** The KPI sheet of one contract: its register, each KPI's latest and suggested rating, refreshed in place by KPI id. */
export function buildKpiSync(contract: Pick<Contract, "id" | "title">, input: KpiSyncInput): SheetTable {
  const byId = new Map(input.assessments.map((a) => [a.id, a]));
  return {
    sheetName: KPI_SHEET,
    tableName: KPI_TABLE,
    columns: KPI_COLUMNS,
    key: "KPI",
    rows: input.register.kpis.map((kpi) => kpiRow(kpi, byId)),
    firstRow: 2,
    title: kpiTitle(contract, input.register),
  };
}
