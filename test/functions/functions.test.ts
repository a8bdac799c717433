import { workbook } from "./setupExcel";
import * as toms from "../../functions/functions";
import { EXAMPLE_PACK, isoDateToExcelSerial, parseCsv, PINNED_PACK_SETTING } from "../../shared";
import { COUNTY_CSV, registerRange, welshRange } from "../support/messyMeasuresTables";
import { badMeasuresRange, measuresRange } from "./fixtures";
import { ERROR_CODES, excelErrorOf } from "./standIns";

// This workbook has no pinned pack, so formulas without a measures range use the example pack.
const EXAMPLE = "example 2026-illustrative";

beforeAll(() => {
  expect(workbook.settings.has(PINNED_PACK_SETTING)).toBe(false);
});

describe("TOMS.PROXY", () => {
  test("gives £ per unit from the example pack, whatever the code's case or spacing", async () => {
    await expect(toms.proxy("J1")).resolves.toBe(25000);
    await expect(toms.proxy(" j1 ")).resolves.toBe(25000);
  });

  test("a measure counted in £ (face value) is £1 per £", async () => {
    await expect(toms.proxy("S2")).resolves.toBe(1);
  });

  test("reads a measures range instead of the pinned pack when one is given", async () => {
    await expect(toms.proxy("NT1", measuresRange())).resolves.toBe(30000);
    await expect(toms.proxy("NT31", measuresRange())).resolves.toBe(80.5);
  });

  test("codes written as numbers are looked up as text", async () => {
    const range = [["Code", "Units", "Proxy"], [12, "hours", 9]];
    await expect(toms.proxy(12 as unknown as string, range)).resolves.toBe(9);
  });

  test("a record-only or qualitative measure is #N/A, saying why", async () => {
    const recordOnly = await excelErrorOf(() => toms.proxy("G3"));
    expect(recordOnly.code).toBe(ERROR_CODES.notAvailable);
    expect(recordOnly.message).toBe(`Measure G3 is record-only in pack ${EXAMPLE}: it has no proxy value.`);
    const qualitative = await excelErrorOf(() => toms.proxy("S4"));
    expect(qualitative.code).toBe(ERROR_CODES.notAvailable);
    expect(qualitative.message).toContain("qualitative");
  });

  test("an unknown code is #VALUE! naming the code and the pack", async () => {
    const error = await excelErrorOf(() => toms.proxy("NT99"));
    expect(error.code).toBe(ERROR_CODES.invalidValue);
    expect(error.message).toBe(`Measure "NT99" is not in pack ${EXAMPLE}.`);
    const fromRange = await excelErrorOf(() => toms.proxy("J1", measuresRange()));
    expect(fromRange.message).toMatch(/^Measure "J1" is not in pack workbook table-[0-9a-f]{8}\.$/);
  });

  test("no code at all is #VALUE! asking for one", async () => {
    const error = await excelErrorOf(() => toms.proxy(""));
    expect(error.code).toBe(ERROR_CODES.invalidValue);
    expect(error.message).toBe("Give a measure code, e.g. J1.");
    expect((await excelErrorOf(() => toms.proxy(null as unknown as string))).message).toBe("Give a measure code, e.g. J1.");
  });
});

