import { EXAMPLE_PACK, PortfolioViewSchema, toPence } from "../../../shared";
import type { ContractInput } from "../../../shared";
import { buildContribution, createdAudit } from "../../../api/src/ingest/contribution";
import { formReference } from "../../../api/src/ingest/references";
import { exampleContract, INGEST_SECRET, invoke, submission, testApp } from "../../support/harness";
import type { TestApp } from "../../support/harness";

jest.setTimeout(60_000);

/**
 * A ledger from before the portfolio existed: contributions stored with no running totals. The
 * first counting of such a contract counts all of it, and a portfolio read counts a contract
 * nobody has written to since, so an upgrade loses nothing from the figures.
 */

let app: TestApp;
let officer: Record<string, string>;
let manager: Record<string, string>;
const proxyJ3 = EXAMPLE_PACK.measures.find((m) => m.code === "J3")?.proxy ?? NaN;

/** Contributions saved the way the store saved them before there were totals to keep. */
async function storeWithoutCounting(contractId: string, quantities: number[]): Promise<void> {
  const contract = await app.deps.store.getContract(contractId);
  const pack = await app.deps.packs.get(EXAMPLE_PACK.id, EXAMPLE_PACK.edition);
  const measure = pack?.byCode.get("J3");
  if (!contract || !pack || !measure) throw new Error("the contract or the example pack is missing");
  for (const [n, amount] of quantities.entries()) {
    const responseId = `${contractId}-${n}`;
    const c = buildContribution({
      id: formReference("before-portfolio", responseId, 0),
      context: { contract: contract.value, pack, measure },
      report: { contractRef: contractId, supplier: "Acme Build Ltd", measureCode: "J3", quantity: { amount, unit: null }, periodStart: "2026-04-01", periodEnd: "2026-06-30", description: "Stored before the portfolio", evidence: [] },
      responder: "jo@acme.example",
      source: { kind: "form", formId: "before-portfolio", responseId },
      submittedAt: "2026-07-01T09:00:00.000Z",
    });
    await app.deps.store.createContribution(c, createdAudit(c, c.submittedAt, c.responder, "Before the portfolio"), { owner: { contractId, formId: "before-portfolio", responseId } });
  }
}

const reportedOf = async (contractId: string) => {
  const res = await invoke(app.deps, "portfolio", { path: "portfolio?groupBy=contract", headers: manager });
  expect(res.status).toBe(200);
  return PortfolioViewSchema.parse(res.body).rows.find((r) => r.key === contractId)?.reported;
};

beforeAll(async () => {
  app = await testApp();
  officer = { authorization: `Bearer ${await app.token({ email: "sam.patel@council.example" })}` };
  manager = { authorization: `Bearer ${await app.token({ roles: ["Manager"], email: "head.of.procurement@council.example" })}` };
  await app.deps.ready();
  for (const id of ["C-7001", "C-7002"]) {
    const contract: Partial<ContractInput> = { id, startDate: "2025-04-01", endDate: "2028-03-31" };
    expect((await invoke(app.deps, "contractsCreate", { body: exampleContract(contract), headers: officer })).status).toBe(201);
  }
  await storeWithoutCounting("C-7001", [4, 6]);
  await storeWithoutCounting("C-7002", [10]);
});

test("a new submission to a contract never counted counts what was stored before it too", async () => {
  expect(await app.deps.store.portfolio.getTotals("C-7001")).toBeUndefined();
  const created = await invoke(app.deps, "formsResponses", { body: submission({ answers: { contractRef: "C-7001", measureCode: "J3", quantity: 5, periodStart: "2026-07-01", periodEnd: "2026-09-30" } }), headers: { "x-ingest-secret": INGEST_SECRET } });
  expect(created.status).toBe(201);
  const totals = await app.deps.store.portfolio.getTotals("C-7001");
  expect(totals?.totals.buckets.reduce((sum, b) => sum + b.pence, 0)).toBe(toPence(proxyJ3 * 15));
  expect(Object.keys(totals?.totals.applied ?? {})).toHaveLength(3);
});

test("a portfolio read counts a contract nobody has written to since, once", async () => {
  expect(await app.deps.store.portfolio.getTotals("C-7002")).toBeUndefined();
  expect(await reportedOf("C-7002")).toBe(toPence(proxyJ3 * 10));
  const counted = await app.deps.store.portfolio.getTotals("C-7002");
  expect(counted).toBeDefined();
  expect(await reportedOf("C-7001")).toBe(toPence(proxyJ3 * 15));
  // Read again: nothing is counted twice, and the totals are not written again.
  expect(await reportedOf("C-7002")).toBe(toPence(proxyJ3 * 10));
  expect((await app.deps.store.portfolio.getTotals("C-7002"))?.etag).toBe(counted?.etag);
});
