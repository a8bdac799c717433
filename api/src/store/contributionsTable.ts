import { randomBytes } from "node:crypto";
import { odata } from "@azure/data-tables";
import type { TableEntity, TransactionAction } from "@azure/data-tables";
import { addDays, isAwaitingEvidence, supplierKey } from "../../../shared";
import type { AuditEntry, Contribution, EvidenceLink, EvidenceStatus, IsoDate, Warning } from "../../../shared";
import { mapWithLimit } from "../lib/concurrency";
import { ClaimsIndexTable } from "./claimsIndexTable";
import { fromChunks, toChunks } from "./chunks";
import { statusOf, str, withoutUndefined } from "./entities";
import type { Entity } from "./entities";
import { StaleEtagError, StorageRefusedError, StorageUnavailableError } from "./errors";
import { boundedKeyPart, bucketed, contractPartitionRange, contributionPartition, prefixEnd, ROW } from "./keys";
import type { Page, PageRequest } from "./page";
import { sameOwner } from "./ports";
import type { ContributionQuery, ContributionStore, CreateOutcome, KeyedAuditEntry, ReferenceOwner, Stored, UpdateOutcome } from "./ports";
import { VERIFY_CONCURRENCY } from "./tables";
import type { Tables } from "./tables";

const REF_ROW = "ref";

const double = (value: number) => ({ value, type: "Double" as const });

/** A contribution's own row in its partition; exported for the chase benchmark's raw peer. */
export const contributionRow = (id: string) => ROW.contribution + id;
const auditPrefix = (id: string) => `${ROW.audit}${id}|`;
const dedupeRow = (id: string, key: string) => `${ROW.formKey}${id}|${key}`;
const indexRow = (contractId: string, id: string) => `${contractId}|${id}`;

/**
 * Contributions with their audit entries (Contributions), the references they claim
 * (ContributionRefs) and the indexes by supplier and by evidence due date (SupplierContributions,
 * EvidenceDue), api/STORAGE.md.
 */
export class ContributionsTable implements ContributionStore {
  readonly claimsIndex: ClaimsIndexTable;

  constructor(private readonly t: Tables) {
    this.claimsIndex = new ClaimsIndexTable(t, async (contractId, id) => (await t.read("contributions", contributionPartition(contractId, id), contributionRow(id), ["RowKey"])) !== undefined);
  }

  private async findReferenceRaw(id: string): Promise<ReferenceOwner | undefined> {
    const e = await this.t.read("refs", id, REF_ROW);
    return e ? withoutUndefined({ contractId: str(e.contractId) ?? "", formId: str(e.formId), responseId: str(e.responseId) }) : undefined;
  }

  findReference(id: string): Promise<ReferenceOwner | undefined> {
    return this.t.io(() => this.findReferenceRaw(id));
  }

  /** Row keys sort by time, then by position among entries written together (created, then evidence-submitted). */
  private auditAction(contractId: string, id: string, entry: AuditEntry, position = 0): TransactionAction {
    const suffix = `${String(position).padStart(2, "0")}${randomBytes(4).toString("hex")}`;
    return ["create", { partitionKey: contributionPartition(contractId, id), rowKey: `${auditPrefix(id)}${entry.at}|${suffix}`, ...entry }];
  }

