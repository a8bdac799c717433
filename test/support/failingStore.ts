import type { LedgerStore } from "../../api/src/store/ports";

/** The store methods that write; each can be made to fail. */
export type StoreWrite = "storeRaw" | "addToQuarantine" | "createContribution" | "updateContribution" | "addAuditEntries";

/**
 * A store at the port the use cases see: every call goes to `real` (Azurite) except the chosen
 * write, which throws `error` the next time it is called, once. Tests see what a use case leaves
 * behind when storage refuses a write after its first one.
 */
export interface FailingStore {
  store: LedgerStore;
  failNext(write: StoreWrite, error: Error): void;
  /** Calls of each write so far, failed ones included. */
  calls: Map<StoreWrite, number>;
}

const WRITES: ReadonlySet<string> = new Set<StoreWrite>(["storeRaw", "addToQuarantine", "createContribution", "updateContribution", "addAuditEntries"]);

export function failingStore(real: LedgerStore): FailingStore {
  const planned = new Map<StoreWrite, Error>();
  const calls = new Map<StoreWrite, number>();
  const store = new Proxy(real, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      const write = property as StoreWrite;
      return (...args: unknown[]) => {
        if (WRITES.has(String(property))) {
          calls.set(write, (calls.get(write) ?? 0) + 1);
          const error = planned.get(write);
          if (error) {
            planned.delete(write);
            return Promise.reject(error);
          }
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store, calls, failNext: (write, error) => planned.set(write, error) };
}
