import { EXAMPLE_PACK } from "../../../shared";
import { startAzurite } from "../../../scripts/azurite";
import { azuriteConnectionString, freePort } from "../../../scripts/azurite";
import { startFaultProxy, portOf } from "../../support/faultProxy";
import type { FaultProxy } from "../../support/faultProxy";
import { exampleContract, INGEST_SECRET, invoke, submission, testApp, testStorage } from "../../support/harness";
import type { TestApp } from "../../support/harness";

jest.setTimeout(60_000);

const secret = { "x-ingest-secret": INGEST_SECRET };

describe("storage that cannot be reached at all", () => {
  let app: TestApp;
  beforeAll(async () => {
    // A port nobody listens on: every storage call is refused.
    app = await testApp({ storage: azuriteConnectionString(await freePort()) });
  });

  it("health says 503 and names storage", async () => {
    const started = Date.now();
    const res = await invoke(app.deps, "health");
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ status: "unavailable", storage: "unreachable" });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("a submission gets 503 with a clear message and Retry-After", async () => {
    const res = await invoke(app.deps, "formsResponses", { body: submission(), headers: secret });
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe("storage-unavailable");
    expect(res.body.error.message).toMatch(/cannot be reached.*never counted twice/);
    expect(res.headers.get("retry-after")).toBe("30");
  });

  it("the Forms checks that need no storage still come first: 401, 413, 415", async () => {
    expect((await invoke(app.deps, "formsResponses", { body: submission() })).status).toBe(401);
    expect((await invoke(app.deps, "formsResponses", { body: "x".repeat(300 * 1024), headers: secret })).status).toBe(413);
    expect((await invoke(app.deps, "formsResponses", { body: "{}", headers: { ...secret, "content-type": "text/plain" } })).status).toBe(415);
  });

  it("an officer's listing gets 503 too", async () => {
    const res = await invoke(app.deps, "contributionsList", { path: "contributions?contractId=C-1001", headers: { authorization: `Bearer ${await app.token()}` } });
    expect(res.status).toBe(503);
  });
});

