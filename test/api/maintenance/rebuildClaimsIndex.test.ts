import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import type { TableEntity } from "@azure/data-tables";
import { azuriteConnectionString, freePort } from "../../../scripts/azurite";
import { rebuildClaimsIndex } from "../../../api/src/maintenance/rebuildClaimsIndex";
import { contributionEntity } from "../../../api/src/store/contributionsTable";
import { boundedKeyPart, digest } from "../../../api/src/store/keys";
import type { LedgerStore } from "../../../api/src/store/ports";
import { TableLedgerStore } from "../../../api/src/store/tableLedgerStore";
import { Tables } from "../../../api/src/store/tables";
import type { TableStoreOptions } from "../../../api/src/store/tables";
import { normaliseCode, normaliseEvidenceLink, supplierKey } from "../../../shared";
import type { Contribution, EvidenceLink } from "../../../shared";
import { testStorage } from "../../support/harness";
import { CONTRACT, contribution } from "../../taskpane/support/syncData";

jest.setTimeout(30_000);

const ROOT = path.resolve(__dirname, "../../..");

/** A ledger on the test Azurite under a fresh prefix: the store the API uses, and the raw tables under it. */
async function ledger() {
  const options: TableStoreOptions = { connection: { connectionString: testStorage() }, tablePrefix: `t${randomBytes(5).toString("hex")}`, timeoutMs: 5000, maxConcurrentRequests: 8, warn: () => undefined };
  const store = new TableLedgerStore(options);
  await store.prepare();
  const tables = new Tables(options);
  /** Another API instance on the same tables, with nothing remembered: what it finds is in storage. */
  const instance = () => new TableLedgerStore(options);
  const addContract = async (id: string) => expect(await store.createContract({ ...CONTRACT, id })).toBeDefined();

  /**
   * A contribution as a ledger from before the list layout holds it: the contribution row, and the
   * rows the claims index wrote then (api/src/store/claimsIndexTable.ts before commit 9a32e48), one
   * per contribution with RowKey `<contractId>|<ref>`:
   * - SupplierMeasureClaims, PartitionKey `<supplier key>|<measure code>` (no quantity), holding
   *   contractId, contributionId, and (from commit c553b58) quantity as Edm.Double, periodStart, periodEnd;
   * - EvidenceUses, PartitionKey the digest of the normalised link, once per link, holding contractId, contributionId.
   */
  const saveTheOldWay = async (c: Contribution) => {
    const pointer = { rowKey: `${c.contractId}|${c.id}`, contractId: c.contractId, contributionId: c.id };
    await tables.clients.contributions.createEntity(contributionEntity(c));
    await tables.clients.claims.createEntity({
      partitionKey: boundedKeyPart(`${supplierKey(c.supplier)}|${normaliseCode(c.measureCode)}`),
      ...pointer,
      quantity: { value: c.quantity, type: "Double" },
      periodStart: c.periodStart,
      periodEnd: c.periodEnd,
    });
    for (const partitionKey of new Set(c.evidence.map((l) => digest(normaliseEvidenceLink(l.link))))) {
      await tables.clients.evidenceUses.createEntity({ partitionKey, ...pointer } satisfies TableEntity);
    }
    return c;
  };

  /** Every row of the two index tables, with its ETag. */
  const indexRows = async () => {
    const rows: { table: string; partitionKey: string; rowKey: string; etag: string }[] = [];
    for (const table of ["claims", "evidenceUses"] as const) {
      for await (const e of tables.clients[table].listEntities()) rows.push({ table, partitionKey: e.partitionKey ?? "", rowKey: e.rowKey ?? "", etag: e.etag });
    }
    return rows.sort((a, b) => `${a.table}${a.partitionKey}`.localeCompare(`${b.table}${b.partitionKey}`));
  };
  return { store, prefix: options.tablePrefix, instance, addContract, saveTheOldWay, indexRows };
}

const link = (name: string): EvidenceLink => ({ name, link: `https://old-ledger.sharepoint.com/sites/forms/${name}` });
const ids = (found: { id: string }[]) => found.map((c) => c.id).sort();

