import { ContributionDetailSchema } from "../../../shared";
import { runChase } from "../../../api/src/chase/run";
import { TIMERS } from "../../../api/src/app/timers";
import { invoke } from "../../support/harness";
import { addContract, addContribution, chaseTestBed, ORGANISATION, readMail } from "./support";
import type { ChaseTestBed } from "./support";

jest.setTimeout(60_000);

/**
 * A rejection reaches the supplier: the review queues a notice, the frequent timer sends it minutes
 * later through the chase (ledger, pacer, one email per recipient), and the contribution's detail
 * says what really became of it.
 */

const JO = "jo@acme.example";
const LEE = "lee@build.example";
const KIM = "kim@other.example";
const evidence = [{ name: "timesheets.pdf", link: "https://acme.sharepoint.com/sites/forms/timesheets.pdf" }];

let bed: ChaseTestBed;
let officer: Record<string, string>;
let refs: { jo1: string; jo2: string; lee: string; phone: string; kimOverdue: string };

beforeAll(async () => {
  bed = await chaseTestBed();
  officer = { authorization: `Bearer ${await bed.app.token({ roles: ["Officer"], email: "sam.patel@council.example" })}` };
  const contract = await addContract(bed.app, { formUrl: "https://forms.office.com/r/svl-test" });
  refs = {
    jo1: await addContribution(bed.app, contract, { responder: JO, periodEnd: "2026-09-30", evidence }),
    jo2: await addContribution(bed.app, contract, { responder: JO, periodEnd: "2026-09-30", evidence }),
    lee: await addContribution(bed.app, contract, { responder: LEE, supplier: "Lee Build", periodEnd: "2026-09-30", evidence }),
    phone: await addContribution(bed.app, contract, { responder: "by phone to the site office", supplier: "Phone Ltd", periodEnd: "2026-09-30", evidence }),
    // Owes evidence and is overdue: the notice run leaves reminders to the daily run.
    kimOverdue: await addContribution(bed.app, contract, { responder: KIM, supplier: "Other Ltd", periodEnd: "2026-09-30" }),
  };
  bed.app.clock.set("2026-11-26T10:30:00Z");
});
afterAll(() => bed.close());

const get = async (id: string) => {
  const answer = await invoke(bed.app.deps, "contributionsGet", { path: `contributions/${id}`, params: { id }, headers: officer });
  return { detail: ContributionDetailSchema.parse(answer.body), etag: answer.headers.get("etag") ?? "" };
};

async function reject(id: string, reason: string) {
  const { etag } = await get(id);
  const answer = await invoke(bed.app.deps, "contributionsReview", { path: `contributions/${id}/review`, params: { id }, body: { decision: "reject", reason }, headers: { ...officer, "if-match": etag } });
  expect(answer.status).toBe(200);
  return ContributionDetailSchema.parse(answer.body);
}

const noticeTimer = async () => {
  const timer = TIMERS.find((t) => t.name === "rejectionNoticeTimer");
  if (!timer) throw new Error("no rejectionNoticeTimer in the timer table");
  await timer.run(bed.app.deps, () => undefined);
};

