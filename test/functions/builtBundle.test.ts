import { createContext, runInContext } from "node:vm";
import { API_SESSION_GLOBAL, EXAMPLE_PACK, PINNED_PACK_CHANGED_EVENT, PINNED_PACK_SETTING, serialisePinnedPack } from "../../shared";
import type { ValueQuery } from "../../shared";
import { FUNCTION_IDS, readDist } from "./dist";
import { measuresRange } from "./fixtures";
import { CustomFunctionsError, customFunctionsStandIn, ERROR_CODES, Registered } from "./standIns";

/*
 * Loads the BUILT dist/functions.js the way Excel's shared runtime does: a page where office.js has
 * defined CustomFunctions and Office, then the script runs and registers each function by id
 * with CustomFunctions.associate. Then calls every function by its id, as a formula would.
 */

interface Page {
  registrations: Map<string, Registered>;
  settings: Map<string, unknown>;
  window: EventTarget;
}

/** Requests the live functions sent, each as the list of queries in its body. */
const apiRequests: ValueQuery[][] = [];

/** Stands in for the API behind the session: C-1001 delivered £1,250 (£250 of it J1), 3 items overdue. */
async function fakeApi(_url: string, init: { body: string }): Promise<Response> {
  const { queries } = JSON.parse(init.body) as { queries: ValueQuery[] };
  apiRequests.push(queries);
  const answers = queries.map((q) =>
    q.contract !== "C-1001"
      ? { ok: false, error: { code: "unknown-contract", message: `There is no contract ${q.contract}.` } }
      : { ok: true, value: q.kind === "overdue" ? 3 : q.code === "J1" ? 250 : 1250 },
  );
  return new Response(JSON.stringify({ answers }), { status: 200, headers: { "content-type": "application/json" } });
}

function loadFunctionsScript(settings: Record<string, unknown> = {}): Page {
  const script = readDist("functions.js");
  const { global: customFunctions, registrations } = customFunctionsStandIn();
  const store = new Map<string, unknown>(Object.entries(settings));
  // The task pane signed in before the functions loaded (the same page in Excel's shared runtime).
  const window = Object.assign(new EventTarget(), {
    [API_SESSION_GLOBAL]: { apiBaseUrl: "https://api.example.gov.uk/api", getAccessToken: async () => "token" },
  });
  const office = {
    onReady: async () => ({ host: "Excel", platform: "OfficeOnline" }),
    context: { document: { settings: { get: (name: string) => (store.has(name) ? store.get(name) : null) } } },
  };
  // Excel's runtime is a browser page: timers, fetch and AbortController are there.
  const page = createContext({ CustomFunctions: customFunctions, Office: office, window, console, fetch: fakeApi, AbortController, setTimeout, clearTimeout });
  runInContext(script, page, { filename: "dist/functions.js" });
  return { registrations, settings: store, window };
}

/** Calls a registered function by id the way Excel does: every argument given, omitted ones as null. */
async function call(page: Page, id: string, ...args: unknown[]): Promise<unknown> {
  const fn = page.registrations.get(id);
  if (!fn) throw new Error(`${id} is not registered`);
  // JSON round trip: values and arrays made inside the page's realm compare as plain data.
  const result = await fn(...args);
  return JSON.parse(JSON.stringify(result)) as unknown;
}

