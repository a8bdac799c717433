import type { ChaseLedgerEntry, IsoDate } from "../../../shared";
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

/** Who holds the run, until when. One run at a time: the timer and "Run the chase now" can overlap. */
export interface ChaseLease {
  runId: string;
  expiresAt: string;
  etag: string;
}

export type LeaseAnswer = { held: true; lease: ChaseLease } | { held: false; heldBy: string; expiresAt: string };

export interface StepClaim {
  key: string;
  /** The first day of the step's reminder window; step records are found from here on (see stepWindowStart). */
  windowStart: IsoDate;
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
  /** Takes the run lease if it is free, expired, or already ours. */
  acquireLease(runId: string, now: Date, ttlMs: number): Promise<LeaseAnswer>;
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
  /** Message entries newest first, all or those touching one contract. */
  list(contractId: string | undefined, page: PageRequest): Promise<Page<ChaseLedgerEntry>>;
}