describe("rebuilding the claims indexes of a ledger written before the list layout", () => {
  it("indexes every earlier contribution, so both checks find them again; removes the old rows; a second run changes nothing", async () => {
    const { store, instance, addContract, saveTheOldWay, indexRows } = await ledger();
    await addContract("C-OLD-1");
    await addContract("C-OLD-2");
    const shared = link("payroll-q2.pdf");
    const first = await saveTheOldWay(contribution(1, { contractId: "C-OLD-1", supplier: "Old Claims Ltd", measureCode: "J3", quantity: 4, evidence: [link("timesheets-1.pdf"), shared] }));
    const second = await saveTheOldWay(contribution(2, { contractId: "C-OLD-2", supplier: "Another Old Ltd", evidence: [{ ...shared, link: `${shared.link}?web=1` }] }));
    const third = await saveTheOldWay(contribution(3, { contractId: "C-OLD-1", evidence: [link("minutes-3.pdf")] }));
    // Saved since the upgrade: ingestion indexed it in the list layout already.
    const since = contribution(4, { contractId: "C-OLD-2", supplier: "Old Claims Ltd", measureCode: "J3", quantity: 4, periodStart: "2026-07-01", periodEnd: "2026-09-30", evidence: [link("timesheets-4.pdf")] });
    expect(await store.createContribution(since, [], { owner: { contractId: since.contractId } })).toEqual({ outcome: "created" });

    const sameFigures = { supplier: "old claims ltd", measureCode: "j3", quantity: 4, periodStart: "2026-05-01", periodEnd: "2026-05-31" };
    // The gap: the earlier claims are in the tables, but not where the look-ups read.
    expect(await store.similarClaims(sameFigures)).toEqual([]);
    expect(await store.evidenceUsers([shared])).toEqual([]);
    const old = (await indexRows()).filter((r) => r.rowKey !== "list");
    expect(old).toHaveLength(3 + 4);

    expect(await rebuildClaimsIndex(store)).toEqual({ contracts: 2, contributions: 4, indexed: 3, oldRowsRemoved: 7 });

    const api = instance();
    expect(ids(await api.similarClaims(sameFigures))).toEqual([first.id]);
    expect(ids(await api.similarClaims({ ...sameFigures, periodStart: "2026-06-01", periodEnd: "2026-07-31" }))).toEqual(ids([first, since]));
    // Each link of a contribution with several, as saving it indexes them.
    expect(ids(await api.evidenceUsers([shared]))).toEqual(ids([first, second]));
    expect(ids(await api.evidenceUsers([link("timesheets-1.pdf")]))).toEqual([first.id]);
    expect(ids(await api.evidenceUsers([link("minutes-3.pdf")]))).toEqual([third.id]);
    expect(ids(await api.evidenceUsers([link("timesheets-4.pdf")]))).toEqual([since.id]);
    const rebuilt = await indexRows();
    expect(rebuilt.filter((r) => r.rowKey !== "list")).toEqual([]);

    expect(await rebuildClaimsIndex(instance())).toEqual({ contracts: 2, contributions: 4, indexed: 0, oldRowsRemoved: 0 });
    expect(await indexRows()).toEqual(rebuilt);
  });

  it("walks every page of a contract with more contributions than one page, and every page of contracts", async () => {
    const { store, instance, addContract, saveTheOldWay } = await ledger();
    for (const id of ["C-PAGE-1", "C-PAGE-2", "C-PAGE-3", "C-PAGE-4"]) await addContract(id);
    const big = await Promise.all(Array.from({ length: 7 }, (_, i) => saveTheOldWay(contribution(10 + i, { contractId: "C-PAGE-2", evidence: [link(`big-${i}.pdf`)] }))));
    const small = await Promise.all(["C-PAGE-1", "C-PAGE-3", "C-PAGE-4"].map((contractId, i) => saveTheOldWay(contribution(30 + i, { contractId, evidence: [link(`small-${i}.pdf`)] }))));

    const asked: { contractId?: string; size: number; got: number }[] = [];
    let contractPages = 0;
    const watched: Pick<LedgerStore, "listContracts" | "listContributions" | "claimsIndexUpkeep"> = {
      listContracts: (page) => {
        contractPages++;
        return store.listContracts(page);
      },
      listContributions: async (query, page) => {
        const answer = await store.listContributions(query, page);
        asked.push({ contractId: query.contractId, size: page.pageSize, got: answer.items.length });
        return answer;
      },
      claimsIndexUpkeep: store.claimsIndexUpkeep,
    };
    const progress: string[] = [];
    const counts = await rebuildClaimsIndex(watched, { pageSize: 3, onProgress: (p) => progress.push(p.step === "indexing" ? p.contractId : p.step) });

    expect(counts).toEqual({ contracts: 4, contributions: 10, indexed: 10, oldRowsRemoved: 20 });
    expect(contractPages).toBeGreaterThanOrEqual(2);
    const pagesOfBig = asked.filter((a) => a.contractId === "C-PAGE-2");
    expect(pagesOfBig.length).toBeGreaterThanOrEqual(3);
    expect(pagesOfBig.map((a) => a.got).reduce((a, b) => a + b, 0)).toBe(7);
    expect(asked.every((a) => a.size === 3 && a.got <= 3)).toBe(true);
    expect(progress.filter((p) => p === "C-PAGE-2").length).toBe(pagesOfBig.length);
    const api = instance();
    for (const [i, c] of big.entries()) expect(ids(await api.evidenceUsers([link(`big-${i}.pdf`)]))).toEqual([c.id]);
    for (const [i, c] of small.entries()) expect(ids(await api.evidenceUsers([link(`small-${i}.pdf`)]))).toEqual([c.id]);
  });

  it("a run that stops half-way leaves the old rows; the next run finishes the job", async () => {
    const { store, instance, addContract, saveTheOldWay, indexRows } = await ledger();
    await addContract("C-HALF");
    const saved = await Promise.all(Array.from({ length: 6 }, (_, i) => saveTheOldWay(contribution(50 + i, { contractId: "C-HALF", supplier: "Half Way Ltd", measureCode: "J1", quantity: 2, evidence: [link(`half-${i}.pdf`)] }))));
    let writes = 0;
    const stopping: Pick<LedgerStore, "listContracts" | "listContributions" | "claimsIndexUpkeep"> = {
      listContracts: (page) => store.listContracts(page),
      listContributions: (query, page) => store.listContributions(query, page),
      claimsIndexUpkeep: {
        write: (c) => (++writes === 4 ? Promise.reject(new Error("the process was stopped")) : store.claimsIndexUpkeep.write(c)),
        removeOldLayout: (onPage) => store.claimsIndexUpkeep.removeOldLayout(onPage),
      },
    };
    await expect(rebuildClaimsIndex(stopping, { pageSize: 2 })).rejects.toThrow("the process was stopped");
    expect((await indexRows()).filter((r) => r.rowKey !== "list")).toHaveLength(12);

    const finished = await rebuildClaimsIndex(instance());
    expect(finished).toMatchObject({ contracts: 1, contributions: 6, oldRowsRemoved: 12 });
    // The first page was written before the stop; the second page's first write may or may not have landed.
    expect(finished.indexed).toBeGreaterThanOrEqual(3);
    expect(finished.indexed).toBeLessThanOrEqual(4);
    const query = { supplier: "Half Way Ltd", measureCode: "J1", quantity: 2, periodStart: "2026-04-01", periodEnd: "2026-06-30" };
    expect(ids(await instance().similarClaims(query))).toEqual(ids(saved));
    expect(await rebuildClaimsIndex(instance())).toEqual({ contracts: 1, contributions: 6, indexed: 0, oldRowsRemoved: 0 });
  });
});

