import { ChaseRunResultSchema, ChaseRunStatusSchema } from "../../../shared";
import type { ChaseLedgerEntry } from "../../../shared";
import { ChaseBusyError, runChase, startChase } from "../../../api/src/chase/run";
import type { Mailer } from "../../../api/src/mail/mailer";
import { StorageUnavailableError } from "../../../api/src/store/errors";
import { startFaultProxy, portOf } from "../../support/faultProxy";
import type { FaultProxy } from "../../support/faultProxy";
import { freePort } from "../../../scripts/azurite";
import { invoke, testStorage } from "../../support/harness";
import { addContract, addContribution, chaseTestBed, countByRecipient, graphMailer, readMail } from "./support";
import type { ChaseTestBed } from "./support";

jest.setTimeout(60_000);

/**
 * The chase when things go wrong: Exchange throttling, a run that dies part-way, storage that
 * drops out mid-run, an address the mail system refuses, and a mailbox the app may not send as.
 * Every case ends with each recipient having had their email, and nothing recorded as sent sent again.
 */

const TODAY = "2026-11-26"; // a Thursday: no digests
const SAM = "sam.patel@council.example";
const sendMail = { path: /\/sendMail$/ };

const supplier = (n: number) => `supplier${n}@acme${n}.example`;

/** `count` suppliers, each owing evidence for one contribution due 2026-11-19: today is their second reminder, not yet an escalation. */
async function seed(bed: ChaseTestBed, count: number): Promise<string[]> {
  const contract = await addContract(bed.app);
  const emails: string[] = [];
  for (let n = 1; n <= count; n++) {
    await addContribution(bed.app, contract, { responder: supplier(n), supplier: `Supplier ${n} Ltd`, periodEnd: "2026-10-20" });
    emails.push(supplier(n));
  }
  bed.app.clock.set(`${TODAY}T07:00:00Z`);
  return emails;
}

const ledgerOf = async (bed: ChaseTestBed): Promise<ChaseLedgerEntry[]> => (await bed.app.deps.store.chase.list(undefined, { pageSize: 200 })).items;

describe("Exchange throttles the mailbox (429 with Retry-After)", () => {
  let bed: ChaseTestBed;
  beforeEach(async () => {
    bed = await chaseTestBed();
  });
  afterEach(() => bed.close());

  it("rides out a storm of 429s by waiting as asked, and sends each email once", async () => {
    const emails = await seed(bed, 6);
    bed.fake.failNext(Array.from({ length: 12 }, () => ({ kind: "throttle" as const, retryAfter: "2" })), sendMail);
    const result = await runChase(bed.app.deps, bed.app.clock.now());
    expect(result).toMatchObject({ sent: 6, failed: 0, deferred: 0 });
    expect(result.stoppedEarly).toBeUndefined();
    expect([...countByRecipient(bed.fake.sent)].sort()).toEqual(emails.map((e) => [e, 1]).sort());
    // Retry-After: 2 was honoured (virtual time, so the test does not wait).
    expect(bed.timer.sleeps.some((ms) => ms >= 2000)).toBe(true);
    expect(bed.fake.requests.filter((r) => r.outcome === 429)).toHaveLength(12);
  });

  it("stops the run when the mailbox is throttled for longer than a message may wait, and the next run sends the rest", async () => {
    const emails = await seed(bed, 6);
    bed.fake.failAlways({ kind: "throttle", retryAfter: "3600" }, sendMail);
    const first = ChaseRunResultSchema.parse(await runChase(bed.app.deps, bed.app.clock.now()));
    expect(first.sent).toBe(0);
    expect(first.deferred).toBe(6);
    expect(first.stoppedEarly).toMatch(/throttling the mailbox until/);
    // Only the messages already under way reached Graph; the rest were recorded without trying.
    expect(bed.fake.requests.filter((r) => r.path.endsWith("/sendMail")).length).toBeLessThanOrEqual(8);
    expect((await ledgerOf(bed)).filter((e) => e.outcome === "deferred")).toHaveLength(6);

    bed.fake.heal();
    await bed.timer.sleep(3_600_000); // an hour later, as Exchange asked
    bed.app.clock.set(`${TODAY}T08:05:00Z`);
    const second = await runChase(bed.app.deps, bed.app.clock.now());
    expect(second).toMatchObject({ sent: 6, deferred: 0 });
    expect([...countByRecipient(bed.fake.sent)].sort()).toEqual(emails.map((e) => [e, 1]).sort());
  });
});

