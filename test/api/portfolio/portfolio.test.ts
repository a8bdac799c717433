import { EXAMPLE_PACK, expectedDelivery, PortfolioViewSchema, toPence } from "../../../shared";
import type { PortfolioView } from "../../../shared";
import type { Deps } from "../../../api/src/deps";
import type { LedgerStore } from "../../../api/src/store/ports";
import { exampleContract, INGEST_SECRET, invoke, startHost, submission, testApp, TODAY } from "../../support/harness";
import type { TestApp } from "../../support/harness";

jest.setTimeout(60_000);

/** GET /api/portfolio from contributions and reviews as they land: the running totals, who sees what, repeats and failures. */

const secret = { "x-ingest-secret": INGEST_SECRET };
let app: TestApp;
let officer: Record<string, string>;
let manager: Record<string, string>;
let otherOfficer: Record<string, string>;

const proxy = (code: string) => EXAMPLE_PACK.measures.find((m) => m.code === code)?.proxy ?? NaN;

async function portfolio(headers: Record<string, string>, query = "", deps: Deps = app.deps): Promise<PortfolioView> {
  const res = await invoke(deps, "portfolio", { path: `portfolio${query}`, headers });
  expect(res.status).toBe(200);
  return PortfolioViewSchema.parse(res.body);
}

async function review(id: string, decision: "accept" | "reject", deps: Deps = app.deps) {
  const etag = (await invoke(deps, "contributionsGet", { path: `contributions/${id}`, params: { id }, headers: officer })).headers.get("etag") ?? "";
  return invoke(deps, "contributionsReview", { path: `contributions/${id}/review`, params: { id }, body: decision === "accept" ? { decision } : { decision, reason: "The timesheets are unsigned." }, headers: { ...officer, "if-match": etag } });
}

const withEvidence = (evidenceFor: string, responseId: string) =>
  submission({ responseId, answers: { contractRef: "", supplier: "", measureCode: "", quantity: "", periodStart: "", periodEnd: "", evidenceFor, evidence: [{ name: "timesheets.pdf", link: `https://acme.example/${responseId}/timesheets.pdf` }] } });

beforeAll(async () => {
  app = await testApp();
  officer = { authorization: `Bearer ${await app.token({ email: "sam.patel@council.example" })}` };
  otherOfficer = { authorization: `Bearer ${await app.token({ email: "priya.shah@council.example" })}` };
  manager = { authorization: `Bearer ${await app.token({ roles: ["Manager"], email: "head.of.procurement@council.example" })}` };
  await app.deps.ready();
  for (const [id, service] of [["C-1001", "Highways"], ["C-2002", "Adult Social Care"]] as const) {
    const contract = exampleContract({ id, service, startDate: "2025-04-01", endDate: "2028-03-31", ...(id === "C-2002" ? { contractManager: { name: "Priya Shah", email: "priya.shah@council.example" } } : {}) });
    expect((await invoke(app.deps, "contractsCreate", { body: contract, headers: officer })).status).toBe(201);
    const commitments = { commitments: [{ measureCode: "J1", quantity: id === "C-1001" ? 10 : 2 }] };
    expect((await invoke(app.deps, "commitmentsPut", { method: "PUT", path: `contracts/${id}/commitments`, params: { id }, body: commitments, headers: officer })).status).toBe(200);
  }
});

