import { FrameworkPack, PINNED_PACK_CHANGED_EVENT, PINNED_PACK_SETTING, readPinnedPack, serialisePinnedPack } from "../shared";

/**
 * The only module of the task pane that talks to Office.js. Everything else is plain React and is
 * given a `WorkbookGateway`, so panels can be tested with a fake and work in a plain browser.
 */

/** The cells an officer selected, read in one go: a whole Excel table if the selection is in one. */
export interface SelectedTable {
  /** Where the cells came from, e.g. "Measures!A1:F21". */
  address: string;
  /** The Excel table's name when the selection was inside a table. */
  tableName?: string;
  /** Cell values, header row included, as Excel reports them. */
  values: unknown[][];
}

export interface WorkbookGateway {
  /** False in a plain browser (or another Office host): workbook actions are then unavailable. */
  isInExcel(): boolean;
  /** True when Office says its theme is dark, so the pane can match it. */
  isOfficeThemeDark(): boolean;
  readSelectedTable(): Promise<SelectedTable>;
  /** The framework pack pinned to this workbook, or undefined when none is (the example pack is used). */
  readPinnedPackSetting(): FrameworkPack | undefined;
  /** Saves the pack in the workbook, tells the custom functions, and recalculates the TOMS formulas. */
  pinPack(pack: FrameworkPack): Promise<void>;
  /** Removes the pinned pack so the TOMS formulas go back to the example pack. */
  unpinPack(): Promise<void>;
}

export const NOT_IN_EXCEL_MESSAGE =
  "This page is not running inside Excel, so it cannot read or change a workbook. Open Social Value Ledger from Excel's ribbon to import or pin a framework pack.";

export class WorkbookError extends Error {
  override readonly name = "WorkbookError";
}

/**
 * Waits for Office.js, then returns the gateway. In a plain browser Office.js reports no host, and if
 * the Office.js script could not load at all there is no `Office` global: both give a gateway that
 * says it is not in Excel.
 */
export async function connectToWorkbook(): Promise<WorkbookGateway> {
  if (typeof Office === "undefined") return createWorkbookGateway(null);
  const { host } = await Office.onReady();
  return createWorkbookGateway(host);
}

/** `host` is what `Office.onReady` reported; null when Office.js found no host (a plain browser). */
export function createWorkbookGateway(host: Office.HostType | null): WorkbookGateway {
  const inExcel = host !== null && host === Office.HostType.Excel;

  function requireExcel(): void {
    if (!inExcel) throw new WorkbookError(NOT_IN_EXCEL_MESSAGE);
  }

  return {
    isInExcel: () => inExcel,

    isOfficeThemeDark: () => inExcel && Office.context.officeTheme?.isDarkTheme === true,

    async readSelectedTable() {
      requireExcel();
      return Excel.run(async (context) => {
        const selection = context.workbook.getSelectedRange();
        selection.load("address, cellCount");
        const tables = selection.getTables(false);
        tables.load("items/name");
        await context.sync();

        if (tables.items.length > 1) {
          const names = tables.items.map((t) => t.name).join(", ");
          throw new WorkbookError(`The selection touches ${tables.items.length} tables (${names}). Select cells in just one table of measures.`);
        }
        const table = tables.items[0];
        // A single cell outside a table stands for the block of cells around it, as Ctrl+A would select;
        // a larger selection is trimmed to the cells that hold values, so selecting whole columns is cheap.
        const source = table ? table.getRange() : selection.cellCount === 1 ? selection.getSurroundingRegion() : selection.getUsedRangeOrNullObject(true);
        source.load("address, values");
        await context.sync();

        if (source.isNullObject) {
          throw new WorkbookError(`The selected cells (${selection.address}) are empty. Select the table of measures, header row included.`);
        }
        return { address: source.address, values: source.values, ...(table ? { tableName: table.name } : {}) };
      });
    },

    readPinnedPackSetting() {
      if (!inExcel) return undefined;
      return readPinnedPack(Office.context.document.settings.get(PINNED_PACK_SETTING));
    },

    async pinPack(pack) {
      requireExcel();
      await saveSetting(serialisePinnedPack(pack));
      await announcePinnedPackChanged();
    },

    async unpinPack() {
      requireExcel();
      await saveSetting(undefined);
      await announcePinnedPackChanged();
    },
  };
}

/** Writes (or, given undefined, removes) the pinned pack setting and saves it with the document. */
async function saveSetting(value: string | undefined): Promise<void> {
  const settings = Office.context.document.settings;
  const previous: unknown = settings.get(PINNED_PACK_SETTING);
  if (value === undefined) settings.remove(PINNED_PACK_SETTING);
  else settings.set(PINNED_PACK_SETTING, value);
  try {
    await new Promise<void>((resolve, reject) => {
      settings.saveAsync((result) => {
        if (result.status === Office.AsyncResultStatus.Failed) {
          reject(new WorkbookError(`Excel could not save the workbook's settings: ${result.error.message}`));
        } else {
          resolve();
        }
      });
    });
  } catch (err) {
    // Put the in-memory setting back so what the pane and the functions read matches the saved workbook.
    if (previous === null || previous === undefined) settings.remove(PINNED_PACK_SETTING);
    else settings.set(PINNED_PACK_SETTING, previous);
    throw err;
  }
}

/** The custom functions share this page's runtime: the event makes them reload the pinned pack. */
async function announcePinnedPackChanged(): Promise<void> {
  window.dispatchEvent(new Event(PINNED_PACK_CHANGED_EVENT));
  try {
    await Excel.run(async (context) => {
      context.workbook.application.calculate(Excel.CalculationType.full);
      await context.sync();
    });
  } catch (err) {
    throw new WorkbookError(
      `The pack was saved in the workbook, but Excel could not recalculate (${(err as Error).message}). Press Ctrl+Alt+F9 to refresh the TOMS formulas.`,
    );
  }
}
