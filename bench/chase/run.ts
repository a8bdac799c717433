import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { odata } from "@azure/data-tables";
import type { TableClient, TransactionAction } from "@azure/data-tables";
import { addDays, EXAMPLE_PACK, indexPack, weekdayOf } from "../../shared";
import type { Contract, Contribution, EvidenceStatus } from "../../shared";
import { runChase } from "../../api/src/chase/run";
import { fixedClock } from "../../api/src/lib/clock";
import { compose } from "../../api/src/app/compose";
import { createMailer } from "../../api/src/mail/createMailer";
import { loadMailSettings } from "../../api/src/settings/mail";
import { formReference } from "../../api/src/ingest/references";
import { loadSettings } from "../../api/src/settings/settings";
import { tableClient } from "../../api/src/store/connection";
import { contributionEntity, contributionRow, evidenceDueEntity } from "../../api/src/store/contributionsTable";
import { contributionPartition } from "../../api/src/store/keys";
import { TABLES, VERIFY_CONCURRENCY } from "../../api/src/store/tables";
import { startAzurite } from "../../scripts/azurite";
import { startFakeGraph } from "../../test/support/fakeGraph";
import { cpuSeconds } from "../support/cpu";

/**
 * npm run bench:chase -- [--contributions 100000] [--compare 1000000] [--overdue 5000] [--suppliers 300] [--contracts 40]
 *
 * Loopback only: an in-memory Azurite (spawned here) and the fake Graph (test/support/fakeGraph.ts)
 * reached through the real Graph client, with pacing off (MAIL_MESSAGES_PER_MINUTE=0). The ledger
 * is seeded straight into the tables the chase reads (Contracts, Contributions, EvidenceDue) with
 * entity-group transactions, through the store's own entity builders. Then the chase runs once for
 * a Wednesday (no digests), and once more the same day (it must send nothing). All of it again
 * on a fresh Azurite with --compare contributions (the same overdue ones): the run reads the
 * due-date index, so its time should not follow the ledger's size. A small unreported run warms
 * this process up first. Beside the run: how long the same emails take at Exchange's sending
 * limit; the CPU this process and Azurite spent on the run; and Azurite's own time for the storage
 * work that follows the ledger's size (`readOwedRaw`, `writeBesideOwedRaw`), taken out to show how
 * the rest grows. Results print as Markdown and go to bench/chase/results.json. A million
 * contributions need a bigger heap for Azurite:
 * NODE_OPTIONS=--max-old-space-size=8192.
 */
const ROOT = path.resolve(__dirname, "../..");
const RUN_DATE = "2026-11-25";

async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++] as T);
  }));
}

/** Entity-group transactions: one partition each, at most 100 entities; inserts, or upserts as the store writes audit entries. */
async function writeInTransactions(table: TableClient, entities: { partitionKey: string }[], how: { upsert?: boolean; concurrency?: number } = {}): Promise<number> {
  const byPartition = new Map<string, TransactionAction[]>();
  for (const entity of entities) {
    const actions = byPartition.get(entity.partitionKey) ?? [];
    const e = entity as Parameters<TableClient["createEntity"]>[0];
    actions.push(how.upsert ? ["upsert", e, "Replace"] : ["create", e]);
    byPartition.set(entity.partitionKey, actions);
  }
  const batches = [...byPartition.values()].flatMap((actions) => Array.from({ length: Math.ceil(actions.length / 100) }, (_, i) => actions.slice(i * 100, (i + 1) * 100)));
  await pool(batches, how.concurrency ?? 16, (batch) => table.submitTransaction(batch));
  return batches.length;
}

/** Exchange Online's sending limits for one mailbox (docs/FORMS-AND-GRAPH.md §4.4). */
const EXCHANGE_MESSAGES_PER_MINUTE = 30;
const EXCHANGE_RECIPIENTS_PER_DAY = 10_000;
/** Contributions built and written at a time while seeding, so a million never sit in memory at once. */
const SEED_CHUNK = 50_000;

