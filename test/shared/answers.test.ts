import fc from "fast-check";
import {
  checkAgainstMeasure,
  ContractRefSchema,
  EXAMPLE_PACK,
  findMeasureByAnswer,
  indexPack,
  parseSubmission,
  readMeasureCode,
  readQuantity,
  readUkDate,
  unitMatches,
} from "../../shared";
import type { Measure, SubmissionInput } from "../../shared";

const example = indexPack(EXAMPLE_PACK);
const measure = (code: string): Measure => {
  const m = example.byCode.get(code);
  if (!m) throw new Error(`no ${code} in the example pack`);
  return m;
};

describe("dates, always day first", () => {
  it.each([
    ["31/03/2026", "2026-03-31"],
    ["01/07/2026", "2026-07-01"],
    ["1/7/26", "2026-07-01"],
    ["3/4/2026", "2026-04-03"], // 3 April, never 4 March
    ["31.03.2026", "2026-03-31"],
    ["31-03-2026", "2026-03-31"],
    ["31 March 2026", "2026-03-31"],
    ["31 Mar 2026", "2026-03-31"],
    ["31st March 2026", "2026-03-31"],
    ["1 Sept 2026", "2026-09-01"],
    ["1 sep 2026", "2026-09-01"],
    ["  29 February 2028 ", "2028-02-29"],
    ["2026-03-31", "2026-03-31"],
    ["2026-3-1", "2026-03-01"],
  ])("%p is %p", (text, iso) => {
    expect(readUkDate(text)).toEqual({ ok: true, value: iso });
  });

  it.each([
    ["31/02/2026", '"31/02/2026" is not a date: February 2026 has 28 days'],
    ["29/02/2026", '"29/02/2026" is not a date: February 2026 has 28 days'],
    ["31 April 2026", '"31 April 2026" is not a date: April 2026 has 30 days'],
    ["2026-02-30", '"2026-02-30" is not a date: February 2026 has 28 days'],
    ["03/31/2026", '"03/31/2026" has no month 31; dates are read day first (dd/mm/yyyy): did you mean 31/03/2026?'],
    ["12/13/2026", '"12/13/2026" has no month 13; dates are read day first (dd/mm/yyyy): did you mean 13/12/2026?'],
    ["March 31, 2026", '"March 31, 2026" puts the month first; write the day first, e.g. 31 March 2026'],
    ["31 Marc 2026", '"31 Marc 2026": "Marc" is not a month; write it as e.g. 31/03/2026 or 31 March 2026'],
    ["end of Q2", '"end of Q2" is not a date; write it day first, e.g. 31/03/2026 or 31 March 2026'],
  ])("%p is refused: %s", (text, message) => {
    expect(readUkDate(text)).toEqual({ ok: false, message });
  });

  it("says which reading was meant when day and month look swapped", () => {
    expect(readUkDate("09/30/2026")).toEqual({ ok: false, message: '"09/30/2026" has no month 30; dates are read day first (dd/mm/yyyy): did you mean 30/09/2026?' });
    expect(readUkDate("13/12/2026")).toEqual({ ok: true, value: "2026-12-13" });
    expect(readUkDate("12/13/2026").ok).toBe(false);
  });

  it("reads every real date written dd/mm/yyyy, d/m/yy and in words back to itself (property)", () => {
    const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
    fc.assert(
      fc.property(fc.date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2099-12-31T00:00:00Z"), noInvalidDate: true }), (date) => {
        const iso = date.toISOString().slice(0, 10);
        const [y, m, d] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
        const pad = (n: number) => String(n).padStart(2, "0");
        const forms = [`${pad(d)}/${pad(m)}/${y}`, `${d}/${m}/${String(y).slice(2)}`, `${d} ${MONTHS[m - 1]} ${y}`, `${d} ${MONTHS[m - 1]?.slice(0, 3)} ${y}`, iso];
        return forms.every((f) => {
          const read = readUkDate(f);
          return read.ok && read.value === iso;
        });
      }),
    );
  });
});

