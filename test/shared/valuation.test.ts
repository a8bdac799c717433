import fc from "fast-check";
import {
  bidScore,
  EXAMPLE_PACK,
  expectedDelivery,
  greenBookRate,
  indexPack,
  MAX_POUNDS,
  MAX_QUANTITY,
  measureValue,
  measuresTable,
  presentValue,
  proxyValue,
  socialValueRatio,
  sumPounds,
  totalsByTheme,
  totalValue,
  ValuationError,
  validatePack,
} from "../../shared";

const example = indexPack(EXAMPLE_PACK);
const proxyCodes = EXAMPLE_PACK.measures.filter((m) => m.kind === "proxy" || m.kind === "face-value").map((m) => m.code);

function kindOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ValuationError) return err.kind;
    throw err;
  }
  throw new Error("expected a ValuationError");
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

describe("value of one measure", () => {
  it("is quantity × proxy, whatever the case of the code", () => {
    expect(measureValue(example, "j1", 2)).toBe(50000);
    expect(proxyValue(example, " J3 ")).toBe(240);
  });
  it("is the quantity itself for a face-value measure", () => {
    expect(measureValue(example, "S2", 1234.5)).toBe(1234.5);
    expect(proxyValue(example, "S2")).toBe(1);
  });
  it("names the code and the pack when the code is unknown", () => {
    expect(() => measureValue(example, "NT99", 1)).toThrow('Measure "NT99" is not in pack example 2026-illustrative.');
  });
  it("says a record-only or qualitative measure has no £ value", () => {
    expect(kindOf(() => measureValue(example, "G3", 1))).toBe("not-valued");
    expect(kindOf(() => proxyValue(example, "S4"))).toBe("not-valued");
  });
  it("refuses negative quantities", () => expect(kindOf(() => measureValue(example, "J1", -1))).toBe("negative"));
});

describe("totals", () => {
  it("skips blank rows and record-only measures", () => {
    const codes = [["J1"], [""], ["G3"], ["E1"], [null]];
    const quantities = [[1], [""], [10], [2], [null]];
    expect(totalValue(example, codes, quantities)).toBe(25000 + 2 * 260);
  });
  it("names both sizes when the ranges differ", () => {
    expect(() => totalValue(example, [["J1"], ["J2"]], [[1]])).toThrow("codes is 2×1 but quantities is 1×1");
  });
  it("refuses a quantity with no code, and words for numbers", () => {
    expect(kindOf(() => totalValue(example, [[""]], [[3]]))).toBe("invalid-argument");
    expect(kindOf(() => totalValue(example, [["J1"]], [["three"]]))).toBe("not-a-number");
  });
  it("reports totals by theme in the pack's order", () => {
    expect(totalsByTheme(example, [["J1", "E1"]], [[1, 1]])).toEqual([
      { theme: "Jobs", value: 25000 },
      { theme: "Growth", value: 0 },
      { theme: "Social", value: 0 },
      { theme: "Environment", value: 260 },
      { theme: "Innovation", value: 0 },
    ]);
  });

  const rows = fc.array(fc.tuple(fc.constantFrom(...proxyCodes), fc.double({ min: 0, max: 1e6, noNaN: true })), { maxLength: 50 });
  it("equal the sum of the parts (property)", () => {
    fc.assert(
      fc.property(rows, (rs) => {
        const total = totalValue(example, rs.map(([c]) => [c]), rs.map(([, q]) => [q]));
        const parts = rs.reduce((sum, [c, q]) => sum + measureValue(example, c, q), 0);
        return close(total, parts);
      }),
    );
  });
  it("by theme add up to the total (property)", () => {
    fc.assert(
      fc.property(rows, (rs) => {
        const codes = rs.map(([c]) => [c]);
        const quantities = rs.map(([, q]) => [q]);
        const byTheme = totalsByTheme(example, codes, quantities).reduce((s, t) => s + t.value, 0);
        return close(byTheme, totalValue(example, codes, quantities));
      }),
    );
  });
  it("are quantity × proxy to the nearest penny (property)", () => {
    fc.assert(
      fc.property(fc.constantFrom(...proxyCodes), fc.double({ min: 0, max: 1e6, noNaN: true }), (code, q) => {
        const value = measureValue(example, code, q);
        return Number.isInteger(Math.round(value * 100)) && Math.abs(value - q * proxyValue(example, code)) <= 0.005 + 1e-9 * q;
      }),
    );
  });
});

