import fc from "fast-check";
import {
  applyToTotals,
  emptyTotals,
  EVIDENCE_STATUSES,
  EXAMPLE_PACK,
  expectedDelivery,
  financialYear,
  financialYearLabel,
  formatPence,
  indexPack,
  PORTFOLIO_GROUPINGS,
  portfolioStatus,
  portfolioView,
  STATUS_THRESHOLDS,
  toPence,
} from "../../shared";
import type { Commitment, ContractTotals, EvidenceStatus, FrameworkPack, PortfolioContract, PortfolioFigures } from "../../shared";

const example = indexPack(EXAMPLE_PACK);
// A real-looking pack of our own: same measures as the example, other proxies, not illustrative.
const realPack: FrameworkPack = { ...EXAMPLE_PACK, id: "council-toms", name: "Council TOMs", edition: "2026", illustrative: false, licence: "Council's own", source: "Council's own table" };
const real = indexPack(realPack);

let seq = 0;
const ref = () => `SV-${String(++seq).padStart(8, "0").replace(/[ILOU]/g, "0")}`;

interface Reported {
  measureCode: string;
  supplier: string;
  periodEnd: string;
  status: EvidenceStatus;
  pounds: number;
  due?: string;
}

function totalsOf(contractId: string, packId: string, packEdition: string, reported: Reported[]): ContractTotals {
  let totals = emptyTotals(contractId);
  for (const r of reported) {
    totals =
      applyToTotals(totals, [
        {
          id: ref(),
          measureCode: r.measureCode,
          supplier: r.supplier,
          periodEnd: r.periodEnd,
          evidenceStatus: r.status,
          evidenceDueDate: r.due ?? "2026-12-31",
          value: r.pounds,
          packId,
          packEdition,
        },
      ]) ?? totals;
  }
  return totals;
}

function contract(id: string, options: { pack?: typeof example; service?: string; start?: string; end?: string; commitments?: Commitment[]; reported?: Reported[] } = {}): PortfolioContract {
  const pack = options.pack ?? real;
  return {
    contract: { id, title: `Contract ${id}`, startDate: options.start ?? "2025-04-01", endDate: options.end ?? "2028-04-01", packId: pack.pack.id, packEdition: pack.pack.edition, service: options.service },
    commitments: options.commitments ?? [],
    pack,
    totals: totalsOf(id, pack.pack.id, pack.pack.edition, options.reported ?? []),
  };
}

const j1 = example.pack.measures.find((m) => m.code === "J1");
const j1Proxy = j1?.proxy ?? 0;

describe("money and years", () => {
  test("pounds become whole pence and come back as whole pounds", () => {
    expect(toPence(0.1 + 0.2)).toBe(30);
    expect(toPence(1234.565)).toBe(123457);
    expect(formatPence(123_456_78)).toBe("£123,457");
  });

  test("the financial year runs April to March", () => {
    expect(financialYear("2026-03-31")).toBe(2025);
    expect(financialYear("2026-04-01")).toBe(2026);
    expect(financialYearLabel(2026)).toBe("2026-27");
    expect(financialYearLabel(2099)).toBe("2099-00");
  });

  test("status thresholds: on track from 90% of expected, behind from 60%, at risk below; nothing expected is on track", () => {
    expect(STATUS_THRESHOLDS).toEqual({ onTrack: 0.9, behind: 0.6 });
    expect(portfolioStatus(90, 100)).toBe("on-track");
    expect(portfolioStatus(89, 100)).toBe("behind");
    expect(portfolioStatus(60, 100)).toBe("behind");
    expect(portfolioStatus(59, 100)).toBe("at-risk");
    expect(portfolioStatus(0, 0)).toBe("on-track");
  });
});

