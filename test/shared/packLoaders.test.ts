import fc from "fast-check";
import {
  describeProblem,
  EXAMPLE_PACK,
  indexPack,
  measuresTable,
  measureValue,
  packFromCsv,
  packFromJson,
  packFromRows,
  parseCsv,
  parseMoney,
  proxyValue,
  readMeasuresCsv,
  readMeasuresTable,
  totalValue,
  ValidationError,
  ValuationError,
  Problem,
} from "../../shared";
import { COUNTY_CSV, messyRange, registerRange, welshRange } from "../support/messyMeasuresTables";

function problemsOf(fn: () => unknown): Problem[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ValidationError) return err.problems;
    throw err;
  }
  throw new Error("expected a ValidationError");
}

describe("packFromRows", () => {
  const calculatorLayout = [
    ["Ref", "Theme", "Outcome", "Measure", "Units", "Proxy Value (£)"],
    ["NT1", "Jobs", "More local people in employment", "Local FTE employed", "no. people FTE", "£28,213.00"],
    ["NT4", "", "", "Long-term unemployed", "no. people FTE", "28213"],
    ["", "", "", "", "", ""],
    ["NT9", "Growth", "Skills", "Weeks of training", "no. weeks", "n/a"],
  ];

  it("reads the TOMs calculator layout with forgiving headers and money formats", () => {
    const pack = packFromRows(calculatorLayout, { id: "local-toms", edition: "2025" });
    expect(pack.measures.map((m) => [m.code, m.theme, m.unit, m.kind, m.proxy])).toEqual([
      ["NT1", "Jobs", "no. people FTE", "proxy", 28213],
      ["NT4", "Jobs", "no. people FTE", "proxy", 28213],
      ["NT9", "Growth", "no. weeks", "record-only", null],
    ]);
    expect(pack.themes).toEqual(["Jobs", "Growth"]);
    expect(pack.measures[1]?.outcome).toBe("More local people in employment");
  });

  it.each([
    [["Code", "Unit", "Proxy"]],
    [["measure ref", "UNITS", "proxy value"]],
    [["  Ref ", "units", "£ per unit"]],
    [["Measure Ref", "Unit", "Proxy value (£)"]],
  ])("matches headers %j", (header) => {
    const pack = packFromRows([header, ["X1", "hours", "12.5"]]);
    expect(pack.measures[0]).toMatchObject({ code: "X1", unit: "hours", proxy: 12.5, kind: "proxy" });
  });

  it("finds the header row below a title", () => {
    const pack = packFromRows([["Our local TOMs 2025"], [], ["Code", "Units", "Proxy"], ["A1", "FTE", 100]]);
    expect(pack.measures).toHaveLength(1);
  });

  it("names the edition after the content, so a changed table is a different edition", () => {
    const a = packFromRows([["Code", "Units", "Proxy"], ["A1", "FTE", 100]]);
    const b = packFromRows([["Code", "Units", "Proxy"], ["A1", "FTE", 101]]);
    expect(a.edition).toMatch(/^table-[0-9a-f]{8}$/);
    expect(a.edition).not.toBe(b.edition);
  });

  it("lists every problem with its row and column", () => {
    const problems = problemsOf(() =>
      packFromRows([
        ["Code", "Units", "Proxy Value (£)", "Valuation"],
        ["A1", "FTE", "100", ""],
        ["A1", "FTE", "200", ""],
        ["A2", "", "5", ""],
        ["A3", "hours", "-4", ""],
        ["A4", "hours", "lots", ""],
        ["A5", "hours", "3", "guesswork"],
      ]),
    );
    expect(problems.map((p) => [p.row, p.column])).toEqual([
      [3, "Code"],
      [4, "Units"],
      [5, "Proxy Value (£)"],
      [6, "Proxy Value (£)"],
      [7, "Valuation"],
    ]);
    expect(problems[0]?.message).toMatch(/duplicate code A1 \(first on row 2\)/);
    expect(problems[1]?.message).toMatch(/A2 has no unit/);
    expect(problems[2]?.message).toMatch(/negative/);
    expect(problems[3]?.message).toMatch(/"lots" is not an amount/);
    expect(problems[4]?.message).toMatch(/unknown valuation kind "guesswork"/);
  });

  it("explains a table with no recognisable header", () => {
    const [problem] = problemsOf(() => packFromRows([["Name", "Cost"], ["x", 1]]));
    expect(problem?.message).toMatch(/no header row with a measure code/);
  });

  it("refuses two columns that both look like the code", () => {
    const [problem] = problemsOf(() => packFromRows([["Ref", "Code", "Units", "Proxy"], ["a", "b", "c", 1]]));
    expect(problem?.message).toMatch(/both "Ref" and "Code"/);
  });

  it("refuses a header with no measures", () => {
    expect(problemsOf(() => packFromRows([["Code", "Units", "Proxy"]]))[0]?.message).toMatch(/no measures/);
  });

  it("round-trips the table TOMS.MEASURES spills", () => {
    const table = measuresTable(indexPack(EXAMPLE_PACK));
    const again = packFromRows(table, { id: "example", edition: EXAMPLE_PACK.edition });
    expect(again.measures).toEqual(EXAMPLE_PACK.measures);
  });
});