  createContribution(c: Contribution, audit: AuditEntry[], options: { owner: ReferenceOwner; inboxId?: string }): Promise<CreateOutcome> {
    return this.t.io(async () => {
      // The claim and the index entries go together, before the transaction: once the contribution
      // exists, its index entries exist too. Entries written for a claim that fails, or before a
      // failure, point at no contribution of theirs; every reader verifies entries and skips those.
      const [claimed] = await Promise.all([
        this.t.insert("refs", withoutUndefined({ partitionKey: c.id, rowKey: REF_ROW, ...options.owner })),
        this.t.insertOrReplace("suppliers", { partitionKey: boundedKeyPart(supplierKey(c.supplier)), rowKey: indexRow(c.contractId, c.id), contractId: c.contractId, contributionId: c.id }),
        isAwaitingEvidence(c.evidenceStatus) ? this.t.insertOrReplace("due", evidenceDueEntity(c)) : undefined,
        this.claimsIndex.write(c),
      ]);
      if (claimed === undefined) {
        const owner = await this.findReferenceRaw(c.id);
        if (!owner) throw new StorageUnavailableError(new Error(`reference ${c.id} was reported taken but cannot be read`));
        // Our own claim from an earlier attempt: finish the job. Anyone else's: not ours to touch.
        if (!sameOwner(owner, options.owner)) return { outcome: "taken" as const, owner };
      }
      try {
        await this.t.clients.contributions.submitTransaction([
          ["create", contributionEntity(c, options.inboxId)],
          ...audit.map((entry, i) => this.auditAction(c.contractId, c.id, entry, i)),
        ]);
        return { outcome: "created" as const };
      } catch (e) {
        const status = statusOf(e);
        if (status === 409) return { outcome: "exists" as const };
        if (status === 400 || status === 413) {
          // Refused for its content, so no attempt of this owner can ever save it: take back the
          // claim and the index entries rather than leave a reference that points at nothing.
          await this.undoCreate(c);
          throw new StorageRefusedError(`contribution ${c.id}`, e);
        }
        // Unreachable or failing storage: the claim stays ours, and a retry finishes the job.
        throw e;
      }
    });
  }

  /** Best effort: what is left is only untidy (readers verify index entries; a retry reuses the claim). */
  private async undoCreate(c: Contribution): Promise<void> {
    const drop = async (what: string, remove: () => Promise<unknown>) => {
      try {
        await remove();
      } catch (e) {
        if (statusOf(e) !== 404) this.t.options.warn(`Could not take back ${what} of refused contribution ${c.id}`, e);
      }
    };
    await Promise.all([
      drop("the supplier index entry", () => this.t.clients.suppliers.deleteEntity(boundedKeyPart(supplierKey(c.supplier)), indexRow(c.contractId, c.id))),
      isAwaitingEvidence(c.evidenceStatus) ? this.dropDueEntry(c.evidenceDueDate, c.contractId, c.id) : undefined,
      this.claimsIndex.undo(c),
    ]);
    // The claim last: while it stands, no other response can take this reference and meet our index entries.
    await drop("the reference claim", () => this.t.clients.refs.deleteEntity(c.id, REF_ROW));
  }

  getContribution(contractId: string, id: string): Promise<Stored<Contribution> | undefined> {
    return this.t.io(async () => {
      const e = await this.t.read("contributions", contributionPartition(contractId, id), contributionRow(id));
      return e ? withoutUndefined({ value: toContribution(e), etag: e.etag, inboxId: str(e.inboxId) }) : undefined;
    });
  }

  auditTrail(contractId: string, id: string): Promise<AuditEntry[]> {
    return this.t.io(async () => {
      const prefix = auditPrefix(id);
      const rows = await this.t.all("contributions", odata`PartitionKey eq ${contributionPartition(contractId, id)} and RowKey ge ${prefix} and RowKey lt ${prefixEnd(prefix)}`);
      return rows.map((e) => ({ at: str(e.at) ?? "", actor: str(e.actor) ?? "", action: e.action as AuditEntry["action"], detail: str(e.detail) ?? "" }));
    });
  }

