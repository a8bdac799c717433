import { EXAMPLE_PACK } from "../../../shared";
import { exampleContract, INGEST_SECRET, invoke, submission, testApp } from "../../support/harness";
import type { TestApp } from "../../support/harness";

jest.setTimeout(30_000);

const secret = { "x-ingest-secret": INGEST_SECRET };
let app: TestApp;
let officer: Record<string, string>;

const post = (body: unknown, headers: Record<string, string> = secret) => invoke(app.deps, "formsResponses", { body, headers });
const list = (query: string) => invoke(app.deps, "contributionsList", { path: `contributions?${query}`, headers: officer });
const get = (id: string) => invoke(app.deps, "contributionsGet", { path: `contributions/${id}`, params: { id }, headers: officer });
const quarantined = async () => (await invoke(app.deps, "quarantineList", { path: "quarantine", headers: officer })).body.items as { id: string; reasons: { path: unknown[] }[]; raw: string }[];

beforeAll(async () => {
  app = await testApp();
  officer = { authorization: `Bearer ${await app.token()}` };
  expect((await invoke(app.deps, "contractsCreate", { body: exampleContract(), headers: officer })).status).toBe(201);
});

describe("a new contribution from the Forms flow", () => {
  it("is valued with the contract's pinned pack and owes evidence by period end + grace days", async () => {
    const res = await post(submission({ answers: { measureCode: "j3", quantity: 52 } }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ outcome: "created", contractId: "C-1001", evidenceStatus: "missing" });
    expect(res.headers.get("location")).toBe(`/api/contributions/${res.body.id}`);
    const stored = await get(res.body.id);
    expect(stored.status).toBe(200);
    const j3 = EXAMPLE_PACK.measures.find((m) => m.code === "J3");
    expect(stored.body).toMatchObject({
      measureCode: "J3",
      quantity: 52,
      value: 52 * (j3?.proxy ?? NaN),
      packId: "example",
      packEdition: EXAMPLE_PACK.edition,
      evidenceDueDate: "2026-10-30",
      source: { kind: "form", formId: "form-svl-test" },
    });
    expect(stored.body.audit).toEqual([expect.objectContaining({ action: "created", actor: "jo@acme.example" })]);
    expect(stored.headers.get("etag")).toMatch(/^W\/"/);
  });

  it("takes what the Forms connector really sends: strings, Forms' date, a file-upload JSON string", async () => {
    const upload = JSON.stringify([{ name: "payroll.pdf", link: "https://contoso.sharepoint.com/x/payroll.pdf", id: "01ABC", type: null, size: 162075, status: 1 }]);
    const res = await post(submission({ submittedAt: "11/20/2026 10:15:00 AM", responseId: "77", answers: { quantity: "2.5", measureCode: "J1", evidence: upload, description: "" } }));
    expect(res.status).toBe(201);
    expect(res.body.evidenceStatus).toBe("submitted");
    const stored = await get(res.body.id);
    expect(stored.body).toMatchObject({ quantity: 2.5, value: 62_500, submittedAt: "2026-11-20T10:15:00.000Z", evidence: [{ name: "payroll.pdf" }] });
    expect(stored.body.audit.map((a: { action: string }) => a.action)).toEqual(["created", "evidence-submitted"]);
  });

  it("stores a record-only measure with no £ value", async () => {
    const res = await post(submission({ answers: { measureCode: "G3", quantity: 40 } }));
    expect(res.status).toBe(201);
    expect((await get(res.body.id)).body.value).toBeNull();
  });
});

describe("refused submissions: 400 with every problem, and kept in quarantine", () => {
  it("lists every problem with its field path", async () => {
    const res = await post(submission({ extra: 1, submittedAt: "yesterday", answers: { quantity: "2,5", periodStart: "2026-13-01", measureCode: "" } }));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("invalid-submission");
    const paths = res.body.error.details.map((d: { path: unknown[] }) => d.path.join("."));
    expect(paths).toEqual(expect.arrayContaining(["", "submittedAt"]));
    const quarantineId = res.headers.get("x-quarantine-id");
    const item = (await quarantined()).find((q) => q.id === quarantineId);
    expect(item).toBeDefined();
    expect(JSON.parse(item?.raw ?? "{}")).toMatchObject({ extra: 1, submittedAt: "yesterday" });
  });

  it.each([
    ["unknown contract", { contractRef: "C-9999" }, ["answers", "contractRef"]],
    ["measure not in the contract's pack", { measureCode: "NT1" }, ["answers", "measureCode"]],
    ["quantity not a number", { quantity: "lots" }, ["answers", "quantity"]],
    ["period end before start", { periodStart: "2026-09-30", periodEnd: "2026-07-01" }, ["answers", "periodEnd"]],
    ["a date that does not exist", { periodEnd: "31/09/2026" }, ["answers", "periodEnd"]],
    ["negative quantity", { quantity: -3 }, ["answers", "quantity"]],
  ])("%s", async (_what, answers, path) => {
    const res = await post(submission({ answers }));
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
    expect((await quarantined()).some((q) => q.id === res.headers.get("x-quarantine-id"))).toBe(true);
  });

  it("malformed JSON is quarantined raw, never dropped", async () => {
    const res = await post('{"formId": "f", "responseId": 1,');
    expect(res.status).toBe(400);
    expect((await quarantined()).find((q) => q.id === res.headers.get("x-quarantine-id"))?.raw).toBe('{"formId": "f", "responseId": 1,');
  });
});

describe("idempotent on formId + responseId", () => {
  it("a repeat answers 200 with the existing reference", async () => {
    const body = submission();
    const first = await post(body);
    const again = await post(body);
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body).toMatchObject({ outcome: "duplicate", id: first.body.id });
  });

  it("20 parallel posts of one response make exactly one contribution", async () => {
    const body = submission({ answers: { supplier: "Parallel Paving Ltd" } });
    const answers = await Promise.all(Array.from({ length: 20 }, () => post(body)));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(19);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    const listed = await list(`contractId=C-1001&supplier=${encodeURIComponent("parallel  paving ltd")}`);
    expect(listed.body.items).toHaveLength(1);
    expect((await get(answers[0]?.body.id)).body.audit).toHaveLength(1);
  });
});

