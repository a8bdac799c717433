import { RestError } from "@azure/data-tables";
import type { TableClient } from "@azure/data-tables";

/**
 * Where the pull of one response workbook got to, in the `FormsPull` table (api/STORAGE.md):
 * PartitionKey `watermark`, RowKey a digest of form id + drive id + item id.
 */
export interface PullWatermark {
  /** The table row to read next (zero-based, header not counted). */
  nextRow: number;
  /** The ID column of the last row taken in, to check the rows have not moved since. */
  lastId?: string;
  /** The table the rows came from. */
  table?: string;
  updatedAt: string;
}

export interface FormsPullStore {
  getWatermark(sourceKey: string): Promise<PullWatermark | undefined>;
  putWatermark(sourceKey: string, watermark: PullWatermark): Promise<void>;
}

type Io = <T>(operation: () => Promise<T>) => Promise<T>;
const PARTITION = "watermark";

export class TableFormsPullStore implements FormsPullStore {
  constructor(
    private readonly table: TableClient,
    private readonly io: Io,
  ) {}

  getWatermark(sourceKey: string): Promise<PullWatermark | undefined> {
    return this.io(async () => {
      try {
        const e = await this.table.getEntity<Record<string, unknown>>(PARTITION, sourceKey);
        return {
          nextRow: typeof e.nextRow === "number" ? e.nextRow : 0,
          ...(typeof e.lastId === "string" ? { lastId: e.lastId } : {}),
          ...(typeof e.table === "string" ? { table: e.table } : {}),
          updatedAt: typeof e.updatedAt === "string" ? e.updatedAt : "",
        };
      } catch (e) {
        if (e instanceof RestError && e.statusCode === 404) return undefined;
        throw e;
      }
    });
  }

  putWatermark(sourceKey: string, watermark: PullWatermark): Promise<void> {
    return this.io(async () => {
      await this.table.upsertEntity({ partitionKey: PARTITION, rowKey: sourceKey, ...watermark }, "Replace");
    });
  }
}
