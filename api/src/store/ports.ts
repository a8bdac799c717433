import type { AuditEntry, Commitment, Contract, Contribution, EarlierClaim, EvidenceLink, EvidenceStatus, EvidenceUser, FrameworkPack, IsoDate, PackSummary, QuarantineItem, QuarantineResolution } from "../../../shared";
import type { ChaseLedgerStore } from "./chaseLedgerPort";
import type { CrosswalkStore } from "./crosswalkPort";
import type { FormsPullStore } from "./formsPullPort";
import type { PerformanceStore } from "./performancePort";
import type { PortfolioTotalsStore } from "./portfolioPort";
import type { Page, PageRequest } from "./page";

/** A request body exactly as it arrived, before anything was checked. */
export interface RawSubmission {
  receivedAt: string;
  contentType: string;
  /** The body as text, or base64 when it was not valid UTF-8. */
  body: string;
  encoding: "utf8" | "base64";
}

export interface InboxEntry {
  id: string;
  receivedAt: string;
}

export interface Stored<T> {
  value: T;
  etag: string;
  /** For contributions: the raw inbox entry they came from, kept across updates. */
  inboxId?: string;
}

export interface StoredPack {
  pack: FrameworkPack;
  uploadedAt: string;
  uploadedBy: string;
}

/** Who owns a contribution reference: its contract and, for form submissions, the response. */
export interface ReferenceOwner {
  contractId: string;
  formId?: string;
  responseId?: string;
}

export interface ContributionQuery {
  contractId?: string;
  status?: EvidenceStatus;
  supplierKey?: string;
  /** Only contributions whose evidence is overdue on this date. */
  overdueOn?: IsoDate;
  /** Only contributions with warnings (true) or without (false). */
  needsLook?: boolean;
}

export type CreateOutcome = { outcome: "created" } | { outcome: "exists" } | { outcome: "taken"; owner: ReferenceOwner };

/** The same form response for the same contract. Manual contributions never match: each is its own owner. */
export function sameOwner(a: ReferenceOwner, b: ReferenceOwner): boolean {
  return a.formId !== undefined && a.contractId === b.contractId && a.formId === b.formId && a.responseId === b.responseId;
}

export type UpdateOutcome = { outcome: "updated"; etag: string } | { outcome: "duplicate" };

export type ResolveOutcome = { outcome: "resolved"; resolution: QuarantineResolution } | { outcome: "already"; resolution: QuarantineResolution } | { outcome: "not-found" };

/** An audit entry written by a program (the chase) under a key of its own, so writing it again changes nothing. */
export interface KeyedAuditEntry {
  contractId: string;
  contributionId: string;
  /** Unique among this contribution's entries at the same time, e.g. a digest of the chase message id. */
  key: string;
  entry: AuditEntry;
}

/** Raw arrivals, kept before anything is checked, and the refused ones. */
export interface InboxStore {
  storeRaw(raw: RawSubmission): Promise<InboxEntry>;
  /** Many raw arrivals at once (a page of a Forms response workbook), in as few transactions as their partitions allow. */
  storeRawMany(raws: RawSubmission[]): Promise<InboxEntry[]>;
  addToQuarantine(item: QuarantineItem): Promise<void>;
  listQuarantine(page: PageRequest): Promise<Page<QuarantineItem>>;
  /** Marks a quarantined submission dealt with; it stays in quarantine. The first mark stands. */
  resolveQuarantine(id: string, resolution: QuarantineResolution): Promise<ResolveOutcome>;
}

/** Framework packs officers uploaded. */
export interface PackStore {
  listPacks(): Promise<PackSummary[]>;
  getPack(id: string, edition: string): Promise<StoredPack | undefined>;
  /** False when that id + edition is already stored: a stored pack never changes. */
  addPack(pack: StoredPack): Promise<boolean>;
}

/** Contracts and their commitments. */
export interface ContractStore {
  /** Undefined when a contract with that id exists already. */
  createContract(contract: Contract): Promise<Stored<Contract> | undefined>;
  /** With `maxAgeMs`, a copy read by this instance at most that long ago may answer (ingestion's hot path). */
  getContract(id: string, options?: { maxAgeMs?: number }): Promise<Stored<Contract> | undefined>;
  listContracts(page: PageRequest): Promise<Page<Contract>>;
  /** Throws StaleEtagError when `ifMatch` is no longer current. */
  replaceContract(contract: Contract, ifMatch: string): Promise<Stored<Contract>>;
  getCommitments(contractId: string): Promise<Commitment[]>;
  /** Every contract's commitments by contract id, in one read (the portfolio). */
  allCommitments(): Promise<Map<string, Commitment[]>>;
  putCommitments(contractId: string, commitments: Commitment[]): Promise<void>;
}

