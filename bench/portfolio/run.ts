import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { applyToTotals, emptyTotals, EXAMPLE_PACK, indexPack, PORTFOLIO_GROUPINGS, PortfolioViewSchema } from "../../shared";
import type { Commitment, Contract, ContractTotals, EvidenceStatus } from "../../shared";
import { compose } from "../../api/src/app/compose";
import { loadDevIssuer } from "../../api/src/dev/issuer";
import { formReference } from "../../api/src/ingest/references";
import { mapWithLimit } from "../../api/src/lib/concurrency";
import { loadSettings } from "../../api/src/settings/settings";
import { freePort, startAzurite, stopChild } from "../../scripts/azurite";

/**
 * npm run bench:portfolio -- [--contracts 500] [--contributions 200000] [--posts 1000] [--rounds 5]
 *
 * Loopback only: an in-memory Azurite and the local API host (a separate node process). Seeds
 * --contracts contracts with commitments and their running totals as --contributions contributions
 * would leave them (computed with shared/'s applyToTotals and written straight into storage: posting
 * 200,000 submissions through HTTP would take most of an hour on this machine). Then --posts real
 * Forms submissions go through HTTP, so the totals are also updated the way the product updates
 * them, and GET /api/portfolio is timed for every grouping, --rounds times each after a warm-up.
 * Results print as Markdown and go to bench/portfolio/results.json.
 */
const ROOT = path.resolve(__dirname, "../..");
const SECRET = "bench-portfolio-secret-0123456789";
const MEASURES = ["J1", "J3", "E3", "S2", "G1", "J2"];
const SERVICES = ["Highways", "Adult Social Care", "Waste", "Housing", "Children's Services", "Leisure"];
const STATUSES: EvidenceStatus[] = ["accepted", "accepted", "accepted", "submitted", "missing", "rejected"];

