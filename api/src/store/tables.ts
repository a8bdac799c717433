import { RestError, TableClient } from "@azure/data-tables";
import type { TableEntity } from "@azure/data-tables";
import { tableClient } from "./connection";
import type { TableConnection } from "./connection";
import { readEntity, statusOf } from "./entities";
import type { Entity } from "./entities";
import { StorageUnavailableError } from "./errors";
import type { Page, PageRequest } from "./page";

/** Table names without the prefix; see api/STORAGE.md for what each holds and how it is keyed. */
export const TABLES = {
  inbox: "Inbox",
  quarantine: "Quarantine",
  packs: "Packs",
  contracts: "Contracts",
  commitments: "Commitments",
  contributions: "Contributions",
  refs: "ContributionRefs",
  due: "EvidenceDue",
  suppliers: "SupplierContributions",
  claims: "SupplierMeasureClaims",
  evidenceUses: "EvidenceUses",
  chaseLedger: "ChaseLedger",
  formsPull: "FormsPull",
  performance: "Performance",
  crosswalks: "Crosswalks",
  portfolio: "PortfolioTotals",
} as const;
export type TableName = keyof typeof TABLES;

/** Reads that check index entries, and batches of transactions, run this many at a time. */
export const VERIFY_CONCURRENCY = 32;

export interface TableStoreOptions {
  connection: TableConnection;
  tablePrefix: string;
  timeoutMs: number;
  /** Storage requests in flight at once, across all tables; more wait their turn (within timeoutMs). */
  maxConcurrentRequests: number;
  /** Told about index clean-ups that failed after the data itself was saved (they are retried on the next read). */
  warn: (message: string, error: unknown) => void;
}

const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "REQUEST_SEND_ERROR"]);

/** Refused, reset, timed out or a 5xx from the service: the request may work later. */
function isStorageUnavailable(e: unknown): boolean {
  if (e instanceof StorageUnavailableError) return true;
  if (!(e instanceof Error)) return false;
  if (e.name === "AbortError" || e.name === "TimeoutError") return true;
  const code = (e as { code?: unknown }).code;
  if (typeof code === "string" && NETWORK_CODES.has(code)) return true;
  if (e instanceof RestError) return e.statusCode === undefined || e.statusCode === 408 || e.statusCode >= 500;
  return false;
}

/** A counting semaphore; a waiter gives up when its deadline passes. */
class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(size: number) {
    this.free = size;
  }

  acquire(deadline: AbortSignal): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const grant = () => {
        deadline.removeEventListener("abort", giveUp);
        resolve();
      };
      const giveUp = () => {
        const i = this.waiting.indexOf(grant);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(deadline.reason);
      };
      deadline.addEventListener("abort", giveUp, { once: true });
      this.waiting.push(grant);
    });
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

/**
 * The tables of one ledger, with what every Table Storage adapter shares: one deadline and one
 * bounded queue per storage call, and failures of the network surfaced as StorageUnavailableError.
 */
export class Tables {
  readonly clients: Record<TableName, TableClient>;

  constructor(readonly options: TableStoreOptions) {
    const slots = new Slots(options.maxConcurrentRequests);
    const make = (name: string) => {
      const client = tableClient(options.connection, `${options.tablePrefix}${name}`, {
        // A few quick retries ride out a blip; past that the caller answers 503 and the sender retries.
        retryOptions: { maxRetries: 2, retryDelayInMs: 100, maxRetryDelayInMs: 800 },
      });
      // One deadline per storage call, retries included. AbortSignal.timeout's timer is unref'd, so a
      // refused connection leaves nothing behind that keeps the process alive.
      client.pipeline.addPolicy({
        name: "svlDeadline",
        sendRequest: async (request, next) => {
          const deadline = AbortSignal.timeout(options.timeoutMs);
          const caller = request.abortSignal;
          request.abortSignal = caller instanceof AbortSignal ? AbortSignal.any([caller, deadline]) : deadline;
          // A bounded number of requests in flight: storage (Azurite above all) answers more per second
          // with a short queue here than with every request on its own socket at once.
          await slots.acquire(deadline);
          try {
            return await next(request);
          } finally {
            slots.release();
          }
        },
      });
      return client;
    };
    this.clients = Object.fromEntries(Object.entries(TABLES).map(([k, name]) => [k, make(name)])) as Record<TableName, TableClient>;
  }

  /** Every storage call goes through here, so a network failure surfaces as one error type. */
  async io<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (e) {
      if (isStorageUnavailable(e)) throw new StorageUnavailableError(e);
      throw e;
    }
  }

  read(table: TableName, pk: string, rk: string, select?: string[]): Promise<Entity | undefined> {
    return readEntity(this.clients[table], pk, rk, select);
  }

  /** Insert-if-absent: false when the key exists (409 EntityAlreadyExists). */
  async insert(table: TableName, entity: TableEntity): Promise<string | undefined> {
    try {
      return (await this.clients[table].createEntity(entity)).etag ?? "";
    } catch (e) {
      if (statusOf(e) === 409) return undefined;
      throw e;
    }
  }

  /**
   * An upsert for an entity that is new in the common case: an insert, and a replace only if it
   * exists (a retry). The same to Azure; Azurite looks an upsert's key up twice, an insert's once.
   */
  async insertOrReplace(table: TableName, entity: TableEntity): Promise<void> {
    if ((await this.insert(table, entity)) === undefined) await this.clients[table].upsertEntity(entity, "Replace");
  }

  async page<T>(table: TableName, filter: string, request: PageRequest, map: (e: Entity) => T, select?: string[]): Promise<Page<T>> {
    const pages = this.clients[table]
      .listEntities<Record<string, unknown>>({ queryOptions: { filter, select } })
      .byPage({ maxPageSize: request.pageSize, continuationToken: request.continuationToken });
    const first = await pages.next();
    if (first.done) return { items: [] };
    return { items: first.value.map(map), continuationToken: first.value.continuationToken };
  }

  async all(table: TableName, filter: string, select?: string[]): Promise<Entity[]> {
    const out: Entity[] = [];
    for await (const e of this.clients[table].listEntities<Record<string, unknown>>({ queryOptions: { filter, select } })) out.push(e);
    return out;
  }

  prepare(): Promise<void> {
    return this.io(async () => {
      await Promise.all(Object.values(this.clients).map((t) => t.createTable()));
    });
  }

  ping(): Promise<void> {
    return this.io(async () => {
      await this.read("refs", "ping", "ping");
    });
  }
}
