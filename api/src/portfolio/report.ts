import { DOMINANCE_SHARE, financialYearLabel, financialYear, formatPence, PORTFOLIO_CHART_SERIES, STATUS_THRESHOLDS, sumFigures } from "../../../shared";
import type { PortfolioFigures, PortfolioRow, PortfolioStatus, PortfolioView } from "../../../shared";
import { escapeHtml, formatDate } from "../mail/chaseEmails";

/** The three views the cabinet report is made of, from the same contracts on the same day. */
export interface ReportViews {
  byContract: PortfolioView;
  byTheme: PortfolioView;
  byYear: PortfolioView;
}

export interface ReportContext {
  organisation: string;
  /** "every contract" for a Manager, else "the contracts you manage". */
  scope: string;
  generatedAt: Date;
}

const SERIES = PORTFOLIO_CHART_SERIES;

const STATUS_WORDS: Record<PortfolioStatus, string> = { "on-track": "On track", behind: "Behind", "at-risk": "At risk" };

const money = (pence: number) => escapeHtml(formatPence(pence));
const percent = (fraction: number) => `${Math.round(fraction * 100)}%`;

/** A figure the e2e test (and anyone checking) can match with the API's answer: the pence sit beside the words. */
const figure = (name: string, pence: number) => `<span data-figure="${escapeHtml(name)}" data-pence="${pence}">${money(pence)}</span>`;

/** Grouped bars, one group per row, with the figures in a table beside it for screen readers and print. */
function barChart(id: string, title: string, rows: readonly { label: string; figures: PortfolioFigures }[]): string {
  const width = 640;
  const left = 150;
  const barHeight = 9;
  const groupHeight = barHeight * SERIES.length + 12;
  const height = rows.length * groupHeight + 40;
  const max = Math.max(1, ...rows.flatMap((r) => SERIES.map((s) => r.figures[s.key])));
  const scale = (pence: number) => Math.max(0, (pence / max) * (width - left - 80));
  const groups = rows
    .map((r, i) => {
      const y = 10 + i * groupHeight;
      const bars = SERIES.map((s, j) => {
        const value = r.figures[s.key];
        const by = y + j * barHeight;
        return `<rect x="${left}" y="${by}" width="${scale(value).toFixed(1)}" height="${barHeight - 1}" fill="${s.colour}"><title>${escapeHtml(`${r.label}: ${s.label} ${formatPence(value)}`)}</title></rect>`;
      }).join("");
      const label = r.label.length > 24 ? `${r.label.slice(0, 23)}…` : r.label;
      return `<text x="${left - 6}" y="${y + (barHeight * SERIES.length) / 2 + 4}" text-anchor="end" font-size="11">${escapeHtml(label)}</text>${bars}`;
    })
    .join("");
  const legend = SERIES.map((s, j) => `<rect x="${left + j * 170}" y="${height - 22}" width="10" height="10" fill="${s.colour}"/><text x="${left + j * 170 + 14}" y="${height - 13}" font-size="11">${escapeHtml(s.label)}</text>`).join("");
  return `<figure class="chart">
<svg role="img" aria-labelledby="${id}-title ${id}-desc" viewBox="0 0 ${width} ${height}" width="100%" preserveAspectRatio="xMinYMin meet" font-family="Segoe UI, Arial, sans-serif">
<title id="${id}-title">${escapeHtml(title)}</title>
<desc id="${id}-desc">Bars of committed, expected to date and delivered £ for each of ${rows.length} ${rows.length === 1 ? "row" : "rows"}; the same figures are in the table that follows.</desc>
${groups}${legend}
</svg>
<figcaption>${escapeHtml(title)}</figcaption>
</figure>`;
}

function figuresTable(caption: string, headerLabel: string, rows: readonly { label: string; figures: PortfolioFigures; status?: PortfolioStatus; name?: string }[], total?: PortfolioFigures): string {
  const cells = (f: PortfolioFigures, prefix: string | undefined) =>
    (["committed", "expected", "delivered", "gap", "reported", "overdue"] as const).map((k) => `<td class="num">${prefix ? figure(`${prefix}.${k}`, f[k]) : money(f[k])}</td>`).join("");
  const body = rows
    .map((r) => `<tr><th scope="row">${escapeHtml(r.label)}</th>${cells(r.figures, r.name)}${r.status ? `<td class="status-${r.status}">${STATUS_WORDS[r.status]}</td>` : "<td></td>"}</tr>`)
    .join("");
  const foot = total ? `<tfoot><tr><th scope="row">Total</th>${cells(total, undefined)}<td></td></tr></tfoot>` : "";
  return `<table>
<caption>${escapeHtml(caption)}</caption>
<thead><tr><th scope="col">${escapeHtml(headerLabel)}</th><th scope="col">Committed</th><th scope="col">Expected to date</th><th scope="col">Delivered</th><th scope="col">Gap</th><th scope="col">Reported, not yet evidenced</th><th scope="col">Overdue evidence</th><th scope="col">Status</th></tr></thead>
<tbody>${body}</tbody>${foot}
</table>`;
}


