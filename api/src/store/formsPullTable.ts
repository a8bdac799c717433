import type { TableClient } from "@azure/data-tables";
import { readEntity, str } from "./entities";
import type { Io } from "./entities";
import type { FormsPullStore, PullWatermark } from "./formsPullPort";

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
