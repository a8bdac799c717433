import {
  bidScore,
  describeProblem,
  isBlankCell as isBlank,
  expectedDelivery,
  latestRatingInTable,
  measuresTable,
  measureValue,
  PackIndex,
  presentValue,
  proxyValue,
  requireMeasure,
  socialValueRatio,
  totalsByTheme,
  totalValue,
  ValuationError,
} from "../shared";
import { followApiSession, LiveValues } from "./apiBatch";
import { amountsByYear, dateArgument, measureCode, numbersIn, today } from "./cells";
import { andMore, inExcelTerms, toExcelError } from "./excelErrors";
import { MeasuresRangeCache, PinnedPackSource } from "./packSource";
import { checkOfficeJs, followPinnedPackSetting, recalculateAll } from "./workbook";

/*
 * The =TOMS.* custom functions: thin wrappers over shared/. custom-functions-metadata-plugin
 * generates functions.json and the CustomFunctions.associate calls from the JSDoc tags below, so
 * an id, a parameter or its type changes only here. Optional arguments arrive as null.
 */

// First: without Office.js the rest must still load, and say why the functions cannot work.
checkOfficeJs();

const measuresRanges = new MeasuresRangeCache();
const pinnedPack = new PinnedPackSource();
followPinnedPackSetting(pinnedPack);

// Cells that asked the officer to sign in ask again once the task pane hands over a session.
const liveValues: LiveValues = new LiveValues({
  session: followApiSession(window, (session) => {
    if (session && liveValues.takeSignInRefusals()) recalculateAll();
  }),
});

/** The pack a formula values with: its own measures range, else the pinned pack, else the example. */
async function withPack<T>(measures: unknown[][] | null | undefined, use: (pack: PackIndex) => T): Promise<T> {
  try {
    const pack = measures === null || measures === undefined ? await pinnedPack.pack() : measuresRanges.pack(measures);
    return use(pack);
  } catch (error) {
    throw toExcelError(error);
  }
}

/**
 * Proxy value of a measure: £ per unit (1 for a measure already counted in £).
 * @customfunction PROXY
 * @param code Measure code, e.g. J1.
 * @param measures Optional table of measures with a header row (Code, Theme, Measure, Units, Proxy Value (£)). Leave out to use the workbook's pinned pack.
 * @returns £ per unit.
 */
export async function proxy(code: string, measures?: unknown[][]): Promise<number> {
  return withPack(measures, (pack) => proxyValue(pack, measureCode(code)));
}

/**
 * Social value of a quantity of a measure: quantity × proxy value, in £.
 * @customfunction VALUE
 * @param code Measure code, e.g. J1.
 * @param quantity How much, in the measure's unit (FTE, weeks, hours, £...).
 * @param measures Optional table of measures with a header row. Leave out to use the workbook's pinned pack.
 * @returns Social value in £.
 */
export async function value(code: string, quantity: number, measures?: unknown[][]): Promise<number> {
  return withPack(measures, (pack) => measureValue(pack, measureCode(code), quantity));
}

/**
 * Unit a measure is counted in, e.g. FTE or weeks.
 * @customfunction UNIT
 * @param code Measure code, e.g. J1.
 * @param measures Optional table of measures with a header row. Leave out to use the workbook's pinned pack.
 * @returns The measure's unit.
 */
export async function unit(code: string, measures?: unknown[][]): Promise<string> {
  return withPack(measures, (pack) => requireMeasure(pack, measureCode(code)).unit);
}

/**
 * What a measure counts, in words.
 * @customfunction DESCRIPTION
 * @param code Measure code, e.g. J1.
 * @param measures Optional table of measures with a header row. Leave out to use the workbook's pinned pack.
 * @returns The measure's description.
 */
export async function description(code: string, measures?: unknown[][]): Promise<string> {
  return withPack(measures, (pack) => requireMeasure(pack, measureCode(code)).description);
}

