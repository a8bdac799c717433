import { isBlankCell as isBlank } from "./cells";
import { daysBetween, IsoDate } from "./dates";
import { fromPence, MAX_POUNDS, MAX_QUANTITY, penceOf, toPence } from "./money";
import { findMeasure, Measure, missingProxyMessage, PackIndex, proxyValueMissing } from "./pack";

export type ValuationErrorKind =
  | "unknown-measure"
  | "not-valued"
  | "negative"
  | "not-a-number"
  | "shape"
  | "invalid-argument"
  | "out-of-range";

/** A valuation that cannot be done, with the reason in words an officer can act on. */
export class ValuationError extends Error {
  constructor(
    readonly kind: ValuationErrorKind,
    message: string,
  ) {
    super(message);
    this.name = "ValuationError";
  }
}

export function requireMeasure(index: PackIndex, code: string): Measure {
  const measure = findMeasure(index, code);
  if (!measure) throw new ValuationError("unknown-measure", `Measure "${code}" is not in pack ${index.label}.`);
  return measure;
}

/** A proxy measure whose pack lacks its £ value cannot be valued: the error says where to get the value. */
function requireValueInPack(index: PackIndex, measure: Measure): void {
  if (proxyValueMissing(measure)) throw new ValuationError("not-valued", missingProxyMessage(measure, index.label));
}

const GB = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 2 });

const SCIENTIFIC = new Intl.NumberFormat("en-GB", { notation: "scientific", maximumFractionDigits: 2 });

/** A figure for a message: 1,250.5 as people read it, but 1E308 rather than three hundred digits. */
function figure(n: number): string {
  return Math.abs(n) < 1e15 ? GB.format(n) : SCIENTIFIC.format(n);
}

function requireQuantity(quantity: number, what = "Quantity"): number {
  if (!Number.isFinite(quantity)) throw new ValuationError("not-a-number", `${what} must be a number.`);
  if (quantity < 0) throw new ValuationError("negative", `${what} cannot be negative (got ${quantity}).`);
  if (quantity > MAX_QUANTITY) throw new ValuationError("out-of-range", `${what} ${figure(quantity)} is more than any contribution can be (at most ${GB.format(MAX_QUANTITY)}); check the figure.`);
  return quantity;
}

const MAX_PENCE = MAX_POUNDS * 100;

/** Names the figure (a measure's quantity, or a label) only when it is refused. */
function worthTooMuch(what: string | Measure, quantity: number, pounds: number): never {
  const name = typeof what === "string" ? what : what.kind === "face-value" ? `£${figure(quantity)} of ${what.code}` : `${figure(quantity)} × ${what.code}`;
  throw new ValuationError("out-of-range", `${name} is worth £${figure(pounds)}, more than any contribution can be (at most £${GB.format(MAX_POUNDS)}); check the figure.`);
}

/**
 * A £ figure as whole pence, bounded by MAX_POUNDS. The rough product is checked first, so the
 * exact one always fits in pence. No closure or message is made on the way through: VALUE runs
 * millions of times a second.
 */
function boundedPence(quantity: number, poundsPerUnit: number, what: string | Measure): number {
  const rough = Math.abs(quantity * poundsPerUnit);
  if (!(rough <= MAX_POUNDS * 2)) worthTooMuch(what, quantity, rough);
  const pence = poundsPerUnit === 1 ? toPence(quantity) : penceOf(quantity, poundsPerUnit);
  if (pence > MAX_PENCE || pence < -MAX_PENCE) worthTooMuch(what, quantity, fromPence(pence));
  return pence;
}

/**
 * Value of a quantity of one measure in whole pence (docs/MONEY.md), or `null` for a measure that
 * carries no £ value (record-only, qualitative, or a proxy measure whose pack lacks the value).
 * Face-value measures are already in £, rounded to the penny.
 */
export function penceOrNull(measure: Measure, quantity: number): number | null {
  requireQuantity(quantity);
  switch (measure.kind) {
    case "proxy": {
      const proxy = measure.proxy;
      return proxy === null ? null : boundedPence(quantity, proxy, measure);
    }
    case "face-value":
      return boundedPence(quantity, 1, measure);
    case "record-only":
    case "qualitative":
      return null;
  }
}

/** £ value of a quantity of one measure, to the penny, or `null` for a measure that carries no £ value. */
export function valueOrNull(measure: Measure, quantity: number): number | null {
  const pence = penceOrNull(measure, quantity);
  return pence === null ? null : fromPence(pence);
}