const STYLE = `
:root { color: #1b1b1b; font-family: "Segoe UI", Arial, sans-serif; font-size: 11pt; line-height: 1.4; }
body { margin: 0 auto; max-width: 190mm; padding: 12mm 10mm; }
h1 { font-size: 20pt; margin: 0 0 2mm; }
h2 { font-size: 14pt; margin: 8mm 0 2mm; border-bottom: 1px solid #999; }
.meta { color: #444; margin: 0 0 4mm; }
dl.headline { display: grid; grid-template-columns: repeat(4, 1fr); gap: 3mm; margin: 0; }
dl.headline div { border: 1px solid #bbb; padding: 2mm 3mm; }
dl.headline dt { font-size: 9pt; color: #444; }
dl.headline dd { margin: 0; font-size: 15pt; font-weight: 600; }
.warning { border-left: 4px solid #b3261e; background: #fdecea; padding: 2mm 4mm; margin: 3mm 0; }
.note { border-left: 4px solid #8a6d00; background: #fff8e1; padding: 2mm 4mm; margin: 3mm 0; }
table { border-collapse: collapse; width: 100%; font-size: 9pt; margin: 2mm 0 4mm; }
caption { text-align: left; font-weight: 600; padding-bottom: 1mm; }
th, td { border-bottom: 1px solid #ccc; padding: 1mm 1.5mm; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
thead th { border-bottom: 2px solid #666; }
tfoot th, tfoot td { border-top: 2px solid #666; font-weight: 600; }
.status-on-track { color: #1b5e20; } .status-behind { color: #7a5900; } .status-at-risk { color: #b3261e; font-weight: 600; }
figure.chart { margin: 2mm 0; }
figcaption { font-size: 9pt; color: #444; }
footer { font-size: 8.5pt; color: #333; border-top: 1px solid #999; margin-top: 8mm; padding-top: 2mm; }
footer li { margin-bottom: 1mm; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  section, table, figure, dl.headline { break-inside: avoid; }
  tr { break-inside: avoid; }
  .warning, .note, .status-at-risk { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
  svg rect { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
}
`;

/**
 * The cabinet report: one self-contained page (no scripts, no external files) that prints to clean
 * A4. It carries contracts, supplier organisations and figures, never people.
 */
