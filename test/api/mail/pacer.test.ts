import { MailboxPacer } from "../../../api/src/mail/pacer";
import { VirtualTimer } from "../../support/fakeGraphClock";

jest.setTimeout(10_000);

async function grant(pacer: MailboxPacer, maxHoldWaitMs?: number) {
  const permit = await pacer.acquire(maxHoldWaitMs);
  if ("refused" in permit) throw new Error(permit.refused);
  return permit;
}

describe("MailboxPacer (virtual time)", () => {
  test("30 a minute with a bucket of 1 spaces starts 2 s apart", async () => {
    const timer = new VirtualTimer(0);
    const pacer = new MailboxPacer({ messagesPerMinute: 30, maxConcurrent: 4 }, timer);
    const starts: number[] = [];
    for (let i = 0; i < 5; i++) {
      (await grant(pacer)).release();
      starts.push(timer.now());
    }
    expect(starts).toEqual([0, 2_000, 4_000, 6_000, 8_000]);
  });

  test("a slot is handed to the longest waiter when released, never more than maxConcurrent out", async () => {
    const timer = new VirtualTimer(0);
    const pacer = new MailboxPacer({ messagesPerMinute: 0, maxConcurrent: 2 }, timer);
    const a = await grant(pacer);
    const b = await grant(pacer);
    const order: string[] = [];
    const c = grant(pacer).then((p) => (order.push("c"), p));
    const d = grant(pacer).then((p) => (order.push("d"), p));
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual([]);
    a.release();
    a.release(); // a second release of the same permit gives nothing back
    (await c).release();
    b.release();
    (await d).release();
    expect(order).toEqual(["c", "d"]);
  });

  test("a hold delays every grant until it ends; a shorter hold never shortens it", async () => {
    const timer = new VirtualTimer(0);
    const pacer = new MailboxPacer({ messagesPerMinute: 0, maxConcurrent: 4 }, timer);
    pacer.holdUntil(10_000);
    pacer.holdUntil(5_000);
    expect(pacer.heldUntilMs()).toBe(10_000);
    (await grant(pacer)).release();
    expect(timer.now()).toBe(10_000);
    expect(pacer.heldUntilMs()).toBeUndefined();
  });

  test("a hold longer than the caller will wait is refused at once", async () => {
    const timer = new VirtualTimer(0);
    const pacer = new MailboxPacer({ messagesPerMinute: 30, maxConcurrent: 4 }, timer);
    pacer.holdUntil(600_000);
    const permit = await pacer.acquire(120_000);
    expect(permit).toEqual({ refused: `the mailbox is throttled by Exchange until ${new Date(600_000).toISOString()}` });
    expect(timer.now()).toBe(0);
  });

  test("nonsense options are refused", () => {
    const timer = new VirtualTimer(0);
    expect(() => new MailboxPacer({ messagesPerMinute: 30, maxConcurrent: 0 }, timer)).toThrow(/maxConcurrent/);
    expect(() => new MailboxPacer({ messagesPerMinute: -1, maxConcurrent: 4 }, timer)).toThrow(/messagesPerMinute/);
  });
});
