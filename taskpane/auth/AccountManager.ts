import type { AccountInfo, AuthenticationResult, Configuration, IPublicClientApplication } from "@azure/msal-browser";
import type { ApiSession } from "../../shared";
import { FetchLike, browserFetch } from "../apiClient";
import type { TaskPaneConfig } from "../config";
import { requestLocalToken } from "./localSignIn";
import type { LocalSignIn } from "./localSignIn";
import { SessionTarget, publishApiSession } from "./session";
import { SignInError } from "./signInError";
import { Role, readTokenClaims } from "./tokenClaims";

export type { LocalSignIn } from "./localSignIn";
export { SignInError } from "./signInError";
export type { Role } from "./tokenClaims";

/**
 * Signs the officer in and hands out tokens for the API, to the task pane and (through the
 * published ApiSession) to the custom functions. Two ways in:
 * - entra: MSAL nested app authentication, as in OfficeDev's Office-Add-in-samples NAA samples:
 *   silent first (acquireTokenSilent with the active account, else ssoSilent), then a popup only
 *   when Entra says interaction is required;
 * - local: the API's dev issuer, which mints a token for chosen roles and an email (localSignIn.ts).
 * The local branches test `process.env.SVL_AUTH_MODE !== "entra"` first: DefinePlugin writes the
 * build's mode in, so an Entra build drops them (and the local sign-in code) altogether.
 */

export interface SignedInUser {
  name: string;
  email: string;
  roles: Role[];
}

export type AccountState =
  | { status: "starting" }
  | { status: "signed-out"; reason?: string }
  | { status: "signed-in"; user: SignedInUser };

/** Thrown for a token when nobody is signed in or the sign-in lapsed; the message says what to do. */
export class SignInRequiredError extends Error {
  override readonly name = "SignInRequiredError";
}

/** The part of MSAL's PublicClientApplication the account manager uses. */
export type NestablePca = Pick<IPublicClientApplication, "acquireTokenSilent" | "ssoSilent" | "acquireTokenPopup" | "getActiveAccount" | "setActiveAccount">;

export interface AccountManagerOptions {
  config: TaskPaneConfig;
  /** Makes the MSAL application; tests pass a fake. Called once, after Office.onReady. */
  createPca?: (configuration: Configuration) => Promise<NestablePca>;
  fetch?: FetchLike;
  now?: () => number;
  /** Where the session is published for the custom functions (the window). */
  sessionTarget?: SessionTarget;
  /** The page MSAL's browser flow returns to (the add-in's taskpane.html, registered in Entra). */
  redirectUri?: string;
}

/** A local token is not used in its last minute, so a request never arrives with an expired one. */
const EXPIRY_MARGIN_MS = 60_000;

export const SIGN_IN_AGAIN = "Sign in again from the Social Value Ledger task pane.";

/**
 * MSAL is loaded only when Entra sign-in is used (it is a quarter of the page's script), so its
 * errors are recognised by the names and codes MSAL gives them rather than by class.
 */
function isInteractionRequired(err: unknown): boolean {
  return err instanceof Error && err.name === "InteractionRequiredAuthError";
}

function msalErrorCode(err: unknown): unknown {
  return typeof err === "object" && err !== null ? (err as { errorCode?: unknown }).errorCode : undefined;
}

async function createPublicClientApplication(configuration: Configuration): Promise<NestablePca> {
  const msal = await import(/* webpackChunkName: "msal" */ "@azure/msal-browser");
  return msal.createNestablePublicClientApplication(configuration);
}

function describeMsalError(err: unknown): SignInError {
  const code = msalErrorCode(err);
  if (code === "user_cancelled") return new SignInError("Sign-in was cancelled. Choose Sign in to try again.");
  if (code === "no_network_connectivity" || code === "network_error" || code === "timed_out") {
    return new SignInError("Microsoft sign-in could not reach the network. Check your connection, then choose Sign in again.");
  }
  if (code === "popup_window_error" || code === "empty_window_error") {
    return new SignInError("The Microsoft sign-in window could not open. Allow pop-ups for this add-in, then choose Sign in again.");
  }
  const detail = err instanceof Error ? err.message : String(err);
  return new SignInError(`Microsoft sign-in did not finish: ${detail}`);
}

