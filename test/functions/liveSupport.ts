import type { ApiSession, ValueAnswer, ValueQuery } from "../../shared";
import type { Fetch } from "../../functions/apiBatch";

/** One request as the fake API saw it. */
export interface SeenRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  queries: ValueQuery[];
  signal: AbortSignal;
}

type Reply = { status: number; body: string } | Promise<{ status: number; body: string }>;

/**
 * A fake `fetch` (not a mocked module): records each request and answers with `reply`, which by
 * default answers every query the way `answer` says.
 */
export function fakeFetch(reply: (request: SeenRequest) => Reply = (r) => ok(r.queries.map(answerFor))): { fetch: Fetch; requests: SeenRequest[] } {
  const requests: SeenRequest[] = [];
  const fetch: Fetch = async (url, init) => {
    const request: SeenRequest = { url, method: init.method, headers: init.headers, queries: (JSON.parse(init.body) as { queries: ValueQuery[] }).queries, signal: init.signal };
    requests.push(request);
    const { status, body } = await reply(request);
    return { status, ok: status >= 200 && status < 300, text: async () => body };
  };
  return { fetch, requests };
}

export const ok = (answers: ValueAnswer[]) => ({ status: 200, body: JSON.stringify({ answers }) });

/** Contract C-<n> has delivered £n and has n overdue items; the code adds 0.5 so answers show which query they belong to. */
export function answerFor(query: ValueQuery): ValueAnswer {
  const n = Number(/^C-(\d+)$/.exec(query.contract)?.[1]);
  if (!Number.isFinite(n)) return { ok: false, error: { code: "unknown-contract", message: `There is no contract ${query.contract}.` } };
  return { ok: true, value: query.kind === "overdue" ? n : n + (query.kind === "delivered" && query.code ? 0.5 : 0) };
}

export function session(token: () => Promise<string> = async () => "token-1"): ApiSession {
  return { apiBaseUrl: "https://api.example.gov.uk/api/", getAccessToken: token };
}

/** A promise that never settles: a request the network never answers. */
export const never = <T>() => new Promise<T>(() => undefined);
