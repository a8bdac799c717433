import { odata } from "@azure/data-tables";
import type { TableClient, TableEntity, TransactionAction } from "@azure/data-tables";
import { ChaseRunStatusSchema } from "../../../shared";
import type { ChaseLedgerEntry, ChaseRole, ChaseRunStatus, IsoDate, QueuedRejectionNotice } from "../../../shared";
import { fromChunks, toChunks } from "./chunks";
import { readEntity, statusOf, str, withoutUndefined } from "./entities";
import type { Entity, Io } from "./entities";
import { keyPart } from "./keys";
import type { Page, PageRequest } from "./page";
import type { ChaseLease, ChaseLedgerStore, ChaseMessageRecord, ChaseScope, ExpiredLease, HistoryRecord, LeaseAnswer, StepClaim, StepRecord } from "./chaseLedgerPort";

/**
 * The chase ledger in one table, `ChaseLedger` (api/STORAGE.md):
 *
 * | PartitionKey          | RowKey                                   | holds                                   |
 * | `m|<run date>`        | `<recipient>|<kind>|<run id>`            | the message entry                       |
 * | `s|<recipient>`       | `<window start>|<step key>`              | step record → the message that carried it |
 * | `h|<contribution id>` | `<due date>|<step key>`                  | the item's history: rung, recipient → message |
 * | `queue`               | `<contribution id>|<queued at>`          | a rejection notice waiting for the chase |
 * | `c|<contract id>`     | `<9999999999999 − claimed ms>|<message id>` | pointer, newest first, per contract  |
 * | `c|*`                 | the same                                 | pointer, newest first, every contract   |
 * | `open`                | `<message id>`                           | a claim not yet finished                |
 * | `lease`               | `chase`                                  | the run lease (run id, expiry, scope)   |
 * | `run`                 | `<run id>`                               | a run's status and counts               |
 *
 * A message id is `<run date>|<recipient>|<kind>|<run id>`, so it names its own entry.
 */

const LEASE = { partitionKey: "lease", rowKey: "chase" } as const;
const OPEN = "open";
const RUN = "run";
const EVERY_CONTRACT = "*";
/** Entity-group transactions hold at most 100 operations. */
const BATCH = 100;


function messageKeys(id: string): { partitionKey: string; rowKey: string } {
  const [runDate, recipient, kind, runId, extra] = id.split("|");
  if (!runDate || !recipient || !kind || !runId || extra !== undefined) throw new RangeError(`"${id}" is not a chase message id`);
  return { partitionKey: `m|${runDate}`, rowKey: `${recipient}|${kind}|${runId}` };
}

const stepPartition = (recipient: string) => `s|${keyPart(recipient.toLowerCase())}`;
const historyPartition = (contributionId: string) => `h|${keyPart(contributionId)}`;
const QUEUE = "queue";
const queueRow = (n: Pick<QueuedRejectionNotice, "contributionId" | "queuedAt">) => `${keyPart(n.contributionId)}|${keyPart(n.queuedAt)}`;

function toNotice(e: Entity): QueuedRejectionNotice | undefined {
  const [contractId, contributionId, dueDate, queuedAt, queuedOn] = [e.contractId, e.contributionId, e.dueDate, e.queuedAt, e.queuedOn].map(str);
  return contractId && contributionId && dueDate && queuedAt && queuedOn ? { contractId, contributionId, dueDate, queuedAt, queuedOn } : undefined;
}
const pointerRow = (claimedAt: string, id: string) => `${String(9_999_999_999_999 - Date.parse(claimedAt)).padStart(13, "0")}|${id}`;

function messageEntity(entry: ChaseLedgerEntry, stepKeys: string[], mayHaveBeenSent: boolean): TableEntity {
  return withoutUndefined({
    ...messageKeys(entry.id),
    id: entry.id,
    runDate: entry.runDate,
    kind: entry.kind,
    recipientName: entry.recipient.name,
    recipientEmail: entry.recipient.email,
    role: entry.role,
    subject: entry.subject,
    outcome: entry.outcome,
    claimedAt: entry.claimedAt,
    finishedAt: entry.finishedAt,
    graphRequestId: entry.graphRequestId,
    failure: entry.failure,
    possibleDuplicate: entry.possibleDuplicate,
    mayHaveBeenSent: mayHaveBeenSent || undefined,
    ...toChunks("contractIds", JSON.stringify(entry.contractIds)),
    ...toChunks("contributionIds", JSON.stringify(entry.contributionIds)),
    ...toChunks("stepKeys", JSON.stringify(stepKeys)),
  });
}