  updateContribution(before: Stored<Contribution>, after: Contribution, audit: AuditEntry, dedupeKey?: string): Promise<UpdateOutcome> {
    return this.t.io(async () => {
      const old = before.value;
      const wasOwed = isAwaitingEvidence(old.evidenceStatus);
      const isOwed = isAwaitingEvidence(after.evidenceStatus);
      const dueMoved = old.evidenceDueDate !== after.evidenceDueDate;
      const known = new Set(old.evidence.map((e) => e.link));
      const addedEvidence = after.evidence.filter((e) => !known.has(e.link));
      await Promise.all([
        isOwed && (!wasOwed || dueMoved) ? this.t.clients.due.upsertEntity(evidenceDueEntity(after), "Replace") : undefined,
        addedEvidence.length > 0 ? this.claimsIndex.writeEvidence(after, addedEvidence) : undefined,
      ]);

      const actions: TransactionAction[] = [
        ["update", contributionEntity(after, before.inboxId), "Replace", { etag: before.etag }],
        this.auditAction(after.contractId, after.id, audit),
      ];
      if (dedupeKey) actions.push(["create", { partitionKey: contributionPartition(after.contractId, after.id), rowKey: dedupeRow(after.id, dedupeKey), at: audit.at }]);
      let etag: string | undefined;
      try {
        const result = await this.t.clients.contributions.submitTransaction(actions);
        etag = result.subResponses[0]?.etag;
      } catch (e) {
        const status = statusOf(e);
        if (status === 412 || status === 404) throw new StaleEtagError(`Contribution ${after.id}`);
        if (status === 409) return { outcome: "duplicate" as const };
        throw e;
      }
      if (wasOwed && (!isOwed || dueMoved)) await this.dropDueEntry(old.evidenceDueDate, old.contractId, old.id);
      if (!etag) etag = (await this.t.read("contributions", contributionPartition(after.contractId, after.id), contributionRow(after.id)))?.etag ?? "";
      return { outcome: "updated" as const, etag };
    });
  }

  /** After the contribution itself is saved, a stale index entry is only untidy: readers verify entries and drop it later. */
  private async dropDueEntry(dueDate: IsoDate, contractId: string, id: string): Promise<void> {
    try {
      await this.t.clients.due.deleteEntity(bucketed(dueDate, id.charAt(3)), indexRow(contractId, id));
    } catch (e) {
      if (statusOf(e) !== 404) this.t.options.warn(`Could not remove the evidence-due index entry ${dueDate} ${contractId}|${id}; it will be removed when next read`, e);
    }
  }

  wasApplied(contractId: string, id: string, dedupeKey: string): Promise<boolean> {
    return this.t.io(async () => (await this.t.read("contributions", contributionPartition(contractId, id), dedupeRow(id, dedupeKey))) !== undefined);
  }

  listContributions(query: ContributionQuery, request: PageRequest): Promise<Page<Contribution>> {
    return this.t.io(async () => {
      if (query.contractId !== undefined) return this.t.page("contributions", contractFilter(query.contractId, query), request, toContribution);
      if (query.overdueOn !== undefined) return this.listOverdueAcrossContracts(query.overdueOn, query, request);
      if (query.supplierKey !== undefined) return this.listForSupplier(query.supplierKey, query, request);
      const all = odata`RowKey ge ${ROW.contribution} and RowKey lt ${prefixEnd(ROW.contribution)}`;
      return this.t.page("contributions", all + propertyFilters(query), request, toContribution);
    });
  }

  /** Overdue everywhere, from the due-date index: only entries due before `today`, never a scan of contributions. */
  private async listOverdueAcrossContracts(today: IsoDate, query: ContributionQuery, request: PageRequest): Promise<Page<Contribution>> {
    let filter = odata`PartitionKey lt ${today}`;
    if (query.supplierKey !== undefined) filter += odata` and supplierKey eq ${query.supplierKey}`;
    const index = await this.t.page("due", filter, request, (e) => e);
    const found = await this.verifyDueEntries(index.items);
    const wanted = found.filter((c) => (query.status === undefined || c.evidenceStatus === query.status) && matchesNeedsLook(c, query));
    return { items: wanted, continuationToken: index.continuationToken };
  }

  listEvidenceOwed(dueOnOrBefore: IsoDate, request: PageRequest): Promise<Page<Contribution>> {
    return this.t.io(async () => {
      // "2026-10-30|K" sorts below "2026-10-31": the partitions before tomorrow are exactly "due on or before".
      const index = await this.t.page("due", odata`PartitionKey lt ${addDays(dueOnOrBefore, 1)}`, request, (e) => e);
      return { items: await this.verifyDueEntries(index.items), continuationToken: index.continuationToken };
    });
  }

