/** @jest-environment jsdom */
import { BrowserAuthError, InteractionRequiredAuthError } from "@azure/msal-browser";
import type { AccountInfo, AuthenticationResult, Configuration } from "@azure/msal-browser";
import { API_SESSION_EVENT, API_SESSION_GLOBAL } from "../../shared";
import type { ApiSession } from "../../shared";
import { AccountManager, NestablePca, SignInError, SignInRequiredError } from "../../taskpane/auth/AccountManager";
import type { TaskPaneConfig } from "../../taskpane/config";
import { FakeApi, fakeToken } from "./support/fakeApi";

const ENTRA: TaskPaneConfig = {
  apiBaseUrl: "https://svl-api.example/api",
  authMode: "entra",
  clientId: "add-in-client-id",
  apiScope: "api://api-client-id/access_as_user",
  tenantId: "council-tenant",
};
const SCOPES = ["api://api-client-id/access_as_user"];

const ACCOUNT: AccountInfo = {
  homeAccountId: "oid.tid",
  environment: "login.microsoftonline.com",
  tenantId: "council-tenant",
  username: "sam.patel@council.example",
  localAccountId: "oid",
  name: "Sam Patel",
};

function result(roles: ("Officer" | "Manager")[], token = fakeToken(roles)): AuthenticationResult {
  return { accessToken: token, account: ACCOUNT, expiresOn: new Date(Date.now() + 3600_000) } as AuthenticationResult;
}

const interactionRequired = () => new InteractionRequiredAuthError("interaction_required", "correlation-1", "AADSTS50058: sign in needed");

/** A PublicClientApplication stand-in whose answers each test scripts. */
function fakePca(answers: Partial<Record<"acquireTokenSilent" | "ssoSilent" | "acquireTokenPopup", () => Promise<AuthenticationResult>>>) {
  let active: AccountInfo | null = null;
  const fail = (name: string) => () => Promise.reject(new Error(`${name} was not expected`));
  const pca = {
    acquireTokenSilent: jest.fn(answers.acquireTokenSilent ?? fail("acquireTokenSilent")),
    ssoSilent: jest.fn(answers.ssoSilent ?? fail("ssoSilent")),
    acquireTokenPopup: jest.fn(answers.acquireTokenPopup ?? fail("acquireTokenPopup")),
    getActiveAccount: jest.fn(() => active),
    setActiveAccount: jest.fn((account: AccountInfo | null) => {
      active = account;
    }),
  };
  return pca satisfies NestablePca;
}

/** Sessions the custom functions would have seen, in order (null = signed out). */
function watchSessions(): (ApiSession | null)[] {
  const seen: (ApiSession | null)[] = [];
  window.addEventListener(API_SESSION_EVENT, (e) => seen.push((e as CustomEvent<ApiSession | null>).detail));
  return seen;
}

const published = () => (window as unknown as Record<string, ApiSession | undefined>)[API_SESSION_GLOBAL];

afterEach(() => {
  delete (window as unknown as Record<string, unknown>)[API_SESSION_GLOBAL];
});

