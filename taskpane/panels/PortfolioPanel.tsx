import { useState } from "react";
import {
  Badge,
  Button,
  Field,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Select,
  Spinner,
  Subtitle2,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  makeStyles,
  mergeClasses,
  tokens,
} from "@fluentui/react-components";
import { PanelHeading } from "../components/PanelHeading";
import type { BadgeProps } from "@fluentui/react-components";
import { formatPence, PORTFOLIO_CHART_SERIES, PORTFOLIO_GROUPINGS, plural, todayIn } from "../../shared";
import type { PortfolioGroupBy, PortfolioRow, PortfolioStatus, PortfolioView } from "../../shared";
import { useLoad } from "../apiClient";
import { ORGANISATION_TIME_ZONE } from "../config";
import { ApiProblemNotice } from "../components/ApiProblemNotice";
import { download } from "../components/download";
import { FactList } from "../components/FactList";
import { NO_WORKBOOK_EXPLANATION_ID } from "../components/NoWorkbookNotice";
import { LoadStatus } from "../components/LoadStatus";
import { formatDate } from "../components/format";
import { usePanelStyles } from "../components/layout";
import { buildPortfolioSync } from "../sync/buildPortfolioSync";
import type { PanelProps } from "./PanelProps";

const useStyles = makeStyles({
  table: { tableLayout: "auto" },
  cell: { verticalAlign: "top", paddingTop: tokens.spacingVerticalXXS, paddingBottom: tokens.spacingVerticalXXS, overflowWrap: "anywhere" },
  num: { textAlign: "right", whiteSpace: "nowrap", overflowWrap: "normal", fontVariantNumeric: "tabular-nums" },
  sortButton: { minWidth: 0, paddingLeft: 0, paddingRight: 0, fontWeight: tokens.fontWeightSemibold },
  chart: { width: "100%", height: "auto" },
  legend: { display: "flex", flexWrap: "wrap", gap: tokens.spacingHorizontalM, margin: 0, padding: 0, listStyleType: "none" },
  swatch: { display: "inline-block", width: "10px", height: "10px", marginRight: tokens.spacingHorizontalXS },
});

const GROUP_WORDS: Record<PortfolioGroupBy, string> = { contract: "Contract", supplier: "Supplier", service: "Service", theme: "Theme", year: "Financial year" };

const SERIES = PORTFOLIO_CHART_SERIES;

const STATUS: Record<PortfolioStatus, { label: string; color: BadgeProps["color"] }> = {
  "on-track": { label: "on track", color: "success" },
  behind: { label: "behind", color: "warning" },
  "at-risk": { label: "at risk", color: "danger" },
};

type SortKey = "label" | "committed" | "delivered" | "gap";
const COLUMNS: { key: SortKey; label: string }[] = [
  { key: "label", label: "Name" },
  { key: "committed", label: "Committed" },
  { key: "delivered", label: "Delivered" },
  { key: "gap", label: "Gap" },
];

