import { OfficeMockObject } from "office-addin-mock";

/**
 * Office.js as the task pane sees it, for jest: `Excel` is an office-addin-mock object (so a
 * property read before `load` + `context.sync()` gives the mock's error text instead of a value),
 * and `Office` carries document settings that behave like the real ones (changes live in memory
 * until `saveAsync` writes them into the document).
 */

export interface Cells {
  address: string;
  values: unknown[][];
}

export interface WorkbookSetup {
  /** The selected range. */
  selection: { address: string; cellCount: number };
  /** The Excel tables the selection overlaps, with all their cells. */
  tables?: (Cells & { name: string })[];
  /** What `getSurroundingRegion()` of the selection holds. */
  region?: Cells;
  /** The cells of the selection that hold values; null when there are none. */
  used?: Cells | null;
  /** Makes `application.calculate` throw, as Excel does when calculation is not possible. */
  calculateFails?: string;
}

export class FakeSettings {
  /** What the document file holds: only `saveAsync` changes it. */
  saved = new Map<string, unknown>();
  private live = new Map<string, unknown>();
  /** When set, the next saves report this failure, as Office does for a read-only document. */
  saveFailure: string | undefined;
  saveCalls = 0;
  log: string[];

  constructor(log: string[], initial: Record<string, unknown> = {}) {
    this.log = log;
    for (const [k, v] of Object.entries(initial)) {
      this.live.set(k, v);
      this.saved.set(k, v);
    }
  }

  get(name: string): unknown {
    return this.live.has(name) ? this.live.get(name) : null;
  }

  set(name: string, value: unknown): void {
    this.live.set(name, value);
  }

  remove(name: string): void {
    this.live.delete(name);
  }

  saveAsync(callback: (result: { status: string; error?: { message: string } }) => void): void {
    this.saveCalls++;
    // Office answers later, never inside the call.
    setTimeout(() => {
      if (this.saveFailure !== undefined) {
        this.log.push("save failed");
        callback({ status: "failed", error: { message: this.saveFailure } });
      } else {
        this.saved = new Map(this.live);
        this.log.push("saved");
        callback({ status: "succeeded" });
      }
    }, 0);
  }
}

export interface FakeOffice {
  settings: FakeSettings;
  /** Everything that happened in order: "saved", "pinned pack changed", "calculate Full", … */
  log: string[];
  /** Every `context.sync()` call made inside `Excel.run`. */
  sync: jest.SpyInstance;
  run: jest.SpyInstance;
  calculate: jest.Mock;
  /** What `load` was asked for on the selection's table collection. */
  tableLoads: unknown[];
  uninstall(): void;
}

type AnyMock = OfficeMockObject & Record<string, unknown>;

