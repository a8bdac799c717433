import { addDays, ChaseRunResultSchema, weekdayOf } from "../../../shared";
import { runChase } from "../../../api/src/chase/run";
import { addContract, addContribution, chaseTestBed, countByRecipient, ORGANISATION, readMail } from "./support";
import type { ChaseTestBed } from "./support";

jest.setTimeout(60_000);

/**
 * The ladder over simulated weeks, against Azurite and the fake Graph through the real Graph
 * client: the chase runs every weekday at 07:00 UTC with an injected clock, and what each person
 * receives is read back from the MIME Graph was given.
 */

const JO = "jo@acme.example";
const KIM = "kim@other.example";
const SAM = "sam.patel@council.example"; // the contract manager
const ALEX = "alex.reid@council.example"; // Sam's line manager

let bed: ChaseTestBed;
let refs: { a: string; b: string; c: string; later: string };

beforeAll(async () => {
  bed = await chaseTestBed();
  const contract = await addContract(bed.app, { formUrl: "https://forms.office.com/r/svl-test" });
  refs = {
    // Due 2026-10-30 (period end + 30 days), a Friday.
    a: await addContribution(bed.app, contract, { responder: JO, periodEnd: "2026-09-30" }),
    // The same supplier, due a week later.
    b: await addContribution(bed.app, contract, { responder: JO, periodEnd: "2026-10-07" }),
    c: await addContribution(bed.app, contract, { responder: KIM, supplier: "Other Ltd", periodEnd: "2026-09-30" }),
    // Not due until 2027: never chased in these weeks.
    later: await addContribution(bed.app, contract, { responder: JO, periodEnd: "2026-12-31" }),
  };
});
afterAll(() => bed.close());

/** Runs the chase on each weekday from `from` to `to` and says who got what on which day. */
async function simulate(from: string, to: string): Promise<Map<string, string[]>> {
  const days = new Map<string, string[]>();
  for (let day = from; day <= to; day = addDays(day, 1)) {
    if (["saturday", "sunday"].includes(weekdayOf(day))) continue;
    bed.app.clock.set(`${day}T07:00:00Z`);
    const before = bed.fake.sent.length;
    const result = ChaseRunResultSchema.parse(await runChase(bed.app.deps, bed.app.clock.now()));
    expect(result.failed + result.deferred).toBe(0);
    const mail = bed.fake.sent.slice(before).map(readMail);
    days.set(
      day,
      mail.map((m) => `${m.to} ${m.subject.startsWith("Weekly digest") ? "digest" : "reminder"} ${m.references
        .map((r) => Object.entries(refs).find(([, v]) => v === r)?.[0])
        .sort()
        .join("")}`).sort(),
    );
  }
  return days;
}

