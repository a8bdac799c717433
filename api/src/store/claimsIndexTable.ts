import { odata } from "@azure/data-tables";
import type { TableEntity } from "@azure/data-tables";
import { MAX_RELATED, normaliseCode, normaliseEvidenceLink, supplierKey } from "../../../shared";
import type { Contribution } from "../../../shared";
import { mapWithLimit } from "../lib/concurrency";
import { statusOf, str } from "./entities";
import type { Entity } from "./entities";
import { boundedKeyPart, digest } from "./keys";
import type { ClaimsIndexStore, SimilarClaimQuery } from "./ports";
import { VERIFY_CONCURRENCY } from "./tables";
import type { Tables } from "./tables";

const indexRow = (contractId: string, id: string) => `${contractId}|${id}`;

/** One partition per supplier and measure, across contracts: `acme build ltd|J3`. */
const claimPartition = (supplier: string, measureCode: string) => boundedKeyPart(`${supplierKey(supplier)}|${normaliseCode(measureCode)}`);

/** One partition per evidence file, by its normalised link. */
const evidencePartition = (link: string) => digest(normaliseEvidenceLink(link));

/**
 * Index entries read per look-up: the most a warning names, one more to know there are more, and
 * one for the contribution's own entry (a retry). A claim sent a thousand times costs the same.
 */
const LOOKUP = MAX_RELATED + 2;

/** The partitions of a contribution's evidence, once each. */
const evidencePartitions = (links: readonly { link: string }[]) => [...new Set(links.map((l) => evidencePartition(l.link)))];

/**
 * The indexes the claim checks read (SupplierMeasureClaims, EvidenceUses, api/STORAGE.md). Like
 * the other indexes they are written before the contribution's transaction and may name a
 * contribution that is not saved: readers load each contribution named and skip those.
 */
export class ClaimsIndexTable implements ClaimsIndexStore {
  constructor(
    private readonly t: Tables,
    /** Reads a contribution by its contract and reference (the contributions adapter's point read). */
    private readonly load: (contractId: string, id: string) => Promise<Contribution | undefined>,
  ) {}

  /** The claim entry and one evidence entry per link; upserts, so a retry writes the same rows again. */
  async write(c: Contribution): Promise<void> {
    const pointer = { rowKey: indexRow(c.contractId, c.id), contractId: c.contractId, contributionId: c.id };
    await Promise.all([
      // The figures the duplicate check compares, so a partition read returns only the candidates.
      this.t.clients.claims.upsertEntity(
        { partitionKey: claimPartition(c.supplier, c.measureCode), ...pointer, quantity: { value: c.quantity, type: "Double" }, periodStart: c.periodStart, periodEnd: c.periodEnd },
        "Replace",
      ),
      this.writeEvidence(c, c.evidence),
    ]);
  }

  /** Evidence entries only, for links attached after the figures. */
  async writeEvidence(c: Contribution, links: readonly { link: string }[]): Promise<void> {
    const pointer = { rowKey: indexRow(c.contractId, c.id), contractId: c.contractId, contributionId: c.id };
    await Promise.all(evidencePartitions(links).map((partitionKey) => this.t.clients.evidenceUses.upsertEntity({ partitionKey, ...pointer } satisfies TableEntity, "Replace")));
  }

  /** Takes back the entries of a contribution storage refused; best effort like the other index clean-ups. */
  async undo(c: Contribution): Promise<void> {
    const rowKey = indexRow(c.contractId, c.id);
    const drop = async (remove: () => Promise<unknown>) => {
      try {
        await remove();
      } catch (e) {
        if (statusOf(e) !== 404) this.t.options.warn(`Could not take back a claims index entry of refused contribution ${c.id}`, e);
      }
    };
    await Promise.all([
      drop(() => this.t.clients.claims.deleteEntity(claimPartition(c.supplier, c.measureCode), rowKey)),
      ...evidencePartitions(c.evidence).map((pk) => drop(() => this.t.clients.evidenceUses.deleteEntity(pk, rowKey))),
    ]);
  }

  similarClaims(claim: SimilarClaimQuery): Promise<Contribution[]> {
    return this.t.io(async () => {
      // Only entries with the same quantity and an overlapping period: the contributions read to
      // verify them are the candidates, however many times the supplier reported the measure.
      const filter = odata`PartitionKey eq ${claimPartition(claim.supplier, claim.measureCode)} and quantity eq ${claim.quantity} and periodStart le ${claim.periodEnd} and periodEnd ge ${claim.periodStart}`;
      const found = await this.verify(await this.first("claims", filter));
      // A cut partition key may be shared by two long supplier names: compare the contribution's own.
      return found.filter((c) => supplierKey(c.supplier) === supplierKey(claim.supplier) && normaliseCode(c.measureCode) === normaliseCode(claim.measureCode));
    });
  }

  evidenceUsers(links: readonly { link: string }[]): Promise<Contribution[]> {
    return this.t.io(async () => {
      const pages = await Promise.all(evidencePartitions(links).map((pk) => this.first("evidenceUses", odata`PartitionKey eq ${pk}`)));
      const entries = [...new Map(pages.flat().map((e) => [str(e.rowKey) ?? "", e])).values()];
      const byId = new Map((await this.verify(entries)).map((c) => [c.id, c]));
      return [...byId.values()];
    });
  }

  /** The first LOOKUP entries matching the filter; a page may come back short (or empty) with a token, so pages are followed until there are enough. */
  private async first(table: "claims" | "evidenceUses", filter: string): Promise<Entity[]> {
    const found: Entity[] = [];
    for await (const page of this.t.clients[table].listEntities<Record<string, unknown>>({ queryOptions: { filter } }).byPage({ maxPageSize: LOOKUP })) {
      found.push(...page);
      if (found.length >= LOOKUP) break;
    }
    return found.slice(0, LOOKUP);
  }

  private async verify(entries: Record<string, unknown>[]): Promise<Contribution[]> {
    const found = await mapWithLimit(entries, VERIFY_CONCURRENCY, (e) => this.load(str(e.contractId) ?? "", str(e.contributionId) ?? ""));
    return found.filter((c): c is Contribution => c !== undefined);
  }
}
