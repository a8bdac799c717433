import fc from "fast-check";
import { contractProgress, EVIDENCE_STATUSES, EXAMPLE_PACK, indexPack, NOT_IN_PACK } from "../../shared";
import type { Commitment, EvidenceStatus } from "../../shared";

const example = indexPack(EXAMPLE_PACK);

const reported = (measureCode: string, value: number | null, evidenceStatus: EvidenceStatus) => ({ measureCode, value, evidenceStatus });

describe("contractProgress", () => {
  test("committed is quantity × the pinned pack's proxy; delivered is the stored value of accepted contributions; the rest awaits evidence", () => {
    const commitments: Commitment[] = [
      { measureCode: "J1", quantity: 10 },
      { measureCode: "G1", quantity: 2_000_000 },
      { measureCode: "S2", quantity: 5000 },
      { measureCode: "G3", quantity: 40 },
    ];
    const progress = contractProgress(example, commitments, [
      reported("J1", 50_000, "accepted"),
      reported("J1", 25_000, "submitted"),
      reported("E3", 4_275, "accepted"),
      reported("S2", 5_000, "rejected"),
      reported("G3", null, "accepted"),
    ]);
    expect(progress.themes).toEqual([
      { theme: "Jobs", committed: 250_000, delivered: 50_000, awaiting: 25_000 },
      { theme: "Growth", committed: 360_000, delivered: 0, awaiting: 0 },
      { theme: "Social", committed: 5_000, delivered: 0, awaiting: 5_000 },
      { theme: "Environment", committed: 0, delivered: 4_275, awaiting: 0 },
      { theme: "Innovation", committed: 0, delivered: 0, awaiting: 0 },
    ]);
    expect(progress).toMatchObject({ committed: 615_000, delivered: 54_275, awaiting: 30_000 });
  });

  test("a measure the pack lacks is counted under its own line, last, never dropped and never a crash", () => {
    const progress = contractProgress(example, [{ measureCode: "ZZ9", quantity: 3 }], [reported("ZZ9", 7, "rejected"), reported("j1", 100, "accepted")]);
    expect(progress.themes.map((t) => t.theme)).toEqual([...EXAMPLE_PACK.themes, NOT_IN_PACK]);
    expect(progress.themes.at(-1)).toEqual({ theme: NOT_IN_PACK, committed: 0, delivered: 0, awaiting: 7 });
    // Codes are matched as the pack matches them (case aside).
    expect(progress.themes[0]).toMatchObject({ theme: "Jobs", delivered: 100 });
  });

  test("nothing committed or reported gives every theme at £0", () => {
    const progress = contractProgress(example, [], []);
    expect(progress.themes.every((t) => t.committed === 0 && t.delivered === 0 && t.awaiting === 0)).toBe(true);
    expect(progress).toMatchObject({ committed: 0, delivered: 0, awaiting: 0 });
  });

  test("every reported £ is either delivered or awaiting, and the totals are the sums of the lines", () => {
    const codes = EXAMPLE_PACK.measures.map((m) => m.code).concat("ZZ9");
    const item = fc.record({
      measureCode: fc.constantFrom(...codes),
      value: fc.option(fc.integer({ min: 0, max: 1_000_000 }), { nil: null }),
      evidenceStatus: fc.constantFrom(...EVIDENCE_STATUSES),
    });
    fc.assert(
      fc.property(fc.array(item, { maxLength: 40 }), (items) => {
        const progress = contractProgress(example, [], items);
        const reportedTotal = items.reduce((sum, i) => sum + (i.value ?? 0), 0);
        expect(progress.delivered + progress.awaiting).toBe(reportedTotal);
        expect(progress.delivered).toBe(progress.themes.reduce((sum, t) => sum + t.delivered, 0));
        expect(progress.delivered).toBe(items.filter((i) => i.evidenceStatus === "accepted").reduce((sum, i) => sum + (i.value ?? 0), 0));
      }),
    );
  });
});
