import { mapWithLimit } from "../lib/concurrency";
import { eachPage } from "../store/page";
import type { LedgerStore } from "../store/ports";

/** What a rebuild did. A second run reads as much and reports `indexed` and `oldRowsRemoved` 0. */
export interface ClaimsIndexRebuild {
  contracts: number;
  /** Contributions read, every one of every contract. */
  contributions: number;
  /** Contributions that gained an index entry (the others had theirs, or are not among those a key keeps). */
  indexed: number;
  /** Rows of the earlier layout removed from SupplierMeasureClaims and EvidenceUses. */
  oldRowsRemoved: number;
}

/** Told after each page of a contract's contributions, and after each page of old rows removed. */
export type RebuildProgress = { step: "indexing"; contractId: string; counts: ClaimsIndexRebuild } | { step: "removing"; counts: ClaimsIndexRebuild };

/** The listing's largest page. */
const PAGE_SIZE = 1000;
/** Contributions recorded at once; the store's own queue bounds the requests in flight. */
const AT_ONCE = 16;

/**
 * Rebuilds the claims indexes (api/STORAGE.md, "The claims indexes") from the contributions, for a
 * ledger written before they were one list per key: every contribution of every contract, a page at
 * a time, is recorded through the index's own write, as saving it records it, so the list, its cap
 * and its concurrency are the index's own; then the rows of the earlier layout are removed. Safe to
 * run again, after a crash or beside the API: a contribution already in its lists changes nothing,
 * and new contributions are indexed by the API as they arrive.
 */
export async function rebuildClaimsIndex(
  store: Pick<LedgerStore, "listContracts" | "listContributions" | "claimsIndexUpkeep">,
  options: { pageSize?: number; onProgress?: (progress: RebuildProgress) => void } = {},
): Promise<ClaimsIndexRebuild> {
  const pageSize = options.pageSize ?? PAGE_SIZE;
  const tell = options.onProgress ?? (() => undefined);
  const counts: ClaimsIndexRebuild = { contracts: 0, contributions: 0, indexed: 0, oldRowsRemoved: 0 };
  for await (const contracts of eachPage((page) => store.listContracts(page), pageSize)) {
    for (const contract of contracts) {
      counts.contracts++;
      for await (const contributions of eachPage((page) => store.listContributions({ contractId: contract.id }, page), pageSize)) {
        const added = await mapWithLimit(contributions, AT_ONCE, (c) => store.claimsIndexUpkeep.write(c));
        counts.contributions += contributions.length;
        counts.indexed += added.filter(Boolean).length;
        tell({ step: "indexing", contractId: contract.id, counts: { ...counts } });
      }
    }
  }
  // Last: a run stopped before this leaves the old rows as they were, for the next run to remove.
  counts.oldRowsRemoved = await store.claimsIndexUpkeep.removeOldLayout((removed) => tell({ step: "removing", counts: { ...counts, oldRowsRemoved: removed } }));
  return counts;
}
