import type { Permit, Timer } from "../graph/retry";

export interface PacingOptions {
  /** Messages the mailbox may start per minute (Exchange Online allows about 30); 0 turns the rate limit off, for benchmarks only. */
  messagesPerMinute: number;
  /** Requests in flight at once (Graph allows 4 concurrent requests per mailbox). */
  maxConcurrent: number;
  /**
   * Tokens the bucket holds. 1 (the default) spaces messages evenly, so no 60-second window ever
   * holds more than `messagesPerMinute` starts; a bigger bucket allows bursts above the limit.
   */
  burst?: number;
}

export const DEFAULT_PACING: PacingOptions = { messagesPerMinute: 30, maxConcurrent: 4 };

/**
 * Paces one mailbox: a semaphore for concurrent requests, a token bucket for the send rate, and a
 * hold that a `Retry-After` puts on every sender at once (Exchange throttles the mailbox, not the
 * message). Kept because the Graph SDK's middleware has nothing like it: its RetryHandler reacts to
 * a 429 after the fact, one request at a time, and never spaces sends or shares a hold between them.
 */
export class MailboxPacer {
  private readonly capacity: number;
  private readonly tokensPerMs: number;
  private tokens: number;
  private refilledAt: number;
  private inFlight = 0;
  private readonly slotQueue: Array<() => void> = [];
  /** Token grants happen one at a time, first come first served. */
  private tokenTurn: Promise<unknown> = Promise.resolve();
  private heldUntil = 0;

  constructor(
    private readonly options: PacingOptions,
    private readonly timer: Timer,
  ) {
    if (!(options.maxConcurrent >= 1)) throw new RangeError("maxConcurrent must be at least 1");
    if (!(options.messagesPerMinute >= 0)) throw new RangeError("messagesPerMinute cannot be negative");
    this.capacity = Math.max(1, options.burst ?? 1);
    this.tokensPerMs = options.messagesPerMinute / 60_000;
    this.tokens = this.capacity;
    this.refilledAt = timer.now();
  }

  /** Every sender waits until `untilMs` (a Retry-After); an earlier hold never shortens a later one. */
  holdUntil(untilMs: number): void {
    this.heldUntil = Math.max(this.heldUntil, untilMs);
  }

  /** When the mailbox may next be used, if it is on hold. */
  heldUntilMs(): number | undefined {
    return this.heldUntil > this.timer.now() ? this.heldUntil : undefined;
  }

  /**
   * Waits for a slot and a token. Refuses at once (without waiting) when the mailbox is on hold for
   * longer than `maxHoldWaitMs`, so a throttled run defers its messages instead of queueing for ever.
   */
  async acquire(maxHoldWaitMs = Infinity): Promise<Permit> {
    const refusal = this.refusal(maxHoldWaitMs);
    if (refusal) return { refused: refusal };
    await this.takeSlot();
    let refused: string | undefined;
    try {
      const turn = this.tokenTurn.then(() => this.waitForToken(maxHoldWaitMs));
      // The chain only orders the turns; each caller still sees its own turn's outcome.
      this.tokenTurn = turn.catch(() => undefined);
      refused = await turn;
    } catch (error) {
      this.releaseSlot();
      throw error;
    }
    if (refused) {
      this.releaseSlot();
      return { refused };
    }
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.releaseSlot();
      },
    };
  }

  private refusal(maxHoldWaitMs: number): string | undefined {
    const wait = this.heldUntil - this.timer.now();
    if (wait <= maxHoldWaitMs) return undefined;
    return `the mailbox is throttled by Exchange until ${new Date(this.heldUntil).toISOString()}`;
  }

  private async takeSlot(): Promise<void> {
    if (this.inFlight < this.options.maxConcurrent) {
      this.inFlight++;
      return;
    }
    // The releasing sender hands its slot straight over, so inFlight stays as it is.
    await new Promise<void>((resolve) => this.slotQueue.push(resolve));
  }

  private releaseSlot(): void {
    const next = this.slotQueue.shift();
    if (next) next();
    else this.inFlight--;
  }

  /** Resolves with a refusal reason, or undefined once a token is taken. */
  private async waitForToken(maxHoldWaitMs: number): Promise<string | undefined> {
    for (;;) {
      const refusal = this.refusal(maxHoldWaitMs);
      if (refusal) return refusal;
      const now = this.timer.now();
      if (this.heldUntil > now) {
        await this.timer.sleep(this.heldUntil - now);
        continue;
      }
      if (this.tokensPerMs === 0) return undefined;
      this.tokens = Math.min(this.capacity, this.tokens + (now - this.refilledAt) * this.tokensPerMs);
      this.refilledAt = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return undefined;
      }
      await this.timer.sleep(Math.ceil((1 - this.tokens) / this.tokensPerMs));
    }
  }
}
