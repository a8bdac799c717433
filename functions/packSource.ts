import { EXAMPLE_PACK, indexPack, PackIndex, Problem, readMeasuresTable, readPinnedPack, ValidationError } from "../shared";

type Cells = readonly (readonly unknown[])[];

/** A measures range as read: its pack, and what the loader skipped or assumed (rows, columns). */
export interface MeasuresRange {
  pack: PackIndex;
  warnings: readonly Problem[];
}

/** How a measures range or a pinned setting was read, or why it could not be used. */
type Outcome<T> = { read: T } | { error: unknown };

function unwrap<T>(outcome: Outcome<T>): T {
  if ("error" in outcome) throw outcome.error;
  return outcome.read;
}

/** Cell-by-cell equality: the content is the key, whichever array object Excel hands over. */
function sameCells(a: Cells, b: Cells): boolean {
  if (a.length !== b.length) return false;
  for (let r = 0; r < a.length; r++) {
    const rowA = a[r];
    const rowB = b[r];
    if (rowA === undefined || rowB === undefined || rowA.length !== rowB.length) return false;
    for (let c = 0; c < rowA.length; c++) {
      if (rowA[c] !== rowB[c]) return false;
    }
  }
  return true;
}

export function readMeasuresRange(rows: Cells): MeasuresRange {
  const { pack, warnings } = readMeasuresTable(rows);
  return { pack: indexPack(pack), warnings };
}

/**
 * Framework packs read from `measures` ranges, most recently used first. Excel passes a fresh array
 * on every call, so a range is recognised by its cells; it is parsed once however many formulas
 * name it. A refused range is remembered too, so a bad table is not re-validated on every call.
 */
export class MeasuresRangeCache {
  private entries: { cells: Cells; outcome: Outcome<MeasuresRange> }[] = [];

  constructor(
    /** Workbooks name a handful of measures tables; more distinct ranges than this are re-parsed. */
    private readonly capacity = 8,
    private readonly read: (rows: Cells) => MeasuresRange = readMeasuresRange,
  ) {}

  get size(): number {
    return this.entries.length;
  }

  pack(rows: Cells): PackIndex {
    return this.range(rows).pack;
  }

  /** The range's pack with the loader's warnings about it. */
  range(rows: Cells): MeasuresRange {
    // Not a table at all: let the reader refuse it, and keep nothing.
    if (!Array.isArray(rows) || !rows.every((row) => Array.isArray(row))) return this.read(rows);
    for (let i = 0; i < this.entries.length; i++) {
      const entry = this.entries[i];
      if (entry !== undefined && sameCells(entry.cells, rows)) {
        if (i > 0) {
          this.entries.splice(i, 1);
          this.entries.unshift(entry);
        }
        return unwrap(entry.outcome);
      }
    }
    let outcome: Outcome<MeasuresRange>;
    try {
      outcome = { read: this.read(rows) };
    } catch (error) {
      // Only a refusal of the table is worth remembering; a fault in our code must show every time.
      if (!(error instanceof ValidationError)) throw error;
      outcome = { error };
    }
    // A copy, so a caller that reuses its array cannot change what the entry stands for.
    this.entries.unshift({ cells: rows.map((row) => row.slice()), outcome });
    if (this.entries.length > this.capacity) this.entries.length = this.capacity;
    return unwrap(outcome);
  }
}

/** Office could not give us the pinned-pack setting (not ready, or the host failed). */
export class PinnedPackUnreadableError extends Error {
  constructor(cause: unknown) {
    super(`Could not read the workbook's pinned pack: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = "PinnedPackUnreadableError";
  }
}

const EXAMPLE = indexPack(EXAMPLE_PACK);
const PINNED_SUBJECT = "The workbook's pinned pack";

/**
 * The workbook's pinned pack, as last read from the document setting. Until the setting has been
 * read once (Office may call a function before it is ready), callers wait rather than silently
 * valuing with the example pack. A damaged setting is kept as the error every caller gets.
 */
export class PinnedPackSource {
  private outcome: Outcome<PackIndex> | undefined;
  private readonly firstRead: Promise<Outcome<PackIndex>>;
  private readonly settleFirstRead: (outcome: Outcome<PackIndex>) => void;

  constructor() {
    let settle: (outcome: Outcome<PackIndex>) => void = () => undefined;
    this.firstRead = new Promise<Outcome<PackIndex>>((resolve) => {
      settle = resolve;
    });
    this.settleFirstRead = settle;
  }

  /** Takes the raw value of the pinned-pack setting (absent means: use the example pack). */
  load(setting: unknown): void {
    let outcome: Outcome<PackIndex>;
    try {
      const pinned = readPinnedPack(setting);
      outcome = { read: pinned ? indexPack(pinned) : EXAMPLE };
    } catch (error) {
      outcome = { error: error instanceof ValidationError ? new ValidationError(PINNED_SUBJECT, error.problems) : error };
    }
    this.settle(outcome);
  }

  /** The setting could not be read at all; every caller is told why. */
  loadFailed(error: unknown): void {
    this.settle({ error: new PinnedPackUnreadableError(error) });
  }

  pack(): PackIndex | Promise<PackIndex> {
    return this.outcome ? unwrap(this.outcome) : this.firstRead.then(unwrap);
  }

  private settle(outcome: Outcome<PackIndex>): void {
    this.outcome = outcome;
    this.settleFirstRead(outcome);
  }
}
