import "./setupExcel";
import { API_SESSION_EVENT, API_SESSION_GLOBAL, ValuesBatchRequestSchema } from "../../shared";
import type { ApiSession } from "../../shared";
import { LiveValues, LiveValuesOptions, SIGN_IN_AGAIN_MESSAGE, SIGN_IN_MESSAGE, followApiSession } from "../../functions/apiBatch";
import { answerFor, fakeFetch, never, ok, session } from "./liveSupport";
import { CustomFunctionsError, ERROR_CODES, excelErrorOf } from "./standIns";

/*
 * The batching client behind TOMS.DELIVERED and TOMS.OVERDUE, with a fake fetch: how many requests
 * a recalculation makes, which answer reaches which cell, and that every cell settles.
 */

function live(fetch: LiveValuesOptions["fetch"], options: Partial<LiveValuesOptions> = {}): LiveValues {
  const signedIn = session();
  return new LiveValues({ session: () => signedIn, fetch, batchWindowMs: 5, ...options });
}

const delivered = (contract: string, code?: string) => ({ kind: "delivered", contract, ...(code ? { code } : {}) });
const overdue = (contract: string) => ({ kind: "overdue", contract });

/** What each cell ended with: its number, or its Excel error as "code message". */
async function outcomes(cells: Promise<number>[]): Promise<(number | string)[]> {
  const settled = await Promise.allSettled(cells);
  return settled.map((s) => {
    if (s.status === "fulfilled") return s.value;
    if (s.reason instanceof CustomFunctionsError) return `${s.reason.code} ${s.reason.message}`;
    throw s.reason;
  });
}

describe("one request per recalculation", () => {
  test("200 cells calculated together make one request, and each gets its own answer", async () => {
    const api = fakeFetch();
    const client = live(api.fetch);
    const cells = Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? client.ask(delivered(`C-${i}`)) : client.ask(overdue(`C-${i}`))));
    expect(await Promise.all(cells)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(api.requests).toHaveLength(1);
    expect(api.requests[0]?.queries).toHaveLength(200);
  });

  test("the request is a POST to <apiBaseUrl>/values/batch with the session's bearer token and a valid body", async () => {
    const api = fakeFetch();
    await live(api.fetch).ask(delivered("C-7", "J1"));
    const [request] = api.requests;
    expect(request?.url).toBe("https://api.example.gov.uk/api/values/batch");
    expect(request?.method).toBe("POST");
    expect(request?.headers).toMatchObject({ authorization: "Bearer token-1", "content-type": "application/json" });
    expect(ValuesBatchRequestSchema.safeParse({ queries: request?.queries }).success).toBe(true);
    expect(request?.queries).toEqual([{ kind: "delivered", contract: "C-7", code: "J1" }]);
  });

  test("answers are matched to cells by index, whatever order the API computes them in", async () => {
    // The fake answers late for early queries: only the position in the list counts.
    const api = fakeFetch(async (r) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return ok(r.queries.map(answerFor));
    });
    const client = live(api.fetch);
    const cells = [client.ask(delivered("C-3")), client.ask(delivered("C-1", "J1")), client.ask(overdue("C-2")), client.ask(delivered("C-1"))];
    expect(await Promise.all(cells)).toEqual([3, 1.5, 2, 1]);
  });

  test("more than 500 different look-ups are split into requests of at most 500, sent together", async () => {
    const api = fakeFetch();
    const client = live(api.fetch);
    const cells = Array.from({ length: 1201 }, (_, i) => client.ask(overdue(`C-${i}`)));
    expect(await Promise.all(cells)).toEqual(Array.from({ length: 1201 }, (_, i) => i));
    expect(api.requests.map((r) => r.queries.length)).toEqual([500, 500, 201]);
  });

  test("cells asking the same thing are asked once and all answered", async () => {
    const api = fakeFetch();
    const client = live(api.fetch);
    const cells = [...Array.from({ length: 300 }, () => client.ask(delivered("C-9"))), client.ask(delivered(" C-9 ")), client.ask(overdue("C-9"))];
    expect(new Set(await Promise.all(cells))).toEqual(new Set([9]));
    expect(api.requests[0]?.queries).toEqual([delivered("C-9"), overdue("C-9")]);
  });

  test("calls a while apart are separate recalculations: one request each", async () => {
    const api = fakeFetch();
    const client = live(api.fetch);
    await client.ask(overdue("C-1"));
    await Promise.all([client.ask(overdue("C-2")), client.ask(overdue("C-3"))]);
    expect(api.requests.map((r) => r.queries.length)).toEqual([1, 2]);
  });
});

