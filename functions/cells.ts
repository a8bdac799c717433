import { dateFromCell, IsoDate, isBlankCell as isBlank, ValuationError } from "../shared";

type Cells = readonly (readonly unknown[])[];

/** A measure code from a cell: codes like 12 arrive as numbers. */
export function measureCode(value: unknown): string {
  if (typeof value === "number") return String(value);
  if (typeof value === "string" && value.trim() !== "") return value;
  throw new ValuationError("invalid-argument", "Give a measure code, e.g. J1.");
}

function cellNumber(value: unknown, what: string): number {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  throw new ValuationError("not-a-number", `${what} is "${String(value)}", which is not a number.`);
}

/** A row or a column of yearly amounts, year 0 first; an empty cell is a year with nothing in it. */
export function amountsByYear(range: Cells): number[] {
  const rows = range.length;
  const columns = range[0]?.length ?? 0;
  if (rows > 1 && columns > 1) {
    throw new ValuationError("shape", `The amounts are ${rows}×${columns}; give one row or one column, year 0 first.`);
  }
  return range.flat().map((cell, year) => (isBlank(cell) ? 0 : cellNumber(cell, `The amount for year ${year}`)));
}

/** Every number in a range, empty cells left out (a list of bids may have gaps). */
export function numbersIn(range: Cells, what: string): number[] {
  return range.flat().flatMap((cell, i) => (isBlank(cell) ? [] : [cellNumber(cell, `${what} ${i + 1}`)]));
}

/** A date given as an Excel date (serial number) or as yyyy-mm-dd text. */
export function dateArgument(value: unknown, what: string): IsoDate {
  if (isBlank(value)) throw new ValuationError("invalid-argument", `Give the ${what}.`);
  const date = dateFromCell(value);
  if (date === undefined) {
    throw new ValuationError("invalid-argument", `The ${what} "${String(value)}" is not a date: give an Excel date or text written yyyy-mm-dd.`);
  }
  return date;
}

/** Today's calendar date where Excel runs, as Excel's TODAY() sees it. */
export function today(now: Date = new Date()): IsoDate {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
