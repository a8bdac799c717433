import { azuriteConnectionString } from "../../../scripts/azurite";
import { startFaultProxy, portOf } from "../../support/faultProxy";
import { client, exampleContract, INGEST_SECRET, invoke, startHost, submission, testApp, testStorage } from "../../support/harness";
import type { Answer, RunningHost, TestApp } from "../../support/harness";

jest.setTimeout(30_000);

const secret = { "x-ingest-secret": INGEST_SECRET };
let app: TestApp;
let host: RunningHost;
let api: ReturnType<typeof client>;
let forms: ReturnType<typeof client>;

type Warning = { code: string; message: string; relatedIds?: string[] };

beforeAll(async () => {
  app = await testApp();
  host = await startHost(app.deps);
  api = client(`${host.url}/api`, { authorization: `Bearer ${await app.token()}` });
  forms = client(`${host.url}/api`, secret);
  expect((await api("POST", "/contracts", exampleContract())).status).toBe(201);
  expect((await api("POST", "/contracts", exampleContract({ id: "C-2002", title: "School meals 2026-2028", value: 40_000 }))).status).toBe(201);
});
afterAll(() => host.close());

const report = (answers: Record<string, unknown>, top: Record<string, unknown> = {}) => forms("POST", "/forms/responses", submission({ answers, ...top }));
const detail = async (id: string) => (await api("GET", `/contributions/${id}`)).body as { warnings: Warning[]; audit: { action: string; detail: string }[]; evidenceStatus: string };
const evidenceOnly = (ref: string, links: { name: string; link: string }[]) =>
  forms("POST", "/forms/responses", submission({ answers: { contractRef: "", supplier: "", measureCode: "", quantity: "", periodStart: "", periodEnd: "", evidenceFor: ref, evidence: links } }));

