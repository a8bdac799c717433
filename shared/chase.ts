import { z } from "zod";
import { addDays, dayNumber, daysBetween, IsoDate, IsoDateSchema } from "./dates";
import { daysOverdue as daysOverdueOn, isAwaitingEvidence, isOverdue } from "./evidence";
import { pagingFields } from "./api";
import { ContractRefSchema } from "./model";
import { addPounds } from "./money";
import type { Contact, Contract, Contribution } from "./model";

/** What the chase needs to know about one contribution that owes evidence, and its contract. */
export interface ChaseItem {
  contribution: Pick<
    Contribution,
    "id" | "contractId" | "supplier" | "responder" | "measureCode" | "quantity" | "periodStart" | "periodEnd" | "evidenceStatus" | "evidenceDueDate" | "value" | "description" | "rejectionReason"
 > &
    /** What needs a second look (docs/WARNINGS.md); the digest counts them. */
    Partial<Pick<Contribution, "warnings">>;
  contract: Pick<Contract, "id" | "title" | "buyer" | "contractManager" | "escalationContacts" | "reminderPolicy" | "formUrl">;
}

/** Who a step is for: the three rungs of the ladder, and the notice a rejection sends the supplier. */
export type ChaseRole = "supplier" | "contract-manager" | "line-manager" | "rejection";

export const CHASE_MESSAGE_KINDS = ["reminder", "digest"] as const;
export const CHASE_OUTCOMES = ["claimed", "sent", "failed", "deferred"] as const;
export type ChaseOutcome = (typeof CHASE_OUTCOMES)[number];

/**
 * One step the chase ledger shows for an item: who it was for, the due date it chased, the run's
 * day and what became of the email that carried it. The ladder climbs on these, not on the calendar.
 */
export interface ChaseAttempt {
  role: ChaseRole;
  /** Lower case. */
  recipient: string;
  /** The evidence due date it chased; a rejection sets a new one and the ladder starts again. */
  dueDate: IsoDate;
  /** The day of the run that tried it, in TIME_ZONE. */
  date: IsoDate;
  outcome: ChaseOutcome;
}

/** What the ledger shows was really sent for an item's due date, for the emails' words. */
export interface SentSoFar {
  supplier: IsoDate[];
  contractManager: IsoDate[];
}