const day = (n: number) => new Date(Date.UTC(2024, 3, 1) + n * 86_400_000).toISOString().slice(0, 10);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      contracts: { type: "string", default: "500" },
      contributions: { type: "string", default: "200000" },
      posts: { type: "string", default: "1000" },
      rounds: { type: "string", default: "5" },
    },
  });
  const contractCount = Number(values.contracts);
  const contributionCount = Number(values.contributions);
  const posts = Number(values.posts);
  const rounds = Number(values.rounds);

  const loadAverageBefore = os.loadavg().map((l) => Math.round(l * 100) / 100);
  const azurite = await startAzurite({ root: ROOT });
  const issuerDir = mkdtempSync(path.join(os.tmpdir(), "svl-bench-issuer-"));
  const env = { ...process.env, AUTH_MODE: "dev", AUTH_DEV_DIR: issuerDir, STORAGE_CONNECTION_STRING: azurite.connectionString, INGEST_SECRET: SECRET, TABLE_PREFIX: "bench" };
  let api: ChildProcess | undefined;
  try {
    const deps = await compose(loadSettings(env, ROOT), { warn: () => undefined });
    await deps.ready();
    const pack = indexPack(EXAMPLE_PACK);

    console.log(`Seeding ${contractCount} contracts and the running totals of ${contributionCount} contributions`);
    const seedStarted = performance.now();
    const now = new Date().toISOString();
    const perContract = Math.ceil(contributionCount / contractCount);
    let made = 0;
    await mapWithLimit(
      Array.from({ length: contractCount }, (_, i) => i),
      16,
      async (i) => {
        const id = `C-${String(1000 + i)}`;
        const start = day((i * 7) % 700);
        // A few large contracts, as councils have: every 50th is ten times the size.
        const scale = i % 50 === 0 ? 10 : 1;
        const contract: Contract = {
          id,
          title: `Contract ${id}`,
          buyer: "Example County Council",
          packId: EXAMPLE_PACK.id,
          packEdition: EXAMPLE_PACK.edition,
          value: 1_000_000 * scale,
          startDate: start,
          endDate: day((i * 7) % 700 + 1095),
          contractManager: { name: "Bench Officer", email: `officer${i % 20}@council.example` },
          escalationContacts: [],
          reminderPolicy: { evidenceGraceDays: 30, remindEveryDays: 7, escalateAfterReminders: 2, lineManagerAfterReminders: 4 },
          service: SERVICES[i % SERVICES.length],
          createdAt: now,
          updatedAt: now,
        };
        await deps.store.createContract(contract);
        const commitments: Commitment[] = MEASURES.slice(0, 3 + (i % 4)).map((measureCode, m) => ({ measureCode, quantity: (10 + ((i + m) % 40)) * scale, ...(m % 2 === 0 ? { supplier: `Supplier ${(i + m) % 120} Ltd` } : {}) }));
        await deps.store.putCommitments(id, commitments);
        const count = Math.min(perContract, contributionCount - i * perContract);
        const counted = Array.from({ length: count }, (_, n) => {
          const measureCode = MEASURES[n % MEASURES.length] ?? "J1";
          const measure = pack.byCode.get(measureCode);
          return {
            id: formReference("bench-seed", `${i}-${n}`, 0),
            measureCode,
            supplier: `Supplier ${(i + (n % 3)) % 120} Ltd`,
            periodEnd: day((i * 7) % 700 + 90 * (1 + (n % 10)) - 1),
            evidenceStatus: STATUSES[n % STATUSES.length] ?? "accepted",
            evidenceDueDate: day((i * 7) % 700 + 90 * (1 + (n % 10)) + 29),
            value: measure?.proxy ? (1 + (n % 5)) * measure.proxy : 1 + (n % 500),
            packId: EXAMPLE_PACK.id,
            packEdition: EXAMPLE_PACK.edition,
          };
        });
        const totals: ContractTotals = applyToTotals(emptyTotals(id), counted) ?? emptyTotals(id);
        made += count;
        await deps.store.portfolio.saveTotals(totals, undefined);
      },
    );
    const seedSeconds = (performance.now() - seedStarted) / 1000;

    const port = await freePort();
    api = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts/serve-api.ts"), "--port", String(port), "--quiet"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((resolve, reject) => {
      api?.stdout?.on("data", (d: Buffer) => (d.toString().includes("listening") ? resolve() : undefined));
      api?.once("exit", (code) => reject(new Error(`The API exited (code ${code}) before listening`)));
    });
    const base = `http://127.0.0.1:${port}`;
    const manager = { authorization: `Bearer ${await (await loadDevIssuer(issuerDir)).sign({ roles: ["Manager"], email: "head.of.procurement@council.example" })}` };

    console.log(`Posting ${posts} Forms submissions through HTTP (16 at a time)`);
    const postStarted = performance.now();
    const failed: string[] = [];
    await mapWithLimit(
      Array.from({ length: posts }, (_, n) => n),
      16,
      async (n) => {
        const res = await fetch(`${base}/api/forms/responses`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-ingest-secret": SECRET },
          body: JSON.stringify({
            formId: "bench-portfolio",
            responseId: String(n),
            submittedAt: "2026-11-20T10:15:00Z",
            responder: `s${n % 40}@acme.example`,
            answers: { contractRef: `C-${1000 + (n % contractCount)}`, supplier: `Supplier ${n % 120} Ltd`, measureCode: "J3", quantity: String(1 + (n % 9)), periodStart: "2026-07-01", periodEnd: "2026-09-30", description: "Benchmark submission" },
          }),
        });
        if (res.status !== 201) failed.push(`${res.status} ${await res.text()}`);
      },
    );
    const postSeconds = (performance.now() - postStarted) / 1000;

    const timings: Record<string, number[]> = {};
    let rows = 0;
    let reported = 0;
    for (const groupBy of PORTFOLIO_GROUPINGS) {
      const ms: number[] = [];
      for (let r = 0; r <= rounds; r++) {
        const started = performance.now();
        const res = await fetch(`${base}/api/portfolio?groupBy=${groupBy}`, { headers: manager });
        const body = PortfolioViewSchema.parse(await res.json());
        if (r > 0) ms.push(Math.round(performance.now() - started));
        if (groupBy === "contract") {
          rows = body.rows.length;
          reported = body.totals.reported;
        }
      }
      timings[groupBy] = ms;
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
    const results = {
      date: new Date().toISOString(),
      command: `npm run bench:portfolio -- --contracts ${contractCount} --contributions ${contributionCount} --posts ${posts} --rounds ${rounds}`,
      machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, Node ${process.version}`,
      loadAverageBefore,
      loadAverageAfter: os.loadavg().map((l) => Math.round(l * 100) / 100),
      seeded: { contracts: contractCount, contributions: made, seconds: Math.round(seedSeconds) },
      posted: { submissions: posts, failed: failed.length, seconds: Math.round(postSeconds * 10) / 10, perSecond: Math.round(posts / postSeconds), firstFailures: failed.slice(0, 3) },
      portfolio: { rows, reportedPence: reported, ms: timings, medianMs: Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, median(v)])), maxMs: Math.max(...Object.values(timings).flat()) },
    };
    writeFileSync(path.join(__dirname, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
    console.log(`\n| grouping | median of ${rounds} | max |\n|---|---|---|`);
    for (const [k, v] of Object.entries(timings)) console.log(`| ${k} | ${median(v)} ms | ${Math.max(...v)} ms |`);
    console.log(`\n${JSON.stringify(results, null, 2)}`);
  } finally {
    if (api) await stopChild(api);
    await azurite.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
