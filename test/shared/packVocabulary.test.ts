import { normaliseHeader, readMeasuresTable } from "../../shared";
import { isNoteText, isTotalsText, MEASURE_HEADER_ALIASES, readValuationKind } from "../../shared/packVocabulary";

/** The header as written in a council's table → the field it names. */
const HEADERS: readonly [string, string][] = [
  ["Ref", "code"],
  ["NT Ref", "code"],
  ["NT\u00a0Ref.", "code"],
  ["Measure Ref", "code"],
  ["Code", "code"],
  ["Cyf.", "code"],
  ["Cyfeirnod", "code"],
  ["Theme", "theme"],
  ["Themes", "theme"],
  ["Thema", "theme"],
  ["Themâu", "theme"],
  ["Outcome", "outcome"],
  ["Outcomes", "outcome"],
  ["Canlyniad", "outcome"],
  ["Canlyniadau", "outcome"],
  ["Description", "description"],
  ["Disgrifiad", "description"],
  ["Unit", "unit"],
  ["Units", "unit"],
  ["Unit of measure", "unit"],
  ["Unit\u00a0of\nmeasure", "unit"],
  ["Uned", "unit"],
  ["Proxy Value (£)", "proxy"],
  ["Proxy Values (£)", "proxy"],
  ["Proxy\nValues\n(£)", "proxy"],
  ["£ per unit", "proxy"],
  ["Gwerth Procsi (£)", "proxy"],
  ["Valuation", "kind"],
  ["Type", "kind"],
  ["Prisio", "kind"],
];

describe("the one table of header synonyms", () => {
  it.each(HEADERS)("%j names the %s", (header, field) => {
    expect(MEASURE_HEADER_ALIASES[normaliseHeader(header)]).toBe(field);
  });

  it.each([["Measure"], ["Measures"], ["Mesur"], ["Mesurau"]])("%j is the description when no Description column is given", (header) => {
    const { pack } = readMeasuresTable([["Ref", header, "Units", "Proxy"], ["A1", "Residents employed", "FTE", 1]]);
    expect(pack.measures[0]?.description).toBe("Residents employed");
  });

  it("no word names two fields", () => {
    const words = Object.keys(MEASURE_HEADER_ALIASES);
    expect(new Set(words).size).toBe(words.length);
  });
});

describe("valuation kinds in plain words", () => {
  it.each([
    ["proxy", "proxy", true],
    ["Proxy (value not shown)", "proxy", false],
    ["proxy - value not shown", "proxy", false],
    ["Proxy value withheld", "proxy", false],
    ["Procsi", "proxy", true],
    ["Face value", "face-value", true],
    ["face value of inputs", "face-value", true],
    ["Face value (inputs)", "face-value", true],
    ["Gwerth wyneb", "face-value", true],
    ["Record only", "record-only", true],
    ["RECORD-ONLY", "record-only", true],
    ["Reporting only", "record-only", true],
    ["Cofnodi yn unig", "record-only", true],
    ["Qualitative", "qualitative", true],
    ["Ansoddol", "qualitative", true],
  ])("%j is %s (value shown: %s)", (text, kind, valueShown) => {
    expect(readValuationKind(text)).toEqual({ kind, valueShown });
  });

  it("an unknown word is not guessed", () => {
    expect(readValuationKind("estimate")).toBeUndefined();
  });
});

describe("rows that are not measures", () => {
  it.each(["Source: the council", "Sources", "Notes:", "Note - values are in 2026 prices", "* estimated", "© Example Council", "Ffynhonnell: y cyngor", "Nodiadau"])(
    "%j is a source or notes row",
    (text) => expect(isNoteText(text)).toBe(true),
  );
  it.each(["Total", "TOTAL SOCIAL VALUE", "Sub-total", "Subtotal", "Grand total", "Cyfanswm"])("%j is a totals row", (text) => expect(isTotalsText(text)).toBe(true));
  it.each(["NT1", "Notional hours", "Totally local spend", "Nottingham jobs"])("%j is neither", (text) => {
    expect(isNoteText(text)).toBe(false);
    expect(isTotalsText(text)).toBe(false);
  });
});
