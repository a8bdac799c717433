import { EXAMPLE_PACK } from "../../../shared";
import { client, exampleContract, INGEST_SECRET, startHost, submission, testApp } from "../../support/harness";
import type { Answer, RunningHost, TestApp } from "../../support/harness";

jest.setTimeout(60_000);

/** What an attacker types into a text box hoping it ends up inside a storage filter. */
const ODATA = "' or PartitionKey ne '";

let app: TestApp;
let host: RunningHost;
let asOfficer: ReturnType<typeof client>;
let asManager: ReturnType<typeof client>;
let asFlow: ReturnType<typeof client>;
let anonymous: ReturnType<typeof client>;

beforeAll(async () => {
  app = await testApp();
  host = await startHost(app.deps);
  asOfficer = client(host.url, { authorization: `Bearer ${await app.token({ roles: ["Officer"] })}` });
  asManager = client(host.url, { authorization: `Bearer ${await app.token({ roles: ["Manager"], email: "manager@council.example" })}` });
  asFlow = client(host.url, { "x-ingest-secret": INGEST_SECRET });
  anonymous = client(host.url);
  expect((await asOfficer("POST", "/api/contracts", exampleContract())).status).toBe(201);
  expect((await asOfficer("POST", "/api/contracts", exampleContract({ id: "C-2002", title: "Other contract" }))).status).toBe(201);
});
afterAll(() => host.close());

const expectError = (res: Answer, status: number, code?: string) => {
  expect(res.status).toBe(status);
  expect(res.body).toEqual({ error: expect.objectContaining({ code: code ?? expect.any(String), message: expect.any(String) }) });
};

describe("bodies the API refuses", () => {
  const jsonRoutes: [string, string][] = [
    ["POST", "/api/contracts"],
    ["PATCH", "/api/contracts/C-1001"],
    ["PUT", "/api/contracts/C-1001/commitments"],
    ["POST", "/api/contributions"],
    ["POST", "/api/packs"],
    ["POST", "/api/values/batch"],
  ];

  it.each(jsonRoutes)("%s %s: malformed JSON → 400 malformed-json", async (method, path) => {
    expectError(await asOfficer(method, path, '{"title": "unterminated'), 400, "malformed-json");
  });

  it.each(jsonRoutes)("%s %s: wrong types → 400 with field paths", async (method, path) => {
    const res = await asOfficer(method, path, { id: 7, title: 3, value: "lots", commitments: "none", queries: [{ kind: "delivered", contract: 1 }], contractRef: [] });
    expectError(res, 400);
    expect(res.body.error.details.length).toBeGreaterThan(0);
    for (const d of res.body.error.details) expect(Array.isArray(d.path)).toBe(true);
  });

  it.each([...jsonRoutes, ["POST", "/api/forms/responses"] as [string, string]])("%s %s: oversized → 413", async (method, path) => {
    const big = JSON.stringify({ description: "x".repeat(300 * 1024) });
    const caller = path.includes("forms") ? asFlow : asOfficer;
    expectError(await caller(method, path, big), path.includes("packs") ? 400 : 413);
  });

  it("a pack over its 1 MiB cap → 413", async () => {
    expectError(await asOfficer("POST", "/api/packs", JSON.stringify({ description: "x".repeat(1100 * 1024) })), 413, "payload-too-large");
  });

  it("a body far beyond any cap is cut off by the host → 413", async () => {
    expectError(await asFlow("POST", "/api/forms/responses", "x".repeat(5 * 1024 * 1024)), 413, "payload-too-large");
  });

  it.each(jsonRoutes)("%s %s: not JSON → 415", async (method, path) => {
    expectError(await asOfficer(method, path, "title=x", { "content-type": "application/x-www-form-urlencoded" }), 415, "unsupported-media-type");
  });

  it("Forms ingestion checks in order: secret, size, content type", async () => {
    const big = "x".repeat(300 * 1024);
    expectError(await anonymous("POST", "/api/forms/responses", big, { "content-type": "text/plain" }), 401, "missing-ingest-secret");
    expectError(await asFlow("POST", "/api/forms/responses", big, { "content-type": "text/plain" }), 413);
    expectError(await asFlow("POST", "/api/forms/responses", "{}", { "content-type": "text/plain" }), 415);
    const quarantine = await asOfficer("GET", "/api/quarantine?pageSize=1000");
    expect(quarantine.body.items.some((q: { raw: string }) => q.raw.startsWith("xxxx"))).toBe(false);
  });

  it("a wrong secret → 401, and nothing is stored", async () => {
    const before = (await asOfficer("GET", "/api/quarantine?pageSize=1000")).body.items.length;
    expectError(await anonymous("POST", "/api/forms/responses", submission(), { "x-ingest-secret": "guess" }), 401, "wrong-ingest-secret");
    expectError(await anonymous("POST", "/api/forms/responses", "not json", { "x-ingest-secret": `${INGEST_SECRET}x` }), 401, "wrong-ingest-secret");
    expect((await asOfficer("GET", "/api/quarantine?pageSize=1000")).body.items.length).toBe(before);
  });
});

