import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import type { Result } from "autocannon";
import { TableClient } from "@azure/data-tables";
import { EXAMPLE_PACK } from "../../shared";
import { compose } from "../../api/src/app/compose";
import { loadDevIssuer } from "../../api/src/dev/issuer";
import { buildContribution, createdAudit } from "../../api/src/ingest/contribution";
import { formReference } from "../../api/src/ingest/references";
import { loadSettings } from "../../api/src/settings/settings";
import { contractFilter } from "../../api/src/store/contributionsTable";
import { TABLES } from "../../api/src/store/tables";
import { freePort, startAzurite, stopChild } from "../../scripts/azurite";
import { cpuSeconds } from "../support/cpu";

/**
 * npm run bench:ingest -- [--duration 60] [--connections 16] [--rate 300] [--rate-duration 30] [--stored 100000] [--stored-contracts 1] [--raw-duration 10] [--rows 10000]
 *
 * Loopback only: an in-memory Azurite and the local API host (a separate node process) on free
 * ports. Phase 1 ("sustained"): --connections clients post Forms submissions back to back for
 * --duration seconds, each a new response. Phase 2: submissions at a fixed --rate for
 * --rate-duration seconds over the same connections (0 skips it). autocannon paces a rate per
 * second per connection, so each second starts with a burst of up to --connections requests.
 * Before phase 2, submissions are added straight into storage (through the store's own code)
 * until --stored are held (into the phases' own contract, or with --stored-contracts N over N
 * contracts, 2,000 suppliers and twelve quarters, as a council's ledger is spread), and right
 * after it raw Azurite inserts (one entity per request, the same connections) run for
 * --raw-duration seconds into the same table, the peer phase 2 is set beside. Then a contract of
 * --rows contributions is listed page by page, timing each page, and
 * the same query is read straight from Azurite with the SDK, the listing's peer. Results print as
 * Markdown and go to bench/ingest/results.json.
 */