describe("every pending cell settles when the request fails", () => {
  const burst = (client: LiveValues) => [client.ask(delivered("C-1")), client.ask(overdue("C-2")), client.ask(delivered("C-3", "E1"))];

  test("a network error: every cell is #N/A saying the API could not be reached", async () => {
    const client = live(async () => {
      throw new TypeError("Failed to fetch");
    });
    expect(await outcomes(burst(client))).toEqual(
      Array(3).fill("#N/A Could not reach the Social Value Ledger API (Failed to fetch). Check the connection, then recalculate (Ctrl+Alt+F9)."),
    );
  });

  test("a timeout: the request is aborted and every cell is #N/A, even if fetch ignores the abort", async () => {
    const api = fakeFetch(() => never());
    const client = live(api.fetch, { timeoutMs: 30 });
    expect(await outcomes(burst(client))).toEqual(
      Array(3).fill("#N/A The Social Value Ledger API did not answer within 0.03 s. Recalculate (Ctrl+Alt+F9) to try again."),
    );
    expect(api.requests[0]?.signal.aborted).toBe(true);
  });

  test("a token that never comes counts against the same deadline", async () => {
    const client = new LiveValues({ session: () => session(() => never()), fetch: fakeFetch().fetch, batchWindowMs: 1, timeoutMs: 20 });
    expect(await outcomes([client.ask(overdue("C-1"))])).toEqual(["#N/A The Social Value Ledger API did not answer within 0.02 s. Recalculate (Ctrl+Alt+F9) to try again."]);
  });

  test("a 500 with an API error body: every cell is #N/A with the API's message", async () => {
    const client = live(fakeFetch(() => ({ status: 500, body: JSON.stringify({ error: { code: "internal", message: "Storage is unreachable." } }) })).fetch);
    expect(await outcomes(burst(client))).toEqual(
      Array(3).fill("#N/A The Social Value Ledger API failed (500): Storage is unreachable. Recalculate (Ctrl+Alt+F9) to try again."),
    );
  });

  test("a 502 from a gateway with an HTML page: every cell is #N/A with the status", async () => {
    const client = live(fakeFetch(() => ({ status: 502, body: "<html>Bad gateway</html>" })).fetch);
    expect(await outcomes(burst(client))).toEqual(Array(3).fill("#N/A The Social Value Ledger API failed (502). Recalculate (Ctrl+Alt+F9) to try again."));
  });

  test("a 403: the cells say the account lacks the role", async () => {
    const client = live(fakeFetch(() => ({ status: 403, body: "" })).fetch);
    expect(await outcomes([client.ask(overdue("C-1"))])).toEqual(["#N/A The Social Value Ledger API refused the look-up (403): your account does not have the Officer role."]);
  });

  test("an answer that is not JSON: every cell is #N/A", async () => {
    const client = live(fakeFetch(() => ({ status: 200, body: "<!doctype html>" })).fetch);
    expect(await outcomes(burst(client))).toEqual(
      Array(3).fill("#N/A The Social Value Ledger API answered with something that is not JSON (<!doctype html>)."),
    );
  });

  test("JSON in the wrong shape, or too few answers: every cell is #N/A", async () => {
    const wrongShape = live(fakeFetch(() => ({ status: 200, body: JSON.stringify({ values: [1, 2, 3] }) })).fetch);
    expect(await outcomes(burst(wrongShape))).toEqual(
      Array(3).fill("#N/A The Social Value Ledger API's answer is not in the form the add-in expects; the add-in and the API may be different versions."),
    );
    const tooFew = live(fakeFetch((r) => ok(r.queries.slice(1).map(answerFor))).fetch);
    expect(await outcomes(burst(tooFew))).toEqual(Array(3).fill("#N/A The Social Value Ledger API answered 2 look-ups of 3; recalculate (Ctrl+Alt+F9) to try again."));
  });

  test("a 401: every cell asks the officer to sign in again, and a recalculation is wanted after sign-in", async () => {
    const client = live(fakeFetch(() => ({ status: 401, body: JSON.stringify({ error: { code: "unauthorised", message: "Token expired" } }) })).fetch);
    expect(await outcomes(burst(client))).toEqual(Array(3).fill(`#N/A ${SIGN_IN_AGAIN_MESSAGE}`));
    expect(client.takeSignInRefusals()).toBe(true);
    expect(client.takeSignInRefusals()).toBe(false);
  });

  test("a token the session cannot give: every cell asks to sign in again, with the reason", async () => {
    const api = fakeFetch();
    const client = new LiveValues({
      session: () =>
        session(async () => {
          throw new Error("interaction_required");
        }),
      fetch: api.fetch,
      batchWindowMs: 1,
    });
    expect(await outcomes([client.ask(overdue("C-1"))])).toEqual([`#N/A ${SIGN_IN_AGAIN_MESSAGE} (interaction_required)`]);
    expect(api.requests).toHaveLength(0);
  });

  test("after a failure the next recalculation asks again", async () => {
    let fail = true;
    const client = live(
      fakeFetch((r) => {
        if (fail) return { status: 503, body: "" };
        return ok(r.queries.map(answerFor));
      }).fetch,
    );
    expect((await excelErrorOf(() => client.ask(overdue("C-4")))).code).toBe(ERROR_CODES.notAvailable);
    fail = false;
    await expect(client.ask(overdue("C-4"))).resolves.toBe(4);
  });
});

