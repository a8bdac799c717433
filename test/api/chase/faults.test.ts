import { ChaseRunResultSchema } from "../../../shared";
import type { ChaseLedgerEntry } from "../../../shared";
import { runChase } from "../../../api/src/chase/run";
import type { Mailer } from "../../../api/src/mail/mailer";
import { startFaultProxy, portOf } from "../../support/faultProxy";
import type { FaultProxy } from "../../support/faultProxy";
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

  it("is finished by the next run: every recipient gets exactly one email", async () => {
    // The process dies after 4 of 10 sends: from then on nothing it does completes.
    let calls = 0;
    bed = await chaseTestBed({
      mailer: (fake, timer) => {
        const graph = graphMailer(fake, timer);
        const dying: Mailer = {
          transport: "graph",
          send: async (email) => {
            if (++calls > 4) throw new Error("process killed");
            return graph.send(email);
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
    const unfinished = left.filter((e) => e.outcome === "claimed");
    expect(unfinished.length).toBeGreaterThan(0);

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

    const third = await runChase(bed.app.deps, bed.app.clock.now());
    expect(third).toMatchObject({ sent: 0, alreadyDone: 10, messages: [] });
  });
});

describe("storage drops out mid-run", () => {
  let bed: ChaseTestBed;
  let proxy: FaultProxy;
  afterEach(async () => {
    await bed.close();
    await proxy.close();
  });

  it("answers 503, then the next run sends what was left; nothing recorded as sent goes twice", async () => {
    proxy = await startFaultProxy(portOf(testStorage()));
    const storage = testStorage().replace(/TableEndpoint=http:\/\/127\.0\.0\.1:\d+\//, `TableEndpoint=http://127.0.0.1:${proxy.port}/`);
    let sends = 0;
    bed = await chaseTestBed({
      env: { STORAGE_CONNECTION_STRING: storage },
      mailer: (fake, timer) => {
        const graph = graphMailer(fake, timer);
        return {
          transport: "graph",
          send: async (email) => {
            const result = await graph.send(email);
            // Storage goes away just after the third email is accepted by Graph.
            if (++sends === 3) proxy.failAfter(0);
            return result;
          },
        };
      },
    });
    const emails = await seed(bed, 8);
    const manager = await bed.app.token({ roles: ["Manager"], email: "manager@council.example" });
    const answer = await invoke(bed.app.deps, "chaseRun", { headers: { authorization: `Bearer ${manager}` }, body: {} });
    expect(answer.status).toBe(503);
    expect(answer.body.error.code).toBe("storage-unavailable");
    const duringOutage = new Set(bed.fake.sent.flatMap((m) => m.recipients));
    expect(duringOutage.size).toBeGreaterThanOrEqual(3);

    proxy.heal();
    // The failed run could not release its lease: the next run waits for it to run out (10 minutes).
    bed.app.clock.set(`${TODAY}T07:11:00Z`);
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
