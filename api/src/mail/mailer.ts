import type { Contact } from "../../../shared";
import type { CircuitBreaker } from "../graph/breaker";

/** One email as the chase wants it sent: HTML with a plain-text alternative. */
export interface OutgoingEmail {
  to: Contact[];
  replyTo?: Contact;
  subject: string;
  html: string;
  text: string;
  /**
   * The same for the same message on every run (e.g. a hash of its chase steps). It fixes the
   * Message-ID, so a message sent twice after a lost answer is recognisable as one.
   */
  idempotencyKey: string;
}

export interface Sent {
  kind: "sent";
  /** The Message-ID header we gave the message. */
  messageId: string;
  /** Graph's `request-id` and `client-request-id` (null from the outbox). */
  requestId: string | null;
  clientRequestId: string | null;
  /** Where the outbox wrote it (outbox only). */
  outboxFile?: string;
  attempts: number;
  /** An earlier attempt lost its answer, so the recipient may get this message twice. */
  possibleDuplicate: boolean;
}

/** Will not go by trying again: a bad address, or any 4xx other than 429. The ladder goes on. */
export interface FailedPermanently {
  kind: "failed";
  /** HTTP status, or null when the message was refused before calling Graph (an address that is not one). */
  status: number | null;
  /** Graph's error code (e.g. ErrorInvalidRecipients), or our own for a refusal before sending. */
  code: string;
  /** Graph's message, as Graph wrote it. */
  message: string;
  requestId: string | null;
  /**
   * The sending mailbox or the app's permission is at fault (401, 403, mailbox not enabled), not
   * this message: every other message will fail the same way until someone fixes the set-up.
   */
  senderProblem: boolean;
  attempts: number;
}

/** Gave up for now (throttling, Graph unavailable, no answer, no token); the next run sends it. */
export interface Deferred {
  kind: "deferred";
  reason: string;
  attempts: number;
  /** An attempt lost its answer: Graph may have sent it, so the next run may duplicate it. */
  mayHaveBeenSent: boolean;
  /** When Exchange asked us to come back, if it said. */
  retryAfter?: Date;
}

export type SendResult = Sent | FailedPermanently | Deferred;

/** What the chase asks of one send besides the message. */
export interface SendControl {
  /**
   * Called once, after pacing and just before the message is first handed to the transport: the
   * chase claims the message in its ledger here, so a message still queued behind the pacer when a
   * run dies was never claimed and is not taken for possibly sent. Throwing ends the send unsent.
   */
  beforeHandOver?(): Promise<void>;
  /** The run's breaker: fed every attempt's outcome, and once it opens this send gives up at once. */
  breaker?: CircuitBreaker;
}

/** The port the chase sends through: Graph in Azure, a folder of .eml files locally. */
export interface Mailer {
  /** "graph" or "outbox", for the ledger and logs. */
  readonly transport: "graph" | "outbox";
  /**
   * Sends one message. Delivery problems come back as `failed` or `deferred`, never as a thrown
   * error; it throws only for a message that cannot be an email at all (no recipient).
   */
  send(message: OutgoingEmail, control?: SendControl): Promise<SendResult>;
}