describe("one cell's problem stays in that cell", () => {
  test("an unknown contract is #VALUE! with the API's message; the other cells get their numbers", async () => {
    const client = live(
      fakeFetch((r) =>
        ok(
          r.queries.map((q) =>
            q.kind === "delivered" && q.code === "G3"
              ? { ok: false, error: { code: "not-valued", message: "Measure G3 is record-only in example 2026-illustrative: it is recorded, not valued in £." } }
              : answerFor(q),
          ),
        ),
      ).fetch,
    );
    expect(await outcomes([client.ask(delivered("C-1")), client.ask(overdue("nope")), client.ask(delivered("C-2", "G3")), client.ask(overdue("C-5"))])).toEqual([
      1,
      // References are read upper case without spaces, as the API keeps them.
      "#VALUE! There is no contract NOPE.",
      "#N/A Measure G3 is record-only in example 2026-illustrative: it is recorded, not valued in £.",
      5,
    ]);
  });

  test("an argument the API would refuse is #VALUE! at once and never sent, so it cannot spoil the batch", async () => {
    const api = fakeFetch();
    const client = live(api.fetch);
    expect(await outcomes([client.ask(delivered("C/1001")), client.ask(delivered("C-2", " ")), client.ask(overdue("C-3"))])).toEqual([
      "#VALUE! \"C/1001\" is not a contract reference: a contract reference is letters, digits, '-', '_' or '.', e.g. C-1001.",
      '#VALUE! " " is not a measure code.',
      3,
    ]);
    expect(api.requests.map((r) => r.queries)).toEqual([[overdue("C-3")]]);
  });
});

describe("signing in", () => {
  test("with no session every cell is #N/A asking to sign in, at once and without a request", async () => {
    const api = fakeFetch();
    const client = new LiveValues({ session: () => undefined, fetch: api.fetch, batchWindowMs: 60_000 });
    // The window is a minute long: only an immediate answer can settle within the test.
    expect(await outcomes([client.ask(overdue("C-1")), client.ask(delivered("C-1"))])).toEqual([`#N/A ${SIGN_IN_MESSAGE}`, `#N/A ${SIGN_IN_MESSAGE}`]);
    expect(api.requests).toHaveLength(0);
    expect(client.takeSignInRefusals()).toBe(true);
  });

  test("signing out while calls are collected answers them with the sign-in message", async () => {
    let current: ApiSession | undefined = session();
    const api = fakeFetch();
    const client = new LiveValues({ session: () => current, fetch: api.fetch, batchWindowMs: 5 });
    const cell = client.ask(overdue("C-1"));
    current = undefined;
    expect(await outcomes([cell])).toEqual([`#N/A ${SIGN_IN_MESSAGE}`]);
    expect(api.requests).toHaveLength(0);
  });

  test("the session is the one on window when the functions load, then whatever the task pane announces", () => {
    const page = new EventTarget();
    const first = session();
    Object.assign(page, { [API_SESSION_GLOBAL]: first });
    const changes: (ApiSession | undefined)[] = [];
    const current = followApiSession(page, (s) => changes.push(s));
    expect(current()).toBe(first);

    const second = session(async () => "token-2");
    page.dispatchEvent(new CustomEvent(API_SESSION_EVENT, { detail: second }));
    expect(current()).toBe(second);
    page.dispatchEvent(new CustomEvent(API_SESSION_EVENT, { detail: null }));
    expect(current()).toBeUndefined();
    page.dispatchEvent(new CustomEvent(API_SESSION_EVENT, { detail: { apiBaseUrl: "", getAccessToken: "not a function" } }));
    expect(current()).toBeUndefined();
    expect(changes).toEqual([second, undefined, undefined]);
  });

  test("nothing on window means not signed in", () => {
    expect(followApiSession(new EventTarget())()).toBeUndefined();
  });
});