/** One rung of the ladder for one item: who is told, which reminder it is, and why. */
export interface ChaseStep {
  /** Stable until the step is sent or fails for good: the ledger uses it so a step is never sent twice. */
  key: string;
  item: ChaseItem;
  role: ChaseRole;
  recipient: Contact;
  /** The reminder the item is at: one more than the reminders that count so far (0 for a rejection notice). */
  reminderNumber: number;
  daysOverdue: number;
  /** The first day of the step's window; its key stays the same from here until it is tried. */
  windowStart: IsoDate;
  sentSoFar: SentSoFar;
  /** Set when the supplier cannot be emailed, so the contract manager hears of it at once. */
  unreachableSupplier: boolean;
  /** Why, when the mail system refused the supplier's address (Graph's words); absent when the report gave no usable address. */
  unreachableReason?: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Whether a supplier's responder can be emailed at all. */
export function isEmailAddress(text: string): boolean {
  return EMAIL.test(text);
}

/** The contract manager as a recipient (their line manager is a rung of its own). */
function contractManagerContact(contract: ChaseItem["contract"]): Contact {
  const { lineManager: _lm, ...manager } = contract.contractManager;
  return manager;
}

/** `window` is the day the step's window began, or the time a rejection notice was queued: the same until the step is tried. */
function stepKey(item: ChaseItem, role: ChaseRole, window: string, email: string): string {
  const c = item.contribution;
  return `${c.id}|${c.evidenceDueDate}|${role}|${window}|${email}`;
}

const forDue = (history: readonly ChaseAttempt[], dueDate: IsoDate, role: ChaseRole) => history.filter((a) => a.dueDate === dueDate && a.role === role);

/** The distinct days `role` was really sent a step for this due date, oldest first. */
function sentDays(history: readonly ChaseAttempt[], dueDate: IsoDate, role: ChaseRole): IsoDate[] {
  return [...new Set(forDue(history, dueDate, role).filter((a) => a.outcome === "sent").map((a) => a.date))].sort();
}

/**
 * The reminders that count: days `role` was really sent one, at least `every` days apart. Only
 * `sent` counts: a failed send reached nobody, and a deferred or claimed one may not have gone. An
 * email sent flagged `possibleDuplicate` was really sent, so it counts; the earlier try whose fate
 * was unknown is `deferred` and does not, and two sends within one interval count once.
 */
export function remindersThatCount(history: readonly ChaseAttempt[], dueDate: IsoDate, role: ChaseRole, every: number): IsoDate[] {
  const counted: IsoDate[] = [];
  for (const day of sentDays(history, dueDate, role)) {
    const last = counted[counted.length - 1];
    if (last === undefined || daysBetween(last, day) >= every) counted.push(day);
  }
  return counted;
}

/** When a recipient's next step is due: `first`, and never within `every` days of their last try that went or failed. */
function windowFor(history: readonly ChaseAttempt[], dueDate: IsoDate, role: ChaseRole, email: string, every: number, first: IsoDate): IsoDate {
  const tried = forDue(history, dueDate, role)
    .filter((a) => a.recipient === email && (a.outcome === "sent" || a.outcome === "failed"))
    .map((a) => a.date)
    .sort();
  const last = tried[tried.length - 1];
  if (last === undefined) return first;
  const next = addDays(last, every);
  return next > first ? next : first;
}

/**
 * The ladder for one item on one day, from what the ledger shows was sent for its current due date
 * (`history`): the supplier's responder from the due date, then every `remindEveryDays` after their
 * last reminder went or failed; the contract manager (and escalation contacts) once
 * `escalateAfterReminders` reminders really reached the supplier, an interval after the last of
 * them; the contract manager's line manager likewise after `lineManagerAfterReminders`. Each
 * recipient gets at most one step per interval. A backlog with no history starts at the first step.
 * A supplier with no usable address cannot be reminded, so the contract manager is chased from the
 * due date instead, and the line manager after `lineManagerAfterReminders` of those.
 */
export function dueSteps(item: ChaseItem, history: readonly ChaseAttempt[], today: IsoDate): ChaseStep[] {
  const c = item.contribution;
  const due = c.evidenceDueDate;
  if (!isAwaitingEvidence(c.evidenceStatus) || today < due) return [];
  const { remindEveryDays: every, escalateAfterReminders, lineManagerAfterReminders } = item.contract.reminderPolicy;
  const reachable = isEmailAddress(c.responder);
  const counted = remindersThatCount(history, due, reachable ? "supplier" : "contract-manager", every);
  const sentSoFar: SentSoFar = { supplier: sentDays(history, due, "supplier"), contractManager: sentDays(history, due, "contract-manager") };
  const daysOverdue = daysOverdueOn(due, today);
  const steps: ChaseStep[] = [];
  const add = (role: ChaseRole, recipient: Contact, first: IsoDate) => {
    const email = recipient.email.toLowerCase();
    if (steps.some((s) => s.recipient.email.toLowerCase() === email)) return;
    const windowStart = windowFor(history, due, role, email, every, first);
    if (today < windowStart) return;
    steps.push({
      key: stepKey(item, role, windowStart, email),
      item,
      role,
      recipient,
      reminderNumber: counted.length + 1,
      daysOverdue,
      windowStart,
      sentSoFar,
      unreachableSupplier: !reachable,
    });
  };
  /** The day after which a manager may be told: an interval after the reminder that made the count. */
  const after = (reminders: number) => {
    const day = counted[reminders - 1];
    return day === undefined ? undefined : addDays(day, every);
  };
  if (reachable) add("supplier", { name: c.supplier, email: c.responder }, due);
  const managerFrom = reachable ? after(escalateAfterReminders) : due;
  if (managerFrom !== undefined) {
    add("contract-manager", contractManagerContact(item.contract), managerFrom);
    for (const contact of item.contract.escalationContacts) add("contract-manager", contact, managerFrom);
  }
  const lineManager = item.contract.contractManager.lineManager;
  const lineManagerFrom = after(lineManagerAfterReminders);
  if (lineManager && lineManagerFrom !== undefined) add("line-manager", lineManager, lineManagerFrom);
  return steps;
}

/** A rejection waiting to be told to the supplier (queued by the review). */
export interface QueuedRejectionNotice {
  contractId: string;
  contributionId: string;
  /** The new due date the rejection set: a notice for an earlier rejection is not sent. */
  dueDate: IsoDate;
  queuedAt: string;
  /** The day it was queued in TIME_ZONE. */
  queuedOn: IsoDate;
}

/**
 * The notice to the supplier's responder that their evidence was rejected, with the reason and the
 * new due date. None when the item has moved on (new evidence, another review) or the supplier
 * cannot be emailed (the review's answer says so; the contract manager contacts them).
 */
export function rejectionNoticeStep(item: ChaseItem, notice: QueuedRejectionNotice, today: IsoDate): ChaseStep | undefined {
  const c = item.contribution;
  if (c.evidenceStatus !== "rejected" || c.evidenceDueDate !== notice.dueDate || !isEmailAddress(c.responder)) return undefined;
  const email = c.responder.toLowerCase();
  return {
    key: stepKey(item, "rejection", notice.queuedAt, email),
    item,
    role: "rejection",
    recipient: { name: c.supplier, email: c.responder },
    reminderNumber: 0,
    daysOverdue: daysOverdueOn(c.evidenceDueDate, today),
    windowStart: notice.queuedOn,
    sentSoFar: { supplier: [], contractManager: [] },
    unreachableSupplier: false,
  };
}

/**
 * When the mail system refuses a supplier's address, the contract manager (and the escalation
 * contacts) hear of it in the same run rather than weeks later: one step per item, in the window
 * of the supplier's refused reminder, so nobody is told twice about the same refusal.
 */
export function escalateUnreachable(failed: readonly ChaseStep[], reason: string): ChaseStep[] {
  const steps: ChaseStep[] = [];
  for (const s of failed) {
    if (s.role !== "supplier") continue;
    for (const contact of [contractManagerContact(s.item.contract), ...s.item.contract.escalationContacts]) {
      const email = contact.email.toLowerCase();
      if (steps.some((x) => x.item === s.item && x.recipient.email.toLowerCase() === email)) continue;
      steps.push({
        ...s,
        key: stepKey(s.item, "contract-manager", s.windowStart, email),
        role: "contract-manager",
        recipient: contact,
        unreachableSupplier: true,
        unreachableReason: reason,
      });
    }
  }
  return steps;
}

/** One email: everything one person is told in one run. */
export interface ChaseMessage {
  recipient: Contact;
  steps: ChaseStep[];
}

/** Groups steps so each person gets one email per run listing all their items, worst first. */
export function groupByRecipient(steps: readonly ChaseStep[]): ChaseMessage[] {
  const byEmail = new Map<string, ChaseMessage>();
  for (const step of steps) {
    const email = step.recipient.email.toLowerCase();
    const message = byEmail.get(email) ?? { recipient: { ...step.recipient, email }, steps: [] };
    message.steps.push(step);
    byEmail.set(email, message);
  }
  for (const m of byEmail.values()) m.steps.sort((a, b) => b.daysOverdue - a.daysOverdue || a.item.contribution.id.localeCompare(b.item.contribution.id));
  return [...byEmail.values()].sort((a, b) => a.recipient.email.localeCompare(b.recipient.email));
}

export interface DigestLine {
  item: ChaseItem;
  daysOverdue: number;
}

export interface Digest {
  recipient: Contact;
  lines: DigestLine[];
  /** £ of contributions whose evidence is still owed: the social value at risk. */
  valueAtRisk: number;
  contracts: number;
  /** Procurement Act duties on the manager's contracts (shared/performanceChase.ts). */
  performance?: { assessmentsDue: number; noticesRunningLate: number };
}

/** The weekly digest for each contract manager: everything overdue on their contracts, worst first. */
export function weeklyDigests(items: readonly ChaseItem[], today: IsoDate): Digest[] {
  const byManager = new Map<string, Digest>();
  for (const item of items) {
    const c = item.contribution;
    if (!isOverdue(c.evidenceStatus, c.evidenceDueDate, today)) continue;
    const manager = contractManagerContact(item.contract);
    const email = manager.email.toLowerCase();
    const digest = byManager.get(email) ?? { recipient: { ...manager, email }, lines: [], valueAtRisk: 0, contracts: 0 };
    digest.lines.push({ item, daysOverdue: daysOverdueOn(c.evidenceDueDate, today) });
    digest.valueAtRisk = addPounds(digest.valueAtRisk, c.value ?? 0);
    byManager.set(email, digest);
  }
  for (const d of byManager.values()) {
    d.lines.sort((a, b) => b.daysOverdue - a.daysOverdue || (b.item.contribution.value ?? 0) - (a.item.contribution.value ?? 0));
    d.contracts = new Set(d.lines.map((l) => l.item.contract.id)).size;
  }
  return [...byManager.values()].sort((a, b) => a.recipient.email.localeCompare(b.recipient.email));
}

export const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** 1970-01-01 (day 0) was a Thursday. */
export function weekdayOf(date: IsoDate): Weekday {
  return WEEKDAYS[(((dayNumber(date) + 4) % 7) + 7) % 7] as Weekday;
}

/** The ledger key of one manager's digest on one digest day. */
export function digestKey(digestDate: IsoDate, email: string): string {
  return `digest|${digestDate}|${email.toLowerCase()}`;
}

/**
 * One email in the chase ledger. It is written as `claimed` before sending and updated to `sent`
 * (with Graph's request id), `failed` (with Graph's reason) or `deferred` (to be retried next run).
 */
export const ChaseLedgerEntrySchema = z
  .object({
    id: z.string(),
    runDate: IsoDateSchema,
    kind: z.enum(CHASE_MESSAGE_KINDS),
    recipient: z.object({ name: z.string(), email: z.string() }),
    /** The highest rung this email was for: rejection notice, supplier reminder, escalation, line manager, or a digest. */
    role: z.enum(["supplier", "contract-manager", "line-manager", "rejection", "digest"]),
    subject: z.string(),
    contractIds: z.array(z.string()),
    contributionIds: z.array(z.string()),
    outcome: z.enum(CHASE_OUTCOMES),
    claimedAt: z.iso.datetime(),
    finishedAt: z.iso.datetime().optional(),
    graphRequestId: z.string().optional(),
    failure: z.string().optional(),
    /**
     * The recipient may have this email twice: Graph lost an answer before accepting it, or it repeats
     * items of an earlier message whose fate is unknown (a run stopped between sending and recording).
     */
    possibleDuplicate: z.boolean().optional(),
  })
  .strict();
export type ChaseLedgerEntry = z.infer<typeof ChaseLedgerEntrySchema>;

/** What POST /api/chase/run answers: the emails this run handled, and the steps it found already done. */
export const ChaseRunResultSchema = z
  .object({
    runDate: IsoDateSchema,
    sent: z.number().int(),
    failed: z.number().int(),
    deferred: z.number().int(),
    alreadyDone: z.number().int(),
    messages: z.array(ChaseLedgerEntrySchema),
    /** Why the run stopped before sending everything (the rest is recorded as deferred for the next run). */
    stoppedEarly: z.string().optional(),
  })
  .strict();
export type ChaseRunResult = z.infer<typeof ChaseRunResultSchema>;

export const CHASE_RUN_STATES = ["running", "finished", "failed", "abandoned"] as const;

/**
 * One chase run as the ledger follows it: what `POST /api/chase/run` answers at once (202) and
 * `GET /api/chase/runs/{runId}` answers while it goes and after. The counts grow as it sends.
 * `abandoned`: the instance running it stopped renewing its lease (it crashed or was recycled);
 * the next run settles what it left and sends the rest.
 */
export const ChaseRunStatusSchema = z
  .object({
    runId: z.string(),
    runDate: IsoDateSchema,
    scope: z.enum(["everything", "rejection-notices"]),
    trigger: z.enum(["manual", "timer"]),
    state: z.enum(CHASE_RUN_STATES),
    startedAt: z.iso.datetime(),
    /** When the run last renewed its lease: a running run does so every few seconds. */
    heartbeatAt: z.iso.datetime(),
    finishedAt: z.iso.datetime().optional(),
    sent: z.number().int(),
    failed: z.number().int(),
    deferred: z.number().int(),
    alreadyDone: z.number().int(),
    stoppedEarly: z.string().optional(),
    /** Why a failed run stopped (e.g. storage unreachable); what it did is in the ledger. */
    error: z.string().optional(),
    /** The abandoned run whose lease this run took over. */
    tookOverFrom: z.string().optional(),
  })
  .strict();
export type ChaseRunStatus = z.infer<typeof ChaseRunStatusSchema>;

/** Body of POST /api/chase/run: nothing to choose (the run is for today in TIME_ZONE); an empty body is as good. */
export const ChaseRunRequestSchema = z.object({}).strict();

/** Query of GET /api/chase/ledger: one contract's chasing, or everyone's, newest first. */
export const ChaseLedgerQuerySchema = z
  .object({
    contractId: ContractRefSchema.optional(),
    ...pagingFields(200),
  })
  .strict();
