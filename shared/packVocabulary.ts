import type { ValuationKind } from "./pack";

/*
 * The words councils' measures tables use, in English and Welsh, in one place: which header names
 * which field, how a valuation kind is written, and what marks a row that is not a measure. The
 * Welsh terms follow the Welsh TOMs and Welsh Government usage (Thema/Themâu, Canlyniad, Mesur,
 * Uned, Gwerth Procsi (£), Cyf. for Cyfeirnod); docs/PACKS.md lists them all.
 */

export type MeasureField = "code" | "theme" | "outcome" | "description" | "unit" | "proxy" | "kind";

/** What each field is called, by header, after `normaliseHeader` (case, spaces, line breaks, punctuation, £ and accents ignored). */
const HEADER_WORDS: Readonly<Record<MeasureField, readonly string[]>> = {
  code: ["ref", "refs", "reference", "refno", "refnumber", "code", "codes", "measureref", "measurecode", "measureid", "refcode", "ntref", "tomsref", "tomsreference", "id", "cyf", "cyfeirnod", "cod", "codmesur"],
  theme: ["theme", "themes", "themename", "tomstheme", "thema", "themau"],
  outcome: ["outcome", "outcomes", "canlyniad", "canlyniadau"],
  description: ["description", "measuredescription", "measurename", "measuretitle", "disgrifiad"],
  unit: ["unit", "units", "unitofmeasure", "unitsofmeasure", "unitofmeasurement", "unitsofmeasurement", "measurementunit", "uom", "uned", "unedau", "unedfesur", "unedmesur"],
  proxy: ["proxy", "proxies", "proxyvalue", "proxyvalues", "perunit", "proxyvalueperunit", "proxyvaluesperunit", "valueperunit", "unitvalue", "financialproxy", "gwerthprocsi", "gwerthoeddprocsi", "procsi"],
  kind: ["valuation", "valuationkind", "valuationtype", "valuetype", "kind", "type", "measuretype", "howvalued", "prisio", "mathobrisio"],
};

/** Headers that name the description only when no other column does: in the TOMs calculator "Measure" is the description. */
const DESCRIPTION_FALLBACK: readonly string[] = ["measure", "measures", "mesur", "mesurau"];

export const MEASURE_HEADER_ALIASES: Readonly<Record<string, MeasureField>> = Object.fromEntries(
  (Object.entries(HEADER_WORDS) as [MeasureField, readonly string[]][]).flatMap(([field, words]) => words.map((w) => [w, field])),
);

export const MEASURE_HEADER_FALLBACK = { headers: DESCRIPTION_FALLBACK, field: "description" } as const satisfies { headers: readonly string[]; field: MeasureField };

export const MEASURE_FIELD_LABEL: Readonly<Record<MeasureField, string>> = {
  code: "measure code (Ref, NT Ref, Code or Cyf.)",
  theme: "theme (Theme, Themes or Thema)",
  outcome: "outcome (Outcome, Outcomes or Canlyniad)",
  description: "description (Measure, Measures, Description or Mesur)",
  unit: "unit (Units, Unit of measure or Uned)",
  proxy: "proxy value (Proxy Value (£), Proxy Values (£), £ per unit or Gwerth Procsi (£))",
  kind: "valuation kind (Valuation or Type)",
};

/** How a valuation kind is read: a proxy measure may say its £ value is not in the table. */
export type KindReading = { kind: ValuationKind; valueShown: boolean };

/** Lower case, accents and punctuation gone, words separated by one space: "Proxy (value not shown)" → "proxy value not shown". */
export function normalisePhrase(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/£/g, " ")
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

const KIND_WORDS: readonly (readonly [KindReading, readonly string[]])[] = [
  [{ kind: "proxy", valueShown: true }, ["proxy", "proxy value", "proxy valued", "valued by proxy", "financial proxy", "procsi", "gwerth procsi"]],
  [
    { kind: "proxy", valueShown: false },
    [
      "proxy value not shown",
      "proxy not shown",
      "proxy value not given",
      "proxy value withheld",
      "proxy withheld",
      "proxy value not published",
      "proxy not published",
      "proxy licensed",
      "proxy licensed value",
      "proxy see licensed toms",
      "proxy value in licensed toms",
      "procsi gwerth heb ei ddangos",
    ],
  ],
  [{ kind: "face-value", valueShown: true }, ["face value", "facevalue", "face value of inputs", "face value inputs", "inputs at face value", "at face value", "face", "gwerth wyneb"]],
  [{ kind: "record-only", valueShown: true }, ["record only", "recordonly", "record", "recorded only", "recording only", "report only", "reporting only", "not valued", "no proxy", "cofnodi yn unig", "cofnod yn unig"]],
  [{ kind: "qualitative", valueShown: true }, ["qualitative", "qual", "narrative", "case study", "descriptive", "ansoddol"]],
];

const KIND_BY_PHRASE: ReadonlyMap<string, KindReading> = new Map(KIND_WORDS.flatMap(([reading, phrases]) => phrases.map((p) => [p, reading] as const)));

/** The valuation kind a cell names in plain words, e.g. "Face value of inputs" or "proxy (value not shown)". */
export function readValuationKind(text: string): KindReading | undefined {
  return KIND_BY_PHRASE.get(normalisePhrase(text));
}

/** The plain words an officer may write for each kind, for messages and docs. */
export const VALUATION_KIND_WORDS = '"proxy", "proxy (value not shown)", "face value", "face value of inputs", "record only" or "qualitative"';

/** A row whose first text says it is the table's source, a note or a licence line, not a measure. */
const NOTE_ROW = /^(sources?|notes?|nb|n\.b\.|footnotes?|licen[cs]e|copyright|\u00a9|\(c\)|\*|ffynhonnell|ffynonellau|nodyn|nodiadau|trwydded)(\b|\s|:|$)/i;

/** A row that adds up the rows above it. */
const TOTALS_ROW = /^(grand\s+|sub[\s-]?)?totals?\b|^cyfanswm|^is-gyfanswm/i;

export function isNoteText(text: string): boolean {
  return NOTE_ROW.test(text.trim());
}

export function isTotalsText(text: string): boolean {
  return TOTALS_ROW.test(text.trim());
}

/** Text alone in a row that is short enough to be a heading rather than a sentence of notes. */
export function looksLikeHeading(text: string): boolean {
  const trimmed = text.trim();
  return trimmed.length <= 60 && trimmed.split(/\s+/).length <= 8 && !/[.;:]$/.test(trimmed);
}
