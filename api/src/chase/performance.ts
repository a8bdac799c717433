import { performanceDuties } from "../../../shared";
import type { Contract, ContractPerformance, IsoDate, PerformanceDuty, PerformanceFailure } from "../../../shared";
import type { Deps } from "../deps";
import { mapWithLimit } from "../lib/concurrency";

const LOOKUP_CONCURRENCY = 8;

/**
 * The Procurement Act duties due today: contracts with KPIs (one partition of registers, then each
 * one's assessments) and failures whose notice is not yet recorded as published; and how many were
 * told already today, by an earlier run.
 */
export async function loadPerformanceDuties(deps: Deps, today: IsoDate): Promise<{ duties: PerformanceDuty[]; toldToday: number }> {
  const performance = deps.store.performance;
  const [registers, openFailures] = await Promise.all([performance.listRegisters(), performance.listOpenFailures()]);
  const withKpis = registers.filter((r) => r.kpis.length > 0);
  const failuresOf = new Map<string, PerformanceFailure[]>();
  for (const f of openFailures) failuresOf.set(f.contractId, [...(failuresOf.get(f.contractId) ?? []), f]);
  const ids = [...new Set([...withKpis.map((r) => r.contractId), ...failuresOf.keys()])];
  const registerOf = new Map(withKpis.map((r) => [r.contractId, r]));
  const contracts = await mapWithLimit(ids, LOOKUP_CONCURRENCY, async (id): Promise<ContractPerformance> => {
    const register = registerOf.get(id);
    const [stored, assessments] = await Promise.all([deps.store.getContract(id), register ? performance.listAssessments(id) : Promise.resolve([])]);
    // Contracts are never deleted, so a register or failure without one is a fault to look into.
    if (!stored) throw new Error(`Contract ${id} has a KPI register or a performance failure but cannot be found`);
    const contract: Contract = stored.value;
    return { contract, ...(register ? { register } : {}), assessments, openFailures: failuresOf.get(id) ?? [] };
  });
  // Whether the duties were told already, and when last: the ledger's step records of each recipient since the first day of telling.
  const candidates = performanceDuties(contracts, today);
  const lastTold = new Map<string, IsoDate>();
  const from = new Map<string, IsoDate>();
  for (const d of candidates) if ((from.get(d.recipient.email) ?? d.firstDay) >= d.firstDay) from.set(d.recipient.email, d.firstDay);
  const ledger = deps.store.chase;
  const records = (await mapWithLimit([...from], LOOKUP_CONCURRENCY, ([email, first]) => ledger.stepRecords(email, first))).flat().filter((r) => r.stepKey.startsWith("perf|"));
  await mapWithLimit(records, LOOKUP_CONCURRENCY, async (r) => {
    const message = await ledger.getMessage(r.messageId);
    if (!message || (message.entry.outcome !== "sent" && message.entry.outcome !== "failed")) return;
    const dutyId = r.stepKey.slice(0, r.stepKey.lastIndexOf("|"));
    const runDate = message.entry.runDate;
    if ((lastTold.get(dutyId) ?? "") < runDate) lastTold.set(dutyId, runDate);
  });
  return { duties: performanceDuties(contracts, today, lastTold), toldToday: [...lastTold.values()].filter((d) => d === today).length };
}
