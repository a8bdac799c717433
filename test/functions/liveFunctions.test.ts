import { workbook } from "./setupExcel";
import * as toms from "../../functions/functions";
import { SIGN_IN_MESSAGE } from "../../functions/apiBatch";
import { API_SESSION_EVENT } from "../../shared";
import { fakeFetch, never, session } from "./liveSupport";
import { ERROR_CODES, excelErrorOf } from "./standIns";

/*
 * TOMS.DELIVERED and TOMS.OVERDUE as Excel calls them: the session comes from the task pane through
 * the page's window, requests go through the page's fetch (replaced here by a fake function).
 */

const realFetch = globalThis.fetch;
const calculations: string[] = [];
let excelFails: Error | undefined;

beforeAll(() => {
  // Excel as the recalculation after sign-in needs it.
  const context = { workbook: { application: { calculate: (type: string) => calculations.push(type) } }, sync: async () => undefined };
  const run = async (batch: (c: typeof context) => Promise<void>) => {
    if (excelFails) throw excelFails;
    return batch(context);
  };
  Object.assign(globalThis, { Excel: { CalculationType: { full: "Full" }, run } });
});

afterEach(() => {
  globalThis.fetch = realFetch;
  jest.useRealTimers();
});

function useFakeApi(reply?: Parameters<typeof fakeFetch>[0]) {
  const api = fakeFetch(reply);
  globalThis.fetch = api.fetch as unknown as typeof fetch;
  return api;
}

const signIn = () => workbook.window.dispatchEvent(new CustomEvent(API_SESSION_EVENT, { detail: session() }));
const signOut = () => workbook.window.dispatchEvent(new CustomEvent(API_SESSION_EVENT, { detail: null }));

test("before sign-in both functions are #N/A asking to sign in from the task pane, at once", async () => {
  const api = useFakeApi();
  for (const call of [() => toms.delivered("C-1"), () => toms.overdue("C-1")]) {
    const error = await excelErrorOf(call);
    expect(error.code).toBe(ERROR_CODES.notAvailable);
    expect(error.message).toBe(SIGN_IN_MESSAGE);
  }
  expect(api.requests).toHaveLength(0);
});

test("signing in recalculates the workbook so those cells ask again, then they answer", async () => {
  const api = useFakeApi();
  signIn();
  await new Promise((resolve) => setImmediate(resolve));
  expect(calculations).toEqual(["Full"]);

  await expect(Promise.all([toms.delivered("C-12"), toms.delivered("C-12", "J1"), toms.overdue("C-3")])).resolves.toEqual([12, 12.5, 3]);
  expect(api.requests).toHaveLength(1);
  expect(api.requests[0]?.headers.authorization).toBe("Bearer token-1");

  // A new session with no refused cells in between needs no recalculation.
  signIn();
  expect(calculations).toEqual(["Full"]);
});

test("arguments: a reference or code typed as a number is text; a blank code means every measure", async () => {
  const api = useFakeApi();
  signIn();
  await Promise.allSettled([toms.delivered(1001 as unknown as string, 12 as unknown as string), toms.delivered("C-5", null as unknown as string), toms.overdue(" C-5 ")]);
  expect(api.requests.at(-1)?.queries).toEqual([
    { kind: "delivered", contract: "1001", code: "12" },
    { kind: "delivered", contract: "C-5" },
    { kind: "overdue", contract: "C-5" },
  ]);
});

test("no contract is #VALUE! asking for one", async () => {
  signIn();
  const error = await excelErrorOf(() => toms.overdue(null as unknown as string));
  expect(error.code).toBe(ERROR_CODES.invalidValue);
  expect(error.message).toBe("Give a contract reference, e.g. C-1001.");
});

test("by default a request that never answers ends, after 15 seconds, as #N/A in every cell", async () => {
  jest.useFakeTimers();
  useFakeApi(() => never());
  signIn();
  const cells = [toms.delivered("C-1"), toms.overdue("C-1")].map((cell) => excelErrorOf(() => cell));
  await jest.advanceTimersByTimeAsync(50 + 14_999);
  let settled = false;
  void Promise.all(cells).then(() => (settled = true));
  await jest.advanceTimersByTimeAsync(0);
  expect(settled).toBe(false);
  await jest.advanceTimersByTimeAsync(1);
  for (const error of await Promise.all(cells)) {
    expect(error.code).toBe(ERROR_CODES.notAvailable);
    expect(error.message).toBe("The Social Value Ledger API did not answer within 15 s. Recalculate (Ctrl+Alt+F9) to try again.");
  }
});

test("after sign-out the functions ask to sign in again", async () => {
  signOut();
  expect((await excelErrorOf(() => toms.overdue("C-1"))).message).toBe(SIGN_IN_MESSAGE);
});

test("when Excel cannot recalculate after sign-in, the console says how to refresh by hand", async () => {
  signOut();
  await excelErrorOf(() => toms.overdue("C-1"));
  excelFails = new Error("Calculation is suspended.");
  const logged = jest.spyOn(console, "error").mockImplementation(() => undefined);
  try {
    signIn();
    await new Promise((resolve) => setImmediate(resolve));
    expect(logged).toHaveBeenCalledWith("Excel could not recalculate after sign-in; press Ctrl+Alt+F9 to refresh the TOMS formulas.", excelFails);
  } finally {
    logged.mockRestore();
    excelFails = undefined;
  }
});
