import { z } from "zod";
import { ApiProblem, DEFAULT_TIMEOUT_MS, FetchLike, send, validate } from "../apiClient";
import { SignInError } from "./signInError";
import type { Role } from "./tokenClaims";

/**
 * Local sign-in against the API's dev issuer (POST {api}/dev/token, served only by the local host).
 * Only reached from branches guarded by `process.env.SVL_AUTH_MODE !== "entra"`: in an Entra build
 * DefinePlugin writes the mode in, webpack drops those branches and with them this module's code,
 * so the council's bundle has no way to ask for a dev token (test/e2e/entraBundle.test.ts).
 */

export interface LocalSignIn {
  /** One role, or both: one person may review as Officer and run the chase as Manager. */
  role: Role | readonly Role[];
  email: string;
  name?: string;
}

/** A dev token for the chosen roles; refusals come back as SignInError in words the officer can act on. */
export async function requestLocalToken(fetch: FetchLike, apiBaseUrl: string, input: LocalSignIn): Promise<{ accessToken: string; expiresAt: number }> {
  // Made here rather than at the top of the module, so an Entra build keeps none of it.
  const devTokenSchema = z.object({ accessToken: z.string().min(1), expiresOn: z.iso.datetime({ offset: true }) });
  let body: unknown;
  try {
    const answer = await send({
      fetch,
      baseUrl: apiBaseUrl,
      method: "POST",
      path: "dev/token",
      body: { role: input.role, email: input.email.trim(), ...(input.name?.trim() ? { name: input.name.trim() } : {}) },
      timeoutMs: DEFAULT_TIMEOUT_MS,
    });
    body = answer.body;
  } catch (err) {
    if (err instanceof ApiProblem && err.status === 404) {
      throw new SignInError(
        `The API at ${apiBaseUrl} does not offer local sign-in: it does so only when it runs on this computer with its dev issuer (npm start). For the council's API, build the add-in with SVL_AUTH_MODE=entra.`,
      );
    }
    if (err instanceof ApiProblem) throw new SignInError(err.message);
    throw err;
  }
  const { accessToken, expiresOn } = validate(devTokenSchema, body, "POST /dev/token");
  return { accessToken, expiresAt: Date.parse(expiresOn) };
}
