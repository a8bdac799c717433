import { cellText, findHeaderRow } from "./cells";
import type { HeaderSpec } from "./cells";
import { MeasureSchema, ValuationKind, VALUATION_KINDS, validatePack, normaliseCode } from "./pack";
import type { FrameworkPack, FrameworkPackInput, Measure, PackMetadata } from "./pack";
import { Problem, ValidationError } from "./problems";

type Field = "code" | "theme" | "outcome" | "description" | "unit" | "proxy" | "kind";

/** Headers as the TOMs calculator and local variants write them, after `normaliseHeader`. */
const HEADER_ALIASES: Readonly<Record<string, Field>> = {
  ref: "code",
  code: "code",
  measureref: "code",
  measurecode: "code",
  refcode: "code",
  theme: "theme",
  outcome: "outcome",
  outcomes: "outcome",
  measure: "description",
  description: "description",
  measuredescription: "description",
  units: "unit",
  unit: "unit",
  proxyvalue: "proxy",
  proxy: "proxy",
  perunit: "proxy",
  proxyvalueperunit: "proxy",
  valuation: "kind",
  valuationkind: "kind",
  kind: "kind",
};

const FIELD_LABEL: Readonly<Record<Field, string>> = {
  code: "measure code (Ref, Code or Measure ref)",
  theme: "theme",
  outcome: "outcome",
  description: "description (Measure or Description)",
  unit: "unit (Units or Unit)",
  proxy: "proxy value (Proxy Value (£), Proxy or £ per unit)",
  kind: "valuation kind",
};

const NO_VALUE = /^(n\/?a|-|–|—|none|nil)$/i;

/** Commas only between groups of three digits: "28,213.00" is 28213, "2,5" is not a number at all. */
const AMOUNT = /^-?(\d{1,3}(,\d{3})+|\d+)(\.\d*)?$|^-?\.\d+$/;

/** Parses "£28,213.00", "28213" or 28213; `null` for a cell that says there is no value. */
export function parseMoney(value: unknown): { ok: true; value: number | null } | { ok: false; message: string } {
  if (typeof value === "number") {
    return Number.isFinite(value) ? { ok: true, value } : { ok: false, message: "is not a finite number" };
  }
  const text = cellText(value);
  if (text === "" || NO_VALUE.test(text)) return { ok: true, value: null };
  const compact = text.replace(/[£\s]/g, "");
  if (!AMOUNT.test(compact)) {
    const hint = compact.includes(",") ? "; write it with a decimal point, and commas only between thousands (e.g. 2.5 or 1,250.00)" : "";
    return { ok: false, message: `"${text}" is not an amount in £${hint}` };
  }
  return { ok: true, value: Number(compact.replace(/,/g, "")) };
}

function parseKind(text: string): ValuationKind | undefined {
  const k = text.toLowerCase().replace(/[\s_]+/g, "-");
  if (k === "facevalue") return "face-value";
  if (k === "recordonly" || k === "record") return "record-only";
  return (VALUATION_KINDS as readonly string[]).includes(k) ? (k as ValuationKind) : undefined;
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

const HEADER: HeaderSpec<Field> = { aliases: HEADER_ALIASES, labels: FIELD_LABEL, required: ["code", "unit"] };

function findHeader(rows: readonly (readonly unknown[])[]): { index: number; columns: Map<Field, number> } | Problem[] {
  const header = findHeaderRow(rows, HEADER);
  if (Array.isArray(header)) return header;
  if (!header.columns.has("proxy")) return [{ path: [header.index], row: header.index + 1, message: `no ${FIELD_LABEL.proxy} column` }];
  return header;
}

/**
 * Reads a pack from a 2-D array of cell values with a header row (what Excel hands a function for
 * a range, or a CSV file once split). Blank rows are skipped; a blank theme or outcome carries on
 * from the row above, as merged cells in the TOMs calculator read.
 */
export function packFromRows(rows: readonly (readonly unknown[])[], metadata: Partial<PackMetadata> = {}): FrameworkPack {
  if (!Array.isArray(rows) || rows.some((r) => !Array.isArray(r))) {
    throw new ValidationError("The measures table", [{ path: [], message: "is not a table of rows and columns" }]);
  }
  const header = findHeader(rows);
  if (Array.isArray(header)) throw new ValidationError("The measures table", header);

  const { index: headerIndex, columns } = header;
  const headerRow = rows[headerIndex] ?? [];
  const columnName = (f: Field) => cellText(headerRow[columns.get(f) ?? -1]);
  const read = (row: readonly unknown[], f: Field): unknown => {
    const c = columns.get(f);
    return c === undefined ? undefined : row[c];
  };

  const problems: Problem[] = [];
  const measures: Measure[] = [];
  const firstRowOfCode = new Map<string, number>();
  let theme = "";
  let outcome = "";

  for (let r = headerIndex + 1; r < rows.length; r++) {
    const row = rows[r] ?? [];
    const sheetRow = r + 1;
    if ([...columns.values()].every((c) => cellText(row[c]) === "")) continue;

    const rowProblems: Problem[] = [];
    const problem = (f: Field, message: string) =>
      rowProblems.push({ path: ["measures", sheetRow, f], row: sheetRow, column: columnName(f) || FIELD_LABEL[f], message });

    theme = cellText(read(row, "theme")) || theme;
    outcome = cellText(read(row, "outcome")) || outcome;
    const code = cellText(read(row, "code"));
    const unit = cellText(read(row, "unit"));

    const money = parseMoney(read(row, "proxy"));
    let proxy: number | null = null;
    if (!money.ok) problem("proxy", money.message);
    else if (money.value !== null && money.value < 0) problem("proxy", `${money.value} is negative; a proxy value cannot be negative`);
    else proxy = money.value;

    const kindText = cellText(read(row, "kind"));
    let kind: ValuationKind = proxy === null ? "record-only" : "proxy";
    if (kindText !== "") {
      const parsed = parseKind(kindText);
      if (parsed === undefined) problem("kind", `unknown valuation kind "${kindText}"; use ${VALUATION_KINDS.join(", ")}`);
      else kind = parsed;
    }
    if (kind !== "proxy" && proxy !== null && money.ok) {
      problem("proxy", `a ${kind} measure has no proxy value; clear the cell or set the valuation to proxy`);
    }

    const candidate = {
      code,
      theme: theme || "Unassigned",
      outcome,
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
    else if (parsed.success) measures.push(parsed.data);
  }

  if (problems.length === 0 && measures.length === 0) {
    problems.push({ path: ["measures"], row: headerIndex + 2, message: "the table has a header row but no measures below it" });
  }
  if (problems.length > 0) throw new ValidationError("The measures table", problems);

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
  return validatePack(pack);
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

export function packFromCsv(text: string, metadata: Partial<PackMetadata> = {}): FrameworkPack {
  if (typeof text !== "string") throw new ValidationError("The CSV text", [{ path: [], message: "is not text" }]);
  return packFromRows(parseCsv(text), { source: "CSV file", ...metadata });
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
