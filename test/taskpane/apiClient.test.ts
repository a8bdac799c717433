/** @jest-environment jsdom */
import { EXAMPLE_PACK, addDays } from "../../shared";
import { ApiClient, ApiProblem, createApiClient } from "../../taskpane/apiClient";
import type { FetchLike } from "../../taskpane/apiClient";
import { FakeApi, TODAY, contractDetail, contributionDetail, fakeToken, reference } from "./support/fakeApi";

function client(api: FakeApi, options: { roles?: ("Officer" | "Manager")[]; fetch?: FetchLike; timeoutMs?: number; onSignInRefused?: (p: ApiProblem) => void } = {}): ApiClient {
  return createApiClient({
    baseUrl: api.baseUrl,
    getAccessToken: async () => fakeToken(options.roles ?? ["Officer"]),
    fetch: options.fetch ?? api.fetch,
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.onSignInRefused ? { onSignInRefused: options.onSignInRefused } : {}),
  });
}

async function problemOf(promise: Promise<unknown>): Promise<ApiProblem> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApiProblem) return err;
    throw err;
  }
  throw new Error("expected an ApiProblem");
}

describe("paging", () => {
  test("every page of contracts is loaded by following continuation tokens, with progress", async () => {
    const api = new FakeApi();
    api.contracts = ["C-1", "C-2", "C-3", "C-4", "C-5"].map((id) => contractDetail({ id }));
    api.pageSize = 2;
    const progress: [number, number][] = [];
    const contracts = await client(api).listContracts({ onProgress: (loaded, pages) => progress.push([loaded, pages]) });

    expect(contracts.map((c) => c.id)).toEqual(["C-1", "C-2", "C-3", "C-4", "C-5"]);
    expect(progress).toEqual([
      [2, 1],
      [4, 2],
      [5, 3],
    ]);
    const tokens = api.requestsTo("GET", "contracts").map((r) => r.query.get("continuationToken"));
    expect(tokens[0]).toBeNull();
    expect(tokens.slice(1).every((t) => typeof t === "string" && t.length > 0)).toBe(true);
    // Contracts carry no commitments in the list; the schema would refuse them if they did.
    expect("commitments" in (contracts[0] ?? {})).toBe(false);
  });

  test("contributions are asked for with the filters and the largest page, page after page", async () => {
    const api = new FakeApi();
    api.addContributions(
      ...Array.from({ length: 2500 }, (_, i) => contributionDetail(i, { supplier: i % 2 ? "Acme Build Ltd" : "Brightway Civils", evidenceStatus: "missing", evidenceDueDate: addDays(TODAY, -3) })),
    );
    const items = await client(api).listContributions({ contractId: "C-1001", status: "missing", supplier: "acme  build ltd", overdue: true });

    expect(items).toHaveLength(1250);
    const requests = api.requestsTo("GET", "contributions");
    expect(requests).toHaveLength(2);
    expect(Object.fromEntries(requests[0]?.query ?? [])).toEqual({ contractId: "C-1001", status: "missing", supplier: "acme  build ltd", overdue: "true", pageSize: "1000" });
    expect(requests[1]?.query.get("continuationToken")).toBeTruthy();
  });

  test("a continuation token sent twice stops the loading instead of looping for ever", async () => {
    const api = new FakeApi();
    const page = JSON.stringify({ items: [{ ...contractDetail(), commitments: undefined }], continuationToken: "same" });
    const loop: FetchLike = async () => ({ status: 200, statusText: "OK", headers: { get: () => null }, text: async () => page });
    const problem = await problemOf(client(api, { fetch: loop }).listContracts());
    expect(problem.code).toBe("paging-loop");
  });
});

