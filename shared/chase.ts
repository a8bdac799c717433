import { z } from "zod";
import { addDays, dayNumber, daysBetween, IsoDate, IsoDateSchema } from "./dates";
import { daysOverdue as daysOverdueOn, isAwaitingEvidence, isOverdue } from "./evidence";
import { pagingFields } from "./api";
import { ContractRefSchema } from "./model";
import type { Contact, Contract, Contribution } from "./model";

/** What the chase needs to know about one contribution that owes evidence, and its contract. */
export interface ChaseItem {
  contribution: Pick<
    Contribution,
    "id" | "contractId" | "supplier" | "responder" | "measureCode" | "quantity" | "periodStart" | "periodEnd" | "evidenceStatus" | "evidenceDueDate" | "value" | "description" | "rejectionReason"
  >;
  contract: Pick<Contract, "id" | "title" | "buyer" | "contractManager" | "escalationContacts" | "reminderPolicy" | "formUrl">;
}

export type ChaseRole = "supplier" | "contract-manager" | "line-manager";

/** One rung of the ladder for one item: who is told, which reminder it is, and why. */
export interface ChaseStep {
  /** Stable across runs: the ledger uses it so a step is never sent twice. */
  key: string;
  item: ChaseItem;
  role: ChaseRole;
  recipient: Contact;
  reminderNumber: number;
  daysOverdue: number;
  /** Set when the supplier cannot be emailed, so the contract manager hears of it at once. */
  unreachableSupplier: boolean;
  /** Why, when the mail system refused the supplier's address (Graph's words); absent when the report gave no usable address. */
  unreachableReason?: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Which reminder is due on `today`: the first on the due date, then one every `remindEveryDays`.
 * 0 before the due date. Counting from dates (not from what was sent) keeps the ladder moving
 * even when a message could not be delivered.
 */
export function reminderNumberOn(dueDate: IsoDate, today: IsoDate, remindEveryDays: number): number {
  const since = daysBetween(dueDate, today);
  return since < 0 ? 0 : Math.floor(since / remindEveryDays) + 1;
}

/** The contract manager as a recipient (their line manager is a rung of its own). */
function contractManagerContact(contract: ChaseItem["contract"]): Contact {
  const { lineManager: _lm, ...manager } = contract.contractManager;
  return manager;
}

function stepKey(item: ChaseItem, role: ChaseRole, reminderNumber: number, email: string): string {
  const c = item.contribution;
  return `${c.id}|${c.evidenceDueDate}|${reminderNumber}|${role}|${email}`;
}

/**
 * The ladder for one item on one day: the supplier's responder from the due date; the contract
 * manager (and escalation contacts) after `escalateAfterReminders`; the contract manager's line
 * manager after `lineManagerAfterReminders`. A supplier with no usable address goes straight to
 * the contract manager.
 */
export function dueSteps(item: ChaseItem, today: IsoDate): ChaseStep[] {
  const c = item.contribution;
  if (!isAwaitingEvidence(c.evidenceStatus)) return [];
  const policy = item.contract.reminderPolicy;
  const n = reminderNumberOn(c.evidenceDueDate, today, policy.remindEveryDays);
  if (n === 0) return [];
  const daysOverdue = daysOverdueOn(c.evidenceDueDate, today);
  const reachable = EMAIL.test(c.responder);
  const steps: ChaseStep[] = [];
  const add = (role: ChaseRole, recipient: Contact) => {
    const email = recipient.email.toLowerCase();
    if (steps.some((s) => s.recipient.email.toLowerCase() === email)) return;
    steps.push({ key: stepKey(item, role, n, email), item, role, recipient, reminderNumber: n, daysOverdue, unreachableSupplier: !reachable });
  };
  if (reachable) add("supplier", { name: c.supplier, email: c.responder });
  if (!reachable || n > policy.escalateAfterReminders) {
    add("contract-manager", contractManagerContact(item.contract));
    for (const contact of item.contract.escalationContacts) add("contract-manager", contact);
  }
  const lineManager = item.contract.contractManager.lineManager;
  if (lineManager && n > policy.lineManagerAfterReminders) add("line-manager", lineManager);
  return steps;
}

/**
 * The first day of the reminder window a step belongs to: its key stays the same from this date
 * until the next reminder is due, so the ledger only needs records from here on to know it was done.
 */
export function stepWindowStart(step: Pick<ChaseStep, "item" | "reminderNumber">): IsoDate {
  const c = step.item.contribution;
  return addDays(c.evidenceDueDate, (step.reminderNumber - 1) * step.item.contract.reminderPolicy.remindEveryDays);
}

/**
 * When the mail system refuses a supplier's address, the contract manager (and the escalation
 * contacts) hear of it in the same run rather than weeks later: one step per item, keyed like the
 * ladder's own escalation for that reminder, so nobody is told the same thing twice.
 */
export function escalateUnreachable(failed: readonly ChaseStep[], reason: string): ChaseStep[] {
  const steps: ChaseStep[] = [];
  for (const s of failed) {
    if (s.role !== "supplier") continue;
    for (const contact of [contractManagerContact(s.item.contract), ...s.item.contract.escalationContacts]) {
      const email = contact.email.toLowerCase();
      if (steps.some((x) => x.item === s.item && x.recipient.email.toLowerCase() === email)) continue;
      steps.push({
        key: stepKey(s.item, "contract-manager", s.reminderNumber, email),
        item: s.item,
        role: "contract-manager",
        recipient: contact,
        reminderNumber: s.reminderNumber,
        daysOverdue: s.daysOverdue,
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
    digest.valueAtRisk += c.value ?? 0;
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

export const CHASE_MESSAGE_KINDS = ["reminder", "digest"] as const;
export const CHASE_OUTCOMES = ["claimed", "sent", "failed", "deferred"] as const;

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
    /** The highest rung this email was for: supplier reminder, escalation, line manager, or a digest. */
    role: z.enum(["supplier", "contract-manager", "line-manager", "digest"]),
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

/** Body of POST /api/chase/run: nothing to choose (the run is for today in TIME_ZONE); an empty body is as good. */
export const ChaseRunRequestSchema = z.object({}).strict();

/** Query of GET /api/chase/ledger: one contract's chasing, or everyone's, newest first. */
export const ChaseLedgerQuerySchema = z
  .object({
    contractId: ContractRefSchema.optional(),
    ...pagingFields(200),
  })
  .strict();
