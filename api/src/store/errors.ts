/** Storage could not be reached (refused, reset, timed out or answered 5xx); the caller should try again later. */
export class StorageUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`Storage is unreachable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = "StorageUnavailableError";
  }
}

/** The entity changed since it was read (its ETag no longer matches). */
export class StaleEtagError extends Error {
  constructor(what: string) {
    super(`${what} changed since it was read`);
    this.name = "StaleEtagError";
  }
}

/**
 * Storage refused a write for what it holds (400, 413: a value or entity it will not store), so
 * sending the same again would be refused again. What the call had written before it is undone.
 */
export class StorageRefusedError extends Error {
  constructor(what: string, cause: unknown) {
    super(`Storage refused to keep ${what}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = "StorageRefusedError";
  }
}
