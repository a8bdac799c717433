import { EXAMPLE_PACK, indexPack, MAX_PACK_EDITION_LENGTH } from "../../../shared";
import type { FrameworkPack, PackIndex, PackSummary } from "../../../shared";
import type { LedgerStore } from "../store/ports";

const summaryOf = (pack: FrameworkPack): PackSummary => ({
  id: pack.id,
  name: pack.name,
  edition: pack.edition,
  illustrative: pack.illustrative,
  licence: pack.licence,
  source: pack.source,
  measureCount: pack.measures.length,
  bundled: true,
});


/** The packs the API values with: the bundled example plus those officers uploaded. */
export class PackRegistry {
  /** A stored id + edition never changes, so an index once built is good for the life of the process. */
  private readonly indexes = new Map<string, PackIndex>();

  constructor(private readonly store: LedgerStore) {
    this.indexes.set(this.key(EXAMPLE_PACK.id, EXAMPLE_PACK.edition), indexPack(EXAMPLE_PACK));
  }

  private key(id: string, edition: string): string {
    return `${id}\n${edition}`;
  }

  isBundled(id: string): boolean {
    return id === EXAMPLE_PACK.id;
  }

  async get(id: string, edition: string): Promise<PackIndex | undefined> {
    const cached = this.indexes.get(this.key(id, edition));
    if (cached) return cached;
    // No stored pack has a longer edition (the schema refuses it), and it would not fit a storage key.
    if (edition.length > MAX_PACK_EDITION_LENGTH) return undefined;
    const stored = await this.store.getPack(id, edition);
    if (!stored) return undefined;
    const index = indexPack(stored.pack);
    this.indexes.set(this.key(id, edition), index);
    return index;
  }

  async list(): Promise<PackSummary[]> {
    return [summaryOf(EXAMPLE_PACK), ...(await this.store.listPacks())];
  }

  /** The edition to show when only an id is asked for: the bundled one, or the most recently uploaded. */
  async latestEdition(id: string): Promise<string | undefined> {
    if (this.isBundled(id)) return EXAMPLE_PACK.edition;
    const editions = (await this.store.listPacks()).filter((p) => p.id === id);
    editions.sort((a, b) => (b.uploadedAt ?? "").localeCompare(a.uploadedAt ?? ""));
    return editions[0]?.edition;
  }

  add(pack: FrameworkPack, uploadedBy: string, uploadedAt: string): Promise<boolean> {
    return this.store.addPack({ pack, uploadedBy, uploadedAt });
  }
}
