import fc from "fast-check";
import {
  addDays,
  addMonths,
  AssessmentInputSchema,
  checkRatings,
  daysBetween,
  DEFAULT_RATING_THRESHOLDS,
  KPI_RATINGS,
  KpiRegisterInputSchema,
  KpiSchema,
  nextAssessmentDue,
  noticeDueBy,
  OCDS_RATING,
  PerformanceFailureInputSchema,
  problemsFromZod,
  registerView,
  registerWarnings,
  suggestRating,
} from "../../shared";
import type { Assessment, Kpi, KpiInput } from "../../shared";

const kpi = (id: string, extra: Partial<KpiInput> = {}): Kpi => KpiSchema.parse({ id, name: `KPI ${id}`, target: "£100,000 a year", ...extra });
const contract = { id: "C-2001", value: 12_000_000, startDate: "2025-04-01", endDate: "2029-03-31" };

const assessment = (periodEnd: string, extra: Partial<Assessment> = {}): Assessment => ({
  id: `PA-${periodEnd}`,
  contractId: contract.id,
  periodStart: "2025-04-01",
  periodEnd,
  final: false,
  ratings: [],
  assessedAt: `${periodEnd}T10:00:00.000Z`,
  assessedBy: "officer@council.example",
  ...extra,
});

describe("the KPI register", () => {
  test("with three or more KPIs exactly three are material; fewer may be marked as the officer likes", () => {
    const four = (material: boolean[]) => ({ kpis: material.map((m, i) => ({ id: `K${i}`, name: "n", target: "t", material: m })) });
    expect(KpiRegisterInputSchema.safeParse(four([true, true, true, false])).success).toBe(true);
    const two = KpiRegisterInputSchema.safeParse(four([true, true, false, false]));
    expect(two.success).toBe(false);
    expect(problemsFromZod(two.error?.issues ?? [])).toEqual([{ path: ["kpis"], message: expect.stringContaining("exactly 3") }]);
    expect(KpiRegisterInputSchema.safeParse(four([true, true, true, true])).success).toBe(false);
    expect(KpiRegisterInputSchema.safeParse(four([false, false])).success).toBe(true);
    expect(KpiRegisterInputSchema.safeParse({ kpis: [] }).success).toBe(true);
  });

  test("ids and linked measures are not repeated; an unknown field is refused", () => {
    const dup = KpiRegisterInputSchema.safeParse({ kpis: [{ id: "K1", name: "a", target: "t", measureCodes: ["J1", "j1"] }, { id: "k1", name: "b", target: "t" }] });
    expect(problemsFromZod(dup.error?.issues ?? []).map((p) => p.path)).toEqual([["kpis", 0, "measureCodes", 1], ["kpis", 1, "id"]]);
    expect(KpiRegisterInputSchema.safeParse({ kpis: [], colour: "red" }).success).toBe(false);
  });

  test("kpis-required: over £5m, fewer than three KPIs and no exemption", () => {
    expect(registerWarnings(5_000_001, { kpis: [kpi("A"), kpi("B")] }).map((w) => w.code)).toEqual(["kpis-required"]);
    expect(registerWarnings(5_000_000, { kpis: [] })).toEqual([]);
    expect(registerWarnings(9_000_000, { kpis: [kpi("A"), kpi("B"), kpi("C")] })).toEqual([]);
    expect(registerWarnings(9_000_000, { kpis: [], exemptionReason: "a framework agreement" })).toEqual([]);
  });
});

