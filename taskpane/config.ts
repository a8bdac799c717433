import { isValidTimeZone } from "../shared";

/**
 * The task pane's settings, fixed when the add-in is built. webpack's DefinePlugin replaces each
 * `process.env.SVL_…` expression below with its value; in jest `process.env` is real. In a browser
 * bundle built without a definition `process` (or its `env`) does not exist, so reading it throws a
 * ReferenceError or TypeError: that, and only that, means "not set" and the default applies.
 */

export type AuthMode = "local" | "entra";

export interface TaskPaneConfig {
  /** e.g. http://localhost:7071/api; never ends with a slash. */
  apiBaseUrl: string;
  authMode: AuthMode;
  /** Entra mode only: the add-in's app registration (nested app authentication). */
  clientId?: string;
  /** Entra mode only: the API's own scope, api://<API client id>/access_as_user. */
  apiScope?: string;
  /** Entra mode: the tenant the add-in is registered in; "organizations" when unset. */
  tenantId?: string;
}

/** What the build may set; undefined means unset. */
export interface BuildValues {
  SVL_API_BASE_URL?: string;
  SVL_AUTH_MODE?: string;
  SVL_CLIENT_ID?: string;
  SVL_API_SCOPE?: string;
  SVL_TENANT_ID?: string;
  SVL_TIME_ZONE?: string;
}

/**
 * The local API. An Entra build has no default (DefinePlugin writes the mode in and the other
 * branch is dropped), so the council's bundle can never fall back to a local address.
 */
export const DEFAULT_API_BASE_URL = process.env.SVL_AUTH_MODE === "entra" ? undefined : "http://localhost:7071/api";

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

function defined(read: () => string | undefined): string | undefined {
  try {
    const value = read();
    return value === undefined || value.trim() === "" ? undefined : value.trim();
  } catch (err) {
    if (err instanceof ReferenceError || err instanceof TypeError) return undefined;
    throw err;
  }
}

/** The values the build defined. Each name is spelled out so DefinePlugin can find and replace it. */
export function buildValues(): BuildValues {
  return {
    SVL_API_BASE_URL: defined(() => process.env.SVL_API_BASE_URL),
    SVL_AUTH_MODE: defined(() => process.env.SVL_AUTH_MODE),
    SVL_CLIENT_ID: defined(() => process.env.SVL_CLIENT_ID),
    SVL_API_SCOPE: defined(() => process.env.SVL_API_SCOPE),
    SVL_TENANT_ID: defined(() => process.env.SVL_TENANT_ID),
    SVL_TIME_ZONE: defined(() => process.env.SVL_TIME_ZONE),
  };
}

/** The API's TIME_ZONE default. */
export const DEFAULT_TIME_ZONE = "Europe/London";

function timeZoneProblem(values: BuildValues): string | undefined {
  const zone = values.SVL_TIME_ZONE;
  return zone === undefined || isValidTimeZone(zone) ? undefined : `SVL_TIME_ZONE "${zone}" is not a time zone; give the API's TIME_ZONE, e.g. ${DEFAULT_TIME_ZONE}`;
}

/**
 * The organisation's time zone, one setting for the whole pane: what "today" and "overdue" mean
 * (as the API judges them, so SVL_TIME_ZONE must equal the API's TIME_ZONE) and the zone every
 * time is shown in, so a reminder sent at 00:30 in London is on the day the chase ran for.
 */
export function timeZoneOf(values: BuildValues): string {
  const problem = timeZoneProblem(values);
  if (problem) throw new ConfigError(`The add-in was built with a setting it cannot use: ${problem}. Rebuild it with it fixed.`);
  return values.SVL_TIME_ZONE ?? DEFAULT_TIME_ZONE;
}

export const ORGANISATION_TIME_ZONE = timeZoneOf(buildValues());

/** Checks the values and says which to fix; entra mode cannot work without the API's address, a client id and a scope. */
export function readConfig(values: BuildValues = buildValues()): TaskPaneConfig {
  const problems: string[] = [];
  const mode = values.SVL_AUTH_MODE ?? "local";
  if (mode !== "local" && mode !== "entra") problems.push(`SVL_AUTH_MODE "${mode}" must be "local" or "entra"`);
  if (mode === "entra") {
    if (!values.SVL_CLIENT_ID) problems.push("SVL_CLIENT_ID (the add-in's app registration client id) is needed for Entra sign-in");
    if (!values.SVL_API_SCOPE) problems.push("SVL_API_SCOPE (api://<API client id>/access_as_user) is needed for Entra sign-in");
    if (!values.SVL_API_BASE_URL) problems.push("SVL_API_BASE_URL (the council's API, e.g. https://<app>.azurewebsites.net/api) is needed for Entra sign-in");
  }

  const base = values.SVL_API_BASE_URL ?? (mode === "entra" ? undefined : DEFAULT_API_BASE_URL);
  let apiBaseUrl = base ?? "";
  if (base !== undefined) {
    try {
      const url = new URL(base);
      if (url.protocol !== "https:" && url.protocol !== "http:") problems.push(`SVL_API_BASE_URL "${base}" must start with https:// (or http:// for a local API)`);
      apiBaseUrl = base.replace(/\/+$/, "");
    } catch {
      problems.push(`SVL_API_BASE_URL "${base}" is not a URL; give the API's address ending in /api, e.g. https://<app>.azurewebsites.net/api`);
    }
  }
  const zone = timeZoneProblem(values);
  if (zone) problems.push(zone);
  if (problems.length > 0) throw new ConfigError(`The add-in was built with settings it cannot use: ${problems.join("; ")}. Rebuild it with them fixed.`);

  return {
    apiBaseUrl,
    authMode: mode as AuthMode,
    ...(values.SVL_CLIENT_ID ? { clientId: values.SVL_CLIENT_ID } : {}),
    ...(values.SVL_API_SCOPE ? { apiScope: values.SVL_API_SCOPE } : {}),
    ...(values.SVL_TENANT_ID ? { tenantId: values.SVL_TENANT_ID } : {}),
  };
}

/** The page parameter that points a local-mode pane at another API on this computer. */
export const API_BASE_URL_PARAMETER = "apiBaseUrl";

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * Local sign-in only: `taskpane.html?apiBaseUrl=http://127.0.0.1:7072/api` uses that API instead of
 * the built one, so a second local API (`npm run start:api -- --port 7072`) or the end-to-end tests
 * use the very bundle `npm run build` made. Only an API on this computer is accepted, and an Entra
 * build ignores the parameter: a link can never send a council officer's pane to another server.
 */
export function withPageParameters(config: TaskPaneConfig, search: string): TaskPaneConfig {
  // An Entra build drops the rest: its pane always calls the API it was built for.
  if (process.env.SVL_AUTH_MODE === "entra" || config.authMode !== "local") return config;
  const given = new URLSearchParams(search).get(API_BASE_URL_PARAMETER);
  if (given === null) return config;
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    throw new ConfigError(`The page's ${API_BASE_URL_PARAMETER} "${given}" is not a URL; give the local API's address ending in /api, e.g. ${DEFAULT_API_BASE_URL}.`);
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || !LOOPBACK.has(url.hostname) || url.search || url.hash || url.username || url.password) {
    throw new ConfigError(
      `The page's ${API_BASE_URL_PARAMETER} "${given}" must be an API on this computer (http://localhost, 127.0.0.1 or [::1]), with no query or credentials.`,
    );
  }
  return { ...config, apiBaseUrl: `${url.origin}${url.pathname}`.replace(/\/+$/, "") };
}
