import fc from "fast-check";
import {
  EXAMPLE_PACK,
  indexPack,
  measuresTable,
  packFromCsv,
  packFromJson,
  packFromRows,
  parseCsv,
  parseMoney,
  ValidationError,
  Problem,
} from "../../shared";

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

describe("parseMoney", () => {
  it.each([
    ["£28,213.00", 28213],
    ["28213", 28213],
    [28213, 28213],
    [" £ 0.18 ", 0.18],
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