describe("npm run rebuild:claims-index", () => {
  /** The script as npm runs it, with storage given as the API takes it. */
  const run = (env: Record<string, string>) =>
    new Promise<{ code: number | null; out: string; err: string }>((resolve, reject) => {
      const { STORAGE_TABLE_ENDPOINT: _endpoint, ...parent } = process.env;
      const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts/rebuild-claims-index.ts")], { cwd: ROOT, env: { ...parent, ...env }, stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      let err = "";
      child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, out, err }));
    });

  it("prints progress and the counts, then nothing to do; a storage that holds no ledger stops it with the reason and exit 1", async () => {
    const { prefix, addContract, saveTheOldWay } = await ledger();
    await addContract("C-SCRIPT");
    await saveTheOldWay(contribution(70, { contractId: "C-SCRIPT", evidence: [link("script-a.pdf"), link("script-b.pdf")] }));
    const env = { STORAGE_CONNECTION_STRING: testStorage(), TABLE_PREFIX: prefix };

    const first = await run(env);
    expect([first.code, first.err]).toEqual([0, ""]);
    expect(first.out).toContain("C-SCRIPT: 1 contribution read in 1 contract, 1 indexed");
    expect(first.out).toContain("Done: 1 contract, 1 contribution read, 1 indexed, 3 old-layout rows removed.");
    const again = await run(env);
    expect(again.code).toBe(0);
    expect(again.out).toContain("Nothing to do: 1 contract, 1 contribution read, nothing to add to the indexes, no old-layout rows left.");

    const nowhere = await run({ ...env, TABLE_PREFIX: `t${randomBytes(5).toString("hex")}` });
    expect(nowhere.code).toBe(1);
    expect(nowhere.err).toMatch(/^The claims index rebuild stopped: no ledger there \(a table is missing\): check STORAGE_TABLE_ENDPOINT or STORAGE_CONNECTION_STRING, and TABLE_PREFIX/);
  });

  it("storage that does not answer, or settings that do not say where it is, stop it with the reason and exit 1", async () => {
    const closed = await run({ STORAGE_CONNECTION_STRING: azuriteConnectionString(await freePort()), STORAGE_TIMEOUT_MS: "1000" });
    expect(closed.code).toBe(1);
    expect(closed.err).toMatch(/^The claims index rebuild stopped: Storage is unreachable: .*\nWhat it did so far stands; run it again to finish\.\n$/s);
    const both = await run({ STORAGE_CONNECTION_STRING: testStorage(), STORAGE_TABLE_ENDPOINT: "https://svl.table.core.windows.net" });
    expect(both.code).toBe(1);
    expect(both.err).toBe("The claims index rebuild stopped: fix these settings:\n - STORAGE_TABLE_ENDPOINT and STORAGE_CONNECTION_STRING are both set: set only one (the endpoint in Azure, used with the managed identity; a connection string for Azurite or an account key)\n");
  });
});
