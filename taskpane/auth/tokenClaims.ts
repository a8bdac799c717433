import { z } from "zod";

/** The API's app roles (api/src/auth.ts): what the pane may offer, never what it may do; the API decides. */
export const ROLES = ["Officer", "Manager"] as const;
export type Role = (typeof ROLES)[number];

export interface TokenClaims {
  roles: Role[];
  name?: string;
  email?: string;
}

const PayloadSchema = z.object({
  roles: z.array(z.unknown()).optional(),
  name: z.unknown().optional(),
  preferred_username: z.unknown().optional(),
  email: z.unknown().optional(),
  upn: z.unknown().optional(),
});

function base64UrlToText(segment: string): string {
  const base64 = segment.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(segment.length / 4) * 4, "=");
  const binary = atob(base64);
  // atob gives one char per byte; percent-encoding the bytes lets decodeURIComponent read them as UTF-8.
  return decodeURIComponent(Array.from(binary, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, "0")}`).join(""));
}

const text = (v: unknown) => (typeof v === "string" && v.length > 0 ? v : undefined);

/**
 * Reads the claims of an access token for the API (a JWT) so the pane can greet the person and
 * show Manager-only buttons. The signature is the API's business; nothing here is trusted for access.
 */
export function readTokenClaims(token: string): TokenClaims {
  const payload = token.split(".")[1];
  if (!payload) throw new Error("The access token is not a JWT (it has no payload part).");
  let json: unknown;
  try {
    json = JSON.parse(base64UrlToText(payload));
  } catch (err) {
    throw new Error(`The access token's payload cannot be read: ${err instanceof Error ? err.message : String(err)}`);
  }
  const parsed = PayloadSchema.safeParse(json);
  if (!parsed.success) throw new Error("The access token's payload is not a JSON object of claims.");
  const claims = parsed.data;
  const roles = ROLES.filter((r) => claims.roles?.includes(r));
  const name = text(claims.name);
  const email = text(claims.preferred_username) ?? text(claims.email) ?? text(claims.upn);
  return {
    roles,
    ...(name ? { name } : {}),
    ...(email ? { email } : {}),
  };
}