/** £ value of a quantity of the measure `code`; a measure with no £ value is an error here. */
export function measureValue(index: PackIndex, code: string, quantity: number): number {
  const measure = requireMeasure(index, code);
  const value = valueOrNull(measure, quantity);
  requireValueInPack(index, measure);
  if (value === null) {
    throw new ValuationError("not-valued", `Measure ${measure.code} is ${measure.kind} in pack ${index.label}: it is recorded, not valued in £.`);
  }
  return value;
}

/** Proxy £ per unit; a face-value measure is £1 per £. */
export function proxyValue(index: PackIndex, code: string): number {
  const measure = requireMeasure(index, code);
  if (measure.kind === "face-value") return 1;
  requireValueInPack(index, measure);
  if (measure.kind !== "proxy" || measure.proxy === null) {
    throw new ValuationError("not-valued", `Measure ${measure.code} is ${measure.kind} in pack ${index.label}: it has no proxy value.`);
  }
  return measure.proxy;
}

function cellNumber(cell: unknown, where: string): number {
  if (typeof cell === "number") return cell;
  if (typeof cell === "string" && /^\s*-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(cell)) return Number(cell);
  throw new ValuationError("not-a-number", `${where}: "${String(cell)}" is not a number.`);
}

function shapeOf(range: readonly (readonly unknown[])[]): string {
  return `${range.length}×${range[0]?.length ?? 0}`;
}

/** Checks two ranges have the same rows and columns, naming both sizes when they do not. */
export function requireSameShape(
  a: readonly (readonly unknown[])[],
  b: readonly (readonly unknown[])[],
  names: [string, string],
): void {
  const same = a.length === b.length && a.every((row, i) => row.length === b[i]?.length);
  if (!same) {
    throw new ValuationError("shape", `${names[0]} is ${shapeOf(a)} but ${names[1]} is ${shapeOf(b)}; they must be the same size.`);
  }
}

/**
 * Walks two equal-shaped ranges of codes and quantities and calls `visit` with each valued cell.
 * Blank codes are skipped; measures with no £ value (record-only, qualitative) count as £0. A
 * quantity of a proxy measure whose pack lacks its £ value is an error: a total without it would be short.
 */
function forEachValued(
  index: PackIndex,
  codes: readonly (readonly unknown[])[],
  quantities: readonly (readonly unknown[])[],
  visit: (measure: Measure, pence: number) => void,
): void {
  requireSameShape(codes, quantities, ["codes", "quantities"]);
  for (let r = 0; r < codes.length; r++) {
    const codeRow = codes[r] ?? [];
    const quantityRow = quantities[r] ?? [];
    for (let c = 0; c < codeRow.length; c++) {
      const code = codeRow[c];
      const quantity = quantityRow[c];
      if (isBlank(code)) {
        if (!isBlank(quantity)) {
          throw new ValuationError("invalid-argument", `Row ${r + 1} has a quantity (${String(quantity)}) but no measure code.`);
        }
        continue;
      }
      const measure = requireMeasure(index, String(code));
      if (isBlank(quantity)) continue;
      requireValueInPack(index, measure);
      const pence = penceOrNull(measure, requireQuantity(cellNumber(quantity, `Row ${r + 1}`), `Quantity on row ${r + 1}`));
      if (pence !== null) visit(measure, pence);
    }
  }
}

/** Adds pence exactly; a total past what pence can hold is out of range, not a rounded guess. */
function addPence(total: number, pence: number): number {
  const sum = total + pence;
  if (!Number.isSafeInteger(sum)) throw new ValuationError("out-of-range", "The total is more than the ledger can keep to the penny; check the figures.");
  return sum;
}

/** Total £ over a range of codes and an equal-shaped range of quantities: each value to the penny, added exactly. */
export function totalValue(
  index: PackIndex,
  codes: readonly (readonly unknown[])[],
  quantities: readonly (readonly unknown[])[],
): number {
  let total = 0;
  forEachValued(index, codes, quantities, (_m, pence) => {
    total = addPence(total, pence);
  });
  return fromPence(total);
}

export interface ThemeTotal {
  theme: string;
  value: number;
}

/** Totals by theme, in the pack's theme order; themes with nothing recorded show £0. */
export function totalsByTheme(
  index: PackIndex,
  codes: readonly (readonly unknown[])[],
  quantities: readonly (readonly unknown[])[],
): ThemeTotal[] {
  const totals = new Map<string, number>(index.pack.themes.map((t) => [t, 0]));
  forEachValued(index, codes, quantities, (measure, pence) => {
    totals.set(measure.theme, addPence(totals.get(measure.theme) ?? 0, pence));
  });
  return [...totals].map(([theme, pence]) => ({ theme, value: fromPence(pence) }));
}