function toRecord(e: Entity): ChaseMessageRecord {
  const entry: ChaseLedgerEntry = withoutUndefined({
    id: str(e.id) ?? "",
    runDate: str(e.runDate) ?? "",
    kind: e.kind as ChaseLedgerEntry["kind"],
    recipient: { name: str(e.recipientName) ?? "", email: str(e.recipientEmail) ?? "" },
    role: e.role as ChaseLedgerEntry["role"],
    subject: str(e.subject) ?? "",
    contractIds: JSON.parse(fromChunks(e, "contractIds") || "[]") as string[],
    contributionIds: JSON.parse(fromChunks(e, "contributionIds") || "[]") as string[],
    outcome: e.outcome as ChaseLedgerEntry["outcome"],
    claimedAt: str(e.claimedAt) ?? "",
    finishedAt: str(e.finishedAt),
    graphRequestId: str(e.graphRequestId),
    failure: str(e.failure),
    possibleDuplicate: e.possibleDuplicate === true ? true : undefined,
  });
  return { entry, stepKeys: JSON.parse(fromChunks(e, "stepKeys") || "[]") as string[], mayHaveBeenSent: e.mayHaveBeenSent === true };
}

export class TableChaseLedger implements ChaseLedgerStore {
  constructor(
    private readonly table: TableClient,
    private readonly io: Io,
  ) {}

  private read(partitionKey: string, rowKey: string): Promise<Entity | undefined> {
    return readEntity(this.table, partitionKey, rowKey);
  }

  // ---- the run lease ----

  acquireLease(runId: string, now: Date, ttlMs: number, scope: ChaseScope): Promise<LeaseAnswer> {
    return this.io(async () => {
      const expiresAt = new Date(now.getTime() + ttlMs).toISOString();
      const current = await this.read(LEASE.partitionKey, LEASE.rowKey);
      const entity = { ...LEASE, runId, expiresAt, scope };
      if (!current) {
        try {
          const created = await this.table.createEntity(entity);
          return { held: true as const, lease: { runId, expiresAt, etag: created.etag ?? "" } };
        } catch (e) {
          if (statusOf(e) !== 409) throw e;
          const winner = await this.read(LEASE.partitionKey, LEASE.rowKey);
          return { held: false as const, heldBy: str(winner?.runId) ?? "another run", expiresAt: str(winner?.expiresAt) ?? expiresAt };
        }
      }
      const heldBy = str(current.runId) ?? "";
      const until = str(current.expiresAt) ?? "";
      if (heldBy !== runId && Date.parse(until) > now.getTime()) return { held: false as const, heldBy, expiresAt: until };
      try {
        const updated = await this.table.updateEntity(entity, "Replace", { etag: current.etag });
        const lease = { runId, expiresAt, etag: updated.etag ?? "" };
        return heldBy && heldBy !== runId ? { held: true as const, lease, tookOverFrom: heldBy } : { held: true as const, lease };
      } catch (e) {
        if (statusOf(e) !== 412) throw e;
        return { held: false as const, heldBy: "another run", expiresAt: until };
      }
    });
  }

  expiredLease(now: Date): Promise<ExpiredLease | undefined> {
    return this.io(async () => {
      const current = await this.read(LEASE.partitionKey, LEASE.rowKey);
      const [runId, expiresAt] = [str(current?.runId), str(current?.expiresAt)];
      if (!runId || !expiresAt || Date.parse(expiresAt) > now.getTime()) return undefined;
      return { runId, expiresAt, scope: current?.scope === "rejection-notices" ? "rejection-notices" : "everything" };
    });
  }

  renewLease(lease: ChaseLease, now: Date, ttlMs: number): Promise<ChaseLease | undefined> {
    return this.io(async () => {
      const expiresAt = new Date(now.getTime() + ttlMs).toISOString();
      try {
        // Merge keeps the scope; the ETag makes sure the lease is still the one this run took.
        const updated = await this.table.updateEntity({ ...LEASE, runId: lease.runId, expiresAt }, "Merge", { etag: lease.etag });
        return { runId: lease.runId, expiresAt, etag: updated.etag ?? "" };
      } catch (e) {
        if (statusOf(e) === 412 || statusOf(e) === 404) return undefined;
        throw e;
      }
    });
  }

  releaseLease(lease: ChaseLease): Promise<boolean> {
    return this.io(async () => {
      try {
        await this.table.deleteEntity(LEASE.partitionKey, LEASE.rowKey, { etag: lease.etag });
        return true;
      } catch (e) {
        if (statusOf(e) === 412 || statusOf(e) === 404) return false;
        throw e;
      }
    });
  }