describe("TOMS.VALUE", () => {
  test("is quantity × proxy", async () => {
    await expect(toms.value("J1", 2.5)).resolves.toBe(62500);
    await expect(toms.value("J3", 0)).resolves.toBe(0);
    await expect(toms.value("NT3", 2, measuresRange())).resolves.toBe(42000);
  });

  test("a face-value measure returns the quantity as £", async () => {
    await expect(toms.value("S2", 1234.5)).resolves.toBe(1234.5);
  });

  test("a record-only or qualitative measure is #N/A saying it is not valued in £", async () => {
    const error = await excelErrorOf(() => toms.value("NT14", 3, measuresRange()));
    expect(error.code).toBe(ERROR_CODES.notAvailable);
    expect(error.message).toMatch(/^Measure NT14 is record-only in pack workbook table-[0-9a-f]{8}: it is recorded, not valued in £\.$/);
    expect((await excelErrorOf(() => toms.value("S4", 1))).code).toBe(ERROR_CODES.notAvailable);
  });

  test("a negative quantity is #NUM!", async () => {
    const error = await excelErrorOf(() => toms.value("J1", -1));
    expect(error.code).toBe(ERROR_CODES.invalidNumber);
    expect(error.message).toBe("Quantity cannot be negative (got -1).");
  });

  test("is exact to the penny where floating point is not", async () => {
    // NT3 is £21,000 per unit in the test range; 0.1 + 0.2 units is £6,300, not 6300.000000000001.
    await expect(toms.value("NT3", 0.1 + 0.2, measuresRange())).resolves.toBe(6300);
    await expect(toms.value("S2", 1.005)).resolves.toBe(1.01);
  });

  test("an absurd quantity, or one worth more than any contribution can be, is #NUM! saying so", async () => {
    const huge = await excelErrorOf(() => toms.value("J1", 1e308));
    expect(huge.code).toBe(ERROR_CODES.invalidNumber);
    expect(huge.message).toMatch(/is more than any contribution can be \(at most 1,000,000,000,000\); check the figure\.$/);
    const worth = await excelErrorOf(() => toms.value("J1", 1e9));
    expect(worth.code).toBe(ERROR_CODES.invalidNumber);
    expect(worth.message).toBe("1,000,000,000 × J1 is worth £25,000,000,000,000, more than any contribution can be (at most £1,000,000,000,000); check the figure.");
    expect((await excelErrorOf(() => toms.total([["J1"], ["J1"]], [[1], [1e300]]))).code).toBe(ERROR_CODES.invalidNumber);
    expect((await excelErrorOf(() => toms.pv([[1e300]]))).code).toBe(ERROR_CODES.invalidNumber);
  });

  test("a quantity that is not a number is #VALUE!", async () => {
    const error = await excelErrorOf(() => toms.value("J1", null as unknown as number));
    expect(error.code).toBe(ERROR_CODES.invalidValue);
    expect(error.message).toBe("Quantity must be a number.");
  });

  test("an unknown code is #VALUE! naming the code and the pack", async () => {
    const error = await excelErrorOf(() => toms.value("X1", 1));
    expect(error.code).toBe(ERROR_CODES.invalidValue);
    expect(error.message).toBe(`Measure "X1" is not in pack ${EXAMPLE}.`);
  });

  test("a bad measures range is #VALUE! with its first problem: row, column and why", async () => {
    const error = await excelErrorOf(() => toms.value("NT1", 1, badMeasuresRange()));
    expect(error.code).toBe(ERROR_CODES.invalidValue);
    expect(error.message).toBe(
      'The measures table: row 3, column "Proxy Value (£)": -5 is negative; a proxy value cannot be negative (and 1 more problem)',
    );
  });

  test("a range without a measures header is #VALUE! saying what header it needs", async () => {
    const error = await excelErrorOf(() => toms.value("NT1", 1, [["Name", "Amount"], ["NT1", 3]]));
    expect(error.code).toBe(ERROR_CODES.invalidValue);
    expect(error.message).toMatch(/^The measures table: row 1: no header row with a measure code .* column and a unit .* column/);
  });

  test("a bad range stays refused on every call, and a good one is not affected by it", async () => {
    for (let i = 0; i < 3; i++) {
      expect((await excelErrorOf(() => toms.value("NT1", 1, badMeasuresRange()))).code).toBe(ERROR_CODES.invalidValue);
      await expect(toms.value("NT1", 1, measuresRange())).resolves.toBe(30000);
    }
  });

  test("an edited range is read again: the cache is keyed by the cells, not the array", async () => {
    const edited = measuresRange();
    edited[1] = ["NT1", "Jobs", "More local people in employment", "Local people employed on the contract", "no. people FTE", 31000];
    await expect(toms.value("NT1", 1, measuresRange())).resolves.toBe(30000);
    await expect(toms.value("NT1", 1, edited)).resolves.toBe(31000);
    await expect(toms.value("NT1", 1, measuresRange())).resolves.toBe(30000);
  });
});