/** Social value as a fraction of contract value (0.12 means 12%). */
export function socialValueRatio(socialValue: number, contractValue: number): number {
  requireQuantity(socialValue, "Social value");
  if (!Number.isFinite(contractValue) || contractValue <= 0) {
    throw new ValuationError("invalid-argument", `Contract value must be more than £0 (got ${contractValue}).`);
  }
  return socialValue / contractValue;
}

/**
 * HM Treasury Green Book discount rate for year `year` (year 0 is today), as the product specifies
 * it: 3.5% to year 30, 3.0% to year 75, 2.5% after. The Green Book steps down further after year
 * 125, far beyond any contract's social value stream.
 */
export function greenBookRate(year: number): number {
  if (year <= 30) return 0.035;
  if (year <= 75) return 0.03;
  return 0.025;
}

/**
 * Present value of yearly amounts, year 0 first. Without `rate`, the Green Book schedule applies,
 * each year's factor compounding the rate for that year; with `rate`, a flat rate. Each amount is
 * taken to the penny, and the discounted sum is rounded once, to the penny, at the end.
 */
export function presentValue(amounts: readonly number[], rate?: number | null): number {
  if (rate !== undefined && rate !== null) {
    if (!Number.isFinite(rate) || rate <= -1) throw new ValuationError("invalid-argument", `Rate must be a number above -100% (got ${rate}).`);
    if (rate >= 1) throw new ValuationError("invalid-argument", `Rate ${rate} looks like a percentage; write ${rate}% or ${rate / 100}.`);
  }
  let factor = 1;
  let totalPence = 0;
  amounts.forEach((amount, year) => {
    if (!Number.isFinite(amount)) throw new ValuationError("not-a-number", `The amount for year ${year} is not a number.`);
    const pence = boundedPence(amount, 1, `The amount for year ${year}`);
    if (year > 0) factor /= 1 + (rate ?? greenBookRate(year));
    totalPence += pence * factor;
  });
  return fromPence(boundedPence(totalPence / 100, 1, "The present value"));
}

/** Relative score: the bid's value over the best value, times the points available. */
export function bidScore(bid: number, bids: readonly number[], maxPoints: number): number {
  requireQuantity(bid, "The bid");
  requireQuantity(maxPoints, "Maximum points");
  bids.forEach((b, i) => requireQuantity(b, `Bid ${i + 1} of the list`));
  // Not Math.max(...bids): spreading a long column of bids overflows the call stack.
  const best = bids.reduce((most, b) => Math.max(most, b), bid);
  // Multiplying first keeps whole-number cases exact: 30 of 40 for 10 points is 7.5, not 7.499999999999999.
  return best === 0 ? 0 : (bid * maxPoints) / best;
}

/**
 * What should have been delivered by `asOf`: the commitment pro rata to the elapsed share of the
 * contract period, clamped to the period (nothing before it starts, everything once it ends).
 */
export function expectedDelivery(committed: number, start: IsoDate, end: IsoDate, asOf: IsoDate): number {
  requireQuantity(committed, "The commitment");
  const length = daysBetween(start, end);
  if (length <= 0) throw new ValuationError("invalid-argument", `The contract end (${end}) must be after its start (${start}).`);
  const elapsed = Math.min(length, Math.max(0, daysBetween(start, asOf)));
  // Multiplying first keeps whole-number cases exact: 100 over 73 of 365 days is 20, not 20.000000000000004.
  return (committed * elapsed) / length;
}

/** The pack as a table with a header row, optionally one theme only (what TOMS.MEASURES spills). */
export function measuresTable(index: PackIndex, theme?: string | null): (string | number)[][] {
  const wanted = theme?.trim().toLowerCase();
  const rows = index.pack.measures
    .filter((m) => !wanted || m.theme.toLowerCase() === wanted)
    .map((m) => [m.code, m.theme, m.outcome, m.description, m.unit, m.kind, m.proxy ?? ""]);
  if (wanted && rows.length === 0) {
    throw new ValuationError("invalid-argument", `Pack ${index.label} has no theme "${theme}"; its themes are ${index.pack.themes.join(", ")}.`);
  }
  return [["Code", "Theme", "Outcome", "Measure", "Units", "Valuation", "Proxy Value (£)"], ...rows];
}