describe("running totals", () => {
  const base = { id: "SV-00000001", measureCode: "J1", supplier: "Acme Build Ltd", periodEnd: "2026-06-30", evidenceStatus: "missing" as EvidenceStatus, evidenceDueDate: "2026-07-30", value: 100.5, packId: "example", packEdition: "2026.1" };

  test("applying the same contribution again changes nothing; a review moves it between buckets, counted once", () => {
    const once = applyToTotals(emptyTotals("C-1"), [base]);
    expect(once).toBeDefined();
    if (!once) return;
    expect(applyToTotals(once, [base])).toBeUndefined();
    const accepted = applyToTotals(once, [{ ...base, evidenceStatus: "accepted" }]);
    expect(accepted).toBeDefined();
    if (!accepted) return;
    const live = accepted.buckets.filter((b) => b.count > 0);
    expect(live).toEqual([expect.objectContaining({ status: "accepted", count: 1, pence: 10050 })]);
    expect(live[0]?.dueDate).toBeUndefined();
    expect(accepted.buckets.reduce((s, b) => s + b.pence, 0)).toBe(10050);
  });

  test("property: any sequence of states, applied in any order with repeats, counts each contribution once, in its last state", () => {
    const step = fc.record({ which: fc.integer({ min: 0, max: 5 }), status: fc.constantFrom(...EVIDENCE_STATUSES), pounds: fc.integer({ min: 0, max: 1_000_000 }).map((p) => p / 100) });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        let totals = emptyTotals("C-1");
        const last = new Map<number, { status: EvidenceStatus; pence: number }>();
        for (const s of steps) {
          totals = applyToTotals(totals, [{ ...base, id: `SV-0000000${s.which}`, evidenceStatus: s.status, value: s.pounds }]) ?? totals;
          last.set(s.which, { status: s.status, pence: toPence(s.pounds) });
        }
        for (const status of EVIDENCE_STATUSES) {
          const want = [...last.values()].filter((l) => l.status === status);
          const got = totals.buckets.filter((b) => b.status === status);
          expect(got.reduce((s, b) => s + b.count, 0)).toBe(want.length);
          expect(got.reduce((s, b) => s + b.pence, 0)).toBe(want.reduce((s, l) => s + l.pence, 0));
        }
      }),
    );
  });
});

