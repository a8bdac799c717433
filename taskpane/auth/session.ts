import { API_SESSION_EVENT, API_SESSION_GLOBAL } from "../../shared";
import type { ApiSession } from "../../shared";

/** Where the session goes: the page's window, which the custom functions share in the shared runtime. */
export type SessionTarget = Pick<Window, "dispatchEvent">;

/**
 * Tells the custom functions who is signed in: the session stays on the window for functions that
 * load later, and the event reaches those already waiting. null means signed out.
 */
export function publishApiSession(session: ApiSession | null, target: SessionTarget = window): void {
  const slot = target as unknown as Record<string, unknown>;
  if (session) slot[API_SESSION_GLOBAL] = session;
  else delete slot[API_SESSION_GLOBAL];
  target.dispatchEvent(new CustomEvent<ApiSession | null>(API_SESSION_EVENT, { detail: session }));
}
