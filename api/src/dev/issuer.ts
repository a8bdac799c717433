import { promises as fs } from "node:fs";
import path from "node:path";
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, SignJWT } from "jose";
import type { JSONWebKeySet, JWK } from "jose";
import { DEV_AUDIENCE, DEV_ISSUER, DEV_TENANT_ID } from "../settings/settings";
import type { Role } from "../http/auth";

/**
 * The local dev issuer: an RSA key pair kept in `<dir>/issuer.json` (under .data/, git-ignored),
 * generated on first use. The API verifies its tokens with the same code as Entra's.
 */
interface IssuerFile {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

export interface DevIssuer {
  jwks: JSONWebKeySet;
  sign(claims: { roles: Role[]; email: string; name?: string; expiresInSeconds?: number }): Promise<string>;
}

async function readOrCreate(dir: string): Promise<IssuerFile> {
  const file = path.join(dir, "issuer.json");
  try {
    return JSON.parse(await fs.readFile(file, "utf8")) as IssuerFile;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  await fs.mkdir(dir, { recursive: true });
  const { publicKey, privateKey } = await generateKeyPair("RS256", { extractable: true, modulusLength: 2048 });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const issuer: IssuerFile = { kid, privateJwk: { ...(await exportJWK(privateKey)), kid, alg: "RS256" }, publicJwk: { ...publicJwk, kid, alg: "RS256", use: "sig" } };
  // Written aside then linked: if the API and dev-token start together, the first key pair wins and both use it.
  const temp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(temp, JSON.stringify(issuer, null, 2), { mode: 0o600 });
  try {
    await fs.link(temp, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  } finally {
    await fs.unlink(temp);
  }
  return JSON.parse(await fs.readFile(file, "utf8")) as IssuerFile;
}

export async function loadDevIssuer(dir: string): Promise<DevIssuer> {
  const issuer = await readOrCreate(dir);
  const key = await importJWK(issuer.privateJwk, "RS256");
  return {
    jwks: { keys: [issuer.publicJwk] },
    sign: ({ roles, email, name, expiresInSeconds = 8 * 3600 }) =>
      new SignJWT({ roles, preferred_username: email, name: name ?? email, tid: DEV_TENANT_ID, oid: `dev-${email}` })
        .setProtectedHeader({ alg: "RS256", kid: issuer.kid, typ: "JWT" })
        .setIssuer(DEV_ISSUER)
        .setAudience(DEV_AUDIENCE)
        .setSubject(`dev-${email}`)
        .setIssuedAt()
        .setExpirationTime(Math.floor(Date.now() / 1000) + expiresInSeconds)
        .sign(key),
  };
}
