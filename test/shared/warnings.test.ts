import fc from "fast-check";
import {
  claimWarnings,
  ContributionSchema,
  duplicateClaimWarnings,
  evidenceReuseWarnings,
  MAX_RELATED,
  mergeWarnings,
  normaliseEvidenceLink,
  periodWarnings,
  valueWarnings,
  WarningBoundsSchema,
  warningsSummary,
} from "../../shared";
import type { ClaimFacts, ContractFacts, NewClaim } from "../../shared";

const CONTRACT: ContractFacts = { id: "C-1001", value: 1_200_000, startDate: "2026-04-01", endDate: "2029-03-31" };

function claim(overrides: Partial<NewClaim> = {}): NewClaim {
  return {
    id: "SV-7K3Q9M2D",
    contractId: "C-1001",
    supplier: "Acme Build Ltd",
    measureCode: "J3",
    quantity: 52,
    periodStart: "2026-07-01",
    periodEnd: "2026-09-30",
    evidence: [],
    value: 12_480,
    reportedOn: "2026-11-20",
    ...overrides,
  };
}

const earlier = (overrides: Partial<ClaimFacts> = {}): ClaimFacts => ({ ...claim({ id: "SV-0000AAAA" }), ...overrides });

describe("possible-duplicate: the same supplier, measure and quantity for an overlapping period", () => {
  it("names the earlier contribution", () => {
    const [w, ...rest] = duplicateClaimWarnings(claim(), [earlier()]);
    expect(rest).toEqual([]);
    expect(w).toMatchObject({ code: "possible-duplicate", relatedIds: ["SV-0000AAAA"] });
    expect(w?.message).toContain("SV-0000AAAA");
  });

  it("the first report carries none, and a contribution is never a duplicate of itself (a retried submission)", () => {
    expect(duplicateClaimWarnings(claim(), [])).toEqual([]);
    expect(duplicateClaimWarnings(claim(), [claim()])).toEqual([]);
  });

  it("matches suppliers as people type them and measure codes in any case", () => {
    expect(duplicateClaimWarnings(claim(), [earlier({ supplier: "  acme  BUILD ltd", measureCode: "j3" })])).toHaveLength(1);
  });

  it.each([
    ["another quantity", { quantity: 26 }],
    ["another measure", { measureCode: "J5" }],
    ["another supplier", { supplier: "Brightside Care CIC" }],
    ["the period before", { periodStart: "2026-04-01", periodEnd: "2026-06-30" }],
  ])("is not raised for %s", (_what, change) => {
    expect(duplicateClaimWarnings(claim(), [earlier(change)])).toEqual([]);
  });

  it("counts a period sharing one day as overlapping, and says which contract an earlier one is on", () => {
    const [w] = duplicateClaimWarnings(claim(), [earlier({ periodStart: "2026-09-30", periodEnd: "2026-12-31", contractId: "C-2002" }), earlier({ id: "SV-1111BBBB" })]);
    expect(w?.relatedIds).toEqual(["SV-0000AAAA", "SV-1111BBBB"]);
    expect(w?.message).toContain("SV-0000AAAA (contract C-2002)");
  });

  it("names at most MAX_RELATED earlier contributions, and says there are more", () => {
    const many = Array.from({ length: MAX_RELATED + 2 }, (_x, i) => earlier({ id: `SV-0000AAA${i}` }));
    const [w] = duplicateClaimWarnings(claim(), many);
    expect(w?.relatedIds).toHaveLength(MAX_RELATED);
    expect(w?.message).toContain(`more than ${MAX_RELATED} contributions`);
    expect(w?.message).toMatch(/ and more$/);
    const link = { name: "payroll.pdf", link: "https://acme.example/payroll.pdf" };
    const [e] = evidenceReuseWarnings(claim(), [link], many.map((m) => ({ ...m, evidence: [link] })));
    expect(e?.relatedIds).toHaveLength(MAX_RELATED);
    expect(e?.message).toMatch(/ and more$/);
  });

  it("property: raised exactly when the periods overlap, whatever the order of the two reports", () => {
    const day = fc.integer({ min: 0, max: 400 }).map((n) => new Date(Date.UTC(2026, 3, 1 + n)).toISOString().slice(0, 10));
    const period = fc.tuple(day, day).map(([a, b]) => (a <= b ? [a, b] : [b, a]) as [string, string]);
    fc.assert(
      fc.property(period, period, ([s1, e1], [s2, e2]) => {
        const a = claim({ periodStart: s1, periodEnd: e1 });
        const b = earlier({ periodStart: s2, periodEnd: e2 });
        const overlap = s1 <= e2 && s2 <= e1;
        expect(duplicateClaimWarnings(a, [b]).length === 1).toBe(overlap);
        expect(duplicateClaimWarnings({ ...b, id: "SV-2222CCCC" }, [{ ...a, id: "SV-3333DDDD" }]).length === 1).toBe(overlap);
      }),
    );
  });
});

