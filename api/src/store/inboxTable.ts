import { randomUUID } from "node:crypto";
import { odata } from "@azure/data-tables";
import type { TableEntity, TransactionAction } from "@azure/data-tables";
import type { Problem, QuarantineItem } from "../../../shared";
import { mapWithLimit } from "../lib/concurrency";
import { fromChunks, toChunks } from "./chunks";
import { str, withoutUndefined } from "./entities";
import { bucketed, keyPart } from "./keys";
import type { Page, PageRequest } from "./page";
import type { InboxEntry, InboxStore, RawSubmission } from "./ports";
import { VERIFY_CONCURRENCY } from "./tables";
import type { Tables } from "./tables";

const QUARANTINE_PARTITION = "quarantine";

/** Raw arrivals (Inbox) and refused ones (Quarantine), api/STORAGE.md. */
export class InboxTable implements InboxStore {
  constructor(private readonly t: Tables) {}

  private inboxEntity(raw: RawSubmission): { entry: InboxEntry; entity: TableEntity } {
    const uuid = randomUUID();
    const id = `${raw.receivedAt}|${uuid}`;
    const entity = {
      // An hour of arrivals spread over 16 partitions: no hot partition however fast the flow posts.
      partitionKey: bucketed(raw.receivedAt.slice(0, 13), uuid.charAt(0)),
      rowKey: id,
      receivedAt: raw.receivedAt,
      contentType: raw.contentType,
      encoding: raw.encoding,
      ...toChunks("body", raw.body),
    };
    return { entry: { id, receivedAt: raw.receivedAt }, entity };
  }

  storeRaw(raw: RawSubmission): Promise<InboxEntry> {
    return this.t.io(async () => {
      const { entry, entity } = this.inboxEntity(raw);
      await this.t.clients.inbox.createEntity(entity);
      return entry;
    });
  }

  storeRawMany(raws: RawSubmission[]): Promise<InboxEntry[]> {
    return this.t.io(async () => {
      const built = raws.map((raw) => this.inboxEntity(raw));
      // One transaction per partition and at most 100 entities or about 2 MB of text (a transaction carries 4 MiB).
      const batches: TransactionAction[][] = [];
      const open = new Map<string, { actions: TransactionAction[]; size: number }>();
      for (const { entity } of built) {
        const size = JSON.stringify(entity).length;
        let batch = open.get(entity.partitionKey);
        if (!batch || batch.actions.length === 100 || batch.size + size > 2_000_000) {
          batch = { actions: [], size: 0 };
          open.set(entity.partitionKey, batch);
          batches.push(batch.actions);
        }
        batch.actions.push(["create", entity]);
        batch.size += size;
      }
      await mapWithLimit(batches, VERIFY_CONCURRENCY, (actions) => this.t.clients.inbox.submitTransaction(actions));
      return built.map((b) => b.entry);
    });
  }

  addToQuarantine(item: QuarantineItem): Promise<void> {
    return this.t.io(async () => {
      // Newest first: the row key starts with the time counted down.
      const countdown = String(9_999_999_999_999 - Date.parse(item.receivedAt)).padStart(13, "0");
      await this.t.clients.quarantine.upsertEntity(
        withoutUndefined({
          partitionKey: QUARANTINE_PARTITION,
          rowKey: `${countdown}|${keyPart(item.id)}`,
          id: item.id,
          receivedAt: item.receivedAt,
          contentType: item.contentType,
          formId: item.formId,
          responseId: item.responseId,
          ...toChunks("reasons", JSON.stringify(item.reasons)),
          ...toChunks("raw", item.raw),
        }),
        "Replace",
      );
    });
  }

  listQuarantine(request: PageRequest): Promise<Page<QuarantineItem>> {
    return this.t.io(() =>
      this.t.page("quarantine", odata`PartitionKey eq ${QUARANTINE_PARTITION}`, request, (e) =>
        withoutUndefined({
          id: str(e.id) ?? "",
          receivedAt: str(e.receivedAt) ?? "",
          contentType: str(e.contentType) ?? "",
          formId: str(e.formId),
          responseId: str(e.responseId),
          reasons: JSON.parse(fromChunks(e, "reasons")) as Problem[],
          raw: fromChunks(e, "raw"),
        }),
      ),
    );
  }
}