export class AccountManager {
  readonly mode: TaskPaneConfig["authMode"];
  readonly apiBaseUrl: string;
  private state: AccountState;
  private readonly listeners = new Set<() => void>();
  private pca: NestablePca | undefined;
  private account: AccountInfo | undefined;
  private localToken: { token: string; expiresAt: number } | undefined;
  private readonly now: () => number;
  private readonly fetch: FetchLike | undefined;

  constructor(private readonly options: AccountManagerOptions) {
    this.mode = options.config.authMode;
    this.apiBaseUrl = options.config.apiBaseUrl;
    this.now = options.now ?? Date.now;
    this.fetch = options.fetch;
    this.state = this.mode === "entra" ? { status: "starting" } : { status: "signed-out" };
  }

  getState = (): AccountState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private setState(next: AccountState): void {
    const wasSignedIn = this.state.status === "signed-in";
    this.state = next;
    if (next.status === "signed-in") publishApiSession(this.apiSession(), this.options.sessionTarget);
    else if (wasSignedIn) publishApiSession(null, this.options.sessionTarget);
    for (const listener of this.listeners) listener();
  }

  /** The session the custom functions use: silent tokens only, since a recalculation must never open a window. */
  private apiSession(): ApiSession {
    return { apiBaseUrl: this.apiBaseUrl, getAccessToken: () => this.getAccessToken({ interactive: false }) };
  }

  private scopes(): string[] {
    const scope = this.options.config.apiScope;
    if (!scope) throw new SignInError("The add-in was built without SVL_API_SCOPE, so it cannot ask Entra for a token for the API.");
    return [scope];
  }

  private msalConfiguration(): Configuration {
    const { clientId, tenantId } = this.options.config;
    if (!clientId) throw new SignInError("The add-in was built without SVL_CLIENT_ID, so it cannot sign in with Entra.");
    return {
      auth: {
        clientId,
        // The add-in is registered for one organisation; "organizations" serves a multi-tenant registration.
        authority: `https://login.microsoftonline.com/${tenantId ?? "organizations"}`,
        ...(this.options.redirectUri ? { redirectUri: this.options.redirectUri } : {}),
      },
    };
  }

  private async pcaReady(): Promise<NestablePca> {
    if (!this.pca) {
      const create = this.options.createPca ?? createPublicClientApplication;
      this.pca = await create(this.msalConfiguration());
    }
    return this.pca;
  }

  /**
   * Call once Office.onReady has resolved. Entra: tries to sign in without any window (Office
   * usually knows the officer already); if Entra needs the officer, the pane shows Sign in.
   */
  async start(): Promise<void> {
    if (this.mode !== "entra") return;
    try {
      const pca = await this.pcaReady();
      this.accept(await this.silent(pca));
    } catch (err) {
      if (isInteractionRequired(err)) this.setState({ status: "signed-out" });
      else this.setState({ status: "signed-out", reason: (err instanceof SignInError ? err : describeMsalError(err)).message });
    }
  }

  private silent(pca: NestablePca): Promise<AuthenticationResult> {
    const account = this.account ?? pca.getActiveAccount() ?? undefined;
    const scopes = this.scopes();
    return account ? pca.acquireTokenSilent({ scopes, account }) : pca.ssoSilent({ scopes });
  }

  private accept(result: AuthenticationResult): void {
    const claims = readTokenClaims(result.accessToken);
    if (result.account) {
      this.account = result.account;
      this.pca?.setActiveAccount(result.account);
    }
    const email = result.account?.username || claims.email || "";
    this.setState({ status: "signed-in", user: { name: result.account?.name || claims.name || email, email, roles: claims.roles } });
  }

