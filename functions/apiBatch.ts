import { API_SESSION_EVENT, API_SESSION_GLOBAL, ApiErrorSchema, MAX_VALUE_QUERIES, ValueQuerySchema, ValuesBatchResponseSchema, parseJson, plural } from "../shared";
import type { ApiSession, ValueAnswer, ValueQuery } from "../shared";

/*
 * The live =TOMS.* functions ask the API through POST /values/batch. Excel calls a function once
 * per cell, so the calls of one recalculation are collected for a short window and sent as one
 * request; every promise handed to Excel settles, whatever happens to the request, so a cell never
 * stays #BUSY!.
 */

export const SIGN_IN_MESSAGE = "Sign in from the task pane to see live figures.";
export const SIGN_IN_AGAIN_MESSAGE = "Sign in again from the task pane: the API no longer accepts your sign-in.";

/** The part of `fetch` used here, so tests can hand in a fake. */
export type Fetch = (url: string, init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal }) => Promise<{
  status: number;
  ok: boolean;
  text(): Promise<string>;
}>;

export interface LiveValuesOptions {
  /** The signed-in session, read at the moment a call is made. */
  session: () => ApiSession | undefined;
  fetch?: Fetch;
  /** How long one request may take, token included, before its cells show #N/A. */
  timeoutMs?: number;
  /** How long calls are collected after the first one before the batch goes. */
  batchWindowMs?: number;
  /** At most MAX_VALUE_QUERIES, the API's cap on queries per request. */
  maxQueriesPerRequest?: number;
}

export const DEFAULT_TIMEOUT_MS = 15_000;
export const DEFAULT_BATCH_WINDOW_MS = 50;

function notAvailable(message: string): CustomFunctions.Error {
  return new CustomFunctions.Error(CustomFunctions.ErrorCode.notAvailable, message);
}

function invalidValue(message: string): CustomFunctions.Error {
  return new CustomFunctions.Error(CustomFunctions.ErrorCode.invalidValue, message);
}

/** The argument is wrong (#VALUE!); anything else the API could not give is not available (#N/A). */
function answerError(error: { code: string; message: string }): CustomFunctions.Error {
  return error.code === "unknown-contract" || error.code === "unknown-measure" ? invalidValue(error.message) : notAvailable(error.message);
}

function isApiSession(value: unknown): value is ApiSession {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Partial<ApiSession>;
  return typeof candidate.apiBaseUrl === "string" && candidate.apiBaseUrl !== "" && typeof candidate.getAccessToken === "function";
}

/**
 * The session the task pane handed over: the one on `window` when the functions load, then
 * whatever each API_SESSION_EVENT carries (null on sign-out). `onChange` hears each change.
 */
export function followApiSession(page: EventTarget, onChange: (session: ApiSession | undefined) => void = () => undefined): () => ApiSession | undefined {
  const initial: unknown = (page as unknown as Record<string, unknown>)[API_SESSION_GLOBAL];
  let current = isApiSession(initial) ? initial : undefined;
  page.addEventListener(API_SESSION_EVENT, (event) => {
    const detail: unknown = (event as CustomEvent<unknown>).detail;
    current = isApiSession(detail) ? detail : undefined;
    onChange(current);
  });
  return () => current;
}

interface Pending {
  query: ValueQuery;
  resolve(value: number): void;
  reject(error: unknown): void;
}

/** Why a whole request failed; every cell waiting on it is told this. */
class RequestFailure extends Error {
  constructor(
    message: string,
    readonly signInAgain = false,
  ) {
    super(message);
    this.name = "RequestFailure";
  }
}