describe("a rejection", () => {
  it("answers that an email to the supplier is queued, and sends nothing yet", async () => {
    const reviewed = await reject(refs.jo1, "The timesheets are not signed");
    expect(reviewed.rejectionNotice).toEqual({ state: "queued", recipient: JO, queuedAt: "2026-11-26T10:30:00.000Z" });
    expect(reviewed.evidenceDueDate).toBe("2026-12-26");
    await reject(refs.jo2, "Wrong quarter");
    await reject(refs.lee, "The file does not open");
    expect(bed.fake.sent).toHaveLength(0);
  });

  it("says plainly when the supplier cannot be emailed, and queues nothing", async () => {
    const reviewed = await reject(refs.phone, "No dates on the register");
    expect(reviewed.rejectionNotice).toEqual({ state: "unreachable", recipient: "by phone to the site office", queuedAt: "2026-11-26T10:30:00.000Z" });
  });

  it("goes minutes later with the frequent timer: one email per supplier however many rejections, and no reminders", async () => {
    bed.fake.rejectRecipients([LEE]);
    bed.app.clock.set("2026-11-26T10:35:00Z");
    await noticeTimer();
    const mail = bed.fake.sent.map(readMail);
    expect(mail.map((m) => m.to)).toEqual([JO]);
    const [toJo] = mail;
    expect(toJo?.subject).toBe(`Evidence not accepted: please send new evidence for 2 social value items to ${ORGANISATION}`);
    expect(toJo?.references).toEqual([refs.jo1, refs.jo2].sort());
    expect(toJo?.text).toContain("New evidence: the last was rejected (The timesheets are not signed)");
    expect(toJo?.text).toContain("New evidence: the last was rejected (Wrong quarter)");
    expect(toJo?.text).toContain("   Evidence due: 26 December 2026");
    expect(toJo?.text).toContain(`   Send it: https://forms.office.com/r/svl-test (quote ${refs.jo1})`);
    expect(toJo?.replyTo).toContain("sam.patel@council.example");
  });

  it("shows on the contribution when it was sent, or why it failed", async () => {
    expect((await get(refs.jo1)).detail.rejectionNotice).toEqual({ state: "sent", recipient: JO, queuedAt: "2026-11-26T10:30:00.000Z", sentAt: "2026-11-26T10:35:00.000Z" });
    const lee = (await get(refs.lee)).detail.rejectionNotice;
    expect(lee).toMatchObject({ state: "failed", recipient: LEE });
    expect(lee?.failure).toContain("ErrorInvalidRecipients");
    const trail = (await get(refs.jo2)).detail.audit.filter((e) => e.action === "chased");
    expect(trail.map((e) => e.detail)).toEqual([expect.stringMatching(/^Rejection notice \(new evidence due 2026-12-26\) sent to jo@acme\.example/)]);
  });

  it("is sent once: the timer finds nothing queued, and the daily run sends reminders only", async () => {
    bed.fake.rejectRecipients([]);
    const before = bed.fake.sent.length;
    bed.app.clock.set("2026-11-26T10:40:00Z");
    await noticeTimer();
    expect(bed.fake.sent.length).toBe(before);
    bed.app.clock.set("2026-11-27T07:00:00Z");
    const daily = await runChase(bed.app.deps, bed.app.clock.now());
    expect(daily.messages.map((m) => `${m.recipient.email} ${m.role}`)).toEqual([`${KIM} supplier`]);
  });

  it("is dropped unsent when new evidence arrives before the chase runs", async () => {
    const fresh = await addContribution(bed.app, await addContract(bed.app, { id: "C-2002" }), { responder: "pat@quick.example", supplier: "Quick Ltd", periodEnd: "2026-09-30", evidence });
    await reject(fresh, "Blurred scan");
    expect(await bed.app.deps.store.chase.hasQueuedRejectionNotices()).toBe(true);
    const stored = await bed.app.deps.store.getContribution("C-2002", fresh);
    if (!stored) throw new Error("the contribution is missing");
    const resent = { ...stored.value, evidenceStatus: "submitted" as const };
    const outcome = await bed.app.deps.store.updateContribution(stored, resent, { at: "2026-11-27T08:00:00.000Z", actor: "pat@quick.example", action: "evidence-submitted", detail: "New evidence" });
    expect(outcome.outcome).toBe("updated");
    const before = bed.fake.sent.length;
    await noticeTimer();
    expect(bed.fake.sent.length).toBe(before);
    expect(await bed.app.deps.store.chase.hasQueuedRejectionNotices()).toBe(false);
    expect((await get(fresh)).detail.rejectionNotice).toBeUndefined();
  });
});
