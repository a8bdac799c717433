import { checkAgainstMeasure, evidenceDueDate, findMeasureByAnswer, formatMoney, nextEvidenceStatus, ValuationError, valueOrNull, warningsSummary } from "../../../shared";
import type { AuditEntry, Contract, Contribution, ContributionReport, Measure, PackIndex, Problem } from "../../../shared";
import type { Deps } from "../deps";

/** How stale a contract read by this instance may be when a report is checked against it. */
export const CONTRACT_MAX_AGE_MS = 5000;

/** What a report needs from storage before it can become a contribution. */
export interface ReportContext {
  contract: Contract;
  pack: PackIndex;
  measure: Measure;
}

/**
 * Whether the ledger can keep the report's figure, or the problem with its quantity. The bounds
 * (MAX_QUANTITY, MAX_POUNDS in shared/money.ts) are the cells' too. Checked before anything is
 * written, so such a figure is refused (and quarantined), never half-saved or a 500.
 */
function checkValue(measure: Measure, quantity: number): { ok: true } | { ok: false; problem: Problem } {
  try {
    valueOrNull(measure, quantity);
    return { ok: true };
  } catch (e) {
    if (e instanceof ValuationError) return { ok: false, problem: { path: ["quantity"], message: e.message.replace(/\.$/, "") } };
    throw e;
  }
}

/** The quantity a checked report carries: a qualitative measure's report may give none, and records 0. */
function quantityOf(report: ContributionReport): number {
  return report.quantity?.amount ?? 0;
}

/**
 * Checks a report against the ledger: the contract exists, the measure is in the contract's
 * pinned pack (by code or by the choice answer naming it), the answers fit the measure (its unit;
 * a description for a qualitative one), and the figure has a £ value the ledger can keep.
 * Problems carry paths inside the report (the caller adds "answers" for forms).
 */
export async function resolveReport(deps: Deps, report: ContributionReport): Promise<{ ok: true; context: ReportContext } | { ok: false; problems: Problem[] }> {
  // The pinned pack never changes; a policy change reaches new submissions within seconds.
  const stored = await deps.store.getContract(report.contractRef, { maxAgeMs: CONTRACT_MAX_AGE_MS });
  if (!stored) return { ok: false, problems: [{ path: ["contractRef"], message: `there is no contract ${report.contractRef}; check the reference on your contract letter` }] };
  const contract = stored.value;
  const pack = await deps.packs.get(contract.packId, contract.packEdition);
  if (!pack) throw new Error(`Contract ${contract.id} is pinned to pack ${contract.packId} ${contract.packEdition}, which is not stored`);
  const measure = findMeasureByAnswer(pack, report.measureCode);
  if (!measure) {
    return {
      ok: false,
      problems: [{ path: ["measureCode"], message: `measure "${report.measureCode}" is not in ${pack.label}, the framework pack of contract ${contract.id}; write its code as on your contract, e.g. ${pack.pack.measures[0]?.code ?? "NT1"}` }],
    };
  }
  const misfits = checkAgainstMeasure(report, measure);
  if (misfits.length > 0) return { ok: false, problems: misfits };
  const valued = checkValue(measure, quantityOf(report));
  if (!valued.ok) return { ok: false, problems: [valued.problem] };
  return { ok: true, context: { contract, pack, measure } };
}

/** A new contribution, valued now with the contract's pinned pack; evidence sent with the figures counts as submitted. */
export function buildContribution(args: {
  id: string;
  context: ReportContext;
  report: ContributionReport;
  responder: string;
  source: Contribution["source"];
  submittedAt: string;
}): Contribution {
  const { contract, pack, measure } = args.context;
  const { report } = args;
  return {
    id: args.id,
    contractId: contract.id,
    supplier: report.supplier,
    responder: args.responder,
    measureCode: measure.code,
    quantity: quantityOf(report),
    periodStart: report.periodStart,
    periodEnd: report.periodEnd,
    description: report.description,
    evidence: report.evidence,
    evidenceStatus: report.evidence.length > 0 ? nextEvidenceStatus("missing", "submit") : "missing",
    evidenceDueDate: evidenceDueDate(report.periodEnd, contract.reminderPolicy.evidenceGraceDays),
    value: valueOrNull(measure, quantityOf(report)),
    packId: pack.pack.id,
    packEdition: pack.pack.edition,
    source: args.source,
    submittedAt: args.submittedAt,
    warnings: [],
  };
}

export function createdAudit(c: Contribution, at: string, actor: string, how: string): AuditEntry[] {
  const value = c.value === null ? "not valued in £" : `valued at ${formatMoney(c.value)}`;
  const flagged = c.warnings.length > 0 ? `; needs a look: ${warningsSummary(c.warnings)}` : "";
  const entries: AuditEntry[] = [{ at, actor, action: "created", detail: `${how}: ${c.quantity} × ${c.measureCode} for ${c.periodStart}..${c.periodEnd}, ${value} with ${c.packId} ${c.packEdition}${flagged}` }];
  if (c.evidence.length > 0) entries.push({ at, actor, action: "evidence-submitted", detail: `${c.evidence.length} evidence link(s) sent with the figures: ${c.evidence.map((e) => e.name).join(", ")}` });
  return entries;
}
