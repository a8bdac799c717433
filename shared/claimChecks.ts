import type { IsoDate } from "./dates";
import type { EvidenceLink } from "./model";
import { supplierKey } from "./model";
import { normaliseCode } from "./pack";
import type { Warning, WarningBounds } from "./warnings";
import { plural } from "./words";

/* The checks behind the warnings of shared/warnings.ts: pure, given what the ledger already holds. */

/** What a check needs to know of a contribution, new or earlier. */
export interface ClaimFacts {
  id: string;
  contractId: string;
  supplier: string;
  measureCode: string;
  quantity: number;
  periodStart: IsoDate;
  periodEnd: IsoDate;
  evidence: readonly EvidenceLink[];
}

/** An earlier claim of the same figures: what the duplicate check compares. */
export type EarlierClaim = Omit<ClaimFacts, "evidence">;

/** An earlier contribution that uses an evidence link: `evidence` holds at least the links it shares. */
export type EvidenceUser = Pick<ClaimFacts, "id" | "contractId" | "evidence">;

export interface NewClaim extends ClaimFacts {
  value: number | null;
  /** The day it was reported, in the organisation's time zone. */
  reportedOn: IsoDate;
}

/** What a check needs to know of the contract. */
export interface ContractFacts {
  id: string;
  value: number;
  startDate: IsoDate;
  endDate: IsoDate;
  warningBounds?: WarningBounds;
}

const QUERY_NOISE = new Set(["web", "e", "csf", "cid", "download", "wdorigin", "ga"]);

/**
 * One key for the links that open the same file: scheme and host in lower case, no fragment, no
 * sharing or viewer parameters (`?web=1`, `?e=AbC`, `?csf=1`), no trailing slash, and paths in
 * lower case (SharePoint and OneDrive do not tell case apart).
 */