describe("TOMS.UNIT, TOMS.DESCRIPTION and TOMS.THEME", () => {
  test("describe a measure of the example pack", async () => {
    const j3 = EXAMPLE_PACK.measures.find((m) => m.code === "J3");
    await expect(toms.unit("J3")).resolves.toBe("weeks");
    await expect(toms.description("J3")).resolves.toBe(j3?.description);
    await expect(toms.themeOf("J3")).resolves.toBe("Jobs");
  });

  test("describe a measure of a measures range, carrying merged theme cells down", async () => {
    await expect(toms.unit("NT31", measuresRange())).resolves.toBe("tonnes CO2e");
    await expect(toms.description("NT3", measuresRange())).resolves.toBe("Long-term unemployed people employed");
    await expect(toms.themeOf("NT3", measuresRange())).resolves.toBe("Jobs");
  });

  test("work for measures that have no £ value", async () => {
    await expect(toms.unit("S4")).resolves.toBe("case study");
    await expect(toms.themeOf("G3")).resolves.toBe("Growth");
  });

  test("an unknown code is #VALUE! naming code and pack", async () => {
    for (const call of [() => toms.unit("Q1"), () => toms.description("Q1"), () => toms.themeOf("Q1")]) {
      const error = await excelErrorOf(call);
      expect(error.code).toBe(ERROR_CODES.invalidValue);
      expect(error.message).toBe(`Measure "Q1" is not in pack ${EXAMPLE}.`);
    }
  });

  test("a bad measures range is #VALUE!", async () => {
    expect((await excelErrorOf(() => toms.unit("NT1", badMeasuresRange()))).code).toBe(ERROR_CODES.invalidValue);
  });
});

describe("TOMS.TOTAL", () => {
  const codes = [["J1"], ["G1"], [""], ["S2"], ["G3"]];
  const quantities = [[2], ["1000"], [null], [500], [10]];

  test("sums quantity × proxy, skipping blank rows and counting record-only measures as £0", async () => {
    await expect(toms.total(codes, quantities)).resolves.toBeCloseTo(2 * 25000 + 1000 * 0.18 + 500, 6);
  });

  test("works across rows and columns of the same shape", async () => {
    await expect(toms.total([["J1", "J3"]], [[1, 10]])).resolves.toBe(25000 + 2400);
  });

  test("uses a measures range when given", async () => {
    await expect(toms.total([["NT1"], ["NT31"]], [[1], [2]], measuresRange())).resolves.toBe(30000 + 161);
  });

  test("ranges of different shapes are #VALUE! naming both sizes", async () => {
    const error = await excelErrorOf(() => toms.total([["J1"], ["J2"], ["J3"]], [[1], [2]]));
    expect(error.code).toBe(ERROR_CODES.invalidValue);
    expect(error.message).toBe("codes is 3×1 but quantities is 2×1; they must be the same size.");
  });

  test("a negative quantity is #NUM!", async () => {
    expect((await excelErrorOf(() => toms.total([["J1"]], [[-2]]))).code).toBe(ERROR_CODES.invalidNumber);
  });

  test("a quantity that is not a number is #VALUE! naming the row", async () => {
    const error = await excelErrorOf(() => toms.total([["J1"], ["J2"]], [[1], ["two"]]));
    expect(error.code).toBe(ERROR_CODES.invalidValue);
    expect(error.message).toBe('Row 2: "two" is not a number.');
  });

  test("an unknown code is #VALUE! naming code and pack; a quantity without a code is #VALUE!", async () => {
    expect((await excelErrorOf(() => toms.total([["J1"], ["ZZ"]], [[1], [1]]))).message).toBe(`Measure "ZZ" is not in pack ${EXAMPLE}.`);
    const orphan = await excelErrorOf(() => toms.total([["J1"], [""]], [[1], [5]]));
    expect(orphan.code).toBe(ERROR_CODES.invalidValue);
    expect(orphan.message).toBe("Row 2 has a quantity (5) but no measure code.");
  });

  test("a bad measures range is #VALUE!", async () => {
    expect((await excelErrorOf(() => toms.total([["NT1"]], [[1]], badMeasuresRange()))).code).toBe(ERROR_CODES.invalidValue);
  });
});

