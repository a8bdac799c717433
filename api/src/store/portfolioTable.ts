import { odata } from "@azure/data-tables";
import type { TableEntity, TransactionAction } from "@azure/data-tables";
import type { ContractTotals } from "../../../shared";
import { mapWithLimit } from "../lib/concurrency";
import { fromChunks, toChunks } from "./chunks";
import { statusOf, str } from "./entities";
import { StaleEtagError } from "./errors";
import { digest } from "./keys";
import type { PortfolioTotalsStore, ReadTotals } from "./portfolioPort";
import type { Tables } from "./tables";

const TOTALS_ROW = "totals";
const PENDING = "pending";
/** Chunks the bucket list may take (30,000 characters each); what a listing selects. */
const BUCKET_CHUNKS = Array.from({ length: 16 }, (_, i) => (i === 0 ? "buckets" : `buckets_${i}`));
/**
 * `applied` is split over this many rows beside the totals, by a digest of the reference, so a
 * counting reads and writes the few shards of its contributions, not a record that grows with the
 * contract; with the totals row, every shard fits one transaction (at most 100 entities).
 */
export const APPLIED_SHARDS = 64;

/** Each contract's totals and their shards share one partition, so they change in one transaction. */
const totalsPartition = (contractId: string) => `t|${contractId}`;
const shardRow = (shard: number) => `applied|${String(shard).padStart(2, "0")}`;
export const shardOf = (contributionId: string) => parseInt(digest(contributionId).slice(0, 6), 16) % APPLIED_SHARDS;

const ALL_SHARDS = Array.from({ length: APPLIED_SHARDS }, (_, i) => i);

/** Running totals per contract, with the bucket each contribution is counted in, and the contributions whose counting is pending (PortfolioTotals). */
export class PortfolioTable implements PortfolioTotalsStore {
  constructor(private readonly t: Tables) {}

  getTotals(contractId: string, contributionIds?: readonly string[]): Promise<ReadTotals | undefined> {
    return this.t.io(async () => {
      // The totals first: its ETag guards the shards, which are only ever written with it.
      const e = await this.t.read("portfolio", totalsPartition(contractId), TOTALS_ROW);
      if (!e) return undefined;
      const shards = contributionIds ? [...new Set(contributionIds.map(shardOf))] : ALL_SHARDS;
      const rows = await mapWithLimit(shards, 8, (shard) => this.t.read("portfolio", totalsPartition(contractId), shardRow(shard)));
      const applied: ContractTotals["applied"] = {};
      for (const row of rows) if (row) Object.assign(applied, JSON.parse(fromChunks(row, "applied") || "{}") as ContractTotals["applied"]);
      return { totals: { contractId, buckets: JSON.parse(fromChunks(e, "buckets")) as ContractTotals["buckets"], applied }, etag: e.etag, shards };
    });
  }

  saveTotals(totals: ContractTotals, read: Pick<ReadTotals, "etag" | "shards"> | undefined): Promise<void> {
    return this.t.io(async () => {
      const partitionKey = totalsPartition(totals.contractId);
      const byShard = new Map<number, ContractTotals["applied"]>();
      for (const [id, counted] of Object.entries(totals.applied)) {
        const shard = shardOf(id);
        const record = byShard.get(shard) ?? {};
        record[id] = counted;
        byShard.set(shard, record);
      }
      const entity: TableEntity = { partitionKey, rowKey: TOTALS_ROW, ...toChunks("buckets", JSON.stringify(totals.buckets)) };
      // After a read, every shard it read is written back (one left empty, empty); a first write writes only those with entries.
      const shards = read ? read.shards : [...byShard.keys()];
      const actions: TransactionAction[] = [
        read ? ["update", entity, "Replace", { etag: read.etag }] : ["create", entity],
        ...shards.map((shard): TransactionAction => ["upsert", { partitionKey, rowKey: shardRow(shard), ...toChunks("applied", JSON.stringify(byShard.get(shard) ?? {})) }, "Replace"]),
      ];
      try {
        await this.t.clients.portfolio.submitTransaction(actions);
      } catch (e) {
        const status = statusOf(e);
        if (status === 412 || status === 409 || status === 404) throw new StaleEtagError(`Portfolio totals of ${totals.contractId}`);
        throw e;
      }
    });
  }

  listTotals(contractIds: readonly string[]): Promise<Omit<ContractTotals, "applied">[]> {
    return this.t.io(async () => {
      // Point reads, one per contract: a query across the contracts' partitions would pass over every shard too.
      const rows = await mapWithLimit(contractIds, 16, async (contractId) => {
        const e = await this.t.read("portfolio", totalsPartition(contractId), TOTALS_ROW, BUCKET_CHUNKS);
        return e ? { contractId, buckets: JSON.parse(fromChunks(e, "buckets") || "[]") as ContractTotals["buckets"] } : undefined;
      });
      return rows.filter((r) => r !== undefined);
    });
  }

  markPending(contractId: string, contributionId: string): Promise<void> {
    return this.t.io(async () => {
      await this.t.clients.portfolio.upsertEntity({ partitionKey: PENDING, rowKey: `${contractId}|${contributionId}`, contractId, contributionId }, "Replace");
    });
  }

  clearPending(contractId: string, contributionId: string): Promise<void> {
    return this.t.io(async () => {
      try {
        await this.t.clients.portfolio.deleteEntity(PENDING, `${contractId}|${contributionId}`);
      } catch (e) {
        if (statusOf(e) !== 404) throw e;
      }
    });
  }

  listPending(): Promise<{ contractId: string; contributionId: string }[]> {
    return this.t.io(async () => {
      const rows = await this.t.all("portfolio", odata`PartitionKey eq ${PENDING}`);
      return rows.map((e) => ({ contractId: str(e.contractId) ?? "", contributionId: str(e.contributionId) ?? "" }));
    });
  }
}