describe("assessments", () => {
  test("a rating is on the Act's scale; anything else names the field and the allowed values", () => {
    const bad = AssessmentInputSchema.safeParse({ periodStart: "2025-04-01", periodEnd: "2026-03-31", ratings: [{ kpiId: "K1", rating: "excellent" }] });
    const problems = problemsFromZod(bad.error?.issues ?? []);
    expect(problems).toEqual([{ path: ["ratings", 0, "rating"], message: "a rating is one of good, approaching-target, requires-improvement, inadequate, other" }]);
  });

  test("other needs an explanation; a period ends on or after it starts", () => {
    const bad = AssessmentInputSchema.safeParse({ periodStart: "2026-04-01", periodEnd: "2026-03-31", ratings: [{ kpiId: "K1", rating: "other" }] });
    expect(problemsFromZod(bad.error?.issues ?? []).map((p) => p.path)).toEqual([["periodEnd"], ["ratings", 0, "explanation"]]);
    expect(AssessmentInputSchema.safeParse({ periodStart: "2025-04-01", periodEnd: "2026-03-31", ratings: [{ kpiId: "K1", rating: "other", explanation: "paused by agreement" }] }).success).toBe(true);
  });

  test("every KPI is rated, or the missing ids are named; unknown KPIs are refused", () => {
    const kpis = [kpi("K1"), kpi("K2", { material: true }), kpi("K3")];
    const partial = checkRatings(kpis, [{ kpiId: "k1", rating: "good" }, { kpiId: "K9", rating: "good" }]);
    expect(partial).toEqual({
      ok: false,
      missing: ["K2", "K3"],
      problems: [
        { path: ["ratings", 1, "kpiId"], message: "KPI K9 is not in the contract's register" },
        { path: ["ratings"], message: "every KPI of the register is rated; missing: K2, K3" },
      ],
    });
    const full = checkRatings(kpis, [{ kpiId: "k1", rating: "good" }, { kpiId: "K2", rating: "inadequate" }, { kpiId: "K3", rating: "approaching-target" }]);
    expect(full.ok && full.ratings[0]).toEqual({ kpiId: "K1", rating: "good", name: "KPI K1", target: "£100,000 a year", material: false });
    expect(checkRatings([], []).ok).toBe(false);
  });

  test("the ratings map to the UK OCDS profile's codes", () => {
    expect(KPI_RATINGS.map((r) => OCDS_RATING[r])).toEqual(["met", "slightlyBelow", "below", "significantlyBelow", "other"]);
  });
});

describe("due dates", () => {
  test("12 months after the last period assessed, or the contract's start before the first", () => {
    expect(nextAssessmentDue(contract, [])).toBe("2026-04-01");
    expect(nextAssessmentDue(contract, [assessment("2026-03-31"), assessment("2025-09-30")])).toBe("2027-03-31");
  });

  test("the contract's end when that is sooner; none after the final assessment on termination", () => {
    expect(nextAssessmentDue(contract, [assessment("2028-09-30")])).toBe("2029-03-31");
    expect(nextAssessmentDue({ startDate: "2026-01-01", endDate: "2026-08-31" }, [])).toBe("2026-08-31");
    expect(nextAssessmentDue(contract, [assessment("2026-03-31"), assessment("2026-06-30", { final: true })])).toBeUndefined();
  });

  test("leap years: 29 February plus 12 months is 28 February; month ends are kept in range", () => {
    expect(addMonths("2024-02-29", 12)).toBe("2025-02-28");
    expect(addMonths("2027-02-28", 12)).toBe("2028-02-28");
    expect(addMonths("2023-02-28", 12)).toBe("2024-02-28");
    expect(addMonths("2025-08-31", 6)).toBe("2026-02-28");
    expect(addMonths("2027-08-31", 6)).toBe("2028-02-29");
    expect(nextAssessmentDue({ startDate: "2023-03-01", endDate: "2030-01-01" }, [assessment("2024-02-29")])).toBe("2025-02-28");
  });

  test("property: 12 months on is never more than a year of days away, keeps the day where the month has it, and never moves past the contract's end", () => {
    const day = fc.integer({ min: 0, max: 30_000 }).map((n) => addDays("1990-01-01", n));
    fc.assert(
      fc.property(day, fc.integer({ min: 1, max: 4000 }), (last, extra) => {
        const next = addMonths(last, 12);
        const gap = daysBetween(last, next);
        expect(gap === 365 || gap === 366 || (last.endsWith("02-29") && gap === 365)).toBe(true);
        if (!last.endsWith("02-29")) expect(next.slice(5)).toBe(last.slice(5));
        const end = addDays(last, extra);
        const due = nextAssessmentDue({ startDate: addDays(last, -10), endDate: end }, [assessment(last)]);
        expect(due).toBe(next < end ? next : end);
      }),
    );
  });

  test("a failure notice is due 30 days after the decision", () => {
    expect(noticeDueBy("2026-01-15")).toBe("2026-02-14");
    expect(noticeDueBy("2028-02-10")).toBe("2028-03-11");
    fc.assert(fc.property(fc.integer({ min: 0, max: 30_000 }), (n) => expect(daysBetween(addDays("1990-01-01", n), noticeDueBy(addDays("1990-01-01", n)))).toBe(30)));
  });
});

