import { ApiClient, createApiClient } from "./apiClient";
import { AccountManager, AccountManagerOptions } from "./auth/AccountManager";
import { readConfig, withPageParameters } from "./config";

/** What the pane talks to: the account manager and the API client that takes its tokens. */
export interface Services {
  accounts: AccountManager;
  api: ApiClient;
}

export function createServices(options: AccountManagerOptions & { timeoutMs?: number }): Services {
  const accounts = new AccountManager(options);
  const api = createApiClient({
    baseUrl: options.config.apiBaseUrl,
    // The task pane asks after a click, so Entra may show its sign-in window if it must.
    getAccessToken: () => accounts.getAccessToken({ interactive: true }),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    onSignInRefused: (problem) => accounts.signInRefused(problem.message),
  });
  return { accounts, api };
}

let defaults: Services | undefined;

/** The page's services from the build's configuration (and, signing in locally, the page's address), made on first use. */
export function defaultServices(): Services {
  defaults ??= createServices({ config: withPageParameters(readConfig(), window.location.search), redirectUri: `${window.location.origin}${window.location.pathname}` });
  return defaults;
}