/** Managers' view of every contract they may see (officers: the contracts they manage), rolled up. */
export function PortfolioPanel({ api, gateway, ledger }: PanelProps) {
  const layout = usePanelStyles();
  const [groupBy, setGroupBy] = useState<PortfolioGroupBy>("contract");
  const view = useLoad(`portfolio ${groupBy} ${ledger.version}`, (signal) => api.portfolio(groupBy, { signal }));
  const [sheet, setSheet] = useState<{ busy: true } | { done: string } | { error: unknown }>();

  async function syncSheet() {
    setSheet({ busy: true });
    try {
      const [byTheme, byYear] = await Promise.all([api.portfolio("theme"), api.portfolio("year")]);
      const report = await gateway.syncPortfolio(buildPortfolioSync(byTheme, byYear));
      setSheet({ done: report.created.length > 0 ? `The Portfolio sheet is written: made ${report.created.join(", ")}.` : "The Portfolio sheet's tables and charts are up to date." });
    } catch (err) {
      setSheet({ error: err });
    }
  }
  const [report, setReport] = useState<{ busy: true } | { done: string } | { error: unknown }>();

  async function openReport() {
    setReport({ busy: true });
    try {
      const html = await api.portfolioReport();
      const filename = `cabinet-report-${todayIn(ORGANISATION_TIME_ZONE, new Date())}.html`;
      // A download, not window.open: Office's openBrowserWindow refuses blob: URLs and its webviews may block
      // the pop-up, while a file opens in any browser, prints, and is what a manager sends (as NoticeList's files).
      download(filename, html, "text/html");
      setReport({ done: `The cabinet report is downloaded as ${filename}: open it in your browser to read, print or send it.` });
    } catch (err) {
      setReport({ error: err });
    }
  }

  const sheetButton = !gateway.isInExcel() ? { disabledFocusable: true, "aria-describedby": NO_WORKBOOK_EXPLANATION_ID } : { disabledFocusable: sheet !== undefined && "busy" in sheet };

  return (
    <div className={layout.panel}>
      <PanelHeading title={"Portfolio"} onRefresh={view.state.status === "ok" ? view.retry : undefined} />
      <Text>Promised, expected by now and delivered with accepted evidence, over every contract you may see.</Text>
      <Field label="Group by">
        <Select value={groupBy} onChange={(_e, data) => setGroupBy(data.value as PortfolioGroupBy)}>
          {PORTFOLIO_GROUPINGS.map((g) => (
            <option key={g} value={g}>
              {GROUP_WORDS[g]}
            </option>
          ))}
        </Select>
      </Field>
      <div className={layout.actions}>
        <Button size="small" {...sheetButton} onClick={() => void syncSheet()}>
          Sync Portfolio sheet
        </Button>
        <Button size="small" disabledFocusable={report !== undefined && "busy" in report} onClick={() => void openReport()}>
          Open the cabinet report
        </Button>
        {sheet && "busy" in sheet && <Spinner size="tiny" labelPosition="after" label="Writing the Portfolio sheet…" />}
        {report && "busy" in report && <Spinner size="tiny" labelPosition="after" label="Fetching the cabinet report…" />}
      </div>
      {sheet && "done" in sheet && (
        <MessageBar intent="success" layout="multiline">
          <MessageBarBody>{sheet.done}</MessageBarBody>
        </MessageBar>
      )}
      {sheet && "error" in sheet && <ApiProblemNotice title="The Portfolio sheet was not written." error={sheet.error} onRetry={() => void syncSheet()} />}
      {report && "done" in report && (
        <MessageBar intent="success" layout="multiline">
          <MessageBarBody>{report.done}</MessageBarBody>
        </MessageBar>
      )}
      {report && "error" in report && <ApiProblemNotice title="The cabinet report could not be opened." error={report.error} onRetry={() => void openReport()} />}
      <LoadStatus state={view.state} loading="Loading the portfolio…" failed="The portfolio could not be loaded." onRetry={view.retry} />
      {view.state.status === "ok" && <PortfolioFigures view={view.state.data} />}
    </div>
  );
}

function PortfolioFigures({ view }: { view: PortfolioView }) {
  const layout = usePanelStyles();
  const t = view.totals;
  const largest = view.largest.contract;
  const counted = view.rows.filter((r) => r.illustrative === (view.illustrative === "only"));
  const apart = view.rows.filter((r) => r.illustrative && view.illustrative === "kept-apart");
  return (
    <>
      {view.dominance.map((d) => (
        <MessageBar key={`${d.by} ${d.key} ${d.measure}`} intent="warning" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>One {d.by} dominates.</MessageBarTitle> {d.message}
          </MessageBarBody>
        </MessageBar>
      ))}
      {view.notes.map((n) => (
        <MessageBar key={n} intent="info" layout="multiline">
          <MessageBarBody>{n}</MessageBarBody>
        </MessageBar>
      ))}
      <section className={layout.section} aria-labelledby="portfolio-totals-heading">
        <Subtitle2 as="h3" id="portfolio-totals-heading" className={layout.heading}>
          Totals, as of {formatDate(view.asOf)}
        </Subtitle2>
        <FactList
          facts={[
            ["Committed", formatPence(t.committed)],
            ["Expected by now", formatPence(t.expected)],
            ["Delivered", formatPence(t.delivered)],
            ["Gap", formatPence(t.gap)],
            ["Not yet evidenced", formatPence(t.reported)],
            ["Overdue evidence", `${formatPence(t.overdue)} (${plural(t.overdueCount, "contribution")})`],
            ["Carried into this year", formatPence(t.carriedIn)],
            ...(largest ? [["Without the largest", `${formatPence(largest.withoutLargest.committed)} committed, ${formatPence(largest.withoutLargest.delivered)} delivered`] as const] : []),
            ["Contracts", `${view.statusCounts["on-track"]} on track, ${view.statusCounts.behind} behind, ${view.statusCounts["at-risk"]} at risk`],
            ["Pack editions", view.packs.join(", ") || "none"],
          ]}
        />
      </section>
      <PortfolioChart rows={counted.slice(0, 8)} groupBy={view.groupBy} />
      <PortfolioTable rows={counted} groupBy={view.groupBy} caption={`Portfolio by ${GROUP_WORDS[view.groupBy].toLowerCase()}`} />
      {apart.length > 0 && <PortfolioTable rows={apart} groupBy={view.groupBy} caption="Valued with the example pack (made-up values, kept apart)" />}
    </>
  );
}

