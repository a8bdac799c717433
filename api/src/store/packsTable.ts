import type { PackSummary } from "../../../shared";
import { fromChunks, toChunks } from "./chunks";
import { str, withoutUndefined } from "./entities";
import { fromKeyPart, keyPart } from "./keys";
import type { PackStore, StoredPack } from "./ports";
import type { Tables } from "./tables";

/** Uploaded framework packs (Packs), api/STORAGE.md. */
export class PacksTable implements PackStore {
  constructor(private readonly t: Tables) {}

  listPacks(): Promise<PackSummary[]> {
    return this.t.io(async () => {
      const rows = await this.t.all("packs", "", ["PartitionKey", "RowKey", "name", "illustrative", "licence", "source", "measureCount", "uploadedAt", "uploadedBy"]);
      return rows.map((e) =>
        withoutUndefined({
          id: e.partitionKey ?? "",
          edition: fromKeyPart(e.rowKey ?? ""),
          name: str(e.name) ?? "",
          illustrative: e.illustrative === true,
          licence: str(e.licence) ?? "",
          source: str(e.source) ?? "",
          measureCount: typeof e.measureCount === "number" ? e.measureCount : 0,
          bundled: false,
          uploadedAt: str(e.uploadedAt),
          uploadedBy: str(e.uploadedBy),
        }),
      );
    });
  }

  getPack(id: string, edition: string): Promise<StoredPack | undefined> {
    return this.t.io(async () => {
      const e = await this.t.read("packs", id, keyPart(edition));
      if (!e) return undefined;
      return { pack: JSON.parse(fromChunks(e, "doc")), uploadedAt: str(e.uploadedAt) ?? "", uploadedBy: str(e.uploadedBy) ?? "" };
    });
  }

  addPack(stored: StoredPack): Promise<boolean> {
    const { pack } = stored;
    return this.t.io(async () => {
      const etag = await this.t.insert("packs", {
        partitionKey: pack.id,
        rowKey: keyPart(pack.edition),
        name: pack.name,
        illustrative: pack.illustrative,
        licence: pack.licence,
        source: pack.source,
        measureCount: pack.measures.length,
        uploadedAt: stored.uploadedAt,
        uploadedBy: stored.uploadedBy,
        ...toChunks("doc", JSON.stringify(pack)),
      });
      return etag !== undefined;
    });
  }
}
