import { escapeHtml, NOTICE_CSV_HEADER, performanceNoticeCsv, performanceNoticeHtml, performanceNoticeRelease } from "../../shared";
import type { Assessment } from "../../shared";

const contract = { id: "C-2001", title: "Highways <maintenance> & repair", buyer: "Northshire County Council", startDate: "2025-04-01", endDate: "2029-03-31" };
const assessment: Assessment = {
  id: "PA-7K3Q9M2D",
  contractId: "C-2001",
  periodStart: "2025-04-01",
  periodEnd: "2026-03-31",
  final: false,
  assessedAt: "2026-04-20T09:30:00.000Z",
  assessedBy: "officer@northshire.example",
  ratings: [
    { kpiId: "KPI-1", name: "Local apprenticeships", target: "12 starts a year", material: true, rating: "good", observed: "14 starts" },
    { kpiId: "KPI-2", name: "Response time", target: "95% within 2 hours", material: true, rating: "approaching-target" },
    { kpiId: "KPI-3", name: "Complaints, \"closed\"", target: "=SUM(A1:A9)", material: true, rating: "other", explanation: "Paused by agreement, <script>alert(1)</script>" },
  ],
};

describe("the contract performance notice", () => {
  test("as an OCDS release: one metric per KPI, the rating in measureClassification with the UK profile's code", () => {
    const release = performanceNoticeRelease(contract, assessment);
    expect(release).toMatchObject({ id: "C-2001-PA-7K3Q9M2D", tag: ["implementation"], buyer: { name: "Northshire County Council" } });
    const metrics = release.contracts[0]?.implementation.metrics ?? [];
    expect(metrics.map((m) => [m.id, m.observations[0]?.measureClassification.id])).toEqual([
      ["KPI-1", "met"],
      ["KPI-2", "slightlyBelow"],
      ["KPI-3", "other"],
    ]);
    expect(metrics[0]?.observations[0]).toEqual({
      id: "PA-7K3Q9M2D-KPI-1",
      period: { startDate: "2025-04-01T00:00:00Z", endDate: "2026-03-31T23:59:59Z" },
      measure: "14 starts",
      measureClassification: { id: "met", description: "Good" },
    });
    expect(metrics[2]?.observations[0]?.notes).toContain("Paused by agreement");
  });

  test("as CSV: a header, one row per KPI, quotes doubled, formulas written as text", () => {
    const lines = performanceNoticeCsv(assessment).split("\r\n");
    expect(lines[0]).toBe(NOTICE_CSV_HEADER.join(","));
    expect(lines[1]).toBe("KPI-1,Local apprenticeships,12 starts a year,yes,2025-04-01,2026-03-31,no,Good,met,14 starts,");
    expect(lines[3]).toBe(`KPI-3,"Complaints, ""closed""",'=SUM(A1:A9),yes,2025-04-01,2026-03-31,no,Other,other,,"Paused by agreement, <script>alert(1)</script>"`);
    expect(lines.at(-1)).toBe("");
  });

  test("as HTML: every text escaped, saying it is not published", () => {
    const html = performanceNoticeHtml(contract, assessment);
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("Highways &lt;maintenance&gt; &amp; repair");
    expect(html).toContain("does not publish to Find a Tender");
    expect(html).toContain('<html lang="en-GB">');
    expect(escapeHtml(`'"&`)).toBe("&#39;&quot;&amp;");
  });
});
