import { SettingsError } from "./errors";
import { PUBLIC_GRAPH_BASE_URL } from "../graph/endpoint";
import { DEFAULT_RETRY_POLICY } from "../graph/retry";
import type { RetryPolicy } from "../graph/retry";

export type GraphCredentialSettings =
  | { kind: "client-secret"; tenantId: string; clientId: string; clientSecret: string }
  /** `clientId` picks a user-assigned identity; without it the Function App's system-assigned one is used. */
  | { kind: "managed-identity"; clientId?: string };

export interface GraphSettings {
  baseUrl: string;
  /** null when Graph cannot be reached (the local default): mail goes to the outbox. */
  credential: GraphCredentialSettings | null;
  retry: RetryPolicy;
}

const SECRET_SETTINGS = ["GRAPH_TENANT_ID", "GRAPH_CLIENT_ID", "GRAPH_CLIENT_SECRET"] as const;
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** A whole number of seconds ≥ `min`, as milliseconds. */
function secondsSetting(env: NodeJS.ProcessEnv, name: string, fallbackMs: number, min: number, problems: string[]): number {
  const raw = env[name]?.trim();
  if (!raw) return fallbackMs;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) {
    problems.push(`${name} must be a whole number of seconds, at least ${min} (got "${raw}")`);
    return fallbackMs;
  }
  return n * 1000;
}

/** Collects problems instead of throwing, so the mail settings can report everything at once. */
export function readGraphSettings(env: NodeJS.ProcessEnv, problems: string[]): GraphSettings {
  const baseUrl = (env.GRAPH_BASE_URL?.trim() || PUBLIC_GRAPH_BASE_URL).replace(/\/+$/, "");
  let parsed: URL | undefined;
  try {
    parsed = new URL(baseUrl);
  } catch {
    problems.push(`GRAPH_BASE_URL "${baseUrl}" is not an address like ${PUBLIC_GRAPH_BASE_URL}`);
  }
  // The access token goes wherever this points, so plain http is only for a fake on this machine.
  if (parsed && parsed.protocol !== "https:" && !(parsed.protocol === "http:" && LOOPBACK.has(parsed.hostname))) {
    problems.push(`GRAPH_BASE_URL must use https (plain http only for a local fake on 127.0.0.1), not "${baseUrl}"`);
  }

  const given = SECRET_SETTINGS.filter((name) => env[name]?.trim());
  let credential: GraphCredentialSettings | null = null;
  if (given.length === SECRET_SETTINGS.length) {
    credential = {
      kind: "client-secret",
      tenantId: (env.GRAPH_TENANT_ID ?? "").trim(),
      clientId: (env.GRAPH_CLIENT_ID ?? "").trim(),
      clientSecret: (env.GRAPH_CLIENT_SECRET ?? "").trim(),
    };
  } else if (given.length > 0) {
    const missing = SECRET_SETTINGS.filter((name) => !given.includes(name));
    problems.push(`${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} missing: a client secret needs all of ${SECRET_SETTINGS.join(", ")}`);
  } else if (env.WEBSITE_INSTANCE_ID || env.IDENTITY_ENDPOINT) {
    // Running in Azure: the Function App's managed identity holds the Mail.Send permission.
    const clientId = env.GRAPH_MANAGED_IDENTITY_CLIENT_ID?.trim();
    credential = clientId ? { kind: "managed-identity", clientId } : { kind: "managed-identity" };
  }

  const retry: RetryPolicy = {
    ...DEFAULT_RETRY_POLICY,
    attemptTimeoutMs: secondsSetting(env, "GRAPH_REQUEST_TIMEOUT_SECONDS", DEFAULT_RETRY_POLICY.attemptTimeoutMs, 1, problems),
    giveUpAfterMs: secondsSetting(env, "GRAPH_GIVE_UP_AFTER_SECONDS", DEFAULT_RETRY_POLICY.giveUpAfterMs, 0, problems),
  };
  return { baseUrl, credential, retry };
}

export function loadGraphSettings(env: NodeJS.ProcessEnv): GraphSettings {
  const problems: string[] = [];
  const settings = readGraphSettings(env, problems);
  if (problems.length > 0) throw new SettingsError(problems);
  return settings;
}
