import { randomBytes, randomUUID } from "node:crypto";
import { odata, RestError, TableClient, TableEntity, TransactionAction } from "@azure/data-tables";
import { addDays, isAwaitingEvidence, supplierKey } from "../../../shared";
import type { AuditEntry, Commitment, Contract, Contribution, EvidenceLink, EvidenceStatus, IsoDate, PackSummary, Problem, QuarantineItem } from "../../../shared";
import type { ChaseLedgerStore } from "../chase/ledgerPort";
import { TableChaseLedger } from "../chase/tableChaseLedger";
import { TableFormsPullStore } from "../formsPull/watermarks";
import type { FormsPullStore } from "../formsPull/watermarks";
import { fromChunks, toChunks } from "./chunks";
import { readEntity, statusOf, str, withoutUndefined } from "./entities";
import type { Entity } from "./entities";
import { tableClient } from "./connection";
import type { TableConnection } from "./connection";
import { StaleEtagError, StorageUnavailableError } from "./errors";
import { boundedKeyPart, bucketed, contractPartitionRange, contributionPartition, fromKeyPart, keyPart, prefixEnd, ROW } from "./keys";
import { sameOwner } from "./ledgerStore";
import type {
  ContributionQuery,
  CreateOutcome,
  InboxEntry,
  KeyedAuditEntry,
  LedgerStore,
  Page,
  PageRequest,
  RawSubmission,
  ReferenceOwner,
  Stored,
  StoredPack,
  UpdateOutcome,
} from "./ledgerStore";
import { mapWithLimit } from "../concurrency";

/** Table names without the prefix; see api/STORAGE.md for what each holds and how it is keyed. */
export const TABLES = {
  inbox: "Inbox",
  quarantine: "Quarantine",
  packs: "Packs",
  contracts: "Contracts",
  commitments: "Commitments",
  contributions: "Contributions",
  refs: "ContributionRefs",
  due: "EvidenceDue",
  suppliers: "SupplierContributions",
  chaseLedger: "ChaseLedger",
  formsPull: "FormsPull",
} as const;
type TableName = keyof typeof TABLES;

const CONTRACT_PARTITION = "contract";
const QUARANTINE_PARTITION = "quarantine";
const COMMITMENTS_ROW = "current";
const REF_ROW = "ref";
/** Reads that check index entries run this many at a time. */
const VERIFY_CONCURRENCY = 32;

export interface TableStoreOptions {
  connection: TableConnection;
  tablePrefix: string;
  timeoutMs: number;
  /** Storage requests in flight at once, across all tables; more wait their turn (within timeoutMs). */
  maxConcurrentRequests: number;
  /** Told about index clean-ups that failed after the data itself was saved (they are retried on the next read). */
  warn: (message: string, error: unknown) => void;
}

const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "REQUEST_SEND_ERROR"]);

/** Refused, reset, timed out or a 5xx from the service: the request may work later. */
function isStorageUnavailable(e: unknown): boolean {
  if (e instanceof StorageUnavailableError) return true;
  if (!(e instanceof Error)) return false;
  if (e.name === "AbortError" || e.name === "TimeoutError") return true;
  const code = (e as { code?: unknown }).code;
  if (typeof code === "string" && NETWORK_CODES.has(code)) return true;
  if (e instanceof RestError) return e.statusCode === undefined || e.statusCode === 408 || e.statusCode >= 500;
  return false;
}

const double = (value: number) => ({ value, type: "Double" as const });

const contributionRow = (id: string) => ROW.contribution + id;
const auditPrefix = (id: string) => `${ROW.audit}${id}|`;
const dedupeRow = (id: string, key: string) => `${ROW.formKey}${id}|${key}`;
const indexRow = (contractId: string, id: string) => `${contractId}|${id}`;

/** A counting semaphore; a waiter gives up when its deadline passes. */
class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(size: number) {
    this.free = size;
  }

  acquire(deadline: AbortSignal): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const grant = () => {
        deadline.removeEventListener("abort", giveUp);
        resolve();
      };
      const giveUp = () => {
        const i = this.waiting.indexOf(grant);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(deadline.reason);
      };
      deadline.addEventListener("abort", giveUp, { once: true });
      this.waiting.push(grant);
    });
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

export class TableLedgerStore implements LedgerStore {
  private readonly tables: Record<TableName, TableClient>;
  /** Contracts this instance read lately, for callers that accept a copy a few seconds old. */
  private readonly recentContracts = new Map<string, { at: number; stored: Stored<Contract> }>();