  // ---- runs ----

  saveRun(status: ChaseRunStatus): Promise<void> {
    return this.io(async () => {
      await this.table.upsertEntity(withoutUndefined({ partitionKey: RUN, rowKey: keyPart(status.runId), ...status }), "Replace");
    });
  }

  getRun(runId: string): Promise<ChaseRunStatus | undefined> {
    return this.io(async () => {
      const e = await this.read(RUN, keyPart(runId));
      if (!e) return undefined;
      const fields = Object.fromEntries(Object.keys(ChaseRunStatusSchema.shape).flatMap((k) => (e[k] === undefined ? [] : [[k, e[k]]])));
      return ChaseRunStatusSchema.parse(fields);
    });
  }

  // ---- messages ----

  claim(entry: ChaseLedgerEntry, steps: StepClaim[]): Promise<void> {
    return this.io(async () => {
      await this.table.upsertEntity({ partitionKey: OPEN, rowKey: entry.id, claimedAt: entry.claimedAt }, "Replace");
      await this.table.upsertEntity(messageEntity(entry, steps.map((s) => s.key), false), "Replace");
      const partition = stepPartition(entry.recipient.email);
      const actions: TransactionAction[] = steps.map((s) => [
        "upsert",
        { partitionKey: partition, rowKey: `${s.windowStart}|${keyPart(s.key)}`, stepKey: s.key, messageId: entry.id, runDate: entry.runDate },
        "Replace",
      ]);
      const writes: Promise<unknown>[] = [];
      for (let i = 0; i < actions.length; i += BATCH) writes.push(this.table.submitTransaction(actions.slice(i, i + BATCH)));
      // One partition per contribution, so a run reads an item's history with one query however long the ledger grows.
      for (const s of steps) {
        if (!s.item) continue;
        writes.push(
          this.table.upsertEntity(
            {
              partitionKey: historyPartition(s.item.contributionId),
              rowKey: `${s.item.dueDate}|${keyPart(s.key)}`,
              stepKey: s.key,
              role: s.item.role,
              recipient: entry.recipient.email,
              dueDate: s.item.dueDate,
              messageId: entry.id,
            },
            "Replace",
          ),
        );
      }
      for (const contract of [EVERY_CONTRACT, ...entry.contractIds]) {
        writes.push(this.table.upsertEntity({ partitionKey: `c|${contract}`, rowKey: pointerRow(entry.claimedAt, entry.id), messageId: entry.id }, "Replace"));
      }
      await Promise.all(writes);
    });
  }

  finish(entry: ChaseLedgerEntry, mayHaveBeenSent: boolean): Promise<void> {
    return this.io(async () => {
      await this.table.updateEntity(
        withoutUndefined({
          ...messageKeys(entry.id),
          outcome: entry.outcome,
          finishedAt: entry.finishedAt,
          graphRequestId: entry.graphRequestId,
          failure: entry.failure,
          possibleDuplicate: entry.possibleDuplicate,
          mayHaveBeenSent,
        }),
        "Merge",
      );
      await this.deleteOpen(entry.id);
    });
  }

  recordUnsent(entry: ChaseLedgerEntry, stepKeys: string[]): Promise<void> {
    return this.io(async () => {
      await this.table.upsertEntity(messageEntity(entry, stepKeys, false), "Replace");
      await Promise.all(
        [EVERY_CONTRACT, ...entry.contractIds].map((contract) =>
          this.table.upsertEntity({ partitionKey: `c|${contract}`, rowKey: pointerRow(entry.claimedAt, entry.id), messageId: entry.id }, "Replace"),
        ),
      );
    });
  }

  private async deleteOpen(id: string): Promise<void> {
    try {
      await this.table.deleteEntity(OPEN, id);
    } catch (e) {
      if (statusOf(e) !== 404) throw e;
    }
  }

  openClaims(): Promise<string[]> {
    return this.io(async () => {
      const ids: string[] = [];
      for await (const e of this.table.listEntities<Record<string, unknown>>({ queryOptions: { filter: odata`PartitionKey eq ${OPEN}`, select: ["RowKey"] } })) {
        if (e.rowKey) ids.push(e.rowKey);
      }
      return ids;
    });
  }

  closeClaim(messageId: string): Promise<void> {
    return this.io(() => this.deleteOpen(messageId));
  }

