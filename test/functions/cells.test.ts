import "./setupExcel";
import { isBlankCell as isBlank, ValuationError } from "../../shared";
import { amountsByYear, dateArgument, measureCode, numbersIn, today } from "../../functions/cells";

function valuationErrorOf(call: () => unknown): ValuationError {
  try {
    call();
  } catch (error) {
    if (error instanceof ValuationError) return error;
    throw error;
  }
  throw new Error("expected a ValuationError");
}

test("blank cells are null, undefined or empty text", () => {
  expect([null, undefined, "", "  "].every(isBlank)).toBe(true);
  expect([0, "0", false].some(isBlank)).toBe(false);
});

test("measure codes may arrive as text or numbers, never blank", () => {
  expect(measureCode("NT1")).toBe("NT1");
  expect(measureCode(7)).toBe("7");
  expect(valuationErrorOf(() => measureCode(" ")).kind).toBe("invalid-argument");
  expect(valuationErrorOf(() => measureCode(true)).kind).toBe("invalid-argument");
});

test("yearly amounts come from one row or one column", () => {
  expect(amountsByYear([[1, 2, 3]])).toEqual([1, 2, 3]);
  expect(amountsByYear([[1], [""], [3]])).toEqual([1, 0, 3]);
  expect(amountsByYear([])).toEqual([]);
  expect(valuationErrorOf(() => amountsByYear([[1, 2], [3, 4]])).kind).toBe("shape");
  expect(valuationErrorOf(() => amountsByYear([[1, "2"]])).kind).toBe("not-a-number");
  expect(valuationErrorOf(() => amountsByYear([[1, true]])).kind).toBe("not-a-number");
});

test("numbers in a range leave blanks out", () => {
  expect(numbersIn([[1, null], ["", 4]], "Bid")).toEqual([1, 4]);
  expect(valuationErrorOf(() => numbersIn([[1, "x"]], "Bid")).message).toBe('Bid 2 is "x", which is not a number.');
});

test("dates are Excel serials or yyyy-mm-dd text", () => {
  expect(dateArgument(46023, "start")).toBe("2026-01-01");
  expect(dateArgument(46023.75, "start")).toBe("2026-01-01");
  expect(dateArgument(" 2026-02-28 ", "start")).toBe("2026-02-28");
  expect(valuationErrorOf(() => dateArgument("28/02/2026", "start")).message).toBe(
    'The start "28/02/2026" is not a date: give an Excel date or text written yyyy-mm-dd.',
  );
  expect(valuationErrorOf(() => dateArgument(-3, "start")).kind).toBe("invalid-argument");
  expect(valuationErrorOf(() => dateArgument(null, "start")).message).toBe("Give the start.");
});

test("today is the local calendar date, as Excel's TODAY() gives it", () => {
  expect(today(new Date(2026, 2, 29, 0, 30))).toBe("2026-03-29");
  expect(today(new Date(2026, 11, 31, 23, 59))).toBe("2026-12-31");
});