describe("evidence sent later, quoting the contribution's reference", () => {
  let ref: string;
  beforeEach(async () => {
    ref = (await post(submission({ answers: { supplier: "Evidence Ltd", periodEnd: "2026-09-30" } }))).body.id;
  });
  const evidence = (extra: Record<string, unknown> = {}) =>
    submission({ responder: "kim@acme.example", answers: { contractRef: "", supplier: "", measureCode: "", quantity: "", periodStart: "", periodEnd: "", evidenceFor: ref.toLowerCase(), evidence: [{ name: "timesheets.pdf", link: "https://acme.example/t.pdf" }], ...extra } });

  it("attaches evidence (missing → submitted) once per form response, with an audit entry", async () => {
    const body = evidence();
    const first = await post(body);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ outcome: "evidence-attached", id: ref, evidenceStatus: "submitted" });
    const repeats = await Promise.all(Array.from({ length: 5 }, () => post(body)));
    expect(repeats.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const stored = (await get(ref)).body;
    expect(stored.evidence).toHaveLength(1);
    expect(stored.audit.filter((a: { action: string }) => a.action === "evidence-submitted")).toHaveLength(1);
  });

  it("quarantines a reference that does not exist", async () => {
    ref = "SV-00000000";
    const res = await post(evidence());
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].path).toEqual(["answers", "evidenceFor"]);
  });

  it("quarantines evidence from another supplier's responder", async () => {
    const res = await post({ ...evidence(), responder: "mallory@rival.example" });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].message).toMatch(/another supplier/);
    expect((await get(ref)).body.evidenceStatus).toBe("missing");
  });

  it("quarantines evidence carrying a quantity", async () => {
    const res = await post(evidence({ quantity: "3" }));
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].path).toEqual(["answers", "quantity"]);
  });
});

describe("the evidence-due index follows evidence status", () => {
  it("overdue across contracts comes from the index and drops items once evidence is in", async () => {
    // Period ended 2026-09-30, grace 30 days: due 2026-10-30, overdue on 2026-11-26.
    const overdue = (await post(submission({ answers: { supplier: "Late Lorries Ltd" } }))).body.id;
    const notYet = (await post(submission({ answers: { supplier: "Late Lorries Ltd", periodStart: "2026-11-01", periodEnd: "2026-11-30" } }))).body.id;
    const ids = async () => (await list(`overdue=true&supplier=late%20lorries%20ltd`)).body.items.map((c: { id: string }) => c.id);
    expect(await ids()).toEqual([overdue]);
    expect(await ids()).not.toContain(notYet);

    await post(submission({ responder: "jo@acme.example", answers: { contractRef: "", supplier: "", measureCode: "", quantity: "", periodStart: "", periodEnd: "", evidenceFor: overdue, evidence: [{ name: "a.pdf", link: "https://acme.example/a.pdf" }] } }));
    expect(await ids()).toEqual([]);

    // Rejected today: due again 30 days from today, so not overdue until then.
    const detail = await get(overdue);
    const rejected = await invoke(app.deps, "contributionsReview", {
      path: `contributions/${overdue}/review`,
      params: { id: overdue },
      body: { decision: "reject", reason: "Timesheets are unsigned" },
      headers: { ...officer, "if-match": detail.headers.get("etag") ?? "" },
    });
    expect(rejected.status).toBe(200);
    expect(rejected.body.evidenceDueDate).toBe("2026-12-26");
    expect(await ids()).toEqual([]);
    app.clock.set("2026-12-27T09:00:00Z");
    try {
      expect(await ids()).toEqual([overdue]);
      expect((await list(`contractId=C-1001&overdue=true&supplier=late%20lorries%20ltd`)).body.items.map((c: { id: string }) => c.id)).toEqual([overdue]);
    } finally {
      app.clock.set("2026-11-26T12:00:00Z");
    }
  });
});