describe("TOMS.BYTHEME", () => {
  test("spills theme and £ in the pack's theme order, £0 for themes with nothing", async () => {
    await expect(toms.byTheme([["J1"], ["E1"], ["J3"]], [[1], [2], [10]])).resolves.toEqual([
      ["Jobs", 25000 + 2400],
      ["Growth", 0],
      ["Social", 0],
      ["Environment", 520],
      ["Innovation", 0],
    ]);
  });

  test("uses the themes of a measures range when given", async () => {
    await expect(toms.byTheme([["NT1"], ["NT3"]], [[1], [1]], measuresRange())).resolves.toEqual([
      ["Jobs", 51000],
      ["Growth", 0],
      ["Environment", 0],
    ]);
  });

  test("ranges of different shapes are #VALUE! naming both sizes", async () => {
    const error = await excelErrorOf(() => toms.byTheme([["J1", "J2"]], [[1]]));
    expect(error.code).toBe(ERROR_CODES.invalidValue);
    expect(error.message).toBe("codes is 1×2 but quantities is 1×1; they must be the same size.");
  });

  test("a negative quantity is #NUM!", async () => {
    expect((await excelErrorOf(() => toms.byTheme([["J1"]], [[-1]]))).code).toBe(ERROR_CODES.invalidNumber);
  });
});

describe("TOMS.MEASURES", () => {
  const HEADER = ["Code", "Theme", "Outcome", "Measure", "Units", "Valuation", "Proxy Value (£)"];

  test("spills the whole pack under a header row", async () => {
    const table = await toms.listMeasures(null as unknown as undefined);
    expect(table[0]).toEqual(HEADER);
    expect(table).toHaveLength(EXAMPLE_PACK.measures.length + 1);
    expect(table[1]).toEqual(["J1", "Jobs", "More local people in employment", "Local people (FTE) employed on the contract for one year", "FTE", "proxy", 25000]);
    expect(table.find((row) => row[0] === "G3")).toEqual(expect.arrayContaining(["record-only", ""]));
  });

  test("lists one theme, whatever its case", async () => {
    const table = await toms.listMeasures("environment");
    expect(table.slice(1).map((row) => row[0])).toEqual(["E1", "E2", "E3", "E4"]);
  });

  test("lists a measures range", async () => {
    const table = await toms.listMeasures(undefined, measuresRange());
    expect(table.slice(1).map((row) => row[0])).toEqual(["NT1", "NT3", "NT14", "NT31"]);
    await expect(toms.listMeasures("Growth", measuresRange())).resolves.toEqual([HEADER, ["NT14", "Growth", "Fair work", "Staff paid the real Living Wage", "no. staff", "record-only", ""]]);
  });

  test("an empty theme cell means every theme", async () => {
    await expect(toms.listMeasures("")).resolves.toHaveLength(EXAMPLE_PACK.measures.length + 1);
  });

  test("an unknown theme is #VALUE! listing the pack's themes", async () => {
    const error = await excelErrorOf(() => toms.listMeasures("Wellbeing"));
    expect(error.code).toBe(ERROR_CODES.invalidValue);
    expect(error.message).toBe(`Pack ${EXAMPLE} has no theme "Wellbeing"; its themes are Jobs, Growth, Social, Environment, Innovation.`);
  });

  test("a bad measures range is #VALUE!", async () => {
    expect((await excelErrorOf(() => toms.listMeasures(undefined, badMeasuresRange()))).code).toBe(ERROR_CODES.invalidValue);
  });
});

describe("TOMS.RATIO", () => {
  test("is social value ÷ contract value", () => {
    expect(toms.ratio(120000, 1000000)).toBeCloseTo(0.12, 12);
  });

  test("a contract value of £0 or less is #VALUE! saying so", async () => {
    const error = await excelErrorOf(() => toms.ratio(100, 0));
    expect(error.code).toBe(ERROR_CODES.invalidValue);
    expect(error.message).toBe("Contract value must be more than £0 (got 0).");
  });

  test("a negative social value is #NUM!", async () => {
    expect((await excelErrorOf(() => toms.ratio(-1, 100))).code).toBe(ERROR_CODES.invalidNumber);
  });
});