describe("the chase over five weeks, one run each weekday", () => {
  let days: Map<string, string[]>;
  beforeAll(async () => {
    days = await simulate("2026-10-28", "2026-12-04");
  });

  it("is quiet before anything is due", () => {
    expect(days.get("2026-10-28")).toEqual([]);
    expect(days.get("2026-10-29")).toEqual([]);
  });

  it("reminds each supplier on the due date, one email each", () => {
    expect(days.get("2026-10-30")).toEqual([`${JO} reminder a`, `${KIM} reminder c`]);
  });

  it("sends nothing on the days between reminders", () => {
    for (const day of ["2026-11-03", "2026-11-04", "2026-11-05", "2026-11-10", "2026-11-11", "2026-11-12"]) expect(days.get(day)).toEqual([]);
  });

  it("sends the weekly digest to the contract manager on Mondays, and only then", () => {
    expect(days.get("2026-11-02")).toEqual([`${SAM} digest ac`]);
    expect(days.get("2026-11-09")).toEqual([`${SAM} digest abc`]);
    const digestDays = [...days].filter(([, mail]) => mail.some((m) => m.includes("digest"))).map(([day]) => weekdayOf(day));
    expect(new Set(digestDays)).toEqual(new Set(["monday"]));
  });

  it("consolidates: one email per recipient listing all their items", () => {
    // Friday 6 November: a's second reminder and b's first go to Jo in one email.
    expect(days.get("2026-11-06")).toEqual([`${JO} reminder ab`, `${KIM} reminder c`]);
    for (const [, mail] of days) {
      const recipients = mail.map((m) => m.split(" ")[0]);
      const reminders = mail.filter((m) => m.includes("reminder")).map((m) => m.split(" ")[0]);
      expect(new Set(reminders).size).toBe(reminders.length);
      expect(recipients.length).toBeLessThanOrEqual(reminders.length + 1);
    }
  });

  it("escalates to the contract manager after two reminders, then to the line manager after four", () => {
    // 13 November: a and c at their third reminder, b at its second.
    expect(days.get("2026-11-13")).toEqual([`${JO} reminder ab`, `${KIM} reminder c`, `${SAM} reminder ac`]);
    // 20 November: b at its third reminder joins the escalation.
    expect(days.get("2026-11-20")).toEqual([`${JO} reminder ab`, `${KIM} reminder c`, `${SAM} reminder abc`]);
    // 27 November: a and c at their fifth reminder reach the line manager.
    expect(days.get("2026-11-27")).toEqual([`${ALEX} reminder ac`, `${JO} reminder ab`, `${KIM} reminder c`, `${SAM} reminder abc`]);
  });

  it("never chases a contribution before its due date", () => {
    for (const [, mail] of days) for (const m of mail) expect(m.endsWith("later")).toBe(false);
  });
});

describe("what the emails say", () => {
  it("is addressed from the organisation, with the contract manager as reply-to and the form link", async () => {
    const toJo = bed.fake.sent.map(readMail).find((m) => m.to === JO);
    expect(toJo?.subject).toBe(`Evidence needed: 1 social value item for ${ORGANISATION}`);
    expect(toJo?.replyTo).toContain(SAM);
    expect(toJo?.text).toContain("https://forms.office.com/r/svl-test");
    const digest = bed.fake.sent.map(readMail).find((m) => m.subject.startsWith("Weekly digest"));
    // Worst first, with the value at risk: the example pack values J3 by proxy.
    expect(digest?.text).toMatch(/£[\d,.]+ of social value is at risk/);
    const lines = digest?.text.split("\n").filter((l) => /^\d+\. SV-/.test(l)) ?? [];
    const overdue = lines.map((l) => Number(/\((\d+) days? overdue\)/.exec(l)?.[1]));
    expect(overdue).toEqual([...overdue].sort((x, y) => y - x));
  });

  it("writes a chased entry on the audit trail of each contribution reminded", async () => {
    const trail = await bed.app.deps.store.auditTrail((await bed.app.deps.store.findReference(refs.a))?.contractId ?? "", refs.a);
    const chased = trail.filter((e) => e.action === "chased");
    expect(chased.length).toBeGreaterThanOrEqual(6);
    expect(chased.some((e) => e.detail.includes(`sent to ${JO}`))).toBe(true);
    expect(chased.some((e) => e.detail.startsWith("Escalation to the line manager 5"))).toBe(true);
  });

  it("only ever wrote to the two suppliers and the two managers", () => {
    expect([...countByRecipient(bed.fake.sent).keys()].sort()).toEqual([ALEX, JO, KIM, SAM]);
  });
});

describe("a repeated run the same day", () => {
  it("sends nothing new and says the steps were done already", async () => {
    bed.app.clock.set("2026-11-27T09:30:00Z");
    const before = bed.fake.sent.length;
    const again = await runChase(bed.app.deps, bed.app.clock.now());
    expect(bed.fake.sent.length).toBe(before);
    expect(again).toMatchObject({ runDate: "2026-11-27", sent: 0, failed: 0, deferred: 0, messages: [] });
    expect(again.alreadyDone).toBeGreaterThan(0);
  });
});
