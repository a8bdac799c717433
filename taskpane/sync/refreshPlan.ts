import { normaliseHeader } from "../../shared";
import type { CellValue, SheetTable } from "./sheetTable";

/*
 * How an existing table is brought up to date without losing what officers added to it.
 *
 * Columns are matched by header (forgivingly: "value (£)" is "Value (£)"), wherever the officer
 * moved them; columns the add-in does not own are the officer's and are never written.
 *
 * Rows are matched by the key column (Reference). A row whose contribution is still there stays
 * where it is, so the officer's cells beside it (values, formulas, formatting, comments) stay with
 * it; contributions new since the last sync are added at the bottom; rows whose contribution is no
 * longer in the contract are deleted as whole table rows, the officer's cells with them. Excel
 * itself moves and deletes the cells, so nothing of the officer's is read and written back
 * (which would turn a quote-prefixed text such as '=A1 into a formula). The report counts the
 * deleted rows that had something in the officer's columns, so the pane can say so.
 */

/** What the workbook holds of an existing table, as read before the refresh. */
export interface ExistingTable {
  header: readonly unknown[];
  /** The key column's cells, one per body row; undefined when the table has no key column. */
  keys: readonly unknown[] | undefined;
  /** The officer's columns' cells, row by row (only those columns). */
  ownCells: readonly (readonly unknown[])[];
  bodyRows: number;
}

export interface RefreshPlan {
  /** For each of our columns, its position in the table once missing columns are added. */
  positions: number[];
  /** Our columns that are missing and are added at the right, in our order. */
  addColumns: string[];
  /** Headers of the officer's own columns, as written. */
  ownColumns: string[];
  width: number;
  /** Body rows to delete, as runs, last run first so earlier positions still hold when each runs. */
  deleteRuns: { start: number; count: number }[];
  /** Rows added at the bottom (before the deletions, so the table is never empty). */
  appendRows: number;
  /** Final body row i holds `rows[order[i]]`; rows past `order.length` (only ever one, kept because a table always has a body row) are blank. */
  order: number[];
  bodyRows: number;
  removedRows: number;
  removedRowsWithOwnValues: number;
}

export class RefreshRefused extends Error {
  override readonly name = "RefreshRefused";
}

const isBlank = (cell: unknown) => cell === null || cell === undefined || (typeof cell === "string" && cell.trim() === "");
const keyText = (cell: unknown) => (isBlank(cell) ? "" : String(cell).trim().toUpperCase());

/** Where our columns sit in an existing header: first unused column whose header matches. */
export function matchColumns(header: readonly unknown[], table: Pick<SheetTable, "columns">): { positions: (number | undefined)[]; own: number[] } {
  const normalised = header.map(normaliseHeader);
  const used = new Set<number>();
  const positions = table.columns.map((column) => {
    const wanted = normaliseHeader(column.header);
    const at = normalised.findIndex((h, i) => h === wanted && !used.has(i));
    if (at < 0) return undefined;
    used.add(at);
    return at;
  });
  return { positions, own: header.map((_h, i) => i).filter((i) => !used.has(i)) };
}

/** A brand-new table: our columns in order, every row added. */
export function newTablePlan(table: SheetTable): RefreshPlan {
  const rows = table.rows.length;
  return {
    positions: table.columns.map((_c, i) => i),
    addColumns: [],
    ownColumns: [],
    width: table.columns.length,
    deleteRuns: [],
    appendRows: Math.max(rows, 1),
    order: table.rows.map((_r, i) => i),
    bodyRows: Math.max(rows, 1),
    removedRows: 0,
    removedRowsWithOwnValues: 0,
  };
}

export function refreshPlan(table: SheetTable, existing: ExistingTable): RefreshPlan {
  const { positions: found, own } = matchColumns(existing.header, table);
  const keyColumn = table.columns.findIndex((c) => c.header === table.key);
  const ownColumns = own.map((i) => String(existing.header[i] ?? ""));
  if (found[keyColumn] === undefined && own.length > 0 && existing.bodyRows > 0) {
    throw new RefreshRefused(
      `The ${table.tableName} table has no ${table.key} column, so its rows cannot be matched to ${table.key.toLowerCase()}s and your columns (${ownColumns.join(", ")}) could end up beside the wrong rows. Put a column headed ${table.key} back (undo, or copy it from a backup), then sync again.`,
    );
  }

  let width = existing.header.length;
  const addColumns: string[] = [];
  const positions = found.map((at, i) => {
    if (at !== undefined) return at;
    addColumns.push(table.columns[i]?.header ?? "");
    return width++;
  });

  // Each row's key: its first row in the new data, claimed by the first existing row that has it.
  const newRowOf = new Map<string, number>();
  table.rows.forEach((row, i) => {
    const key = keyText(row[keyColumn]);
    if (key !== "" && !newRowOf.has(key)) newRowOf.set(key, i);
  });
  const claimed = new Set<number>();
  const order: number[] = [];
  const removed: number[] = [];
  for (let r = 0; r < existing.bodyRows; r++) {
    const match = existing.keys === undefined ? undefined : newRowOf.get(keyText(existing.keys[r]));
    if (match !== undefined && !claimed.has(match)) {
      claimed.add(match);
      order.push(match);
    } else {
      removed.push(r);
    }
  }
  const appended = table.rows.map((_r, i) => i).filter((i) => !claimed.has(i));
  order.push(...appended);

  const deleteRuns: { start: number; count: number }[] = [];
  for (const r of removed) {
    const last = deleteRuns.at(-1);
    if (last && last.start + last.count === r) last.count++;
    else deleteRuns.push({ start: r, count: 1 });
  }
  deleteRuns.reverse();

  const hasOwnValues = (r: number) => (existing.ownCells[r] ?? []).some((cell) => !isBlank(cell));
  const keepOneRow = order.length === 0 ? 1 : 0;
  return {
    positions,
    addColumns,
    ownColumns,
    width,
    deleteRuns,
    appendRows: appended.length + keepOneRow,
    order,
    bodyRows: order.length + keepOneRow,
    removedRows: removed.length,
    removedRowsWithOwnValues: removed.filter(hasOwnValues).length,
  };
}

/** The cells of final body row `i` for our columns, in our column order ("" for the kept blank row). */
export function rowAt(table: SheetTable, plan: RefreshPlan, i: number): readonly CellValue[] {
  const source = plan.order[i];
  return source === undefined ? table.columns.map(() => "") : (table.rows[source] ?? []);
}
