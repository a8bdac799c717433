import { TableClient } from "@azure/data-tables";
import { azuriteConnectionString } from "../../../scripts/azurite";
import { formReference } from "../../../api/src/ingest/references";
import type { Deps } from "../../../api/src/deps";
import { StorageUnavailableError } from "../../../api/src/store/errors";
import { TABLES } from "../../../api/src/store/tables";
import { failingStore } from "../../support/failingStore";
import type { FailingStore } from "../../support/failingStore";
import { startFaultProxy, portOf } from "../../support/faultProxy";
import type { FaultProxy } from "../../support/faultProxy";
import { exampleContract, INGEST_SECRET, invoke, submission, testApp, testStorage } from "../../support/harness";
import type { TestApp } from "../../support/harness";

jest.setTimeout(60_000);

/*
 * No number becomes a 500, and no refused write leaves half a contribution. Figures no ledger can
 * hold are refused before the first write; a write that fails after the first one either leaves
 * what a retry finishes, or is taken back.
 */

const secret = { "x-ingest-secret": INGEST_SECRET };
type Details = { path: (string | number)[]; message: string }[];

async function setUp(storage?: string): Promise<{ app: TestApp; officer: Record<string, string> }> {
  const app = await testApp(storage ? { storage } : {});
  const officer = { authorization: `Bearer ${await app.token()}` };
  expect((await invoke(app.deps, "contractsCreate", { body: exampleContract(), headers: officer })).status).toBe(201);
  return { app, officer };
}

const quarantinedIds = async (deps: Deps) => (await deps.store.listQuarantine({ pageSize: 1000 })).items.map((q) => q.id);

/** Rows of one table, straight from Azurite, that name the contribution `id`. */
async function rowsNaming(app: TestApp, table: keyof typeof TABLES, id: string): Promise<number> {
  const client = TableClient.fromConnectionString(testStorage(), `${app.deps.settings.tablePrefix}${TABLES[table]}`, { allowInsecureConnection: true });
  let n = 0;
  for await (const row of client.listEntities<Record<string, unknown>>()) if (row.partitionKey === id || row.contributionId === id || String(row.rowKey).includes(id)) n++;
  return n;
}

describe("figures no ledger can hold: 400 naming the field, quarantined, nothing else written", () => {
  let app: TestApp;
  let officer: Record<string, string>;
  beforeAll(async () => ({ app, officer } = await setUp()));

  it.each([
    ["1e308 FTE of a proxy measure", "J1", 1e308],
    ["a quantity whose £ value is past what pence can hold", "J1", 1e12],
    ["1e308 of a record-only measure", "G3", 1e308],
    ["1e308 pounds of a face-value measure", "S2", 1e308],
  ])("%s", async (_what, measureCode, quantity) => {
    const body = submission({ answers: { measureCode, quantity } });
    const res = await invoke(app.deps, "formsResponses", { body, headers: secret });
    expect(res.status).toBe(400);
    const details = res.body.error.details as Details;
    expect(details.map((d) => d.path.join("."))).toEqual(["answers.quantity"]);
    expect(details[0]?.message).toMatch(/check the figure/);
    expect(await quarantinedIds(app.deps)).toContain(res.headers.get("x-quarantine-id"));
    const id = formReference(String(body.formId), String(body.responseId), 0);
    expect(await app.deps.store.findReference(id)).toBeUndefined();
    expect(await rowsNaming(app, "suppliers", id)).toBe(0);
    expect(await rowsNaming(app, "due", id)).toBe(0);
    // The flow sends it again: the same refusal, never a 500.
    expect((await invoke(app.deps, "formsResponses", { body, headers: secret })).status).toBe(400);
  });

  it("a quantity JSON can only read as Infinity is refused too", async () => {
    const text = JSON.stringify(submission({ answers: { quantity: 7 } })).replace('"quantity":7', '"quantity":1e999');
    const res = await invoke(app.deps, "formsResponses", { body: text, headers: secret });
    expect(res.status).toBe(400);
    expect((res.body.error.details as Details).map((d) => d.path.join("."))).toContain("answers.quantity");
  });

  it("an officer's manual record and the other numeric fields answer 400, never 500", async () => {
    const manual = { contractRef: "C-1001", supplier: "Acme Build Ltd", measureCode: "J1", quantity: 1e308, periodStart: "2026-07-01", periodEnd: "2026-09-30", responder: "jo@acme.example" };
    const recorded = await invoke(app.deps, "contributionsCreate", { body: manual, headers: officer });
    expect(recorded.status).toBe(400);
    expect((recorded.body.error.details as Details).map((d) => d.path.join("."))).toEqual(["quantity"]);
    const commitments = await invoke(app.deps, "commitmentsPut", { method: "PUT", path: "contracts/C-1001/commitments", params: { id: "C-1001" }, body: { commitments: [{ measureCode: "J1", quantity: 1e308 }] }, headers: officer });
    expect(commitments.status).toBeLessThan(500);
    const contract = await invoke(app.deps, "contractsCreate", { body: exampleContract({ id: "C-1002", value: 1e308 }), headers: officer });
    expect(contract.status).toBeLessThan(500);
    const values = await invoke(app.deps, "valuesBatch", { body: { queries: [{ kind: "delivered", contract: "C-1001" }] }, headers: officer });
    expect(values.status).toBe(200);
  });
});