describe("a run that dies part-way", () => {
  let bed: ChaseTestBed;
  afterEach(() => bed.close());

  it("is finished by the next run: every recipient gets exactly one email, and only the message in flight is flagged", async () => {
    // The process dies while the fifth message is being handed to Graph: from then on nothing it does completes.
    let calls = 0;
    bed = await chaseTestBed({
      mailer: (fake, timer) => {
        const graph = graphMailer(fake, timer);
        const dying: Mailer = {
          transport: "graph",
          send: async (email, control) => {
            const n = ++calls;
            if (n === 5) await control?.beforeHandOver?.();
            if (n >= 5) throw new Error("process killed");
            return graph.send(email, control);
          },
        };
        return dying;
      },
    });
    const emails = await seed(bed, 10);
    await expect(runChase(bed.app.deps, bed.app.clock.now())).rejects.toThrow("process killed");
    expect(bed.fake.sent).toHaveLength(4);
    const left = await ledgerOf(bed);
    expect(left.filter((e) => e.outcome === "sent")).toHaveLength(4);
    // Messages that never reached the hand-over were never claimed, so nothing says they may have gone.
    const unfinished = left.filter((e) => e.outcome === "claimed");
    expect(unfinished).toHaveLength(1);

    calls = -1_000; // the next run's process is healthy
    bed.app.clock.set(`${TODAY}T07:20:00Z`);
    const rerun = await runChase(bed.app.deps, bed.app.clock.now());
    expect(rerun.sent).toBe(6);
    expect(rerun.alreadyDone).toBe(4);
    expect([...countByRecipient(bed.fake.sent)].sort()).toEqual(emails.map((e) => [e, 1]).sort());

    // The claimed messages were settled: their fate was unknown, so their items went again, flagged.
    const after = await ledgerOf(bed);
    for (const claimed of unfinished) {
      const settled = after.find((e) => e.id === claimed.id);
      expect(settled?.outcome).toBe("deferred");
      expect(settled?.failure).toMatch(/stopped before Graph's answer was recorded/);
      const resent = rerun.messages.find((e) => e.recipient.email === claimed.recipient.email);
      expect(resent).toMatchObject({ outcome: "sent", possibleDuplicate: true });
    }
    expect(after.some((e) => e.outcome === "claimed")).toBe(false);

    expect(rerun.messages.filter((e) => e.possibleDuplicate)).toHaveLength(1);
    expect(after.some((e) => e.outcome === "claimed")).toBe(false);

    const third = await runChase(bed.app.deps, bed.app.clock.now());
    expect(third).toMatchObject({ sent: 0, alreadyDone: 10, messages: [] });
  });

  it("claims a message only when the pacer lets it go: a crash flags none of those still queued", async () => {
    // Paced at 6 a minute with 8 messages handled at once: most wait their turn in the pacer.
    let handedOver = 0;
    let dying = true;
    let crash: (() => void) | undefined;
    const crashed = new Promise<void>((resolve) => (crash = resolve));
    bed = await chaseTestBed({
      mailer: (fake, timer) => {
        const graph = graphMailer(fake, timer, { MAIL_MESSAGES_PER_MINUTE: "6" });
        return {
          transport: "graph",
          send: async (email, control) =>
            graph.send(email, {
              ...control,
              beforeHandOver: async () => {
                // The process dies as the third message is handed over: nothing after that happens.
                if (!dying) return control?.beforeHandOver?.();
                const n = ++handedOver;
                if (n > 3) throw new Error("process killed");
                await control?.beforeHandOver?.();
                if (n === 3) {
                  crash?.();
                  throw new Error("process killed");
                }
              },
            }),
        };
      },
    });
    await seed(bed, 10);
    await Promise.all([expect(runChase(bed.app.deps, bed.app.clock.now())).rejects.toThrow("process killed"), crashed]);
    const left = await ledgerOf(bed);
    expect(left.filter((e) => e.outcome === "sent")).toHaveLength(2);
    expect(left.filter((e) => e.outcome === "claimed")).toHaveLength(1);
    dying = false;
    bed.app.clock.set(`${TODAY}T07:20:00Z`);
    const rerun = await runChase(bed.app.deps, bed.app.clock.now());
    expect(rerun.sent).toBe(8);
    expect(rerun.messages.filter((e) => e.possibleDuplicate)).toHaveLength(1);
  });
});

describe("a lease left by a run that died", () => {
  let bed: ChaseTestBed;
  beforeEach(async () => {
    bed = await chaseTestBed({ env: { CHASE_LEASE_SECONDS: "45" } });
  });
  afterEach(() => bed.close());

  it("blocks other runs until it runs out (45 s), then another run takes over and says so", async () => {
    await seed(bed, 2);
    const store = bed.app.deps.store.chase;
    const at = bed.app.clock.now();
    // A run on another instance took the lease and died without releasing it.
    const dead = await store.acquireLease("deadbeef", at, 45_000, "everything");
    expect(dead.held).toBe(true);
    await store.saveRun({ runId: "deadbeef", runDate: TODAY, scope: "everything", trigger: "manual", state: "running", startedAt: at.toISOString(), heartbeatAt: at.toISOString(), sent: 0, failed: 0, deferred: 0, alreadyDone: 0 });
    await expect(runChase(bed.app.deps, bed.app.clock.now())).rejects.toThrow(ChaseBusyError);
    expect(await store.expiredLease(bed.app.clock.now())).toBeUndefined();

    bed.app.clock.set(new Date(at.getTime() + 46_000).toISOString());
    expect(await store.expiredLease(bed.app.clock.now())).toMatchObject({ runId: "deadbeef", scope: "everything" });
    const started = await startChase(bed.app.deps, bed.app.clock.now(), { trigger: "timer" });
    expect(started.status.tookOverFrom).toBe("deadbeef");
    expect((await started.done).sent).toBe(2);
    expect((await store.getRun("deadbeef"))?.state).toBe("abandoned");
    expect(await store.getRun(started.status.runId)).toMatchObject({ state: "finished", sent: 2, tookOverFrom: "deadbeef" });
    // Released at the end: nothing left for the frequent timer to resume.
    expect(await store.expiredLease(new Date(at.getTime() + 3_600_000))).toBeUndefined();
  });

  it("two instances racing for a free lease: exactly one holds it (ETag-guarded)", async () => {
    const at = bed.app.clock.now();
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => bed.app.deps.store.chase.acquireLease(`run0000${i}`, at, 45_000, "everything")));
    expect(answers.filter((a) => a.held)).toHaveLength(1);
  });
});

