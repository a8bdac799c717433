import { odata } from "@azure/data-tables";
import type { TableEntity } from "@azure/data-tables";
import { MAX_RELATED, normaliseCode, normaliseEvidenceLink, supplierKey } from "../../../shared";
import type { Contribution, EarlierClaim, EvidenceLink, EvidenceUser } from "../../../shared";
import { mapWithLimit, Turns } from "../lib/concurrency";
import { fromChunks, toChunks } from "./chunks";
import { statusOf } from "./entities";
import { StorageUnavailableError } from "./errors";
import { boundedKeyPart, digest } from "./keys";
import type { ClaimsIndexStore, ClaimsIndexUpkeep, SimilarClaimQuery } from "./ports";
import { VERIFY_CONCURRENCY } from "./tables";
import type { Tables } from "./tables";

/** A contribution an index entry points at. */
type Pointer = readonly [contractId: string, id: string];
/** A claim entry: the contribution and the period it covers, so a look-up reads only candidates. */
type ClaimEntry = readonly [contractId: string, id: string, periodStart: string, periodEnd: string];
type IndexTable = "claims" | "evidenceUses";
/** A change to a key's list; undefined when there is nothing to write. */
type Change = (entries: (Pointer | ClaimEntry)[]) => readonly (Pointer | ClaimEntry)[] | undefined;

/** Each index key is one entity holding its entries as a list: a look-up is one point read. */
const LIST_ROW = "list";

/** One key per supplier, measure and quantity, across contracts: a duplicate has all three the same. */
const claimPartition = (c: SimilarClaimQuery) => boundedKeyPart(`${supplierKey(c.supplier)}|${normaliseCode(c.measureCode)}|${String(c.quantity)}`);

/** One key per evidence file, by its normalised link. */
const evidencePartition = (link: string) => digest(normaliseEvidenceLink(link));

/**
 * Entries a look-up names: the most a warning names, one more to know there are more, and one for
 * the contribution's own entry (a retry). A file used a thousand times costs the same: its list
 * keeps the first users only.
 */
const LOOKUP = MAX_RELATED + 2;

/**
 * Claims kept per supplier, measure and quantity: years of quarterly reports on many contracts.
 * Past it the claims with the earliest period end make room, so the check compares recent periods.
 */
export const CLAIMS_KEPT = 1000;

/** Writers of one key rarely meet (one supplier's reports, or one file's first users); when they do, each try waits a little longer, at random. */
const ATTEMPTS = 10;
/** Lists remembered per instance for the next write (see `known`). */
const KNOWN_LISTS = 2000;
/** Contributions this instance has seen saved (see `saved`). */
const SAVED_KEPT = 100_000;
/** Old-layout rows listed per request while they are removed. */
const OLD_ROWS_PAGE = 1000;
const pause = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));

const samePointer = (a: Pointer | ClaimEntry, contractId: string, id: string) => a[0] === contractId && a[1] === id;
const pointerKey = (contractId: string, id: string) => `${contractId}|${id}`;
const listKey = (table: IndexTable, partitionKey: string) => `${table}\n${partitionKey}`;

/** Sets `key` as the newest entry of `map`, dropping the oldest past `limit` (a Map keeps insertion order). */
function keepNewest<V>(map: Map<string, V>, key: string, value: V, limit: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > limit) map.delete(map.keys().next().value ?? key);
}

/** The partitions of a contribution's evidence, once each. */
const evidencePartitions = (links: readonly { link: string }[]) => [...new Set(links.map((l) => evidencePartition(l.link)))];

/**
 * The indexes the claim checks read (SupplierMeasureClaims, EvidenceUses, api/STORAGE.md). A
 * look-up is a point read on Azure and on Azurite alike (Azurite answers any query by filtering the
 * whole table, so a query here would cost more with every submission stored). An entry holds what
 * the checks compare (the key says the supplier, measure and quantity, or the link), so the checks
 * need no contribution read. Like the other indexes they are written before the contribution's
 * transaction and may name a contribution that is not saved: readers check that each one named
 * exists and skip those.
 */
export class ClaimsIndexTable implements ClaimsIndexStore, ClaimsIndexUpkeep {
  constructor(
    private readonly t: Tables,
    /** Whether a contribution is saved (the contributions adapter's point read). */
    private readonly exists: (contractId: string, id: string) => Promise<boolean>,
  ) {}

