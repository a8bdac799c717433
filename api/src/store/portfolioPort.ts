import type { ContractTotals } from "../../../shared";

/** A contract's totals as read: `applied` holds the shards read (all of them, or those of the contributions asked for). */
export interface ReadTotals {
  totals: ContractTotals;
  etag: string;
  /** The shards of `applied` that were read; saving writes these back whole. */
  shards: readonly number[];
}

/** The running totals behind the portfolio view (api/STORAGE.md, PortfolioTotals). */
export interface PortfolioTotalsStore {
  /**
   * A contract's totals with the ETag to replace them by; undefined before its first contribution.
   * `applied` holds what is needed to count `contributionIds` (every contribution when omitted).
   */
  getTotals(contractId: string, contributionIds?: readonly string[]): Promise<ReadTotals | undefined>;
  /**
   * Writes the totals, and the shards of `applied` that were read, if nobody else did since they
   * were read (`read` undefined: only if there are none yet). Throws StaleEtagError when someone
   * did; the caller reads again and re-applies.
   */
  saveTotals(totals: ContractTotals, read: Pick<ReadTotals, "etag" | "shards"> | undefined): Promise<void>;
  /** The buckets (without the per-contribution record) of these contracts, those that have totals. */
  listTotals(contractIds: readonly string[]): Promise<Omit<ContractTotals, "applied">[]>;
  /** Marks a contribution about to change, so that if counting it fails after the change, the next portfolio read counts it. */
  markPending(contractId: string, contributionId: string): Promise<void>;
  clearPending(contractId: string, contributionId: string): Promise<void>;
  listPending(): Promise<{ contractId: string; contributionId: string }[]>;
}
