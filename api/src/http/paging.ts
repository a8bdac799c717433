import { digest } from "../store/keys";
import { invalid } from "./errors";

/**
 * Continuation tokens handed to clients are opaque: the storage's own token wrapped with a digest
 * of the query it belongs to, so a token cannot be replayed against another query.
 */
export function wrapToken(storageToken: string | undefined, scope: string): string | undefined {
  if (storageToken === undefined) return undefined;
  return Buffer.from(JSON.stringify({ v: 1, s: digest(scope), t: storageToken })).toString("base64url");
}

export function unwrapToken(token: string | undefined, scope: string): string | undefined {
  if (token === undefined || token === "") return undefined;
  const refuse = (why: string) => invalid(`continuationToken ${why}; start again from the first page.`, [{ path: ["continuationToken"], message: why }]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    throw refuse("is not a token this API issued");
  }
  const { v, s, t } = (parsed ?? {}) as { v?: unknown; s?: unknown; t?: unknown };
  if (v !== 1 || typeof t !== "string") throw refuse("is not a token this API issued");
  if (s !== digest(scope)) throw refuse("belongs to a different query");
  try {
    // The storage token is itself base64 JSON naming the next partition and row; check its shape before using it.
    const inner = JSON.parse(Buffer.from(t, "base64").toString("utf8")) as { nextPartitionKey?: unknown; nextRowKey?: unknown };
    if (typeof inner.nextPartitionKey !== "string" || (inner.nextRowKey !== undefined && typeof inner.nextRowKey !== "string")) throw new Error("shape");
  } catch {
    throw refuse("is not a token this API issued");
  }
  return t;
}