describe("possible-duplicate", () => {
  it("the first report carries none; the same figures again name it; a retry of either adds nothing", async () => {
    const first = await report({ supplier: "Dup One Ltd", quantity: "52" }, { responseId: "dup-1" });
    expect(first.status).toBe(201);
    expect((await detail(first.body.id)).warnings).toEqual([]);

    const second = await report({ supplier: "dup one ltd ", quantity: "52", periodStart: "2026-09-01", periodEnd: "2026-10-31" }, { responseId: "dup-2" });
    expect(second.status).toBe(201); // never refused
    const [warning, ...more] = (await detail(second.body.id)).warnings;
    expect(more).toEqual([]);
    expect(warning).toMatchObject({ code: "possible-duplicate", relatedIds: [first.body.id] });

    // Power Automate sending both again: the same contributions, and the first still has no warning about the second.
    expect((await report({ supplier: "Dup One Ltd", quantity: "52" }, { responseId: "dup-1" })).status).toBe(200);
    expect((await report({ supplier: "dup one ltd ", quantity: "52", periodStart: "2026-09-01", periodEnd: "2026-10-31" }, { responseId: "dup-2" })).status).toBe(200);
    expect((await detail(first.body.id)).warnings).toEqual([]);
    expect((await detail(second.body.id)).warnings).toHaveLength(1);
    expect((await detail(second.body.id)).audit[0]?.detail).toContain(`needs a look: possible-duplicate (${first.body.id})`);
  });

  it("compares fractional quantities as the form sends them (\"2.5\" is 2.5)", async () => {
    const first = await report({ supplier: "Half Time Ltd", measureCode: "J1", quantity: 2.5 });
    const again = await report({ supplier: "Half Time Ltd", measureCode: "J1", quantity: "2.5" });
    expect((await detail(again.body.id)).warnings).toEqual([expect.objectContaining({ code: "possible-duplicate", relatedIds: [first.body.id] })]);
  });

  it("a claim sent many times names the first few earlier ones and says there are more", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push((await report({ supplier: "Repeat Ltd", measureCode: "E2", quantity: 900, evidence: [{ name: "miles.xlsx", link: "https://repeat.example/miles.xlsx" }] })).body.id);
    const last = (await detail(ids[7] ?? "")).warnings;
    expect(last).toHaveLength(2);
    for (const w of last) {
      expect(w.relatedIds).toHaveLength(5);
      expect(ids.slice(0, 7)).toEqual(expect.arrayContaining(w.relatedIds ?? []));
      expect(w.message).toMatch(/ and more$/);
    }
  });

  it("another quantity or a period after it is not a duplicate", async () => {
    expect((await report({ supplier: "Dup Two Ltd", quantity: 10 })).status).toBe(201);
    const other = await report({ supplier: "Dup Two Ltd", quantity: 11 });
    const later = await report({ supplier: "Dup Two Ltd", quantity: 10, periodStart: "2026-10-01", periodEnd: "2026-10-31" });
    expect((await detail(other.body.id)).warnings).toEqual([]);
    expect((await detail(later.body.id)).warnings).toEqual([]);
  });

  it("the same evidence link on another contract, sent with the figures or later, names the contribution that used it first", async () => {
    const link = "https://acme.sharepoint.com/sites/forms/Shared%20Documents/Timesheets-Q3.pdf";
    const first = await report({ supplier: "Evidence Reuse Ltd", evidence: [{ name: "timesheets-q3.pdf", link }] });
    expect((await detail(first.body.id)).warnings).toEqual([]);

    const onOther = await report({ contractRef: "C-2002", supplier: "Evidence Reuse Ltd", measureCode: "S1", quantity: 30, evidence: [{ name: "ts.pdf", link: `${link.toLowerCase()}?web=1` }] });
    expect(onOther.status).toBe(201);
    expect((await detail(onOther.body.id)).warnings).toEqual([expect.objectContaining({ code: "possible-duplicate", relatedIds: [first.body.id] })]);

    const plain = await report({ supplier: "Evidence Reuse Ltd", measureCode: "E3", quantity: 4 });
    expect((await detail(plain.body.id)).warnings).toEqual([]);
    const attached = await evidenceOnly(plain.body.id, [{ name: "again.pdf", link }]);
    expect(attached.status).toBe(201);
    const flagged = (await detail(plain.body.id)).warnings;
    expect(flagged).toEqual([expect.objectContaining({ code: "possible-duplicate" })]);
    expect(flagged[0]?.relatedIds?.sort()).toEqual([first.body.id, onOther.body.id].sort());
    const trail = (await detail(plain.body.id)).audit.find((a) => a.action === "evidence-submitted");
    expect(trail?.detail).toContain("Needs a look: possible-duplicate");
  });
});

describe("implausible-value and the period", () => {
  it("flags one contribution worth more than the contract, and one above the bound an officer set", async () => {
    const big = await report({ contractRef: "C-2002", supplier: "Big Claims Ltd", measureCode: "J1", quantity: 2 });
    expect(big.status).toBe(201);
    expect((await detail(big.body.id)).warnings).toEqual([expect.objectContaining({ code: "implausible-value", message: expect.stringContaining("£40,000.00") })]);

    const contract = await api("GET", "/contracts/C-1001");
    const patched = await api("PATCH", "/contracts/C-1001", { warningBounds: { S1: { maxQuantity: 500 } } }, { "if-match": contract.headers.get("etag") ?? "" });
    expect(patched.status).toBe(200);
    expect(patched.body.warningBounds).toEqual({ S1: { maxQuantity: 500 } });
    const volunteering = await report({ supplier: "Big Claims Ltd", measureCode: "S1", quantity: 5000 });
    expect((await detail(volunteering.body.id)).warnings).toEqual([expect.objectContaining({ code: "implausible-value", message: expect.stringContaining("more than the 500 set for one S1") })]);
  });

  it("flags a period outside the contract and one not yet over when reported", async () => {
    const res = await report({ supplier: "Early Bird Ltd", periodStart: "2026-03-01", periodEnd: "2026-12-31" });
    expect(res.status).toBe(201);
    expect((await detail(res.body.id)).warnings.map((w) => w.code)).toEqual(["outside-contract-period", "period-not-ended"]);
  });

  it("a contribution recorded by hand is checked the same way", async () => {
    const res = await api("POST", "/contributions", { contractRef: "C-2002", supplier: "Big Claims Ltd", measureCode: "J1", quantity: 2, periodStart: "2026-07-01", periodEnd: "2026-09-30" });
    expect(res.status).toBe(201);
    expect(res.body.warnings.map((w: Warning) => w.code)).toEqual(["possible-duplicate", "implausible-value"]);
  });
});

