import { portfolioView, todayIn } from "../../../shared";
import type { Contract, IsoDate, PackIndex, PortfolioContract, PortfolioQuery, PortfolioView } from "../../../shared";
import type { Deps } from "../deps";
import type { Principal } from "../http/auth";
import { seesContract } from "../handlers/principal";
import { mapWithLimit } from "../lib/concurrency";
import { eachPage } from "../store/page";
import { countPending, recountContract } from "./totals";

async function allContracts(deps: Deps): Promise<Contract[]> {
  const out: Contract[] = [];
  for await (const contracts of eachPage((page) => deps.store.listContracts(page), 1000)) out.push(...contracts);
  return out;
}

export interface PortfolioInputs {
  /** With the whole contract, so callers can choose by its officers (the digest). */
  contracts: (PortfolioContract & { contract: Contract })[];
  asOf: IsoDate;
}

/** Every contract `principal` may see with its running totals: four reads, however many contributions (once every contract has been counted). */
export async function loadPortfolioInputs(deps: Deps, principal: Principal | undefined): Promise<PortfolioInputs> {
  await countPending(deps);
  const [contracts, commitments] = await Promise.all([allContracts(deps), deps.store.allCommitments()]);
  const visible = contracts.filter((c) => seesContract(principal, c));
  const ids = visible.map((c) => c.id);
  const listed = await deps.store.portfolio.listTotals(ids);
  // Contracts from before the portfolio existed, not written to since, are counted on first sight.
  const counted = new Set(listed.map((t) => t.contractId));
  const uncounted = visible.filter((c) => !counted.has(c.id));
  await mapWithLimit(uncounted, 4, (c) => recountContract(deps, c.id));
  const totals = uncounted.length > 0 ? await deps.store.portfolio.listTotals(ids) : listed;
  const totalsOf = new Map(totals.map((t) => [t.contractId, t]));
  const packs = new Map<string, PackIndex | undefined>();
  for (const c of visible) {
    const key = `${c.packId}\n${c.packEdition}`;
    if (!packs.has(key)) packs.set(key, await deps.packs.get(c.packId, c.packEdition));
  }
  const rows: PortfolioInputs["contracts"] = visible.map((c) => ({
    contract: c,
    commitments: commitments.get(c.id) ?? [],
    pack: packs.get(`${c.packId}\n${c.packEdition}`),
    totals: { ...(totalsOf.get(c.id) ?? { contractId: c.id, buckets: [] }), applied: {} },
  }));
  return { contracts: rows, asOf: todayIn(deps.settings.timeZone, deps.clock.now()) };
}

export async function loadPortfolio(deps: Deps, principal: Principal | undefined, query: PortfolioQuery): Promise<PortfolioView> {
  const { contracts, asOf } = await loadPortfolioInputs(deps, principal);
  return portfolioView(contracts, { groupBy: query.groupBy, asOf, from: query.from, to: query.to });
}