  constructor(private readonly options: TableStoreOptions) {
    const slots = new Slots(options.maxConcurrentRequests);
    const make = (name: string) => {
      const client = tableClient(options.connection, `${options.tablePrefix}${name}`, {
        // A few quick retries ride out a blip; past that the caller answers 503 and the sender retries.
        retryOptions: { maxRetries: 2, retryDelayInMs: 100, maxRetryDelayInMs: 800 },
      });
      // One deadline per storage call, retries included. AbortSignal.timeout's timer is unref'd, so a
      // refused connection leaves nothing behind that keeps the process alive.
      client.pipeline.addPolicy({
        name: "svlDeadline",
        sendRequest: async (request, next) => {
          const deadline = AbortSignal.timeout(options.timeoutMs);
          const caller = request.abortSignal;
          request.abortSignal = caller instanceof AbortSignal ? AbortSignal.any([caller, deadline]) : deadline;
          // A bounded number of requests in flight: storage (Azurite above all) answers more per second
          // with a short queue here than with every request on its own socket at once.
          await slots.acquire(deadline);
          try {
            return await next(request);
          } finally {
            slots.release();
          }
        },
      });
      return client;
    };
    this.tables = Object.fromEntries(Object.entries(TABLES).map(([k, name]) => [k, make(name)])) as Record<TableName, TableClient>;
  }

