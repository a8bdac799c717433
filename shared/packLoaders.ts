import { cellText, findHeaderRow, normaliseHeader } from "./cells";
import type { HeaderSpec } from "./cells";
import { MeasureSchema, validatePack, normaliseCode } from "./pack";
import type { FrameworkPack, FrameworkPackInput, Measure, PackMetadata, ValuationKind } from "./pack";
import {
  isNoteText,
  isTotalsText,
  looksLikeHeading,
  MEASURE_FIELD_LABEL as FIELD_LABEL,
  MEASURE_HEADER_ALIASES,
  MEASURE_HEADER_FALLBACK,
  readValuationKind,
  VALUATION_KIND_WORDS,
} from "./packVocabulary";
import type { MeasureField as Field } from "./packVocabulary";
import { Problem, ValidationError } from "./problems";

const NO_VALUE = /^(n\/?a|-|–|—|none|nil)$/i;

/** Commas only between groups of three digits: "28,213.00" is 28213, "2,5" is not a number at all. */
const AMOUNT = /^-?(\d{1,3}(,\d{3})+|\d+)(\.\d*)?$|^-?\.\d+$/;

/** Parses "£28,213.00", "28213" or 28213; `null` for a cell that says there is no value ("n/a", "-", "£ -"). */
export function parseMoney(value: unknown): { ok: true; value: number | null } | { ok: false; message: string } {
  if (typeof value === "number") {
    return Number.isFinite(value) ? { ok: true, value } : { ok: false, message: "is not a finite number" };
  }
  const text = cellText(value);
  const compact = text.replace(/[£\s]/g, "");
  if (compact === "" || NO_VALUE.test(compact)) return { ok: true, value: null };
  if (!AMOUNT.test(compact)) {
    const hint = compact.includes(",") ? "; write it with a decimal point, and commas only between thousands (e.g. 2.5 or 1,250.00)" : "";
    return { ok: false, message: `"${text}" is not an amount in £${hint}` };
  }
  return { ok: true, value: Number(compact.replace(/,/g, "")) };
}

/** FNV-1a: a short, stable fingerprint so an edition can name the exact content it was read from. */
export function fingerprint(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

/** A council's title block, licence notes and blank rows can run to a couple of dozen rows above the header. */
const HEADER: HeaderSpec<Field> = {
  aliases: MEASURE_HEADER_ALIASES,
  labels: FIELD_LABEL,
  required: ["code", "unit"],
  fallback: MEASURE_HEADER_FALLBACK,
  searchRows: 30,
};

type Cells = readonly (readonly unknown[])[];

/** A measures table as read: the pack, and what the loader did not take from the table and why. */
export interface MeasuresTable {
  pack: FrameworkPack;
  /**
   * Rows skipped (section headings, totals, notes, blank rows), columns not used, and assumptions
   * made (a measure read as record-only, proxy measures without a £ value), each with its row or
   * column. None of these refuse the table; they are said so nothing is dropped without a word.
   */
  warnings: Problem[];
}

/** "rows 5, 9–11": consecutive rows as a range, so a long run of blank rows is one phrase. */
function rowList(rows: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < rows.length; i++) {
    const start = rows[i] ?? 0;
    let end = start;
    while (rows[i + 1] === end + 1) end = rows[++i] ?? end;
    parts.push(end === start ? String(start) : `${start}–${end}`);
  }
  return `${rows.length === 1 ? "row" : "rows"} ${parts.join(", ")}`;
}

function quoteShort(text: string): string {
  return `"${text.length > 60 ? `${text.slice(0, 57)}…` : text}"`;
}

/** A row read as a measure candidate: its cells, and the theme and outcome it sits under. */
interface CandidateRow {
  row: readonly unknown[];
  sheetRow: number;
  money: ReturnType<typeof parseMoney>;
  theme: string;
  outcome: string;
}

/**
 * Reads a pack from a 2-D array of cell values (what Excel hands a function for a range, or a CSV
 * file once split), as councils publish them: the header row may sit below a title block and
 * notes, header names vary (see packVocabulary.ts), section headings, totals, source and notes rows
 * and blank rows are skipped, and a blank theme or outcome carries on from the row above, as
 * merged cells read. A table that gives no £ values at all loads as a register of measures.
 * Problems that make a measure unreadable refuse the table; everything else is a warning.
 */