describe("tokens and roles", () => {
  it("no token → 401 with WWW-Authenticate", async () => {
    const res = await anonymous("GET", "/api/contracts");
    expectError(res, 401, "missing-token");
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
  });

  it("the wrong role → 403 naming the role needed", async () => {
    const res = await asManager("POST", "/api/contracts", exampleContract({ id: "C-3003" }));
    expectError(res, 403, "forbidden");
    expect(res.body.error.message).toMatch(/Officer/);
    expect((await asManager("GET", "/api/contributions?contractId=C-1001")).status).toBe(200);
  });

  it("a token with no app role → 403", async () => {
    const token = await app.token({ roles: [] });
    expectError(await client(host.url, { authorization: `Bearer ${token}` })("GET", "/api/contracts"), 403);
  });

  it.each([
    ["expired", () => app.token({ expiresInSeconds: -3600 }), /expired/],
    ["signed by another key", () => app.craftedToken({}, { otherKey: true }), /signature/],
    ["signed with a key id the API does not know", () => app.craftedToken({}, { kid: "unknown-key" }), /key the API does not know/],
    ["for another audience", () => app.craftedToken({ aud: "api://someone-else" }), /"aud"/],
    ["from another issuer", () => app.craftedToken({ iss: "https://login.microsoftonline.com/evil/v2.0" }), /"iss"/],
    ["from another tenant", () => app.craftedToken({ tid: "11111111-1111-4111-8111-111111111111" }), /another tenant/],
    ["not a JWT", async () => "not.a.token", /malformed/],
    ["unsigned (alg none)", async () => `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from('{"roles":["Officer"]}').toString("base64url")}.`, /algorithm|malformed/],
  ])("a token %s → 401", async (_what, make, reason) => {
    const res = await client(host.url, { authorization: `Bearer ${await make()}` })("GET", "/api/contracts");
    expectError(res, 401, "invalid-token");
    expect(res.body.error.message).toMatch(reason);
  });
});

