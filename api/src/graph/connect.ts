import type { AuthenticationProvider } from "@microsoft/microsoft-graph-client";
import { GraphCaller } from "./graphCall";
import { authProviderFor, createGraphClient, credentialFor } from "./graphClient";
import type { GraphSettings } from "../settings/graph";
import { realTimer } from "./retry";
import type { Timer } from "./retry";

export interface GraphOverrides {
  /** Tests pass a fixed token; otherwise the credential from the settings is used. */
  authProvider?: AuthenticationProvider;
  timer?: Timer;
  random?: () => number;
}

/**
 * The Graph client with the retry policy, for the mailer and the workbook reader alike. Returns
 * undefined when no credential is configured (the local default), so callers choose their fallback.
 */
export function connectGraph(settings: GraphSettings, overrides: GraphOverrides = {}): GraphCaller | undefined {
  const authProvider = overrides.authProvider ?? (settings.credential ? authProviderFor(credentialFor(settings.credential)) : undefined);
  if (!authProvider) return undefined;
  const client = createGraphClient({ authProvider, baseUrl: settings.baseUrl, attemptTimeoutMs: settings.retry.attemptTimeoutMs });
  return new GraphCaller(client, { retry: settings.retry, timer: overrides.timer ?? realTimer, ...(overrides.random ? { random: overrides.random } : {}) });
}
