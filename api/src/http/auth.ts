import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify } from "jose";
import type { JSONWebKeySet, JWTPayload, JWTVerifyGetKey } from "jose";
import type { AuthSettings } from "../settings/settings";

export const ROLES = ["Officer", "Manager"] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling, from a verified token. */
export interface Principal {
  subject: string;
  /** Email or UPN, for audit trails and "recorded by". */
  email?: string;
  name?: string;
  roles: Role[];
}

export class AuthError extends Error {
  constructor(
    readonly status: 401 | 403,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "AuthError";
  }
}

export interface Authenticator {
  /** Verifies a bearer token (signature, issuer, audience, tenant, expiry) and reads its app roles. */
  verify(token: string): Promise<Principal>;
}

export interface VerifierConfig {
  keys: JWTVerifyGetKey;
  issuers: string[];
  audiences: string[];
  tenantId: string;
  clockToleranceSeconds: number;
}

/** Why a token was refused, in words a developer can act on; never echoes the token. */
function describe(e: unknown): string {
  if (e instanceof errors.JWTExpired) return "the token has expired; sign in again";
  if (e instanceof errors.JWTClaimValidationFailed) return `the token's "${e.claim}" claim is not accepted here (${e.reason})`;
  if (e instanceof errors.JWSSignatureVerificationFailed) return "the token's signature does not verify";
  if (e instanceof errors.JWKSNoMatchingKey) return "the token is signed with a key the API does not know";
  if (e instanceof errors.JOSEAlgNotAllowed) return "the token is signed with an algorithm the API does not accept";
  if (e instanceof errors.JWSInvalid || e instanceof errors.JWTInvalid) return "the token is malformed";
  if (e instanceof errors.JWKSTimeout || e instanceof errors.JWKSInvalid) return "the signing keys could not be fetched; try again shortly";
  return "the token could not be verified";
}

/**
 * One verification path for Entra and for the local dev issuer: only where the keys come from
 * differs (Entra's JWKS endpoint, or the dev issuer's JWKS on disk).
 */
export function createVerifier(config: VerifierConfig): Authenticator {
  return {
    async verify(token: string): Promise<Principal> {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, config.keys, {
          issuer: config.issuers,
          audience: config.audiences,
          clockTolerance: config.clockToleranceSeconds,
          algorithms: ["RS256"],
          requiredClaims: ["exp", "tid"],
        }));
      } catch (e) {
        throw new AuthError(401, "invalid-token", `Not signed in: ${describe(e)}.`);
      }
      if (payload.tid !== config.tenantId) throw new AuthError(401, "invalid-token", "Not signed in: the token comes from another tenant.");
      const claimed = Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === "string") : [];
      const text = (v: unknown) => (typeof v === "string" && v.length > 0 ? v : undefined);
      return {
        subject: text(payload.oid) ?? text(payload.sub) ?? "unknown",
        email: text(payload.preferred_username) ?? text(payload.email) ?? text(payload.upn),
        name: text(payload.name),
        roles: ROLES.filter((r) => claimed.includes(r)),
      };
    },
  };
}

export function verifierFor(settings: AuthSettings, devJwks?: JSONWebKeySet): Authenticator {
  const common = {
    issuers: settings.issuers,
    audiences: settings.audiences,
    tenantId: settings.tenantId,
    clockToleranceSeconds: settings.clockToleranceSeconds,
  };
  if (settings.kind === "entra") {
    // jose caches the key set and refetches on an unknown kid (Entra rolls its keys), at most every 30 s.
    return createVerifier({ ...common, keys: createRemoteJWKSet(new URL(settings.jwksUrl), { cooldownDuration: 30_000, cacheMaxAge: 3_600_000 }) });
  }
  if (!devJwks) throw new Error("The dev issuer's public keys are needed when AUTH_MODE=dev");
  return createVerifier({ ...common, keys: createLocalJWKSet(devJwks) });
}

/** Reads `Authorization: Bearer …`, verifies it and checks the route's roles. */
export async function authorise(authorization: string | null, auth: Authenticator, allowed: readonly Role[]): Promise<Principal> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  if (!match?.[1]) throw new AuthError(401, "missing-token", "Not signed in: send an Entra ID access token as 'Authorization: Bearer <token>'.");
  const principal = await auth.verify(match[1]);
  if (!principal.roles.some((r) => allowed.includes(r))) {
    const has = principal.roles.length > 0 ? `your token has ${principal.roles.join(", ")}` : "your token has no app role";
    throw new AuthError(403, "forbidden", `This needs the ${allowed.join(" or ")} role; ${has}. Ask an administrator to assign it in Entra ID.`);
  }
  return principal;
}