describe("portfolioView", () => {
  const asOf = "2026-10-01";

  test("committed, expected on TOMS.EXPECTED's curve, delivered, reported, rejected, overdue and the gap, per contract", () => {
    const c = contract("C-1", {
      commitments: [{ measureCode: "J1", quantity: 10 }],
      reported: [
        { measureCode: "J1", supplier: "Acme", periodEnd: "2025-12-31", status: "accepted", pounds: 40_000 },
        { measureCode: "J1", supplier: "Acme", periodEnd: "2026-06-30", status: "submitted", pounds: 5_000 },
        { measureCode: "J1", supplier: "Acme", periodEnd: "2026-06-30", status: "missing", pounds: 2_000, due: "2026-07-30" },
        { measureCode: "J1", supplier: "Acme", periodEnd: "2026-06-30", status: "rejected", pounds: 1_000, due: "2026-10-15" },
      ],
    });
    const view = portfolioView([c], { groupBy: "contract", asOf });
    const committed = toPence(10 * j1Proxy);
    const expected = Math.round(expectedDelivery(committed, "2025-04-01", "2028-04-01", asOf));
    expect(view.rows).toHaveLength(1);
    expect(view.totals).toMatchObject({ committed, expected, delivered: 4_000_000, reported: 700_000, rejected: 100_000, overdueCount: 1, overdue: 200_000, gap: expected - 4_000_000 });
    expect(view.rows[0]).toMatchObject({ key: "C-1", illustrative: false, packs: ["council-toms 2026"], status: portfolioStatus(4_000_000, expected) });
    expect(view.illustrative).toBe("none");
  });

  test("a window counts the commitments pro rata to the days in it and the contributions whose period ends in it", () => {
    const c = contract("C-1", { commitments: [{ measureCode: "J1", quantity: 12 }], reported: [{ measureCode: "J1", supplier: "Acme", periodEnd: "2025-06-30", status: "accepted", pounds: 100 }, { measureCode: "J1", supplier: "Acme", periodEnd: "2026-06-30", status: "accepted", pounds: 200 }] });
    const view = portfolioView([c], { groupBy: "year", asOf, from: "2026-04-01", to: "2027-03-31" });
    const committed = toPence(12 * j1Proxy);
    const slice = (d: string) => Math.round(expectedDelivery(committed, "2025-04-01", "2028-04-01", d));
    expect(view.rows.map((r) => r.label)).toEqual(["2026-27"]);
    expect(view.totals).toMatchObject({ committed: slice("2027-04-01") - slice("2026-04-01"), expected: slice(asOf) - slice("2026-04-01"), delivered: 20_000 });
  });

  test("a shortfall is carried into the next year and made up, oldest first, by late delivery: never lost, never counted twice", () => {
    const committed = toPence(3 * j1Proxy); // over three whole financial years
    const perYear = committed / 3;
    const late = (pounds: number) => ({ measureCode: "J1", supplier: "Acme", periodEnd: "2026-09-30", status: "accepted" as const, pounds });
    const firstYear = { measureCode: "J1", supplier: "Acme", periodEnd: "2026-03-31", status: "accepted" as const, pounds: (perYear / 100) * 0.5 };
    const c = contract("C-1", { commitments: [{ measureCode: "J1", quantity: 3 }], reported: [firstYear, late((perYear / 100) * 0.3)] });
    const years = portfolioView([c], { groupBy: "year", asOf });
    const y2026 = years.rows.find((r) => r.key === "2026");
    expect(y2026).toBeDefined();
    const carried = Math.round(expectedDelivery(committed, "2025-04-01", "2028-04-01", "2026-04-01")) - toPence(firstYear.pounds);
    expect(y2026).toMatchObject({ carriedIn: carried, carriedOutstanding: carried - toPence((perYear / 100) * 0.3) });
    expect(years.rows.find((r) => r.key === "2025")).toMatchObject({ carriedIn: 0 });
    // The year view's total carry is the current year's, and every other view carries the same.
    for (const groupBy of PORTFOLIO_GROUPINGS) {
      expect(portfolioView([c], { groupBy, asOf }).totals).toMatchObject({ carriedIn: carried, carriedOutstanding: y2026?.carriedOutstanding });
    }
    // Delivered in full late: the carried shortfall is made up and the delivery counted once.
    const made = contract("C-1", { commitments: [{ measureCode: "J1", quantity: 3 }], reported: [firstYear, late((perYear / 100) * 0.5)] });
    const after = portfolioView([made], { groupBy: "contract", asOf });
    expect(after.totals.carriedOutstanding).toBe(0);
    expect(after.totals.delivered).toBe(toPence(firstYear.pounds) * 2);
  });

  test("one contract holding most of the £ is a dominance warning, with the figures without it", () => {
    const big = contract("C-BIG", { commitments: [{ measureCode: "J1", quantity: 100 }] });
    const small = contract("C-S", { commitments: [{ measureCode: "J1", quantity: 10 }] });
    const view = portfolioView([big, small], { groupBy: "theme", asOf });
    expect(view.dominance).toContainEqual(expect.objectContaining({ by: "contract", key: "C-BIG", measure: "committed" }));
    expect(view.largest.contract).toMatchObject({ key: "C-BIG", withoutLargest: { committed: toPence(10 * j1Proxy) } });
    // Commitments that name no supplier are not one supplier dominating.
    expect(view.dominance.filter((d) => d.by === "supplier")).toEqual([]);
    const even = portfolioView([small, contract("C-T", { commitments: [{ measureCode: "J1", quantity: 10 }] })], { groupBy: "contract", asOf });
    expect(even.dominance.filter((d) => d.by === "contract")).toEqual([]);
  });

  test("example-pack figures are kept apart from real ones and the mixed packs are named", () => {
    const view = portfolioView([contract("C-R", { commitments: [{ measureCode: "J1", quantity: 1 }] }), contract("C-X", { pack: example, commitments: [{ measureCode: "J1", quantity: 1 }] })], { groupBy: "supplier", asOf });
    expect(view.illustrative).toBe("kept-apart");
    expect(view.mixedPacks).toBe(true);
    expect(view.packs).toEqual(["council-toms 2026", `example ${EXAMPLE_PACK.edition}`]);
    expect(view.totals.committed).toBe(toPence(j1Proxy));
    expect(view.illustrativeTotals?.committed).toBe(toPence(j1Proxy));
    expect(view.rows.map((r) => r.illustrative).sort()).toEqual([false, true]);
    expect(view.notes.join(" ")).toMatch(/never added to real ones/);
  });

  test("no people: rows name contracts, supplier organisations, services, themes and years only", () => {
    const c = contract("C-1", { service: "Highways", commitments: [{ measureCode: "J1", quantity: 1, supplier: "Acme Build Ltd" }] });
    const text = JSON.stringify(PORTFOLIO_GROUPINGS.map((groupBy) => portfolioView([c], { groupBy, asOf })));
    expect(text).not.toMatch(/@/);
    expect(portfolioView([c], { groupBy: "service", asOf }).rows[0]?.label).toBe("Highways");
  });

  // Contracts shaped like a council's: a few packs, services, suppliers, commitments and reports in every state.
  const reportArb = fc.record({
    measureCode: fc.constantFrom("J1", "J3", "E3", "S2", "G1", "ZZ9"),
    supplier: fc.constantFrom("Acme Build Ltd", "acme  build ltd", "Brightside Care", "Northern Fleet"),
    periodEnd: fc.integer({ min: 0, max: 1400 }).map((d) => new Date(Date.UTC(2024, 0, 1) + d * 86_400_000).toISOString().slice(0, 10)),
    status: fc.constantFrom(...EVIDENCE_STATUSES),
    pounds: fc.integer({ min: 0, max: 50_000_00 }).map((p) => p / 100),
    due: fc.constantFrom("2026-01-31", "2026-09-30", "2027-01-31"),
  });
  const contractArb = fc.record({
    pack: fc.constantFrom(real, example),
    service: fc.option(fc.constantFrom("Highways", "Adult Social Care", "Waste"), { nil: undefined }),
    startDay: fc.integer({ min: 0, max: 900 }),
    length: fc.integer({ min: 30, max: 1800 }),
    commitments: fc.uniqueArray(
      fc.record({ measureCode: fc.constantFrom("J1", "J3", "E3", "S2", "G1"), quantity: fc.integer({ min: 0, max: 5000 }), supplier: fc.option(fc.constantFrom("Acme Build Ltd", "Brightside Care"), { nil: undefined }) }),
      { selector: (c) => `${c.measureCode}|${c.supplier ?? ""}`, maxLength: 6 },
    ),
    reported: fc.array(reportArb, { maxLength: 12 }),
  });
  const day = (n: number) => new Date(Date.UTC(2024, 3, 1) + n * 86_400_000).toISOString().slice(0, 10);
  const ADDITIVE: (keyof PortfolioFigures)[] = ["committed", "expected", "delivered", "reported", "overdueCount", "overdue", "rejected", "gap"];

  test("property: for every grouping and window, the totals are the sum of the rows (illustrative rows to their own totals)", () => {
    fc.assert(
      fc.property(
        fc.array(contractArb, { minLength: 1, maxLength: 6 }),
        fc.constantFrom(...PORTFOLIO_GROUPINGS),
        fc.option(fc.tuple(fc.integer({ min: 0, max: 1500 }), fc.integer({ min: 0, max: 800 })), { nil: undefined }),
        fc.integer({ min: 0, max: 2000 }),
        (specs, groupBy, window, asOfDay) => {
          const contracts = specs.map((s, i) => contract(`C-${i}`, { pack: s.pack, service: s.service, start: day(s.startDay), end: day(s.startDay + s.length), commitments: s.commitments, reported: s.reported }));
          const options = { groupBy, asOf: day(asOfDay), ...(window ? { from: day(window[0]), to: day(window[0] + window[1]) } : {}) };
          const view = portfolioView(contracts, options);
          const realRows = view.rows.filter((r) => r.illustrative === (view.illustrative === "only"));
          const exampleRows = view.rows.filter((r) => r.illustrative && view.illustrative === "kept-apart");
          for (const f of ADDITIVE) {
            expect(realRows.reduce((s, r) => s + r[f], 0)).toBe(view.totals[f]);
            if (view.illustrativeTotals) expect(exampleRows.reduce((s, r) => s + r[f], 0)).toBe(view.illustrativeTotals[f]);
            for (const r of view.rows) expect(Number.isInteger(r[f])).toBe(true);
          }
          if (groupBy !== "year") {
            expect(realRows.reduce((s, r) => s + r.carriedIn, 0)).toBe(view.totals.carriedIn);
            expect(realRows.reduce((s, r) => s + r.carriedOutstanding, 0)).toBe(view.totals.carriedOutstanding);
          }
          // The same contracts give the same totals whichever way they are grouped.
          const byContract = portfolioView(contracts, { ...options, groupBy: "contract" });
          for (const f of [...ADDITIVE, "carriedIn", "carriedOutstanding"] as const) expect(view.totals[f]).toBe(byContract.totals[f]);
          // No window: the whole commitment is committed, and expected never exceeds it.
          if (!window) expect(view.totals.expected).toBeLessThanOrEqual(view.totals.committed);
        },
      ),
      { numRuns: 120 },
    );
  });
});
