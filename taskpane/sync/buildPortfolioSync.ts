import type { PortfolioRow, PortfolioView } from "../../shared";
import { headerBelow, TITLE_ROWS } from "./sheetTable";
import type { PortfolioSync, SheetColumn, SheetTable } from "./sheetTable";

export const PORTFOLIO_SHEET = "Portfolio";
export const PORTFOLIO_THEME_TABLE = "PortfolioByTheme";
export const PORTFOLIO_YEAR_TABLE = "PortfolioByYear";
export const PORTFOLIO_THEME_CHART = "PortfolioByThemeChart";
export const PORTFOLIO_YEAR_CHART = "PortfolioByYearChart";

const figures: readonly SheetColumn[] = [
  { header: "Committed (£)", kind: "money" },
  { header: "Expected to date (£)", kind: "money" },
  { header: "Delivered (£)", kind: "money" },
];

const pounds = (pence: number) => pence / 100;

function rowsOf(view: PortfolioView): PortfolioRow[] {
  // Example-pack figures are never added to real ones: with both in view, only the real ones are written.
  return view.rows.filter((r) => r.illustrative === (view.illustrative === "only"));
}

function table(view: PortfolioView, name: string, key: string, firstRow: number): SheetTable {
  const note = view.illustrative === "only" ? ", example pack values (made up)" : view.illustrative === "kept-apart" ? ", example-pack contracts left out" : "";
  return {
    sheetName: PORTFOLIO_SHEET,
    tableName: name,
    columns: [{ header: key, kind: "text" }, ...figures],
    key,
    rows: rowsOf(view).map((r) => [r.label, pounds(r.committed), pounds(r.expected), pounds(r.delivered)]),
    firstRow,
    title: `Portfolio by ${key.toLowerCase()} as of ${view.asOf} (packs ${view.packs.join(", ") || "none"}${note})`,
  };
}

/** The Portfolio sheet: committed, expected and delivered by theme and by financial year, each with its chart. */
export function buildPortfolioSync(byTheme: PortfolioView, byYear: PortfolioView): PortfolioSync {
  const themes = table(byTheme, PORTFOLIO_THEME_TABLE, "Theme", TITLE_ROWS);
  // Below the theme table and its chart, however many themes the packs have.
  const years = table(byYear, PORTFOLIO_YEAR_TABLE, "Financial year", headerBelow(themes.firstRow, themes.rows.length));
  return {
    tables: [
      { table: themes, chart: { name: PORTFOLIO_THEME_CHART, title: "Committed, expected and delivered social value by theme (£)" } },
      { table: years, chart: { name: PORTFOLIO_YEAR_CHART, title: "Committed, expected and delivered social value by financial year (£)" } },
    ],
  };
}
