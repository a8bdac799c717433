/**
 * When to try a Graph request again, and for how long. Kept instead of the SDK's RetryHandler,
 * which does not do what the chase needs: it counts retries (at most 10) but has no bound on the
 * time a whole message or read may take, retries only 429/503/504 answers and never a request that
 * got no answer at all, and cannot say "this POST may have been sent" — the outcome the ledger
 * records to avoid a double chase. The SDK's auth and telemetry middleware are used as they are.
 */

/** Time for retries and pacing; tests inject a virtual one so minutes of back-off take no time. */
export interface Timer {
  /** Milliseconds since the epoch. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realTimer: Timer = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

export interface RetryPolicy {
  /** Stop retrying once this much time has passed since the first attempt. */
  giveUpAfterMs: number;
  /** Back-off before the second attempt; doubles each time, with jitter. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** One request (connect, answer and body) may take this long before it counts as dropped. */
  attemptTimeoutMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  giveUpAfterMs: 120_000,
  firstDelayMs: 1_000,
  maxDelayMs: 30_000,
  attemptTimeoutMs: 30_000,
};

/**
 * `Retry-After` as milliseconds from `nowMs`: delta-seconds (Graph sends fractions such as 2.128)
 * or an HTTP date. Undefined when absent or unreadable, so the caller falls back to back-off.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text) * 1000);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** Exponential back-off with "equal jitter": half the step fixed, half random, so concurrent senders spread out. */
export function backoffDelay(retryNumber: number, policy: RetryPolicy, random: () => number): number {
  const step = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** Math.max(0, retryNumber - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

/** What one attempt came to, as the retry loop needs to know it. */
export type AttemptOutcome<T> =
  | { kind: "done"; value: T }
  | { kind: "permanent"; error: Error }
  | {
      kind: "transient";
      reason: string;
      /** The server's `Retry-After`, in ms from now. */
      retryAfterMs?: number;
      /** The request may have been carried out although no answer said so (timeout, 504, connection lost after sending). */
      ambiguous: boolean;
    };

export type RetryResult<T> =
  | {
      kind: "done";
      value: T;
      attempts: number;
      /** An earlier attempt lost its answer and may have been carried out too. */
      ambiguous: boolean;
    }
  | { kind: "permanent"; error: Error; attempts: number; ambiguous: boolean }
  | {
      kind: "gave-up";
      reason: string;
      attempts: number;
      /** Some attempt may have been carried out by the server. */
      ambiguous: boolean;
      /** When the server asked us to come back, if it did. */
      retryAt?: number;
    };

/** Permission to make one attempt (a pacing slot), given back when the attempt is over. */
export type Permit = { release(): void } | { refused: string };

export interface RetryHooks {
  /**
   * Waits until an attempt may start (pacing). `refused` ends the loop at once as a give-up,
   * e.g. when the mailbox is throttled for longer than the bound.
   */
  beforeAttempt?(): Promise<Permit>;
  /** Called with the time a `Retry-After` asks everyone to wait until (throttling is per mailbox, not per request). */
  onRetryAfter?(untilMs: number): void;
  /** Told how each attempt went, with when it started (a circuit breaker counts them). */
  afterAttempt?(outcome: AttemptOutcome<unknown>, startedAtMs: number): void;
  /**
   * A reason to give up at once, asked before each attempt and while waiting between attempts
   * (e.g. the run's circuit breaker opened): every waiting request ends then, not when its own
   * back-off is over.
   */
  abandon?(): string | undefined;
  /** While waiting, look at `abandon` again after at most this long. */
  lookAgainInMs?(): number;
}

/**
 * Runs `attempt` until it is done, fails permanently, or the next wait would pass the policy's
 * bound. The bound is measured from the start of the first attempt, so time queued for pacing
 * before it is not counted against the message.
 */
export async function withRetries<T>(
  attempt: (attemptNumber: number) => Promise<AttemptOutcome<T>>,
  policy: RetryPolicy,
  timer: Timer,
  random: () => number,
  hooks: RetryHooks = {},
): Promise<RetryResult<T>> {
  let started: number | undefined;
  let ambiguous = false;
  let retryAt: number | undefined;
  for (let n = 1; ; n++) {
    const abandoned = hooks.abandon?.();
    if (abandoned) return { kind: "gave-up", reason: abandoned, attempts: n - 1, ambiguous, ...(retryAt !== undefined ? { retryAt } : {}) };
    const permit = hooks.beforeAttempt ? await hooks.beforeAttempt() : { release: () => undefined };
    if ("refused" in permit) {
      return { kind: "gave-up", reason: permit.refused, attempts: n - 1, ambiguous, ...(retryAt !== undefined ? { retryAt } : {}) };
    }
    const attemptStarted = timer.now();
    started ??= attemptStarted;
    let outcome: AttemptOutcome<T>;
    try {
      outcome = await attempt(n);
    } finally {
      permit.release();
    }
    hooks.afterAttempt?.(outcome, attemptStarted);
    if (outcome.kind === "done") return { kind: "done", value: outcome.value, attempts: n, ambiguous };
    if (outcome.kind === "permanent") return { kind: "permanent", error: outcome.error, attempts: n, ambiguous };
    ambiguous ||= outcome.ambiguous;
    const now = timer.now();
    retryAt = outcome.retryAfterMs !== undefined ? now + outcome.retryAfterMs : undefined;
    if (retryAt !== undefined) hooks.onRetryAfter?.(retryAt);
    const wait = outcome.retryAfterMs ?? backoffDelay(n, policy, random);
    if (now + wait - started > policy.giveUpAfterMs) {
      const seconds = Math.round((now - started) / 1000);
      return {
        kind: "gave-up",
        reason: `${outcome.reason}; gave up after ${n} attempt${n === 1 ? "" : "s"} over ${seconds} s`,
        attempts: n,
        ambiguous,
        ...(retryAt !== undefined ? { retryAt } : {}),
      };
    }
    const stopped = await waitUnlessAbandoned(now + wait, timer, hooks);
    if (stopped) return { kind: "gave-up", reason: stopped, attempts: n, ambiguous, ...(retryAt !== undefined ? { retryAt } : {}) };
  }
}

/** Sleeps until `untilMs`, waking early to ask `abandon`; the reason if it said to give up. */
async function waitUnlessAbandoned(untilMs: number, timer: Timer, hooks: RetryHooks): Promise<string | undefined> {
  for (;;) {
    const reason = hooks.abandon?.();
    if (reason) return reason;
    const left = untilMs - timer.now();
    if (left <= 0) return undefined;
    await timer.sleep(Math.min(left, hooks.lookAgainInMs?.() ?? Infinity));
  }
}