const ROOT = path.resolve(__dirname, "../..");
const SECRET = "bench-ingest-secret-0123456789";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      duration: { type: "string", default: process.env.BENCH_DURATION ?? "60" },
      connections: { type: "string", default: "16" },
      rate: { type: "string", default: "300" },
      "rate-duration": { type: "string", default: "30" },
      rows: { type: "string", default: "10000" },
      stored: { type: "string", default: "100000" },
      "stored-contracts": { type: "string", default: "1" },
      "raw-duration": { type: "string", default: "10" },
    },
  });
  const storedTarget = Number(values.stored);
  const storedContracts = Number(values["stored-contracts"]);
  if (!Number.isInteger(storedContracts) || storedContracts < 1) throw new Error("--stored-contracts must be a whole number, at least 1");
  const rawDuration = Number(values["raw-duration"]);
  const duration = Number(values.duration);
  const connections = Number(values.connections);
  const rate = Number(values.rate);
  const rateDuration = Number(values["rate-duration"]);
  const rows = Number(values.rows);

  // Other work on the machine skews every figure; the load average goes into the results.
  const loadAverageBefore = os.loadavg().map((l) => Math.round(l * 100) / 100);
  const azurite = await startAzurite({ root: ROOT });
  const issuerDir = mkdtempSync(path.join(os.tmpdir(), "svl-bench-issuer-"));
  const env = { ...process.env, AUTH_MODE: "dev", AUTH_DEV_DIR: issuerDir, STORAGE_CONNECTION_STRING: azurite.connectionString, INGEST_SECRET: SECRET, TABLE_PREFIX: "bench" };
  const port = await freePort();
  let api: ChildProcess | undefined;
  try {
    const profile = process.env.BENCH_API_PROFILE ? ["--cpu-prof", "--cpu-prof-dir", process.env.BENCH_API_PROFILE] : [];
    api = spawn(process.execPath, [...profile, "--import", "tsx", path.join(ROOT, "scripts/serve-api.ts"), "--port", String(port), "--quiet"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((resolve, reject) => {
      api?.stdout?.on("data", (d: Buffer) => (d.toString().includes("listening") ? resolve() : undefined));
      api?.once("exit", (code) => reject(new Error(`The API exited (code ${code}) before listening`)));
    });
    const base = `http://127.0.0.1:${port}`;
    const token = await (await loadDevIssuer(issuerDir)).sign({ roles: ["Officer"], email: "bench@council.example" });
    const officer = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    const contract = (id: string) => ({
      id,
      title: `Benchmark ${id}`,
      buyer: "Example County Council",
      packId: EXAMPLE_PACK.id,
      packEdition: EXAMPLE_PACK.edition,
      value: 1_000_000,
      startDate: "2026-01-01",
      endDate: "2028-12-31",
      contractManager: { name: "Bench Manager", email: "manager@council.example" },
    });
    // With --stored-contracts 1 (the default) the stored submissions go to C-BENCH, the contract the
    // phases post to: the worst case, every partition a submission writes to as large as it gets.
    // With more, they are spread as a council's would be, over contracts, suppliers and quarters.
    const storedIn = storedContracts === 1 ? ["C-BENCH"] : Array.from({ length: storedContracts }, (_, i) => `C-ST${String(i + 1).padStart(4, "0")}`);
    for (const id of new Set(["C-BENCH", "C-10K", ...storedIn])) {
      const res = await fetch(`${base}/api/contracts`, { method: "POST", headers: officer, body: JSON.stringify(contract(id)) });
      if (res.status !== 201) throw new Error(`Creating ${id}: ${res.status} ${await res.text()}`);
    }

    let responseId = 0;
    const submissionRequest = {
      method: "POST",
      path: "/api/forms/responses",
      headers: { "content-type": "application/json", "x-ingest-secret": SECRET },
      setupRequest: (request: { method?: string; path?: string; headers?: Record<string, string> }) => ({
        ...request,
        body: JSON.stringify({
          formId: "bench-form",
          responseId: ++responseId,
          submittedAt: "11/20/2026 10:15:00 AM",
          responder: `supplier${responseId % 50}@acme.example`,
          answers: {
            contractRef: "C-BENCH",
            supplier: `Supplier ${responseId % 50} Ltd`,
            measureCode: ["J1", "J3", "G1", "S1", "E1"][responseId % 5],
            quantity: String((responseId % 97) + 0.5),
            periodStart: "2026-07-01",
            periodEnd: "2026-09-30",
            description: "Benchmark submission",
            evidence: responseId % 3 === 0 ? JSON.stringify([{ name: "payroll.pdf", link: "https://contoso.sharepoint.com/x/payroll.pdf", id: "01A", type: null, size: 1, status: 1 }]) : "",
          },
        }),
      }),
    };
    const cpuBefore = () => ({ api: cpuSeconds(api?.pid ?? 0), azurite: cpuSeconds(azurite.pid), bench: process.cpuUsage() });
    const cpuSince = (before: ReturnType<typeof cpuBefore>, seconds: number) => {
      const bench = process.cpuUsage(before.bench);
      return {
        api: (cpuSeconds(api?.pid ?? 0) - before.api) / seconds,
        azurite: (cpuSeconds(azurite.pid) - before.azurite) / seconds,
        bench: (bench.user + bench.system) / 1e6 / seconds,
      };
    };

    console.log("Warm-up: 5 s at 100/s");
    await autocannon({ url: base, connections: 10, overallRate: 100, duration: 5, requests: [submissionRequest] });

    const phase = async (label: string, options: { connections: number; duration: number; overallRate?: number }) => {
      console.log(label);
      const before = cpuBefore();
      const result = await autocannon({ url: base, timeout: 10, requests: [submissionRequest], ...options });
      return { result, cpu: cpuSince(before, options.duration) };
    };
    const sustained = await phase(`Phase 1: ${connections} connections back to back for ${duration} s`, { connections, duration });

    const deps = await compose(loadSettings(env, ROOT), { warn: () => undefined });
    const pack = await deps.packs.get(EXAMPLE_PACK.id, EXAMPLE_PACK.edition);
    const measure = pack?.byCode.get("J3");
    if (!pack || !measure) throw new Error("The example pack is missing");
    /** Contributions written straight into storage through the store's own code (what ingestion saves, without the HTTP request and the inbox). */
    const QUARTERS = [["01-01", "03-31"], ["04-01", "06-30"], ["07-01", "09-30"], ["10-01", "12-31"]] as const;
    const load = async (contractIds: readonly string[], formId: string, count: number, spread: boolean) => {
      const contracts = await Promise.all(
        contractIds.map(async (id) => {
          const stored = await deps.store.getContract(id);
          if (!stored) throw new Error(`${id} is missing`);
          return stored.value;
        }),
      );
      let next = 0;
      await Promise.all(
        Array.from({ length: 32 }, async () => {
          while (next < count) {
            const n = next++;
            const id = formReference(formId, String(n), 0);
            const contract = contracts[n % contracts.length] as (typeof contracts)[number];
            // Spread: 2,000 suppliers and the quarters of 2024 to 2026; otherwise one supplier of 40 and one quarter.
            const quarter = QUARTERS[Math.floor(n / contracts.length) % 4] ?? QUARTERS[2];
            const year = 2024 + (Math.floor(n / (contracts.length * 4)) % 3);
            const period = spread ? { periodStart: `${year}-${quarter[0]}`, periodEnd: `${year}-${quarter[1]}` } : { periodStart: "2026-07-01", periodEnd: "2026-09-30" };
            const supplier = spread ? `Stored Supplier ${n % 2000} Ltd` : `Supplier ${n % 40} Ltd`;
            const c = buildContribution({
              id,
              context: { contract, pack, measure },
              report: { contractRef: contract.id, supplier, measureCode: "J3", quantity: { amount: n % 50, unit: null }, ...period, description: "Benchmark row", evidence: [] },
              responder: `s${n % 40}@acme.example`,
              source: { kind: "form", formId, responseId: String(n) },
              submittedAt: "2026-11-20T10:15:00.000Z",
            });
            await deps.store.createContribution(c, createdAudit(c, c.submittedAt, c.responder, "Benchmark"), { owner: { contractId: contract.id, formId, responseId: String(n) } });
          }
        }),
      );
    };
    const afterPhase1 = responseId;
    const toAdd = Math.max(0, storedTarget - afterPhase1);
    if (toAdd > 0) {
      console.log(`Adding ${toAdd} submissions straight into storage, so ${storedTarget} are stored before phase 2`);
      const started = performance.now();
      await load(storedIn, "bench-stored", toAdd, storedContracts > 1);
      console.log(`  added in ${Math.round((performance.now() - started) / 1000)} s`);
    }
    const atRate = rateDuration > 0 ? await phase(`Phase 2: ${rate} submissions/s for ${rateDuration} s, ${afterPhase1 + toAdd} stored`, { connections, duration: rateDuration, overallRate: rate }) : undefined;

    // The peer: Azurite's own insert rate at that size, one entity per request, with the same
    // concurrency, into the same table: into fresh partitions, and into the 32 partitions of the
    // benchmark's contract, which are as large as the ones our submissions write to (Azurite finds
    // a key by scanning its partition, so an insert costs more as its partition grows).
    const raw = TableClient.fromConnectionString(azurite.connectionString, `bench${TABLES.contributions}`, { allowInsecureConnection: true });
    const rawInserts = async (tag: string, label: string, partition: (i: number) => string) => {
      console.log(`Raw Azurite inserts: ${connections} at a time for ${rawDuration} s into the contributions table, ${label}`);
      let inserts = 0;
      const latencies: number[] = [];
      const before = cpuBefore();
      const until = performance.now() + rawDuration * 1000;
      await Promise.all(
        Array.from({ length: connections }, async (_, worker) => {
          for (let n = 0; performance.now() < until; n++) {
            const t = performance.now();
            await raw.createEntity({ partitionKey: partition(worker + n), rowKey: `r|${tag}|${worker}-${n}`, supplier: `Supplier ${n % 40} Ltd`, measureCode: "J3", quantity: n % 50, description: "Raw insert" });
            latencies.push(performance.now() - t);
            inserts++;
          }
        }),
      );
      const cpu = cpuSince(before, rawDuration);
      latencies.sort((x, y) => x - y);
      const percentile = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN);
      return { label, perSecond: inserts / rawDuration, p50: percentile(0.5), p99: percentile(0.99), cpu };
    };
    const BUCKETS = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    const peers = [await rawInserts("fresh", "into fresh partitions", (i) => `C-RAW|${i % 32}`), await rawInserts("contract", "into the benchmark contract's partitions", (i) => `C-BENCH|${BUCKETS[i % 32]}`)];
    // inbox, reference claim, due-date and supplier index entries, the claims index list, and the
    // contribution's transaction; the portfolio's counting transaction is shared by the submissions
    // counted together, and a link's list is written only by its first users, so neither is counted here
    const WRITES_PER_SUBMISSION = 6;
    const oursPerSecond = atRate ? atRate.result["2xx"] / atRate.result.duration : NaN;
    const ratioTo = (peer: (typeof peers)[number]) => oursPerSecond / (peer.perSecond / WRITES_PER_SUBMISSION);

    console.log(`Loading ${rows} contributions into C-10K (straight into storage, through the same store code)`);
    await load(["C-10K"], "bench-10k", rows, false);

    /** Every page of C-10K, timed one by one; `pageSize` undefined asks for the API's default. */
    const listAll = async (pageSize: number | undefined) => {
      const started = performance.now();
      let token: string | undefined;
      let count = 0;
      const pageMs: number[] = [];
      do {
        const q = new URLSearchParams({ contractId: "C-10K", ...(pageSize ? { pageSize: String(pageSize) } : {}), ...(token ? { continuationToken: token } : {}) });
        const t = performance.now();
        const res = await fetch(`${base}/api/contributions?${q}`, { headers: officer });
        if (res.status !== 200) throw new Error(`Listing: ${res.status} ${await res.text()}`);
        const page = (await res.json()) as { items: unknown[]; continuationToken?: string };
        pageMs.push(performance.now() - t);
        count += page.items.length;
        token = page.continuationToken;
      } while (token);
      return { ms: performance.now() - started, count, pages: pageMs.length, pageMs };
    };
    /** The listing's peer: Azurite answering the same query (the store's own filter) with the same page size, straight from the SDK, no API between. */
    const rawListAll = async (pageSize: number) => {
      const started = performance.now();
      let count = 0;
      let pages = 0;
      for await (const page of raw.listEntities({ queryOptions: { filter: contractFilter("C-10K", {}) } }).byPage({ maxPageSize: pageSize })) {
        count += page.length;
        pages++;
      }
      return { ms: performance.now() - started, count, pages };
    };
    const listing: Record<string, { ms: number[]; count: number; pages: number; page1Ms?: number; page90Ms?: number }> = {};
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
    for (const [label, pageSize] of [["default", undefined], ["1000", 1000], ["100", 100]] as const) {
      const runs = [];
      for (let i = 0; i < 3; i++) runs.push(await listAll(pageSize));
      listing[label] = {
        ms: runs.map((r) => Math.round(r.ms)),
        count: runs[0]?.count ?? 0,
        pages: runs[0]?.pages ?? 0,
        // Page 1 and page 90 (of 100), each the median of the three runs.
        ...(pageSize === 100 ? { page1Ms: Math.round(median(runs.map((r) => r.pageMs[0] ?? NaN)) * 10) / 10, page90Ms: Math.round(median(runs.map((r) => r.pageMs[89] ?? NaN)) * 10) / 10 } : {}),
      };
    }
    const rawRuns = [];
    for (let i = 0; i < 3; i++) rawRuns.push(await rawListAll(1000));
    if (rawRuns.some((r) => r.count !== listing.default?.count)) throw new Error(`The raw listing read ${rawRuns.map((r) => r.count).join(", ")} rows where the API listed ${listing.default?.count}`);
    const rawListing = { pageSize: 1000, ms: rawRuns.map((r) => Math.round(r.ms)), pages: rawRuns[0]?.pages ?? 0 };
    const listingRatio = median(listing.default?.ms ?? []) / median(rawListing.ms);

    const summary = (r: Result) => ({
      requestsPerSecond: Math.round((r["2xx"] / r.duration) * 10) / 10,
      ok: r["2xx"],
      non2xx: r.non2xx,
      errors: r.errors,
      timeouts: r.timeouts,
      latencyMs: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max },
    });
    const results = {
      date: new Date().toISOString(),
      loadAverageBefore,
      loadAverageAfter: os.loadavg().map((l) => Math.round(l * 100) / 100),
      machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, Node ${process.version}`,
      sustained: { connections, duration, ...summary(sustained.result), cpu: sustained.cpu },
      atRate: atRate ? { rate, connections, duration: rateDuration, storedBefore: afterPhase1 + toAdd, storedContracts, ...summary(atRate.result), cpu: atRate.cpu } : undefined,
      rawAzurite: peers.map((peer) => ({ into: peer.label, connections, duration: rawDuration, insertsPerSecond: Math.round(peer.perSecond), latencyMs: { p50: peer.p50, p99: peer.p99 }, cpu: peer.cpu, writesPerSubmission: WRITES_PER_SUBMISSION, ratio: Math.round(ratioTo(peer) * 100) / 100 })),
      listing: { rows, ...listing, rawAzurite: { ...rawListing, ratio: Math.round(listingRatio * 100) / 100 } },
    };
    writeFileSync(path.join(__dirname, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
    const row = (name: string, p: { result: Result; cpu: { api: number; azurite: number } }) =>
      `| ${name} | ${Math.round((p.result["2xx"] / p.result.duration) * 10) / 10}/s (${p.result["2xx"]} ok, ${p.result.non2xx} non-2xx, ${p.result.errors} errors) | p50 ${p.result.latency.p50} ms, p90 ${p.result.latency.p90} ms, p99 ${p.result.latency.p99} ms, max ${p.result.latency.max} ms | API ${p.cpu.api.toFixed(2)}, Azurite ${p.cpu.azurite.toFixed(2)} |`;
    console.log(`
| phase | submissions answered 2xx | latency | CPU (1.00 = one core) |
|---|---|---|---|
${row(`sustained: ${connections} connections, ${duration} s`, sustained)}
${atRate ? `${row(`fixed rate ${rate}/s, ${rateDuration} s, ${afterPhase1 + toAdd} stored (${storedContracts === 1 ? "those added all in C-BENCH" : `those added spread over ${storedContracts} contracts`})`, atRate)}\n` : ""}
| peer, same run | rate | latency | CPU |
|---|---|---|---|
${peers
  .map(
    (peer) =>
      `| raw Azurite inserts ${peer.label}, ${connections} at a time, ${rawDuration} s, after phase 2 | ${Math.round(peer.perSecond)} entities/s | p50 ${peer.p50} ms, p99 ${peer.p99} ms | Azurite ${peer.cpu.azurite.toFixed(2)} |\n| ours ÷ (raw ${peer.label} ÷ ${WRITES_PER_SUBMISSION} writes a submission) | **${ratioTo(peer).toFixed(2)}** (goal ≥ 0.5) | | |`,
  )
  .join("\n")}

| listing ${rows} contributions page by page | median | runs |
|---|---|---|
| default pageSize (${listing.default?.pages} pages) | ${median(listing.default?.ms ?? [])} ms | ${listing.default?.ms.join(", ")} ms |
| pageSize 1000 (${listing["1000"]?.pages} pages) | ${median(listing["1000"]?.ms ?? [])} ms | ${listing["1000"]?.ms.join(", ")} ms |
| pageSize 100 (${listing["100"]?.pages} pages) | ${median(listing["100"]?.ms ?? [])} ms | ${listing["100"]?.ms.join(", ")} ms |
| peer: raw Azurite, the same query, pages of 1,000 (${rawListing.pages} pages) | ${median(rawListing.ms)} ms | ${rawListing.ms.join(", ")} ms |
| ours ÷ raw Azurite, default page size | **${listingRatio.toFixed(2)}** | |
| pageSize 100: page 1 / page 90 | ${listing["100"]?.page1Ms} ms / ${listing["100"]?.page90Ms} ms | ratio ${((listing["100"]?.page90Ms ?? NaN) / (listing["100"]?.page1Ms ?? NaN)).toFixed(2)} (goal ≤ 1.5) |
`);
    console.log(`Machine: ${results.machine}; load average before ${loadAverageBefore.join(" ")}, after ${results.loadAverageAfter.join(" ")}; results in bench/ingest/results.json`);
  } finally {
    if (api) await stopChild(api);
    await azurite.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
