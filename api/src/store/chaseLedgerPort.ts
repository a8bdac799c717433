import type { ChaseLedgerEntry, ChaseRole, ChaseRunStatus, IsoDate, QueuedRejectionNotice } from "../../../shared";
import { keyPart } from "./keys";
import type { Page, PageRequest } from "./page";

/**
 * The chase ledger as the chase needs it (api/STORAGE.md, "ChaseLedger"). Each email is a message
 * entry, written `claimed` before it is sent and finished after; each chase step it carries gets a
 * step record pointing at it, so later runs know what was done without reading every message.
 */

/** The id of one email of one run. The recipient is escaped, so the id splits back into exactly four parts. */
export function chaseMessageId(runDate: IsoDate, recipient: string, kind: ChaseLedgerEntry["kind"], runId: string): string {
  return `${runDate}|${keyPart(recipient.toLowerCase())}|${kind}|${runId}`;
}

/** Who holds the run, until when. One run at a time: the timer, "Run the chase now" and other instances can overlap. */
export interface ChaseLease {
  runId: string;
  expiresAt: string;
  etag: string;
}

export type ChaseScope = ChaseRunStatus["scope"];

export type LeaseAnswer =
  | { held: true; lease: ChaseLease; /** The run whose lease had run out without being released: it stopped part-way. */ tookOverFrom?: string }
  | { held: false; heldBy: string; expiresAt: string };

/** A lease that ran out without being released: the run that held it stopped part-way. */
export interface ExpiredLease {
  runId: string;
  expiresAt: string;
  scope: ChaseScope;
}

export interface StepClaim {
  key: string;
  /** The first day of the step's window; step records are found from here on (ChaseStep.windowStart). */
  windowStart: IsoDate;
  /** For a step about one item (not a digest): where the item's history records it. */
  item?: { contributionId: string; dueDate: IsoDate; role: ChaseRole };
}

/** One step in an item's history: the rung, who it was for, and the message that carried it. */
export interface HistoryRecord {
  stepKey: string;
  role: ChaseRole;
  recipient: string;
  dueDate: IsoDate;
  messageId: string;
}

/** A message entry with what the ledger keeps beside the public entry. */
export interface ChaseMessageRecord {
  entry: ChaseLedgerEntry;
  stepKeys: string[];
  /** Deferred, but Graph may have sent it (an answer was lost, or the run stopped between sending and recording). */
  mayHaveBeenSent: boolean;
}

/** One step record: the step and the message that carried it most recently. */
export interface StepRecord {
  stepKey: string;
  messageId: string;
}

export interface ChaseLedgerStore {
  /** Takes the run lease if it is free, expired, or already ours; ETag-guarded, so of two takers one wins. */
  acquireLease(runId: string, now: Date, ttlMs: number, scope: ChaseScope): Promise<LeaseAnswer>;
  /** The lease if it ran out unreleased (one row read): a frequent timer resumes that run's work. */
  expiredLease(now: Date): Promise<ExpiredLease | undefined>;
  /** Writes a run's status (replacing what was there). */
  saveRun(status: ChaseRunStatus): Promise<void>;
  getRun(runId: string): Promise<ChaseRunStatus | undefined>;
  /** Extends our lease; undefined when another run has taken it since (ours had expired). */
  renewLease(lease: ChaseLease, now: Date, ttlMs: number): Promise<ChaseLease | undefined>;
  /** False when another run holds the lease by now, so it was left alone. */
  releaseLease(lease: ChaseLease): Promise<boolean>;

  /**
   * Before a send: an open-claim marker, then the message entry (outcome `claimed`) with its step
   * keys, then a step record per step and the contracts' pointers. The marker comes first so a
   * run that stops anywhere after it is found and settled by the next run.
   */
  claim(entry: ChaseLedgerEntry, steps: StepClaim[]): Promise<void>;
  /** After a send: the outcome onto the message entry, then the open-claim marker removed. */
  finish(entry: ChaseLedgerEntry, mayHaveBeenSent: boolean): Promise<void>;
  /** A message the run did not try (it stopped early), recorded as deferred for the ledger to show; no step records. */
  recordUnsent(entry: ChaseLedgerEntry, stepKeys: string[]): Promise<void>;
  /** Message ids claimed and not finished: a run stopped while handling them. */
  openClaims(): Promise<string[]>;
  /** Drops an open-claim marker whose message is settled or was never written. */
  closeClaim(messageId: string): Promise<void>;
  getMessage(messageId: string): Promise<ChaseMessageRecord | undefined>;
  /** A recipient's step records from `fromWindow` on. */
  stepRecords(recipient: string, fromWindow: IsoDate): Promise<StepRecord[]>;
  /** The steps the ledger holds for one contribution's due date: one partition, one query, whatever else the ledger holds. */
  history(contributionId: string, dueDate: IsoDate): Promise<HistoryRecord[]>;

  /** A rejection to tell the supplier, for the next chase run; written before the review's own transaction. */
  queueRejectionNotice(notice: QueuedRejectionNotice): Promise<void>;
  /** Every rejection notice waiting, oldest first. */
  queuedRejectionNotices(): Promise<QueuedRejectionNotice[]>;
  /** The notices waiting for one contribution. */
  queuedRejectionNoticesFor(contributionId: string): Promise<QueuedRejectionNotice[]>;
  /** Whether any notice waits: one row read, so a frequent timer costs almost nothing when there is none. */
  hasQueuedRejectionNotices(): Promise<boolean>;
  /** Takes a notice off the queue once it went, failed for good, or no longer applies. */
  dropRejectionNotice(notice: Pick<QueuedRejectionNotice, "contributionId" | "queuedAt">): Promise<void>;
  /** Message entries newest first, all or those touching one contract. */
  list(contractId: string | undefined, page: PageRequest): Promise<Page<ChaseLedgerEntry>>;
}
