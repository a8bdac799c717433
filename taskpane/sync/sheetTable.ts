/*
 * What "Sync to workbook" writes, as plain data: tables of typed columns the workbook gateway puts
 * into Excel. Nothing here calls Office.js, so every rule below is tested without Excel.
 */

export type CellValue = string | number | boolean;

/** text: written as text whatever it starts with; date: an Excel serial number shown as a date. */
export type ColumnKind = "text" | "number" | "money" | "date";

export interface SheetColumn {
  header: string;
  kind: ColumnKind;
}

/** An Excel table the add-in owns: created if absent, refreshed in place otherwise. */
export interface SheetTable {
  sheetName: string;
  tableName: string;
  columns: readonly SheetColumn[];
  /** The column whose value identifies a row from one sync to the next (Reference, Theme). */
  key: string;
  /** One row per record, cells in the order of `columns`. */
  rows: readonly (readonly CellValue[])[];
  /** A new table starts this many rows down its new sheet, leaving room for `title`. */
  firstRow: number;
  /** Written in the first column, two rows above the table's header, when there is room. */
  title?: string;
}

export interface WorkbookSync {
  contributions: SheetTable;
  summary: SheetTable;
  chart: { name: string; title: string };
  /** The KPIs sheet: the contract's KPI register with its ratings. */
  kpis: SheetTable;
}

/**
 * Small tables stacked down one sheet, each with its chart beside it (the Portfolio sheet): each
 * table's header goes `headerBelow` the one above, as long as that one is this sync.
 */
export interface PortfolioSync {
  tables: { table: SheetTable; chart: { name: string; title: string } }[];
}

/** A table's title is written this many rows above its header (SheetTable.title). */
export const TITLE_ROWS = 2;
/** Rows a chart beside a table spans, from the table's header down. */
export const CHART_ROWS = 18;
/** Blank rows between a table (or its chart, when that is longer) and the next table's title. */
export const STACK_GAP_ROWS = 2;

/** The header row of the next stacked table, below a table whose header is at `top` with `bodyRows` rows (never fewer than one). */
export function headerBelow(top: number, bodyRows: number): number {
  return top + Math.max(1 + Math.max(bodyRows, 1), CHART_ROWS) + STACK_GAP_ROWS + TITLE_ROWS;
}

/** Excel number formats. "@" makes Excel keep whatever is typed or written as text. */
export const NUMBER_FORMAT: Readonly<Record<ColumnKind, string>> = {
  text: "@",
  number: "General",
  money: '"£"#,##0.00',
  date: "d mmm yyyy",
};

/**
 * Text Excel would read as a formula (=, +, -, @) or that spreadsheet exports treat as one (tab,
 * carriage return) gets a leading apostrophe: Excel stores the rest as text and shows no apostrophe.
 * The column's "@" format already keeps it as text; the apostrophe holds even if someone changes it.
 * Text that itself starts with an apostrophe gets another, or Excel would swallow the first.
 */
export function literalText(text: string): string {
  return /^[=+\-@\t\r']/.test(text) ? `'${text}` : text;
}

/** The cell as written to Excel: text columns guarded, blanks as "". */
export function excelCell(kind: ColumnKind, value: CellValue | undefined): CellValue {
  if (value === undefined || value === "") return "";
  if (kind === "text") return literalText(String(value));
  return value;
}

/** UTF-8 length of the JSON for a value, without building a buffer (payload estimates run per row). */
export function jsonBytes(value: unknown): number {
  const json = JSON.stringify(value);
  let bytes = 0;
  for (let i = 0; i < json.length; i++) {
    const code = json.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