interface Measured {
  total: number;
  owing: number;
  seedSeconds: number;
  runMs: number;
  emails: number;
  distinctRecipients: number;
  expectedRecipients: number;
  failedOrDeferred: number;
  againMs: number;
  againEmails: number;
  alreadyDone: number;
  /** Raw Azurite reading what the run reads of what is owed (median of 3), and the entries it found. */
  peerReadMs: number;
  peerEntries: number;
  /** Raw Azurite inserting what the run adds to the Contributions table: a row beside each entry's contribution. */
  peerWriteMs: number;
  /** CPU seconds the first run took: this process (the chase, the SDK and the fake Graph) and Azurite's. */
  runCpuSeconds: { ours: number; azurite: number };
}

/**
 * The peer, part 1: Azurite answering the reads the chase makes of what is owed, straight from the
 * SDK: the due-date index's range, pages of 1,000, and a point read of each entry's contribution
 * with the store's concurrency. Azurite filters a whole table for every query, so this grows with
 * the index even though the range does not.
 */
async function readOwedRaw(contributionTable: TableClient, dueTable: TableClient): Promise<{ contractId: string; contributionId: string }[]> {
  const entries: { contractId: string; contributionId: string }[] = [];
  const pages = dueTable.listEntities<{ contractId: string; contributionId: string }>({ queryOptions: { filter: odata`PartitionKey lt ${addDays(RUN_DATE, 1)}`, select: ["contractId", "contributionId"] } }).byPage({ maxPageSize: 1000 });
  for await (const page of pages) {
    entries.push(...page.map(({ contractId, contributionId }) => ({ contractId, contributionId })));
    await pool(page, VERIFY_CONCURRENCY, (entry) => contributionTable.getEntity(contributionPartition(entry.contractId, entry.contributionId), contributionRow(entry.contributionId)));
  }
  return entries;
}

/**
 * The peer, part 2: the run adds a `chased` audit entry beside each contribution it chases, as
 * upserts in one transaction per partition (`addAuditEntries`). Azurite keeps each table's key
 * indexes as sorted arrays and splices every insert into them, so an insert costs more as the
 * whole table grows; this inserts as many rows the same way (under a RowKey nothing reads).
 */
async function writeBesideOwedRaw(contributionTable: TableClient, entries: { contractId: string; contributionId: string }[]): Promise<void> {
  await writeInTransactions(
    contributionTable,
    entries.map((entry) => ({ partitionKey: contributionPartition(entry.contractId, entry.contributionId), rowKey: `peer|${entry.contributionId}`, note: "bench:chase peer" })),
    { upsert: true, concurrency: VERIFY_CONCURRENCY },
  );
}