describe("storage that drops out in the middle of a request", () => {
  let proxy: FaultProxy;
  let app: TestApp;
  let officer: Record<string, string>;

  beforeAll(async () => {
    proxy = await startFaultProxy(portOf(testStorage()));
    app = await testApp({ storage: azuriteConnectionString(proxy.port) });
    officer = { authorization: `Bearer ${await app.token()}` };
    expect((await invoke(app.deps, "contractsCreate", { body: exampleContract(), headers: officer })).status).toBe(201);
  });
  afterAll(() => proxy.close());
  afterEach(() => proxy.heal());

  /** Lists a contract's contributions of one supplier straight from the store, without the proxy's budget in the way. */
  const contributionsOf = async (supplier: string) => {
    const res = await invoke(app.deps, "contributionsList", { path: `contributions?contractId=C-1001&supplier=${encodeURIComponent(supplier)}`, headers: officer });
    return res.body.items as { id: string; evidenceStatus: string }[];
  };

  it("a submission cut off after any number of storage requests is either not saved or completed by the retry, exactly once", async () => {
    // A full ingestion takes about 13 storage requests (the last four count it in the portfolio's
    // running totals); cut it off after each of them in turn.
    const seen = new Set<string>();
    for (let budget = 0; budget <= 14; budget++) {
      const supplier = `Outage ${budget} Ltd`;
      const body = submission({ answers: { supplier } });
      proxy.failAfter(budget);
      const first = await invoke(app.deps, "formsResponses", { body, headers: secret });
      proxy.heal();
      expect([201, 503]).toContain(first.status);
      const visible = await contributionsOf(supplier);
      // A 503 after the contribution was saved (while it was being counted) leaves it saved, uncounted: the retry finishes.
      if (first.status === 201) expect(visible).toHaveLength(1);
      seen.add(`${first.status} ${visible.length}`);

      const retry = await invoke(app.deps, "formsResponses", { body, headers: secret });
      expect(retry.status).toBe(visible.length === 1 ? 200 : 201);
      const after = await contributionsOf(supplier);
      expect(after).toHaveLength(1);
      const detail = await invoke(app.deps, "contributionsGet", { path: `contributions/${retry.body.id}`, params: { id: retry.body.id }, headers: officer });
      expect(detail.body.audit.filter((a: { action: string }) => a.action === "created")).toHaveLength(1);
      // The overdue index has it (due 2026-10-30, overdue on the test's today).
      const overdue = await invoke(app.deps, "contributionsList", { path: `contributions?overdue=true&supplier=${encodeURIComponent(supplier)}`, headers: officer });
      expect(overdue.body.items.map((c: { id: string }) => c.id)).toEqual([retry.body.id]);
    }
    // Every outcome happened: cut off before the contribution was saved, while it was counted, and not at all.
    expect([...seen].sort()).toEqual(["201 1", "503 0", "503 1"]);
    // Each is counted in the portfolio exactly once.
    const manager = { authorization: `Bearer ${await app.token({ roles: ["Manager"] })}` };
    const view = await invoke(app.deps, "portfolio", { path: "portfolio?groupBy=supplier", headers: manager });
    const j3 = EXAMPLE_PACK.measures.find((m) => m.code === "J3")?.proxy ?? NaN;
    for (let budget = 0; budget <= 14; budget++) {
      expect(view.body.rows.find((r: { label: string }) => r.label === `Outage ${budget} Ltd`)?.reported).toBe(Math.round(52 * j3 * 100));
    }
  });

  it("evidence cut off mid-way is attached exactly once after the retry", async () => {
    const supplier = "Outage Evidence Ltd";
    const created = await invoke(app.deps, "formsResponses", { body: submission({ answers: { supplier } }), headers: secret });
    const ref = created.body.id as string;
    for (let budget = 0; budget <= 9; budget++) {
      const body = submission({ answers: { contractRef: "", supplier: "", measureCode: "", quantity: "", periodStart: "", periodEnd: "", evidenceFor: ref, evidence: [{ name: `e${budget}.pdf`, link: `https://acme.example/e${budget}.pdf` }] } });
      proxy.failAfter(budget);
      const first = await invoke(app.deps, "formsResponses", { body, headers: secret });
      proxy.heal();
      expect([201, 503]).toContain(first.status);
      const retry = await invoke(app.deps, "formsResponses", { body, headers: secret });
      expect([200, 201]).toContain(retry.status);
      // Attached by the first try or by the retry (a first try cut off while counting it left it attached: the retry is a repeat).
      if (first.status === 201) expect(retry.body.outcome).toBe("evidence-duplicate");
    }
    const detail = await invoke(app.deps, "contributionsGet", { path: `contributions/${ref}`, params: { id: ref }, headers: officer });
    expect(detail.body.evidence).toHaveLength(10);
    expect(detail.body.audit.filter((a: { action: string }) => a.action === "evidence-submitted")).toHaveLength(10);
    const overdue = await invoke(app.deps, "contributionsList", { path: `contributions?overdue=true&supplier=${encodeURIComponent(supplier)}`, headers: officer });
    expect(overdue.body.items).toEqual([]);
  });

  it("a review cut off mid-way is all or nothing", async () => {
    const supplier = "Outage Review Ltd";
    const upload = [{ name: "a.pdf", link: "https://acme.example/a.pdf" }];
    for (let budget = 0; budget <= 5; budget++) {
      const created = await invoke(app.deps, "formsResponses", { body: submission({ answers: { supplier, evidence: upload } }), headers: secret });
      const id = created.body.id as string;
      const before = await invoke(app.deps, "contributionsGet", { path: `contributions/${id}`, params: { id }, headers: officer });
      proxy.failAfter(budget);
      const review = await invoke(app.deps, "contributionsReview", {
        path: `contributions/${id}/review`,
        params: { id },
        body: { decision: "reject", reason: "Unsigned" },
        headers: { ...officer, "if-match": before.headers.get("etag") ?? "" },
      });
      proxy.heal();
      expect([200, 503]).toContain(review.status);
      const after = await invoke(app.deps, "contributionsGet", { path: `contributions/${id}`, params: { id }, headers: officer });
      const rejectedEntries = after.body.audit.filter((a: { action: string }) => a.action === "rejected").length;
      if (after.body.evidenceStatus === "rejected") {
        expect(after.body).toMatchObject({ rejectionReason: "Unsigned", evidenceDueDate: "2026-12-26" });
        expect(rejectedEntries).toBe(1);
      } else {
        expect(review.status).toBe(503);
        expect(after.body.evidenceStatus).toBe("submitted");
        expect(after.headers.get("etag")).toBe(before.headers.get("etag"));
        expect(rejectedEntries).toBe(0);
      }
    }
  });
});

describe("a dedicated Azurite killed while the API runs", () => {
  it("answers 503 once it is gone, and health says so", async () => {
    const azurite = await startAzurite();
    try {
      const app = await testApp({ storage: azurite.connectionString });
      const officer = { authorization: `Bearer ${await app.token()}` };
      expect((await invoke(app.deps, "contractsCreate", { body: exampleContract(), headers: officer })).status).toBe(201);
      expect((await invoke(app.deps, "formsResponses", { body: submission(), headers: secret })).status).toBe(201);
      await azurite.stop();
      const res = await invoke(app.deps, "formsResponses", { body: submission(), headers: secret });
      expect(res.status).toBe(503);
      expect((await invoke(app.deps, "health")).status).toBe(503);
    } finally {
      await azurite.stop();
    }
  });
});