/**
 * Theme a measure belongs to, e.g. Jobs or Environment.
 * @customfunction THEME
 * @param code Measure code, e.g. J1.
 * @param measures Optional table of measures with a header row. Leave out to use the workbook's pinned pack.
 * @returns The measure's theme.
 */
export async function themeOf(code: string, measures?: unknown[][]): Promise<string> {
  return withPack(measures, (pack) => requireMeasure(pack, measureCode(code)).theme);
}

/**
 * Total social value of commitments: measure codes and quantities side by side (empty rows are skipped).
 * @customfunction TOTAL
 * @param codes Range of measure codes.
 * @param quantities Range of quantities, the same size as codes.
 * @param measures Optional table of measures with a header row. Leave out to use the workbook's pinned pack.
 * @returns Total social value in £.
 */
export async function total(codes: unknown[][], quantities: unknown[][], measures?: unknown[][]): Promise<number> {
  return withPack(measures, (pack) => totalValue(pack, codes, quantities));
}

/**
 * Social value by theme: spills a table of theme and £, in the pack's theme order.
 * @customfunction BYTHEME
 * @param codes Range of measure codes.
 * @param quantities Range of quantities, the same size as codes.
 * @param measures Optional table of measures with a header row. Leave out to use the workbook's pinned pack.
 * @returns One row per theme: theme, £.
 */
export async function byTheme(codes: unknown[][], quantities: unknown[][], measures?: unknown[][]): Promise<unknown[][]> {
  return withPack(measures, (pack) => totalsByTheme(pack, codes, quantities).map((t) => [t.theme, t.value]));
}

/**
 * Spills the framework pack's measures as a table with a header row.
 * @customfunction MEASURES
 * @param theme Optional theme to list, e.g. Jobs. Leave out for every theme.
 * @param measures Optional table of measures with a header row. Leave out to use the workbook's pinned pack.
 * @returns Code, theme, outcome, measure, units, valuation and proxy value of each measure.
 */
export async function listMeasures(theme?: string, measures?: unknown[][]): Promise<unknown[][]> {
  return withPack(measures, (pack) => measuresTable(pack, isBlank(theme) ? null : theme));
}

/**
 * Social value ratio: social value as a fraction of the contract value (0.12 is 12%).
 * @customfunction RATIO
 * @param socialValue Social value in £.
 * @param contractValue Contract value in £.
 * @returns Social value ÷ contract value.
 */
export function ratio(socialValue: number, contractValue: number): number {
  return inExcelTerms(() => socialValueRatio(socialValue, contractValue));
}

/**
 * Present value of yearly amounts, discounted with the HM Treasury Green Book rates unless a rate is given.
 * @customfunction PV
 * @param amounts One row or one column of yearly amounts in £, year 0 first.
 * @param rate Optional flat yearly discount rate, e.g. 3.5%. Leave out for the Green Book schedule.
 * @returns Present value in £.
 */
export function pv(amounts: unknown[][], rate?: number): number {
  return inExcelTerms(() => presentValue(amountsByYear(amounts), rate));
}

/**
 * Score of a bid's social value relative to the best bid: bid ÷ best × maximum points.
 * @customfunction SCORE
 * @param bid The bid's social value.
 * @param bids Social values of all the bids.
 * @param maxPoints Points available.
 * @returns Points for the bid.
 */
export function score(bid: number, bids: unknown[][], maxPoints: number): number {
  return inExcelTerms(() => bidScore(bid, numbersIn(bids, "Bid"), maxPoints));
}

/**
 * Expected delivery to date: the commitment pro rata to the contract time elapsed. Recalculates
 * with every change, like TODAY(), because the date defaults to today.
 * @customfunction EXPECTED
 * @volatile
 * @param committed Quantity committed over the whole contract.
 * @param start Contract start: an Excel date or yyyy-mm-dd text.
 * @param end Contract end: an Excel date or yyyy-mm-dd text.
 * @param asOf Optional date to measure to. Leave out for today.
 * @returns Quantity that should have been delivered by then.
 */