  getMessage(messageId: string): Promise<ChaseMessageRecord | undefined> {
    return this.io(async () => {
      const { partitionKey, rowKey } = messageKeys(messageId);
      const e = await this.read(partitionKey, rowKey);
      return e ? toRecord(e) : undefined;
    });
  }

  stepRecords(recipient: string, fromWindow: IsoDate): Promise<StepRecord[]> {
    return this.io(async () => {
      const records: StepRecord[] = [];
      const filter = odata`PartitionKey eq ${stepPartition(recipient)} and RowKey ge ${fromWindow}`;
      for await (const e of this.table.listEntities<Record<string, unknown>>({ queryOptions: { filter, select: ["stepKey", "messageId"] } })) {
        const stepKey = str(e.stepKey);
        const messageId = str(e.messageId);
        if (stepKey && messageId) records.push({ stepKey, messageId });
      }
      return records;
    });
  }

  history(contributionId: string, dueDate: IsoDate): Promise<HistoryRecord[]> {
    return this.io(async () => {
      const records: HistoryRecord[] = [];
      // "}" sorts just after "|": exactly the rows of this due date.
      const filter = odata`PartitionKey eq ${historyPartition(contributionId)} and RowKey gt ${`${dueDate}|`} and RowKey lt ${`${dueDate}}`}`;
      for await (const e of this.table.listEntities<Record<string, unknown>>({ queryOptions: { filter, select: ["stepKey", "role", "recipient", "dueDate", "messageId"] } })) {
        const [stepKey, role, recipient, due, messageId] = [e.stepKey, e.role, e.recipient, e.dueDate, e.messageId].map(str);
        if (stepKey && role && recipient && due && messageId) records.push({ stepKey, role: role as ChaseRole, recipient, dueDate: due, messageId });
      }
      return records;
    });
  }

  // ---- rejection notices waiting for the chase ----

  queueRejectionNotice(notice: QueuedRejectionNotice): Promise<void> {
    return this.io(async () => {
      await this.table.upsertEntity({ partitionKey: QUEUE, rowKey: queueRow(notice), ...notice }, "Replace");
    });
  }

  private async queued(filter: string): Promise<QueuedRejectionNotice[]> {
    const notices: QueuedRejectionNotice[] = [];
    for await (const e of this.table.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
      const notice = toNotice(e);
      if (notice) notices.push(notice);
    }
    return notices.sort((a, b) => a.queuedAt.localeCompare(b.queuedAt));
  }

  queuedRejectionNotices(): Promise<QueuedRejectionNotice[]> {
    return this.io(() => this.queued(odata`PartitionKey eq ${QUEUE}`));
  }

  queuedRejectionNoticesFor(contributionId: string): Promise<QueuedRejectionNotice[]> {
    const prefix = keyPart(contributionId);
    return this.io(() => this.queued(odata`PartitionKey eq ${QUEUE} and RowKey gt ${`${prefix}|`} and RowKey lt ${`${prefix}}`}`));
  }

  hasQueuedRejectionNotices(): Promise<boolean> {
    return this.io(async () => {
      // A page may come back empty with a continuation token, so look on until a row or the end.
      for await (const page of this.table.listEntities({ queryOptions: { filter: odata`PartitionKey eq ${QUEUE}`, select: ["RowKey"] } }).byPage({ maxPageSize: 1 })) {
        if (page.length > 0) return true;
      }
      return false;
    });
  }

  dropRejectionNotice(notice: Pick<QueuedRejectionNotice, "contributionId" | "queuedAt">): Promise<void> {
    return this.io(async () => {
      try {
        await this.table.deleteEntity(QUEUE, queueRow(notice));
      } catch (e) {
        if (statusOf(e) !== 404) throw e;
      }
    });
  }

  list(contractId: string | undefined, request: PageRequest): Promise<Page<ChaseLedgerEntry>> {
    return this.io(async () => {
      const pages = this.table
        .listEntities<Record<string, unknown>>({ queryOptions: { filter: odata`PartitionKey eq ${`c|${contractId ?? EVERY_CONTRACT}`}`, select: ["messageId"] } })
        .byPage({ maxPageSize: request.pageSize, continuationToken: request.continuationToken });
      const first = await pages.next();
      if (first.done) return { items: [] };
      const ids = first.value.map((e) => str(e.messageId)).filter((id): id is string => id !== undefined);
      // A pointer is written after its message entry, so every pointer names a message that exists.
      const records = await Promise.all(ids.map((id) => this.getMessage(id)));
      return { items: records.filter((r): r is ChaseMessageRecord => r !== undefined).map((r) => r.entry), continuationToken: first.value.continuationToken };
    });
  }
}
