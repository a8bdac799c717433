import { cellText, findHeaderRow } from "./cells";
import type { HeaderSpec } from "./cells";
import { MAX_COMMITMENTS, supplierKey } from "./model";
import type { Commitment } from "./model";
import { findMeasure, normaliseCode } from "./pack";
import type { Measure, PackIndex } from "./pack";
import { sumPounds } from "./money";
import { parseMoney } from "./packLoaders";
import type { Problem } from "./problems";
import { ValuationError, valueOrNull } from "./valuation";

/*
 * Committed quantities read from a worksheet table an officer selected: one row per measure (and
 * supplier, when the supply chain commits supplier by supplier). Pure: the task pane reads the
 * cells, this says what they commit to and what is wrong with them, row by row.
 */

type Field = "code" | "quantity" | "supplier" | "note";

/** Headers after `normaliseHeader`: case, spaces, punctuation and £ signs do not matter. */
const HEADER_ALIASES: Readonly<Record<string, Field>> = {
  code: "code",
  ref: "code",
  refcode: "code",
  measureref: "code",
  measurecode: "code",
  tomsref: "code",
  quantity: "quantity",
  qty: "quantity",
  committed: "quantity",
  committedquantity: "quantity",
  quantitycommitted: "quantity",
  commitment: "quantity",
  target: "quantity",
  targetquantity: "quantity",
  supplier: "supplier",
  suppliername: "supplier",
  note: "note",
  notes: "note",
  comment: "note",
  comments: "note",
};

const FIELD_LABEL: Readonly<Record<Field, string>> = {
  code: "measure code (Measure ref, Code or Ref)",
  quantity: "quantity (Quantity, Committed, Target or Qty)",
  supplier: "supplier",
  note: "note",
};

const MAX_SUPPLIER = 200;
const MAX_NOTE = 1000;

/** One commitment as read, with the row it came from and its measure in the contract's pack. */
export interface CommitmentRow {
  /** 1-based row in the selected cells, header row included, as the officer counts them. */
  row: number;
  commitment: Commitment;
  measure: Measure;
  /** quantity × proxy in £; null for a record-only or qualitative measure. */
  value: number | null;
}

export interface CommitmentsTable {
  /** The rows that could be read; a row with a problem is left out. */
  rows: CommitmentRow[];
  /** Every problem: row, column as the officer wrote it, and why. Saving waits until there are none. */
  problems: Problem[];
  /** £ committed over the rows that could be read. */
  total: number;
}

/** "Measure" names the description in the TOMs calculator, so it stands for the code only when nothing else does. */
const HEADER: HeaderSpec<Field> = { aliases: HEADER_ALIASES, labels: FIELD_LABEL, required: ["code", "quantity"], fallback: { headers: ["measure"], field: "code" } };

function parseQuantity(cell: unknown): { ok: true; value: number } | { ok: false; message: string } {
  if (typeof cell === "boolean") return { ok: false, message: `${String(cell).toUpperCase()} is not a quantity` };
  const parsed = parseMoney(cell);
  if (!parsed.ok) return { ok: false, message: `"${cellText(cell)}" is not a number` };
  if (parsed.value === null) return { ok: false, message: "no quantity; write the quantity committed, or 0" };
  if (parsed.value < 0) return { ok: false, message: `${parsed.value} is negative; a committed quantity cannot be negative` };
  return { ok: true, value: parsed.value };
}

/**
 * Reads committed quantities from cell values with a header row (what Excel hands over for a
 * selected table). Each measure must be in the contract's pack; each measure + supplier may appear
 * once. Blank rows are skipped. Quantities may be written as text ("1,250", "£5,000").
 */
export function commitmentsFromRows(rows: readonly (readonly unknown[])[], pack: PackIndex): CommitmentsTable {
  const header = findHeaderRow(rows, HEADER);
  if (Array.isArray(header)) return { rows: [], problems: header, total: 0 };

  const headerRow = rows[header.index] ?? [];
  const columnName = (f: Field) => cellText(headerRow[header.columns.get(f) ?? -1]) || FIELD_LABEL[f];
  const read = (row: readonly unknown[], f: Field): unknown => {
    const c = header.columns.get(f);
    return c === undefined ? undefined : row[c];
  };

  const problems: Problem[] = [];
  const readable: CommitmentRow[] = [];
  const firstRowOf = new Map<string, number>();

  for (let r = header.index + 1; r < rows.length; r++) {
    const cells = rows[r] ?? [];
    const sheetRow = r + 1;
    if ([...header.columns.values()].every((c) => cellText(cells[c]) === "")) continue;

    const rowProblems: Problem[] = [];
    const problem = (f: Field, message: string) =>
      rowProblems.push({ path: ["commitments", sheetRow, f], row: sheetRow, column: columnName(f), message });

    const code = cellText(read(cells, "code"));
    const measure = code === "" ? undefined : findMeasure(pack, code);
    if (code === "") problem("code", "no measure code");
    else if (!measure) problem("code", `measure "${code}" is not in pack ${pack.label}, the contract's pack`);

    const quantity = parseQuantity(read(cells, "quantity"));
    if (!quantity.ok) problem("quantity", quantity.message);

    const supplier = cellText(read(cells, "supplier"));
    if (supplier.length > MAX_SUPPLIER) problem("supplier", `the supplier's name is ${supplier.length} characters long; at most ${MAX_SUPPLIER}`);
    const note = cellText(read(cells, "note"));
    if (note.length > MAX_NOTE) problem("note", `the note is ${note.length} characters long; at most ${MAX_NOTE}`);

    if (measure) {
      const key = `${normaliseCode(measure.code)}\u0000${supplierKey(supplier)}`;
      const first = firstRowOf.get(key);
      if (first !== undefined) {
        problem("code", `${measure.code} is committed twice${supplier ? ` for ${supplier}` : ""} (first on row ${first}); keep one row and add the quantities up`);
      } else {
        firstRowOf.set(key, sheetRow);
      }
    }

    if (rowProblems.length > 0 || !measure || !quantity.ok) {
      problems.push(...rowProblems);
      continue;
    }
    const commitment: Commitment = {
      measureCode: measure.code,
      quantity: quantity.value,
      ...(supplier ? { supplier } : {}),
      ...(note ? { note } : {}),
    };
    let value: number | null;
    try {
      value = valueOrNull(measure, quantity.value);
    } catch (e) {
      // An absurd figure (more than any contribution can be) is a problem with its row, like any other.
      if (!(e instanceof ValuationError)) throw e;
      problems.push({ path: ["commitments", sheetRow, "quantity"], row: sheetRow, column: columnName("quantity"), message: e.message });
      continue;
    }
    readable.push({ row: sheetRow, commitment, measure, value });
  }

  if (problems.length === 0 && readable.length === 0) {
    problems.push({ path: ["commitments"], row: header.index + 2, message: "the table has a header row but no commitments below it" });
  }
  if (readable.length > MAX_COMMITMENTS) {
    problems.push({ path: [], message: `${readable.length} commitments is more than a contract can hold (${MAX_COMMITMENTS}); split the table or combine rows` });
  }
  return { rows: readable, problems, total: sumPounds(readable.map((r) => r.value)) };
}