  /**
   * The claim entry and the contribution's place among each link's first users; a retry changes
   * nothing. True when an entry was added (false: all there already, or not among those kept).
   */
  write(c: Contribution): Promise<boolean> {
    return this.t.io(async () => {
      const added = await Promise.all([
        this.change<ClaimEntry>("claims", claimPartition(c), (entries) => {
          if (entries.some((e) => samePointer(e, c.contractId, c.id))) return undefined;
          const entry = [c.contractId, c.id, c.periodStart, c.periodEnd] as const;
          if (entries.length < CLAIMS_KEPT) return [...entries, entry];
          // The claims whose periods ended first make room; the sort is stable, so of equal periods the
          // new one goes. When it is this claim that would go, the list stays as it is.
          const kept = [...entries, entry].sort((a, b) => (a[3] < b[3] ? 1 : a[3] > b[3] ? -1 : 0)).slice(0, CLAIMS_KEPT);
          return kept.includes(entry) ? kept : undefined;
        }),
        this.writeEvidence(c, c.evidence),
      ]);
      return added.includes(true);
    });
  }

  /** Evidence entries only, for links attached after the figures. True when an entry was added. */
  async writeEvidence(c: Contribution, links: readonly { link: string }[]): Promise<boolean> {
    const added = await Promise.all(
      evidencePartitions(links).map((pk) =>
        this.change<Pointer>("evidenceUses", pk, (entries) => (entries.length >= LOOKUP || entries.some((e) => samePointer(e, c.contractId, c.id)) ? undefined : [...entries, [c.contractId, c.id]])),
      ),
    );
    return added.includes(true);
  }

  /** Takes back the entries of a contribution storage refused; best effort like the other index clean-ups. */
  async undo(c: Contribution): Promise<void> {
    const drop = async (what: () => Promise<boolean>) => {
      try {
        await what();
      } catch (e) {
        this.t.options.warn(`Could not take back a claims index entry of refused contribution ${c.id}`, e);
      }
    };
    const without = <T extends Pointer | ClaimEntry>(entries: T[]) => (entries.some((e) => samePointer(e, c.contractId, c.id)) ? entries.filter((e) => !samePointer(e, c.contractId, c.id)) : undefined);
    await Promise.all([drop(() => this.change<ClaimEntry>("claims", claimPartition(c), without)), ...evidencePartitions(c.evidence).map((pk) => drop(() => this.change<Pointer>("evidenceUses", pk, without)))]);
  }

  /**
   * Removes what the earlier layout left in these tables: one row per contribution (RowKey
   * `<contractId>|<ref>`), so anything that is not a `list` entity. Nothing reads them. A page is
   * listed, removed, then the next is listed, so only one page is held at a time.
   */
  removeOldLayout(onPage: (removed: number) => void = () => undefined): Promise<number> {
    return this.t.io(async () => {
      let removed = 0;
      for (const table of ["claims", "evidenceUses"] as const) {
        const pages = this.t.clients[table].listEntities({ queryOptions: { filter: odata`RowKey ne ${LIST_ROW}`, select: ["PartitionKey", "RowKey"] } }).byPage({ maxPageSize: OLD_ROWS_PAGE });
        for await (const page of pages) {
          const gone = await mapWithLimit(page, VERIFY_CONCURRENCY, (e) => this.removeRow(table, e.partitionKey ?? "", e.rowKey ?? ""));
          removed += gone.filter(Boolean).length;
          onPage(removed);
        }
      }
      return removed;
    });
  }

  /** False when the row is gone already (another run removed it). */
  private async removeRow(table: IndexTable, partitionKey: string, rowKey: string): Promise<boolean> {
    try {
      await this.t.clients[table].deleteEntity(partitionKey, rowKey);
      return true;
    } catch (e) {
      if (statusOf(e) === 404) return false;
      throw e;
    }
  }

  similarClaims(claim: SimilarClaimQuery): Promise<EarlierClaim[]> {
    return this.t.io(async () => {
      // Only entries with an overlapping period are candidates, however many times the supplier reported the measure.
      const { entries } = await this.list<ClaimEntry>("claims", claimPartition(claim));
      const candidates = entries.filter((e) => e[2] <= claim.periodEnd && e[3] >= claim.periodStart).slice(0, LOOKUP);
      const saved = await this.savedOnly(candidates);
      return saved.map(([contractId, id, periodStart, periodEnd]) => ({ id, contractId, supplier: claim.supplier, measureCode: claim.measureCode, quantity: claim.quantity, periodStart, periodEnd }));
    });
  }

