import { OfficeMockObject } from "office-addin-mock";
import { PINNED_PACK_CHANGED_EVENT } from "../../shared";

/*
 * Stand-ins for what Excel's shared runtime gives the add-in: the CustomFunctions global (from
 * office.js's custom functions runtime), Office.context.document.settings and the page's window.
 * Test files import this module before the functions so the globals exist when they load.
 */

/** The runtime's error values as Excel shows them. */
export const ERROR_CODES = {
  invalidValue: "#VALUE!",
  notAvailable: "#N/A",
  divisionByZero: "#DIV/0!",
  invalidNumber: "#NUM!",
  nullReference: "#NULL!",
  invalidName: "#NAME?",
  invalidReference: "#REF!",
} as const;

export type ExcelErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

/** Behaves like office.js's CustomFunctions.Error: an Error with the cell's error code. */
export class CustomFunctionsError extends Error {
  constructor(
    readonly code: ExcelErrorCode = ERROR_CODES.invalidValue,
    message?: string,
  ) {
    super(message ?? "");
    this.name = "CustomFunctions.Error";
  }
}

export type Registered = (...args: unknown[]) => unknown;

/** A CustomFunctions global whose `associate` records what the add-in registers, by id. */
export function customFunctionsStandIn(): { global: object; registrations: Map<string, Registered> } {
  const registrations = new Map<string, Registered>();
  const associate = (idOrMappings: string | Record<string, Registered>, fn?: Registered): void => {
    const mappings = typeof idOrMappings === "string" ? { [idOrMappings]: fn } : idOrMappings;
    for (const [id, f] of Object.entries(mappings)) {
      if (typeof f !== "function") throw new Error(`associate("${id}") was not given a function`);
      if (registrations.has(id.toUpperCase())) throw new Error(`${id} is associated twice`);
      registrations.set(id.toUpperCase(), f);
    }
  };
  return { global: { Error: CustomFunctionsError, ErrorCode: ERROR_CODES, associate }, registrations };
}

export function installCustomFunctions(): Map<string, Registered> {
  const { global, registrations } = customFunctionsStandIn();
  Object.assign(globalThis, { CustomFunctions: global });
  return registrations;
}

export interface WorkbookStandIn {
  /** The workbook's document settings, by name. */
  settings: Map<string, unknown>;
  window: EventTarget;
  /** Office.onReady resolves (or rejects) only when the test says so, unless created ready. */
  becomeReady(): void;
  failToStart(error: Error): void;
  /** What the task pane does after pinning a pack. */
  announcePinnedPackChanged(): void;
  /** Makes settings.get throw, as a broken host might. */
  breakSettings(error: Error): void;
}

/**
 * Office (an office-addin-mock object) and window as globals. The pinned pack is read when Office
 * is ready, so tests can hold it back to see what a function does before then.
 */
export function installWorkbook(options: { ready?: boolean; settings?: Record<string, unknown> } = {}): WorkbookStandIn {
  const settings = new Map<string, unknown>(Object.entries(options.settings ?? {}));
  let broken: Error | undefined;
  let becomeReady: () => void = () => undefined;
  let failToStart: (error: Error) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    becomeReady = resolve;
    failToStart = reject;
  });
  if (options.ready ?? true) becomeReady();

  const office = new OfficeMockObject({
    onReady: async () => {
      await ready;
      return { host: "Excel", platform: "OfficeOnline" };
    },
    context: {
      document: {
        settings: {
          get: (name: string): unknown => {
            if (broken) throw broken;
            return settings.has(name) ? settings.get(name) : null;
          },
        },
      },
    },
  });
  const window = new EventTarget();
  Object.assign(globalThis, { Office: office, window });
  return {
    settings,
    window,
    becomeReady,
    failToStart,
    announcePinnedPackChanged: () => window.dispatchEvent(new Event(PINNED_PACK_CHANGED_EVENT)),
    breakSettings: (error) => {
      broken = error;
    },
  };
}

/** The Excel error a function gave, whether it threw or its promise rejected. */
export async function excelErrorOf(call: () => unknown): Promise<CustomFunctionsError> {
  try {
    await call();
  } catch (error) {
    if (error instanceof CustomFunctionsError) return error;
    throw new Error(`expected a CustomFunctions.Error, got ${String(error)}`, { cause: error });
  }
  throw new Error("expected an Excel error, but the function returned a value");
}