describe("Graph unreachable or failing: the circuit breaker", () => {
  let bed: ChaseTestBed;
  afterEach(() => bed.close());

  /** Virtual time from the first sendMail request to the run's end: what a real run would take. */
  const runTime = (b: ChaseTestBed, startedAt: number) => b.timer.now() - startedAt;

  it.each([
    ["connections refused (nothing listens on Graph's port)", "refused"],
    ["connections dropped before any answer", "dropped"],
  ] as const)("%s: stops within 60 s, every message deferred with the reason, and the next run sends them", async (_title, fault) => {
    const closedPort = await freePort();
    let refusing = fault === "refused";
    bed = await chaseTestBed({
      mailer: (fake, timer) => {
        const healthy = graphMailer(fake, timer);
        const unreachable = graphMailer(fake, timer, { GRAPH_BASE_URL: `http://127.0.0.1:${closedPort}/v1.0` });
        return { transport: "graph", send: (email, control) => (refusing ? unreachable : healthy).send(email, control) };
      },
    });
    const emails = await seed(bed, 12);
    if (fault === "dropped") bed.fake.failAlways({ kind: "drop" }, sendMail);
    const startedAt = bed.timer.now();
    const first = await runChase(bed.app.deps, bed.app.clock.now());
    refusing = false;
    expect(runTime(bed, startedAt)).toBeLessThanOrEqual(60_000);
    expect(first).toMatchObject({ sent: 0, failed: 0, deferred: 12 });
    expect(first.stoppedEarly).toMatch(/^Graph is unreachable or failing: Graph has failed every attempt for \d+ s/);
    const ledger = await ledgerOf(bed);
    expect(ledger).toHaveLength(12);
    expect(ledger.every((e) => e.outcome === "deferred" && /Graph has failed every attempt|Not sent: the run stopped early because Graph is unreachable/.test(e.failure ?? ""))).toBe(true);
    // Each message got a few tries at most, not two minutes of them.
    if (fault === "dropped") expect(bed.fake.requests.filter((r) => r.path.endsWith("/sendMail")).length).toBeLessThan(12 * 4);

    bed.fake.heal();
    bed.app.clock.set(`${TODAY}T08:00:00Z`);
    const second = await runChase(bed.app.deps, bed.app.clock.now());
    expect(second).toMatchObject({ sent: 12, deferred: 0 });
    expect([...countByRecipient(bed.fake.sent)].sort()).toEqual(emails.map((e) => [e, 1]).sort());
  });

  it("a 503 on every attempt: stops within 60 s instead of retrying each message for two minutes", async () => {
    bed = await chaseTestBed();
    await seed(bed, 10);
    bed.fake.failAlways({ kind: "unavailable", retryAfter: "5" }, sendMail);
    const startedAt = bed.timer.now();
    const first = await runChase(bed.app.deps, bed.app.clock.now());
    expect(runTime(bed, startedAt)).toBeLessThanOrEqual(60_000);
    expect(first).toMatchObject({ sent: 0, deferred: 10 });
    expect(first.stoppedEarly).toMatch(/Graph answered 503/);
    // 503 says the request was not taken: nothing is flagged as possibly sent.
    bed.fake.heal();
    bed.app.clock.set(`${TODAY}T08:00:00Z`);
    const second = await runChase(bed.app.deps, bed.app.clock.now());
    expect(second.sent).toBe(10);
    expect(second.messages.some((e) => e.possibleDuplicate)).toBe(false);
  });

  it("a few passing 503s do not open it: the run rides them out", async () => {
    bed = await chaseTestBed();
    await seed(bed, 6);
    bed.fake.failNext(Array.from({ length: 5 }, () => ({ kind: "unavailable" as const, retryAfter: "1" })), sendMail);
    const result = await runChase(bed.app.deps, bed.app.clock.now());
    expect(result).toMatchObject({ sent: 6, deferred: 0 });
    expect(result.stoppedEarly).toBeUndefined();
  });
});