export function renderReport(views: ReportViews, context: ReportContext): string {
  const { byContract, byTheme, byYear } = views;
  const totals = byContract.totals;
  const counted = byContract.rows.filter((r) => r.illustrative === (byContract.illustrative === "only"));
  const top = counted.slice(0, 5);
  const rest = counted.slice(5);
  const restTotal = sumFigures(rest);
  const gaps = [...counted].filter((r) => r.gap > 0).sort((a, b) => b.gap - a.gap).slice(0, 5);
  const asOf = byContract.asOf;
  const contractRow = (r: PortfolioRow, i: number) => ({ label: r.label, figures: r, status: r.status, name: `top.${i}` });
  const largest = byContract.largest.contract;

  const headline = [
    ["Committed", figure("totals.committed", totals.committed)],
    ["Expected by now", figure("totals.expected", totals.expected)],
    ["Delivered, evidence accepted", figure("totals.delivered", totals.delivered)],
    ["Gap (expected − delivered)", figure("totals.gap", totals.gap)],
    ["Reported, not yet evidenced", figure("totals.reported", totals.reported)],
    [`Overdue evidence (${totals.overdueCount})`, figure("totals.overdue", totals.overdue)],
    ["Rejected evidence", figure("totals.rejected", totals.rejected)],
    ["Shortfall carried into this year", figure("totals.carriedIn", totals.carriedIn)],
  ]
    .map(([label, value]) => `<div><dt>${label}</dt><dd>${value}</dd></div>`)
    .join("");

  const warnings = byContract.dominance.map((d) => `<p class="warning" role="note"><strong>One ${d.by} dominates.</strong> ${escapeHtml(d.message)}</p>`).join("");
  const notes = byContract.notes.map((n) => `<p class="note" role="note">${escapeHtml(n)}</p>`).join("");
  const themeRows = byTheme.rows.filter((r) => r.illustrative === (byTheme.illustrative === "only")).map((r) => ({ label: r.label, figures: r }));
  const yearRows = byYear.rows.filter((r) => r.illustrative === (byYear.illustrative === "only")).map((r) => ({ label: r.label, figures: r }));
  const statuses = byContract.statusCounts;

  return `<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Social value portfolio, ${escapeHtml(context.organisation)}, ${escapeHtml(asOf)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>Social value portfolio</h1>
<p class="meta">${escapeHtml(context.organisation)} · ${escapeHtml(context.scope)} · figures as of ${escapeHtml(formatDate(asOf))} (financial year ${financialYearLabel(financialYear(asOf))}) · ${counted.length} ${counted.length === 1 ? "contract" : "contracts"}: ${statuses["on-track"]} on track, ${statuses.behind} behind, ${statuses["at-risk"]} at risk</p>
</header>
<main>
<section aria-labelledby="h-summary">
<h2 id="h-summary">Summary</h2>
<dl class="headline">${headline}</dl>
${largest ? `<p>Without the largest contract (${escapeHtml(largest.label)}, ${percent(largest.committedShare)} of the committed £): ${figure("withoutLargest.committed", largest.withoutLargest.committed)} committed, ${figure("withoutLargest.delivered", largest.withoutLargest.delivered)} delivered.</p>` : ""}
${byContract.illustrativeTotals ? `<p>Valued with the bundled example pack and kept apart from the figures above: ${money(byContract.illustrativeTotals.committed)} committed, ${money(byContract.illustrativeTotals.delivered)} delivered.</p>` : ""}
${warnings}${notes}
</section>
<section aria-labelledby="h-themes">
<h2 id="h-themes">By theme</h2>
${barChart("chart-themes", "Committed, expected to date and delivered £ by theme", themeRows)}
${figuresTable("Figures by theme", "Theme", themeRows, byTheme.totals)}
</section>
<section aria-labelledby="h-years">
<h2 id="h-years">By financial year (April to March)</h2>
${barChart("chart-years", "Committed, expected to date and delivered £ by financial year", yearRows)}
${figuresTable("Figures by financial year", "Year", yearRows, byYear.totals)}
</section>
<section aria-labelledby="h-contracts">
<h2 id="h-contracts">The five largest contracts and the rest</h2>
${figuresTable("Largest contracts by committed £", "Contract", [...top.map(contractRow), ...(rest.length > 0 ? [{ label: `The other ${rest.length} ${rest.length === 1 ? "contract" : "contracts"}`, figures: restTotal, name: "rest" }] : [])], totals)}
</section>
<section aria-labelledby="h-gaps">
<h2 id="h-gaps">Largest gaps</h2>
${gaps.length > 0 ? figuresTable("Contracts furthest behind what was expected by now", "Contract", gaps.map((r) => ({ label: r.label, figures: r, status: r.status }))) : "<p>No contract has delivered less than was expected by now.</p>"}
</section>
</main>
<footer>
<h2 id="h-methods">Methods and sources</h2>
<ol>
<li>Committed £ is each commitment's quantity valued with the contract's pinned framework pack (quantity × proxy, or the £ itself for face-value measures); record-only and qualitative measures count £0.</li>
<li>Expected to date spreads each commitment evenly over the contract's days, as <code>TOMS.EXPECTED</code> does: nothing before the start, all of it by the end.</li>
<li>Delivered counts contributions whose evidence an officer accepted, at the value stored when they were reported. Reported but not yet evidenced is evidence missing or awaiting review; overdue is evidence missing or rejected past its due date.</li>
<li>A shortfall at the start of a financial year is carried into it; later deliveries make up the oldest shortfall first, and each delivery is counted once, in the year its period ends.</li>
<li>Status: on track when at least ${percent(STATUS_THRESHOLDS.onTrack)} of the £ expected by now is delivered, behind from ${percent(STATUS_THRESHOLDS.behind)}, at risk below. One contract or supplier holding more than ${percent(DOMINANCE_SHARE)} of the committed or delivered £ is flagged.</li>
<li>Figures are summed in whole pence and shown in whole pounds. The report names contracts and supplier organisations only, never people.</li>
<li>Pack editions behind these figures: ${byContract.packs.map((p) => `<span data-pack>${escapeHtml(p)}</span>`).join(", ") || "none"}.${byContract.illustrative !== "none" ? " The bundled example pack's values are made up and never added to real ones." : ""}</li>
</ol>
<p>Produced by the Social Value Ledger on ${escapeHtml(context.generatedAt.toISOString().slice(0, 16).replace("T", " "))} UTC.</p>
</footer>
</body>
</html>
`;
}