describe("Entra (nested app authentication)", () => {
  function entra(pca: NestablePca) {
    const createPca = jest.fn(async (_config: Configuration) => pca);
    return { manager: new AccountManager({ config: ENTRA, createPca, redirectUri: "https://addin.example/taskpane.html" }), createPca };
  }

  test("on start, with no account yet, ssoSilent signs the officer in without a window and the functions get the session", async () => {
    const sessions = watchSessions();
    const pca = fakePca({ ssoSilent: async () => result(["Officer"]), acquireTokenSilent: async () => result(["Officer"], "second-token") });
    const { manager, createPca } = entra(pca);
    expect(manager.getState()).toEqual({ status: "starting" });

    await manager.start();

    expect(createPca).toHaveBeenCalledWith({
      auth: { clientId: "add-in-client-id", authority: "https://login.microsoftonline.com/council-tenant", redirectUri: "https://addin.example/taskpane.html" },
    });
    expect(pca.ssoSilent).toHaveBeenCalledWith({ scopes: SCOPES });
    expect(pca.acquireTokenPopup).not.toHaveBeenCalled();
    expect(manager.getState()).toEqual({ status: "signed-in", user: { name: "Sam Patel", email: "sam.patel@council.example", roles: ["Officer"] } });
    expect(pca.setActiveAccount).toHaveBeenCalledWith(ACCOUNT);

    // The functions' session: same API, silent tokens with the active account.
    expect(sessions).toHaveLength(1);
    const session = published();
    expect(session).toBe(sessions[0]);
    expect(session?.apiBaseUrl).toBe("https://svl-api.example/api");
    await expect(session?.getAccessToken()).resolves.toBe("second-token");
    expect(pca.acquireTokenSilent).toHaveBeenCalledWith({ scopes: SCOPES, account: ACCOUNT });
  });

  test("when Entra needs the officer, start stays signed out quietly; Sign in tries silently, then opens the popup", async () => {
    const pca = fakePca({
      ssoSilent: () => Promise.reject(interactionRequired()),
      acquireTokenPopup: async () => result(["Officer", "Manager"]),
    });
    const { manager } = entra(pca);
    await manager.start();
    expect(manager.getState()).toEqual({ status: "signed-out" });
    expect(pca.acquireTokenPopup).not.toHaveBeenCalled();

    const user = await manager.signIn();
    expect(pca.ssoSilent).toHaveBeenCalledTimes(2);
    expect(pca.acquireTokenPopup).toHaveBeenCalledWith({ scopes: SCOPES });
    expect(user.roles).toEqual(["Officer", "Manager"]);
    expect(manager.getState().status).toBe("signed-in");
  });

  test("a silent failure that is not 'interaction required' is reported, and no popup hides it", async () => {
    const pca = fakePca({ ssoSilent: () => Promise.reject(new BrowserAuthError("no_network_connectivity", "correlation-1")) });
    const { manager } = entra(pca);
    await manager.start();
    const state = manager.getState();
    expect(state.status).toBe("signed-out");
    expect(state.status === "signed-out" && state.reason).toBe("Microsoft sign-in could not reach the network. Check your connection, then choose Sign in again.");
    await expect(manager.signIn()).rejects.toThrow(SignInError);
    expect(pca.acquireTokenPopup).not.toHaveBeenCalled();
  });

  test("a token for the pane may open the popup; a token for the custom functions never does", async () => {
    const afterPopup = fakeToken(["Officer"], "sam.patel@council.example", "Sam Patel", 7200);
    const pca = fakePca({ ssoSilent: async () => result(["Officer"]), acquireTokenPopup: async () => result(["Officer"], afterPopup) });
    const { manager } = entra(pca);
    await manager.start();
    pca.acquireTokenSilent.mockImplementation(() => Promise.reject(interactionRequired()));

    await expect(published()?.getAccessToken()).rejects.toThrow(SignInRequiredError);
    await expect(published()?.getAccessToken()).rejects.toThrow("Sign in again from the Social Value Ledger task pane.");
    expect(pca.acquireTokenPopup).not.toHaveBeenCalled();

    await expect(manager.getAccessToken({ interactive: true })).resolves.toBe(afterPopup);
    expect(pca.acquireTokenPopup).toHaveBeenCalledWith({ scopes: SCOPES, account: ACCOUNT });
  });

  test("a cancelled or blocked popup is said plainly", async () => {
    const pca = fakePca({ ssoSilent: () => Promise.reject(interactionRequired()), acquireTokenPopup: () => Promise.reject(new BrowserAuthError("user_cancelled", "correlation-1")) });
    const { manager } = entra(pca);
    await expect(manager.signIn()).rejects.toThrow("Sign-in was cancelled. Choose Sign in to try again.");
    pca.acquireTokenPopup.mockImplementation(() => Promise.reject(new BrowserAuthError("popup_window_error", "correlation-1")));
    await expect(manager.signIn()).rejects.toThrow("Allow pop-ups for this add-in");
    expect(manager.getState().status).not.toBe("signed-in");
  });

  test("without a tenant the authority serves any organisation; without a client id sign-in explains the build", async () => {
    const pca = fakePca({ ssoSilent: async () => result(["Officer"]) });
    const createPca = jest.fn(async () => pca);
    await new AccountManager({ config: { ...ENTRA, tenantId: undefined }, createPca }).start();
    expect(createPca).toHaveBeenCalledWith({ auth: { clientId: "add-in-client-id", authority: "https://login.microsoftonline.com/organizations" } });

    const broken = new AccountManager({ config: { ...ENTRA, clientId: undefined }, createPca });
    await broken.start();
    const state = broken.getState();
    expect(state.status === "signed-out" && state.reason).toBe("The add-in was built without SVL_CLIENT_ID, so it cannot sign in with Entra.");
  });
});