describe("ratio, present value, scores, expected delivery", () => {
  it("ratio is social value over contract value", () => {
    expect(socialValueRatio(120000, 1000000)).toBeCloseTo(0.12);
    expect(kindOf(() => socialValueRatio(1, 0))).toBe("invalid-argument");
  });

  it("follows the Green Book schedule", () => {
    expect([0, 30, 31, 75, 76, 125, 126, 301].map(greenBookRate)).toEqual([0.035, 0.035, 0.03, 0.03, 0.025, 0.025, 0.025, 0.025]);
    // 100 + 96.6183574879..., rounded once to the penny.
    expect(presentValue([100, 100])).toBe(196.62);
    const thirtyTwo = Array.from({ length: 32 }, (_, y) => (y === 31 ? 1000 : 0));
    expect(presentValue(thirtyTwo)).toBe(345.9); // 1000 / (1.035^30 × 1.03) = 345.9013...
    const year127 = Array.from({ length: 128 }, (_, y) => (y === 127 ? 1e6 : 0));
    expect(presentValue(year127)).toBe(26089.96); // 1e6 / (1.035^30 × 1.03^45 × 1.025^52) = 26089.9588...
  });
  it("uses a flat rate when given one, and refuses a percentage typed as a number", () => {
    expect(presentValue([0, 0, 121], 0.1)).toBe(100);
    expect(() => presentValue([1], 3.5)).toThrow(/looks like a percentage/);
  });
  it("PV of a single year-0 amount is the amount to the penny (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e11, max: 1e11 }), fc.option(fc.double({ min: -0.5, max: 0.5, noNaN: true }), { nil: null }), (pence, rate) =>
        presentValue([pence / 100], rate) === pence / 100,
      ),
    );
  });
  it("PV never exceeds the undiscounted sum of positive amounts (property)", () => {
    fc.assert(fc.property(fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { maxLength: 120 }), (amounts) => presentValue(amounts) <= sumPounds(amounts)));
  });

  it("scores relative to the best bid", () => {
    expect(bidScore(50, [100, 50, 25], 20)).toBe(10);
    expect(bidScore(100, [100, 50], 20)).toBe(20);
    expect(bidScore(0, [0, 0], 20)).toBe(0);
    expect(kindOf(() => bidScore(1, [-1], 20))).toBe("negative");
    expect(bidScore(1, Array.from({ length: 200_000 }, () => 2), 10)).toBe(5);
  });

  it("expects delivery pro rata to elapsed time, clamped to the contract", () => {
    expect(expectedDelivery(1000, "2026-01-01", "2027-01-01", "2026-07-02")).toBeCloseTo(1000 * (182 / 365));
    expect(expectedDelivery(1000, "2026-01-01", "2027-01-01", "2025-06-01")).toBe(0);
    expect(expectedDelivery(1000, "2026-01-01", "2027-01-01", "2030-01-01")).toBe(1000);
    expect(kindOf(() => expectedDelivery(1, "2026-01-01", "2026-01-01", "2026-01-01"))).toBe("invalid-argument");
  });

  it("lists measures of one theme, and says which themes exist when asked for another", () => {
    expect(measuresTable(example, "environment").slice(1).map((r) => r[0])).toEqual(["E1", "E2", "E3", "E4"]);
    expect(() => measuresTable(example, "Weather")).toThrow(/its themes are Jobs, Growth/);
  });
});