/** Installs `Office` and `Excel` globals for one test; `uninstall` removes them. */
export function installFakeOffice(
  workbook: WorkbookSetup,
  options: { settings?: Record<string, unknown>; onReadyHost?: string | null } = {},
): FakeOffice {
  const log: string[] = [];
  const settings = new FakeSettings(log, options.settings);
  const calculate = jest.fn((type: string) => {
    if (workbook.calculateFails !== undefined) throw new Error(workbook.calculateFails);
    log.push(`calculate ${type}`);
  });
  const tableLoads: unknown[] = [];
  const tables = workbook.tables ?? [];
  const empty: Cells = { address: workbook.selection.address, values: [[""]] };

  const excel = new OfficeMockObject({
    context: {
      workbook: {
        selection: {
          address: workbook.selection.address,
          cellCount: workbook.selection.cellCount,
          region: workbook.region ?? empty,
          used: workbook.used ?? empty,
          getTables(this: AnyMock) {
            return tableCollection;
          },
          getSurroundingRegion(this: AnyMock) {
            return this.region;
          },
          getUsedRangeOrNullObject(this: AnyMock) {
            return this.used;
          },
        },
        tableRanges: Object.fromEntries(tables.map((t, i) => [`t${i}`, { address: t.address, values: t.values }])),
        getSelectedRange(this: AnyMock) {
          return this.selection;
        },
        application: { calculate },
      },
    },
    async run(this: AnyMock, batch: (context: unknown) => Promise<unknown>) {
      return batch(this.context);
    },
  }) as unknown as ExcelMock;

  // Table collections load "items/name", a path office-addin-mock cannot follow into an array,
  // so this collection is written by hand; the table ranges it hands out are mock objects.
  const tableCollection = {
    items: tables.map((t, i) => ({ name: t.name, getRange: () => excel.context.workbook.tableRanges[`t${i}`] })),
    load(arg: unknown) {
      tableLoads.push(arg);
      return tableCollection;
    },
  };
  // `isNullObject` needs no load in Office.js, so it is a plain property here.
  excel.context.workbook.selection.used.isNullObject = workbook.used === null;
  excel.CalculationType = { full: "Full" };

  const sync = jest.spyOn(excel.context, "sync");
  const run = jest.spyOn(excel, "run");

  const office = {
    HostType: { Excel: "Excel", Word: "Word" },
    AsyncResultStatus: { Succeeded: "succeeded", Failed: "failed" },
    context: { document: { settings } },
    onReady: jest.fn(async () => ({ host: options.onReadyHost === undefined ? "Excel" : options.onReadyHost, platform: null })),
  };

  const g = globalThis as Record<string, unknown>;
  g.Office = office;
  g.Excel = excel;
  const onChanged = () => log.push("pinned pack changed");
  window.addEventListener("svl:pinned-pack-changed", onChanged);

  return {
    settings,
    log,
    sync,
    run,
    calculate,
    tableLoads,
    uninstall() {
      window.removeEventListener("svl:pinned-pack-changed", onChanged);
      delete g.Office;
      delete g.Excel;
    },
  };
}

interface ExcelMock {
  context: {
    sync(): Promise<void>;
    workbook: {
      selection: { used: { isNullObject: boolean } };
      tableRanges: Record<string, unknown>;
    };
  };
  run(batch: (context: unknown) => Promise<unknown>): Promise<unknown>;
  CalculationType: { full: string };
}

/** A measures table in the TOMs calculator's layout. Values are invented for tests. */
export const MEASURES_TABLE: unknown[][] = [
  ["Ref", "Theme", "Outcome", "Measure", "Units", "Proxy Value (£)"],
  ["LJ1", "Jobs", "Local employment", "Local people employed on the contract (FTE)", "FTE", "£21,500.00"],
  ["LJ2", "", "", "Apprenticeship weeks on the contract", "weeks", 230],
  ["LJ3", "", "Better skills", "Careers talks for pupils (hours × attendees)", "hours × attendees", 11.5],
  ["LG1", "Growth", "Local spend", "Spend with local small firms", "£", 0.2],
  ["LG2", "", "", "Staff paid the real Living Wage", "FTE", "n/a"],
  ["LS1", "Social", "Volunteering", "Staff volunteering hours", "hours", 15],
  ["LE1", "Environment", "Lower emissions", "Carbon saved", "tonnes CO2e", 250],
];

/** The same layout with four problems (rows as numbered inside the table, header = row 1). */
export const BROKEN_MEASURES_TABLE: unknown[][] = [
  ["Ref", "Theme", "Outcome", "Measure", "Units", "Proxy Value (£)"],
  ["LJ1", "Jobs", "Local employment", "Local people employed (FTE)", "FTE", "£21,500.00"],
  ["LJ2", "", "", "Apprenticeship weeks", "weeks", "abc"],
  ["LJ3", "", "", "Careers talks", "", 10],
  ["LG1", "Growth", "Local spend", "Spend with local small firms", "£", -0.2],
  ["LJ1", "Social", "Volunteering", "Volunteering hours", "hours", 14],
];