  /** Every storage call goes through here, so a network failure surfaces as one error type. */
  private async io<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (e) {
      if (isStorageUnavailable(e)) throw new StorageUnavailableError(e);
      throw e;
    }
  }

  private read(table: TableName, pk: string, rk: string): Promise<Entity | undefined> {
    return readEntity(this.tables[table], pk, rk);
  }

  /** Insert-if-absent: false when the key exists (409 EntityAlreadyExists). */
  private async insert(table: TableName, entity: TableEntity): Promise<string | undefined> {
    try {
      return (await this.tables[table].createEntity(entity)).etag ?? "";
    } catch (e) {
      if (statusOf(e) === 409) return undefined;
      throw e;
    }
  }

  private async page<T>(table: TableName, filter: string, request: PageRequest, map: (e: Entity) => T, select?: string[]): Promise<Page<T>> {
    const pages = this.tables[table]
      .listEntities<Record<string, unknown>>({ queryOptions: { filter, select } })
      .byPage({ maxPageSize: request.pageSize, continuationToken: request.continuationToken });
    const first = await pages.next();
    if (first.done) return { items: [] };
    return { items: first.value.map(map), continuationToken: first.value.continuationToken };
  }

  private async all(table: TableName, filter: string, select?: string[]): Promise<Entity[]> {
    const out: Entity[] = [];
    for await (const e of this.tables[table].listEntities<Record<string, unknown>>({ queryOptions: { filter, select } })) out.push(e);
    return out;
  }

  prepare(): Promise<void> {
    return this.io(async () => {
      await Promise.all(Object.values(this.tables).map((t) => t.createTable()));
    });
  }

  ping(): Promise<void> {
    return this.io(async () => {
      await this.read("refs", "ping", "ping");
    });
  }

  // ---- raw inbox and quarantine ----

  private inboxEntity(raw: RawSubmission): { entry: InboxEntry; entity: TableEntity } {
    const uuid = randomUUID();
    const id = `${raw.receivedAt}|${uuid}`;
    const entity = {
      // An hour of arrivals spread over 16 partitions: no hot partition however fast the flow posts.
      partitionKey: bucketed(raw.receivedAt.slice(0, 13), uuid.charAt(0)),
      rowKey: id,
      receivedAt: raw.receivedAt,
      contentType: raw.contentType,
      encoding: raw.encoding,
      ...toChunks("body", raw.body),
    };
    return { entry: { id, receivedAt: raw.receivedAt }, entity };
  }

  storeRaw(raw: RawSubmission): Promise<InboxEntry> {
    return this.io(async () => {
      const { entry, entity } = this.inboxEntity(raw);
      await this.tables.inbox.createEntity(entity);
      return entry;
    });
  }

  storeRawMany(raws: RawSubmission[]): Promise<InboxEntry[]> {
    return this.io(async () => {
      const built = raws.map((raw) => this.inboxEntity(raw));
      // One transaction per partition and at most 100 entities or about 2 MB of text (a transaction carries 4 MiB).
      const batches: TransactionAction[][] = [];
      const open = new Map<string, { actions: TransactionAction[]; size: number }>();
      for (const { entity } of built) {
        const size = JSON.stringify(entity).length;
        let batch = open.get(entity.partitionKey);
        if (!batch || batch.actions.length === 100 || batch.size + size > 2_000_000) {
          batch = { actions: [], size: 0 };
          open.set(entity.partitionKey, batch);
          batches.push(batch.actions);
        }
        batch.actions.push(["create", entity]);
        batch.size += size;
      }
      await mapWithLimit(batches, VERIFY_CONCURRENCY, (actions) => this.tables.inbox.submitTransaction(actions));
      return built.map((b) => b.entry);
    });
  }

  addToQuarantine(item: QuarantineItem): Promise<void> {
    return this.io(async () => {
      // Newest first: the row key starts with the time counted down.
      const countdown = String(9_999_999_999_999 - Date.parse(item.receivedAt)).padStart(13, "0");
      await this.tables.quarantine.upsertEntity(
        withoutUndefined({
          partitionKey: QUARANTINE_PARTITION,
          rowKey: `${countdown}|${keyPart(item.id)}`,
          id: item.id,
          receivedAt: item.receivedAt,
          contentType: item.contentType,
          formId: item.formId,
          responseId: item.responseId,
          ...toChunks("reasons", JSON.stringify(item.reasons)),
          ...toChunks("raw", item.raw),
        }),
        "Replace",
      );
    });
  }

  listQuarantine(request: PageRequest): Promise<Page<QuarantineItem>> {
    return this.io(() =>
      this.page("quarantine", odata`PartitionKey eq ${QUARANTINE_PARTITION}`, request, (e) =>
        withoutUndefined({
          id: str(e.id) ?? "",
          receivedAt: str(e.receivedAt) ?? "",
          contentType: str(e.contentType) ?? "",
          formId: str(e.formId),
          responseId: str(e.responseId),
          reasons: JSON.parse(fromChunks(e, "reasons")) as Problem[],
          raw: fromChunks(e, "raw"),
        }),
      ),
    );
  }

  // ---- framework packs ----

  listPacks(): Promise<PackSummary[]> {
    return this.io(async () => {
      const rows = await this.all("packs", "", ["PartitionKey", "RowKey", "name", "illustrative", "licence", "source", "measureCount", "uploadedAt", "uploadedBy"]);
      return rows.map((e) =>
        withoutUndefined({
          id: e.partitionKey ?? "",
          edition: fromKeyPart(e.rowKey ?? ""),
          name: str(e.name) ?? "",
          illustrative: e.illustrative === true,
          licence: str(e.licence) ?? "",
          source: str(e.source) ?? "",
          measureCount: typeof e.measureCount === "number" ? e.measureCount : 0,
          bundled: false,
          uploadedAt: str(e.uploadedAt),
          uploadedBy: str(e.uploadedBy),
        }),
      );
    });
  }

  getPack(id: string, edition: string): Promise<StoredPack | undefined> {
    return this.io(async () => {
      const e = await this.read("packs", id, keyPart(edition));
      if (!e) return undefined;
      return { pack: JSON.parse(fromChunks(e, "doc")), uploadedAt: str(e.uploadedAt) ?? "", uploadedBy: str(e.uploadedBy) ?? "" };
    });
  }

  addPack(stored: StoredPack): Promise<boolean> {
    const { pack } = stored;
    return this.io(async () => {
      const etag = await this.insert("packs", {
        partitionKey: pack.id,
        rowKey: keyPart(pack.edition),
        name: pack.name,
        illustrative: pack.illustrative,
        licence: pack.licence,
        source: pack.source,
        measureCount: pack.measures.length,
        uploadedAt: stored.uploadedAt,
        uploadedBy: stored.uploadedBy,
        ...toChunks("doc", JSON.stringify(pack)),
      });
      return etag !== undefined;
    });
  }

  // ---- contracts and commitments ----

  private contractEntity(contract: Contract): TableEntity {
    return { partitionKey: CONTRACT_PARTITION, rowKey: contract.id, ...toChunks("doc", JSON.stringify(contract)) };
  }

  createContract(contract: Contract): Promise<Stored<Contract> | undefined> {
    return this.io(async () => {
      const etag = await this.insert("contracts", this.contractEntity(contract));
      return etag === undefined ? undefined : { value: contract, etag };
    });
  }

  getContract(id: string, options: { maxAgeMs?: number } = {}): Promise<Stored<Contract> | undefined> {
    const cached = this.recentContracts.get(id);
    if (cached && options.maxAgeMs !== undefined && Date.now() - cached.at <= options.maxAgeMs) return Promise.resolve(cached.stored);
    return this.io(async () => {
      const e = await this.read("contracts", CONTRACT_PARTITION, id);
      if (!e) return undefined;
      const stored = { value: JSON.parse(fromChunks(e, "doc")) as Contract, etag: e.etag };
      this.remember(stored);
      return stored;
    });
  }

  private remember(stored: Stored<Contract>): void {
    if (this.recentContracts.size >= 1000) this.recentContracts.clear();
    this.recentContracts.set(stored.value.id, { at: Date.now(), stored });
  }

  listContracts(request: PageRequest): Promise<Page<Contract>> {
    return this.io(() =>
      this.page("contracts", odata`PartitionKey eq ${CONTRACT_PARTITION}`, request, (e) => JSON.parse(fromChunks(e, "doc")) as Contract),
    );
  }

  replaceContract(contract: Contract, ifMatch: string): Promise<Stored<Contract>> {
    return this.io(async () => {
      try {
        const res = await this.tables.contracts.updateEntity(this.contractEntity(contract), "Replace", { etag: ifMatch });
        const stored = { value: contract, etag: res.etag ?? "" };
        this.remember(stored);
        return stored;
      } catch (e) {
        if (statusOf(e) === 412) throw new StaleEtagError(`Contract ${contract.id}`);
        throw e;
      }
    });
  }

  getCommitments(contractId: string): Promise<Commitment[]> {
    return this.io(async () => {
      const e = await this.read("commitments", contractId, COMMITMENTS_ROW);
      return e ? (JSON.parse(fromChunks(e, "doc")) as Commitment[]) : [];
    });
  }

  putCommitments(contractId: string, commitments: Commitment[]): Promise<void> {
    return this.io(async () => {
      // One entity holds the whole list, so a replace is atomic however many commitments there are.
      await this.tables.commitments.upsertEntity(
        { partitionKey: contractId, rowKey: COMMITMENTS_ROW, ...toChunks("doc", JSON.stringify(commitments)) },
        "Replace",
      );
    });
  }

  // ---- contributions ----

  private async findReferenceRaw(id: string): Promise<ReferenceOwner | undefined> {
    const e = await this.read("refs", id, REF_ROW);
    return e ? withoutUndefined({ contractId: str(e.contractId) ?? "", formId: str(e.formId), responseId: str(e.responseId) }) : undefined;
  }

  findReference(id: string): Promise<ReferenceOwner | undefined> {
    return this.io(() => this.findReferenceRaw(id));
  }

  /** Row keys sort by time, then by position among entries written together (created, then evidence-submitted). */
  private auditAction(contractId: string, id: string, entry: AuditEntry, position = 0): TransactionAction {
    const suffix = `${String(position).padStart(2, "0")}${randomBytes(4).toString("hex")}`;
    return ["create", { partitionKey: contributionPartition(contractId, id), rowKey: `${auditPrefix(id)}${entry.at}|${suffix}`, ...entry }];
  }

  createContribution(c: Contribution, audit: AuditEntry[], options: { owner: ReferenceOwner; inboxId?: string }): Promise<CreateOutcome> {
    return this.io(async () => {
      // The claim and the index entries go together, before the transaction: once the contribution
      // exists, its index entries exist too. Entries written for a claim that fails, or before a
      // failure, point at no contribution of theirs; every reader verifies entries and skips those.
      const [claimed] = await Promise.all([
        this.insert("refs", withoutUndefined({ partitionKey: c.id, rowKey: REF_ROW, ...options.owner })),
        this.tables.suppliers.upsertEntity(
          { partitionKey: boundedKeyPart(supplierKey(c.supplier)), rowKey: indexRow(c.contractId, c.id), contractId: c.contractId, contributionId: c.id },
          "Replace",
        ),
        isAwaitingEvidence(c.evidenceStatus) ? this.tables.due.upsertEntity(evidenceDueEntity(c), "Replace") : undefined,
      ]);
      if (claimed === undefined) {
        const owner = await this.findReferenceRaw(c.id);
        if (!owner) throw new StorageUnavailableError(new Error(`reference ${c.id} was reported taken but cannot be read`));
        // Our own claim from an earlier attempt: finish the job. Anyone else's: not ours to touch.
        if (!sameOwner(owner, options.owner)) return { outcome: "taken" as const, owner };
      }
      try {
        await this.tables.contributions.submitTransaction([
          ["create", contributionEntity(c, options.inboxId)],
          ...audit.map((entry, i) => this.auditAction(c.contractId, c.id, entry, i)),
        ]);
        return { outcome: "created" as const };
      } catch (e) {
        if (statusOf(e) === 409) return { outcome: "exists" as const };
        throw e;
      }
    });
  }

  getContribution(contractId: string, id: string): Promise<Stored<Contribution> | undefined> {
    return this.io(async () => {
      const e = await this.read("contributions", contributionPartition(contractId, id), contributionRow(id));
      return e ? withoutUndefined({ value: toContribution(e), etag: e.etag, inboxId: str(e.inboxId) }) : undefined;
    });
  }

  auditTrail(contractId: string, id: string): Promise<AuditEntry[]> {
    return this.io(async () => {
      const prefix = auditPrefix(id);
      const rows = await this.all("contributions", odata`PartitionKey eq ${contributionPartition(contractId, id)} and RowKey ge ${prefix} and RowKey lt ${prefixEnd(prefix)}`);
      return rows.map((e) => ({ at: str(e.at) ?? "", actor: str(e.actor) ?? "", action: e.action as AuditEntry["action"], detail: str(e.detail) ?? "" }));
    });
  }

  updateContribution(before: Stored<Contribution>, after: Contribution, audit: AuditEntry, dedupeKey?: string): Promise<UpdateOutcome> {
    return this.io(async () => {
      const old = before.value;
      const wasOwed = isAwaitingEvidence(old.evidenceStatus);
      const isOwed = isAwaitingEvidence(after.evidenceStatus);
      const dueMoved = old.evidenceDueDate !== after.evidenceDueDate;
      if (isOwed && (!wasOwed || dueMoved)) await this.tables.due.upsertEntity(evidenceDueEntity(after), "Replace");

      const actions: TransactionAction[] = [
        ["update", contributionEntity(after, before.inboxId), "Replace", { etag: before.etag }],
        this.auditAction(after.contractId, after.id, audit),
      ];
      if (dedupeKey) actions.push(["create", { partitionKey: contributionPartition(after.contractId, after.id), rowKey: dedupeRow(after.id, dedupeKey), at: audit.at }]);
      let etag: string | undefined;
      try {
        const result = await this.tables.contributions.submitTransaction(actions);
        etag = result.subResponses[0]?.etag;
      } catch (e) {
        const status = statusOf(e);
        if (status === 412 || status === 404) throw new StaleEtagError(`Contribution ${after.id}`);
        if (status === 409) return { outcome: "duplicate" as const };
        throw e;
      }
      if (wasOwed && (!isOwed || dueMoved)) await this.dropDueEntry(old.evidenceDueDate, old.contractId, old.id);
      if (!etag) etag = (await this.read("contributions", contributionPartition(after.contractId, after.id), contributionRow(after.id)))?.etag ?? "";
      return { outcome: "updated" as const, etag };
    });
  }

  /** After the contribution itself is saved, a stale index entry is only untidy: readers verify entries and drop it later. */
  private async dropDueEntry(dueDate: IsoDate, contractId: string, id: string): Promise<void> {
    try {
      await this.tables.due.deleteEntity(bucketed(dueDate, id.charAt(3)), indexRow(contractId, id));
    } catch (e) {
      if (statusOf(e) !== 404) this.options.warn(`Could not remove the evidence-due index entry ${dueDate} ${contractId}|${id}; it will be removed when next read`, e);
    }
  }

  wasApplied(contractId: string, id: string, dedupeKey: string): Promise<boolean> {
    return this.io(async () => (await this.read("contributions", contributionPartition(contractId, id), dedupeRow(id, dedupeKey))) !== undefined);
  }

  listContributions(query: ContributionQuery, request: PageRequest): Promise<Page<Contribution>> {
    return this.io(async () => {
      if (query.contractId !== undefined) return this.page("contributions", contractFilter(query.contractId, query), request, toContribution);
      if (query.overdueOn !== undefined) return this.listOverdueAcrossContracts(query.overdueOn, query, request);
      if (query.supplierKey !== undefined) return this.listForSupplier(query.supplierKey, query, request);
      const all = odata`RowKey ge ${ROW.contribution} and RowKey lt ${prefixEnd(ROW.contribution)}`;
      return this.page("contributions", all + propertyFilters(query), request, toContribution);
    });
  }

  /** Overdue everywhere, from the due-date index: only entries due before `today`, never a scan of contributions. */
  private async listOverdueAcrossContracts(today: IsoDate, query: ContributionQuery, request: PageRequest): Promise<Page<Contribution>> {
    let filter = odata`PartitionKey lt ${today}`;
    if (query.supplierKey !== undefined) filter += odata` and supplierKey eq ${query.supplierKey}`;
    const index = await this.page("due", filter, request, (e) => e);
    const found = await this.verifyDueEntries(index.items);
    const wanted = found.filter((c) => query.status === undefined || c.evidenceStatus === query.status);
    return { items: wanted, continuationToken: index.continuationToken };
  }

  listEvidenceOwed(dueOnOrBefore: IsoDate, request: PageRequest): Promise<Page<Contribution>> {
    return this.io(async () => {
      // "2026-10-30|K" sorts below "2026-10-31": the partitions before tomorrow are exactly "due on or before".
      const index = await this.page("due", odata`PartitionKey lt ${addDays(dueOnOrBefore, 1)}`, request, (e) => e);
      return { items: await this.verifyDueEntries(index.items), continuationToken: index.continuationToken };
    });
  }

  /** The contributions index entries name, skipping (and removing) entries whose contribution has moved on. */
  private async verifyDueEntries(entries: Entity[]): Promise<Contribution[]> {
    const found = await mapWithLimit(entries, VERIFY_CONCURRENCY, async (entry) => {
      const contractId = str(entry.contractId) ?? "";
      const id = str(entry.contributionId) ?? "";
      const stored = await this.read("contributions", contributionPartition(contractId, id), contributionRow(id));
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
    const index = await this.page("suppliers", odata`PartitionKey eq ${boundedKeyPart(key)}`, request, (e) => e);
    const found = await mapWithLimit(index.items, VERIFY_CONCURRENCY, async (entry) => {
      const id = str(entry.contributionId) ?? "";
      const stored = await this.read("contributions", contributionPartition(str(entry.contractId) ?? "", id), contributionRow(id));
      if (!stored) return undefined;
      const c = toContribution(stored);
      if (supplierKey(c.supplier) !== key) return undefined;
      return query.status === undefined || c.evidenceStatus === query.status ? c : undefined;
    });
    return { items: found.filter((c): c is Contribution => c !== undefined), continuationToken: index.continuationToken };
  }

  acceptedValues(contractId: string): Promise<{ measureCode: string; value: number | null }[]> {
    return this.io(async () => {
      const rows = await this.all("contributions", contractFilter(contractId, { status: "accepted" }), ["measureCode", "value"]);
      return rows.map((e) => ({ measureCode: str(e.measureCode) ?? "", value: typeof e.value === "number" ? e.value : null }));
    });
  }

  countOverdue(contractId: string, today: IsoDate): Promise<number> {
    return this.io(async () => (await this.all("contributions", contractFilter(contractId, { overdueOn: today }), ["id"])).length);
  }

  addAuditEntries(entries: KeyedAuditEntry[]): Promise<void> {
    return this.io(async () => {
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
      await mapWithLimit(batches, VERIFY_CONCURRENCY, (batch) => this.tables.contributions.submitTransaction(batch));
    });
  }

  private chaseStore?: ChaseLedgerStore;
  private formsPullStore?: FormsPullStore;

  get chase(): ChaseLedgerStore {
    this.chaseStore ??= new TableChaseLedger(this.tables.chaseLedger, (operation) => this.io(operation));
    return this.chaseStore;
  }

  get formsPull(): FormsPullStore {
    this.formsPullStore ??= new TableFormsPullStore(this.tables.formsPull, (operation) => this.io(operation));
    return this.formsPullStore;
  }
}

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
function contractFilter(contractId: string, query: ContributionQuery): string {
  const range = contractPartitionRange(contractId);
  return (
    odata`PartitionKey ge ${range.from} and PartitionKey lt ${range.to} and RowKey ge ${ROW.contribution} and RowKey lt ${prefixEnd(ROW.contribution)}` +
    propertyFilters(query)
  );
}

function propertyFilters(query: ContributionQuery): string {
  let filter = "";
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
  });
}