export function readMeasuresTable(rows: Cells, metadata: Partial<PackMetadata> = {}): MeasuresTable {
  if (!Array.isArray(rows) || rows.some((r) => !Array.isArray(r))) {
    throw new ValidationError("The measures table", [{ path: [], message: "is not a table of rows and columns" }]);
  }
  const header = findHeaderRow(rows, HEADER);
  if (Array.isArray(header)) throw new ValidationError("The measures table", header);

  const { index: headerIndex, columns } = header;
  const headerRow = rows[headerIndex] ?? [];
  const headerSheetRow = headerIndex + 1;
  const columnName = (f: Field) => cellText(headerRow[columns.get(f) ?? -1]);
  const read = (row: readonly unknown[], f: Field): unknown => {
    const c = columns.get(f);
    return c === undefined ? undefined : row[c];
  };
  const headerUnit = cellText(read(headerRow, "unit"));
  const fieldOfColumn = new Map([...columns].map(([f, c]) => [c, f]));

  const warnings: Problem[] = [];
  const skip = (sheetRow: number, message: string) => warnings.push({ path: ["rows", sheetRow], row: sheetRow, message: `skipped: ${message}` });

  const aboveHeader = rows.slice(0, headerIndex).flatMap((row: readonly unknown[], r) => (row.some((cell) => cellText(cell) !== "") ? [r + 1] : []));
  if (aboveHeader.length > 0) {
    warnings.push({ path: ["rows"], row: aboveHeader[0], message: `skipped: ${rowList(aboveHeader)} above the header row (row ${headerSheetRow}), read as the table's title and notes` });
  }

  const candidates: CandidateRow[] = [];
  const blankRows: number[] = [];
  const filledColumns: boolean[] = [];
  let lastFilledRow = headerSheetRow;
  let theme = "";
  let outcome = "";
  const takeTheme = (text: string) => {
    if (text !== "" && text !== theme) {
      theme = text;
      outcome = "";
    }
  };

  for (let r = headerIndex + 1; r < rows.length; r++) {
    const row: readonly unknown[] = rows[r] ?? [];
    const sheetRow = r + 1;
    const texts: string[] = [];
    const filled: number[] = [];
    for (let c = 0; c < row.length; c++) {
      const text = cellText(row[c]);
      texts.push(text);
      if (text !== "") filled.push(c);
    }
    if (filled.length === 0) {
      blankRows.push(sheetRow);
      continue;
    }
    lastFilledRow = sheetRow;
    for (const c of filled) filledColumns[c] = true;
    const code = cellText(read(row, "code"));
    const unit = cellText(read(row, "unit"));
    const first = texts[filled[0] ?? 0] ?? "";

    if (unit === "" && (isNoteText(first) || isNoteText(code))) {
      skip(sheetRow, `a source or notes row (${quoteShort(first)})`);
      continue;
    }
    if (unit === "" && (code === "" || isTotalsText(code)) && filled.some((c) => isTotalsText(texts[c] ?? ""))) {
      skip(sheetRow, "a totals row (measures are listed one by one; the pack adds nothing up)");
      continue;
    }
    if (unit === headerUnit && [...columns.values()].every((c) => normaliseHeader(row[c]) === normaliseHeader(headerRow[c]))) {
      skip(sheetRow, "the header row repeated");
      continue;
    }
    if (filled.length === 1 && unit === "") {
      const only = filled[0] ?? 0;
      if (!looksLikeHeading(first)) {
        skip(sheetRow, `a note (${quoteShort(first)} alone in the row)`);
      } else if (fieldOfColumn.get(only) === "outcome") {
        outcome = first;
        skip(sheetRow, `an outcome heading: the rows below have outcome "${first}" unless they name one`);
      } else {
        takeTheme(first);
        skip(sheetRow, `a section heading: the rows below are under theme "${first}" unless they name one`);
      }
      continue;
    }
    takeTheme(cellText(read(row, "theme")));
    outcome = cellText(read(row, "outcome")) || outcome;
    // Measure codes carry a number (NT1, CY12); text without one in the code column of a row with no unit or £ is a heading.
    if (!/\d/.test(code) && unit === "" && cellText(read(row, "proxy")) === "") {
      skip(sheetRow, `no measure code, unit or £ value (${filled.map((c) => quoteShort(texts[c] ?? "")).join(", ")}); read as a heading`);
      continue;
    }
    candidates.push({ row, sheetRow, money: parseMoney(read(row, "proxy")), theme, outcome });
  }

  const interiorBlanks = blankRows.filter((r) => r < lastFilledRow);
  if (interiorBlanks.length > 0) warnings.push({ path: ["rows"], row: interiorBlanks[0], message: `skipped: blank ${rowList(interiorBlanks)}` });

  const headerWidth = Math.max(headerRow.length, filledColumns.length);
  for (let c = 0; c < headerWidth; c++) {
    if (fieldOfColumn.has(c)) continue;
    const name = cellText(headerRow[c]);
    if (name !== "") {
      warnings.push({ path: ["columns", c], row: headerSheetRow, column: name, message: "not used: the pack has no place for this column, so its contents are not imported" });
    } else if (filledColumns[c] === true) {
      warnings.push({ path: ["columns", c], row: headerSheetRow, column: `column ${c + 1} (no header)`, message: "not used: it has values but no header, so they are not imported" });
    }
  }

  // Many councils publish the measures but not the licensed proxies: then every proxy measure is recorded without a £ value.
  const register = !candidates.some(({ money }) => money.ok && money.value !== null);

  const problems: Problem[] = [];
  const measures: Measure[] = [];
  const firstRowOfCode = new Map<string, number>();
  const withoutProxyValue: string[] = [];
  const readAsRecordOnly: number[] = [];

  for (const { row, sheetRow, money, theme: rowTheme, outcome: rowOutcome } of candidates) {
    const rowProblems: Problem[] = [];
    const problem = (f: Field, message: string) =>
      rowProblems.push({ path: ["measures", sheetRow, f], row: sheetRow, column: columnName(f) || FIELD_LABEL[f], message });
    const code = cellText(read(row, "code"));
    const unit = cellText(read(row, "unit"));
    const proxyCell = read(row, "proxy");

    let proxy: number | null = null;
    if (!money.ok) problem("proxy", money.message);
    else if (money.value !== null && money.value < 0) problem("proxy", `${money.value} is negative; a proxy value cannot be negative`);
    else proxy = money.value;

    const kindText = cellText(read(row, "kind"));
    const reading = kindText === "" ? undefined : readValuationKind(kindText);
    if (kindText !== "" && reading === undefined) problem("kind", `unknown valuation kind "${kindText}"; write ${VALUATION_KIND_WORDS}`);
    let kind: ValuationKind;
    if (reading !== undefined) {
      kind = reading.kind;
      if (kind === "proxy" && !reading.valueShown && proxy !== null) {
        warnings.push({ path: ["measures", sheetRow, "kind"], row: sheetRow, column: columnName("kind"), message: `says the proxy value is not shown, but the table gives £${proxy}; that value is used` });
      }
    } else if (proxy !== null || register) {
      kind = "proxy";
    } else {
      kind = "record-only";
      if (cellText(proxyCell) === "" && kindText === "") readAsRecordOnly.push(sheetRow);
    }
    // A £1 beside a face-value measure, or £0 beside one not valued, says the same thing as no value.
    const harmless = (kind === "face-value" && proxy === 1) || (kind !== "proxy" && proxy === 0);
    if (kind !== "proxy" && proxy !== null && !harmless && money.ok) {
      problem("proxy", `a ${kind} measure has no proxy value; clear the cell or set the valuation to proxy`);
    }

    const candidate = {
      code,
      theme: rowTheme || "Unassigned",
      outcome: rowOutcome,
      description: cellText(read(row, "description")) || code,
      unit,
      kind,
      proxy: kind === "proxy" ? proxy : null,
    };
    const parsed = MeasureSchema.safeParse(candidate);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const f = issue.path[0];
        const field: Field = f === "code" || f === "unit" || f === "theme" || f === "description" ? f : "proxy";
        if (field === "proxy" && rowProblems.some((p) => p.path[2] === "proxy" || p.path[2] === "kind")) continue;
        problem(field, field === "unit" && unit === "" ? `measure ${code || "(no code)"} has no unit` : issue.message);
      }
    }
    if (code !== "") {
      const first = firstRowOfCode.get(normaliseCode(code));
      if (first !== undefined) problem("code", `duplicate code ${code} (first on row ${first})`);
      else firstRowOfCode.set(normaliseCode(code), sheetRow);
    }
    if (rowProblems.length > 0) problems.push(...rowProblems);
    else if (parsed.success) {
      measures.push(parsed.data);
      if (parsed.data.kind === "proxy" && parsed.data.proxy === null) withoutProxyValue.push(parsed.data.code);
    }
  }

  if (problems.length === 0 && measures.length === 0) {
    problems.push({ path: ["measures"], row: headerSheetRow + 1, message: "the table has a header row but no measures below it" });
  }
  if (problems.length > 0) throw new ValidationError("The measures table", problems);

  if (readAsRecordOnly.length > 0) {
    warnings.push({
      path: ["measures"],
      row: readAsRecordOnly[0],
      column: columnName("proxy"),
      message: `no £ value and no valuation kind on ${rowList(readAsRecordOnly)}: read as record-only (counted, not valued in £); if a measure is valued by proxy, write its £ value, or "proxy (value not shown)" in a Valuation column`,
    });
  }
  const summary: Problem[] = [];
  if (withoutProxyValue.length > 0) {
    const codes = withoutProxyValue.length > 5 ? `${withoutProxyValue.slice(0, 5).join(", ")} and ${withoutProxyValue.length - 5} more` : withoutProxyValue.join(", ");
    summary.push({
      path: [],
      message: register
        ? `the table gives no £ values, so it is loaded as a register of measures: its ${withoutProxyValue.length} proxy measures (${codes}) are recorded, and valuing one answers #N/A until the table gives its Proxy Value (£) from your licensed edition`
        : `${withoutProxyValue.length} proxy ${withoutProxyValue.length === 1 ? "measure has" : "measures have"} no £ value in the table (${codes}): recorded, and valuing one answers #N/A until the table gives its Proxy Value (£)`,
    });
  }
  if (measures.some((m) => m.theme === "Unassigned") && !columns.has("theme")) {
    summary.push({ path: [], message: 'no Theme column and no section headings: measures without a theme are under "Unassigned"' });
  }

  const themes = [...new Set(measures.map((m) => m.theme))];
  const content = fingerprint(JSON.stringify(measures));
  const pack: FrameworkPackInput = {
    id: metadata.id ?? "workbook",
    name: metadata.name ?? "Measures from a worksheet table",
    edition: metadata.edition ?? `table-${content}`,
    licence: metadata.licence ?? "as stated by whoever supplied the table",
    source: metadata.source ?? "a worksheet table",
    illustrative: metadata.illustrative ?? false,
    themes,
    measures,
    ...(metadata.currencyBaseYear !== undefined ? { currencyBaseYear: metadata.currencyBaseYear } : {}),
  };
  // What the whole table means first, then columns not used, then rows in the order they are in.
  const columnsFirst = (w: Problem) => (w.path[0] === "columns" ? 0 : 1);
  warnings.sort((a, b) => columnsFirst(a) - columnsFirst(b) || (a.row ?? 0) - (b.row ?? 0));
  return { pack: validatePack(pack), warnings: [...summary, ...warnings] };
}