export class LiveValues {
  private pending: Pending[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private refusedForSignIn = false;
  private readonly fetch: Fetch;
  private readonly timeoutMs: number;
  private readonly batchWindowMs: number;
  private readonly maxQueries: number;

  constructor(private readonly options: LiveValuesOptions) {
    // Resolved at call time and called unbound: browsers refuse `fetch` detached from `window`.
    this.fetch = options.fetch ?? ((url, init) => fetch(url, init));
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.batchWindowMs = options.batchWindowMs ?? DEFAULT_BATCH_WINDOW_MS;
    this.maxQueries = Math.min(options.maxQueriesPerRequest ?? MAX_VALUE_QUERIES, MAX_VALUE_QUERIES);
  }

  /**
   * True once if a cell was told to sign in since the last time this was asked: after a sign-in
   * those cells need a recalculation to ask again.
   */
  takeSignInRefusals(): boolean {
    const refused = this.refusedForSignIn;
    this.refusedForSignIn = false;
    return refused;
  }

  /** One cell's look-up. Rejects with a CustomFunctions.Error saying why when there is no answer. */
  ask(input: unknown): Promise<number> {
    const parsed = ValueQuerySchema.safeParse(input);
    // A bad argument fails its own cell here; sent along, it would make the API refuse the whole batch.
    if (!parsed.success) return Promise.reject(invalidValue(describeRefusedQuery(input, parsed.error.issues[0])));
    if (!this.options.session()) {
      this.refusedForSignIn = true;
      return Promise.reject(notAvailable(SIGN_IN_MESSAGE));
    }
    return new Promise<number>((resolve, reject) => {
      this.pending.push({ query: parsed.data, resolve, reject });
      this.timer ??= setTimeout(() => this.flush(), this.batchWindowMs);
    });
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    this.timer = undefined;
    const session = this.options.session();
    if (!session) {
      // Signed out while the calls were being collected.
      this.refusedForSignIn = true;
      for (const p of batch) p.reject(notAvailable(SIGN_IN_MESSAGE));
      return;
    }
    // Many cells often ask the same thing (a total repeated on several sheets): ask it once.
    const byKey = new Map<string, { query: ValueQuery; waiting: Pending[] }>();
    for (const p of batch) {
      const key = JSON.stringify(p.query);
      const entry = byKey.get(key);
      if (entry) entry.waiting.push(p);
      else byKey.set(key, { query: p.query, waiting: [p] });
    }
    const distinct = [...byKey.values()];
    for (let start = 0; start < distinct.length; start += this.maxQueries) {
      void this.send(session, distinct.slice(start, start + this.maxQueries));
    }
  }

  /** Never rejects: every waiting cell gets its answer or its error. */
  private async send(session: ApiSession, entries: { query: ValueQuery; waiting: Pending[] }[]): Promise<void> {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new RequestFailure(`The Social Value Ledger API did not answer within ${this.timeoutMs / 1000} s. Recalculate (Ctrl+Alt+F9) to try again.`));
      }, this.timeoutMs);
    });
    try {
      // The race settles the cells even if a fetch ignored the abort signal.
      const answers = await Promise.race([this.exchange(session, entries.map((e) => e.query), controller.signal), deadline]);
      answers.forEach((answer, i) => {
        for (const p of entries[i]?.waiting ?? []) {
          if (answer.ok) p.resolve(answer.value);
          else p.reject(answerError(answer.error));
        }
      });
    } catch (error) {
      if (error instanceof RequestFailure && error.signInAgain) this.refusedForSignIn = true;
      const message = error instanceof RequestFailure ? error.message : `The live look-up failed: ${error instanceof Error ? error.message : String(error)}`;
      for (const entry of entries) for (const p of entry.waiting) p.reject(notAvailable(message));
    } finally {
      clearTimeout(timer);
    }
  }

  private async exchange(session: ApiSession, queries: ValueQuery[], signal: AbortSignal): Promise<ValueAnswer[]> {
    let token: string;
    try {
      token = await session.getAccessToken();
    } catch (error) {
      throw new RequestFailure(`${SIGN_IN_AGAIN_MESSAGE} (${error instanceof Error ? error.message : String(error)})`, true);
    }
    let response: Awaited<ReturnType<Fetch>>;
    try {
      response = await this.fetch(`${session.apiBaseUrl.replace(/\/+$/, "")}/values/batch`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ queries }),
        signal,
      });
    } catch (error) {
      throw new RequestFailure(
        `Could not reach the Social Value Ledger API (${error instanceof Error ? error.message : String(error)}). Check the connection, then recalculate (Ctrl+Alt+F9).`,
      );
    }
    const text = await response.text();
    if (response.status === 401) throw new RequestFailure(SIGN_IN_AGAIN_MESSAGE, true);
    if (!response.ok) throw new RequestFailure(refusal(response.status, text));

    const body = parseJson(text);
    if (!body.ok) throw new RequestFailure(`The Social Value Ledger API answered with something that is not JSON (${text.slice(0, 80) || "an empty body"}).`);
    const parsed = ValuesBatchResponseSchema.safeParse(body.value);
    if (!parsed.success) throw new RequestFailure("The Social Value Ledger API's answer is not in the form the add-in expects; the add-in and the API may be different versions.");
    if (parsed.data.answers.length !== queries.length) {
      throw new RequestFailure(`The Social Value Ledger API answered ${plural(parsed.data.answers.length, "look-up")} of ${queries.length}; recalculate (Ctrl+Alt+F9) to try again.`);
    }
    return parsed.data.answers;
  }
}

/** Why a cell's arguments cannot be asked about, naming what was given. */
function describeRefusedQuery(input: unknown, issue: { path: PropertyKey[]; message: string } | undefined): string {
  const field = issue?.path[0];
  const given = typeof input === "object" && input !== null && typeof field === "string" ? (input as Record<string, unknown>)[field] : undefined;
  if (field === "contract") return `"${String(given)}" is not a contract reference: ${issue?.message ?? "it is not valid"}.`;
  if (field === "code") return `"${String(given)}" is not a measure code.`;
  return `The look-up is not valid: ${issue?.message ?? "unknown reason"}.`;
}

/** An API error body says what went wrong; without one, the status does. */
function refusal(status: number, text: string): string {
  const body = parseJson(text);
  const parsed = body.ok ? ApiErrorSchema.safeParse(body.value) : undefined;
  const detail = parsed?.success ? `: ${parsed.data.error.message.replace(/\.$/, "")}` : "";
  if (status === 403) return `The Social Value Ledger API refused the look-up (403)${detail || ": your account does not have the Officer role"}.`;
  if (status >= 500) return `The Social Value Ledger API failed (${status})${detail}. Recalculate (Ctrl+Alt+F9) to try again.`;
  return `The Social Value Ledger API refused the look-up (${status})${detail}.`;
}