describe("needs a look, and an officer's decision", () => {
  let flaggedId: string;
  let etag: string;

  beforeAll(async () => {
    const first = await report({ supplier: "Decision Ltd", quantity: 8, evidence: [{ name: "a.pdf", link: "https://decision.example/a.pdf" }] });
    const again = await report({ supplier: "Decision Ltd", quantity: 8, evidence: [{ name: "b.pdf", link: "https://decision.example/b.pdf" }] });
    expect((await detail(first.body.id)).warnings).toEqual([]);
    flaggedId = again.body.id;
  });

  const load = async (id: string) => {
    const res = await api("GET", `/contributions/${id}`);
    etag = res.headers.get("etag") ?? "";
    return res;
  };
  const ids = (res: Answer) => (res.body.items as { id: string }[]).map((c) => c.id);

  it("GET /api/contributions?needsLook=true lists flagged contributions only, with every filter", async () => {
    const flagged = await api("GET", "/contributions?needsLook=true&pageSize=1000");
    expect(flagged.status).toBe(200);
    expect(ids(flagged)).toContain(flaggedId);
    expect((flagged.body.items as { warnings: Warning[] }[]).every((c) => c.warnings.length > 0)).toBe(true);
    expect(ids(await api("GET", "/contributions?needsLook=true&supplier=Decision%20Ltd"))).toEqual([flaggedId]);
    expect(ids(await api("GET", "/contributions?needsLook=true&contractId=C-1001&supplier=Decision%20Ltd"))).toEqual([flaggedId]);
    expect(ids(await api("GET", "/contributions?needsLook=false&supplier=Decision%20Ltd"))).not.toContain(flaggedId);
    const bad = await api("GET", "/contributions?needsLook=maybe");
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toEqual(["needsLook"]);
  });

  it("accepting evidence on a flagged contribution needs confirmWarnings, else 409 naming the warnings", async () => {
    await load(flaggedId);
    const refused = await api("POST", `/contributions/${flaggedId}/review`, { decision: "accept" }, { "if-match": etag });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("warnings-unconfirmed");
    expect(refused.body.error.message).toContain("possible-duplicate");
    expect((await detail(flaggedId)).evidenceStatus).toBe("submitted");
  });

  it("clearing needs If-Match and a reason; a stale ETag is 412; the decision goes into the audit trail", async () => {
    await load(flaggedId);
    expect((await api("POST", `/contributions/${flaggedId}/warnings/clear`, { reason: "Checked" })).status).toBe(428);
    const noReason = await api("POST", `/contributions/${flaggedId}/warnings/clear`, { reason: " " }, { "if-match": etag });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details[0].path).toEqual(["reason"]);
    expect((await api("POST", `/contributions/${flaggedId}/warnings/clear`, { reason: "Checked" }, { "if-match": 'W/"stale"' })).status).toBe(412);

    const cleared = await api("POST", `/contributions/${flaggedId}/warnings/clear`, { reason: "Two apprentices, two separate placements; payroll checked" }, { "if-match": etag });
    expect(cleared.status).toBe(200);
    expect(cleared.body.warnings).toEqual([]);
    const entry = (cleared.body.audit as { action: string; actor: string; detail: string }[]).find((a) => a.action === "warnings-cleared");
    expect(entry).toMatchObject({ actor: "officer@council.example" });
    expect(entry?.detail).toContain("possible-duplicate");
    expect(entry?.detail).toContain("Reason: Two apprentices, two separate placements; payroll checked.");
    expect(ids(await api("GET", "/contributions?needsLook=true&supplier=Decision%20Ltd"))).toEqual([]);

    const again = await api("POST", `/contributions/${flaggedId}/warnings/clear`, { reason: "Checked" }, { "if-match": cleared.headers.get("etag") ?? "" });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("no-warnings");
    // Cleared, so the evidence can be accepted without more confirmation.
    expect((await api("POST", `/contributions/${flaggedId}/review`, { decision: "accept" }, { "if-match": cleared.headers.get("etag") ?? "" })).status).toBe(200);
  });

  it("accepting with confirmWarnings clears them and says so in the trail", async () => {
    const third = await report({ supplier: "Decision Ltd", quantity: 8, evidence: [{ name: "c.pdf", link: "https://decision.example/a.pdf" }] });
    expect((await detail(third.body.id)).warnings.length).toBeGreaterThan(0);
    await load(third.body.id);
    const accepted = await api("POST", `/contributions/${third.body.id}/review`, { decision: "accept", confirmWarnings: true }, { "if-match": etag });
    expect(accepted.status).toBe(200);
    expect(accepted.body.warnings).toEqual([]);
    const entry = (accepted.body.audit as { action: string; detail: string }[]).find((a) => a.action === "accepted");
    expect(entry?.detail).toContain("Warnings confirmed and cleared: possible-duplicate");
  });
});

