import { RestError } from "@azure/data-tables";
import type { TableClient, TableEntityResult } from "@azure/data-tables";

/** Helpers for reading and writing entities, shared by every table adapter. */

export type Entity = TableEntityResult<Record<string, unknown>>;

/** Runs a storage call so that a network failure surfaces as StorageUnavailableError (see Tables in tables.ts). */
export type Io = <T>(operation: () => Promise<T>) => Promise<T>;

/** The HTTP status of a storage refusal; undefined for anything else. */
export const statusOf = (e: unknown) => (e instanceof RestError ? e.statusCode : undefined);

export const str = (v: unknown) => (typeof v === "string" ? v : undefined);

/** Optional properties left out: the SDK would otherwise store `undefined` as a null-typed property. */
export const withoutUndefined = <T extends Record<string, unknown>>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** A point read, of the `select`ed properties only when given; undefined when there is no such entity. */
export async function readEntity(table: TableClient, partitionKey: string, rowKey: string, select?: string[]): Promise<Entity | undefined> {
  try {
    return await table.getEntity<Record<string, unknown>>(partitionKey, rowKey, select ? { queryOptions: { select } } : undefined);
  } catch (e) {
    if (statusOf(e) === 404) return undefined;
    throw e;
  }
}