describe("OData-looking text never reaches a storage filter as code", () => {
  it("is stored verbatim in every text field of a submission", async () => {
    const res = await asFlow("POST", "/api/forms/responses", submission({ formId: ODATA, responseId: ODATA, responder: `${ODATA}@x.example`, answers: { supplier: ODATA, description: ODATA } }));
    expect(res.status).toBe(201);
    const stored = await asOfficer("GET", `/api/contributions/${res.body.id}`);
    expect(stored.body).toMatchObject({ supplier: ODATA, description: ODATA, source: { formId: ODATA, responseId: ODATA } });
    // The supplier filter finds exactly that contribution and nothing else.
    const listed = await asOfficer("GET", `/api/contributions?contractId=C-1001&supplier=${encodeURIComponent(ODATA)}`);
    expect(listed.body.items.map((c: { id: string }) => c.id)).toEqual([res.body.id]);
    const bySupplier = await asOfficer("GET", `/api/contributions?supplier=${encodeURIComponent(ODATA)}`);
    expect(bySupplier.body.items.map((c: { id: string }) => c.id)).toEqual([res.body.id]);
    const overdue = await asOfficer("GET", `/api/contributions?overdue=true&supplier=${encodeURIComponent(ODATA)}`);
    expect(overdue.body.items.map((c: { id: string }) => c.id)).toEqual([res.body.id]);
  });

  it("a supplier name too long to escape into a key whole is still taken in and found by name", async () => {
    // 200 three-byte characters escape to 1,800 characters; a key holds 1 KiB. Two names alike but for the end stay apart.
    const names = [`${"供".repeat(199)}甲`, `${"供".repeat(199)}乙`];
    expect((await asOfficer("POST", "/api/contracts", exampleContract({ id: "C-LONG" }))).status).toBe(201);
    const ids: string[] = [];
    for (const supplier of names) {
      const res = await asFlow("POST", "/api/forms/responses", submission({ answers: { contractRef: "C-LONG", supplier } }));
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
    for (const [i, supplier] of names.entries()) {
      const found = await asOfficer("GET", `/api/contributions?supplier=${encodeURIComponent(supplier)}`);
      expect(found.body.items.map((c: { id: string }) => c.id)).toEqual([ids[i]]);
    }
  });

  it("a supplier filter that matches nobody returns nothing (it does not widen the query)", async () => {
    await asFlow("POST", "/api/forms/responses", submission());
    for (const query of [`contractId=C-1001&supplier=`, `supplier=`, `overdue=true&supplier=`]) {
      const res = await asOfficer("GET", `/api/contributions?${query}${encodeURIComponent("x' or supplierKey ne 'x")}`);
      expect(res.status).toBe(200);
      expect(res.body.items).toEqual([]);
    }
  });

  it.each([
    ["contractId", `/api/contributions?contractId=${encodeURIComponent(ODATA)}`],
    ["status", `/api/contributions?status=${encodeURIComponent(ODATA)}`],
    ["overdue", `/api/contributions?overdue=${encodeURIComponent(ODATA)}`],
    ["pageSize", `/api/contributions?pageSize=${encodeURIComponent(ODATA)}`],
    ["continuationToken", `/api/contributions?contractId=C-1001&continuationToken=${encodeURIComponent(ODATA)}`],
    ["an unknown parameter", `/api/contributions?${encodeURIComponent(ODATA)}=1`],
    ["contract id in the path", `/api/contracts/${encodeURIComponent(ODATA)}`],
    ["contribution id in the path", `/api/contributions/${encodeURIComponent(ODATA)}`],
    ["pack id in the path", `/api/packs/${encodeURIComponent(ODATA)}`],
    ["quarantine continuationToken", `/api/quarantine?continuationToken=${encodeURIComponent(ODATA)}`],
    ["contracts pageSize", `/api/contracts?pageSize=${encodeURIComponent(ODATA)}`],
  ])("%s → 400 with the field named", async (_what, path) => {
    const res = await asOfficer("GET", path);
    expectError(res, 400);
    expect(res.body.error.details?.length ?? 0).toBeGreaterThan(0);
  });

  it("a pack edition with quotes is looked up as text → 404", async () => {
    expectError(await asOfficer("GET", `/api/packs/example?edition=${encodeURIComponent(ODATA)}`), 404, "not-found");
  });

  it("an evidence reference with quotes is refused and quarantined", async () => {
    const res = await asFlow("POST", "/api/forms/responses", submission({ answers: { contractRef: "", supplier: "", measureCode: "", quantity: "", periodStart: "", periodEnd: "", evidenceFor: ODATA, evidence: [{ name: "a", link: "https://a.example/a" }] } }));
    expectError(res, 400, "invalid-submission");
    expect(res.body.error.details[0].path).toEqual(["answers", "evidenceFor"]);
  });

  it("contract and commitment text fields are stored verbatim", async () => {
    const created = await asOfficer("POST", "/api/contracts", exampleContract({ id: "C-ODATA", title: ODATA, buyer: ODATA, escalationContacts: [{ name: ODATA, email: "esc@council.example" }] }));
    expect(created.status).toBe(201);
    expect((await asOfficer("PUT", "/api/contracts/C-ODATA/commitments", { commitments: [{ measureCode: "J1", quantity: 1, supplier: ODATA, note: ODATA }] })).status).toBe(200);
    const got = await asOfficer("GET", "/api/contracts/C-ODATA");
    expect(got.body).toMatchObject({ title: ODATA, buyer: ODATA, commitments: [{ supplier: ODATA, note: ODATA }] });
    const review = await asOfficer("POST", `/api/values/batch`, { queries: [{ kind: "delivered", contract: "C-ODATA", code: ODATA }] });
    expect(review.body.answers[0]).toMatchObject({ ok: false, error: { code: "unknown-measure" } });
  });
});

describe("contracts, commitments and packs", () => {
  it("PATCH changes only what it names; a stale If-Match → 412", async () => {
    const before = await asOfficer("GET", "/api/contracts/C-2002");
    const patched = await asOfficer("PATCH", "/api/contracts/C-2002", { title: "Renamed", reminderPolicy: { remindEveryDays: 3 } }, { "if-match": before.headers.get("etag") ?? "" });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ title: "Renamed", buyer: "Example County Council", reminderPolicy: { remindEveryDays: 3, evidenceGraceDays: 30 }, contractManager: { name: "Sam Patel" } });
    expectError(await asOfficer("PATCH", "/api/contracts/C-2002", { title: "Again" }, { "if-match": before.headers.get("etag") ?? "" }), 412, "stale-etag");
    // An If-Match that is no ETag storage issued is just as stale (storage itself would refuse to parse it).
    for (const ifMatch of ["garbage", '"x"']) expectError(await asOfficer("PATCH", "/api/contracts/C-2002", { title: "Again" }, { "if-match": ifMatch }), 412, "stale-etag");
    expect((await asOfficer("PATCH", "/api/contracts/C-2002", { title: "Renamed again" }, { "if-match": "*" })).status).toBe(200);
    expectError(await asOfficer("PATCH", "/api/contracts/C-2002", { packId: "other" }), 400);
    expectError(await asOfficer("PATCH", "/api/contracts/C-2002", { endDate: "2020-01-01" }), 400);
  });

  it("a duplicate contract → 409; unknown pack → 400; unknown contract → 404", async () => {
    expectError(await asOfficer("POST", "/api/contracts", exampleContract()), 409, "contract-exists");
    expectError(await asOfficer("POST", "/api/contracts", exampleContract({ id: "C-4004", packEdition: "1999" })), 400);
    expectError(await asOfficer("GET", "/api/contracts/C-404"), 404, "not-found");
  });

  it("commitments name measures of the contract's pack", async () => {
    const res = await asOfficer("PUT", "/api/contracts/C-1001/commitments", { commitments: [{ measureCode: "j1", quantity: 10 }, { measureCode: "NT99", quantity: 1 }] });
    expectError(res, 400);
    expect(res.body.error.details).toEqual([expect.objectContaining({ path: ["commitments", 1, "measureCode"] })]);
    const ok = await asOfficer("PUT", "/api/contracts/C-1001/commitments", { commitments: [{ measureCode: "j1", quantity: 10 }, { measureCode: "J3", quantity: 520 }] });
    expect(ok.body.commitments.map((c: { measureCode: string }) => c.measureCode)).toEqual(["J1", "J3"]);
    expect((await asOfficer("GET", "/api/contracts/C-1001")).body.commitments).toHaveLength(2);
  });

  it("a register of measures (proxy measures without £ values) can be uploaded; contributions against it are kept unvalued", async () => {
    const register = { ...EXAMPLE_PACK, id: "county-register", edition: "2026", illustrative: false, measures: EXAMPLE_PACK.measures.map((m) => (m.kind === "proxy" ? { ...m, proxy: null } : m)) };
    expect((await asOfficer("POST", "/api/packs", register)).status).toBe(201);
    expect((await asOfficer("POST", "/api/contracts", exampleContract({ id: "C-5006", packId: "county-register", packEdition: "2026" }))).status).toBe(201);
    const sub = await asFlow("POST", "/api/forms/responses", submission({ answers: { contractRef: "C-5006" } }));
    expect(sub.status).toBe(201);
    expect((await asOfficer("GET", `/api/contributions/${sub.body.id}`)).body).toMatchObject({ measureCode: "J3", value: null });
    const batch = await asOfficer("POST", "/api/values/batch", { queries: [{ kind: "delivered", contract: "C-5006", code: "J3" }] });
    expect(batch.body.answers[0]).toEqual({ ok: false, error: { code: "not-valued", message: expect.stringMatching(/^Measure J3 is valued by proxy, but pack county-register 2026 has no £ value for it/) } });
  });

  it("an uploaded pack is stored once, never changed, and can be pinned", async () => {
    const pack = { ...EXAMPLE_PACK, id: "county-toms", edition: "2026/27 v1", illustrative: false };
    const created = await asOfficer("POST", "/api/packs", pack);
    expect(created.status).toBe(201);
    expectError(await asOfficer("POST", "/api/packs", { ...pack, name: "changed" }), 409, "pack-exists");
    expectError(await asOfficer("POST", "/api/packs", EXAMPLE_PACK), 409, "pack-exists");
    // An edition is part of a storage key: one too long for a key is refused, not a storage error.
    const long = await asOfficer("POST", "/api/packs", { ...pack, edition: "é".repeat(101) });
    expectError(long, 400);
    expect(long.body.error.details).toEqual([expect.objectContaining({ path: ["edition"] })]);
    expectError(await asOfficer("GET", `/api/packs/county-toms?edition=${"é".repeat(400)}`), 404, "not-found");
    const invalid = await asOfficer("POST", "/api/packs", { ...pack, edition: "2", measures: [{ ...pack.measures[0], proxy: -1 }] });
    expectError(invalid, 400);
    expect(invalid.body.error.details[0].path).toEqual(["measures", 0, "proxy"]);
    const listed = await asOfficer("GET", "/api/packs");
    expect(listed.body.items.map((p: { id: string; edition: string }) => `${p.id} ${p.edition}`)).toEqual(expect.arrayContaining(["example 2026-illustrative", "county-toms 2026/27 v1"]));
    expect((await asOfficer("GET", "/api/packs/county-toms")).body.edition).toBe("2026/27 v1");
    expect((await asOfficer("GET", `/api/packs/county-toms?edition=${encodeURIComponent("2026/27 v1")}`)).body.measures).toHaveLength(pack.measures.length);
    expect((await asOfficer("POST", "/api/contracts", exampleContract({ id: "C-5005", packId: "county-toms", packEdition: "2026/27 v1" }))).status).toBe(201);
    const sub = await asFlow("POST", "/api/forms/responses", submission({ answers: { contractRef: "C-5005" } }));
    expect((await asOfficer("GET", `/api/contributions/${sub.body.id}`)).body).toMatchObject({ packId: "county-toms", packEdition: "2026/27 v1" });
  });
});

