/**
 * MSAL 5's browser flow (used when Office offers no nested app authentication, e.g. in a plain
 * browser) returns to the registered redirect page, taskpane.html, inside its popup. That page must
 * hand the response to the window that opened it instead of starting the add-in.
 */
export function isAuthResponse(location: Pick<Location, "hash" | "search">): boolean {
  const params = new URLSearchParams(location.hash.replace(/^#/, "") || location.search.replace(/^\?/, ""));
  return params.has("state") && (params.has("code") || params.has("error"));
}
