import { z } from "zod";
import type { Assessment } from "./performance";
import { KPI_RATING_LABELS, OCDS_RATING, OCDS_RATINGS } from "./performance";

/*
 * The contract performance notice (UK9) of one assessment, as the officer checks it before entering
 * it on Find a Tender: an OCDS release in the shape of the UK profile (docs/PROCUREMENT-ACT.md,
 * "The notice"), a CSV of the ratings and a readable HTML page. The product never publishes it.
 */

export interface NoticeContract {
  id: string;
  title: string;
  buyer: string;
  startDate: string;
  endDate: string;
}

const OcdsPeriodSchema = z.object({ startDate: z.iso.datetime(), endDate: z.iso.datetime() }).strict();

export const OcdsObservationSchema = z
  .object({
    id: z.string(),
    period: OcdsPeriodSchema,
    measure: z.string(),
    notes: z.string().optional(),
    measureClassification: z.object({ id: z.enum(OCDS_RATINGS), description: z.string() }).strict(),
  })
  .strict();

/** The notice as an OCDS release (contracts[].implementation.metrics, from the metrics extension and the UK profile). */
export const PerformanceNoticeReleaseSchema = z
  .object({
    id: z.string(),
    date: z.iso.datetime(),
    tag: z.tuple([z.literal("implementation")]),
    language: z.literal("en"),
    buyer: z.object({ id: z.string(), name: z.string() }).strict(),
    parties: z.array(z.object({ id: z.string(), name: z.string(), roles: z.tuple([z.literal("buyer")]) }).strict()),
    contracts: z.array(
      z
        .object({
          id: z.string(),
          title: z.string(),
          period: OcdsPeriodSchema,
          implementation: z
            .object({ metrics: z.array(z.object({ id: z.string(), title: z.string(), description: z.string(), observations: z.array(OcdsObservationSchema) }).strict()) })
            .strict(),
        })
        .strict(),
    ),
  })
  .strict();
export type PerformanceNoticeRelease = z.infer<typeof PerformanceNoticeReleaseSchema>;

const startOf = (date: string) => `${date}T00:00:00Z`;
const endOf = (date: string) => `${date}T23:59:59Z`;

/** The notice as an OCDS release: one metric per KPI, its rating in the UK profile's `measureClassification`. */
export function performanceNoticeRelease(contract: NoticeContract, assessment: Assessment): PerformanceNoticeRelease {
  const buyerId = "buyer";
  return {
    id: `${contract.id}-${assessment.id}`,
    date: assessment.assessedAt,
    tag: ["implementation"],
    language: "en",
    buyer: { id: buyerId, name: contract.buyer },
    parties: [{ id: buyerId, name: contract.buyer, roles: ["buyer"] }],
    contracts: [
      {
        id: contract.id,
        title: contract.title,
        period: { startDate: startOf(contract.startDate), endDate: endOf(contract.endDate) },
        implementation: {
          metrics: assessment.ratings.map((r) => ({
            id: r.kpiId,
            title: r.name,
            description: `Target: ${r.target}`,
            observations: [
              {
                id: `${assessment.id}-${r.kpiId}`,
                period: { startDate: startOf(assessment.periodStart), endDate: endOf(assessment.periodEnd) },
                measure: r.observed ?? KPI_RATING_LABELS[r.rating],
                ...(r.explanation ? { notes: r.explanation } : {}),
                measureClassification: { id: OCDS_RATING[r.rating], description: KPI_RATING_LABELS[r.rating] },
              },
            ],
          })),
        },
      },
    ],
  };
}

/** A cell a spreadsheet would read as a formula is written as text (a leading apostrophe). */
function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export const NOTICE_CSV_HEADER = ["KPI id", "KPI", "Target", "Material", "Period start", "Period end", "Final", "Rating", "OCDS rating", "Observed", "Explanation"];

/** One row per KPI rated, with a header row; CRLF line ends as RFC 4180 has them. */
export function performanceNoticeCsv(assessment: Assessment): string {
  const rows = assessment.ratings.map((r) => [
    r.kpiId,
    r.name,
    r.target,
    r.material ? "yes" : "no",
    assessment.periodStart,
    assessment.periodEnd,
    assessment.final ? "yes" : "no",
    KPI_RATING_LABELS[r.rating],
    OCDS_RATING[r.rating],
    r.observed ?? "",
    r.explanation ?? "",
  ]);
  return [NOTICE_CSV_HEADER, ...rows].map((row) => row.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch] ?? ch);
}

/** A page an officer can read and print before entering the notice on Find a Tender; every text is escaped. */
export function performanceNoticeHtml(contract: NoticeContract, assessment: Assessment): string {
  const e = escapeHtml;
  const rows = assessment.ratings
    .map(
      (r) =>
        `<tr><th scope="row">${e(r.kpiId)}</th><td>${e(r.name)}${r.material ? " <strong>(material)</strong>" : ""}</td><td>${e(r.target)}</td><td>${e(KPI_RATING_LABELS[r.rating])} <code>${OCDS_RATING[r.rating]}</code></td><td>${e(r.observed ?? "")}</td><td>${e(r.explanation ?? "")}</td></tr>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="en-GB">
<head><meta charset="utf-8"><title>Contract performance notice: ${e(contract.title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:1.5rem;max-width:60rem}table{border-collapse:collapse;width:100%}th,td{border:1px solid #767676;padding:.4rem;text-align:left;vertical-align:top}caption{text-align:left;font-weight:600;margin-bottom:.5rem}</style>
</head>
<body>
<main>
<h1>Contract performance notice (UK9)</h1>
<p><strong>Not published.</strong> Social Value Ledger does not publish to Find a Tender. Check this notice, then enter it on Find a Tender yourself.</p>
<dl>
<dt>Contract</dt><dd>${e(contract.id)}: ${e(contract.title)}</dd>
<dt>Contracting authority</dt><dd>${e(contract.buyer)}</dd>
<dt>Period assessed</dt><dd>${e(assessment.periodStart)} to ${e(assessment.periodEnd)}${assessment.final ? " (final assessment, on termination)" : ""}</dd>
<dt>Assessed</dt><dd>${e(assessment.assessedAt.slice(0, 10))} by ${e(assessment.assessedBy)}</dd>
</dl>
<table>
<caption>Key performance indicators</caption>
<thead><tr><th scope="col">Id</th><th scope="col">KPI</th><th scope="col">Target</th><th scope="col">Rating</th><th scope="col">Observed</th><th scope="col">Explanation</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</main>
</body>
</html>
`;
}
