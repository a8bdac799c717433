import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { addDays, ChaseRunStatusSchema, todayIn } from "../../../shared";
import type { ChaseRunStatus } from "../../../shared";
import { stopChild } from "../../../scripts/azurite";
import { client, INGEST_SECRET, submission, testApp, testStorage } from "../../support/harness";
import type { TestApp } from "../../support/harness";
import { addContract, addContribution } from "../chase/support";

jest.setTimeout(90_000);

/**
 * Several instances on one storage account, as Flex Consumption scales the app out: three API
 * processes (the local host, scripts/serve-api.ts, each on a free loopback port) on the test
 * Azurite under one table prefix. Nothing is shared between them but storage, so every rule that
 * must hold across instances is kept by storage itself (inserts that fail on a taken key, ETags).
 */

const ROOT = path.resolve(__dirname, "../../..");
const INSTANCES = 3;

interface Instance {
  url: string;
  child: ChildProcess;
}

let app: TestApp;
let instances: Instance[] = [];
let outbox: string;

function startInstance(env: NodeJS.ProcessEnv): Promise<Instance> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts/serve-api.ts"), "--port", "0", "--quiet"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`an API instance did not start within 45 s: ${output}`)), 45_000);
    const read = (d: Buffer) => {
      output += d.toString();
      const listening = /API listening on (http:\/\/127\.0\.0\.1:\d+)\/api/.exec(output);
      if (listening?.[1]) {
        clearTimeout(timer);
        resolve({ url: listening[1], child });
      }
    };
    child.stdout?.on("data", read);
    child.stderr?.on("data", read);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`an API instance exited (code ${code}): ${output}`));
    });
  });
}

beforeAll(async () => {
  const prefix = `t${randomBytes(5).toString("hex")}`;
  app = await testApp({ env: { TABLE_PREFIX: prefix } });
  await app.deps.ready();
  await addContract(app);
  outbox = mkdtempSync(path.join(os.tmpdir(), "svl-outbox-"));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? "",
    AUTH_MODE: "dev",
    AUTH_DEV_DIR: app.issuerDir,
    STORAGE_CONNECTION_STRING: testStorage(),
    TABLE_PREFIX: prefix,
    INGEST_SECRET,
    LOCAL_TIMERS: "off",
    MAIL_OUTBOX_DIR: outbox,
  };
  instances = await Promise.all(Array.from({ length: INSTANCES }, () => startInstance(env)));
});

afterAll(async () => {
  await Promise.all(instances.map((i) => stopChild(i.child)));
});

it("runs as separate processes on separate ports", () => {
  expect(new Set(instances.map((i) => i.url)).size).toBe(INSTANCES);
});

it("20 parallel copies of one Forms response spread over the instances make exactly one contribution", async () => {
  // With its evidence, so the next test has something to review.
  const evidence = JSON.stringify([{ name: "timesheets.pdf", link: "https://acme.sharepoint.com/sites/forms/timesheets.pdf", id: "01KQX4", type: null, size: 162075, referenceId: "01KQX4R", driveId: "b!x7", status: 1, uploadSessionUrl: null }]);
  const body = submission({ responseId: `multi-${randomBytes(3).toString("hex")}`, answers: { evidence } });
  const answers = await Promise.all(
    Array.from({ length: 20 }, (_, i) => client((instances[i % INSTANCES] as Instance).url, { "x-ingest-secret": INGEST_SECRET })("POST", "/api/forms/responses", body)),
  );
  const statuses = answers.map((a) => a.status);
  expect(statuses.filter((s) => s === 201)).toHaveLength(1);
  expect(statuses.filter((s) => s === 200)).toHaveLength(19);
  expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
  const stored = await app.deps.store.listContributions({ contractId: "C-1001" }, { pageSize: 100 });
  expect(stored.items.filter((c) => c.id === answers[0]?.body.id)).toHaveLength(1);
  expect(stored.items).toHaveLength(1);
});