describe("TOMS.PV", () => {
  test("a single year-0 amount is worth itself", () => {
    expect(toms.pv([[1000]])).toBe(1000);
  });

  test("discounts later years with the Green Book rate, from a row or a column", () => {
    // 100 + 100 / 1.035 + 100 / 1.035² = 289.9694..., to the penny.
    expect(toms.pv([[100, 100, 100]])).toBe(289.97);
    expect(toms.pv([[100], [100], [100]])).toBe(289.97);
  });

  test("uses a flat rate when given (a blank rate cell means the Green Book)", () => {
    expect(toms.pv([[100, 110]], 0.1)).toBe(200);
    expect(toms.pv([[100, 100]], null as unknown as undefined)).toBe(196.62);
  });

  test("an empty cell is a year with nothing in it", () => {
    expect(toms.pv([[0], [null], [100]])).toBe(93.35);
  });

  test("a block of several rows and columns is #VALUE! naming its size", async () => {
    const error = await excelErrorOf(() => toms.pv([[1, 2], [3, 4]]));
    expect(error.code).toBe(ERROR_CODES.invalidValue);
    expect(error.message).toBe("The amounts are 2×2; give one row or one column, year 0 first.");
  });

  test("an amount that is not a number is #VALUE! naming its year", async () => {
    const error = await excelErrorOf(() => toms.pv([[100, "lots"]]));
    expect(error.code).toBe(ERROR_CODES.invalidValue);
    expect(error.message).toBe('The amount for year 1 is "lots", which is not a number.');
  });

  test("a rate written as a whole percentage is #VALUE! suggesting the fraction", async () => {
    const error = await excelErrorOf(() => toms.pv([[100, 100]], 3.5));
    expect(error.code).toBe(ERROR_CODES.invalidValue);
    expect(error.message).toBe("Rate 3.5 looks like a percentage; write 3.5% or 0.035.");
  });
});

describe("TOMS.SCORE", () => {
  test("scores a bid relative to the best: value ÷ best × points", () => {
    expect(toms.score(50000, [[50000], [100000], [80000]], 20)).toBe(10);
    expect(toms.score(100000, [[50000, 100000]], 20)).toBe(20);
  });

  test("leaves empty cells out of the bids", () => {
    expect(toms.score(25, [[50], [null], [""]], 10)).toBe(5);
  });

  test("no social value anywhere scores 0", () => {
    expect(toms.score(0, [[0], [0]], 10)).toBe(0);
  });

  test("a negative bid is #NUM!", async () => {
    expect((await excelErrorOf(() => toms.score(-5, [[10]], 10))).code).toBe(ERROR_CODES.invalidNumber);
    expect((await excelErrorOf(() => toms.score(5, [[10], [-1]], 10))).code).toBe(ERROR_CODES.invalidNumber);
  });

  test("a bid that is not a number is #VALUE! naming it", async () => {
    const error = await excelErrorOf(() => toms.score(5, [[10], ["n/a"]], 10));
    expect(error.code).toBe(ERROR_CODES.invalidValue);
    expect(error.message).toBe('Bid 2 is "n/a", which is not a number.');
  });
});

