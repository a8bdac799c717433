import { ClientSecretCredential, ManagedIdentityCredential } from "@azure/identity";
import type { TokenCredential } from "@azure/identity";
import { AuthenticationHandler, Client, GraphClientError, TelemetryHandler } from "@microsoft/microsoft-graph-client";
import type { AuthenticationProvider, Context, Middleware } from "@microsoft/microsoft-graph-client";
import { TokenCredentialAuthenticationProvider } from "@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials";
import type { GraphCredentialSettings } from "../settings/graph";
import { GRAPH_SCOPE, PUBLIC_GRAPH_BASE_URL } from "./endpoint";

/**
 * A request that never got an HTTP answer: refused, reset, cut off mid-answer or timed out.
 * It extends GraphClientError so the SDK passes it through unchanged (it rewraps other errors and loses their cause).
 */
export class GraphTransportError extends GraphClientError {
  constructor(
    /** ECONNRESET, UND_ERR_SOCKET, ECONNREFUSED, timeout… */
    readonly reason: string,
    /** False only when the request certainly never reached the server (connection refused). */
    readonly mayHaveReachedServer: boolean,
    cause: unknown,
  ) {
    super(`Graph request got no answer: ${reason}`);
    // The SDK's ES5-style base class resets the prototype to its own; put ours back so instanceof works.
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = "GraphTransportError";
    this.cause = cause;
  }
}

/** The innermost code of a network error, which fetch hides in `cause` chains. */
function networkReason(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (current.name === "TimeoutError") return "timeout";
    if (typeof code === "string") return code;
    if (!current.cause) return current.message || current.name;
    current = current.cause;
  }
  return String(current);
}

export function asTransportError(error: unknown): GraphTransportError {
  if (error instanceof GraphTransportError) return error;
  const reason = networkReason(error);
  return new GraphTransportError(reason, reason !== "ECONNREFUSED", error);
}

/**
 * The last link of the middleware chain: performs the fetch with a per-request timeout and,
 * when a base URL other than Graph's is configured (tests, a local fake), delivers the request
 * there. Re-targeting here rather than with the SDK's `baseUrl` keeps the Authorization header,
 * which the SDK only attaches to Graph hosts.
 */
export class GraphFetchHandler implements Middleware {
  private readonly target: URL | undefined;

  constructor(
    baseUrl: string,
    private readonly attemptTimeoutMs: number,
  ) {
    const url = new URL(baseUrl);
    this.target = url.href.replace(/\/+$/, "") === PUBLIC_GRAPH_BASE_URL ? undefined : url;
  }

  async execute(context: Context): Promise<void> {
    const requested = new URL(typeof context.request === "string" ? context.request : context.request.url);
    const url = this.target ? this.retarget(requested) : requested.href;
    const timeout = AbortSignal.timeout(this.attemptTimeoutMs);
    const given = context.options?.signal ?? undefined;
    const signal = given ? AbortSignal.any([given, timeout]) : timeout;
    try {
      context.response = await fetch(url, { ...(context.options as RequestInit), signal });
    } catch (error) {
      throw asTransportError(error);
    }
  }

  private retarget(requested: URL): string {
    const base = this.target as URL;
    const path = requested.pathname.replace(/^\/(v1\.0|beta)(?=\/|$)/, "");
    return `${base.origin}${base.pathname.replace(/\/+$/, "")}${path}${requested.search}`;
  }
}

export function credentialFor(settings: GraphCredentialSettings): TokenCredential {
  switch (settings.kind) {
    case "client-secret":
      return new ClientSecretCredential(settings.tenantId, settings.clientId, settings.clientSecret);
    case "managed-identity":
      return settings.clientId ? new ManagedIdentityCredential({ clientId: settings.clientId }) : new ManagedIdentityCredential();
  }
}

export function authProviderFor(credential: TokenCredential): AuthenticationProvider {
  return new TokenCredentialAuthenticationProvider(credential, { scopes: [GRAPH_SCOPE] });
}

export interface GraphClientOptions {
  authProvider: AuthenticationProvider;
  /** GRAPH_BASE_URL; requests go elsewhere only when it differs from Graph's own. */
  baseUrl?: string;
  attemptTimeoutMs: number;
}

/**
 * The one Graph client factory: auth → telemetry (client-request-id, SDK version) → fetch.
 * No RetryHandler or RedirectHandler: retries and their bound are owned by `withRetries`, and
 * Graph's mail and workbook endpoints do not redirect.
 */
export function createGraphClient(options: GraphClientOptions): Client {
  const auth = new AuthenticationHandler(options.authProvider);
  const telemetry = new TelemetryHandler();
  auth.setNext(telemetry);
  telemetry.setNext(new GraphFetchHandler(options.baseUrl ?? PUBLIC_GRAPH_BASE_URL, options.attemptTimeoutMs));
  return Client.initWithMiddleware({ middleware: auth });
}
