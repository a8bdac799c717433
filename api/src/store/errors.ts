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
