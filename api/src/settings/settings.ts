import path from "node:path";
import { isValidTimeZone } from "../../../shared";
import { SettingsError } from "./errors";
import { readChaseSettings } from "./chase";
import type { ChaseSettings } from "./chase";
import { readFormsPullSettings } from "./formsPull";
import type { FormsPullSettings } from "./formsPull";
import { readMailSettings } from "./mail";
import { readPortfolioSettings } from "./portfolio";
import type { PortfolioSettings } from "./portfolio";
import type { MailSettings } from "./mail";

/** Values the local dev issuer signs with; only accepted when AUTH_MODE=dev. */
export const DEV_ISSUER = "https://dev-issuer.social-value-ledger.local/";
export const DEV_AUDIENCE = "api://social-value-ledger-dev";
export const DEV_TENANT_ID = "00000000-0000-4000-8000-000000000000";

export type AuthSettings =
  | {
      kind: "entra";
      tenantId: string;
      audiences: string[];
      issuers: string[];
      jwksUrl: string;
      clockToleranceSeconds: number;
    }
  | {
      kind: "dev";
      /** Folder holding the dev issuer's key pair (generated on first start). */
      dir: string;
      tenantId: string;
      audiences: string[];
      issuers: string[];
      clockToleranceSeconds: number;
    };

/**
 * Where the tables are. In Azure the account has shared keys disabled, so the API reaches it with
 * its endpoint and an Entra credential; locally (Azurite) and with a key it is a connection string.
 */
export type StorageSettings =
  | { kind: "connection-string"; connectionString: string }
  | {
      kind: "endpoint";
      /** https://<account>.table.core.windows.net, without a trailing slash. */
      endpoint: string;
      /** "managed-identity" in Azure (the Function App's identity); "default" elsewhere (e.g. a developer's az login). */
      credential: "managed-identity" | "default";
    };

export interface Settings {
  storage: StorageSettings;
  /** Prepended to every table name, so several ledgers (or test runs) can share one storage account. */
  tablePrefix: string;
  ingestSecret: string;
  timeZone: string;
  corsOrigins: string[];
  auth: AuthSettings;
  /** Longest a single storage request may take before the API answers 503. */
  storageTimeoutMs: number;
  /** Storage requests one instance keeps in flight at once. */
  storageConcurrency: number;
  /** Graph, the sending mailbox, pacing and the local outbox. */
  mail: MailSettings;
  chase: ChaseSettings;
  formsPull: FormsPullSettings;
  portfolio: PortfolioSettings;
}

const DEV_STORAGE = "UseDevelopmentStorage=true";
const DEV_INGEST_SECRET = "local-ingest-secret";

/** What App Service passes through, unchanged, when it cannot resolve a Key Vault reference. */
const KEY_VAULT_REFERENCE = /^\s*@Microsoft\.KeyVault\(/i;

/**
 * Settings whose value is a Key Vault reference the platform could not resolve. The literal text
 * would otherwise pass for a value (it is even longer than the 16 characters INGEST_SECRET needs).
 */
export function unresolvedKeyVaultReferences(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env)
    .filter(([, value]) => value !== undefined && KEY_VAULT_REFERENCE.test(value))
    .map(([name]) => name)
    .sort();
}

/** Reads the table endpoint: https only, the account's address and nothing else (no path, query or key). */
function tableEndpoint(text: string, problems: string[]): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    problems.push(`STORAGE_TABLE_ENDPOINT "${text}" is not an address like https://<account>.table.core.windows.net`);
    return "";
  }
  if (url.protocol !== "https:" || url.username || url.password || url.search || url.hash || url.pathname !== "/") {
    problems.push(`STORAGE_TABLE_ENDPOINT "${text}" must be the account's https address only, like https://<account>.table.core.windows.net (no path, query or key)`);
    return "";
  }
  return url.origin;
}

const list = (text: string | undefined) =>
  (text ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    problems.push(`${name} must be a whole number of ${name.endsWith("_MS") ? "milliseconds" : "seconds"} (got "${raw}")`);
    return fallback;
  }
  return n;
}

/**
 * The sign-in mode from AUTH_MODE ("dev" or "entra") or the add-in build's SVL_AUTH_MODE ("local"
 * or "entra"), so one name can set up both. Both set and disagreeing is refused: a deployment that
 * says entra in one of them must never run the dev issuer. Unset means entra.
 */
