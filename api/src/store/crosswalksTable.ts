import { odata } from "@azure/data-tables";
import type { TableClient } from "@azure/data-tables";
import type { Crosswalk } from "../../../shared";
import { fromChunks, toChunks } from "./chunks";
import type { CrosswalkStore } from "./crosswalkPort";
import { readEntity } from "./entities";
import type { Io } from "./entities";

const PARTITION = "crosswalk";

/** The `Crosswalks` table: one partition, one entity per crosswalk holding it as JSON (a few thousand mappings fit). */
export class CrosswalksTable implements CrosswalkStore {
  constructor(
    private readonly table: TableClient,
    private readonly io: Io,
  ) {}

  putCrosswalk(crosswalk: Crosswalk): Promise<void> {
    return this.io(async () => {
      await this.table.upsertEntity({ partitionKey: PARTITION, rowKey: crosswalk.id, ...toChunks("doc", JSON.stringify(crosswalk)) }, "Replace");
    });
  }

  getCrosswalk(id: string): Promise<Crosswalk | undefined> {
    return this.io(async () => {
      const e = await readEntity(this.table, PARTITION, id);
      return e ? (JSON.parse(fromChunks(e, "doc")) as Crosswalk) : undefined;
    });
  }

  listCrosswalks(): Promise<Crosswalk[]> {
    return this.io(async () => {
      const out: Crosswalk[] = [];
      for await (const e of this.table.listEntities<Record<string, unknown>>({ queryOptions: { filter: odata`PartitionKey eq ${PARTITION}` } })) out.push(JSON.parse(fromChunks(e, "doc")) as Crosswalk);
      return out;
    });
  }
}