describe("possible-duplicate: the same evidence used twice", () => {
  const payroll = { name: "payroll-q2.pdf", link: "https://acme.sharepoint.com/sites/Forms/Shared%20Documents/Payroll-Q2.pdf?web=1" };

  it("names every earlier contribution, on this or another contract, that uses the file", () => {
    const others = [
      earlier({ evidence: [{ name: "p.pdf", link: "https://ACME.sharepoint.com/sites/forms/Shared Documents/payroll-q2.pdf" }] }),
      earlier({ id: "SV-1111BBBB", contractId: "C-2002", measureCode: "J1", evidence: [{ name: "x", link: "https://acme.sharepoint.com/sites/forms/shared%20documents/payroll-q2.pdf?e=AbC12x#page=2" }] }),
      earlier({ id: "SV-2222CCCC", evidence: [{ name: "other.pdf", link: "https://acme.sharepoint.com/sites/forms/other.pdf" }] }),
    ];
    const [w, ...rest] = evidenceReuseWarnings(claim(), [payroll, payroll], others);
    expect(rest).toEqual([]);
    expect(w).toMatchObject({ code: "possible-duplicate", relatedIds: ["SV-0000AAAA", "SV-1111BBBB"] });
    expect(w?.message).toContain('"payroll-q2.pdf"');
    expect(w?.message).toContain("SV-1111BBBB (contract C-2002)");
  });

  it("keeps links apart that open different files", () => {
    expect(normaliseEvidenceLink("https://x.example/download.aspx?UniqueId=1&web=1")).toBe("https://x.example/download.aspx?UniqueId=1");
    expect(normaliseEvidenceLink("https://x.example/download.aspx?UniqueId=1")).not.toBe(normaliseEvidenceLink("https://x.example/download.aspx?UniqueId=2"));
    expect(normaliseEvidenceLink("https://x.example/a/b/")).toBe(normaliseEvidenceLink("HTTPS://X.EXAMPLE/a/B"));
    expect(normaliseEvidenceLink("https://x.example/100%")).toBe("https://x.example/100%");
    expect(normaliseEvidenceLink("https://x.example/Shared Documents/a%2541.pdf")).toBe("https://x.example/shared%20documents/a%2541.pdf");
  });

  it("is never raised by the contribution's own evidence", () => {
    expect(evidenceReuseWarnings(claim(), [payroll], [claim({ evidence: [payroll] })])).toEqual([]);
  });

  it("property: normalising twice changes nothing", () => {
    const escaped = fc.webUrl({ withQueryParameters: true, withFragments: true }).chain((url) => fc.constantFrom(url, `${url}/%2541`, `${url}/a b`, `${url}/%E9`));
    fc.assert(fc.property(escaped, (url) => {
      const once = normaliseEvidenceLink(url);
      expect(normaliseEvidenceLink(once)).toBe(once);
    }));
  });
});