function authMode(env: NodeJS.ProcessEnv, problems: string[]): "dev" | "entra" {
  const api = env.AUTH_MODE?.trim().toLowerCase();
  const addin = env.SVL_AUTH_MODE?.trim().toLowerCase();
  const fromApi = api === undefined || api === "" ? undefined : api === "dev" ? "dev" : api === "entra" ? "entra" : null;
  const fromAddin = addin === undefined || addin === "" ? undefined : addin === "local" ? "dev" : addin === "entra" ? "entra" : null;
  if (fromApi === null) problems.push(`AUTH_MODE must be "entra" (production) or "dev" (local dev issuer), not "${env.AUTH_MODE}"`);
  if (fromAddin === null) problems.push(`SVL_AUTH_MODE must be "entra" (production) or "local" (local dev issuer), not "${env.SVL_AUTH_MODE}"`);
  if (fromApi === null || fromAddin === null) return "entra";
  if (fromApi && fromAddin && fromApi !== fromAddin) {
    problems.push(`AUTH_MODE "${env.AUTH_MODE}" and SVL_AUTH_MODE "${env.SVL_AUTH_MODE}" disagree: set one of them (SVL_AUTH_MODE=local is AUTH_MODE=dev)`);
    return "entra";
  }
  return fromApi ?? fromAddin ?? "entra";
}

/**
 * Reads the settings. AUTH_MODE=dev (or SVL_AUTH_MODE=local) is the local stack (dev issuer, Azurite, a known ingest
 * secret); anything else is production, where every secret and Entra setting must be given.
 */
export function loadSettings(givenEnv: NodeJS.ProcessEnv, cwd = process.cwd()): Settings {
  const problems: string[] = [];
  // Named here, whichever part of the app reads them, and then treated as missing.
  const unresolved = new Set(unresolvedKeyVaultReferences(givenEnv));
  for (const name of unresolved) {
    problems.push(
      `${name} is a Key Vault reference the platform could not resolve (its text starts "@Microsoft.KeyVault("): ` +
        "check that the secret exists and the app's identity has the Key Vault Secrets User role, then restart the app",
    );
  }
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(givenEnv).filter(([name]) => !unresolved.has(name)));
  /** A missing setting, unless it was already reported as an unresolved reference. */
  const missing = (name: string, message = `${name} is missing`) => {
    if (!unresolved.has(name)) problems.push(message);
  };
  const dev = authMode(env, problems) === "dev";
  if (dev && env.WEBSITE_INSTANCE_ID) {
    problems.push("AUTH_MODE=dev (SVL_AUTH_MODE=local) is refused when running in Azure (WEBSITE_INSTANCE_ID is set): it would accept locally minted tokens");
  }
  const required = (name: string, devDefault: string): string => {
    const value = env[name]?.trim();
    if (value) return value;
    if (dev) return devDefault;
    missing(name);
    return "";
  };

  const storageAccess = readStorageAccess(env, problems, { dev, unresolved });

  const ingestSecret = required("INGEST_SECRET", DEV_INGEST_SECRET);
  if (!dev && ingestSecret && ingestSecret.length < 16) problems.push("INGEST_SECRET must be at least 16 characters");

  const timeZone = env.TIME_ZONE?.trim() || "Europe/London";
  if (!isValidTimeZone(timeZone)) problems.push(`TIME_ZONE "${timeZone}" is not a time zone (e.g. Europe/London)`);

  const corsOrigins = env.CORS_ORIGINS !== undefined ? list(env.CORS_ORIGINS) : ["https://localhost:3000"];
  for (const origin of corsOrigins) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) problems.push(`CORS_ORIGINS entry "${origin}" is not an origin like https://addin.example.gov.uk`);
  }

  const clockToleranceSeconds = positiveInt(env, "AUTH_CLOCK_TOLERANCE_SECONDS", 60, problems);

  let auth: AuthSettings;
  if (dev) {
    auth = {
      kind: "dev",
      dir: path.resolve(cwd, env.AUTH_DEV_DIR?.trim() || path.join(".data", "dev-issuer")),
      tenantId: DEV_TENANT_ID,
      audiences: [DEV_AUDIENCE],
      issuers: [DEV_ISSUER],
      clockToleranceSeconds,
    };
  } else {
    const tenantId = env.AUTH_TENANT_ID?.trim() ?? "";
    if (!tenantId) missing("AUTH_TENANT_ID", "AUTH_TENANT_ID is missing (the Entra tenant id of the council)");
    const audiences = list(env.AUTH_AUDIENCE);
    if (audiences.length === 0) missing("AUTH_AUDIENCE", "AUTH_AUDIENCE is missing (the API's application id URI and/or client id, comma-separated)");
    const issuers = env.AUTH_ISSUER
      ? list(env.AUTH_ISSUER)
      : [`https://login.microsoftonline.com/${tenantId}/v2.0`, `https://sts.windows.net/${tenantId}/`];
    auth = {
      kind: "entra",
      tenantId,
      audiences,
      issuers,
      jwksUrl: env.AUTH_JWKS_URL?.trim() || `https://login.microsoftonline.com/${tenantId}/discovery/v2.0/keys`,
      clockToleranceSeconds,
    };
  }

  const mail = readMailSettings(env, problems, cwd);
  const chase = readChaseSettings(env, problems);
  const formsPull = readFormsPullSettings(env, problems);
  const portfolio = readPortfolioSettings(env, problems);

  if (problems.length > 0) throw new SettingsError(problems);
  return { ...storageAccess, ingestSecret, timeZone, corsOrigins, auth, mail, chase, formsPull, portfolio };
}

