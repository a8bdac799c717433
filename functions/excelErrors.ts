import { describeProblem, ValidationError, ValuationError, ValuationErrorKind } from "../shared";
import { PinnedPackUnreadableError } from "./packSource";
import { OfficeUnavailableError } from "./workbook";

/**
 * The Excel error each kind of failed valuation shows. Excel displays our message only with #VALUE!
 * and #N/A; #NUM! keeps it on the error object for logs and tests.
 */
function errorCodeFor(kind: ValuationErrorKind): CustomFunctions.ErrorCode {
  switch (kind) {
    case "not-valued":
      return CustomFunctions.ErrorCode.notAvailable;
    case "negative":
    case "out-of-range":
      return CustomFunctions.ErrorCode.invalidNumber;
    case "unknown-measure":
    case "not-a-number":
    case "shape":
    case "invalid-argument":
      return CustomFunctions.ErrorCode.invalidValue;
  }
}

/** " (and 3 more problems)": how many a cell leaves unsaid after the first. */
export function andMore(count: number, noun: string): string {
  return count === 0 ? "" : ` (and ${count} more ${noun}${count === 1 ? "" : "s"})`;
}

/** A cell has room for one reason: the first problem, where it is, and how many more there are. */
export function firstProblemMessage(error: ValidationError): string {
  const [first, ...rest] = error.problems;
  if (first === undefined) return error.message;
  const located = first.row !== undefined || first.column !== undefined || first.path.length > 0;
  return `${error.subject}${located ? ": " : " "}${describeProblem(first)}${andMore(rest.length, "problem")}`;
}

/**
 * Turns the domain's errors into the Excel errors an officer can act on. Anything else is a fault
 * in the add-in and is passed on unchanged, so Excel shows #VALUE! and the console keeps the stack.
 */
export function toExcelError(error: unknown): unknown {
  if (error instanceof ValuationError) return new CustomFunctions.Error(errorCodeFor(error.kind), error.message);
  if (error instanceof ValidationError) return new CustomFunctions.Error(CustomFunctions.ErrorCode.invalidValue, firstProblemMessage(error));
  if (error instanceof PinnedPackUnreadableError) {
    // Office.js missing is not the workbook's fault: #N/A ("not available") with the reason.
    const code = error.cause instanceof OfficeUnavailableError ? CustomFunctions.ErrorCode.notAvailable : CustomFunctions.ErrorCode.invalidValue;
    return new CustomFunctions.Error(code, error.message);
  }
  return error;
}

/** Runs a calculation and reports its failure as an Excel error. */
export function inExcelTerms<T>(calculate: () => T): T {
  try {
    return calculate();
  } catch (error) {
    throw toExcelError(error);
  }
}
