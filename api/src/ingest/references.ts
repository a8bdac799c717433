import { createHash, randomBytes } from "node:crypto";

/** Crockford base32 without I, L, O, U: what a supplier can read out and type back. */
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

function encode40(bytes: Uint8Array): string {
  let n = 0n;
  for (const b of bytes.subarray(0, 5)) n = (n << 8n) | BigInt(b);
  let out = "";
  for (let i = 0; i < 8; i++) {
    out = ALPHABET[Number(n & 31n)] + out;
    n >>= 5n;
  }
  return `SV-${out}`;
}

/**
 * The reference for a form response: derived from formId + responseId, so every repeat of the
 * response (Power Automate retries, 20 parallel posts) claims the same reference. `attempt` moves
 * to the next candidate in the rare case another response already holds this one.
 */
export function formReference(formId: string, responseId: string, attempt: number): string {
  return encode40(createHash("sha256").update(`${formId}\n${responseId}\n${attempt}`).digest());
}

/** A fresh random reference, for contributions an officer records by hand. */
export function randomReference(): string {
  return encode40(randomBytes(5));
}

/** How many candidates a form response tries before giving up (each clash is a 1-in-10^12 event). */
export const REFERENCE_ATTEMPTS = 8;
