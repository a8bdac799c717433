import { weekdayOf } from "../../../shared";
import type { Assessment, Contract, PerformanceFailure } from "../../../shared";
import { runChase } from "../../../api/src/chase/run";
import { addContract, addContribution, chaseTestBed, countByRecipient, readMail } from "./support";
import type { ChaseTestBed } from "./support";

jest.setTimeout(60_000);

/*
 * Procurement Act duties in the chase: assessments due within 30 days or overdue and failure notices
 * whose 30 days are running out reach the contract manager in the one email of the run, through the
 * fake Graph; a rerun sends nothing; the next reminder waits for the contract's interval; the
 * weekly digest counts them. Today is Thursday 2026-11-26.
 */

const SAM = "sam.patel@council.example";
const PRIYA = "priya.shah@council.example";
const KPIS = [1, 2, 3].map((n) => ({ id: `KPI-${n}`, name: `KPI ${n}`, target: "t", measureCodes: [], material: true }));

let bed: ChaseTestBed;

async function withKpis(contract: Contract): Promise<void> {
  await bed.app.deps.store.performance.putRegister({ contractId: contract.id, kpis: KPIS, updatedAt: "2026-01-01T00:00:00.000Z", updatedBy: "officer@council.example" }, undefined);
}

async function assessed(contract: Contract, periodEnd: string, final = false): Promise<void> {
  const assessment: Assessment = { id: `PA-${periodEnd.replace(/-/g, "")}`, contractId: contract.id, periodStart: "2024-11-01", periodEnd, final, ratings: [], assessedAt: `${periodEnd}T09:00:00.000Z`, assessedBy: "officer@council.example" };
  await bed.app.deps.store.performance.addAssessment(assessment);
}

async function failure(contract: Contract, id: string, decisionDate: string, noticeDueBy: string): Promise<void> {
  const f: PerformanceFailure = { id, contractId: contract.id, kind: "breach", decisionDate, description: "Missed apprenticeship starts", noticeDueBy, recordedAt: `${decisionDate}T09:00:00.000Z`, recordedBy: "officer@council.example" };
  await bed.app.deps.store.performance.addFailure(f);
}

const run = (at: string) => {
  bed.app.clock.set(at);
  return runChase(bed.app.deps, bed.app.clock.now());
};

beforeAll(async () => {
  bed = await chaseTestBed({ env: { CHASE_DIGEST_WEEKDAY: weekdayOf("2026-11-26") } });
  const priya = { name: "Priya Shah", email: PRIYA };
  // First assessment due 2026-12-20, 24 days away.
  const soon = await addContract(bed.app, { id: "C-7001", startDate: "2025-12-20", endDate: "2029-03-31" });
  await withKpis(soon);
  // Sam's other contract: a supplier who gave no address, so Sam is told of its overdue evidence today too.
  const evidence = await addContract(bed.app, { id: "C-7004" });
  await addContribution(bed.app, evidence, { responder: "anonymous", periodEnd: "2026-10-01" });
  // Last period ended 2025-11-01: the next assessment was due 2026-11-01, 25 days ago; a breach notice is due in 5 days.
  const late = await addContract(bed.app, { id: "C-7002", startDate: "2024-11-01", contractManager: priya });
  await withKpis(late);
  await assessed(late, "2025-11-01");
  await failure(late, "PF-RUNNING0", "2026-11-01", "2026-12-01");
  // Decided six days ago: 24 days are left, not yet running out. Published: never chased.
  await failure(late, "PF-EARLY000", "2026-11-20", "2026-12-20");
  const published = await addContract(bed.app, { id: "C-7005", contractManager: priya });
  await failure(published, "PF-PUBLISHD", "2026-11-01", "2026-12-01");
  const stored = await bed.app.deps.store.performance.getFailure("C-7005", "PF-PUBLISHD");
  if (stored) await bed.app.deps.store.performance.replaceFailure({ ...stored.value, noticePublishedOn: "2026-11-15" }, stored.etag);
  // Assessed after termination, and one due in 2027: nothing to say.
  const ended = await addContract(bed.app, { id: "C-7003", contractManager: priya });
  await withKpis(ended);
  await assessed(ended, "2026-06-30", true);
  const later = await addContract(bed.app, { id: "C-7006", startDate: "2026-06-01", contractManager: priya });
  await withKpis(later);
});
afterAll(() => bed.close());