  evidenceUsers(links: readonly EvidenceLink[]): Promise<EvidenceUser[]> {
    return this.t.io(async () => {
      const byLink = await Promise.all(
        [...new Map(links.map((l) => [evidencePartition(l.link), l])).entries()].map(async ([pk, link]) => ({ link, entries: (await this.list<Pointer>("evidenceUses", pk)).entries })),
      );
      const users = new Map<string, { contractId: string; id: string; evidence: EvidenceLink[] }>();
      for (const { link, entries } of byLink) {
        for (const [contractId, id] of entries) {
          const key = pointerKey(contractId, id);
          const user = users.get(key) ?? { contractId, id, evidence: [] };
          user.evidence.push(link);
          users.set(key, user);
        }
      }
      const saved = new Set((await this.savedOnly([...users.values()].map((u) => [u.contractId, u.id] as const))).map(([contractId, id]) => pointerKey(contractId, id)));
      return [...users.values()].filter((u) => saved.has(pointerKey(u.contractId, u.id)));
    });
  }

  /**
   * Contributions seen saved by this instance. A contribution, once saved, is never deleted, so a
   * look-up checks each one named once; one not found yet may be saving now and is checked again.
   */
  private readonly saved = new Map<string, true>();

  private async savedOnly<P extends Pointer | ClaimEntry>(pointers: readonly P[]): Promise<P[]> {
    const found = await mapWithLimit(pointers, VERIFY_CONCURRENCY, async (p) => {
      const key = pointerKey(p[0], p[1]);
      if (this.saved.has(key)) return true;
      if (!(await this.exists(p[0], p[1]))) return false;
      keepNewest(this.saved, key, true, SAVED_KEPT);
      return true;
    });
    return pointers.filter((_, i) => found[i]);
  }

  /**
   * The lists this instance last read or wrote, with their ETags: a write starts from the list the
   * look-up just read instead of reading it again. Only writes use it, and the ETag refuses a stale one.
   */
  private readonly known = new Map<string, { entries: (Pointer | ClaimEntry)[]; etag?: string }>();

  private async list<T extends Pointer | ClaimEntry>(table: IndexTable, partitionKey: string): Promise<{ entries: T[]; etag?: string }> {
    const e = await this.t.read(table, partitionKey, LIST_ROW);
    const list = e ? { entries: JSON.parse(fromChunks(e, "entries") || "[]") as T[], etag: e.etag } : { entries: [] };
    keepNewest(this.known, listKey(table, partitionKey), list, KNOWN_LISTS);
    return list;
  }

  /** Changes to one key from this instance, written together in one read-modify-write. */
  private readonly turns = new Turns<Change, void>((key, changes) => {
    const [table, partitionKey] = key.split("\n") as [IndexTable, string];
    return this.writeList(table, partitionKey, changes);
  });

  /** True when the change was written: by its last try, as an earlier try may have been refused and the next found nothing to do. */
  private async change<T extends Pointer | ClaimEntry>(table: IndexTable, partitionKey: string, change: (entries: T[]) => readonly T[] | undefined): Promise<boolean> {
    let written = false;
    await this.turns.take(listKey(table, partitionKey), ((entries: T[]) => {
      const next = change(entries);
      written = next !== undefined;
      return next;
    }) as Change);
    return written;
  }

  /** Reads the key's list, applies the changes, and writes it back if nobody else did meanwhile. */
  private async writeList(table: IndexTable, partitionKey: string, changes: Change[]): Promise<void> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (attempt > 0) await pause(attempt);
      const known = attempt === 0 ? this.known.get(listKey(table, partitionKey)) : undefined;
      const { entries, etag } = known ?? (await this.list<Pointer | ClaimEntry>(table, partitionKey));
      let next: readonly (Pointer | ClaimEntry)[] | undefined;
      for (const change of changes) next = change([...(next ?? entries)]) ?? next;
      if (next === undefined) return;
      const entity: TableEntity = { partitionKey, rowKey: LIST_ROW, ...toChunks("entries", JSON.stringify(next)) };
      let written: string | undefined;
      if (etag === undefined) {
        written = await this.t.insert(table, entity);
      } else {
        try {
          written = (await this.t.clients[table].updateEntity(entity, "Replace", { etag })).etag ?? "";
        } catch (e) {
          if (statusOf(e) !== 412) throw e;
        }
      }
      if (written !== undefined) {
        keepNewest(this.known, listKey(table, partitionKey), { entries: [...next], etag: written || undefined }, KNOWN_LISTS);
        return;
      }
    }
    // Busy for every try: the submission answers 503 and its sender tries again, which finds the entry or writes it.
    throw new StorageUnavailableError(new Error(`the ${table} index entry ${partitionKey} kept changing while it was written`));
  }
}
