import { claimWarnings, dateInTimeZone, evidenceReuseWarnings } from "../../../shared";
import type { Contract, Contribution, EvidenceLink, Warning } from "../../../shared";
import type { Deps } from "../deps";

/**
 * The warnings of a new contribution (docs/WARNINGS.md), from what the ledger already holds. Its
 * own index entries, left by an earlier try of the same submission, are never read as a duplicate.
 */
export async function warningsFor(deps: Deps, c: Contribution, contract: Contract): Promise<Warning[]> {
  const [similar, evidenceUsers] = await Promise.all([
    deps.store.similarClaims(c),
    c.evidence.length > 0 ? deps.store.evidenceUsers(c.evidence) : Promise.resolve([]),
  ]);
  const reportedOn = dateInTimeZone(new Date(c.submittedAt), deps.settings.timeZone);
  return claimWarnings({ ...c, reportedOn }, contract, { similar, evidenceUsers });
}

/** Warnings about evidence attached after the figures: links already used by another contribution. */
export async function evidenceWarningsFor(deps: Deps, c: Contribution, links: readonly EvidenceLink[]): Promise<Warning[]> {
  return evidenceReuseWarnings(c, links, await deps.store.evidenceUsers(links));
}