  /** Entra sign-in from a button: silent first, then Microsoft's sign-in window if Entra asks for the officer. */
  async signIn(): Promise<SignedInUser> {
    if (this.mode !== "entra") throw new SignInError("This add-in signs in locally: choose a role and an email, then Sign in.");
    let pca: NestablePca;
    let result: AuthenticationResult;
    try {
      pca = await this.pcaReady();
    } catch (err) {
      throw err instanceof SignInError ? err : describeMsalError(err);
    }
    try {
      result = await this.silent(pca);
    } catch (err) {
      if (!isInteractionRequired(err)) throw describeMsalError(err);
      try {
        result = await pca.acquireTokenPopup({ scopes: this.scopes(), ...(this.account ? { account: this.account } : {}) });
      } catch (popupError) {
        throw describeMsalError(popupError);
      }
    }
    this.accept(result);
    return this.signedInUser();
  }

  /** Local sign-in against the API's dev issuer. */
  async signInLocal(input: LocalSignIn): Promise<SignedInUser> {
    if (process.env.SVL_AUTH_MODE !== "entra" && this.mode === "local") {
      const { accessToken, expiresAt } = await requestLocalToken(this.fetch ?? browserFetch, this.apiBaseUrl, input);
      const claims = readTokenClaims(accessToken);
      this.localToken = { token: accessToken, expiresAt };
      const email = claims.email ?? input.email.trim();
      this.setState({ status: "signed-in", user: { name: claims.name ?? input.name?.trim() ?? email, email, roles: claims.roles } });
      return this.signedInUser();
    }
    throw new SignInError("This add-in signs in with your Microsoft 365 account; local sign-in is for a locally run API.");
  }

  private signedInUser(): SignedInUser {
    if (this.state.status !== "signed-in") throw new SignInRequiredError("Sign in to Social Value Ledger first.");
    return this.state.user;
  }

  /** Forgets the sign-in in this pane (Office stays signed in to Microsoft 365). */
  signOut(): void {
    this.localToken = undefined;
    this.account = undefined;
    this.pca?.setActiveAccount(null);
    this.setState({ status: "signed-out" });
  }

  /** The API refused the token (401): whatever the pane shows, the next step is a new sign-in. */
  signInRefused(message: string): void {
    this.localToken = undefined;
    if (this.state.status === "signed-in") this.setState({ status: "signed-out", reason: message });
  }

  /**
   * A token for the API. `interactive` lets Entra open its sign-in window when it must (the task
   * pane, after a click); the custom functions ask without it and get SignInRequiredError instead.
   */
  async getAccessToken({ interactive }: { interactive: boolean }): Promise<string> {
    if (this.state.status !== "signed-in") throw new SignInRequiredError("Not signed in. Sign in from the Social Value Ledger task pane.");
    if (process.env.SVL_AUTH_MODE !== "entra" && this.mode === "local") {
      if (!this.localToken || this.now() >= this.localToken.expiresAt - EXPIRY_MARGIN_MS) {
        this.localToken = undefined;
        this.setState({ status: "signed-out", reason: "Your local sign-in has expired." });
        throw new SignInRequiredError(`Your local sign-in has expired. ${SIGN_IN_AGAIN}`);
      }
      return this.localToken.token;
    }
    const pca = await this.pcaReady();
    try {
      const result = await this.silent(pca);
      return result.accessToken;
    } catch (err) {
      if (!isInteractionRequired(err)) throw describeMsalError(err);
      if (!interactive) throw new SignInRequiredError(`Microsoft 365 needs you to sign in again. ${SIGN_IN_AGAIN}`);
    }
    try {
      const result = await pca.acquireTokenPopup({ scopes: this.scopes(), ...(this.account ? { account: this.account } : {}) });
      this.accept(result);
      return result.accessToken;
    } catch (popupError) {
      throw describeMsalError(popupError);
    }
  }
}
