import { applyToTotals, emptyTotals } from "../../../shared";
import type { Deps } from "../deps";
import { mapWithLimit, Turns } from "../lib/concurrency";
import { StaleEtagError } from "../store/errors";
import { eachPage } from "../store/page";

/** Writers of one contract's totals rarely meet; when a burst does, each try waits a little longer, at random, so they spread out. */
const ATTEMPTS = 12;
const pause = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * (attempt + 1)));

/**
 * Counts a contribution in its contract's running totals, in the state the ledger holds now.
 * Safe to repeat (a retry or a repeated submission changes nothing) and safe against concurrent
 * writers: each try reads the totals' ETag before the contribution, so the last write to land was
 * made from the latest state (api/STORAGE.md, PortfolioTotals).
 */
export async function countInPortfolio(deps: Deps, contractId: string, contributionId: string): Promise<void> {
  if (!(await inTurn(deps, contractId, contributionId))) {
    // Still contended after every try: the next portfolio read counts it, so the submission need not fail.
    await deps.store.portfolio.markPending(contractId, contributionId);
  }
}

/** Per ledger (tests run several side by side): countings for one contract go in turns, those that arrive during one counted together in the next. */
const turns = new WeakMap<object, Turns<string, boolean>>();

function inTurn(deps: Deps, contractId: string, contributionId: string): Promise<boolean> {
  let ledger = turns.get(deps.store);
  if (!ledger) {
    ledger = new Turns((id, contributionIds) => tryCount(deps, id, [...new Set(contributionIds)]));
    turns.set(deps.store, ledger);
  }
  return ledger.take(contractId, contributionId);
}

async function tryCount(deps: Deps, contractId: string, contributionIds: string[]): Promise<boolean> {
  const store = deps.store.portfolio;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (attempt > 0) await pause(attempt);
    const current = await store.getTotals(contractId, contributionIds);
    // A contract never counted may hold contributions from before the portfolio existed: count them all.
    if (!current) {
      await recountContract(deps, contractId);
      return true;
    }
    const stored = await mapWithLimit(contributionIds, 8, (id) => deps.store.getContribution(contractId, id));
    const totals = applyToTotals(
      current.totals,
      stored.flatMap((s) => (s ? [s.value] : [])),
    );
    if (!totals) return true;
    try {
      await store.saveTotals(totals, current);
      return true;
    } catch (e) {
      if (!(e instanceof StaleEtagError)) throw e;
    }
  }
  return false;
}

/**
 * A write that changes a contribution, then its counting. The contribution is marked first, so that
 * if counting fails after the write (storage lost between the two), the next portfolio read counts it
 * (a review is not sent again by anyone, unlike a Forms submission).
 */
export async function changeAndCount<T>(deps: Deps, contractId: string, contributionId: string, write: () => Promise<T>): Promise<T> {
  await deps.store.portfolio.markPending(contractId, contributionId);
  const result = await write();
  if (await inTurn(deps, contractId, contributionId)) await deps.store.portfolio.clearPending(contractId, contributionId);
  return result;
}

/** Counts what an earlier write left marked (see changeAndCount); run before every portfolio read. */
export async function countPending(deps: Deps): Promise<void> {
  for (const p of await deps.store.portfolio.listPending()) {
    if (await inTurn(deps, p.contractId, p.contributionId)) await deps.store.portfolio.clearPending(p.contractId, p.contributionId);
  }
}

/**
 * Counts every contribution of a contract, in one write: for contributions saved without passing
 * through the write paths above (the example data, a ledger from before the portfolio existed). The
 * first counting of any contract, and a portfolio read that finds a contract with no totals, come
 * here. Like every counting, safe to repeat.
 */
export async function recountContract(deps: Deps, contractId: string): Promise<void> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (attempt > 0) await pause(attempt);
    const current = await deps.store.portfolio.getTotals(contractId);
    let totals = current?.totals ?? emptyTotals(contractId);
    let changed = false;
    for await (const contributions of eachPage((page) => deps.store.listContributions({ contractId }, page), 1000)) {
      const next = applyToTotals(totals, contributions);
      if (next) {
        totals = next;
        changed = true;
      }
    }
    // A contract with nothing to count still gets its (empty) totals, so it is not recounted on every read.
    if (!changed && current) return;
    try {
      await deps.store.portfolio.saveTotals(totals, current);
      return;
    } catch (e) {
      if (!(e instanceof StaleEtagError)) throw e;
    }
  }
  throw new Error(`The portfolio totals of ${contractId} kept changing while it was recounted`);
}
