import { GraphError } from "@microsoft/microsoft-graph-client";
import { GraphRequestError } from "../graph/graphCall";
import type { GraphCaller } from "../graph/graphCall";
import type { AttemptOutcome, Permit } from "../graph/retry";
import type { Mailer, OutgoingEmail, SendControl, SendResult } from "./mailer";
import { buildMimeMessage, InvalidAddressError, messageIdFor } from "./mime";
import type { Mailbox } from "./mime";
import { MailboxPacer } from "./pacer";
import type { PacingOptions } from "./pacer";

export interface GraphMailerOptions {
  graph: GraphCaller;
  /** MAIL_SENDER: the mailbox the app may send as (and its display name). */
  sender: Mailbox;
  pacing: PacingOptions;
}

/**
 * Sends through Graph `POST /users/{sender}/sendMail` as base64 MIME (`Content-Type: text/plain`):
 * the JSON form carries one body, and the chase sends HTML with a plain-text alternative.
 * Graph saves MIME sends in Sent Items.
 */
export class GraphMailer implements Mailer {
  readonly transport = "graph";
  private readonly pacer: MailboxPacer;

  constructor(private readonly options: GraphMailerOptions) {
    this.pacer = new MailboxPacer(options.pacing, options.graph.timer);
  }

  async send(email: OutgoingEmail, control: SendControl = {}): Promise<SendResult> {
    const { graph, sender } = this.options;
    const messageId = messageIdFor(email.idempotencyKey, sender);
    let mime: string;
    try {
      mime = await buildMimeMessage(email, { from: sender, date: new Date(graph.timer.now()), messageId });
    } catch (error) {
      if (!(error instanceof InvalidAddressError)) throw error;
      const senderProblem = error.address === sender.email;
      return { kind: "failed", status: null, code: "InvalidAddress", message: error.message, requestId: null, senderProblem, attempts: 0 };
    }

    let handedOver = false;
    const result = await graph.attempt(
      {
        method: "POST",
        path: `/users/${encodeURIComponent(sender.email)}/sendMail`,
        body: Buffer.from(mime, "utf8").toString("base64"),
        contentType: "text/plain",
      },
      false,
      {
        beforeAttempt: () => this.beforeAttempt(control, () => (handedOver = true), handedOver),
        onRetryAfter: (untilMs) => this.pacer.holdUntil(untilMs),
        afterAttempt: (outcome, startedAtMs) => recordFor(control, outcome, startedAtMs, graph.timer.now()),
        abandon: () => control.breaker?.openReason(graph.timer.now()),
        lookAgainInMs: () => control.breaker?.msUntilItMayOpen(graph.timer.now()) ?? Infinity,
      },
    );

    if (result.kind === "done") {
      return {
        kind: "sent",
        messageId,
        requestId: result.value.requestId,
        clientRequestId: result.value.clientRequestId,
        attempts: result.attempts,
        possibleDuplicate: result.ambiguous,
      };
    }
    if (result.kind === "gave-up") {
      return {
        kind: "deferred",
        reason: result.reason,
        attempts: result.attempts,
        mayHaveBeenSent: result.ambiguous,
        ...(result.retryAt !== undefined ? { retryAfter: new Date(result.retryAt) } : {}),
      };
    }
    const { error, attempts } = result;
    if (error instanceof GraphRequestError) {
      if (error.status >= 500) {
        // A server fault is not the recipient's fault: keep the message for the next run.
        return { kind: "deferred", reason: error.message, attempts, mayHaveBeenSent: true };
      }
      return {
        kind: "failed",
        status: error.status,
        code: error.code,
        message: error.graphMessage,
        requestId: error.requestId,
        // On /users/{sender}/sendMail these mean the sender's mailbox or the app's permission, not the message.
        senderProblem: error.status === 401 || error.status === 403 || error.status === 404,
        attempts,
      };
    }
    if (error instanceof GraphError && error.statusCode === -1) {
      // The SDK's own failure before any HTTP answer, chiefly getting a token: nothing was sent.
      return { kind: "deferred", reason: `could not call Graph (${error.code ?? error.name}): ${error.message}`, attempts, mayHaveBeenSent: result.ambiguous };
    }
    throw error;
  }

  /** A pacing slot, then (first attempt only) the caller's claim; refused at once once the breaker is open. */
  private async beforeAttempt(control: SendControl, markHandedOver: () => void, handedOver: boolean): Promise<Permit> {
    const permit = await this.pacer.acquire(this.options.graph.retry.giveUpAfterMs);
    if ("refused" in permit) return permit;
    const open = control.breaker?.openReason(this.options.graph.timer.now());
    if (open) {
      permit.release();
      return { refused: open };
    }
    if (!handedOver && control.beforeHandOver) {
      try {
        await control.beforeHandOver();
      } catch (error) {
        permit.release();
        throw error;
      }
    }
    markHandedOver();
    return permit;
  }
}

/** Graph answering at all (a 4xx about this message included) is health; no answer, 5xx and 429 are not. */
function recordFor(control: SendControl, outcome: AttemptOutcome<unknown>, startedAtMs: number, nowMs: number): void {
  const breaker = control.breaker;
  if (!breaker) return;
  if (outcome.kind === "done" || (outcome.kind === "permanent" && outcome.error instanceof GraphRequestError && outcome.error.status < 500)) breaker.succeeded();
  else breaker.failed(outcome.kind === "transient" ? outcome.reason : outcome.error.message, startedAtMs, nowMs);
}