/** Where the tables are and how one process uses them: all a maintenance script needs of the settings. */
export type StorageAccessSettings = Pick<Settings, "storage" | "tablePrefix" | "storageTimeoutMs" | "storageConcurrency">;

/** `dev` allows no storage setting (Azurite); `unresolved` settings were already reported. */
function readStorageAccess(env: NodeJS.ProcessEnv, problems: string[], { dev, unresolved }: { dev: boolean; unresolved: ReadonlySet<string> }): StorageAccessSettings {
  // Exactly one way to storage is in effect: both set would leave it to chance which one is used.
  const endpointText = env.STORAGE_TABLE_ENDPOINT?.trim();
  const connectionText = env.STORAGE_CONNECTION_STRING?.trim();
  const inAzure = Boolean(env.WEBSITE_INSTANCE_ID || env.IDENTITY_ENDPOINT);
  let storage: StorageSettings = { kind: "connection-string", connectionString: connectionText || DEV_STORAGE };
  if (endpointText && connectionText) {
    problems.push("STORAGE_TABLE_ENDPOINT and STORAGE_CONNECTION_STRING are both set: set only one (the endpoint in Azure, used with the managed identity; a connection string for Azurite or an account key)");
  } else if (endpointText) {
    storage = { kind: "endpoint", endpoint: tableEndpoint(endpointText, problems), credential: inAzure ? "managed-identity" : "default" };
  } else if (!connectionText && !dev && !unresolved.has("STORAGE_TABLE_ENDPOINT") && !unresolved.has("STORAGE_CONNECTION_STRING")) {
    problems.push("STORAGE_TABLE_ENDPOINT is missing (in Azure, the table endpoint the managed identity uses; or STORAGE_CONNECTION_STRING for a connection string)");
  }

  const tablePrefix = env.TABLE_PREFIX?.trim() || "svl";
  if (!/^[A-Za-z][A-Za-z0-9]{0,29}$/.test(tablePrefix)) problems.push(`TABLE_PREFIX "${tablePrefix}" must be letters and digits, starting with a letter (at most 30)`);

  const storageTimeoutMs = positiveInt(env, "STORAGE_TIMEOUT_MS", 5000, problems);
  const storageConcurrency = Math.max(1, positiveInt(env, "STORAGE_CONCURRENCY", 8, problems));
  return { storage, tablePrefix, storageTimeoutMs, storageConcurrency };
}

/**
 * The storage settings alone, read as loadSettings reads them, for a script that opens the ledger
 * and nothing else (no ingest secret, no sign-in). Throws SettingsError naming each problem.
 */
export function loadStorageSettings(env: NodeJS.ProcessEnv): StorageAccessSettings {
  const problems: string[] = [];
  const settings = readStorageAccess(env, problems, { dev: false, unresolved: new Set() });
  if (problems.length > 0) throw new SettingsError(problems);
  return settings;
}