it("a review race across instances has one winner; the others are told the ETag is stale", async () => {
  const officer = await app.token({ roles: ["Officer"] });
  const [first] = (await app.deps.store.listContributions({ contractId: "C-1001" }, { pageSize: 1 })).items;
  if (!first) throw new Error("the contribution of the previous test is missing");
  const read = await client((instances[0] as Instance).url, { authorization: `Bearer ${officer}` })("GET", `/api/contributions/${first.id}`);
  const etag = read.headers.get("etag") ?? "";
  expect(etag).not.toBe("");
  const decisions = Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? { decision: "accept", reason: "Timesheets match" } : { decision: "reject", reason: `Reviewer ${i}: the timesheets are not signed` }));
  const answers = await Promise.all(
    decisions.map((d, i) => client((instances[i % INSTANCES] as Instance).url, { authorization: `Bearer ${officer}` })("POST", `/api/contributions/${first.id}/review`, d, { "if-match": etag })),
  );
  const statuses = answers.map((a) => a.status).sort();
  expect(first.evidenceStatus).toBe("submitted");
  expect(statuses.filter((s) => s === 200)).toHaveLength(1);
  expect(statuses.every((s) => s === 200 || s === 412 || s === 409)).toBe(true);
  const winner = answers.find((a) => a.status === 200);
  const after = await app.deps.store.getContribution("C-1001", first.id);
  expect(after?.value.evidenceStatus).toBe(winner?.body.evidenceStatus);
  // The audit trail has exactly one review.
  const trail = await app.deps.store.auditTrail("C-1001", first.id);
  expect(trail.filter((e) => e.action === "accepted" || e.action === "rejected")).toHaveLength(1);
});

it("two chase runs started at once on different instances send each email once", async () => {
  const today = todayIn("Europe/London", new Date());
  const contract = (await app.deps.store.getContract("C-1001"))?.value;
  if (!contract) throw new Error("no contract");
  const suppliers = Array.from({ length: 8 }, (_, i) => `supplier${i}@acme${i}.example`);
  for (const [i, email] of suppliers.entries()) await addContribution(app, contract, { responder: email, supplier: `Supplier ${i} Ltd`, periodEnd: addDays(today, -40) });
  const manager = await app.token({ roles: ["Manager"], email: "manager@council.example" });
  const presses = await Promise.all(instances.map((i) => client(i.url, { authorization: `Bearer ${manager}` })("POST", "/api/chase/run", {})));
  const statuses = presses.map((p) => p.status);
  expect(statuses.filter((s) => s === 202).length).toBeGreaterThanOrEqual(1);
  expect(statuses.every((s) => s === 202 || s === 409)).toBe(true);
  for (const refused of presses.filter((p) => p.status === 409)) expect(refused.body.error.code).toBe("chase-running");

  // Each started run is followed on another instance than the one that started it: the status is in storage.
  const ended = await Promise.all(
    presses.flatMap((p, i) => (p.status === 202 ? [follow((instances[(i + 1) % INSTANCES] as Instance).url, manager, ChaseRunStatusSchema.parse(p.body).runId)] : [])),
  );
  expect(ended.every((s) => s.state === "finished")).toBe(true);

  const recipients = readdirSync(outbox)
    .filter((f) => f.endsWith(".eml"))
    .map((f) => /^To: .*?<?([^<>\s]+@[^<>\s]+)>?\s*$/m.exec(readFileSync(path.join(outbox, f), "utf8"))?.[1]?.toLowerCase());
  const counts = new Map<string, number>();
  for (const r of recipients) counts.set(r ?? "?", (counts.get(r ?? "?") ?? 0) + 1);
  for (const email of suppliers) expect(counts.get(email)).toBe(1);
  expect([...counts.values()].every((n) => n === 1)).toBe(true);
  expect(ended.reduce((n, s) => n + s.sent, 0)).toBe(recipients.length);
});

async function follow(url: string, token: string, runId: string): Promise<ChaseRunStatus> {
  const until = Date.now() + 30_000;
  for (;;) {
    const answer = await client(url, { authorization: `Bearer ${token}` })("GET", `/api/chase/runs/${runId}`);
    expect(answer.status).toBe(200);
    const status = ChaseRunStatusSchema.parse(answer.body);
    if (status.state !== "running") return status;
    if (Date.now() > until) throw new Error(`chase run ${runId} still running after 30 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
