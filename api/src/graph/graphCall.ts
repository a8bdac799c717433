import { ResponseType } from "@microsoft/microsoft-graph-client";
import type { Client } from "@microsoft/microsoft-graph-client";
import { asTransportError, GraphTransportError } from "./graphClient";
import { parseRetryAfter, withRetries } from "./retry";
import type { AttemptOutcome, RetryHooks, RetryPolicy, RetryResult, Timer } from "./retry";

export interface GraphCall {
  method: "GET" | "POST";
  /** A path under the API version (`/users/x/sendMail`), or a full Graph address such as an `@odata.nextLink`. */
  path: string;
  /** An object is sent as JSON; a string as it is (with `contentType`). */
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface GraphAnswer {
  status: number;
  headers: Headers;
  /** Parsed JSON, or undefined for an empty answer such as sendMail's 202. */
  body: unknown;
  requestId: string | null;
  clientRequestId: string | null;
}

/** Graph answered with an error status; carries its error body's code and message as Graph wrote them. */
export class GraphRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly graphMessage: string,
    /** Nested `innerError` codes, outermost first (the workbook API nests up to three). */
    readonly innerCodes: string[],
    readonly requestId: string | null,
    readonly clientRequestId: string | null,
    readonly retryAfter: string | null,
  ) {
    super(`Graph answered ${status} ${code}: ${graphMessage}`);
    this.name = "GraphRequestError";
  }

  /** Every code in the error, lower-cased, for matching without caring about Graph's mixed casing. */
  codes(): string[] {
    return [this.code, ...this.innerCodes].map((c) => c.toLowerCase());
  }
}

/** Retries were exhausted; the last reason is kept. */
export class GraphGaveUpError extends Error {
  constructor(
    readonly reason: string,
    readonly attempts: number,
  ) {
    super(`Graph did not answer in time: ${reason}`);
    this.name = "GraphGaveUpError";
  }
}

interface GraphErrorBody {
  error?: { code?: unknown; message?: unknown; innerError?: Record<string, unknown>; innererror?: Record<string, unknown> };
}

function errorFromResponse(status: number, headers: Headers, text: string): GraphRequestError {
  let parsed: GraphErrorBody | undefined;
  try {
    parsed = text ? (JSON.parse(text) as GraphErrorBody) : undefined;
  } catch {
    parsed = undefined;
  }
  const error = parsed?.error;
  const innerCodes: string[] = [];
  let inner = error?.innerError ?? error?.innererror;
  let requestId = headers.get("request-id");
  let clientRequestId = headers.get("client-request-id");
  for (let depth = 0; inner && depth < 5; depth++) {
    if (typeof inner.code === "string") innerCodes.push(inner.code);
    if (typeof inner["request-id"] === "string") requestId ??= inner["request-id"];
    if (typeof inner["client-request-id"] === "string") clientRequestId ??= inner["client-request-id"];
    inner = (inner.innerError ?? inner.innererror) as Record<string, unknown> | undefined;
  }
  const code = typeof error?.code === "string" ? error.code : `HTTP${status}`;
  const message = typeof error?.message === "string" ? error.message : text.slice(0, 500) || `HTTP ${status} with no error body`;
  return new GraphRequestError(status, code, message, innerCodes, requestId, clientRequestId, headers.get("retry-after"));
}

async function readBody(response: Response): Promise<string> {
  try {
    return await response.text();
  } catch (error) {
    throw asTransportError(error);
  }
}

/** One request through the client's middleware, with no retry. Error statuses throw GraphRequestError. */
export async function callGraphOnce(client: Client, call: GraphCall): Promise<GraphAnswer> {
  let request = client.api(call.path).responseType(ResponseType.RAW);
  if (call.contentType) request = request.header("Content-Type", call.contentType);
  for (const [name, value] of Object.entries(call.headers ?? {})) request = request.header(name, value);
  const response = (call.method === "GET" ? await request.get() : await request.post(call.body ?? {})) as Response;
  const text = await readBody(response);
  if (!response.ok) throw errorFromResponse(response.status, response.headers, text);
  let body: unknown;
  if (text.trim() !== "") {
    try {
      body = JSON.parse(text);
    } catch (error) {
      throw new Error(`Graph answered ${response.status} to ${call.method} ${call.path} with a body that is not JSON`, { cause: error });
    }
  }
  return {
    status: response.status,
    headers: response.headers,
    body,
    requestId: response.headers.get("request-id"),
    clientRequestId: response.headers.get("client-request-id"),
  };
}

/** Codes the workbook API uses for passing trouble on 500/502 (docs/FORMS-AND-GRAPH.md §3.4). */
const TRANSIENT_SERVER_CODES = new Set(["generalexception", "serviceunavailable", "transientfailure", "badgateway", "gatewaytimeout"]);

/**
 * Sorts a failure into try-again or stop. `idempotent` says whether repeating the request is
 * harmless; when it is not (sendMail), a lost answer is marked ambiguous because the message may
 * have gone.
 */
export function judgeFailure(error: unknown, idempotent: boolean, nowMs: number): AttemptOutcome<never> {
  if (error instanceof GraphTransportError) {
    return { kind: "transient", reason: `no answer from Graph (${error.reason})`, ambiguous: !idempotent && error.mayHaveReachedServer };
  }
  if (error instanceof GraphRequestError) {
    const retryAfterMs = parseRetryAfter(error.retryAfter, nowMs);
    const transient =
      error.status === 429 ||
      error.status === 503 ||
      error.status === 504 ||
      ((error.status === 500 || error.status === 502) && error.codes().some((c) => TRANSIENT_SERVER_CODES.has(c)));
    if (!transient) return { kind: "permanent", error };
    return {
      kind: "transient",
      reason: `Graph answered ${error.status} ${error.code}`,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      // 429 and 503 say the request was not taken; a gateway timeout or server fault may hide one that was.
      ambiguous: !idempotent && error.status !== 429 && error.status !== 503,
    };
  }
  return { kind: "permanent", error: error instanceof Error ? error : new Error(String(error)) };
}

export interface GraphCallerOptions {
  retry: RetryPolicy;
  timer: Timer;
  random?: () => number;
}

/** The Graph client with the retry policy: what the mailer and the workbook reader call through. */
export class GraphCaller {
  readonly retry: RetryPolicy;
  readonly timer: Timer;
  private readonly random: () => number;

  constructor(
    readonly client: Client,
    options: GraphCallerOptions,
  ) {
    this.retry = options.retry;
    this.timer = options.timer;
    this.random = options.random ?? Math.random;
  }

  /** Retries passing trouble within the policy's bound; the result says how it ended. */
  attempt(call: GraphCall, idempotent: boolean, hooks: RetryHooks = {}): Promise<RetryResult<GraphAnswer>> {
    return withRetries(
      async () => {
        try {
          return { kind: "done", value: await callGraphOnce(this.client, call) };
        } catch (error) {
          return judgeFailure(error, idempotent, this.timer.now());
        }
      },
      this.retry,
      this.timer,
      this.random,
      hooks,
    );
  }

  /** As `attempt` for reads, but throws: GraphRequestError (Graph said no), GraphGaveUpError (bound reached) or the client's own error. */
  async request(call: GraphCall): Promise<GraphAnswer> {
    const result = await this.attempt(call, true);
    if (result.kind === "done") return result.value;
    if (result.kind === "permanent") throw result.error;
    throw new GraphGaveUpError(result.reason, result.attempts);
  }
}