describe("measures tables as councils publish them", () => {
  const summary = (rows: { code: string; theme: string; outcome: string; kind: string; proxy: number | null }[]) =>
    rows.map((m) => [m.code, m.theme, m.outcome, m.kind, m.proxy]);

  it("reads a county's CSV export: title block, headings, merged themes, £ with commas, totals and source rows", () => {
    const { pack, warnings } = readMeasuresCsv(COUNTY_CSV, { id: "northshire" });
    expect(summary(pack.measures)).toEqual([
      ["NC1", "Jobs", "More residents in work", "proxy", 24310],
      ["NC2", "Jobs", "More residents in work", "proxy", 19875.5],
      ["NC3", "Jobs", "Skills for the future", "proxy", 9.4],
      ["NC10", "Growth", "A stronger local economy", "proxy", 0.21],
      ["NC11", "Growth", "Fair work", "record-only", null],
      ["NC12", "Growth", "Fair work", "record-only", null],
      ["NC20", "Environment", "Cleaner air", "proxy", 1012],
    ]);
    expect(pack.measures[0]).toMatchObject({ description: "Residents employed on the contract", unit: "no. people FTE" });
    expect(pack.themes).toEqual(["Jobs", "Growth", "Environment"]);
    expect(warnings.map(describeProblem)).toEqual([
      'row 4, column "Evidence required": not used: the pack has no place for this column, so its contents are not imported',
      "row 1: skipped: rows 1–2 above the header row (row 4), read as the table's title and notes",
      'row 5: skipped: a section heading: the rows below are under theme "Jobs" unless they name one',
      "row 9: skipped: blank row 9",
      'row 10: skipped: a section heading: the rows below are under theme "Growth" unless they name one',
      'row 14: skipped: a section heading: the rows below are under theme "Environment" unless they name one',
      "row 16: skipped: a totals row (measures are listed one by one; the pack adds nothing up)",
      'row 17: skipped: a source or notes row ("Source: Northshire County Council procurement team. Proxy…")',
    ]);
  });

  it("reads Welsh headers and valuation words from an Excel range", () => {
    const { pack, warnings } = readMeasuresTable(welshRange());
    expect(summary(pack.measures)).toEqual([
      ["CY1", "Swyddi", "Mwy o bobl leol mewn gwaith", "proxy", 23150],
      ["CY2", "Swyddi", "Mwy o bobl leol mewn gwaith", "proxy", 212],
      ["CY3", "Cymunedau", "Cymunedau iachach", "face-value", null],
      ["CY4", "Cymunedau", "Cymunedau iachach", "qualitative", null],
      ["CY5", "Cymunedau", "Cymunedau iachach", "proxy", null],
    ]);
    expect(pack.measures[0]).toMatchObject({ description: "Pobl leol a gyflogir ar y contract", unit: "CALl" });
    expect(warnings[0]?.message).toBe("1 proxy measure has no £ value in the table (CY5): recorded, and valuing one answers #N/A until the table gives its Proxy Value (£)");
    expect(warnings.map((w) => w.row)).toEqual([undefined, 1, 9]);
    expect(warnings[2]?.message).toMatch(/totals row/);
  });

  it("loads a table with no £ values as a register of measures, and valuing a proxy measure says where to get its value", () => {
    const { pack, warnings } = readMeasuresTable(registerRange(), { id: "eastborough", edition: "2026" });
    expect(pack.measures.map((m) => [m.code, m.kind, m.proxy])).toEqual([
      ["EB1", "proxy", null],
      ["EB2", "proxy", null],
      ["EB3", "face-value", null],
      ["EB4", "proxy", null],
      ["EB5", "record-only", null],
      ["EB6", "qualitative", null],
    ]);
    expect(warnings[0]?.message).toMatch(/^the table gives no £ values, so it is loaded as a register of measures: its 3 proxy measures \(EB1, EB2, EB4\)/);
    const index = indexPack(pack);
    const refusal = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        if (err instanceof ValuationError) return err;
      }
      throw new Error("expected a ValuationError");
    };
    const error = refusal(() => measureValue(index, "eb1", 2));
    expect(error.kind).toBe("not-valued");
    expect(error.message).toBe(
      "Measure EB1 is valued by proxy, but pack eastborough 2026 has no £ value for it (its table lists the measure, not the proxy). Take the proxy value from your licensed edition of the framework (for National TOMs, from the Social Value Portal; for a local variant, from the council that publishes it) and add it in a Proxy Value (£) column.",
    );
    expect(refusal(() => proxyValue(index, "EB2")).kind).toBe("not-valued");
    // A total that would leave a proxy measure out is refused rather than short; face value and record-only still add up.
    expect(refusal(() => totalValue(index, [["EB3"], ["EB4"]], [[100], [3]])).message).toMatch(/^Measure EB4 is valued by proxy/);
    expect(totalValue(index, [["EB3"], ["EB5"], ["EB4"]], [[100], [7], [null]])).toBe(100);
    expect(measureValue(index, "EB3", 250)).toBe(250);
    expect(refusal(() => measureValue(index, "EB5", 1)).message).toMatch(/record-only .*recorded, not valued in £/);
  });

  it("a valued table with a blank £ cell and no valuation kind reads it as record-only, and says so", () => {
    const { pack, warnings } = readMeasuresTable([
      ["Ref", "Theme", "Measure", "Units", "Proxy Value (£)"],
      ["A1", "Jobs", "Jobs for residents", "FTE", "£20,000"],
      ["A2", "", "Living wage employer", "staff", ""],
      ["A3", "", "Pay policy published", "policy", ""],
    ]);
    expect(pack.measures.map((m) => m.kind)).toEqual(["proxy", "record-only", "record-only"]);
    expect(describeProblem(warnings[0] as Problem)).toBe(
      'row 3, column "Proxy Value (£)": no £ value and no valuation kind on rows 3–4: read as record-only (counted, not valued in £); if a measure is valued by proxy, write its £ value, or "proxy (value not shown)" in a Valuation column',
    );
  });

  it.each([
    ["proxy", "proxy"],
    ["Proxy value", "proxy"],
    ["Face value", "face-value"],
    ["face-value", "face-value"],
    ["Face value of inputs", "face-value"],
    ["Record only", "record-only"],
    ["record-only", "record-only"],
    ["Recorded only", "record-only"],
    ["Qualitative", "qualitative"],
    ["Case study", "qualitative"],
  ])("reads the valuation kind %j as %s", (words, kind) => {
    const value = kind === "proxy" ? "£12.00" : "";
    const { pack } = readMeasuresTable([["Code", "Units", "Proxy", "Valuation"], ["X1", "hours", value, words]]);
    expect(pack.measures[0]?.kind).toBe(kind);
  });

  it("takes a £ value beside 'proxy (value not shown)' and says so; £1 beside a face-value measure is no problem", () => {
    const { pack, warnings } = readMeasuresTable([
      ["Code", "Units", "Proxy", "Type"],
      ["X1", "hours", "£12.50", "Proxy (value not shown)"],
      ["X2", "£", "£1.00", "Face value"],
      ["X3", "staff", 0, "Record only"],
    ]);
    expect(pack.measures.map((m) => [m.kind, m.proxy])).toEqual([["proxy", 12.5], ["face-value", null], ["record-only", null]]);
    expect(describeProblem(warnings[1] as Problem)).toBe('row 2, column "Type": says the proxy value is not shown, but the table gives £12.5; that value is used');
  });

  it("reports unused columns, headerless columns with values, repeated headers, headings and notes", () => {
    const { pack, warnings } = readMeasuresTable([
      ["Ref", "Measure", "Units", "Proxy", "Guidance", ""],
      ["Jobs", "Promote local employment", "", "", "", ""],
      ["A1", "Local jobs", "FTE", 100, "Payroll", "x"],
      ["Ref", "Measure", "Units", "Proxy", "Guidance", ""],
      ["Proxy values are updated every April and apply to the whole year.", "", "", "", "", ""],
      ["A2", "Training weeks", "weeks", 50, "", ""],
    ]);
    expect(pack.measures.map((m) => [m.code, m.theme])).toEqual([["A1", "Unassigned"], ["A2", "Unassigned"]]);
    expect(warnings.map(describeProblem)).toEqual([
      'no Theme column and no section headings: measures without a theme are under "Unassigned"',
      'row 1, column "Guidance": not used: the pack has no place for this column, so its contents are not imported',
      'row 1, column "column 6 (no header)": not used: it has values but no header, so they are not imported',
      'row 2: skipped: no measure code, unit or £ value ("Jobs", "Promote local employment"); read as a heading',
      "row 4: skipped: the header row repeated",
      'row 5: skipped: a note ("Proxy values are updated every April and apply to the who…" alone in the row)',
    ]);
  });

  it("uses a Description column for the description, and reports the Measure column beside it as unused", () => {
    const { pack, warnings } = readMeasuresTable([["Code", "Measure", "Description", "Unit", "Proxy"], ["B1", "Jobs", "Residents employed", "FTE", 5]]);
    expect(pack.measures[0]?.description).toBe("Residents employed");
    expect(warnings.map((w) => w.column)).toEqual([undefined, "Measure"]);
  });

  it("finds a header row below a long title block", () => {
    const title = Array.from({ length: 18 }, (_, i) => [`Note ${i + 1} about this table`]);
    expect(packFromRows([...title, ["Ref", "Units", "Proxy"], ["A1", "FTE", 1]]).measures).toHaveLength(1);
  });

  it("still refuses a row that has a £ value or unit but no code, rather than dropping it", () => {
    const [problem] = problemsOf(() => packFromRows([["Ref", "Measure", "Units", "Proxy"], ["", "Local jobs", "FTE", 100]]));
    expect(describeProblem(problem as Problem)).toBe('row 2, column "Ref": a measure needs a code');
  });

  it("reads a 500-measure messy table with every skipped row accounted for", () => {
    const rows = messyRange(500);
    const { pack, warnings } = readMeasuresTable(rows);
    expect(pack.measures).toHaveLength(500);
    expect(pack.themes).toEqual(["Jobs", "Growth", "Social", "Environment", "Innovation"]);
    expect(pack.measures.filter((m) => m.kind === "record-only")).toHaveLength(50);
    const skipped = warnings.filter((w) => w.message.startsWith("skipped"));
    expect(skipped.map((w) => w.row)).toEqual([1, 5, 6, 108, 210, 312, 414, 515, 516]);
    expect(skipped[1]?.message).toBe("skipped: blank rows 5, 107, 209, 311, 413");
    expect(skipped).toHaveLength(9);
    expect(warnings.filter((w) => w.path[0] === "columns").map((w) => w.column)).toEqual(["Notes"]);
  });
});