test("each contract manager gets one email with their duties, beside what the evidence ladder tells them; a rerun sends nothing", async () => {
  const result = await run("2026-11-26T07:00:00Z");
  const mails = bed.fake.sent.map(readMail);
  // Sam: the escalation about C-7004's evidence and the C-7001 assessment, in one email; Priya: her duties and her digest.
  expect(countByRecipient(bed.fake.sent.filter((m) => !readMail(m).subject.startsWith("Weekly digest")))).toEqual(new Map([[SAM, 1], [PRIYA, 1]]));
  const sam = mails.find((m) => m.to === SAM && !m.subject.startsWith("Weekly digest"));
  expect(sam?.subject).toMatch(/^Supplier cannot be reached/);
  expect(sam?.text).toContain("PROCUREMENT ACT DUTIES ON YOUR CONTRACTS");
  expect(sam?.text).toContain("C-7001 Highways maintenance 2026-2029: Assess the KPIs and publish a contract performance notice (UK9), due in 24 days (20 December 2026)");
  const priya = mails.find((m) => m.to === PRIYA && !m.subject.startsWith("Weekly digest"));
  expect(priya?.subject).toBe("Procurement Act: 2 duties due on your contracts for Example County Council");
  expect(priya?.text).toContain("1. C-7002 Highways maintenance 2026-2029: Assess the KPIs and publish a contract performance notice (UK9), 25 days overdue (due 1 November 2026)");
  expect(priya?.text).toContain("2. C-7002 Highways maintenance 2026-2029: Publish the notice of breach decided on 1 November 2026, due in 5 days (1 December 2026)");
  expect(priya?.text).not.toMatch(/C-7003|C-7005|C-7006|20 December 2026/);
  const entry = result.messages.find((m) => m.recipient.email === PRIYA && m.kind === "reminder");
  expect(entry).toMatchObject({ role: "contract-manager", contractIds: ["C-7002"], contributionIds: [], outcome: "sent" });

  const before = bed.fake.sent.length;
  const again = await run("2026-11-26T15:00:00Z");
  expect(bed.fake.sent.length).toBe(before);
  expect(again.sent).toBe(0);
  expect(again.alreadyDone).toBeGreaterThanOrEqual(4);
});

test("the weekly digest counts assessments due and notices running late", () => {
  const digests = bed.fake.sent.map(readMail).filter((m) => m.subject.startsWith("Weekly digest"));
  const priya = digests.find((m) => m.to === PRIYA);
  // Priya has no overdue evidence: her digest is headed by her duties alone.
  expect(priya?.subject).toBe("Weekly digest: 2 Procurement Act duties due on your contracts (Example County Council)");
  expect(priya?.text).toContain("Procurement Act duties on your contracts: 1 assessment due within 30 days or overdue, 1 failure notice running late.");
  const sam = digests.find((m) => m.to === SAM);
  expect(sam?.subject).toMatch(/^Weekly digest: 1 social value item overdue, £[\d,.]+ at risk, and 1 Procurement Act duty due on your contracts \(Example County Council\)$/);
  expect(sam?.text).toContain("1 assessment due within 30 days or overdue, 0 failure notices running late.");
});

test("the next reminder waits for the contract's interval, then goes once; a duty done stops it", async () => {
  const reminders = () => bed.fake.sent.filter((m) => m.recipients.includes(PRIYA) && !readMail(m).subject.startsWith("Weekly digest"));
  const count = () => reminders().length;
  const start = count();
  await run("2026-11-30T07:00:00Z");
  expect(count()).toBe(start);
  // Seven days on (the contract's remindEveryDays): reminded again; the breach notice is now overdue, the assessment done.
  await bed.app.deps.store.performance.addAssessment({ id: "PA-NEW00000", contractId: "C-7002", periodStart: "2025-11-02", periodEnd: "2026-11-01", final: false, ratings: [], assessedAt: "2026-12-02T09:00:00.000Z", assessedBy: "officer@council.example" });
  await run("2026-12-03T07:00:00Z");
  expect(count()).toBe(start + 1);
  const last = readMail(reminders()[count() - 1] ?? bed.fake.sent[0]!);
  expect(last.subject).toBe("Procurement Act: 1 duty due on your contracts for Example County Council");
  expect(last.text).toContain("Publish the notice of breach decided on 1 November 2026, 2 days overdue (due 1 December 2026)");
  await run("2026-12-03T16:00:00Z");
  expect(count()).toBe(start + 1);
});