describe("TOMS.EXPECTED", () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  test("is the commitment pro rata to the time elapsed, dates as ISO text or Excel serials", () => {
    expect(toms.expected(100, "2026-01-01", "2026-01-11", "2026-01-06")).toBe(50);
    const serial = isoDateToExcelSerial;
    expect(toms.expected(100, serial("2026-01-01"), serial("2026-01-11"), serial("2026-01-06"))).toBe(50);
    expect(toms.expected(100, serial("2026-01-01"), "2026-01-11", "2026-01-06T12:00:00Z")).toBe(50);
  });

  test("nothing is due before the start and everything after the end", () => {
    expect(toms.expected(100, "2026-01-01", "2026-12-31", "2025-06-01")).toBe(0);
    expect(toms.expected(100, "2026-01-01", "2026-12-31", "2027-06-01")).toBe(100);
  });

  test("measures to today when no date is given", () => {
    jest.useFakeTimers({ now: new Date(2026, 0, 6, 23, 30) });
    expect(toms.expected(100, "2026-01-01", "2026-01-11", null as unknown as undefined)).toBe(50);
    expect(toms.expected(100, "2026-01-01", "2026-01-11")).toBe(50);
  });

  test("a date that is not a date is #VALUE! saying how to write one", async () => {
    const error = await excelErrorOf(() => toms.expected(100, "1 April 2026", "2026-12-31", "2026-06-01"));
    expect(error.code).toBe(ERROR_CODES.invalidValue);
    expect(error.message).toBe('The contract start "1 April 2026" is not a date: give an Excel date or text written yyyy-mm-dd.');
    expect((await excelErrorOf(() => toms.expected(100, "2026-01-01", "2026-02-30"))).message).toContain("contract end");
  });

  test("a missing start or end is #VALUE! asking for it", async () => {
    expect((await excelErrorOf(() => toms.expected(100, "", "2026-12-31"))).message).toBe("Give the contract start.");
  });

  test("an end before the start is #VALUE!", async () => {
    const error = await excelErrorOf(() => toms.expected(100, "2026-12-31", "2026-01-01", "2026-06-01"));
    expect(error.code).toBe(ERROR_CODES.invalidValue);
    expect(error.message).toBe("The contract end (2026-01-01) must be after its start (2026-12-31).");
  });

  test("a negative commitment is #NUM!", async () => {
    expect((await excelErrorOf(() => toms.expected(-1, "2026-01-01", "2026-12-31", "2026-06-01"))).code).toBe(ERROR_CODES.invalidNumber);
  });
});

describe("TOMS.PACK", () => {
  test("names the pack values come from, by id and edition", async () => {
    await expect(toms.pack()).resolves.toBe(EXAMPLE);
    await expect(toms.pack(null as unknown as undefined)).resolves.toBe(EXAMPLE);
  });

  test("names a measures range by its content, so a changed table is a different edition", async () => {
    const label = await toms.pack(measuresRange());
    expect(label).toMatch(/^workbook table-[0-9a-f]{8}$/);
    await expect(toms.pack(measuresRange())).resolves.toBe(label);
    const edited = measuresRange();
    edited[2] = ["NT3", "", "", "Long-term unemployed people employed", "no. people FTE", 22000];
    await expect(toms.pack(edited)).resolves.not.toBe(label);
  });

  test("a bad measures range is #VALUE!", async () => {
    expect((await excelErrorOf(() => toms.pack(badMeasuresRange()))).code).toBe(ERROR_CODES.invalidValue);
  });
});

describe("measures tables as councils publish them, in every function's measures argument", () => {
  const county = () => parseCsv(COUNTY_CSV);

  test("every valuing function reads the same messy table the same way", async () => {
    const range = county();
    await expect(toms.proxy("nc2", range)).resolves.toBe(19875.5);
    await expect(toms.value("NC1", 2, range)).resolves.toBe(48620);
    await expect(toms.unit("NC20", range)).resolves.toBe("tCO2e");
    await expect(toms.description("NC10", range)).resolves.toBe("Spend with Northshire micro and small firms");
    await expect(toms.themeOf("NC3", range)).resolves.toBe("Jobs");
    await expect(toms.total([["NC1"], ["NC11"], ["NC20"]], [[1], [40], [2]], range)).resolves.toBe(26334);
    await expect(toms.byTheme([["NC1"], ["NC20"]], [[1], [2]], range)).resolves.toEqual([["Jobs", 24310], ["Growth", 0], ["Environment", 2024]]);
    await expect(toms.listMeasures("Environment", range)).resolves.toHaveLength(2);
    await expect(toms.pack(range)).resolves.toMatch(/^workbook table-[0-9a-f]{8}$/);
    await expect(toms.proxy("CY2", welshRange())).resolves.toBe(212);
  });

  test("a proxy measure the table gives no £ value for is #N/A saying so and where to get one", async () => {
    const error = await excelErrorOf(() => toms.value("EB1", 3, registerRange()));
    expect(error.code).toBe(ERROR_CODES.notAvailable);
    expect(error.message).toMatch(/^Measure EB1 is valued by proxy, but pack workbook table-[0-9a-f]{8} has no £ value for it .* Take the proxy value from your licensed edition of the framework/);
    expect((await excelErrorOf(() => toms.proxy("CY5", welshRange()))).code).toBe(ERROR_CODES.notAvailable);
    expect((await excelErrorOf(() => toms.total([["EB3"], ["EB2"]], [[10], [1]], registerRange()))).code).toBe(ERROR_CODES.notAvailable);
    // Face-value and record-only measures of a register behave as in any pack.
    await expect(toms.value("EB3", 125.5, registerRange())).resolves.toBe(125.5);
    expect((await excelErrorOf(() => toms.value("EB5", 1, registerRange()))).message).toMatch(/is record-only in pack .*: it is recorded, not valued in £\.$/);
    await expect(toms.unit("EB2", registerRange())).resolves.toBe("weeks");
  });
});