  /** The contributions index entries name, skipping (and removing) entries whose contribution has moved on. */
  private async verifyDueEntries(entries: Entity[]): Promise<Contribution[]> {
    const found = await mapWithLimit(entries, VERIFY_CONCURRENCY, async (entry) => {
      const contractId = str(entry.contractId) ?? "";
      const id = str(entry.contributionId) ?? "";
      const stored = await this.t.read("contributions", contributionPartition(contractId, id), contributionRow(id));
      if (!stored) return undefined; // written ahead of a contribution that is not (yet) saved
      const c = toContribution(stored);
      const dueDate = str(entry.dueDate) ?? "";
      if (!isAwaitingEvidence(c.evidenceStatus) || c.evidenceDueDate !== dueDate) {
        await this.dropDueEntry(dueDate, contractId, id);
        return undefined;
      }
      return c;
    });
    return found.filter((c): c is Contribution => c !== undefined);
  }

  private async listForSupplier(key: string, query: ContributionQuery, request: PageRequest): Promise<Page<Contribution>> {
    const index = await this.t.page("suppliers", odata`PartitionKey eq ${boundedKeyPart(key)}`, request, (e) => e);
    const found = await mapWithLimit(index.items, VERIFY_CONCURRENCY, async (entry) => {
      const id = str(entry.contributionId) ?? "";
      const stored = await this.t.read("contributions", contributionPartition(str(entry.contractId) ?? "", id), contributionRow(id));
      if (!stored) return undefined;
      const c = toContribution(stored);
      if (supplierKey(c.supplier) !== key) return undefined;
      return (query.status === undefined || c.evidenceStatus === query.status) && matchesNeedsLook(c, query) ? c : undefined;
    });
    return { items: found.filter((c): c is Contribution => c !== undefined), continuationToken: index.continuationToken };
  }

  acceptedValues(contractId: string): Promise<{ measureCode: string; value: number | null }[]> {
    return this.t.io(async () => {
      const rows = await this.t.all("contributions", contractFilter(contractId, { status: "accepted" }), ["measureCode", "value"]);
      return rows.map((e) => ({ measureCode: str(e.measureCode) ?? "", value: typeof e.value === "number" ? e.value : null }));
    });
  }

  countOverdue(contractId: string, today: IsoDate): Promise<number> {
    return this.t.io(async () => (await this.t.all("contributions", contractFilter(contractId, { overdueOn: today }), ["id"])).length);
  }

  addAuditEntries(entries: KeyedAuditEntry[]): Promise<void> {
    return this.t.io(async () => {
      const byPartition = new Map<string, TransactionAction[]>();
      for (const { contractId, contributionId, key, entry } of entries) {
        const partitionKey = contributionPartition(contractId, contributionId);
        // The key in place of the random suffix: the same entry written twice is one entry.
        const rowKey = `${auditPrefix(contributionId)}${entry.at}|90${key}`;
        const actions = byPartition.get(partitionKey) ?? [];
        actions.push(["upsert", { partitionKey, rowKey, ...entry }, "Replace"]);
        byPartition.set(partitionKey, actions);
      }
      const batches = [...byPartition.values()].flatMap((actions) => Array.from({ length: Math.ceil(actions.length / 100) }, (_, i) => actions.slice(i * 100, (i + 1) * 100)));
      await mapWithLimit(batches, VERIFY_CONCURRENCY, (batch) => this.t.clients.contributions.submitTransaction(batch));
    });
  }
}

const matchesNeedsLook = (c: Contribution, query: ContributionQuery) => query.needsLook === undefined || c.warnings.length > 0 === query.needsLook;

/** The EvidenceDue index entry of a contribution that owes evidence. */
export function evidenceDueEntity(c: Contribution): TableEntity {
  return {
    // "2026-10-30|K" sorts before "2026-11-26", so `PartitionKey lt today` is exactly "due before today".
    partitionKey: bucketed(c.evidenceDueDate, c.id.charAt(3)),
    rowKey: indexRow(c.contractId, c.id),
    dueDate: c.evidenceDueDate,
    contractId: c.contractId,
    contributionId: c.id,
    supplierKey: supplierKey(c.supplier),
    responder: c.responder,
  };
}