describe("answers are checked with the shared schemas", () => {
  test("an answer of the wrong shape is refused with the field paths that differ", async () => {
    const api = new FakeApi();
    const broken: FetchLike = async () => ({
      status: 200,
      statusText: "OK",
      headers: { get: () => null },
      text: async () => JSON.stringify({ items: [{ ...contractDetail(), commitments: undefined, value: "12 million" }] }),
    });
    const problem = await problemOf(client(api, { fetch: broken }).listContracts());
    expect(problem.kind).toBe("invalid-response");
    expect(problem.details).toContainEqual({ path: ["items", 0, "value"], message: expect.stringContaining("number") });
    expect(problem.message).toMatch(/^The API's answer to GET \/contracts is not what this add-in expects \(items\.0\.value: /);
    expect(problem.message).toContain("different versions");
  });

  test("a page that is not JSON says to check the API address", async () => {
    const html: FetchLike = async () => ({ status: 200, statusText: "OK", headers: { get: () => "text/html" }, text: async () => "<!doctype html><p>Welcome</p>" });
    const problem = await problemOf(client(new FakeApi(), { fetch: html }).listPacks());
    expect(problem.kind).toBe("invalid-response");
    expect(problem.message).toContain("SVL_API_BASE_URL");
  });

  test("a contribution without an ETag is refused, since it could not be reviewed safely", async () => {
    const api = new FakeApi();
    api.addContributions(contributionDetail(1));
    const noEtag: FetchLike = async (url, init) => {
      const answer = await api.fetch(url, init);
      return { ...answer, headers: { get: () => null } };
    };
    const problem = await problemOf(client(api, { fetch: noEtag }).getContribution(reference(1)));
    expect(problem.code).toBe("missing-etag");
    expect(problem.message).toContain("Access-Control-Expose-Headers");
  });

  test("values answers must line up with the questions", async () => {
    const api = new FakeApi();
    const short: FetchLike = async () => ({ status: 200, statusText: "OK", headers: { get: () => null }, text: async () => JSON.stringify({ answers: [{ ok: true, value: 1 }] }) });
    const problem = await problemOf(
      client(api, { fetch: short }).values([
        { kind: "overdue", contract: "C-1001" },
        { kind: "delivered", contract: "C-1001" },
      ]),
    );
    expect(problem.code).toBe("misaligned-answers");
    await expect(client(api).values([{ kind: "overdue", contract: "C-404" }])).resolves.toEqual([{ ok: false, error: { code: "unknown-contract", message: "There is no contract C-404." } }]);
  });
});

describe("refusals", () => {
  test("a 400 keeps the API's message and every field path", async () => {
    const problem = await problemOf(
      client(new FakeApi()).putCommitments("C-1001", [
        { measureCode: "J1", quantity: 10 },
        { measureCode: "ZZ9", quantity: 1 },
      ]),
    );
    expect(problem).toMatchObject({ kind: "http", status: 400, code: "invalid-request" });
    expect(problem.message).toBe("The commitments name measures that are not in the contract's pack (example 2026-illustrative).");
    expect(problem.details).toEqual([{ path: ["commitments", 1, "measureCode"], message: 'measure "ZZ9" is not in example 2026-illustrative' }]);
  });

  test("a review sends If-Match; a stale ETag comes back as 412 stale-etag and nothing changes", async () => {
    const api = new FakeApi();
    api.addContributions(contributionDetail(7, { evidenceStatus: "submitted" }));
    const pane = client(api);
    const { etag } = await pane.getContribution(reference(7));
    api.changeContribution(reference(7), (c) => ({ ...c, evidenceStatus: "accepted" }));

    const problem = await problemOf(pane.review(reference(7), { decision: "reject", reason: "The payroll extract is unsigned" }, etag));
    expect(problem).toMatchObject({ status: 412, code: "stale-etag", kind: "http" });
    expect(api.requestsTo("POST", `contributions/${reference(7)}/review`)[0]?.headers["if-match"]).toBe(etag);
    expect(api.contribution(reference(7))?.evidenceStatus).toBe("accepted");
  });

  test("a fresh ETag reviews, and the answer brings the next ETag", async () => {
    const api = new FakeApi();
    api.addContributions(contributionDetail(8, { evidenceStatus: "submitted" }));
    const pane = client(api);
    const { etag } = await pane.getContribution(reference(8));
    const reviewed = await pane.review(reference(8), { decision: "accept" }, etag);
    expect(reviewed.value.evidenceStatus).toBe("accepted");
    expect(reviewed.etag).not.toBe(etag);
  });

  test("a rejection without a reason is refused before anything is sent", async () => {
    const api = new FakeApi();
    const problem = await problemOf(client(api).review(reference(1), { decision: "reject", reason: "   " }, 'W/"1"'));
    expect(problem.kind).toBe("invalid-request");
    expect(problem.details).toEqual([{ path: ["reason"], message: "say why the evidence is rejected; the supplier will read it" }]);
    expect(api.requests).toHaveLength(0);
  });

  test("401 asks for a new sign-in and tells the pane; 403 names the role", async () => {
    const api = new FakeApi();
    const refused: ApiProblem[] = [];
    const badToken = createApiClient({ baseUrl: api.baseUrl, getAccessToken: async () => "not-a-jwt", fetch: api.fetch, onSignInRefused: (p) => refused.push(p) });
    const problem = await problemOf(badToken.listPacks());
    expect(problem).toMatchObject({ kind: "sign-in", status: 401 });
    expect(problem.message).toBe("Your sign-in was not accepted: Not signed in: the token is malformed. Sign in again, then Retry.");
    expect(refused).toEqual([problem]);

    const manager = await problemOf(client(api, { roles: ["Manager"] }).quarantinePage());
    expect(manager).toMatchObject({ kind: "forbidden", status: 403 });
    expect(manager.message).toContain("This needs the Officer role; your token has Manager.");
  });

  test("no token (signed out) is a sign-in problem and nothing is sent", async () => {
    const api = new FakeApi();
    const pane = createApiClient({ baseUrl: api.baseUrl, getAccessToken: () => Promise.reject(new Error("Not signed in. Sign in from the Social Value Ledger task pane.")), fetch: api.fetch });
    const problem = await problemOf(pane.listContracts());
    expect(problem).toMatchObject({ kind: "sign-in", message: "Not signed in. Sign in from the Social Value Ledger task pane." });
    expect(api.requests).toHaveLength(0);
  });

  test("a 503 says the API could not complete the request and to retry", async () => {
    const api = new FakeApi();
    api.failNext("GET", "contracts", 503);
    const problem = await problemOf(client(api).listContracts());
    expect(problem.message).toBe(
      "The Social Value Ledger API at http://localhost:7071/api could not complete the request (503): The ledger's storage cannot be reached just now. Retry in a minute.",
    );
    await expect(client(api).listContracts()).resolves.toHaveLength(1);
  });
});

describe("no answer", () => {
  test("a network failure names the API's address and says what to do", async () => {
    const offline: FetchLike = () => Promise.reject(new TypeError("Failed to fetch"));
    const problem = await problemOf(client(new FakeApi(), { fetch: offline }).listContracts());
    expect(problem).toMatchObject({ kind: "network", status: undefined });
    expect(problem.message).toBe(
      "The Social Value Ledger API did not answer at http://localhost:7071/api. Check your connection, then Retry. If you run the API on this computer, check it is started (npm start).",
    );
  });

  test("an API that never answers is given up on after the time limit", async () => {
    const api = new FakeApi();
    api.interceptors.push(() => "hang");
    const problem = await problemOf(client(api, { timeoutMs: 30 }).listContracts());
    expect(problem.kind).toBe("timeout");
    expect(problem.message).toBe("The Social Value Ledger API at http://localhost:7071/api did not answer within 1 second. Check your connection, then Retry.");
  });

  test("the caller's own cancellation is passed on as an abort, not shown as a failure", async () => {
    const api = new FakeApi();
    api.interceptors.push(() => "hang");
    const controller = new AbortController();
    const pending = client(api).listContracts({ signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
  });
});

describe("other routes", () => {
  test("packs are listed, and one edition is fetched once for the whole session", async () => {
    const api = new FakeApi();
    const pane = client(api);
    expect((await pane.listPacks()).map((p) => p.id)).toEqual(["example"]);
    const [a, b] = await Promise.all([pane.getPack("example", EXAMPLE_PACK.edition), pane.getPack("example", EXAMPLE_PACK.edition)]);
    expect(a).toEqual(EXAMPLE_PACK);
    expect(b).toBe(a);
    expect(api.requestsTo("GET", "packs/example")).toHaveLength(1);
    expect(api.requestsTo("GET", "packs/example")[0]?.query.get("edition")).toBe(EXAMPLE_PACK.edition);
  });

  test("a failed pack fetch is not remembered, so Retry asks again", async () => {
    const api = new FakeApi();
    api.failNext("GET", "packs/example", 503);
    const pane = client(api);
    await expect(pane.getPack("example", EXAMPLE_PACK.edition)).rejects.toBeInstanceOf(ApiProblem);
    await expect(pane.getPack("example", EXAMPLE_PACK.edition)).resolves.toEqual(EXAMPLE_PACK);
  });

  test("health answers even when storage is down (503)", async () => {
    const api = new FakeApi();
    const down: FetchLike = async () => ({ status: 503, statusText: "", headers: { get: () => null }, text: async () => JSON.stringify({ status: "unavailable", storage: "unreachable" }) });
    await expect(client(api).health()).resolves.toEqual({ status: "ok", storage: "ok" });
    await expect(client(api, { fetch: down }).health()).resolves.toEqual({ status: "unavailable", storage: "unreachable" });
  });

  test("the chase run (Manager) and the ledger for one contract", async () => {
    const api = new FakeApi();
    api.ledger = [
      {
        id: "L1",
        runDate: TODAY,
        kind: "reminder",
        recipient: { name: "Acme Build Ltd", email: "jo@acme.example" },
        role: "supplier",
        subject: "Evidence due",
        contractIds: ["C-1001"],
        contributionIds: [reference(1)],
        outcome: "sent",
        claimedAt: "2026-11-20T07:00:00.000Z",
      },
    ];
    api.chaseRun = { ...api.chaseRun, sent: 1 };
    const manager = client(api, { roles: ["Manager"] });
    const started = await manager.startChase();
    expect(started).toMatchObject({ runId: "0a1b2c3d", state: "running", sent: 0 });
    await expect(manager.chaseRun(started.runId)).resolves.toMatchObject({ state: "finished", sent: 1 });
    expect((await problemOf(manager.chaseRun("ffffffff"))).status).toBe(404);
    await expect(client(api).chaseLedger("C-1001")).resolves.toHaveLength(1);
    expect(api.requestsTo("GET", "chase/ledger")[0]?.query.get("contractId")).toBe("C-1001");
    expect((await problemOf(client(api).startChase())).status).toBe(403);
  });
});

describe("crosswalks", () => {
  test("stored with PUT under their id, listed with their number of mappings, and a contract reported through one", async () => {
    const api = new FakeApi();
    const pane = client(api);
    const mappings = [{ fromPack: "example", fromCode: "J1", toPack: "svm-2025", toCode: "SVM-1.1", factor: 1 }];
    await expect(pane.putCrosswalk("toms-to-svm", { name: "TOMs to SVM", mappings })).resolves.toMatchObject({ id: "toms-to-svm", mappings });
    await expect(pane.listCrosswalks()).resolves.toMatchObject([{ id: "toms-to-svm", name: "TOMs to SVM", mappings: 1 }]);
    await expect(pane.crosswalkReport("C-1001", "toms-to-svm")).resolves.toEqual({ contractId: "C-1001", crosswalkId: "toms-to-svm", fromPack: "example", lines: [], unmapped: [] });
    expect(api.requestsTo("GET", "contracts/C-1001/report")[0]?.query.get("crosswalk")).toBe("toms-to-svm");
    const missing = await problemOf(pane.crosswalkReport("C-1001", "nowhere"));
    expect(missing).toMatchObject({ status: 404, message: "There is no crosswalk nowhere; store it with PUT /api/crosswalks/nowhere." });
  });
});

describe("writes", () => {
  /** Answers every write with `body` and an ETag, and keeps what was sent. */
  function recorder(body: unknown, status = 200) {
    const sent: { url: string; method?: string; headers: Record<string, string>; body: unknown }[] = [];
    const fetch: FetchLike = async (url, init) => {
      sent.push({ url, method: init.method, headers: init.headers as Record<string, string>, body: JSON.parse(String(init.body)) });
      return { status, statusText: "", headers: { get: (h) => (h === "etag" ? 'W/"9"' : null) }, text: async () => JSON.stringify(body) };
    };
    return { sent, fetch };
  }
  const { commitments: _c, ...contract } = contractDetail();

  test("create and change a contract (If-Match when an ETag is given), upload a pack, record a contribution", async () => {
    const api = new FakeApi();
    const { commitments: _unused, createdAt: _a, updatedAt: _b, ...input } = contractDetail();
    let rec = recorder(contract, 201);
    await expect(client(api, { fetch: rec.fetch }).createContract(input)).resolves.toEqual({ value: contract, etag: 'W/"9"' });
    expect(rec.sent[0]).toMatchObject({ url: "http://localhost:7071/api/contracts", method: "POST", body: input });

    rec = recorder({ ...contract, title: "Renamed" });
    await client(api, { fetch: rec.fetch }).patchContract("C-1001", { title: "Renamed" }, 'W/"8"');
    expect(rec.sent[0]).toMatchObject({ url: "http://localhost:7071/api/contracts/C-1001", method: "PATCH", body: { title: "Renamed" } });
    expect(rec.sent[0]?.headers["if-match"]).toBe('W/"8"');

    rec = recorder(EXAMPLE_PACK, 201);
    await expect(client(api, { fetch: rec.fetch }).uploadPack(EXAMPLE_PACK)).resolves.toEqual(EXAMPLE_PACK);
    expect(rec.sent[0]).toMatchObject({ url: "http://localhost:7071/api/packs", method: "POST" });

    const recorded = contributionDetail(11, { source: { kind: "manual", recordedBy: "sam.patel@council.example" } });
    rec = recorder(recorded, 201);
    const manual = { contractRef: "C-1001", supplier: "Acme Build Ltd", measureCode: "J1", quantity: 1, periodStart: "2026-07-01", periodEnd: "2026-09-30", description: "One local hire" };
    await expect(client(api, { fetch: rec.fetch }).recordContribution(manual)).resolves.toEqual({ value: recorded, etag: 'W/"9"' });
    expect(rec.sent[0]).toMatchObject({ url: "http://localhost:7071/api/contributions", method: "POST", body: manual });
  });

  test("commitments are replaced and come back as stored", async () => {
    const api = new FakeApi();
    await expect(client(api).putCommitments("C-1001", [{ measureCode: "J1", quantity: 10 }])).resolves.toEqual([{ measureCode: "J1", quantity: 10 }]);
    expect(api.contracts[0]?.commitments).toEqual([{ measureCode: "J1", quantity: 10 }]);
  });
});

describe("the cabinet report", () => {
  test("is read as an HTML page, not JSON; an answer that is not HTML is refused", async () => {
    const api = new FakeApi();
    expect(await client(api, { roles: ["Manager"] }).portfolioReport()).toMatch(/^<!doctype html>/);
    api.interceptors.push((r) => (r.path === "portfolio/report" ? { status: 200, statusText: "", headers: { get: (n) => (n === "content-type" ? "application/json" : null) }, text: async () => "{}" } : undefined));
    const refused = await problemOf(client(api, { roles: ["Manager"] }).portfolioReport());
    expect(refused).toMatchObject({ kind: "invalid-response", code: "not-html" });
  });

  test("a refusal is still the API's JSON error", async () => {
    const api = new FakeApi();
    api.failNext("GET", "portfolio/report", 403, "forbidden", "This needs the Officer or Manager role.");
    expect(await problemOf(client(api).portfolioReport())).toMatchObject({ kind: "forbidden", message: "This needs the Officer or Manager role." });
  });
});