export function expected(committed: number, start: number | string, end: number | string, asOf?: number | string): number {
  return inExcelTerms(() =>
    expectedDelivery(committed, dateArgument(start, "contract start"), dateArgument(end, "contract end"), isBlank(asOf) ? today() : dateArgument(asOf, "as-of date")),
  );
}

/**
 * The framework pack values come from, as id and edition, for the audit trail.
 * @customfunction PACK
 * @param measures Optional table of measures with a header row. Leave out to use the workbook's pinned pack.
 * @returns Pack id and edition, e.g. "example 2026-illustrative".
 */
export async function pack(measures?: unknown[][]): Promise<string> {
  return withPack(measures, (index) => index.label);
}

/**
 * What the loader did not take from a measures table as it stands: rows skipped and why (headings, totals, notes, blank rows), columns not used, and measures read without a £ value. Shows the first and how many more; importing the table in the task pane's Packs panel lists them all.
 * @customfunction WARNINGS
 * @param measures Table of measures as your council publishes it: title rows, section headings, totals and notes may stay in it.
 * @returns The first warning and how many more, or that there are none.
 */
export function warnings(measures: unknown[][]): string {
  return inExcelTerms(() => {
    const [first, ...rest] = measuresRanges.range(measures).warnings;
    if (first === undefined) return "No warnings: every row below the header is a measure and every column is used.";
    return `${describeProblem(first)}${andMore(rest.length, "warning")}`;
  });
}

/** A contract reference from a cell: references like 1001 arrive as numbers. */
function contractReference(value: unknown): string {
  if (typeof value === "number") return String(value);
  if (typeof value === "string" && value.trim() !== "") return value.trim();
  throw new ValuationError("invalid-argument", "Give a contract reference, e.g. C-1001.");
}

/**
 * Social value delivered on a contract so far, in £: contributions whose evidence has been accepted, valued with the contract's pinned pack. Live from the Social Value Ledger API: sign in from the task pane, and recalculate (Ctrl+Alt+F9) to refresh.
 * @customfunction DELIVERED
 * @param contract Contract reference, e.g. C-1001.
 * @param code Optional measure code, e.g. J1. Leave out for every measure.
 * @returns £ delivered with accepted evidence.
 */
export async function delivered(contract: string, code?: string): Promise<number> {
  const query = inExcelTerms(() => ({
    kind: "delivered" as const,
    contract: contractReference(contract),
    ...(isBlank(code) ? {} : { code: measureCode(code) }),
  }));
  return liveValues.ask(query);
}

/**
 * Number of a contract's evidence items that are overdue: past their due date with nothing submitted or accepted. Live from the Social Value Ledger API: sign in from the task pane, and recalculate (Ctrl+Alt+F9) to refresh.
 * @customfunction OVERDUE
 * @param contract Contract reference, e.g. C-1001.
 * @returns Count of overdue evidence items.
 */
export async function overdue(contract: string): Promise<number> {
  const query = inExcelTerms(() => ({ kind: "overdue" as const, contract: contractReference(contract) }));
  return liveValues.ask(query);
}

/**
 * A KPI's latest rating under the Procurement Act 2023 (Good, Approaching target, Requires improvement, Inadequate or Other), read from the KPIs sheet that the task pane's Sync to workbook writes. Sync again after an assessment to bring it up to date.
 * @customfunction KPIRATING
 * @param kpis The KPIs sheet's table with its header row, e.g. KpiRegister[#All].
 * @param kpi KPI id, e.g. KPI-1.
 * @returns The KPI's latest rating.
 */
export function kpiRating(kpis: unknown[][], kpi: string): string {
  return inExcelTerms(() => latestRatingInTable(kpis, kpi));
}