describe("implausible-value", () => {
  it("flags one contribution worth more than the whole contract", () => {
    const [w] = valueWarnings(claim({ value: 1_500_000 }), CONTRACT);
    expect(w?.code).toBe("implausible-value");
    expect(w?.message).toContain("£1,500,000.00");
    expect(w?.message).toContain("£1,200,000.00");
  });

  it("flags a value or quantity above the bound an officer set for the measure", () => {
    const bounds = WarningBoundsSchema.parse({ j3: { maxValue: 10_000 }, J1: { maxQuantity: 40 } });
    const contract = { ...CONTRACT, warningBounds: bounds };
    expect(valueWarnings(claim(), contract).map((w) => w.message)).toEqual([expect.stringContaining("£10,000.00 set for one J3 contribution")]);
    expect(valueWarnings(claim({ measureCode: "J1", quantity: 41, value: 41 * 25_000 }), contract)).toEqual([expect.objectContaining({ message: expect.stringContaining("41 is more than the 40") })]);
    expect(valueWarnings(claim({ value: 10_000 }), contract)).toEqual([]);
  });

  it("says nothing of measures not valued in £ unless a quantity bound is set", () => {
    expect(valueWarnings(claim({ value: null, quantity: 1e9 }), CONTRACT)).toEqual([]);
  });

  it("refuses a bound with neither figure", () => {
    expect(WarningBoundsSchema.safeParse({ J3: {} }).success).toBe(false);
    expect(WarningBoundsSchema.safeParse({ J3: { maxValue: -1 } }).success).toBe(false);
  });

  it("property: raised against the contract value exactly when the value exceeds it", () => {
    fc.assert(fc.property(fc.double({ min: 0, max: 1e10, noNaN: true }), (value) => {
      const raised = valueWarnings(claim({ value }), CONTRACT).length > 0;
      expect(raised).toBe(value > CONTRACT.value);
    }));
  });
});

describe("checks an audit expects of the period", () => {
  it("flags a period outside the contract's dates", () => {
    expect(periodWarnings(claim({ periodStart: "2026-03-01" }), CONTRACT)).toEqual([expect.objectContaining({ code: "outside-contract-period" })]);
    expect(periodWarnings(claim({ periodEnd: "2029-04-30", reportedOn: "2029-05-01" }), CONTRACT)).toEqual([expect.objectContaining({ code: "outside-contract-period" })]);
  });

  it("flags delivery reported before its period has ended", () => {
    const [w] = periodWarnings(claim({ periodEnd: "2026-12-31" }), CONTRACT);
    expect(w).toMatchObject({ code: "period-not-ended" });
    expect(w?.message).toContain("2026-11-20");
    expect(periodWarnings(claim({ periodEnd: "2026-11-20" }), CONTRACT)).toEqual([]);
  });
});

describe("all of them together", () => {
  it("a plain first report carries no warning", () => {
    expect(claimWarnings(claim(), CONTRACT, { similar: [], evidenceUsers: [] })).toEqual([]);
  });

  it("lists each warning once, duplicates first", () => {
    const link = { name: "t.pdf", link: "https://acme.example/t.pdf" };
    const codes = claimWarnings(claim({ value: 2e6, evidence: [link] }), CONTRACT, { similar: [earlier()], evidenceUsers: [earlier({ evidence: [link] })] }).map((w) => w.code);
    expect(codes).toEqual(["possible-duplicate", "possible-duplicate", "implausible-value"]);
  });

  it("merges without stacking copies, and sums up for a cell", () => {
    const w = { code: "possible-duplicate" as const, message: "m", relatedIds: ["SV-0000AAAA"] };
    expect(mergeWarnings([w], [w, { code: "implausible-value", message: "n" }])).toHaveLength(2);
    expect(warningsSummary([w, { code: "implausible-value", message: "n" }])).toBe("possible-duplicate (SV-0000AAAA); implausible-value");
  });

  it("a contribution stored before warnings existed reads as having none", () => {
    const parsed = ContributionSchema.shape.warnings.parse(undefined);
    expect(parsed).toEqual([]);
  });
});
