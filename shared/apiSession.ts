/**
 * In the shared runtime the task pane and the custom functions live in one page. The task pane's
 * account manager signs the officer in; it hands the custom functions a session this way, so one
 * sign-in serves both and neither imports the other.
 */
export interface ApiSession {
  /** e.g. http://localhost:7071/api or https://<app>.azurewebsites.net/api */
  apiBaseUrl: string;
  /** A token for the API's own scope; rejects when the officer must sign in again. */
  getAccessToken(): Promise<string>;
}

/**
 * Dispatched on `window` as a CustomEvent whose `detail` is the ApiSession, or null on sign-out.
 * The task pane also keeps the current session on `window[API_SESSION_GLOBAL]`, so functions loaded
 * after the sign-in find it.
 */
export const API_SESSION_EVENT = "svl:api-session-changed";
export const API_SESSION_GLOBAL = "__socialValueLedgerSession";
