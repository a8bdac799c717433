import type { Problem } from "./problems";

/*
 * Cell values as Excel (and a CSV file once split) hands them over: strings, numbers, booleans,
 * null for an empty cell.
 */

/** An empty cell: null, undefined, or text that is only spaces (Excel hands an omitted optional argument over as null). */
export function isBlankCell(value: unknown): boolean {
  return value === null || value === undefined || (typeof value === "string" && value.trim() === "");
}

/** A cell's text, trimmed; "" for an empty cell or a value that is not text, a number or a boolean. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value.trim();
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return "";
}

/** Case, spacing, line breaks, punctuation, accents and £ signs do not matter: "Proxy Value (£)" matches "proxy value", "Themâu" "themau". */
export function normaliseHeader(header: unknown): string {
  return cellText(header)
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "");
}

/** How far down a table its header row is looked for unless the spec says (a title and notes may sit above it). */
const MAX_HEADER_SEARCH = 10;

export interface HeaderSpec<F extends string> {
  /** Normalised header text → the field a column holds. */
  aliases: Readonly<Record<string, F>>;
  /** Each field in words, naming the headers that stand for it, for messages. */
  labels: Readonly<Record<F, string>>;
  /** The two fields that make a row the header row. */
  required: readonly [F, F];
  /** Headers that stand for a field only when no other column does (e.g. "Measure" for the code). */
  fallback?: { headers: readonly string[]; field: F };
  /** How many top rows may hold the header row (a title block, notes and blank rows may sit above it). */
  searchRows?: number;
}

/**
 * The header row of a table: the first of its top rows with a column for each required field, and
 * which column holds each field. Problems when no row has them, or two columns look like one field.
 */
export function findHeaderRow<F extends string>(
  rows: readonly (readonly unknown[])[],
  spec: HeaderSpec<F>,
): { index: number; columns: Map<F, number> } | Problem[] {
  const [first, second] = spec.required;
  const searchRows = spec.searchRows ?? MAX_HEADER_SEARCH;
  for (let r = 0; r < Math.min(rows.length, searchRows); r++) {
    const columns = new Map<F, number>();
    const clashes: Problem[] = [];
    let fallbackColumn: number | undefined;
    (rows[r] ?? []).forEach((cell, c) => {
      const name = normaliseHeader(cell);
      if (spec.fallback?.headers.includes(name) && fallbackColumn === undefined) fallbackColumn = c;
      const field = spec.aliases[name];
      if (!field) return;
      const earlier = columns.get(field);
      if (earlier === undefined) columns.set(field, c);
      else {
        clashes.push({
          path: [r, c],
          row: r + 1,
          column: cellText(cell),
          message: `both "${cellText(rows[r]?.[earlier])}" and "${cellText(cell)}" look like the ${spec.labels[field]} column; rename one`,
        });
      }
    });
    if (spec.fallback && fallbackColumn !== undefined && !columns.has(spec.fallback.field)) columns.set(spec.fallback.field, fallbackColumn);
    if (columns.has(first) && columns.has(second)) return clashes.length > 0 ? clashes : { index: r, columns };
  }
  return [
    {
      path: [0],
      row: 1,
      message: `no header row with a ${spec.labels[first]} column and a ${spec.labels[second]} column in the first ${searchRows} rows`,
    },
  ];
}
