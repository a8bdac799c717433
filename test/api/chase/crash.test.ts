import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import path from "node:path";
import { addDays, todayIn } from "../../../shared";
import { ChaseBusyError, runChase } from "../../../api/src/chase/run";
import type { ChaseRunResult } from "../../../shared";
import { INGEST_SECRET, testStorage } from "../../support/harness";
import { addContract, addContribution, chaseTestBed, countByRecipient, SENDER } from "./support";
import type { ChaseTestBed } from "./support";

jest.setTimeout(60_000);

/**
 * A chase run in its own process is killed (SIGKILL) part-way through sending, as an instance
 * crashes in Azure. Another run (this process, on the same Azurite and fake Graph) is refused while
 * the dead run's lease lasts, takes over as soon as it runs out, and finishes the work: every
 * supplier has their email, and only what may really have gone is flagged a possible duplicate.
 */

const ROOT = path.resolve(__dirname, "../../..");
const LEASE_SECONDS = 6;
const SUPPLIERS = 12;

let bed: ChaseTestBed;
let child: ChildProcess | undefined;

afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await bed.close();
});

async function until(condition: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

it("a run killed mid-way is taken over once its lease runs out, and each supplier gets their email", async () => {
  const prefix = `t${Date.now().toString(36)}crash`;
  const env = { TABLE_PREFIX: prefix, CHASE_LEASE_SECONDS: String(LEASE_SECONDS) };
  bed = await chaseTestBed({ env });
  const today = todayIn("Europe/London", new Date());
  const contract = await addContract(bed.app);
  const suppliers = Array.from({ length: SUPPLIERS }, (_, i) => `supplier${i}@acme${i}.example`);
  // Due ten days ago: each supplier's first reminder is due today.
  for (const [i, email] of suppliers.entries()) await addContribution(bed.app, contract, { responder: email, supplier: `Supplier ${i} Ltd`, periodEnd: addDays(today, -40) });
  bed.fake.setLatency(100);

  // Paced at 120 a minute: the child needs about six seconds for twelve emails, and is killed after three.
  const output: string[] = [];
  child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "test/support/chaseProcess.ts")], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      AUTH_MODE: "dev",
      AUTH_DEV_DIR: bed.app.issuerDir,
      STORAGE_CONNECTION_STRING: testStorage(),
      INGEST_SECRET,
      ORGANISATION_NAME: "Example County Council",
      GRAPH_BASE_URL: bed.fake.baseUrl,
      MAIL_SENDER: SENDER,
      MAIL_MESSAGES_PER_MINUTE: "120",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (d: Buffer) => output.push(d.toString()));
  child.stderr?.on("data", (d: Buffer) => output.push(d.toString()));
  await until(() => bed.fake.sent.length >= 3 || child?.exitCode !== null, 30_000, "the child's third email");
  expect(child.exitCode).toBeNull();
  child.kill("SIGKILL");
  await until(() => child?.signalCode === "SIGKILL", 5_000, "the child to die");
  const killedAt = Date.now();
  const sentByChild = bed.fake.sent.length;
  expect(sentByChild).toBeLessThan(SUPPLIERS);

  // While the dead run's lease lasts, another run is refused; once it runs out, the next try takes over.
  let result: ChaseRunResult | undefined;
  let refused = 0;
  await until(
    async () => {
      bed.app.clock.set(new Date().toISOString());
      try {
        result = await runChase(bed.app.deps, bed.app.clock.now());
        return true;
      } catch (e) {
        if (!(e instanceof ChaseBusyError)) throw e;
        refused++;
        await new Promise((r) => setTimeout(r, 250));
        return false;
      }
    },
    (LEASE_SECONDS + 10) * 1000,
    "the lease to run out",
  );
  const tookOverAfter = Date.now() - killedAt;
  expect(refused).toBeGreaterThan(0);
  expect(tookOverAfter).toBeLessThan((LEASE_SECONDS + 5) * 1000);

  // Every supplier has their email; a second one only where the child had handed it over and died before recording it.
  const counts = countByRecipient(bed.fake.sent);
  expect([...counts.keys()].sort()).toEqual([...suppliers].sort());
  const flagged = new Set(result?.messages.filter((m) => m.possibleDuplicate).map((m) => m.recipient.email));
  for (const [email, n] of counts) {
    expect(n).toBeLessThanOrEqual(2);
    if (n === 2) expect(flagged.has(email)).toBe(true);
  }
  // Only messages really handed over can be in doubt: at most the mailbox's concurrent requests, never the queue behind the pacer.
  expect(flagged.size).toBeLessThanOrEqual(4);
  const twice = [...counts.values()].filter((n) => n === 2).length;
  expect(result?.sent).toBe(SUPPLIERS - sentByChild + twice);

  const ledger = await bed.app.deps.store.chase.list(undefined, { pageSize: 200 });
  expect(ledger.items.some((e) => e.outcome === "claimed")).toBe(false);
  // The dead run's status says what became of it.
  const runs = new Set(ledger.items.map((e) => e.id.split("|")[3]));
  expect(runs.size).toBe(2);
  const statuses = await Promise.all([...runs].map((id) => bed.app.deps.store.chase.getRun(id ?? "")));
  expect(statuses.map((s) => s?.state).sort()).toEqual(["abandoned", "finished"]);
  expect(statuses.find((s) => s?.state === "finished")?.tookOverFrom).toBe(statuses.find((s) => s?.state === "abandoned")?.runId);
}, 60_000);