describe("quantities and money", () => {
  it.each([
    ["2.5", 2.5, null],
    ["1,250", 1250, null],
    ["1,250.00", 1250, null],
    ["1250.5", 1250.5, null],
    ["1,000,000", 1_000_000, null],
    [".5", 0.5, null],
    ["£1,250.00", 1250, "£"],
    ["£ 1,250", 1250, "£"],
    ["£1250.5", 1250.5, "£"],
    ["GBP 1,250", 1250, "£"],
    ["1,250 GBP", 1250, "GBP"],
    ["2.5 FTE", 2.5, "FTE"],
    ["2.5FTE", 2.5, "FTE"],
    ["120 hours", 120, "hours"],
    ["120 hrs", 120, "hrs"],
    ["52 weeks", 52, "weeks"],
    ["3.2 tonnes CO2e", 3.2, "tonnes CO2e"],
    ["140 miles", 140, "miles"],
  ])("%p is %p (unit %p)", (text, amount, unit) => {
    expect(readQuantity(text)).toEqual({ ok: true, value: { amount, unit } });
  });

  it.each([
    ["£1.2k", '"1.2k" is shorthand; write the amount in full, e.g. £1,200'],
    ["1.2k", '"1.2k" is shorthand; write the number in full, e.g. 1,200'],
    ["£2m", '"2m" is shorthand; write the amount in full, e.g. £2,000,000'],
    ["2 million", '"2 million" is shorthand; write the number in full, e.g. 2,000,000'],
    ["2,5", '"2,5" uses a comma for the decimal point; write 2.5 (a comma only separates thousands, e.g. 1,250.50)'],
    ["£1.250,00", '"1.250,00" uses a comma for the decimal point; write £1250.00 (a comma only separates thousands, e.g. £1,250.50)'],
    ["12,50,000", '"12,50,000" is not a number; write it with digits, e.g. 2.5'],
    ["-3", '"-3" is negative; a delivered quantity cannot be negative'],
    ["lots", '"lots" is not a number; write it with digits, e.g. 2.5'],
    ["£", '"" is not a number; write it with digits, e.g. £1,250.00'],
  ])("%p is refused: %s", (text, message) => {
    expect(readQuantity(text)).toEqual({ ok: false, message });
  });

  it("takes numbers as numbers, refusing the negative and the infinite", () => {
    expect(readQuantity(7)).toEqual({ ok: true, value: { amount: 7, unit: null } });
    expect(readQuantity(-1).ok).toBe(false);
    expect(readQuantity(Infinity).ok).toBe(false);
  });

  it("reads any amount written with thousands commas and pence as the same number (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e12 }), (pence) => {
        const pounds = pence / 100;
        const written = `£${pounds.toLocaleString("en-GB", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
        const read = readQuantity(written);
        return read.ok && read.value.amount === pounds && read.value.unit === "£";
      }),
    );
  });
});

describe("units against the measure's", () => {
  it.each([
    ["FTE", "FTE", true],
    ["fte", "FTE", true],
    ["FTEs", "FTE", true],
    ["full time equivalent", "FTE", true],
    ["FTE", "no. people FTE", true],
    ["people", "no. people FTE", true],
    ["hours", "hours", true],
    ["hrs", "hours", true],
    ["hour", "hours", true],
    ["hours", "hours × attendees", true],
    ["tonnes", "tonnes CO2e", true],
    ["tCO2e", "tonnes CO2e", true],
    ["£", "£", true],
    ["GBP", "£", true],
    ["pounds", "£", true],
    ["hours", "weeks", false],
    ["FTE", "hours", false],
    ["£", "FTE", false],
    ["weeks", "£", false],
    ["apprentices", "weeks", false],
  ])("%p for a measure in %p: %p", (written, unit, matches) => {
    expect(unitMatches(written, unit)).toBe(matches);
  });

  it("refuses a quantity in another unit, saying the measure's", () => {
    const read = readQuantity("120 hours");
    if (!read.ok) throw new Error(read.message);
    expect(checkAgainstMeasure({ quantity: read.value, description: "" }, measure("J3"))).toEqual([
      { path: ["quantity"], message: 'measure J3 is counted in weeks, not "hours"; write the quantity in weeks, e.g. 2.5 or 2.5 weeks' },
    ]);
    expect(checkAgainstMeasure({ quantity: { amount: 5000, unit: "£" }, description: "" }, measure("J1"))).toEqual([
      { path: ["quantity"], message: 'measure J1 is counted in FTE, not "£"; write the quantity in FTE, e.g. 2.5 or 2.5 FTE' },
    ]);
    expect(checkAgainstMeasure({ quantity: { amount: 5000, unit: "hours" }, description: "" }, measure("G1"))).toEqual([
      { path: ["quantity"], message: 'measure G1 is counted in £, not "hours"; write the quantity in £, e.g. £1,250.00' },
    ]);
  });

  it("accepts the measure's own unit, or none", () => {
    expect(checkAgainstMeasure({ quantity: { amount: 2.5, unit: "FTE" }, description: "" }, measure("J1"))).toEqual([]);
    expect(checkAgainstMeasure({ quantity: { amount: 1250, unit: "£" }, description: "" }, measure("G1"))).toEqual([]);
    expect(checkAgainstMeasure({ quantity: { amount: 2.5, unit: null }, description: "" }, measure("J1"))).toEqual([]);
  });

  it("asks a qualitative measure for a description, not a quantity", () => {
    const qualitative = EXAMPLE_PACK.measures.find((m) => m.kind === "qualitative");
    if (!qualitative) throw new Error("the example pack has no qualitative measure");
    expect(checkAgainstMeasure({ description: "A case study of the new community garden" }, qualitative)).toEqual([]);
    expect(checkAgainstMeasure({ description: " " }, qualitative)).toEqual([
      { path: ["description"], message: `measure ${qualitative.code} is qualitative: describe what you delivered (${qualitative.description.toLowerCase()}); no quantity is needed` },
    ]);
    expect(checkAgainstMeasure({ description: "" }, measure("J1"))).toEqual([{ path: ["quantity"], message: "is required: measure J1 is counted in FTE; write how many, e.g. 2.5 or 2.5 FTE" }]);
  });
});

describe("measure codes and contract references", () => {
  it.each([
    ["J1", "J1"],
    [" j1 ", "J1"],
    ["J1 – Local people employed", "J1"],
    ["NT1 - Local people (FTE) employed on the contract", "NT1"],
    ["NT 1 — Local people", "NT1"],
    ["NT12a: Training hours", "NT12A"],
    ["Local people employed", "LOCALPEOPLEEMPLOYED"],
  ])("%p names %p", (answer, code) => {
    expect(readMeasureCode(answer)).toBe(code);
  });

  it("finds the measure by code, by choice answer, or by its description word for word", () => {
    expect(findMeasureByAnswer(example, "J1 – Local people employed")?.code).toBe("J1");
    expect(findMeasureByAnswer(example, "apprenticeship weeks completed on the contract")?.code).toBe("J3");
    expect(findMeasureByAnswer(example, "Something else")).toBeUndefined();
  });

  it.each([
    ["C-1001", "C-1001"],
    ["c-1001", "C-1001"],
    ["  C-1001 ", "C-1001"],
    ["C - 1001", "C-1001"],
    ["c 1001", "C1001"],
  ])("contract reference %p is %p", (typed, ref) => {
    expect(ContractRefSchema.parse(typed)).toBe(ref);
  });

  it("still refuses a contract reference with characters no reference has", () => {
    expect(ContractRefSchema.safeParse("C/1001").success).toBe(false);
  });
});

describe("a Forms submission typed the UK way", () => {
  const body = (answers: Record<string, unknown>): SubmissionInput => ({
    formId: "form-1",
    responseId: 9,
    submittedAt: "11/20/2026 10:15:00 AM",
    responder: "jo@supplier.example",
    answers: { contractRef: " c-1001 ", supplier: "Acme Build Ltd", measureCode: "J1 – Local people employed", quantity: "2.5 FTE", periodStart: "1/7/26", periodEnd: "30 Sept 2026", description: "", ...answers },
  });

  it("is normalised: reference, dates and quantity with its unit", () => {
    const result = parseSubmission(body({}));
    expect(result).toMatchObject({
      ok: true,
      submission: { report: { contractRef: "C-1001", measureCode: "J1 – Local people employed", quantity: { amount: 2.5, unit: "FTE" }, periodStart: "2026-07-01", periodEnd: "2026-09-30" } },
    });
  });

  it("refuses what it cannot read, naming each field and what to write", () => {
    const result = parseSubmission(body({ quantity: "£1.2k", periodStart: "31/02/2026", periodEnd: "09/30/2026" }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      { path: ["answers", "quantity"], message: '"1.2k" is shorthand; write the amount in full, e.g. £1,200' },
      { path: ["answers", "periodStart"], message: '"31/02/2026" is not a date: February 2026 has 28 days' },
      { path: ["answers", "periodEnd"], message: '"09/30/2026" has no month 30; dates are read day first (dd/mm/yyyy): did you mean 30/09/2026?' },
    ]);
  });

  it("leaves a blank quantity to the measure to judge", () => {
    const result = parseSubmission(body({ quantity: "" }));
    expect(result).toMatchObject({ ok: true, submission: { report: { quantity: undefined } } });
  });
});