describe("contributions: paging, manual records, review with ETags, values", () => {
  it("pages are opaque and bound to their query", async () => {
    for (let i = 0; i < 5; i++) await asFlow("POST", "/api/forms/responses", submission({ answers: { contractRef: "C-2002", supplier: "Pager Ltd" } }));
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const res: Answer = await asOfficer("GET", `/api/contributions?contractId=C-2002&pageSize=2${token ? `&continuationToken=${encodeURIComponent(token)}` : ""}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((c: { id: string }) => c.id));
      token = res.body.continuationToken;
      if (token) expect(Buffer.from(token, "base64url").toString()).not.toMatch(/PartitionKey|C-2002/);
      pages++;
      if (pages === 1 && token) expectError(await asOfficer("GET", `/api/contributions?contractId=C-1001&pageSize=2&continuationToken=${encodeURIComponent(token)}`), 400);
    } while (token && pages < 10);
    expect(new Set(seen).size).toBe(5);
    expect(pages).toBe(3);
  });

  it("a manual contribution is valued like a submission and reviewed with If-Match", async () => {
    const created = await asOfficer("POST", "/api/contributions", {
      contractRef: "C-1001",
      supplier: "Manual Movers",
      measureCode: "S1",
      quantity: "40",
      periodStart: "2026-09-01",
      periodEnd: "2026-09-30",
      responder: "lee@movers.example",
      evidence: [{ name: "photos.zip", link: "https://movers.example/p.zip" }],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ value: 640, evidenceStatus: "submitted", source: { kind: "manual", recordedBy: "officer@council.example" } });
    const id = created.body.id as string;
    const etag = created.headers.get("etag") ?? "";
    expectError(await asOfficer("POST", `/api/contributions/${id}/review`, { decision: "accept" }), 428, "if-match-required");
    expectError(await asOfficer("POST", `/api/contributions/${id}/review`, { decision: "reject" }, { "if-match": etag }), 400);
    expectError(await asOfficer("POST", `/api/contributions/${id}/review`, { decision: "accept" }, { "if-match": 'W/"datetime\'2000-01-01T00%3A00%3A00Z\'"' }), 412, "stale-etag");
    expectError(await asManager("POST", `/api/contributions/${id}/review`, { decision: "accept" }, { "if-match": etag }), 403);

    const both = await Promise.all([
      asOfficer("POST", `/api/contributions/${id}/review`, { decision: "accept" }, { "if-match": etag }),
      asOfficer("POST", `/api/contributions/${id}/review`, { decision: "reject", reason: "blurred" }, { "if-match": etag }),
    ]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 412]);
    const winner = both.find((r) => r.status === 200);
    expect(winner?.headers.get("etag")).not.toBe(etag);
    const after = await asOfficer("GET", `/api/contributions/${id}`);
    expect(after.body.audit.filter((a: { action: string }) => ["accepted", "rejected"].includes(a.action))).toHaveLength(1);
    if (after.body.evidenceStatus === "accepted") {
      expectError(await asOfficer("POST", `/api/contributions/${id}/review`, { decision: "reject", reason: "late" }, { "if-match": after.headers.get("etag") ?? "" }), 409, "not-reviewable");
    }
  });

  it("values/batch answers in order: accepted £ only, per measure, overdue counts, errors per answer", async () => {
    await asOfficer("POST", "/api/contracts", exampleContract({ id: "C-VAL" }));
    const ids: string[] = [];
    for (const [code, quantity] of [["J1", 2], ["J3", 10], ["S1", 100]] as const) {
      const res = await asFlow("POST", "/api/forms/responses", submission({ answers: { contractRef: "C-VAL", measureCode: code, quantity, evidence: [{ name: "e", link: `https://e.example/${code}` }] } }));
      ids.push(res.body.id);
    }
    await asFlow("POST", "/api/forms/responses", submission({ answers: { contractRef: "C-VAL", measureCode: "J1", quantity: 100 } }));
    for (const id of ids.slice(0, 2)) {
      const got = await asOfficer("GET", `/api/contributions/${id}`);
      expect((await asOfficer("POST", `/api/contributions/${id}/review`, { decision: "accept" }, { "if-match": got.headers.get("etag") ?? "" })).status).toBe(200);
    }
    const res = await asOfficer("POST", "/api/values/batch", {
      queries: [
        { kind: "delivered", contract: "C-VAL" },
        { kind: "delivered", contract: "C-VAL", code: "j1" },
        { kind: "overdue", contract: "C-VAL" },
        { kind: "delivered", contract: "C-NOPE" },
        { kind: "delivered", contract: "C-VAL", code: "G3" },
        { kind: "delivered", contract: "C-VAL", code: "S1" },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.answers).toEqual([
      { ok: true, value: 2 * 25000 + 10 * 240 },
      { ok: true, value: 2 * 25000 },
      { ok: true, value: 1 },
      { ok: false, error: expect.objectContaining({ code: "unknown-contract" }) },
      { ok: false, error: expect.objectContaining({ code: "not-valued" }) },
      { ok: true, value: 0 },
    ]);
    expectError(await asOfficer("POST", "/api/values/batch", { queries: [] }), 400);
  });
});

describe("routing, CORS and the OpenAPI description", () => {
  it("unknown routes → 404, wrong methods → 405 with Allow", async () => {
    expectError(await asOfficer("GET", "/api/nowhere"), 404, "not-found");
    const res = await asOfficer("DELETE", "/api/contracts/C-1001");
    expectError(res, 405);
    expect(res.headers.get("allow")).toMatch(/PATCH/);
  });

  it("preflight from the add-in's origin is allowed, any other is refused", async () => {
    const ok = await fetch(`${host.url}/api/contributions/SV-00000000/review`, {
      method: "OPTIONS",
      headers: { origin: "https://localhost:3000", "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type, if-match" },
    });
    expect(ok.status).toBe(204);
    expect(ok.headers.get("access-control-allow-origin")).toBe("https://localhost:3000");
    expect(ok.headers.get("access-control-allow-headers")).toMatch(/if-match/);
    const refused = await fetch(`${host.url}/api/contracts`, { method: "OPTIONS", headers: { origin: "https://evil.example", "access-control-request-method": "GET" } });
    expect(refused.status).toBe(403);
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("responses carry CORS headers for the add-in's origin only", async () => {
    const ok = await asOfficer("GET", "/api/contracts", undefined, { origin: "https://localhost:3000" });
    expect(ok.headers.get("access-control-allow-origin")).toBe("https://localhost:3000");
    expect(ok.headers.get("access-control-expose-headers")).toMatch(/ETag/);
    const other = await asOfficer("GET", "/api/contracts", undefined, { origin: "https://evil.example" });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("GET /api/openapi.json describes every route from the zod schemas", async () => {
    const res = await anonymous("GET", "/api/openapi.json");
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe("3.1.0");
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining(["/api/health", "/api/forms/responses", "/api/packs/{id}", "/api/contracts/{id}/commitments", "/api/contributions/{id}/review", "/api/values/batch", "/api/quarantine"]),
    );
    const ingest = res.body.paths["/api/forms/responses"].post;
    expect(ingest.requestBody.content["application/json"].schema.properties).toHaveProperty("answers");
    expect(res.body.paths["/api/contributions"].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(["contractId", "status", "supplier", "overdue", "continuationToken"]),
    );
    expect(res.body.paths["/api/contributions/{id}/review"].post["x-roles"]).toEqual(["Officer"]);
  });

  it("health answers without a token", async () => {
    expect((await anonymous("GET", "/api/health")).body).toEqual({ status: "ok", storage: "ok" });
  });
});