describe("GET /api/portfolio", () => {
  let first: string;

  it("counts a contribution once as it lands, again after evidence and review, whatever the repeats", async () => {
    const body = submission({ answers: { measureCode: "J1", quantity: 1, periodEnd: "2026-09-30" } });
    const created = await invoke(app.deps, "formsResponses", { body, headers: secret });
    expect(created.status).toBe(201);
    first = created.body.id;
    // The flow retries: 5 repeats, 3 at once.
    await Promise.all([1, 2, 3].map(() => invoke(app.deps, "formsResponses", { body, headers: secret })));
    expect((await invoke(app.deps, "formsResponses", { body, headers: secret })).status).toBe(200);

    let view = await portfolio(manager);
    expect(view.totals).toMatchObject({ reported: toPence(proxy("J1")), delivered: 0 });
    expect(view.illustrative).toBe("only");
    expect(view.packs).toEqual([`example ${EXAMPLE_PACK.edition}`]);

    expect((await invoke(app.deps, "formsResponses", { body: withEvidence(first, "ev-1"), headers: secret })).status).toBe(201);
    expect((await review(first, "accept")).status).toBe(200);
    view = await portfolio(manager);
    expect(view.totals).toMatchObject({ reported: 0, delivered: toPence(proxy("J1")) });
    const committed = toPence(12 * proxy("J1"));
    expect(view.totals.committed).toBe(committed);
    // Per commitment, TOMS.EXPECTED's curve as of today (in the organisation's time zone).
    const expected = Math.round(expectedDelivery(toPence(10 * proxy("J1")), "2025-04-01", "2028-03-31", TODAY)) + Math.round(expectedDelivery(toPence(2 * proxy("J1")), "2025-04-01", "2028-03-31", TODAY));
    expect(view.totals.expected).toBe(expected);
    expect(view.rows.map((r) => r.key)).toEqual(["C-1001", "C-2002"]);
    expect(view.dominance).toContainEqual(expect.objectContaining({ by: "contract", key: "C-1001", measure: "committed" }));
  });

  it("twenty submissions at once for one contract are each counted once", async () => {
    const bodies = Array.from({ length: 20 }, (_, i) => submission({ responseId: `burst-${i}`, answers: { contractRef: "C-2002", measureCode: "J3", quantity: 1, periodStart: "2026-04-01", periodEnd: "2026-06-30" } }));
    const answers = await Promise.all(bodies.map((body) => invoke(app.deps, "formsResponses", { body, headers: secret })));
    expect(answers.map((a) => `${a.status} ${a.status === 201 ? "" : JSON.stringify(a.body)}`)).toEqual(answers.map(() => "201 "));
    const view = await portfolio(manager, "?groupBy=contract");
    const row = view.rows.find((r) => r.key === "C-2002");
    expect(row?.reported).toBe(20 * toPence(proxy("J3")));
    // Period ended 30 June, grace 30 days: overdue on 26 November.
    expect(row).toMatchObject({ overdueCount: 20, overdue: 20 * toPence(proxy("J3")) });
  });

  it("officers see the contracts they manage; managers see all; the totals are the sum of the rows in every grouping", async () => {
    expect((await portfolio(officer)).rows.map((r) => r.key)).toEqual(["C-1001"]);
    expect((await portfolio(otherOfficer)).rows.map((r) => r.key)).toEqual(["C-2002"]);
    for (const groupBy of ["contract", "supplier", "service", "theme", "year"]) {
      const view = await portfolio(manager, `?groupBy=${groupBy}`);
      for (const f of ["committed", "expected", "delivered", "reported", "overdue", "rejected", "gap"] as const) expect(view.rows.reduce((s, r) => s + r[f], 0)).toBe(view.totals[f]);
    }
    expect((await portfolio(manager, "?groupBy=service")).rows.map((r) => r.label).sort()).toEqual(["Adult Social Care", "Highways"]);
  });

  it("refuses a bad query with the field path", async () => {
    const bad = await invoke(app.deps, "portfolio", { path: "portfolio?groupBy=person&from=2026-13-01", headers: manager });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { path: string[] }) => d.path[0]).sort()).toEqual(["from", "groupBy"]);
    const backwards = await invoke(app.deps, "portfolio", { path: "portfolio?from=2026-10-01&to=2026-09-01", headers: manager });
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.details[0].path).toEqual(["to"]);
  });

  it("a review whose counting failed after it was written is counted on the next read", async () => {
    const created = await invoke(app.deps, "formsResponses", { body: submission({ responseId: "late-1", answers: { measureCode: "J1", quantity: 1, periodStart: "2026-04-01", periodEnd: "2026-06-30" } }), headers: secret });
    const id = created.body.id as string;
    const attached = await invoke(app.deps, "formsResponses", { body: withEvidence(id, "ev-late-1"), headers: secret });
    expect([attached.status, attached.body]).toEqual([201, expect.anything()]);
    const before = (await portfolio(manager)).totals;

    const real = app.deps.store;
    const totals = real.portfolio;
    let failures = 1;
    const broken: LedgerStore = {
      ...real,
      portfolio: {
        getTotals: (c, ids) => totals.getTotals(c, ids),
        saveTotals: (t, e) => (failures-- > 0 ? Promise.reject(new Error("storage lost")) : totals.saveTotals(t, e)),
        listTotals: (ids) => totals.listTotals(ids),
        markPending: (c, i) => totals.markPending(c, i),
        clearPending: (c, i) => totals.clearPending(c, i),
        listPending: () => totals.listPending(),
      },
    };
    const deps = { ...app.deps, store: broken };
    expect((await review(id, "accept", deps)).status).toBe(500);
    // The review itself stands; the next read of the portfolio counts it.
    expect((await invoke(app.deps, "contributionsGet", { path: `contributions/${id}`, params: { id }, headers: officer })).body.evidenceStatus).toBe("accepted");
    const after = (await portfolio(manager)).totals;
    expect(after.delivered - before.delivered).toBe(toPence(proxy("J1")));
    expect(before.reported - after.reported).toBe(toPence(proxy("J1")));
    expect(await real.portfolio.listPending()).toEqual([]);
  });

  it("is for signed-in officers and managers only, and carries no people", async () => {
    expect((await invoke(app.deps, "portfolio", { path: "portfolio", headers: {} })).status).toBe(401);
    const text = JSON.stringify(await Promise.all(["contract", "supplier", "service", "theme", "year"].map((g) => portfolio(manager, `?groupBy=${g}`))));
    expect(text).not.toMatch(/@|Sam Patel|Priya Shah|jo@acme/);
  });
});

describe("GET /api/portfolio/report", () => {
  it("is one self-contained HTML page whose figures are the API's, with no people in it", async () => {
    const host = await startHost(app.deps);
    try {
      const res = await fetch(`${host.url}/api/portfolio/report`, { headers: manager });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
      const html = await res.text();
      const view = await portfolio(manager);
      const shown = (name: string) => Number(new RegExp(`data-figure="${name.replace(".", "\\.")}" data-pence="(-?\\d+)"`).exec(html)?.[1]);
      for (const f of ["committed", "expected", "delivered", "gap", "reported", "overdue", "rejected"] as const) expect(shown(`totals.${f}`)).toBe(view.totals[f]);
      expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="en-GB">/);
      expect(html).not.toMatch(/<script|src=|href="http/);
      expect(html).not.toMatch(/[\w.-]+@[\w-]+\.\w+|Sam Patel|Priya Shah/);
      expect(html).toContain(`example ${EXAMPLE_PACK.edition}`);
      expect((await fetch(`${host.url}/api/portfolio/report`)).status).toBe(401);
    } finally {
      await host.close();
    }
  });
});