describe("performance failures", () => {
  test("kind and penalty type name their allowed values", () => {
    const bad = PerformanceFailureInputSchema.safeParse({ kind: "late", decisionDate: "2026-02-30", description: "", penalty: { type: "fine", value: -1 } });
    expect(problemsFromZod(bad.error?.issues ?? [])).toEqual([
      { path: ["kind"], message: "kind is one of breach, poor-performance" },
      { path: ["decisionDate"], message: "must be a date written yyyy-mm-dd" },
      { path: ["description"], message: "describe the breach or poor performance" },
      { path: ["penalty", "type"], message: "a penalty type is one of contracted, imposed, negotiated" },
      { path: ["penalty", "value"], message: "a penalty value cannot be negative" },
    ]);
    expect(PerformanceFailureInputSchema.parse({ kind: "breach", decisionDate: "2026-01-15", description: "Missed the apprenticeship starts", partialTermination: "Lot 2" })).toMatchObject({ kind: "breach" });
  });
});

describe("suggested ratings", () => {
  const social = kpi("SV", { measureCodes: ["J1", "G1"], targetValue: 400_000 });
  // Halfway through a 4-year contract, £200,000 of the £400,000 is expected.
  const asOf = addDays(contract.startDate, Math.round(daysBetween(contract.startDate, contract.endDate) / 2));

  test("accepted £ on the KPI's measures against the £ expected by now, with the default thresholds", () => {
    const expected = suggestRating(social, contract, [], asOf)?.expected ?? 0;
    expect(expected).toBeCloseTo(200_000, -2);
    const at = (share: number) => suggestRating(social, contract, [{ measureCode: "j1", value: Math.round(expected * share * 100) / 100 }, { measureCode: "E1", value: 1_000_000 }], asOf)?.rating;
    expect([at(1.2), at(1), at(0.95), at(0.9), at(0.8), at(0.7), at(0.69), at(0)]).toEqual([
      "good",
      "good",
      "approaching-target",
      "approaching-target",
      "requires-improvement",
      "requires-improvement",
      "inadequate",
      "inadequate",
    ]);
    expect(suggestRating(social, contract, [], asOf)?.thresholds).toEqual(DEFAULT_RATING_THRESHOLDS);
  });

  test("thresholds on the KPI are used; none without a target value, measures, or before anything is expected", () => {
    const strict = { ...social, thresholds: { good: 1.1, approachingTarget: 1, requiresImprovement: 0.5 } };
    const expected = suggestRating(strict, contract, [], asOf)?.expected ?? 0;
    expect(suggestRating(strict, contract, [{ measureCode: "G1", value: expected }], asOf)?.rating).toBe("approaching-target");
    expect(suggestRating({ ...social, targetValue: undefined }, contract, [], asOf)).toBeUndefined();
    expect(suggestRating({ ...social, measureCodes: [] }, contract, [], asOf)).toBeUndefined();
    expect(suggestRating(social, contract, [], contract.startDate)).toBeUndefined();
    expect(KpiSchema.safeParse({ id: "K", name: "n", target: "t", thresholds: { good: 0.5, approachingTarget: 0.9, requiresImprovement: 0.1 } }).success).toBe(false);
  });

  test("delivered is summed to the penny however many contributions", () => {
    const many = Array.from({ length: 1000 }, () => ({ measureCode: "J1", value: 0.1 }));
    expect(suggestRating(social, contract, many, asOf)?.delivered).toBe(100);
  });

  test("property: more delivered never gives a worse suggestion", () => {
    const order = (r: string | undefined) => KPI_RATINGS.indexOf((r ?? "other") as (typeof KPI_RATINGS)[number]);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 50_000_000 }), fc.integer({ min: 0, max: 50_000_000 }), (a, b) => {
        const [low, high] = a < b ? [a, b] : [b, a];
        const rate = (pence: number) => suggestRating(social, contract, [{ measureCode: "J1", value: pence / 100 }], asOf)?.rating;
        expect(order(rate(high))).toBeLessThanOrEqual(order(rate(low)));
      }),
    );
  });

  test("the register view carries the latest rating, the suggestion, the next date and the warnings", () => {
    const latest = assessment("2026-03-31", { ratings: [{ kpiId: "SV", rating: "approaching-target", name: "KPI SV", target: "t", material: true }] });
    const view = registerView({ ...contract, value: 6_000_000 }, { kpis: [social] }, [assessment("2025-09-30"), latest], [{ measureCode: "J1", value: 500 }], asOf);
    expect(view.kpis[0]).toMatchObject({ id: "SV", latestRating: "approaching-target", latestAssessmentId: latest.id, suggestedRating: { rating: "inadequate", delivered: 500 } });
    expect(view.nextAssessmentDue).toBe("2027-03-31");
    expect(view.warnings.map((w) => w.code)).toEqual(["kpis-required"]);
  });
});
