import "./setupExcel";
import { ValidationError, ValuationError, ValuationErrorKind } from "../../shared";
import { firstProblemMessage, inExcelTerms, toExcelError } from "../../functions/excelErrors";
import { PinnedPackUnreadableError } from "../../functions/packSource";
import { OFFICE_JS_MISSING, OfficeUnavailableError } from "../../functions/workbook";
import { CustomFunctionsError, ERROR_CODES } from "./standIns";

describe("toExcelError", () => {
  const cases: [ValuationErrorKind, string][] = [
    ["unknown-measure", ERROR_CODES.invalidValue],
    ["not-valued", ERROR_CODES.notAvailable],
    ["negative", ERROR_CODES.invalidNumber],
    ["not-a-number", ERROR_CODES.invalidValue],
    ["shape", ERROR_CODES.invalidValue],
    ["invalid-argument", ERROR_CODES.invalidValue],
  ];

  test.each(cases)("a %s valuation error becomes %s with the same message", (kind, code) => {
    const error = toExcelError(new ValuationError(kind, `because ${kind}`));
    expect(error).toBeInstanceOf(CustomFunctionsError);
    expect(error).toMatchObject({ code, message: `because ${kind}` });
  });

  test("a refused table becomes #VALUE! with its first problem", () => {
    const refusal = new ValidationError("The measures table", [{ path: ["measures", 4, "unit"], row: 4, column: "Units", message: "measure X has no unit" }]);
    expect(toExcelError(refusal)).toMatchObject({ code: ERROR_CODES.invalidValue, message: 'The measures table: row 4, column "Units": measure X has no unit' });
  });

  test("an unreadable pinned pack becomes #VALUE! saying so", () => {
    expect(toExcelError(new PinnedPackUnreadableError(new Error("no host")))).toMatchObject({
      code: ERROR_CODES.invalidValue,
      message: "Could not read the workbook's pinned pack: no host",
    });
  });

  test("a pinned pack unreadable because Office.js did not load becomes #N/A saying so", () => {
    expect(toExcelError(new PinnedPackUnreadableError(new OfficeUnavailableError(OFFICE_JS_MISSING)))).toMatchObject({
      code: ERROR_CODES.notAvailable,
      message: `Could not read the workbook's pinned pack: ${OFFICE_JS_MISSING}`,
    });
  });

  test("anything else is a fault and passes through unchanged", () => {
    const fault = new TypeError("x is undefined");
    expect(toExcelError(fault)).toBe(fault);
  });
});

describe("firstProblemMessage", () => {
  test("counts the problems it leaves out", () => {
    const problem = { path: [], row: 2, message: "bad" };
    expect(firstProblemMessage(new ValidationError("T", [problem, problem]))).toBe("T: row 2: bad (and 1 more problem)");
    expect(firstProblemMessage(new ValidationError("T", [problem, problem, problem]))).toBe("T: row 2: bad (and 2 more problems)");
  });

  test("a problem with no place reads as a sentence about the subject", () => {
    expect(firstProblemMessage(new ValidationError("The pack", [{ path: [], message: "is empty" }]))).toBe("The pack is empty");
  });

  test("a field path stands in for a row when there is none", () => {
    expect(firstProblemMessage(new ValidationError("P", [{ path: ["measures", 0, "unit"], message: "missing" }]))).toBe("P: measures.0.unit: missing");
  });

  test("no problems at all falls back to the error's own message", () => {
    const error = new ValidationError("P", []);
    expect(firstProblemMessage(error)).toBe(error.message);
  });
});

describe("inExcelTerms", () => {
  test("returns the result, or throws the Excel error", () => {
    expect(inExcelTerms(() => 42)).toBe(42);
    expect(() =>
      inExcelTerms(() => {
        throw new ValuationError("negative", "no");
      }),
    ).toThrow(CustomFunctionsError);
  });
});
