import { FrameworkPack, FrameworkPackSchema, Measure, Problem, ValidationError, readMeasuresTable } from "../../../shared";
import type { SelectedTable } from "../../workbookGateway";

/** The facts about a pack an officer types in; the table itself carries only the measures. */
export const METADATA_FIELDS = ["id", "name", "edition", "licence", "source"] as const;
export type MetadataField = (typeof METADATA_FIELDS)[number];
export type DraftMetadata = Record<MetadataField, string>;

/** A pack being imported: the cells read from the workbook and what the officer says about them. */
export interface PackDraft {
  table: SelectedTable;
  metadata: DraftMetadata;
}

export type DraftCheck =
  | { ok: true; pack: FrameworkPack; warnings: Problem[]; fieldErrors: Partial<Record<MetadataField, string>>; pinnable: boolean }
  | { ok: false; problems: Problem[]; fieldErrors: Partial<Record<MetadataField, string>> };

/** Turns a table name like "TOMs 2025" into a pack id like "toms-2025". */
export function packIdFrom(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63);
}

/**
 * Defaults an officer can usually keep. The licence is left blank on purpose: only the officer
 * knows under which licence their organisation uses the values, so the pane asks.
 */
export function defaultMetadata(table: SelectedTable, today: Date = new Date()): DraftMetadata {
  const name = table.tableName;
  return {
    id: (name && packIdFrom(name)) || "workbook-pack",
    name: name ? `Framework pack from table ${name}` : "Framework pack from this workbook",
    edition: String(today.getFullYear()),
    licence: "",
    source: name ? `Excel table ${name} (${table.address})` : `Worksheet cells ${table.address}`,
  };
}

/** Checks each field against the shared pack schema, so the form says exactly what the pack would refuse. */
export function metadataErrors(metadata: DraftMetadata): Partial<Record<MetadataField, string>> {
  const errors: Partial<Record<MetadataField, string>> = {};
  for (const field of METADATA_FIELDS) {
    const result = FrameworkPackSchema.shape[field].safeParse(metadata[field].trim());
    if (!result.success) errors[field] = result.error.issues[0]?.message ?? "is not valid";
  }
  return errors;
}

/**
 * Reads the measures table and, when the form is complete, the whole pack. The table is read even
 * while a field is wrong, so the preview, the table's problems and the loader's warnings (rows
 * skipped, columns not used) never wait for the form.
 */
export function checkDraft(draft: PackDraft): DraftCheck {
  const fieldErrors = metadataErrors(draft.metadata);
  const complete = Object.keys(fieldErrors).length === 0;
  const metadata = complete ? Object.fromEntries(METADATA_FIELDS.map((f) => [f, draft.metadata[f].trim()])) : {};
  try {
    const { pack, warnings } = readMeasuresTable(draft.table.values, metadata);
    return { ok: true, pack, warnings, fieldErrors, pinnable: complete };
  } catch (err) {
    if (err instanceof ValidationError) return { ok: false, problems: err.problems, fieldErrors };
    throw err;
  }
}

/** The worksheet row of the top of an address such as "Measures!B4:G30" or "'Q1 2025'!A1". */
export function firstRowOf(address: string): number | undefined {
  const cells = address.slice(address.lastIndexOf("!") + 1);
  const match = /^\$?[A-Z]+\$?(\d+)/i.exec(cells);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

export interface ThemeCount {
  theme: string;
  measures: number;
}

/** How many measures each theme has, in the pack's theme order. */
export function countByTheme(pack: FrameworkPack): ThemeCount[] {
  return pack.themes.map((theme) => ({ theme, measures: pack.measures.filter((m) => m.theme === theme).length }));
}

const POUNDS = new Intl.NumberFormat("en-GB", { style: "currency", currency: "GBP", minimumFractionDigits: 2, maximumFractionDigits: 4 });

/** What a measure is worth per unit, in words for the measures that have no proxy. */
export function describeValuation(measure: Measure): string {
  switch (measure.kind) {
    case "proxy":
      return measure.proxy === null ? "proxy, £ not in the table" : POUNDS.format(measure.proxy);
    case "face-value":
      return "face value";
    case "record-only":
      return "recorded only";
    case "qualitative":
      return "qualitative";
  }
}