describe("parseMoney", () => {
  it.each([
    ["£28,213.00", 28213],
    ["28213", 28213],
    [28213, 28213],
    [" £ 0.18 ", 0.18],
    ["£\u00a01,012.00", 1012],
    ["£ -", null],
    ["n/a", null],
    ["N/A", null],
    ["-", null],
    ["", null],
    [null, null],
  ])("%j → %j", (input, expected) => {
    expect(parseMoney(input)).toEqual({ ok: true, value: expected });
  });
  it("refuses words", () => expect(parseMoney("about ten").ok).toBe(false));
  it("reads commas as thousands separators only, never as a decimal comma", () => {
    expect(parseMoney("£1,250,000.50")).toEqual({ ok: true, value: 1250000.5 });
    expect(parseMoney("2,5")).toEqual({ ok: false, message: '"2,5" is not an amount in £; write it with a decimal point, and commas only between thousands (e.g. 2.5 or 1,250.00)' });
    expect(parseMoney("12,34,567").ok).toBe(false);
    expect(parseMoney("1,2345").ok).toBe(false);
  });
});

describe("CSV and JSON", () => {
  it("parses quoted CSV with commas, quotes and CRLF", () => {
    expect(parseCsv('a,"b, c","d ""e"""\r\n1,2,3\r\n')).toEqual([
      ["a", "b, c", 'd "e"'],
      ["1", "2", "3"],
    ]);
  });
  it("detects semicolons", () => expect(parseCsv("a;b\n1;2")).toEqual([["a", "b"], ["1", "2"]]));
  it("reads a pack from CSV", () => {
    const pack = packFromCsv('\uFEFFRef,Theme,Measure,Units,Proxy Value (£)\nNT1,Jobs,Local FTE,FTE,"£28,213.00"\n', { id: "csv-pack" });
    expect(pack.measures[0]?.proxy).toBe(28213);
    expect(pack.id).toBe("csv-pack");
  });
  it("refuses an unterminated quote", () => {
    expect(problemsOf(() => parseCsv('a,"b\n1,2'))[0]?.message).toMatch(/never closed/);
  });
  it("reads a pack from JSON and refuses bad JSON with a reason", () => {
    expect(packFromJson(JSON.stringify(EXAMPLE_PACK))).toEqual(EXAMPLE_PACK);
    expect(problemsOf(() => packFromJson("{"))[0]?.message).toMatch(/not JSON/);
  });
  it("lists every schema problem of a JSON pack with its path", () => {
    const bad = { ...EXAMPLE_PACK, id: "Bad Id", measures: [{ ...EXAMPLE_PACK.measures[0], proxy: -1 }, EXAMPLE_PACK.measures[0]] };
    const paths = problemsOf(() => packFromJson(JSON.stringify(bad))).map((p) => p.path.join("."));
    expect(paths).toEqual(expect.arrayContaining(["id", "measures.0.proxy", "measures.1.code"]));
  });
});