async function errorOf(page: Page, id: string, ...args: unknown[]): Promise<CustomFunctionsError> {
  try {
    await page.registrations.get(id)?.(...args);
  } catch (error) {
    if (error instanceof CustomFunctionsError) return error;
    throw error;
  }
  throw new Error(`${id} returned a value; an Excel error was expected`);
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

let page: Page;

beforeAll(async () => {
  page = loadFunctionsScript();
  await settled();
});

test("registers every function in functions.json by its id, and nothing else", () => {
  const metadata = JSON.parse(readDist("functions.json")) as { functions: { id: string }[] };
  expect([...page.registrations.keys()].sort()).toEqual([...FUNCTION_IDS].sort());
  expect(metadata.functions.map((f) => f.id).sort()).toEqual([...FUNCTION_IDS].sort());
});

test("every function answers when called by its id", async () => {
  const range = measuresRange();
  const answers: Record<(typeof FUNCTION_IDS)[number], [unknown[], unknown]> = {
    PROXY: [["J1", null], 25000],
    VALUE: [["J1", 2, null], 50000],
    UNIT: [["NT31", range], "tonnes CO2e"],
    DESCRIPTION: [["E3", null], "Waste diverted from landfill"],
    THEME: [["NT3", range], "Jobs"],
    TOTAL: [[[["J1"], [""], ["S2"]], [[1], [null], [100]], null], 25100],
    BYTHEME: [[[["NT1"]], [[2]], range], [["Jobs", 60000], ["Growth", 0], ["Environment", 0]]],
    MEASURES: [["Growth", range], [["Code", "Theme", "Outcome", "Measure", "Units", "Valuation", "Proxy Value (£)"], ["NT14", "Growth", "Fair work", "Staff paid the real Living Wage", "no. staff", "record-only", ""]]],
    RATIO: [[50000, 1000000], 0.05],
    PV: [[[[1000]], null], 1000],
    SCORE: [[30, [[60], [30]], 10], 5],
    EXPECTED: [[100, "2026-01-01", "2026-01-11", "2026-01-06"], 50],
    PACK: [[null], "example 2026-illustrative"],
    WARNINGS: [[range], "row 5: skipped: blank row 5"],
    DELIVERED: [["C-1001", "J1"], 250],
    OVERDUE: [["C-1001"], 3],
    KPIRATING: [[[["KPI", "Latest rating"], ["KPI-1", "Good"]], "KPI-1"], "Good"],
  };
  for (const id of FUNCTION_IDS) {
    const [args, expected] = answers[id];
    await expect(call(page, id, ...args)).resolves.toEqual(expected);
  }
});

test("the live functions called together go to the API in one request", async () => {
  apiRequests.length = 0;
  const cells = [call(page, "DELIVERED", "C-1001", null), call(page, "OVERDUE", "C-1001"), call(page, "DELIVERED", "C-1001", "J1")];
  await expect(Promise.all(cells)).resolves.toEqual([1250, 3, 250]);
  expect(apiRequests).toEqual([
    [
      { kind: "delivered", contract: "C-1001" },
      { kind: "overdue", contract: "C-1001" },
      { kind: "delivered", contract: "C-1001", code: "J1" },
    ],
  ]);
  expect(await errorOf(page, "OVERDUE", "C-9")).toMatchObject({ code: ERROR_CODES.invalidValue, message: "There is no contract C-9." });
});

test("errors reach Excel as CustomFunctions.Error with the right code and message", async () => {
  expect(await errorOf(page, "VALUE", "NT99", 1, null)).toMatchObject({
    code: ERROR_CODES.invalidValue,
    message: 'Measure "NT99" is not in pack example 2026-illustrative.',
  });
  expect((await errorOf(page, "VALUE", "G3", 1, null)).code).toBe(ERROR_CODES.notAvailable);
  expect((await errorOf(page, "VALUE", "J1", -1, null)).code).toBe(ERROR_CODES.invalidNumber);
  expect((await errorOf(page, "TOTAL", [["J1"], ["J2"]], [[1]], null)).message).toBe("codes is 2×1 but quantities is 1×1; they must be the same size.");
  expect((await errorOf(page, "PROXY", "NT1", [["nothing", "here"]])).code).toBe(ERROR_CODES.invalidValue);
  expect((await errorOf(page, "RATIO", 1, 0)).code).toBe(ERROR_CODES.invalidValue);
});

test("uses the workbook's pinned pack and follows the task pane's change event", async () => {
  const pinned = loadFunctionsScript({ [PINNED_PACK_SETTING]: serialisePinnedPack({ ...EXAMPLE_PACK, id: "council", edition: "2026" }) });
  await expect(call(pinned, "PACK", null)).resolves.toBe("council 2026");

  pinned.settings.set(PINNED_PACK_SETTING, "{damaged");
  pinned.window.dispatchEvent(new Event(PINNED_PACK_CHANGED_EVENT));
  expect((await errorOf(pinned, "PROXY", "J1", null)).message).toBe("The workbook's pinned pack is damaged (not JSON); pin a pack again from the task pane");

  pinned.settings.delete(PINNED_PACK_SETTING);
  pinned.window.dispatchEvent(new Event(PINNED_PACK_CHANGED_EVENT));
  await expect(call(pinned, "PACK", null)).resolves.toBe("example 2026-illustrative");
});

describe("when Office.js could not load (offline, or blocked)", () => {
  function loadWithout(globals: { customFunctions: boolean }) {
    const errors: unknown[][] = [];
    const quietConsole = { ...console, error: (...args: unknown[]) => errors.push(args) };
    const { global: customFunctions, registrations } = customFunctionsStandIn();
    const window = new EventTarget();
    const page = createContext({
      ...(globals.customFunctions ? { CustomFunctions: customFunctions } : {}),
      window,
      console: quietConsole,
      fetch: fakeApi,
      AbortController,
      setTimeout,
      clearTimeout,
    });
    runInContext(readDist("functions.js"), page, { filename: "dist/functions.js" });
    return { errors, registrations };
  }

  test("the bundle still loads, and says once on the console why the functions cannot work", () => {
    const { errors } = loadWithout({ customFunctions: false });
    expect(errors).toHaveLength(1);
    expect(String(errors[0]?.[0])).toBe(
      "Social Value Ledger: Office.js did not load (from appsforoffice.microsoft.com); check the connection, then reload the add-in. Until then the TOMS functions cannot reach the workbook and answer #N/A.",
    );
  });

  test("functions that need the workbook answer #N/A with the reason; those given their own measures still answer", async () => {
    const { errors, registrations } = loadWithout({ customFunctions: true });
    expect(errors).toHaveLength(1);
    const answer = Promise.resolve().then(() => registrations.get("PROXY")?.("J1", null));
    await expect(answer).rejects.toBeInstanceOf(CustomFunctionsError);
    await expect(answer).rejects.toMatchObject({
      code: ERROR_CODES.notAvailable,
      message: "Could not read the workbook's pinned pack: Office.js did not load (from appsforoffice.microsoft.com); check the connection, then reload the add-in.",
    });
    await expect(Promise.resolve(registrations.get("UNIT")?.("NT31", measuresRange()))).resolves.toBe("tonnes CO2e");
  });
});
