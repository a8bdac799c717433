import { odata } from "@azure/data-tables";
import type { ContractTotals } from "../../../shared";
import { fromChunks, toChunks } from "./chunks";
import { statusOf, str } from "./entities";
import { StaleEtagError } from "./errors";
import type { PortfolioTotalsStore } from "./portfolioPort";
import type { Tables } from "./tables";

const TOTALS = "totals";
const PENDING = "pending";
/** Chunks the bucket list may take (30,000 characters each); what a listing selects. */
const BUCKET_CHUNKS = Array.from({ length: 16 }, (_, i) => (i === 0 ? "buckets" : `buckets_${i}`));

/** Running totals per contract, one entity each in one partition, and the contributions whose counting is pending (PortfolioTotals). */
export class PortfolioTable implements PortfolioTotalsStore {
  constructor(private readonly t: Tables) {}

  getTotals(contractId: string): Promise<{ totals: ContractTotals; etag: string } | undefined> {
    return this.t.io(async () => {
      const e = await this.t.read("portfolio", TOTALS, contractId);
      if (!e) return undefined;
      const totals: ContractTotals = { contractId, buckets: JSON.parse(fromChunks(e, "buckets")) as ContractTotals["buckets"], applied: JSON.parse(fromChunks(e, "applied")) as ContractTotals["applied"] };
      return { totals, etag: e.etag };
    });
  }

  saveTotals(totals: ContractTotals, etag: string | undefined): Promise<void> {
    return this.t.io(async () => {
      const entity = { partitionKey: TOTALS, rowKey: totals.contractId, ...toChunks("buckets", JSON.stringify(totals.buckets)), ...toChunks("applied", JSON.stringify(totals.applied)) };
      if (etag === undefined) {
        if ((await this.t.insert("portfolio", entity)) === undefined) throw new StaleEtagError(`Portfolio totals of ${totals.contractId}`);
        return;
      }
      try {
        await this.t.clients.portfolio.updateEntity(entity, "Replace", { etag });
      } catch (e) {
        if (statusOf(e) === 412) throw new StaleEtagError(`Portfolio totals of ${totals.contractId}`);
        throw e;
      }
    });
  }

  listTotals(): Promise<Omit<ContractTotals, "applied">[]> {
    return this.t.io(async () => {
      const rows = await this.t.all("portfolio", odata`PartitionKey eq ${TOTALS}`, ["RowKey", ...BUCKET_CHUNKS]);
      return rows.map((e) => ({ contractId: e.rowKey ?? "", buckets: JSON.parse(fromChunks(e, "buckets") || "[]") as ContractTotals["buckets"] }));
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