describe("parsing never throws anything but a described validation error", () => {
  const cell = fc.oneof(fc.string(), fc.double(), fc.integer(), fc.constant(null), fc.constant(""), fc.boolean(), fc.constantFrom("Ref", "Units", "Proxy", "£1,000", "n/a", "-"));
  const expectDescribed = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError);
      const problems = (err as ValidationError).problems;
      expect(problems.length).toBeGreaterThan(0);
      for (const p of problems) expect(p.message.length).toBeGreaterThan(0);
    }
  };
  it("for tables of arbitrary cells", () => {
    fc.assert(fc.property(fc.array(fc.array(cell, { maxLength: 8 }), { maxLength: 12 }), (rows) => expectDescribed(() => packFromRows(rows))));
  });
  it("for tables with a good header and arbitrary rows", () => {
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 3, maxLength: 3 }), { maxLength: 20 }), (rows) =>
        expectDescribed(() => packFromRows([["Code", "Units", "Proxy"], ...rows])),
      ),
    );
  });
  it("for arbitrary CSV and JSON text", () => {
    fc.assert(fc.property(fc.string(), (text) => expectDescribed(() => packFromCsv(text))));
    fc.assert(fc.property(fc.oneof(fc.string(), fc.json()), (text) => expectDescribed(() => packFromJson(text))));
  });
});