describe("local sign-in (the API's dev issuer)", () => {
  test("POST /dev/token with the chosen role and email; the token's roles decide what the pane offers", async () => {
    const api = new FakeApi();
    const sessions = watchSessions();
    const manager = new AccountManager({ config: { apiBaseUrl: api.baseUrl, authMode: "local" }, fetch: api.fetch });
    expect(manager.getState()).toEqual({ status: "signed-out" });

    const user = await manager.signInLocal({ role: "Manager", email: " alex.reid@council.example ", name: "Alex Reid" });

    expect(api.requestsTo("POST", "dev/token").map((r) => r.body)).toEqual([{ role: "Manager", email: "alex.reid@council.example", name: "Alex Reid" }]);
    expect(user).toEqual({ name: "Alex Reid", email: "alex.reid@council.example", roles: ["Manager"] });
    expect(sessions).toHaveLength(1);
    const token = await published()?.getAccessToken();
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.sig$/);
    await expect(manager.getAccessToken({ interactive: true })).resolves.toBe(token);
  });

  test("sign-out withdraws the session from the custom functions", async () => {
    const api = new FakeApi();
    const sessions = watchSessions();
    const manager = new AccountManager({ config: { apiBaseUrl: api.baseUrl, authMode: "local" }, fetch: api.fetch });
    await manager.signInLocal({ role: "Officer", email: "sam.patel@council.example" });
    const session = published();
    manager.signOut();
    expect(sessions).toEqual([session, null]);
    expect(API_SESSION_GLOBAL in window).toBe(false);
    await expect(session?.getAccessToken()).rejects.toThrow("Not signed in. Sign in from the Social Value Ledger task pane.");
  });

  test("an expired local token asks for a new sign-in and withdraws the session", async () => {
    const api = new FakeApi();
    let now = Date.now();
    const sessions = watchSessions();
    const manager = new AccountManager({ config: { apiBaseUrl: api.baseUrl, authMode: "local" }, fetch: api.fetch, now: () => now });
    await manager.signInLocal({ role: "Officer", email: "sam.patel@council.example" });
    now += 8 * 3600_000;
    await expect(manager.getAccessToken({ interactive: false })).rejects.toThrow("Your local sign-in has expired.");
    expect(manager.getState()).toEqual({ status: "signed-out", reason: "Your local sign-in has expired." });
    expect(sessions.at(-1)).toBeNull();
  });

  test("an API without the dev issuer, or no API at all, is explained", async () => {
    const api = new FakeApi();
    api.devIssuer = false;
    const manager = new AccountManager({ config: { apiBaseUrl: api.baseUrl, authMode: "local" }, fetch: api.fetch });
    await expect(manager.signInLocal({ role: "Officer", email: "sam@council.example" })).rejects.toThrow(
      "The API at http://localhost:7071/api does not offer local sign-in: it does so only when it runs on this computer with its dev issuer (npm start).",
    );

    const offline = new AccountManager({ config: { apiBaseUrl: api.baseUrl, authMode: "local" }, fetch: () => Promise.reject(new TypeError("Failed to fetch")) });
    await expect(offline.signInLocal({ role: "Officer", email: "sam@council.example" })).rejects.toThrow(
      "The Social Value Ledger API did not answer at http://localhost:7071/api. Check your connection, then Retry.",
    );
    expect(offline.getState().status).toBe("signed-out");
  });

  test("when the API refuses the token (401) the pane is signed out with the reason", async () => {
    const api = new FakeApi();
    const manager = new AccountManager({ config: { apiBaseUrl: api.baseUrl, authMode: "local" }, fetch: api.fetch });
    await manager.signInLocal({ role: "Officer", email: "sam.patel@council.example" });
    manager.signInRefused("Your sign-in was not accepted: the token has expired; sign in again.");
    expect(manager.getState()).toEqual({ status: "signed-out", reason: "Your sign-in was not accepted: the token has expired; sign in again." });
    expect(published()).toBeUndefined();
  });
});
