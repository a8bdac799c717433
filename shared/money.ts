/*
 * The ledger's one rule for money (docs/MONEY.md): every £ is computed in whole pence, and the value
 * of one contribution (quantity × proxy, or a face-value amount) is rounded to the penny half away
 * from zero, from the decimals the person wrote, not from their nearest binary fractions: 1.005 is
 * £1.01 and 2.2 × 2919.45 is £6,422.79, never 6422.799999999999. Totals add those pence exactly.
 */

/** The largest quantity one contribution or cell may carry; past it a figure is a typing slip, not a delivery. */
export const MAX_QUANTITY = 1e12;

/** The largest £ value one contribution or cell may carry (10^14 pence, well inside the 2^53 a number holds exactly). */
export const MAX_POUNDS = 1e12;

/** A figure that no amount of pence can hold exactly, or past the ledger's bounds. */
export class MoneyRangeError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = "MoneyRangeError";
  }
}

/** A finite number's decimal digits as JavaScript writes it (the shortest that reads back the same): 1.005 is 1005 × 10^-3. */
function decimalOf(x: number): { units: bigint; scale: number } {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(x));
  if (!m) throw new MoneyRangeError(`${x} is not a finite number`);
  const fraction = m[3] ?? "";
  let scale = fraction.length - Number(m[4] ?? 0);
  let units = BigInt(`${m[2] ?? "0"}${fraction}`);
  if (scale < 0) {
    units *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { units: m[1] === "-" ? -units : units, scale };
}

/** units ÷ 10^scale as a whole number, half away from zero. */
function roundScaled(units: bigint, scale: number): bigint {
  if (scale <= 0) return units * 10n ** BigInt(-scale);
  const divisor = 10n ** BigInt(scale);
  const whole = units / divisor;
  const rest = units % divisor;
  return 2n * (rest < 0n ? -rest : rest) >= divisor ? whole + (units < 0n ? -1n : 1n) : whole;
}

/**
 * Half away from zero on a floating-point amount in pence, or NaN when it lies so near a half
 * penny that the float's error (about 10^-15 of it) could cross the half: then only the exact
 * decimal arithmetic can say.
 */
function roundClearOfHalf(pence: number): number {
  const size = Math.abs(pence);
  const whole = Math.floor(size);
  const fraction = size - whole;
  if (Math.abs(fraction - 0.5) <= size * 1e-14 + 1e-9) return Number.NaN;
  const rounded = fraction > 0.5 ? whole + 1 : whole;
  return pence < 0 ? -rounded : rounded;
}


function tooMuch(what: string): never {
  throw new MoneyRangeError(`${what} is more than the ledger can keep to the penny`);
}

// No closures or messages on the way through: VALUE runs these millions of times a second.

function requireFinite(x: number, what: string): void {
  if (!Number.isFinite(x)) throw new MoneyRangeError(`${what} (${x}) is not a finite number`);
}

/** a × b in pence from their decimals, half away from zero; apart from the fast path so that stays small enough to inline. */
function exactPence(a: number, b: number): number {
  const x = decimalOf(a);
  const y = decimalOf(b);
  return Number(roundScaled(x.units * y.units, x.scale + y.scale - 2));
}

/** £ to whole pence, half away from zero: 1.005 → 101, 0.1 + 0.2 → 30, -2.675 → -268. */
export function toPence(pounds: number): number {
  requireFinite(pounds, "The amount");
  let pence = roundClearOfHalf(pounds * 100);
  if (pence !== pence) pence = exactPence(pounds, 1); // NaN: within a hair of a half penny
  if (!Number.isSafeInteger(pence)) tooMuch(`£${pounds}`);
  return pence === 0 ? 0 : pence;
}

/** The value of one contribution in pence: quantity × £ per unit, exact, then rounded once to the penny. */
export function penceOf(quantity: number, poundsPerUnit: number): number {
  requireFinite(quantity, "The quantity");
  requireFinite(poundsPerUnit, "The £ per unit");
  let pence = roundClearOfHalf(quantity * poundsPerUnit * 100);
  if (pence !== pence) pence = exactPence(quantity, poundsPerUnit); // NaN: within a hair of a half penny
  if (!Number.isSafeInteger(pence)) tooMuch(`${quantity} × £${poundsPerUnit}`);
  return pence === 0 ? 0 : pence;
}

/** Whole pence as £ for storage and cells: 642279 → 6422.79 (the nearest number to the two-decimal amount). */
export function fromPence(pence: number): number {
  if (!Number.isSafeInteger(pence)) throw new MoneyRangeError(`${pence} is not a whole number of pence`);
  return pence === 0 ? 0 : pence / 100;
}

/** Adds whole pence exactly; refuses a total past what a number holds to the penny. */
export function sumPence(values: Iterable<number>): number {
  let total = 0;
  for (const pence of values) {
    if (!Number.isSafeInteger(pence)) throw new MoneyRangeError(`${pence} is not a whole number of pence`);
    total += pence;
    if (!Number.isSafeInteger(total)) throw new MoneyRangeError("The total is more than the ledger can keep to the penny");
  }
  return total;
}

/** One £ amount added to another in pence: what running totals (by theme, by contract) use. */
export function addPounds(total: number, amount: number): number {
  return fromPence(sumPence([toPence(total), toPence(amount)]));
}

/** Adds £ amounts stored to the penny (contributions' values), in pence, and gives £. */
export function sumPounds(values: Iterable<number | null>): number {
  const pence: number[] = [];
  for (const v of values) if (v !== null) pence.push(toPence(v));
  return fromPence(sumPence(pence));
}

export interface MoneyStyle {
  /** "£5,000" rather than "£5,000.00" when there are no pence (the task pane); emails always show them. */
  dropZeroPence?: boolean;
  /** From this many £, "£1.25m": for narrow columns, whose tooltip carries the full figure. */
  compactFrom?: number;
  /** "£101,469": whole pounds, rounded half away from zero, for roll-ups read at a glance (the portfolio). */
  wholePounds?: boolean;
}

const POUNDS_PENCE = new Intl.NumberFormat("en-GB", { style: "currency", currency: "GBP", minimumFractionDigits: 2, maximumFractionDigits: 2 });
const WHOLE_POUNDS = new Intl.NumberFormat("en-GB", { style: "currency", currency: "GBP", minimumFractionDigits: 0, maximumFractionDigits: 0 });
const COMPACT = new Intl.NumberFormat("en-GB", { style: "currency", currency: "GBP", notation: "compact", maximumFractionDigits: 2 });

/** The one way the product writes £: "£6,422.79", to the penny, rounded by the ledger's rule first. */
export function formatMoney(pounds: number, style: MoneyStyle = {}): string {
  const pence = toPence(pounds);
  const exact = fromPence(pence);
  if (style.compactFrom !== undefined && Math.abs(exact) >= style.compactFrom) return COMPACT.format(exact);
  if (style.wholePounds) return WHOLE_POUNDS.format(Math.sign(pence) * Math.round(Math.abs(pence) / 100));
  return style.dropZeroPence && pence % 100 === 0 ? WHOLE_POUNDS.format(exact) : POUNDS_PENCE.format(exact);
}
