import { mapWithLimit, Turns } from "../../../api/src/lib/concurrency";

describe("mapWithLimit", () => {
  it("answers in the items' order with at most `limit` in flight", async () => {
    let inFlight = 0;
    let most = 0;
    const out = await mapWithLimit([5, 1, 4, 2, 3], 2, async (n) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, n));
      inFlight--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30]);
    expect(most).toBe(2);
  });
});

describe("Turns", () => {
  it("runs one turn per key at a time, and what arrives during a turn goes together in the next", async () => {
    const turns: string[][] = [];
    let release: () => void = () => undefined;
    const first = new Promise<void>((resolve) => (release = resolve));
    const t = new Turns<string, number>(async (key, items) => {
      turns.push([key, ...items]);
      if (turns.length === 1) await first;
      return items.length;
    });
    const a = t.take("k", "a");
    const b = t.take("k", "b");
    const c = t.take("k", "c");
    const other = t.take("j", "x");
    release();
    expect(await Promise.all([a, b, c, other])).toEqual([1, 2, 2, 1]);
    expect(turns).toEqual([["k", "a"], ["j", "x"], ["k", "b", "c"]]);
    // The key is free again: a later item starts a turn of its own.
    expect(await t.take("k", "d")).toBe(1);
  });

  it("a turn that fails fails every item in it, and the next turn still runs", async () => {
    const t = new Turns<string, string>(async (_key, items) => {
      if (items.includes("bad")) throw new Error("storage lost");
      return items.join();
    });
    const bad = t.take("k", "bad");
    const good = t.take("k", "good");
    await expect(bad).rejects.toThrow("storage lost");
    await expect(good).resolves.toBe("good");
  });
});
