import { PINNED_PACK_CHANGED_EVENT, PINNED_PACK_SETTING } from "../shared";

/** Whoever keeps the pinned pack: told the setting's value, or why it could not be read. */
export interface PinnedPackListener {
  load(setting: unknown): void;
  loadFailed(error: unknown): void;
}

/** Office.js comes from Microsoft's CDN; offline, or blocked by a proxy, the page runs without it. */
export const OFFICE_JS_MISSING = "Office.js did not load (from appsforoffice.microsoft.com); check the connection, then reload the add-in.";

/** The workbook cannot be reached because Office.js is not on the page; cells show #N/A with the reason. */
export class OfficeUnavailableError extends Error {
  override readonly name = "OfficeUnavailableError";
}

/** Behaves like office.js's CustomFunctions.Error, for a page where office.js is missing. */
class UnavailableFunctionError extends Error {
  constructor(
    readonly code: CustomFunctions.ErrorCode,
    message?: string,
  ) {
    super(message ?? "");
    this.name = "CustomFunctions.Error";
  }
}

/**
 * Checks that Office.js defined `Office` and `CustomFunctions` before this script runs. If not, says
 * so once on the console and, without CustomFunctions, puts a stand-in in its place: the generated
 * `CustomFunctions.associate` calls at the end of this bundle then register nothing instead of
 * throwing, and the task pane that shares the page still starts.
 */
export function checkOfficeJs(): void {
  const hasOffice = typeof Office !== "undefined";
  const hasCustomFunctions = typeof CustomFunctions !== "undefined";
  if (hasOffice && hasCustomFunctions) return;
  console.error(`Social Value Ledger: ${OFFICE_JS_MISSING} Until then the TOMS functions cannot reach the workbook and answer #N/A.`);
  if (!hasCustomFunctions) {
    const standIn = {
      associate: () => undefined,
      Error: UnavailableFunctionError,
      ErrorCode: { invalidValue: "#VALUE!", notAvailable: "#N/A", divisionByZero: "#DIV/0!", invalidNumber: "#NUM!", nullReference: "#NULL!", invalidName: "#NAME?", invalidReference: "#REF!" },
    };
    (globalThis as unknown as { CustomFunctions: unknown }).CustomFunctions = standIn;
  }
}

/**
 * The only code in functions/ that touches Office.js. Reads the pinned-pack document setting once
 * Office is ready, and again each time the task pane (same page, shared runtime) pins a pack.
 * Without Office.js every formula that needs the setting is told why it cannot have it.
 */
export function followPinnedPackSetting(listener: PinnedPackListener): void {
  if (typeof Office === "undefined") {
    listener.loadFailed(new OfficeUnavailableError(OFFICE_JS_MISSING));
    return;
  }
  const read = (): void => {
    try {
      listener.load(Office.context.document.settings.get(PINNED_PACK_SETTING));
    } catch (error) {
      listener.loadFailed(error);
    }
  };
  // Read synchronously on the event: the task pane recalculates right after announcing the change.
  window.addEventListener(PINNED_PACK_CHANGED_EVENT, read);
  Office.onReady().then(read, (error: unknown) => listener.loadFailed(error));
}

/**
 * A full recalculation, so cells that could not ask the API (not signed in) ask again. Nobody awaits
 * it, so a failure is written to the console with what the officer can do instead.
 */
export function recalculateAll(): void {
  Excel.run(async (context) => {
    context.workbook.application.calculate(Excel.CalculationType.full);
    await context.sync();
  }).catch((error: unknown) => {
    console.error("Excel could not recalculate after sign-in; press Ctrl+Alt+F9 to refresh the TOMS formulas.", error);
  });
}