export function normaliseEvidenceLink(link: string): string {
  const text = link.trim();
  const parts = /^([a-z][a-z0-9+.-]*:\/\/[^/?#]*)([^?#]*)(?:\?([^#]*))?/i.exec(text);
  if (!parts) return text.toLowerCase();
  const [, origin = "", rawPath = "", rawQuery = ""] = parts;
  const kept = rawQuery
    .split("&")
    .filter((pair) => pair !== "" && !QUERY_NOISE.has((pair.split("=")[0] ?? "").toLowerCase()))
    .sort();
  let path = rawPath;
  try {
    // Decoded then encoded again, so "Shared Documents" and "Shared%20Documents" meet, and normalising twice changes nothing.
    path = encodeURI(decodeURIComponent(rawPath));
  } catch {
    // A stray % that is not an escape: the link is compared as written.
  }
  return `${origin.toLowerCase()}${path.replace(/\/+$/, "").toLowerCase()}${kept.length > 0 ? `?${kept.join("&")}` : ""}`;
}

const overlaps = (a: EarlierClaim, b: EarlierClaim) => a.periodStart <= b.periodEnd && b.periodStart <= a.periodEnd;

const sameClaim = (a: EarlierClaim, b: EarlierClaim) =>
  supplierKey(a.supplier) === supplierKey(b.supplier) && normaliseCode(a.measureCode) === normaliseCode(b.measureCode) && a.quantity === b.quantity && overlaps(a, b);

const where = (c: Pick<ClaimFacts, "id" | "contractId">, contractId: string) => (c.contractId === contractId ? c.id : `${c.id} (contract ${c.contractId})`);

/**
 * A warning names at most this many earlier contributions: enough for an officer to start from,
 * and what the ledger reads is bounded however often a claim or a file comes back.
 */
export const MAX_RELATED = 5;

/** The earlier contributions a warning names, and words for them: "SV-…, SV-… and more". */
function named(found: readonly Pick<ClaimFacts, "id" | "contractId">[], contractId: string): { ids: string[]; words: string } {
  const shown = found.slice(0, MAX_RELATED);
  const words = shown.map((c) => where(c, contractId)).join(", ");
  return { ids: shown.map((c) => c.id), words: found.length > MAX_RELATED ? `${words} and more` : words };
}

/** The same supplier, measure and quantity for an overlapping period, already in the ledger. */
export function duplicateClaimWarnings(claim: ClaimFacts, earlier: readonly EarlierClaim[]): Warning[] {
  const matches = earlier.filter((e) => e.id !== claim.id && sameClaim(claim, e));
  if (matches.length === 0) return [];
  return [
    {
      code: "possible-duplicate",
      message: `${claim.supplier} already reported ${claim.quantity} × ${claim.measureCode} for an overlapping period in ${matches.length > MAX_RELATED ? `more than ${plural(MAX_RELATED, "contribution")}` : plural(matches.length, "contribution")}: ${named(matches, claim.contractId).words}`,
      relatedIds: named(matches, claim.contractId).ids,
    },
  ];
}

/** Evidence links this contribution shares with earlier contributions, on this contract or another. */
export function evidenceReuseWarnings(claim: Pick<ClaimFacts, "id" | "contractId">, links: readonly EvidenceLink[], earlier: readonly EvidenceUser[]): Warning[] {
  const warnings: Warning[] = [];
  const seen = new Set<string>();
  for (const link of links) {
    const key = normaliseEvidenceLink(link.link);
    if (seen.has(key)) continue;
    seen.add(key);
    const users = earlier.filter((e) => e.id !== claim.id && e.evidence.some((l) => normaliseEvidenceLink(l.link) === key));
    if (users.length === 0) continue;
    warnings.push({
      code: "possible-duplicate",
      message: `the evidence "${link.name}" is already the evidence of ${named(users, claim.contractId).words}`,
      relatedIds: named(users, claim.contractId).ids,
    });
  }
  return warnings;
}

/** More than the contract is worth, or above a bound the officer set for the measure. */
export function valueWarnings(claim: NewClaim, contract: ContractFacts): Warning[] {
  const warnings: Warning[] = [];
  const bound = Object.entries(contract.warningBounds ?? {}).find(([code]) => normaliseCode(code) === normaliseCode(claim.measureCode))?.[1];
  const pounds = (v: number) => `£${v.toLocaleString("en-GB", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  if (claim.value !== null && claim.value > contract.value) {
    warnings.push({ code: "implausible-value", message: `one contribution worth ${pounds(claim.value)} is more than contract ${contract.id}'s whole value of ${pounds(contract.value)}` });
  } else if (claim.value !== null && bound?.maxValue !== undefined && claim.value > bound.maxValue) {
    warnings.push({ code: "implausible-value", message: `${pounds(claim.value)} is more than the ${pounds(bound.maxValue)} set for one ${claim.measureCode} contribution on contract ${contract.id}` });
  }
  if (bound?.maxQuantity !== undefined && claim.quantity > bound.maxQuantity) {
    warnings.push({ code: "implausible-value", message: `${claim.quantity} is more than the ${bound.maxQuantity} set for one ${claim.measureCode} contribution on contract ${contract.id}` });
  }
  return warnings;
}

/** A period the contract does not cover, or one that had not ended when it was reported. */
export function periodWarnings(claim: NewClaim, contract: ContractFacts): Warning[] {
  const warnings: Warning[] = [];
  if (claim.periodStart < contract.startDate || claim.periodEnd > contract.endDate) {
    warnings.push({
      code: "outside-contract-period",
      message: `the period ${claim.periodStart} to ${claim.periodEnd} is not within contract ${contract.id}, which runs from ${contract.startDate} to ${contract.endDate}`,
    });
  }
  if (claim.periodEnd > claim.reportedOn) {
    warnings.push({ code: "period-not-ended", message: `the period ends on ${claim.periodEnd}, after the report was sent on ${claim.reportedOn}: delivery that has not happened yet` });
  }
  return warnings;
}

/**
 * Every warning for a new contribution, given what the ledger holds: `similar` are earlier
 * contributions of the same supplier and measure, `evidenceUsers` earlier contributions that use
 * one of its evidence links. The contribution itself may be among them (a retried submission):
 * it is never a duplicate of itself.
 */
export function claimWarnings(claim: NewClaim, contract: ContractFacts, ledger: { similar: readonly EarlierClaim[]; evidenceUsers: readonly EvidenceUser[] }): Warning[] {
  return [
    ...duplicateClaimWarnings(claim, ledger.similar),
    ...evidenceReuseWarnings(claim, claim.evidence, ledger.evidenceUsers),
    ...valueWarnings(claim, contract),
    ...periodWarnings(claim, contract),
  ];
}

/** Adds warnings not already there (same code and message), so an evidence repeat does not stack copies. */
export function mergeWarnings(current: readonly Warning[], added: readonly Warning[]): Warning[] {
  const merged = [...current];
  for (const w of added) if (!merged.some((m) => m.code === w.code && m.message === w.message)) merged.push(w);
  return merged;
}

/** What one contribution's warnings say in a cell or a line: "possible-duplicate (SV-…); implausible-value". */
export function warningsSummary(warnings: readonly Warning[]): string {
  return warnings.map((w) => (w.relatedIds && w.relatedIds.length > 0 ? `${w.code} (${w.relatedIds.join(", ")})` : w.code)).join("; ");
}
