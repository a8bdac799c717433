import "./setupExcel";
import { EXAMPLE_PACK, indexPack, PackIndex, serialisePinnedPack, ValidationError } from "../../shared";
import { MeasuresRange, MeasuresRangeCache, PinnedPackSource, PinnedPackUnreadableError, readMeasuresRange } from "../../functions/packSource";
import { badMeasuresRange, measuresRange } from "./fixtures";

/** A cache whose reads are counted, to see what is parsed and when. */
function countingCache(capacity?: number) {
  const read = jest.fn(readMeasuresRange);
  return { cache: new MeasuresRangeCache(capacity, read), read };
}

/** The same content with a different proxy, so each is a distinct range. */
function rangeWithProxy(proxy: number): unknown[][] {
  return [["Code", "Units", "Proxy"], ["A1", "hours", proxy]];
}

describe("MeasuresRangeCache", () => {
  test("parses a range once however many fresh copies of it arrive", () => {
    const { cache, read } = countingCache();
    const first = cache.pack(measuresRange());
    for (let i = 0; i < 100; i++) expect(cache.pack(measuresRange())).toBe(first);
    expect(read).toHaveBeenCalledTimes(1);
  });

  test("a change to any cell is a different range", () => {
    const { cache, read } = countingCache();
    const original = cache.pack(measuresRange());
    const edited = measuresRange();
    edited[5] = [...(edited[5] ?? [])];
    edited[5][5] = 81;
    expect(cache.pack(edited)).not.toBe(original);
    const longer = [...measuresRange(), ["NT40", "Environment", "", "Trees", "trees", 5]];
    expect(cache.pack(longer).byCode.has("NT40")).toBe(true);
    expect(read).toHaveBeenCalledTimes(3);
  });

  test("keeps its own copy: changing the caller's array afterwards changes nothing", () => {
    const { cache, read } = countingCache();
    const rows = measuresRange();
    const pack = cache.pack(rows);
    (rows[1] as unknown[])[5] = 1;
    expect(cache.pack(measuresRange())).toBe(pack);
    expect(read).toHaveBeenCalledTimes(1);
  });

  test("remembers a refused range and refuses it again without re-reading it", () => {
    const { cache, read } = countingCache();
    expect(() => cache.pack(badMeasuresRange())).toThrow(ValidationError);
    expect(() => cache.pack(badMeasuresRange())).toThrow(ValidationError);
    expect(read).toHaveBeenCalledTimes(1);
  });

  test("does not remember a fault that is not a refusal of the table", () => {
    const read = jest.fn((): MeasuresRange => {
      throw new TypeError("bug");
    });
    const cache = new MeasuresRangeCache(4, read);
    expect(() => cache.pack(measuresRange())).toThrow(TypeError);
    expect(() => cache.pack(measuresRange())).toThrow(TypeError);
    expect(read).toHaveBeenCalledTimes(2);
    expect(cache.size).toBe(0);
  });

  test("something that is not a table is refused by the reader and not kept", () => {
    const { cache, read } = countingCache();
    expect(() => cache.pack("NT1" as unknown as unknown[][])).toThrow(ValidationError);
    expect(() => cache.pack([["Code"], "Units"] as unknown as unknown[][])).toThrow(ValidationError);
    expect(read).toHaveBeenCalledTimes(2);
    expect(cache.size).toBe(0);
  });

  test("holds at most `capacity` ranges, dropping the least recently used", () => {
    const { cache, read } = countingCache(3);
    const packs = [1, 2, 3].map((p) => cache.pack(rangeWithProxy(p)));
    expect(cache.pack(rangeWithProxy(1))).toBe(packs[0]); // 1 is now the most recent
    cache.pack(rangeWithProxy(4)); // drops 2
    expect(cache.size).toBe(3);
    expect(read).toHaveBeenCalledTimes(4);
    expect(cache.pack(rangeWithProxy(1))).toBe(packs[0]);
    expect(cache.pack(rangeWithProxy(3))).toBe(packs[2]);
    expect(read).toHaveBeenCalledTimes(4);
    expect(cache.pack(rangeWithProxy(2))).not.toBe(packs[1]);
    expect(read).toHaveBeenCalledTimes(5);
  });
});

describe("PinnedPackSource", () => {
  const example = indexPack(EXAMPLE_PACK);

  test("waits for the first read of the setting", async () => {
    const source = new PinnedPackSource();
    const pending = source.pack();
    expect(pending).toBeInstanceOf(Promise);
    source.load(null);
    await expect(pending).resolves.toEqual(example);
  });

  test("once read, answers at once (no promise)", () => {
    const source = new PinnedPackSource();
    source.load(serialisePinnedPack({ ...EXAMPLE_PACK, id: "pinned", edition: "1" }));
    const pack = source.pack();
    expect(pack).not.toBeInstanceOf(Promise);
    expect((pack as PackIndex).label).toBe("pinned 1");
  });

  test("no setting, or an empty one, means the example pack", () => {
    for (const setting of [undefined, null, ""]) {
      const source = new PinnedPackSource();
      source.load(setting);
      expect(source.pack()).toEqual(example);
    }
  });

  test("a setting already parsed into an object is read too", () => {
    const source = new PinnedPackSource();
    source.load({ ...EXAMPLE_PACK, id: "as-object" });
    expect((source.pack() as PackIndex).pack.id).toBe("as-object");
  });

  test("a damaged setting is an error naming the workbook's pinned pack, on every call", () => {
    const source = new PinnedPackSource();
    source.load("]");
    for (let i = 0; i < 2; i++) {
      let caught: unknown;
      try {
        source.pack();
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ValidationError);
      expect((caught as ValidationError).subject).toBe("The workbook's pinned pack");
    }
  });

  test("a later read replaces the earlier one, in both directions", () => {
    const source = new PinnedPackSource();
    source.load("]");
    source.load(null);
    expect(source.pack()).toEqual(example);
    source.load("]");
    expect(() => source.pack()).toThrow(ValidationError);
  });

  test("a failed read is reported as such, with its cause", async () => {
    const source = new PinnedPackSource();
    const pending = source.pack();
    const cause = new Error("host went away");
    source.loadFailed(cause);
    await expect(pending).rejects.toThrow(new PinnedPackUnreadableError(cause));
    await expect(pending).rejects.toMatchObject({ cause });
  });
});
