import { decodeJwt } from "jose";
import { z } from "zod";
import { ROLES } from "../http/auth";
import type { Role } from "../http/auth";
import type { Deps } from "../deps";
import { loadDevIssuer } from "./issuer";
import type { DevIssuer } from "./issuer";
import type { RouteSpec } from "../http/dispatch";
import { parseWith, readJson } from "../http/body";
import { json } from "../http/respond";

/**
 * POST /api/dev/token: local sign-in for the task pane. It mints a token with the dev issuer's key
 * (the one `npm run dev-token` uses), so it exists only where that issuer is trusted: the local
 * host adds it when AUTH_MODE=dev. It is not in the route table, so the Functions app (Azure)
 * never registers it, and settings refuse AUTH_MODE=dev in Azure anyway.
 */

const RoleSchema = z.enum(ROLES);

export const DevTokenRequestSchema = z
  .object({
    /** One role, or several (an officer who also runs the chase as a manager). */
    role: z.union([RoleSchema, z.array(RoleSchema).min(1, "choose at least one role")]),
    email: z.email("must be an email address, e.g. sam.patel@council.example").max(254),
    name: z.string().trim().min(1).max(200).optional(),
  })
  .strict();

/** As long as `npm run dev-token` mints by default: a working day. */
const LIFETIME_SECONDS = 8 * 3600;

export function devTokenRoute(deps: Pick<Deps, "settings">): RouteSpec | undefined {
  const auth = deps.settings.auth;
  if (auth.kind !== "dev") return undefined;
  let issuer: Promise<DevIssuer> | undefined;
  return {
    name: "devToken",
    methods: ["POST"],
    route: "dev/token",
    access: { kind: "anonymous" },
    authLevel: "anonymous",
    summary: "Local development only: a dev issuer token for a chosen role and email",
    body: DevTokenRequestSchema,
    responses: { 200: { description: "{accessToken, expiresOn}" }, 400: { description: "Invalid role or email" } },
    usesStorage: false,
    handler: async ({ request }) => {
      const body = parseWith(DevTokenRequestSchema, await readJson(request), "The sign-in");
      const roles: Role[] = [...new Set(Array.isArray(body.role) ? body.role : [body.role])];
      issuer ??= loadDevIssuer(auth.dir).catch((e: unknown) => {
        issuer = undefined;
        throw e;
      });
      const accessToken = await (await issuer).sign({ roles, email: body.email, name: body.name, expiresInSeconds: LIFETIME_SECONDS });
      const exp = decodeJwt(accessToken).exp;
      if (exp === undefined) throw new Error("The dev issuer minted a token without an expiry");
      return json(200, { accessToken, expiresOn: new Date(exp * 1000).toISOString() });
    },
  };
}