describe("storage drops out mid-run", () => {
  let bed: ChaseTestBed;
  let proxy: FaultProxy;
  afterEach(async () => {
    await bed.close();
    await proxy.close();
  });

  it("the run fails and shows as abandoned; the next run sends what was left; nothing recorded as sent goes twice", async () => {
    proxy = await startFaultProxy(portOf(testStorage()));
    const storage = testStorage().replace(/TableEndpoint=http:\/\/127\.0\.0\.1:\d+\//, `TableEndpoint=http://127.0.0.1:${proxy.port}/`);
    let sends = 0;
    bed = await chaseTestBed({
      env: { STORAGE_CONNECTION_STRING: storage },
      mailer: (fake, timer) => {
        const graph = graphMailer(fake, timer);
        return {
          transport: "graph",
          send: async (email, control) => {
            const result = await graph.send(email, control);
            // Storage goes away just after the third email is accepted by Graph.
            if (++sends === 3) proxy.failAfter(0);
            return result;
          },
        };
      },
    });
    const emails = await seed(bed, 8);
    const manager = await bed.app.token({ roles: ["Manager"], email: "manager@council.example" });
    const started = await startChase(bed.app.deps, bed.app.clock.now(), { trigger: "manual" });
    await expect(started.done).rejects.toThrow(StorageUnavailableError);
    const runId = started.status.runId;
    const duringOutage = new Set(bed.fake.sent.flatMap((m) => m.recipients));
    expect(duringOutage.size).toBeGreaterThanOrEqual(3);

    proxy.heal();
    // The failed run could not release its lease: the next run waits for it to run out (45 s).
    bed.app.clock.set(`${TODAY}T07:00:46Z`);
    const status = await invoke(bed.app.deps, "chaseRunGet", { headers: { authorization: `Bearer ${manager}` }, path: `chase/runs/${runId}`, params: { runId } });
    expect(status.status).toBe(200);
    // Storage was gone, so the run could not record that it failed: its heartbeat stopped, so it shows as abandoned.
    expect(ChaseRunStatusSchema.parse(status.body).state).toBe("abandoned");
    const rerun = ChaseRunResultSchema.parse(await runChase(bed.app.deps, bed.app.clock.now()));
    const counts = countByRecipient(bed.fake.sent);
    expect([...counts.keys()].sort()).toEqual([...emails].sort());
    const flagged = new Set(rerun.messages.filter((e) => e.possibleDuplicate).map((e) => e.recipient.email));
    for (const [email, n] of counts) {
      expect(n).toBeLessThanOrEqual(2);
      // A second email only where the first run could not record Graph's answer, and the ledger says so.
      if (n === 2) expect(flagged.has(email)).toBe(true);
    }
    const ledger = await ledgerOf(bed);
    const sentInRunOne = ledger.filter((e) => e.outcome === "sent" && !rerun.messages.some((r) => r.id === e.id));
    for (const entry of sentInRunOne) expect(counts.get(entry.recipient.email)).toBe(1);

    const third = await runChase(bed.app.deps, bed.app.clock.now());
    expect(third.sent).toBe(0);
  });
});

describe("an address the mail system refuses (400 ErrorInvalidRecipients)", () => {
  let bed: ChaseTestBed;
  beforeEach(async () => {
    bed = await chaseTestBed();
  });
  afterEach(() => bed.close());

  it("records Graph's message as a failure and tells the contract manager in the same run", async () => {
    await seed(bed, 3);
    bed.fake.rejectRecipients([supplier(2)]);
    const result = await runChase(bed.app.deps, bed.app.clock.now());
    expect(result).toMatchObject({ sent: 3, failed: 1, deferred: 0 });
    const refused = result.messages.find((e) => e.recipient.email === supplier(2));
    expect(refused?.outcome).toBe("failed");
    expect(refused?.failure).toContain(`ErrorInvalidRecipients: At least one recipient isn't valid., Recipient "${supplier(2)}" isn't resolved.`);

    const toManager = bed.fake.sent.map(readMail).find((m) => m.to === SAM);
    expect(toManager?.subject).toMatch(/^Supplier cannot be reached/);
    expect(toManager?.text).toContain("We could not email Supplier 2 Ltd: the mail system refused their address");
    expect(toManager?.references).toHaveLength(1);

    // The ladder goes on; the failure is not retried the same day, and the manager is not told twice.
    const again = await runChase(bed.app.deps, bed.app.clock.now());
    expect(again.sent + again.failed).toBe(0);
    expect((await ledgerOf(bed)).find((e) => e.id === refused?.id)?.failure).toContain("ErrorInvalidRecipients");
  });
});

describe("a mailbox the app may not send as (403 ErrorAccessDenied)", () => {
  let bed: ChaseTestBed;
  beforeEach(async () => {
    bed = await chaseTestBed();
  });
  afterEach(() => bed.close());

  it("stops at the first refusal, records the rest as deferred with Graph's words, and sends them once it is fixed", async () => {
    const emails = await seed(bed, 12);
    const denied = "Access to OData is disabled: [RAOP] : Blocked by tenant configured AppOnly AccessPolicy settings.";
    bed.fake.failAlways({ kind: "error", status: 403, code: "ErrorAccessDenied", message: denied }, sendMail);
    const first = await runChase(bed.app.deps, bed.app.clock.now());
    expect(first.sent + first.failed).toBe(0);
    expect(first.deferred).toBe(12);
    expect(first.stoppedEarly).toContain(denied);
    expect(bed.fake.requests.filter((r) => r.path.endsWith("/sendMail")).length).toBeLessThan(12);
    expect(first.messages.every((e) => e.failure?.includes("ErrorAccessDenied") || e.failure?.startsWith("Not sent: the run stopped early"))).toBe(true);

    bed.fake.heal();
    const second = await runChase(bed.app.deps, bed.app.clock.now());
    expect(second.sent).toBe(12);
    expect([...countByRecipient(bed.fake.sent)].sort()).toEqual(emails.map((e) => [e, 1]).sort());
  });
});