function PortfolioChart({ rows, groupBy }: { rows: readonly PortfolioRow[]; groupBy: PortfolioGroupBy }) {
  const styles = useStyles();
  const layout = usePanelStyles();
  if (rows.length === 0) return null;
  const width = 320;
  const left = 96;
  const bar = 7;
  const group = bar * SERIES.length + 8;
  const height = rows.length * group + 4;
  const max = Math.max(1, ...rows.flatMap((r) => SERIES.map((s) => r[s.key])));
  const title = `Committed, expected and delivered by ${GROUP_WORDS[groupBy].toLowerCase()}${rows.length === 8 ? " (the eight largest)" : ""}`;
  return (
    <section className={layout.section} aria-labelledby="portfolio-chart-heading">
      <Subtitle2 as="h3" id="portfolio-chart-heading" className={layout.heading}>
        {title}
      </Subtitle2>
      <svg className={styles.chart} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`${title}; the figures are in the table below`}>
        {rows.map((r, i) => {
          const y = 2 + i * group;
          const label = r.label.length > 16 ? `${r.label.slice(0, 15)}…` : r.label;
          return (
            <g key={`${r.key} ${r.illustrative}`}>
              <text x={left - 4} y={y + (bar * SERIES.length) / 2 + 3} textAnchor="end" fontSize="9">
                {label}
              </text>
              {SERIES.map((s, j) => (
                <rect key={s.key} x={left} y={y + j * bar} width={Math.max(0, (r[s.key] / max) * (width - left - 4))} height={bar - 1} fill={s.colour}>
                  <title>{`${r.label}: ${s.label} ${formatPence(r[s.key])}`}</title>
                </rect>
              ))}
            </g>
          );
        })}
      </svg>
      <ul className={styles.legend} aria-label="Chart legend">
        {SERIES.map((s) => (
          <li key={s.key}>
            <span className={styles.swatch} style={{ backgroundColor: s.colour }} aria-hidden="true" />
            <Text size={200}>{s.label}</Text>
          </li>
        ))}
      </ul>
    </section>
  );
}

function PortfolioTable({ rows, groupBy, caption }: { rows: readonly PortfolioRow[]; groupBy: PortfolioGroupBy; caption: string }) {
  const styles = useStyles();
  const [sort, setSort] = useState<{ key: SortKey; descending: boolean }>({ key: groupBy === "year" ? "label" : "committed", descending: groupBy !== "year" });
  const sorted = [...rows].sort((a, b) => {
    const order = sort.key === "label" ? a.label.localeCompare(b.label) : a[sort.key] - b[sort.key];
    return sort.descending ? -order : order;
  });
  const toggle = (key: SortKey) => setSort((s) => (s.key === key ? { key, descending: !s.descending } : { key, descending: key !== "label" }));
  return (
    <Table size="extra-small" aria-label={caption} className={styles.table}>
      <TableHeader>
        <TableRow>
          {COLUMNS.map((c) => (
            <TableHeaderCell key={c.key} aria-sort={sort.key === c.key ? (sort.descending ? "descending" : "ascending") : "none"}>
              <Button appearance="transparent" size="small" className={styles.sortButton} onClick={() => toggle(c.key)}>
                {c.key === "label" ? GROUP_WORDS[groupBy] : c.label}
                {sort.key === c.key ? (sort.descending ? " ↓" : " ↑") : ""}
              </Button>
            </TableHeaderCell>
          ))}
        </TableRow>
      </TableHeader>
      <TableBody>
        {sorted.map((r) => (
          <TableRow key={`${r.key} ${r.illustrative}`}>
            <TableCell className={styles.cell}>
              {r.label}{" "}
              <Badge size="small" appearance="tint" color={STATUS[r.status].color}>
                {STATUS[r.status].label}
              </Badge>
            </TableCell>
            <TableCell className={mergeClasses(styles.cell, styles.num)}>{formatPence(r.committed)}</TableCell>
            <TableCell className={mergeClasses(styles.cell, styles.num)}>{formatPence(r.delivered)}</TableCell>
            <TableCell className={mergeClasses(styles.cell, styles.num)}>{formatPence(r.gap)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
