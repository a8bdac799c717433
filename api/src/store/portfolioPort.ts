import type { ContractTotals } from "../../../shared";

/** The running totals behind the portfolio view (api/STORAGE.md, PortfolioTotals). */
export interface PortfolioTotalsStore {
  /** A contract's totals with the ETag to replace them by; undefined before its first contribution. */
  getTotals(contractId: string): Promise<{ totals: ContractTotals; etag: string } | undefined>;
  /**
   * Writes the totals if nobody else did since `etag` was read (undefined: only if there are none yet).
   * Throws StaleEtagError when someone did; the caller reads again and re-applies.
   */
  saveTotals(totals: ContractTotals, etag: string | undefined): Promise<void>;
  /** Every contract's buckets (without the per-contribution record), in one partition read. */
  listTotals(): Promise<Omit<ContractTotals, "applied">[]>;
  /** Marks a contribution about to change, so that if counting it fails after the change, the next portfolio read counts it. */
  markPending(contractId: string, contributionId: string): Promise<void>;
  clearPending(contractId: string, contributionId: string): Promise<void>;
  listPending(): Promise<{ contractId: string; contributionId: string }[]>;
}