describe("to the penny (docs/MONEY.md)", () => {
  // Made-up proxies chosen so that floating point gets the products wrong.
  const pennies = indexPack(
    validatePack({
      id: "pennies",
      name: "Pennies",
      edition: "1",
      licence: "made up for tests",
      source: "this test",
      themes: ["Jobs", "Social"],
      measures: [
        { code: "P1", theme: "Jobs", description: "Hours of mentoring", unit: "hours", kind: "proxy", proxy: 2569.12 },
        { code: "P2", theme: "Jobs", description: "Weeks of placements", unit: "weeks", kind: "proxy", proxy: 0.335 },
        { code: "P3", theme: "Social", description: "Donations", unit: "£", kind: "face-value", proxy: null },
        { code: "P4", theme: "Social", description: "Volunteering hours", unit: "hours", kind: "proxy", proxy: 0.1 },
      ],
    }),
  );

  it("values 2.5 × £2,569.12 at £6,422.80, not 6422.799999999999", () => {
    expect(2.5 * 2569.12).not.toBe(6422.8);
    expect(measureValue(pennies, "P1", 2.5)).toBe(6422.8);
  });
  it("rounds a half penny away from zero, whatever floating point makes of it", () => {
    expect(measureValue(pennies, "P2", 3)).toBe(1.01); // 100.5p
    expect(measureValue(pennies, "P3", 1.005)).toBe(1.01); // 1.005 × 100 is 100.49999999999999
    expect(measureValue(pennies, "P3", 2.675)).toBe(2.68);
  });
  it("adds 100,000 small values exactly, in TOTAL and BYTHEME", () => {
    const codes = Array.from({ length: 100_000 }, (_, i) => [i % 2 === 0 ? "P4" : "P3"]);
    const quantities = Array.from({ length: 100_000 }, () => [1]);
    // 50,000 × £0.10 + 50,000 × £1
    expect(totalValue(pennies, codes, quantities)).toBe(55000);
    expect(totalsByTheme(pennies, codes, quantities)).toEqual([
      { theme: "Jobs", value: 0 },
      { theme: "Social", value: 55000 },
    ]);
    expect(totalValue(pennies, [["P4"], ["P4"], ["P4"]], [[1], [1], [1]])).toBe(0.3); // 0.1 + 0.1 + 0.1 is 0.30000000000000004
  });
  it("gives the same total as adding each row's value in pence (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom("P1", "P2", "P3", "P4"), fc.integer({ min: 0, max: 1_000_000 })), { maxLength: 100 }), (rows) => {
        const codes = rows.map(([c]) => [c]);
        const quantities = rows.map(([, q]) => [q / 100]);
        const pence = rows.reduce((sum, [c, q]) => sum + Math.round(measureValue(pennies, c, q / 100) * 100), 0);
        return totalValue(pennies, codes, quantities) === pence / 100;
      }),
    );
  });
  it("keeps expected delivery and scores exact where they can be", () => {
    expect(expectedDelivery(100, "2026-01-01", "2027-01-01", "2026-03-15")).toBe(20); // 73 of 365 days
    expect(bidScore(30, [40], 10)).toBe(7.5);
  });
  it("answers out-of-range for figures no contribution can be", () => {
    expect(kindOf(() => measureValue(pennies, "P1", 1e308))).toBe("out-of-range");
    expect(kindOf(() => measureValue(pennies, "P1", MAX_QUANTITY + 1))).toBe("out-of-range");
    expect(kindOf(() => measureValue(pennies, "P1", 1e9))).toBe("out-of-range"); // £2.6 trillion
    expect(kindOf(() => measureValue(pennies, "P3", MAX_POUNDS + 1))).toBe("out-of-range");
    expect(measureValue(pennies, "P3", MAX_POUNDS)).toBe(MAX_POUNDS);
    expect(kindOf(() => totalValue(pennies, [["P1"]], [[1e300]]))).toBe("out-of-range");
    expect(kindOf(() => presentValue([1e300]))).toBe("out-of-range");
    expect(() => measureValue(pennies, "P1", 1e9)).toThrow("1,000,000,000 × P1 is worth £2,569,120,000,000, more than any contribution can be (at most £1,000,000,000,000); check the figure.");
  });
});