/** Contributions, their audit trails and the references they claim. */
export interface ContributionStore {
  findReference(id: string): Promise<ReferenceOwner | undefined>;
  /**
   * Claims the contribution's reference for `owner` by insert-if-absent (the one place a reference,
   * and so a form response, is claimed), writes the index entries alongside, then the contribution
   * with its audit entries in one transaction. "taken": the reference belongs to another owner (try
   * another); "exists": this owner's contribution is already saved (a repeat); "created": saved now.
   */
  createContribution(contribution: Contribution, audit: AuditEntry[], options: { owner: ReferenceOwner; inboxId?: string }): Promise<CreateOutcome>;
  getContribution(contractId: string, id: string): Promise<Stored<Contribution> | undefined>;
  auditTrail(contractId: string, id: string): Promise<AuditEntry[]>;
  /**
   * Replaces the contribution if `before.etag` still matches, adding the audit entry in the same
   * transaction; `dedupeKey` (e.g. a form response) makes a repeat answer "duplicate".
   * Throws StaleEtagError when the contribution changed meanwhile.
   */
  updateContribution(before: Stored<Contribution>, after: Contribution, audit: AuditEntry, dedupeKey?: string): Promise<UpdateOutcome>;
  /** True when an update with this dedupe key was applied to the contribution. */
  wasApplied(contractId: string, id: string, dedupeKey: string): Promise<boolean>;
  listContributions(query: ContributionQuery, page: PageRequest): Promise<Page<Contribution>>;
  /** £ values of contributions whose evidence is accepted (null for measures not valued in £). */
  acceptedValues(contractId: string): Promise<{ measureCode: string; value: number | null }[]>;
  countOverdue(contractId: string, today: IsoDate): Promise<number>;
  /**
   * Contributions still owing evidence (missing or rejected) that were due on or before `date`,
   * from the EvidenceDue index, checked against the contributions: the cost follows the number
   * owed, not the number of contributions.
   */
  listEvidenceOwed(dueOnOrBefore: IsoDate, page: PageRequest): Promise<Page<Contribution>>;
  /** Audit entries for many contributions, one transaction per partition; writing one again overwrites it. */
  addAuditEntries(entries: KeyedAuditEntry[]): Promise<void>;
}

/**
 * What the claim checks (shared/claimChecks.ts) ask of the ledger; the indexes behind it are written
 * with the contribution (createContribution) and with evidence attached later (updateContribution).
 */
export type SimilarClaimQuery = Pick<Contribution, "supplier" | "measureCode" | "quantity" | "periodStart" | "periodEnd">;

export interface ClaimsIndexStore {
  /** Saved contributions of this supplier and measure with this quantity and an overlapping period, on every contract: the first few (shared MAX_RELATED). */
  similarClaims(claim: SimilarClaimQuery): Promise<EarlierClaim[]>;
  /** Saved contributions whose evidence includes one of these links (compared normalised), on every contract: the first few per link, each with the links it shares. */
  evidenceUsers(links: readonly EvidenceLink[]): Promise<EvidenceUser[]>;
}

/**
 * Upkeep of the claims indexes: rebuilding them for a ledger kept in an earlier layout
 * (api/src/maintenance/rebuildClaimsIndex.ts, api/STORAGE.md).
 */
export interface ClaimsIndexUpkeep {
  /** Records a contribution in the indexes as saving it does (its claim and each evidence link); true when an entry was added, false when there was nothing to add. */
  write(contribution: Contribution): Promise<boolean>;
  /** Removes every row of the earlier layout from the indexes, a page at a time; `onPage` hears the running count. Answers the number removed. */
  removeOldLayout(onPage?: (removed: number) => void): Promise<number>;
}

/** Everything the API keeps, as the handlers need it. Implementations say how it is keyed (api/STORAGE.md). */
export interface LedgerStore extends InboxStore, PackStore, ContractStore, ContributionStore, ClaimsIndexStore {
  /** Creates what is missing (tables); safe to call at every start. */
  prepare(): Promise<void>;
  /** A cheap round trip to storage, for health. */
  ping(): Promise<void>;
  /** The chase ledger (api/STORAGE.md, ChaseLedger). */
  readonly chase: ChaseLedgerStore;
  /** Where the pull of each Forms response workbook got to. */
  readonly formsPull: FormsPullStore;
  /** KPI registers, assessments and performance failures (api/STORAGE.md, Performance). */
  readonly performance: PerformanceStore;
  /** Crosswalks between frameworks (api/STORAGE.md, Crosswalks). */
  readonly crosswalks: CrosswalkStore;
  /** The running totals behind the portfolio view. */
  readonly portfolio: PortfolioTotalsStore;
  /** Rebuilding the claims indexes (api/STORAGE.md, "The claims indexes"). */
  readonly claimsIndexUpkeep: ClaimsIndexUpkeep;
}
