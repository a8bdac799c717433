import type { TableClient } from "@azure/data-tables";
import { readEntity, str } from "../store/entities";
import type { Io } from "../store/entities";

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

const PARTITION = "watermark";

export class TableFormsPullStore implements FormsPullStore {
  constructor(
    private readonly table: TableClient,
    private readonly io: Io,
  ) {}

  getWatermark(sourceKey: string): Promise<PullWatermark | undefined> {
    return this.io(async () => {
      const e = await readEntity(this.table, PARTITION, sourceKey);
      if (!e) return undefined;
      const lastId = str(e.lastId);
      const table = str(e.table);
      return {
        nextRow: typeof e.nextRow === "number" ? e.nextRow : 0,
        ...(lastId !== undefined ? { lastId } : {}),
        ...(table !== undefined ? { table } : {}),
        updatedAt: str(e.updatedAt) ?? "",
      };
    });
  }

  putWatermark(sourceKey: string, watermark: PullWatermark): Promise<void> {
    return this.io(async () => {
      await this.table.upsertEntity({ partitionKey: PARTITION, rowKey: sourceKey, ...watermark }, "Replace");
    });
  }
}
