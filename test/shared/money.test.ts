import fc from "fast-check";
import { addPounds, formatMoney, fromPence, MAX_POUNDS, MoneyRangeError, penceOf, sumPence, sumPounds, toPence } from "../../shared";

describe("toPence: £ to whole pence, half away from zero, from the decimals as written", () => {
  it.each([
    [1.005, 101], // 1.005 × 100 is 100.49999999999999 in floating point
    [1.015, 102],
    [2.675, 268], // (2.675).toFixed(2) is "2.67"
    [0.1 + 0.2, 30], // 0.30000000000000004
    [1.15, 115], // 114.99999999999999
    [4.35, 435],
    [0.005, 1],
    [0.004, 0],
    [-1.005, -101],
    [-0.005, -1],
    [-0.004, 0],
    [6422.8, 642280],
    [1e-7, 0],
    [1e12, 1e14],
  ])("%p → %p", (pounds, pence) => {
    expect(toPence(pounds)).toBe(pence);
  });

  it("never gives -0", () => {
    expect(Object.is(toPence(-0.001), 0)).toBe(true);
  });

  it("refuses what is not a finite number or past what pence can hold", () => {
    expect(() => toPence(Number.NaN)).toThrow(MoneyRangeError);
    expect(() => toPence(Infinity)).toThrow(MoneyRangeError);
    expect(() => toPence(1e300)).toThrow(MoneyRangeError);
  });

  it("is the identity on whole pence (property)", () => {
    fc.assert(fc.property(fc.integer({ min: -1e14, max: 1e14 }), (pence) => toPence(pence / 100) === pence));
  });
});

describe("penceOf: one contribution's value, exact then rounded once", () => {
  it.each([
    [2.5, 2569.12, 642280], // 6422.799999999999 in floating point
    [10, 642.28, 642280],
    [40, 160.57, 642280],
    [2.2, 2919.45, 642279],
    [1.5, 0.01, 2], // a half penny rounds away from zero
    [0.5, 0.01, 1],
    [0.3, 0.35, 11], // 10.5p
    [3, 0.335, 101], // 100.5p, which floating point makes 100.50000000000001
    [1.005, 1, 101], // 100.49999999999999 in floating point
    [0.1, 0.2, 2],
    [0, 1234.56, 0],
  ])("%p × £%p = %pp", (quantity, proxy, pence) => {
    expect(penceOf(quantity, proxy)).toBe(pence);
  });

  it("agrees with exact decimal arithmetic for quantities and proxies as people write them (property)", () => {
    // Quantities with up to 2 decimals and proxies with up to 2 decimals: the exact product in
    // ten-thousandths of a pound, rounded half away from zero to pence, computed in integers.
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000_000 }), fc.integer({ min: 0, max: 10_000_000 }), (q100, p100) => {
        const exact = BigInt(q100) * BigInt(p100); // in units of £0.0001
        const pence = Number((exact + 50n) / 100n);
        return penceOf(q100 / 100, p100 / 100) === pence;
      }),
    );
  });

  it("refuses a product past what pence can hold", () => {
    expect(() => penceOf(1e200, 1e200)).toThrow(MoneyRangeError);
    expect(() => penceOf(1e12, 1e6)).toThrow(MoneyRangeError);
  });
});

describe("sums in pence are exact", () => {
  it("100,000 contributions of £0.10 make £10,000.00 (floating point makes 9999.999999998)", () => {
    const tenPence = Array.from({ length: 100_000 }, () => 0.1);
    expect(tenPence.reduce((a, b) => a + b, 0)).not.toBe(10000);
    expect(sumPounds(tenPence)).toBe(10000);
    expect(sumPence(tenPence.map(toPence))).toBe(1_000_000);
  });

  it("adding one at a time gives the same as adding all at once (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1e11 }), { maxLength: 200 }), (pence) => {
        const pounds = pence.map((p) => p / 100);
        const running = pounds.reduce(addPounds, 0);
        const exact = pence.reduce((a, b) => a + b, 0);
        return running === exact / 100 && sumPounds(pounds) === exact / 100;
      }),
    );
  });

  it("is the same in any order (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1e9 }), { maxLength: 100 }), fc.integer(), (pence, seed) => {
        const pounds = pence.map((p) => p / 100);
        const shuffled = [...pounds].sort((a, b) => ((a * 7919 + seed) % 13) - ((b * 7919 + seed) % 13));
        return sumPounds(pounds) === sumPounds(shuffled);
      }),
    );
  });

  it("skips values that are not valued (null)", () => {
    expect(sumPounds([1.1, null, 2.2])).toBe(3.3);
  });

  it("refuses a total past what a number holds to the penny, or pence that are not whole", () => {
    expect(() => sumPence([Number.MAX_SAFE_INTEGER, 1])).toThrow(MoneyRangeError);
    expect(() => sumPence([1.5])).toThrow(MoneyRangeError);
    expect(() => fromPence(0.5)).toThrow(MoneyRangeError);
  });

  it("keeps the ledger's bound for one contribution well inside what pence can hold", () => {
    expect(Number.isSafeInteger(MAX_POUNDS * 100 * 90)).toBe(true);
  });
});

describe("formatMoney: the one £ formatter", () => {
  it.each([
    [6422.8, {}, "£6,422.80"],
    [6422.799999999999, {}, "£6,422.80"],
    [1.005, {}, "£1.01"],
    [101469, {}, "£101,469.00"],
    [0, {}, "£0.00"],
    [-12.5, {}, "-£12.50"],
    [5000, { dropZeroPence: true }, "£5,000"],
    [5000.1, { dropZeroPence: true }, "£5,000.10"],
    [1_250_000, { dropZeroPence: true, compactFrom: 1_000_000 }, "£1.25m"],
    [999_999.99, { dropZeroPence: true, compactFrom: 1_000_000 }, "£999,999.99"],
  ])("%p with %p is %p", (pounds, style, text) => {
    expect(formatMoney(pounds, style)).toBe(text);
  });
});