describe("a retried submission never warns about itself", () => {
  it("cut off after any number of storage requests, the retry names only the earlier contribution", async () => {
    const proxy = await startFaultProxy(portOf(testStorage()));
    try {
      const cut = await testApp({ storage: azuriteConnectionString(proxy.port) });
      const officer = { authorization: `Bearer ${await cut.token()}` };
      expect((await invoke(cut.deps, "contractsCreate", { body: exampleContract(), headers: officer })).status).toBe(201);
      // Each round: an earlier contribution, then the same figures and evidence again, cut off after `budget` storage requests and retried.
      const round = async (budget: number | undefined) => {
        const supplier = `Retry ${budget ?? "whole"} Ltd`;
        const evidence = [{ name: "shared.pdf", link: `https://retry.example/${budget ?? "whole"}/shared.pdf` }];
        const earlier = await invoke(cut.deps, "formsResponses", { body: submission({ answers: { supplier, evidence } }), headers: secret });
        expect(earlier.status).toBe(201);
        const body = submission({ answers: { supplier, evidence } });
        const before = proxy.forwarded();
        if (budget !== undefined) proxy.failAfter(budget);
        const tried = await invoke(cut.deps, "formsResponses", { body, headers: secret });
        const used = proxy.forwarded() - before;
        proxy.heal();
        const retry = tried.status === 201 ? tried : await invoke(cut.deps, "formsResponses", { body, headers: secret });
        expect([200, 201]).toContain(retry.status);
        const saved = await invoke(cut.deps, "contributionsGet", { path: `contributions/${retry.body.id}`, params: { id: retry.body.id }, headers: officer });
        // Two warnings (the figures, the evidence), each naming the earlier contribution and never the retried one itself.
        expect(saved.body.warnings).toEqual([
          expect.objectContaining({ code: "possible-duplicate", relatedIds: [earlier.body.id] }),
          expect.objectContaining({ code: "possible-duplicate", relatedIds: [earlier.body.id] }),
        ]);
        return { status: tried.status, used };
      };
      const whole = await round(undefined);
      expect(whole.status).toBe(201);
      const outcomes = new Set<number>();
      for (let budget = 0; budget <= whole.used; budget++) outcomes.add((await round(budget)).status);
      expect([...outcomes].sort()).toEqual([201, 503]);
    } finally {
      await proxy.close();
    }
  });
});