describe("TOMS.WARNINGS", () => {
  test("shows the first thing the loader did not take from the table, and how many more", () => {
    expect(toms.warnings(parseCsv(COUNTY_CSV))).toBe(
      'row 4, column "Evidence required": not used: the pack has no place for this column, so its contents are not imported (and 7 more warnings)',
    );
    expect(toms.warnings(registerRange())).toMatch(/^the table gives no £ values, so it is loaded as a register of measures: .* \(and 1 more warning\)$/);
  });

  test("says when there is nothing to report", () => {
    expect(toms.warnings([["Code", "Theme", "Units", "Proxy"], ["A1", "Jobs", "FTE", 10]])).toBe("No warnings: every row below the header is a measure and every column is used.");
  });

  test("a table that cannot be read is #VALUE! with its first problem", () => {
    let caught: unknown;
    try {
      toms.warnings(badMeasuresRange());
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: ERROR_CODES.invalidValue, message: expect.stringMatching(/^The measures table: row 3, column "Proxy Value \(£\)": .*negative.* \(and 1 more problem\)$/) });
  });
});

describe("TOMS.KPIRATING", () => {
  // As the KPIs sheet holds it: the title line above, the officer's own column at the left.
  const kpis = [
    ["Contract C-1001, Highways maintenance: KPIs under the Procurement Act 2023 (next assessment due 31 Dec 2027).", "", "", ""],
    ["", "", "", ""],
    ["Officer notes", "KPI", "Name", "Latest rating"],
    ["ask for payroll", "KPI-1", "Local jobs", "Approaching target"],
    ["", "KPI-3", "Waste", ""],
    ["", 7, "Numbered", "Good"],
  ];

  test("gives the latest rating of a KPI, whatever the id's case or spacing", () => {
    expect(toms.kpiRating(kpis, "KPI-1")).toBe("Approaching target");
    expect(toms.kpiRating(kpis, " kpi-1 ")).toBe("Approaching target");
    expect(toms.kpiRating(kpis, 7 as unknown as string)).toBe("Good");
  });

  test("a KPI not in the table is #N/A, saying to check the id or sync", async () => {
    const error = await excelErrorOf(() => toms.kpiRating(kpis, "KPI-9"));
    expect(error.code).toBe(ERROR_CODES.notAvailable);
    expect(error.message).toBe("KPI KPI-9 is not in the KPI table: check the id, or press Sync to workbook in the task pane to bring the KPIs sheet up to date.");
  });

  test("a KPI not rated yet is #N/A, saying to record an assessment", async () => {
    const error = await excelErrorOf(() => toms.kpiRating(kpis, "KPI-3"));
    expect(error.code).toBe(ERROR_CODES.notAvailable);
    expect(error.message).toBe("KPI KPI-3 has not been rated yet: record an assessment in the task pane's Performance panel, then press Sync to workbook.");
  });

  test("a range without the KPI table's headers, or no id, is #VALUE! saying what to give", async () => {
    const noHeader = await excelErrorOf(() => toms.kpiRating([["KPI-1", "Good"]], "KPI-1"));
    expect(noHeader.code).toBe(ERROR_CODES.invalidValue);
    expect(noHeader.message).toBe("The range has no header row with KPI and Latest rating: give the KPIs sheet's table with its header row, e.g. KpiRegister[#All].");
    const noId = await excelErrorOf(() => toms.kpiRating(kpis, ""));
    expect(noId.code).toBe(ERROR_CODES.invalidValue);
    expect(noId.message).toBe("Give a KPI id, e.g. KPI-1.");
  });
});
