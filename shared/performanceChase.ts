import type { Digest } from "./chase";
import { addDays, daysBetween } from "./dates";
import type { IsoDate } from "./dates";
import type { Contact, Contract } from "./model";
import type { Assessment, KpiRegister, PerformanceFailure } from "./performance";
import { FAILURE_NOTICE_DAYS, nextAssessmentDue } from "./performance";

/*
 * What the chase tells contract managers about their Procurement Act duties (docs/PROCUREMENT-ACT.md,
 * "The chase"): an assessment due within 30 days or overdue, and a failure notice whose 30 days are
 * running out or have run out. They ride in the manager's one email of the run, on the contract's
 * reminder interval, and each is recorded in the chase ledger so a rerun sends nothing again.
 */

/** Contract managers hear of an assessment from this many days before it is due. */
export const ASSESSMENT_NOTICE_DAYS = 30;
/** A failure notice is "running out" in its last this-many days (and after, until it is recorded as published). */
export const FAILURE_NOTICE_WARNING_DAYS = 10;

export interface PerformanceDuty {
  kind: "assessment" | "failure-notice";
  /** The duty for its recipient, the same on every run: kind, contract, failure, due date, email. */
  dutyId: string;
  /** The chase ledger's step key: the duty in its reminder window. */
  key: string;
  /** The first day the duty is told in this window: the first day of telling, or an interval after it was last told. */
  windowStart: IsoDate;
  /** The first day of telling (30 days before an assessment is due; the last 10 days of a failure notice). */
  firstDay: IsoDate;
  recipient: Contact;
  contract: Pick<Contract, "id" | "title" | "buyer">;
  dueDate: IsoDate;
  /** Negative once the date has passed. */
  daysLeft: number;
  failure?: Pick<PerformanceFailure, "id" | "kind" | "decisionDate">;
}

export interface ContractPerformance {
  contract: Contract;
  register?: Pick<KpiRegister, "kpis">;
  assessments: readonly Pick<Assessment, "periodEnd" | "final">[];
  /** The contract's failures whose notice is not recorded as published. */
  openFailures: readonly PerformanceFailure[];
}

/**
 * Every duty to tell a contract manager about today, soonest due first. `lastTold`: the run date of
 * the last email that carried each duty (sent, or failed for good), from the chase ledger; a duty
 * is told again the contract's reminder interval after that, as the evidence ladder does.
 */
export function performanceDuties(contracts: readonly ContractPerformance[], today: IsoDate, lastTold: ReadonlyMap<string, IsoDate> = new Map()): PerformanceDuty[] {
  const duties: PerformanceDuty[] = [];
  for (const { contract, register, assessments, openFailures } of contracts) {
    const { lineManager: _lm, ...manager } = contract.contractManager;
    const recipient = { ...manager, email: manager.email.toLowerCase() };
    const every = contract.reminderPolicy.remindEveryDays;
    const add = (kind: PerformanceDuty["kind"], dueDate: IsoDate, first: IsoDate, failure?: PerformanceFailure) => {
      const dutyId = `perf|${kind}|${contract.id}|${failure?.id ?? ""}|${dueDate}|${recipient.email}`;
      const told = lastTold.get(dutyId);
      const windowStart = told === undefined ? first : addDays(told, every);
      if (today < windowStart) return;
      duties.push({
        kind,
        dutyId,
        key: `${dutyId}|${windowStart}`,
        windowStart,
        firstDay: first,
        recipient,
        contract: { id: contract.id, title: contract.title, buyer: contract.buyer },
        dueDate,
        daysLeft: daysBetween(today, dueDate),
        ...(failure ? { failure: { id: failure.id, kind: failure.kind, decisionDate: failure.decisionDate } } : {}),
      });
    };
    const due = register && register.kpis.length > 0 ? nextAssessmentDue(contract, assessments) : undefined;
    if (due) add("assessment", due, addDays(due, -ASSESSMENT_NOTICE_DAYS));
    for (const failure of openFailures) add("failure-notice", failure.noticeDueBy, addDays(failure.decisionDate, FAILURE_NOTICE_DAYS - FAILURE_NOTICE_WARNING_DAYS), failure);
  }
  return duties.sort((a, b) => a.daysLeft - b.daysLeft || a.key.localeCompare(b.key));
}

/** Each duty's recipient with their duties, for the one email each gets. */
export function dutiesByRecipient(duties: readonly PerformanceDuty[]): Map<string, PerformanceDuty[]> {
  const out = new Map<string, PerformanceDuty[]>();
  for (const d of duties) out.set(d.recipient.email, [...(out.get(d.recipient.email) ?? []), d]);
  return out;
}

/**
 * The weekly digests with each manager's duties counted: assessments due (or overdue) and failure
 * notices running late. A manager with duties and no overdue evidence gets a digest too.
 */
export function digestsWithDuties(digests: readonly Digest[], duties: readonly PerformanceDuty[]): Digest[] {
  const out = new Map(digests.map((d) => [d.recipient.email.toLowerCase(), { ...d }]));
  for (const [email, mine] of dutiesByRecipient(duties)) {
    const digest = out.get(email) ?? { recipient: mine[0]?.recipient ?? { name: email, email }, lines: [], valueAtRisk: 0, contracts: 0 };
    digest.performance = {
      assessmentsDue: mine.filter((d) => d.kind === "assessment").length,
      noticesRunningLate: mine.filter((d) => d.kind === "failure-notice").length,
    };
    out.set(email, digest);
  }
  return [...out.values()].sort((a, b) => a.recipient.email.localeCompare(b.recipient.email));
}