/** The pack a measures table gives, warnings aside (see `readMeasuresTable` for them). */
export function packFromRows(rows: Cells, metadata: Partial<PackMetadata> = {}): FrameworkPack {
  return readMeasuresTable(rows, metadata).pack;
}

/** Splits CSV text (RFC 4180 quoting; comma, semicolon or tab separated, as the first line shows). */
export function parseCsv(text: string): string[][] {
  const body = text.replace(/^\uFEFF/, "");
  const firstLine = body.split(/\r?\n/, 1)[0] ?? "";
  const separator = [",", ";", "\t"].reduce((best, s) => (firstLine.split(s).length > firstLine.split(best).length ? s : best), ",");
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (quoted) {
      if (ch === '"' && body[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === "") quoted = true;
    else if (ch === separator) {
      row.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && body[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += ch;
  }
  if (quoted) throw new ValidationError("The CSV text", [{ path: [rows.length], row: rows.length + 1, message: "a quoted value is never closed" }]);
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** A measures table saved as CSV, read as `readMeasuresTable` reads cells. */
export function readMeasuresCsv(text: string, metadata: Partial<PackMetadata> = {}): MeasuresTable {
  if (typeof text !== "string") throw new ValidationError("The CSV text", [{ path: [], message: "is not text" }]);
  return readMeasuresTable(parseCsv(text), { source: "CSV file", ...metadata });
}

export function packFromCsv(text: string, metadata: Partial<PackMetadata> = {}): FrameworkPack {
  return readMeasuresCsv(text, metadata).pack;
}

/** A pack written as JSON in the pack schema (the format `GET /api/packs/{id}` answers in). */
export function packFromJson(text: string): FrameworkPack {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ValidationError("The framework pack", [{ path: [], message: `is not JSON: ${(err as Error).message}` }]);
  }
  return validatePack(data);
}
