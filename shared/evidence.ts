import { z } from "zod";
import { addDays, dateInTimeZone, daysBetween, IsoDate } from "./dates";

export const EVIDENCE_STATUSES = ["missing", "submitted", "accepted", "rejected"] as const;
export const EvidenceStatusSchema = z.enum(EVIDENCE_STATUSES);
export type EvidenceStatus = z.infer<typeof EvidenceStatusSchema>;

export type EvidenceEvent = "submit" | "accept" | "reject";

/** The evidence status machine: missing → submitted → accepted | rejected; a rejection can be answered with new evidence. */
const TRANSITIONS: Readonly<Record<EvidenceStatus, Partial<Record<EvidenceEvent, EvidenceStatus>>>> = {
  missing: { submit: "submitted" },
  submitted: { submit: "submitted", accept: "accepted", reject: "rejected" },
  rejected: { submit: "submitted" },
  accepted: {},
};

export class EvidenceTransitionError extends Error {
  constructor(
    readonly from: EvidenceStatus,
    readonly event: EvidenceEvent,
  ) {
    super(
      from === "accepted"
        ? "The evidence is already accepted; it cannot change any more."
        : event === "submit"
          ? `Evidence cannot be added when it is ${from}.`
          : `Evidence that is ${from} cannot be ${event === "accept" ? "accepted" : "rejected"}: there is nothing submitted to review.`,
    );
    this.name = "EvidenceTransitionError";
  }
}

export function nextEvidenceStatus(from: EvidenceStatus, event: EvidenceEvent): EvidenceStatus {
  const to = TRANSITIONS[from][event];
  if (!to) throw new EvidenceTransitionError(from, event);
  return to;
}

/** Evidence is due `graceDays` after the end of the period it evidences. */
export function evidenceDueDate(periodEnd: IsoDate, graceDays: number): IsoDate {
  return addDays(periodEnd, graceDays);
}

/** After a rejection the supplier gets the same grace again, counted from the review. */
export function dueDateAfterRejection(reviewedOn: IsoDate, graceDays: number): IsoDate {
  return addDays(reviewedOn, graceDays);
}

/** Statuses that still owe the council something. */
export function isAwaitingEvidence(status: EvidenceStatus): boolean {
  return status === "missing" || status === "rejected";
}

/** Overdue: past the due date (the due date itself is still in time) and nothing submitted or accepted. */
export function isOverdue(status: EvidenceStatus, dueDate: IsoDate, today: IsoDate): boolean {
  return isAwaitingEvidence(status) && daysBetween(dueDate, today) > 0;
}

export function daysOverdue(dueDate: IsoDate, today: IsoDate): number {
  return Math.max(0, daysBetween(dueDate, today));
}

/** "Today" for overdue rules: the date in the organisation's time zone, not the server's. */
export function todayIn(timeZone: string, now: Date): IsoDate {
  return dateInTimeZone(now, timeZone);
}