/** A fresh Azurite and fake Graph, `total` contributions seeded, the chase run once and again the same day. */
async function measure(total: number, overdueCount: number, supplierCount: number, contractCount: number): Promise<Measured> {
  const azurite = await startAzurite({ root: ROOT });
  const fake = await startFakeGraph();
  try {
    const env = {
      AUTH_MODE: "dev",
      AUTH_DEV_DIR: mkdtempSync(path.join(os.tmpdir(), "svl-bench-chase-")),
      STORAGE_CONNECTION_STRING: azurite.connectionString,
      TABLE_PREFIX: "bench",
      ORGANISATION_NAME: "Example County Council",
      GRAPH_BASE_URL: fake.baseUrl,
      MAIL_SENDER: "social.value@council.example",
      MAIL_MESSAGES_PER_MINUTE: "0",
    };
    const settings = loadSettings(env, ROOT);
    const mailer = createMailer(loadMailSettings(env, ROOT), { authProvider: { getAccessToken: async () => "bench-token" } });
    const clock = fixedClock(`${RUN_DATE}T07:00:00Z`);
    const deps = await compose(settings, { mailer, clock, warn: () => undefined });
    await deps.ready();

    // ---- seed ----
    const seedStarted = performance.now();
    const pack = indexPack(EXAMPLE_PACK);
    const lineManagers = Array.from({ length: Math.max(1, Math.floor(contractCount / 4)) }, (_, i) => ({ name: `Line Manager ${i + 1}`, email: `line.manager${i + 1}@council.example` }));
    const contracts: Contract[] = Array.from({ length: contractCount }, (_, i) => ({
      id: `C-B${String(i + 1).padStart(3, "0")}`,
      title: `Benchmark contract ${i + 1}`,
      buyer: "Example County Council",
      packId: EXAMPLE_PACK.id,
      packEdition: EXAMPLE_PACK.edition,
      value: 5_000_000,
      startDate: "2025-04-01",
      endDate: "2029-03-31",
      contractManager: { name: `Contract Manager ${i + 1}`, email: `contract.manager${i + 1}@council.example`, lineManager: lineManagers[i % lineManagers.length] },
      escalationContacts: [],
      reminderPolicy: { evidenceGraceDays: 30, remindEveryDays: 7, escalateAfterReminders: 2, lineManagerAfterReminders: 4 },
      createdAt: "2025-04-01T09:00:00.000Z",
      updatedAt: "2025-04-01T09:00:00.000Z",
    }));
    await pool(contracts, 8, (c) => deps.store.createContract(c));

    const measures = ["J1", "J3", "S1", "E1", "G1"].filter((code) => pack.byCode.has(code));
    const expectedRecipients = new Set<string>();
    const connection = { connectionString: azurite.connectionString };
    const contributionTable = tableClient(connection, `bench${TABLES.contributions}`);
    const dueTable = tableClient(connection, `bench${TABLES.due}`);
    let owing = 0;
    for (let from = 0; from < total; from += SEED_CHUNK) {
      const contributions: Contribution[] = [];
      for (let n = from; n < Math.min(total, from + SEED_CHUNK); n++) {
        const contract = contracts[n % contractCount] as Contract;
        const supplier = n % supplierCount;
        const overdue = n < overdueCount;
        // Overdue items are due 0 to 59 days ago: first reminders, escalations and line-manager escalations.
        const daysAgo = n % 60;
        const owedLater = !overdue && n % 6 === 0; // owed, but not due until next year: in the index, outside the chase's range
        const status: EvidenceStatus = overdue || owedLater ? "missing" : n % 2 === 0 ? "accepted" : "submitted";
        const dueDate = overdue ? addDays(RUN_DATE, -daysAgo) : owedLater ? addDays(RUN_DATE, 60 + (n % 30)) : addDays(RUN_DATE, -90);
        const measureCode = measures[n % measures.length] as string;
        const measure = pack.byCode.get(measureCode);
        const quantity = (n % 20) + 1;
        contributions.push({
          id: formReference("bench-chase", String(n), 0),
          contractId: contract.id,
          supplier: `Supplier ${supplier} Ltd`,
          responder: `contact${supplier}@supplier${supplier}.example`,
          measureCode,
          quantity,
          periodStart: addDays(dueDate, -120),
          periodEnd: addDays(dueDate, -30),
          description: "Benchmark contribution",
          evidence: [],
          evidenceStatus: status,
          evidenceDueDate: dueDate,
          value: measure?.proxy ? measure.proxy * quantity : null,
          packId: EXAMPLE_PACK.id,
          packEdition: EXAMPLE_PACK.edition,
          source: { kind: "form", formId: "bench-chase", responseId: String(n) },
          submittedAt: "2026-06-01T09:00:00.000Z",
          warnings: [],
        });
        // A backlog with no history starts at the first step (shared/chase.ts): the first run emails each supplier, and nobody is escalated yet.
        if (overdue) expectedRecipients.add(`contact${supplier}@supplier${supplier}.example`);
      }
      await writeInTransactions(contributionTable, contributions.map((c) => contributionEntity(c) as { partitionKey: string }));
      const owed = contributions.filter((c) => c.evidenceStatus === "missing");
      owing += owed.length;
      await writeInTransactions(dueTable, owed.map((c) => evidenceDueEntity(c) as { partitionKey: string }));
    }
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    console.log(`Seeded ${total} contributions (${owing} owing evidence, ${overdueCount} of them due by ${RUN_DATE}) in ${seedSeconds.toFixed(1)} s`);

    // ---- the run ----
    const started = performance.now();
    const cpuBefore = { ours: process.cpuUsage(), azurite: cpuSeconds(azurite.pid) };
    const result = await runChase(deps, clock.now());
    const runMs = performance.now() - started;
    const ours = process.cpuUsage(cpuBefore.ours);
    const runCpu = { ours: (ours.user + ours.system) / 1e6, azurite: cpuSeconds(azurite.pid) - cpuBefore.azurite };
    const recipients = new Set(fake.sent.flatMap((m) => m.recipients));
    const emails = fake.sent.length;

    clock.set(`${RUN_DATE}T09:00:00Z`);
    const againStarted = performance.now();
    const again = await runChase(deps, clock.now());
    const againMs = performance.now() - againStarted;

    const peerRuns: number[] = [];
    let owedEntries: { contractId: string; contributionId: string }[] = [];
    for (let i = 0; i < 3; i++) {
      const peerStarted = performance.now();
      owedEntries = await readOwedRaw(contributionTable, dueTable);
      peerRuns.push(performance.now() - peerStarted);
    }
    const writeStarted = performance.now();
    await writeBesideOwedRaw(contributionTable, owedEntries);
    const peerWriteMs = performance.now() - writeStarted;
    return {
      total,
      owing,
      seedSeconds: Math.round(seedSeconds * 10) / 10,
      runMs: Math.round(runMs),
      runCpuSeconds: { ours: Math.round(runCpu.ours * 10) / 10, azurite: Math.round(runCpu.azurite * 10) / 10 },
      emails,
      distinctRecipients: recipients.size,
      expectedRecipients: expectedRecipients.size,
      failedOrDeferred: result.failed + result.deferred,
      againMs: Math.round(againMs),
      againEmails: fake.sent.length - emails,
      alreadyDone: again.alreadyDone,
      peerReadMs: Math.round([...peerRuns].sort((a, b) => a - b)[1] ?? NaN),
      peerEntries: owedEntries.length,
      peerWriteMs: Math.round(peerWriteMs),
    };
  } finally {
    await fake.close();
    await azurite.stop();
  }
}