describe("a store that fails a chosen write after the first one (a fake at the store port)", () => {
  let app: TestApp;
  let officer: Record<string, string>;
  let failing: FailingStore;
  let deps: Deps;
  beforeAll(async () => {
    ({ app, officer } = await setUp());
    failing = failingStore(app.deps.store);
    deps = { ...app.deps, store: failing.store };
  });
  const down = () => new StorageUnavailableError(new Error("the fake's chosen write failed"));
  const ofSupplier = async (supplier: string) =>
    (await invoke(deps, "contributionsList", { path: `contributions?contractId=C-1001&supplier=${encodeURIComponent(supplier)}`, headers: officer })).body.items as { id: string }[];

  it("the contribution's write fails after the inbox write: 503, then the retry saves it once", async () => {
    const body = submission({ answers: { supplier: "Port Fault One Ltd" } });
    failing.failNext("createContribution", down());
    const first = await invoke(deps, "formsResponses", { body, headers: secret });
    expect(first.status).toBe(503);
    expect(await ofSupplier("Port Fault One Ltd")).toEqual([]);
    const retry = await invoke(deps, "formsResponses", { body, headers: secret });
    expect(retry.status).toBe(201);
    expect((await ofSupplier("Port Fault One Ltd")).map((c) => c.id)).toEqual([retry.body.id]);
    expect((await invoke(deps, "formsResponses", { body, headers: secret })).status).toBe(200);
  });

  it("the quarantine write fails for a refused submission: 503, then the retry keeps it once", async () => {
    const body = submission({ answers: { supplier: "Port Fault Two Ltd", quantity: "lots" } });
    const before = (await quarantinedIds(deps)).length;
    failing.failNext("addToQuarantine", down());
    expect((await invoke(deps, "formsResponses", { body, headers: secret })).status).toBe(503);
    expect((await quarantinedIds(deps)).length).toBe(before);
    const retry = await invoke(deps, "formsResponses", { body, headers: secret });
    expect(retry.status).toBe(400);
    expect((await quarantinedIds(deps)).length).toBe(before + 1);
  });

  it("attaching evidence fails: 503, then the retry attaches it once", async () => {
    const ref = (await invoke(deps, "formsResponses", { body: submission({ answers: { supplier: "Port Fault Three Ltd" } }), headers: secret })).body.id as string;
    const evidence = submission({
      answers: { contractRef: "", supplier: "", measureCode: "", quantity: "", periodStart: "", periodEnd: "", evidenceFor: ref, evidence: [{ name: "payroll.pdf", link: "https://acme.example/payroll.pdf" }] },
    });
    failing.failNext("updateContribution", down());
    expect((await invoke(deps, "formsResponses", { body: evidence, headers: secret })).status).toBe(503);
    expect((await invoke(deps, "formsResponses", { body: evidence, headers: secret })).status).toBe(201);
    expect((await invoke(deps, "formsResponses", { body: evidence, headers: secret })).status).toBe(200);
    const detail = await invoke(deps, "contributionsGet", { path: `contributions/${ref}`, params: { id: ref }, headers: officer });
    expect(detail.body.evidence).toHaveLength(1);
    expect(detail.body.audit.filter((a: { action: string }) => a.action === "evidence-submitted")).toHaveLength(1);
  });
});

describe("Azurite refusing the contribution's transaction, after the claim and the index entries", () => {
  let proxy: FaultProxy;
  let app: TestApp;
  let officer: Record<string, string>;
  beforeAll(async () => {
    proxy = await startFaultProxy(portOf(testStorage()));
    ({ app, officer } = await setUp(azuriteConnectionString(proxy.port)));
  });
  afterAll(() => proxy.close());
  afterEach(() => proxy.heal());
  const batch = (method: string, path: string) => method === "POST" && path.includes("$batch");

  it("refused for its content (400): the claim and index entries are taken back, the submission quarantined", async () => {
    const body = submission({ answers: { supplier: "Refused Content Ltd" } });
    const id = formReference(String(body.formId), String(body.responseId), 0);
    proxy.refuse(batch, 400, "InvalidInput");
    const res = await invoke(app.deps, "formsResponses", { body, headers: secret });
    proxy.heal();
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].message).toMatch(/Storage refused to keep contribution .*nothing of it was kept/);
    expect(await quarantinedIds(app.deps)).toContain(res.headers.get("x-quarantine-id"));
    expect(await app.deps.store.findReference(id)).toBeUndefined();
    expect(await rowsNaming(app, "suppliers", id)).toBe(0);
    expect(await rowsNaming(app, "due", id)).toBe(0);
    expect(await rowsNaming(app, "contributions", id)).toBe(0);
    // Storage takes it when sent again: the reference is free, so it is saved once.
    const retry = await invoke(app.deps, "formsResponses", { body, headers: secret });
    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe(id);
    expect(await rowsNaming(app, "suppliers", id)).toBe(1);
  });

  it("failing storage (500): 503, the claim is kept, and the retry finishes the contribution once", async () => {
    const body = submission({ answers: { supplier: "Failing Storage Ltd" } });
    const id = formReference(String(body.formId), String(body.responseId), 0);
    proxy.refuse(batch, 500, "InternalError");
    expect((await invoke(app.deps, "formsResponses", { body, headers: secret })).status).toBe(503);
    proxy.heal();
    expect(await app.deps.store.findReference(id)).toMatchObject({ contractId: "C-1001", formId: body.formId });
    const retry = await invoke(app.deps, "formsResponses", { body, headers: secret });
    expect(retry.status).toBe(201);
    const listed = await invoke(app.deps, "contributionsList", { path: `contributions?contractId=C-1001&supplier=${encodeURIComponent("Failing Storage Ltd")}`, headers: officer });
    expect(listed.body.items.map((c: { id: string }) => c.id)).toEqual([id]);
  });
});