/** A contract's contributions, narrowed by the filters that are properties of the contribution row. */
/** A contract's contributions as one range query; exported for the ingestion benchmark's raw listing peer. */
export function contractFilter(contractId: string, query: ContributionQuery): string {
  const range = contractPartitionRange(contractId);
  return (
    odata`PartitionKey ge ${range.from} and PartitionKey lt ${range.to} and RowKey ge ${ROW.contribution} and RowKey lt ${prefixEnd(ROW.contribution)}` +
    propertyFilters(query)
  );
}

function propertyFilters(query: ContributionQuery): string {
  let filter = "";
  if (query.needsLook !== undefined) filter += odata` and needsLook eq ${query.needsLook}`;
  if (query.status !== undefined) filter += odata` and evidenceStatus eq ${query.status}`;
  if (query.supplierKey !== undefined) filter += odata` and supplierKey eq ${query.supplierKey}`;
  if (query.overdueOn !== undefined) {
    filter += odata` and (evidenceStatus eq ${"missing"} or evidenceStatus eq ${"rejected"}) and evidenceDueDate lt ${query.overdueOn}`;
  }
  return filter;
}

/** The contribution's own row; exported for bulk loads (the chase benchmark) that write it in transactions. */
export function contributionEntity(c: Contribution, inboxId?: string): TableEntity {
  return withoutUndefined({
    partitionKey: contributionPartition(c.contractId, c.id),
    rowKey: contributionRow(c.id),
    id: c.id,
    contractId: c.contractId,
    supplier: c.supplier,
    supplierKey: supplierKey(c.supplier),
    responder: c.responder,
    measureCode: c.measureCode,
    // Explicit Double: an integer-looking number would otherwise be sent as Int32 and overflow past £2.1bn.
    quantity: double(c.quantity),
    periodStart: c.periodStart,
    periodEnd: c.periodEnd,
    description: c.description,
    ...toChunks("evidence", JSON.stringify(c.evidence)),
    evidenceStatus: c.evidenceStatus,
    evidenceDueDate: c.evidenceDueDate,
    value: c.value === null ? undefined : double(c.value),
    packId: c.packId,
    packEdition: c.packEdition,
    source: JSON.stringify(c.source),
    submittedAt: c.submittedAt,
    reviewedBy: c.reviewedBy,
    reviewedAt: c.reviewedAt,
    rejectionReason: c.rejectionReason,
    ...toChunks("warnings", JSON.stringify(c.warnings)),
    // A property of its own, so "needs a look" is a filter on the listing, not a scan.
    needsLook: c.warnings.length > 0,
    inboxId,
  });
}

function toContribution(e: Entity): Contribution {
  return withoutUndefined({
    id: str(e.id) ?? "",
    contractId: str(e.contractId) ?? "",
    supplier: str(e.supplier) ?? "",
    responder: str(e.responder) ?? "",
    measureCode: str(e.measureCode) ?? "",
    quantity: Number(e.quantity),
    periodStart: str(e.periodStart) ?? "",
    periodEnd: str(e.periodEnd) ?? "",
    description: str(e.description) ?? "",
    evidence: JSON.parse(fromChunks(e, "evidence") || "[]") as EvidenceLink[],
    evidenceStatus: e.evidenceStatus as EvidenceStatus,
    evidenceDueDate: str(e.evidenceDueDate) ?? "",
    value: typeof e.value === "number" ? e.value : null,
    packId: str(e.packId) ?? "",
    packEdition: str(e.packEdition) ?? "",
    source: JSON.parse(str(e.source) ?? "{}") as Contribution["source"],
    submittedAt: str(e.submittedAt) ?? "",
    reviewedBy: str(e.reviewedBy),
    reviewedAt: str(e.reviewedAt),
    rejectionReason: str(e.rejectionReason),
    warnings: JSON.parse(fromChunks(e, "warnings") || "[]") as Warning[],
  });
}