const peerMs = (r: Measured) => r.peerReadMs + r.peerWriteMs;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      contributions: { type: "string", default: "100000" },
      compare: { type: "string", default: "1000000" },
      overdue: { type: "string", default: "5000" },
      suppliers: { type: "string", default: "300" },
      contracts: { type: "string", default: "40" },
    },
  });
  const overdueCount = Number(values.overdue);
  const supplierCount = Number(values.suppliers);
  const contractCount = Number(values.contracts);
  const sizes = [Number(values.contributions), ...(Number(values.compare) > 0 ? [Number(values.compare)] : [])];
  if (weekdayOf(RUN_DATE) === "monday") throw new Error("the run date must not be the digest day");

  const loadAverageBefore = os.loadavg().map((l) => Math.round(l * 100) / 100);
  const runs: Measured[] = [];
  // A small run first, not reported: this process compiles the chase, the SDK and the fake Graph on
  // its first run, which would otherwise be charged to the first size measured.
  console.log("Warm-up: 2,000 contributions, 200 overdue");
  await measure(2000, 200, Math.min(supplierCount, 50), Math.min(contractCount, 10));
  for (const total of sizes) runs.push(await measure(total, overdueCount, supplierCount, contractCount));
  const [base, large] = runs as [Measured, Measured | undefined];

  // The limit beside the run: at Exchange's 30 messages a minute, the same emails take this long whatever the code does.
  const exchangeMs = (base.emails / EXCHANGE_MESSAGES_PER_MINUTE) * 60_000;
  const results = {
    date: new Date().toISOString(),
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, Node ${process.version}`,
    loadAverageBefore,
    loadAverageAfter: os.loadavg().map((l) => Math.round(l * 100) / 100),
    overdue: overdueCount,
    suppliers: supplierCount,
    contracts: contractCount,
    runs,
    exchange: { messagesPerMinute: EXCHANGE_MESSAGES_PER_MINUTE, recipientsPerDay: EXCHANGE_RECIPIENTS_PER_DAY, msForTheseEmails: Math.round(exchangeMs), oursShare: Math.round((base.runMs / exchangeMs) * 1000) / 1000 },
    ...(large
      ? {
          sizeRatio: Math.round((large.runMs / base.runMs) * 100) / 100,
          peerSizeRatio: Math.round((peerMs(large) / peerMs(base)) * 100) / 100,
          lessPeerSizeRatio: Math.round(((large.runMs - peerMs(large)) / (base.runMs - peerMs(base))) * 100) / 100,
          oursCpuSizeRatio: Math.round((large.runCpuSeconds.ours / base.runCpuSeconds.ours) * 100) / 100,
          azuriteCpuSizeRatio: Math.round((large.runCpuSeconds.azurite / base.runCpuSeconds.azurite) * 100) / 100,
        }
      : {}),
  };
  writeFileSync(path.join(__dirname, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
  const ok = runs.every((r) => r.emails === r.distinctRecipients && r.distinctRecipients === r.expectedRecipients && r.failedOrDeferred === 0 && r.againEmails === 0);
  const n = (x: number) => x.toLocaleString("en-GB");
  console.log(
    [
      "",
      "| measurement | value | peer or limit | ratio |",
      "|---|---|---|---|",
      ...runs.map(
        (r) =>
          `| chase run, ${n(r.total)} contributions, ${n(overdueCount)} overdue, ${supplierCount} suppliers, ${contractCount} contracts (pacing off) | **${(r.runMs / 1000).toFixed(1)} s** | | |`,
      ),
      ...(large ? [`| ${n(large.total)} beside ${n(base.total)} contributions, same overdue | | | **${(large.runMs / base.runMs).toFixed(2)}×** (goal ≤ 1.2) |`] : []),
      ...runs.map(
        (r) =>
          `| peer, ${n(r.total)} contributions: raw Azurite doing the run's storage work that follows the ledger's size: reading what is owed (the due-date index's range in pages of 1,000, ${n(r.peerEntries)} entries, and each one's contribution; median of 3) + inserting a row beside each of them | ${(r.peerReadMs / 1000).toFixed(1)} s + ${(r.peerWriteMs / 1000).toFixed(1)} s = **${(peerMs(r) / 1000).toFixed(1)} s** | | |`,
      ),
      ...runs.map((r) => `| ${n(r.total)}: CPU during the run, this process (the chase, the SDK, the fake Graph) / Azurite | ${r.runCpuSeconds.ours} s / ${r.runCpuSeconds.azurite} s | | |`),
      ...(large
        ? [
            `| CPU of this process during the run, ${n(large.total)} beside ${n(base.total)} | | | **${(large.runCpuSeconds.ours / base.runCpuSeconds.ours).toFixed(2)}×** |`,
            `| CPU of Azurite during the run, ${n(large.total)} beside ${n(base.total)} | | | ${(large.runCpuSeconds.azurite / base.runCpuSeconds.azurite).toFixed(2)}× |`,
            `| that peer, ${n(large.total)} beside ${n(base.total)} | | | ${(peerMs(large) / peerMs(base)).toFixed(2)}× |`,
            `| the run less that peer, ${n(large.total)} beside ${n(base.total)} | ${((large.runMs - peerMs(large)) / 1000).toFixed(1)} s beside ${((base.runMs - peerMs(base)) / 1000).toFixed(1)} s | | **${((large.runMs - peerMs(large)) / (base.runMs - peerMs(base))).toFixed(2)}×** (goal ≤ 1.2) |`,
          ]
        : []),
      `| the same ${base.emails} emails at Exchange's ${EXCHANGE_MESSAGES_PER_MINUTE} messages a minute | ${(base.runMs / 1000).toFixed(1)} s ours | ${(exchangeMs / 60_000).toFixed(1)} min at the limit | ours is ${((base.runMs / exchangeMs) * 100).toFixed(1)}% of it |`,
      `| recipients a day at Exchange's limit (${n(EXCHANGE_RECIPIENTS_PER_DAY)}) | ${base.emails} in this run | ${n(EXCHANGE_RECIPIENTS_PER_DAY)} | ${((base.emails / EXCHANGE_RECIPIENTS_PER_DAY) * 100).toFixed(1)}% of a day's allowance |`,
      ...runs.map((r) => `| ${n(r.total)}: emails sent / distinct recipients / expected | ${r.emails} / ${r.distinctRecipients} / ${r.expectedRecipients} | all equal | |`),
      ...runs.map((r) => `| ${n(r.total)}: the same run again the same day | ${(r.againMs / 1000).toFixed(1)} s, ${r.againEmails} emails, ${r.alreadyDone} steps already done | 0 emails | |`),
      ...runs.map((r) => `| ${n(r.total)}: seeding (not part of the run) | ${r.seedSeconds} s | | |`),
      "",
      `Machine: ${results.machine}; load average ${loadAverageBefore.join(" ")} before, ${results.loadAverageAfter.join(" ")} after.`,
    ].join("\n"),
  );
  if (!ok) {
    process.exitCode = 1;
    console.error("A run did not send exactly one email per expected recipient.");
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
