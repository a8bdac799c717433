import { addDays, ChaseRunResultSchema } from "../../../shared";
import { runChase } from "../../../api/src/chase/run";
import { addContract, addContribution, chaseTestBed, readMail } from "./support";
import type { ChaseTestBed } from "./support";

jest.setTimeout(60_000);

/**
 * Go-live over a backlog, against Azurite and the fake Graph: the ladder climbs on what the chase
 * ledger shows was really sent, one step per interval, whatever the calendar says.
 */

const JO = "jo@acme.example";
const KIM = "kim@other.example";
const SAM = "sam.patel@council.example"; // the contract manager
const ALEX = "alex.reid@council.example"; // Sam's line manager
// Due 2026-09-25 (period end + 30 days): 60 days overdue at go-live.
const GO_LIVE = "2026-11-24";

/** One run on `day` at 07:00 UTC: each ladder email (Monday digests aside), its recipient, outcome and rung. */
async function runOn(bed: ChaseTestBed, day: string): Promise<string[]> {
  bed.app.clock.set(`${day}T07:00:00Z`);
  const result = ChaseRunResultSchema.parse(await runChase(bed.app.deps, bed.app.clock.now()));
  return result.messages
    .filter((m) => m.kind === "reminder")
    .map((m) => `${m.recipient.email} ${m.outcome} ${m.role}`)
    .sort();
}

const ladderMail = (bed: ChaseTestBed) => bed.fake.sent.map(readMail).filter((m) => !m.subject.startsWith("Weekly digest"));

describe("a first run over a 60-day-old backlog, then a run every day", () => {
  let bed: ChaseTestBed;
  const days = new Map<string, string[]>();
  beforeAll(async () => {
    bed = await chaseTestBed();
    const contract = await addContract(bed.app, { formUrl: "https://forms.office.com/r/svl-test" });
    await addContribution(bed.app, contract, { responder: JO, periodEnd: "2026-08-26" });
    await addContribution(bed.app, contract, { responder: KIM, supplier: "Other Ltd", periodEnd: "2026-08-26" });
    // Kim's second reminder will be refused by the mail system.
    for (let day = GO_LIVE; day <= addDays(GO_LIVE, 35); day = addDays(day, 1)) {
      bed.fake.rejectRecipients(day === addDays(GO_LIVE, 7) ? [KIM] : []);
      days.set(day, await runOn(bed, day));
    }
  });
  afterAll(() => bed.close());

  it("sends supplier reminders only on the first run, however overdue", () => {
    expect(days.get(GO_LIVE)).toEqual([`${JO} sent supplier`, `${KIM} sent supplier`]);
  });

  it("climbs one step per interval as reminders really go: the contract manager after two, the line manager after four", () => {
    const week = (n: number) => days.get(addDays(GO_LIVE, 7 * n));
    expect(week(1)).toEqual([`${JO} sent supplier`, `${KIM} failed supplier`, `${SAM} sent contract-manager`]);
    expect(week(2)).toEqual([`${JO} sent supplier`, `${KIM} sent supplier`, `${SAM} sent contract-manager`]);
    expect(week(3)).toEqual([`${JO} sent supplier`, `${KIM} sent supplier`, `${SAM} sent contract-manager`]);
    expect(week(4)).toEqual([`${ALEX} sent line-manager`, `${JO} sent supplier`, `${KIM} sent supplier`, `${SAM} sent contract-manager`]);
    const between = [...days].filter(([day]) => (Date.parse(day) - Date.parse(GO_LIVE)) % (7 * 86_400_000) !== 0);
    expect(between.flatMap(([, mail]) => mail)).toEqual([]);
  });

  it("does not count the reminder that failed: Kim's item is escalated a week after Jo's", async () => {
    const escalations = ladderMail(bed).filter((m) => m.to === SAM);
    // Week 1: told at once that Kim's address was refused; Jo's item is not escalated yet (one reminder sent).
    expect(escalations[0]?.subject).toMatch(/^Supplier cannot be reached/);
    expect(escalations[0]?.text).toContain("We could not email Other Ltd: the mail system refused their address");
    expect(escalations[0]?.text).not.toContain("Acme Build Ltd");
    // Week 2: Jo's item after two reminders really sent; Kim has had one that went.
    expect(escalations[1]?.text).toContain("Chased so far: We reminded Acme Build Ltd on 24 November and 1 December 2026");
    expect(escalations[1]?.text).not.toContain("Other Ltd");
    // Week 3: Kim's too, with the dates that really went.
    expect(escalations[2]?.text).toContain("Chased so far: We reminded Other Ltd on 24 November and 8 December 2026");
  });

  it("tells the line manager what really happened, from the ledger, and never 'despite reminders'", () => {
    const toAlex = ladderMail(bed).find((m) => m.to === ALEX);
    expect(toAlex?.text).toContain(
      "Chased so far: We reminded Acme Build Ltd on 24 November, 1, 8 and 15 December 2026; we told Sam Patel on 8 and 15 December 2026",
    );
    for (const m of bed.fake.sent.map(readMail)) expect(m.text).not.toMatch(/despite reminders|after reminders to the supplier and escalation/);
  });
});
