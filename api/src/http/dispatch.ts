import { createHash, timingSafeEqual } from "node:crypto";
import type { HttpMethod, HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import type { z } from "zod";
import { ValidationError } from "../../../shared";
import { authorise, AuthError } from "./auth";
import type { Principal, Role } from "./auth";
import type { Deps } from "../deps";
import { StorageRefusedError, StorageUnavailableError } from "../store/errors";
import { corsHeaders } from "./cors";
import { ApiFailure, errorBody } from "./errors";

export type Access = { kind: "anonymous" } | { kind: "ingest-secret" } | { kind: "roles"; roles: readonly Role[] };

export interface Call {
  request: HttpRequest;
  context: InvocationContext;
  deps: Deps;
  /** Set on routes that need a signed-in user. */
  principal?: Principal;
}

export type Handler = (call: Call) => Promise<HttpResponseInit>;

/** One row of the route table: the Functions registrations and the local host both read it. */
export interface RouteSpec {
  name: string;
  methods: HttpMethod[];
  /** Functions route template below /api, e.g. "contributions/{id}/review". */
  route: string;
  access: Access;
  /** Function-key level in Azure; the Forms flow also sends the function key. */
  authLevel: "anonymous" | "function";
  handler: Handler;
  summary: string;
  /** For the OpenAPI description. */
  body?: z.ZodType;
  query?: z.ZodType;
  /** `contentType`: an answer that is not JSON (the cabinet report's HTML). */
  responses: Record<number, { description: string; schema?: z.ZodType; headers?: string[]; contentType?: "text/html" }>;
  /** Prepare storage before the handler runs; false for routes that answer without it or prepare it themselves. */
  usesStorage: boolean;
}

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest();

/** Constant-time comparison: both sides are hashed first so even their lengths are not compared. */
export function checkIngestSecret(given: string | null, expected: string): void {
  if (!given) throw new ApiFailure(401, "missing-ingest-secret", "Send the Forms flow's shared secret in the x-ingest-secret header.");
  if (!timingSafeEqual(sha256(given), sha256(expected))) throw new ApiFailure(401, "wrong-ingest-secret", "The x-ingest-secret header does not match the API's INGEST_SECRET.");
}

const STORAGE_DOWN =
  "The ledger's storage cannot be reached just now, so the request was not completed. Send it again in a minute: a repeated submission is recognised and never counted twice.";

function failure(e: unknown, context: InvocationContext): HttpResponseInit {
  if (e instanceof ApiFailure) return { status: e.status, jsonBody: errorBody(e.code, e.message, e.details), headers: e.headers };
  if (e instanceof AuthError) {
    const headers: Record<string, string> = e.status === 401 ? { "www-authenticate": `Bearer error="${e.code === "missing-token" ? "invalid_request" : "invalid_token"}"` } : {};
    return { status: e.status, jsonBody: errorBody(e.code, e.message), headers };
  }
  if (e instanceof StorageUnavailableError) {
    context.warn(`storage unavailable: ${e.message}`);
    return { status: 503, jsonBody: errorBody("storage-unavailable", STORAGE_DOWN), headers: { "retry-after": "30" } };
  }
  if (e instanceof ValidationError) return { status: 400, jsonBody: errorBody("invalid-request", e.message, e.problems) };
  if (e instanceof StorageRefusedError) return { status: 400, jsonBody: errorBody("refused-by-storage", `${e.message}. Nothing of it was kept; check its text fields for something very long.`) };
  context.error("unhandled error", e);
  return {
    status: 500,
    jsonBody: errorBody("internal-error", `Something went wrong on the server (invocation ${context.invocationId}); it has been logged.`),
  };
}

/** Who passed the route's access rule (undefined on routes that need no sign-in). */
export interface Admitted {
  principal: Principal | undefined;
}

/** The route's access rule, from the headers alone. */
async function admit(route: RouteSpec, deps: Deps, headers: Headers): Promise<Admitted> {
  if (route.access.kind === "ingest-secret") checkIngestSecret(headers.get("x-ingest-secret"), deps.settings.ingestSecret);
  if (route.access.kind === "roles") return { principal: await authorise(headers.get("authorization"), deps.auth, route.access.roles) };
  return { principal: undefined };
}

function finish(response: HttpResponseInit, requestHeaders: Headers, deps: Deps): HttpResponseInit {
  const headers = new Headers(response.headers as HeadersInit | undefined);
  for (const [k, v] of Object.entries(corsHeaders(requestHeaders.get("origin"), deps.settings.corsOrigins))) {
    if (!headers.has(k)) headers.set(k, v);
  }
  if (!headers.has("cache-control")) headers.set("cache-control", "no-store");
  return { ...response, headers: Object.fromEntries(headers) };
}

/**
 * The access check alone, for a host that has not read the body yet (the local host): it refuses a
 * missing or wrong secret or token before taking in megabytes from whoever asks.
 */
export async function admitEarly(route: RouteSpec, deps: Deps, headers: Headers, context: InvocationContext): Promise<{ admitted: Admitted } | { refused: HttpResponseInit }> {
  try {
    return { admitted: await admit(route, deps, headers) };
  } catch (e) {
    return { refused: finish(failure(e, context), headers, deps) };
  }
}

/**
 * Runs one request through access checks, the handler and error mapping, the same way on every
 * host. `admitted`: the host already ran the access check (admitEarly).
 */
export async function dispatch(route: RouteSpec, deps: Deps, request: HttpRequest, context: InvocationContext, admitted?: Admitted): Promise<HttpResponseInit> {
  let response: HttpResponseInit;
  try {
    const { principal } = admitted ?? (await admit(route, deps, request.headers));
    if (route.usesStorage) await deps.ready();
    response = await route.handler({ request, context, deps, principal });
  } catch (e) {
    response = failure(e, context);
  }
  return finish(response, request.headers, deps);
}
