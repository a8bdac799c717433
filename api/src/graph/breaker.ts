/**
 * A circuit breaker for one chase run's sends: once Graph has answered nothing useful for
 * `openAfterMs` (connections refused or dropped, 5xx, 429s beyond what Retry-After allows), with
 * at least `minFailures` failed attempts and no success since the first of them, it opens and stays
 * open for the rest of the run. Every send still waiting then gives up at once, so a run with
 * Graph gone stops within about `openAfterMs` instead of retrying each message for minutes. The
 * next run starts with a closed breaker: it is the "half-open" try.
 *
 * Time is passed in by the caller (the mailer's timer), so tests with virtual time need no waiting.
 */
export interface BreakerOptions {
  openAfterMs: number;
  minFailures: number;
}

export const DEFAULT_BREAKER: BreakerOptions = { openAfterMs: 30_000, minFailures: 3 };

export class CircuitBreaker {
  private failingSince: number | undefined;
  private failures = 0;
  private lastFailure = "";
  private opened: string | undefined;

  constructor(private readonly options: BreakerOptions = DEFAULT_BREAKER) {}

  /** An attempt got an answer that says Graph works (2xx, or a 4xx about the message itself). */
  succeeded(): void {
    if (this.opened) return;
    this.failingSince = undefined;
    this.failures = 0;
  }

  /** An attempt that started at `startedAtMs` failed for a reason that is Graph's, not the message's. */
  failed(reason: string, startedAtMs: number, nowMs: number): void {
    if (this.opened) return;
    this.failingSince = Math.min(this.failingSince ?? startedAtMs, startedAtMs);
    this.failures++;
    this.lastFailure = reason;
    this.check(nowMs);
  }

  /** Why the breaker is open, or undefined while Graph may still be tried. */
  openReason(nowMs: number): string | undefined {
    this.check(nowMs);
    return this.opened;
  }

  /** The reason it opened, without looking at the time again (for the run's own answer). */
  get reason(): string | undefined {
    return this.opened;
  }

  /** How long until the breaker could open if nothing succeeds meanwhile: a waiting sender looks again then. */
  msUntilItMayOpen(nowMs: number): number {
    if (this.opened) return 0;
    // Fewer failures than it takes: only another failed attempt can open it, and that attempt checks.
    if (this.failingSince === undefined || this.failures < this.options.minFailures) return Infinity;
    return Math.max(0, this.failingSince + this.options.openAfterMs - nowMs);
  }

  private check(nowMs: number): void {
    if (this.opened || this.failingSince === undefined) return;
    if (this.failures >= this.options.minFailures && nowMs - this.failingSince >= this.options.openAfterMs) {
      const seconds = Math.round((nowMs - this.failingSince) / 1000);
      this.opened = `Graph has failed every attempt for ${seconds} s (${this.failures} attempts; the last: ${this.lastFailure})`;
    }
  }
}
