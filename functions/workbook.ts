import { PINNED_PACK_CHANGED_EVENT, PINNED_PACK_SETTING } from "../shared";

/** Whoever keeps the pinned pack: told the setting's value, or why it could not be read. */
export interface PinnedPackListener {
  load(setting: unknown): void;
  loadFailed(error: unknown): void;
}

/**
 * The only code in functions/ that touches Office.js. Reads the pinned-pack document setting once
 * Office is ready, and again each time the task pane (same page, shared runtime) pins a pack.
 */
export function followPinnedPackSetting(listener: PinnedPackListener): void {
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
