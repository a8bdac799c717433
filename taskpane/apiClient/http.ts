import type { z } from "zod";
import { ApiErrorSchema, Problem, describeProblem, parseJson, problemsFromZod } from "../../shared";

/** The parts of a fetch Response the client reads, so tests can answer with small fakes. */
export interface ResponseLike {
  status: number;
  statusText: string;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}

export type FetchLike = (url: string, init: RequestInit) => Promise<ResponseLike>;

/**
 * network: nothing answered. timeout: nothing answered in time. sign-in: no token, or the API
 * refused it (401). forbidden: the token lacks the role (403). http: any other refusal.
 * invalid-request: refused before sending. invalid-response: an answer this add-in cannot read.
 */
export type ProblemKind = "network" | "timeout" | "sign-in" | "forbidden" | "http" | "invalid-request" | "invalid-response";

/** Everything that can go wrong talking to the API, said so an officer can act on it. */
export class ApiProblem extends Error {
  override readonly name = "ApiProblem";

  constructor(
    readonly kind: ProblemKind,
    message: string,
    readonly code: string,
    readonly status?: number,
    readonly details: Problem[] = [],
  ) {
    super(message);
  }
}

export const DEFAULT_TIMEOUT_MS = 20_000;

export interface SendOptions {
  fetch: FetchLike;
  baseUrl: string;
  method: "GET" | "POST" | "PUT" | "PATCH";
  /** Below the base URL, without a leading slash, e.g. "contributions/SV-7K3Q9M2D". */
  path: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  token?: string;
  headers?: Record<string, string>;
  timeoutMs: number;
  /** The caller's cancellation (a panel closing, a newer load); its abort is passed on unchanged. */
  signal?: AbortSignal;
  /** "html": a 2xx answer is an HTML page (the cabinet report), kept as text; refusals are still JSON. */
  expect?: "json" | "html";
}

export interface Answer {
  status: number;
  headers: { get(name: string): string | null };
  /** The parsed JSON body, or undefined when the body was empty; the page's text when HTML was expected. */
  body: unknown;
}

function urlOf(options: SendOptions): string {
  const params = Object.entries(options.query ?? {}).filter((e): e is [string, string] => e[1] !== undefined);
  const search = params.length > 0 ? `?${new URLSearchParams(params).toString()}` : "";
  return `${options.baseUrl}/${options.path}${search}`;
}

function isLocal(baseUrl: string): boolean {
  return /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:|\/|$)/.test(baseUrl);
}

function notAnswered(baseUrl: string): string {
  const local = isLocal(baseUrl) ? " If you run the API on this computer, check it is started (npm start)." : "";
  return `The Social Value Ledger API did not answer at ${baseUrl}. Check your connection, then Retry.${local}`;
}

/** The API's own words for a refusal, or a plain description when the body is not an API error. */
function refusal(status: number, statusText: string, body: unknown): { code: string; message: string; details: Problem[] } {
  const parsed = ApiErrorSchema.safeParse(body);
  if (parsed.success) {
    const { code, message, details } = parsed.data.error;
    return { code, message, details: details ?? [] };
  }
  return { code: `http-${status}`, message: `The API answered ${status}${statusText ? ` ${statusText}` : ""} without saying why.`, details: [] };
}

function problemFor(status: number, statusText: string, body: unknown, baseUrl: string): ApiProblem {
  const { code, message, details } = refusal(status, statusText, body);
  if (status === 401) return new ApiProblem("sign-in", `Your sign-in was not accepted: ${message} Sign in again, then Retry.`, code, status, details);
  if (status === 403) return new ApiProblem("forbidden", message, code, status, details);
  if (status >= 500) {
    return new ApiProblem("http", `The Social Value Ledger API at ${baseUrl} could not complete the request (${status}): ${message} Retry in a minute.`, code, status, details);
  }
  return new ApiProblem("http", message, code, status, details);
}

/**
 * One request to the API with a time limit. Resolves with any 2xx answer; every other outcome is an
 * ApiProblem, except the caller's own abort, which is rethrown as it came.
 */
export async function send(options: SendOptions): Promise<Answer> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  const passOn = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener("abort", passOn);
  if (options.signal?.aborted) passOn();

  const html = options.expect === "html";
  const headers: Record<string, string> = { accept: html ? "text/html, application/json" : "application/json", ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers["content-type"] = "application/json";

  try {
    let response: ResponseLike;
    let text: string;
    try {
      response = await options.fetch(urlOf(options), {
        method: options.method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: controller.signal,
      });
      text = await response.text();
    } catch (err) {
      if (err instanceof ApiProblem) throw err;
      if (timedOut) {
        const seconds = Math.max(1, Math.round(options.timeoutMs / 1000));
        throw new ApiProblem(
          "timeout",
          `The Social Value Ledger API at ${options.baseUrl} did not answer within ${seconds} ${seconds === 1 ? "second" : "seconds"}. Check your connection, then Retry.`,
          "timeout",
        );
      }
      if (options.signal?.aborted) throw err;
      throw new ApiProblem("network", notAnswered(options.baseUrl), "network");
    }

    const ok = response.status >= 200 && response.status < 300;
    if (html && ok) {
      if (!/^text\/html\b/i.test(response.headers.get("content-type") ?? "")) {
        throw new ApiProblem("invalid-response", `The API's answer to ${options.method} /${options.path} is not an HTML page. Check SVL_API_BASE_URL points at the API (…/api).`, "not-html", response.status);
      }
      return { status: response.status, headers: response.headers, body: text };
    }
    let body: unknown;
    if (text.trim() !== "") {
      const parsed = parseJson(text);
      if (!parsed.ok && ok) {
        throw new ApiProblem("invalid-response", `The API's answer to ${options.method} /${options.path} is not JSON. Check SVL_API_BASE_URL points at the API (…/api).`, "not-json", response.status);
      }
      body = parsed.ok ? parsed.value : undefined;
    }
    if (!ok) throw problemFor(response.status, response.statusText, body, options.baseUrl);
    return { status: response.status, headers: response.headers, body };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", passOn);
  }
}

/** Checks an answer against its shared schema; a mismatch names every field that differs. */
export function validate<S extends z.ZodType>(schema: S, body: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const details = problemsFromZod(parsed.error.issues);
  const first = details.slice(0, 3).map(describeProblem).join("; ");
  const more = details.length > 3 ? ` and ${details.length - 3} more` : "";
  throw new ApiProblem(
    "invalid-response",
    `The API's answer to ${what} is not what this add-in expects (${first}${more}). The add-in and the API may be different versions: reload the add-in, and if this persists tell your administrator.`,
    "unexpected-answer",
    undefined,
    details,
  );
}
