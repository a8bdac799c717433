import { EXAMPLE_PACK, indexPack, portfolioView } from "../../shared";
import type { FrameworkPack, PortfolioContract } from "../../shared";
import { buildPortfolioSync, PORTFOLIO_SHEET } from "../../taskpane/sync/buildPortfolioSync";
import { addressOf } from "./support/fakeWorkbook";
import { createWorkbookGateway } from "../../taskpane/workbookGateway";
import { FakeWorkbook } from "./support/fakeWorkbook";

/* The Portfolio sheet through the real gateway against the stateful fake of Excel: two tables and two native charts, refreshed in place. */

let fake: FakeWorkbook;
let uninstall: () => void;
beforeEach(() => {
  fake = new FakeWorkbook();
  uninstall = fake.install();
});
afterEach(() => uninstall());

const REAL: FrameworkPack = { ...EXAMPLE_PACK, id: "council-toms", edition: "2026", illustrative: false };

function contract(id: string, jobs: number): PortfolioContract {
  const pack = indexPack(REAL);
  return {
    contract: { id, title: `Contract ${id}`, startDate: "2025-04-01", endDate: "2028-03-31", packId: REAL.id, packEdition: REAL.edition },
    commitments: [
      { measureCode: "J1", quantity: jobs },
      { measureCode: "E3", quantity: 10 },
    ],
    pack,
    totals: { contractId: id, buckets: [{ measureCode: "J1", supplier: "Acme Build Ltd", periodEnd: "2026-06-30", status: "accepted", packId: REAL.id, packEdition: REAL.edition, count: 1, pence: 1_234_500 }], applied: {} },
  };
}

function syncOf(contracts: PortfolioContract[]) {
  const asOf = "2026-10-01";
  return buildPortfolioSync(portfolioView(contracts, { groupBy: "theme", asOf }), portfolioView(contracts, { groupBy: "year", asOf }));
}

test("a first sync makes the Portfolio sheet with both tables and a chart for each; the next refreshes them in place", async () => {
  const gateway = createWorkbookGateway(Office.HostType.Excel);
  const first = await gateway.syncPortfolio(syncOf([contract("C-1", 10), contract("C-2", 5)]));
  expect(first.created).toEqual(["the PortfolioByTheme table on the Portfolio sheet", "the PortfolioByYear table on the Portfolio sheet", "the chart PortfolioByThemeChart", "the chart PortfolioByYearChart"]);
  expect(first.requests).toBeLessThanOrEqual(3);
  const sheet = fake.requireSheet(PORTFOLIO_SHEET);
  expect(sheet.charts.map((c) => [c.name, c.type])).toEqual([
    ["PortfolioByThemeChart", "ColumnClustered"],
    ["PortfolioByYearChart", "ColumnClustered"],
  ]);
  expect(fake.records("PortfolioByTheme").map((r) => r.Theme)).toEqual(["Jobs", "Environment"]);
  expect(fake.records("PortfolioByYear").map((r) => r["Financial year"])).toEqual(["2025-26", "2026-27", "2027-28"]);
  const jobs = fake.records("PortfolioByTheme")[0];
  expect(jobs?.["Delivered (£)"]).toBe(24_690);

  const second = await gateway.syncPortfolio(syncOf([contract("C-1", 20), contract("C-2", 5)]));
  expect(second.created).toEqual([]);
  expect(second.requests).toBeLessThanOrEqual(4);
  expect(fake.requireSheet(PORTFOLIO_SHEET).charts).toHaveLength(2);
  expect(Number(fake.records("PortfolioByTheme")[0]?.["Committed (£)"])).toBeGreaterThan(Number(jobs?.["Committed (£)"]));
  expect(fake.records("PortfolioByYear")).toHaveLength(3);
});

test("outside Excel it says what needs Excel", async () => {
  await expect(createWorkbookGateway(null).syncPortfolio(syncOf([]))).rejects.toThrow(/not running inside Excel/);
});

const themeNames = (n: number) => Array.from({ length: n }, (_t, i) => `Theme ${String(i + 1).padStart(2, "0")}`);

/** A pack with one proxy measure per theme, and a contract committing more to each later theme: `themes` rows by theme, the last first. */
function manyThemes(themes: number): PortfolioContract[] {
  const names = themeNames(themes);
  const pack: FrameworkPack = {
    ...REAL,
    themes: names,
    measures: names.map((theme, i) => ({ code: `M${i + 1}`, theme, outcome: "", description: `Measure ${i + 1}`, unit: "hours", kind: "proxy" as const, proxy: 10 })),
  };
  return [
    {
      contract: { id: "C-1", title: "Contract C-1", startDate: "2025-04-01", endDate: "2028-03-31", packId: REAL.id, packEdition: REAL.edition },
      commitments: names.map((_n, i) => ({ measureCode: `M${i + 1}`, quantity: 100 + i })),
      pack: indexPack(pack),
      totals: { contractId: "C-1", buckets: [], applied: {} },
    },
  ];
}

/** Where each table and chart sits, and every non-blank cell of the Portfolio sheet's first four columns outside the two tables and their titles. */
function layout() {
  const sheet = fake.requireSheet(PORTFOLIO_SHEET);
  const themes = fake.requireTable("PortfolioByTheme");
  const years = fake.requireTable("PortfolioByYear");
  const owned = (row: number) => [themes, years].some((t) => row === t.row - 2 || (row >= t.row && row < t.row + t.rowCount));
  const stray: string[] = [];
  for (let row = 0; row < 200; row++) {
    for (let col = 0; col < 4; col++) if (!owned(row) && sheet.get(row, col).value !== "") stray.push(addressOf({ sheet, row, col, rows: 1, cols: 1 }));
  }
  return {
    themes: [themes.row, themes.bodyRows],
    years: [years.row, years.bodyRows],
    yearTitle: sheet.get(years.row - 2, 0).value,
    charts: sheet.charts.map((c) => c.position),
    stray,
  };
}

test("32 themes: the year table and its chart go below the theme table, not over it", async () => {
  const gateway = createWorkbookGateway(Office.HostType.Excel);
  await gateway.syncPortfolio(syncOf(manyThemes(32)));
  expect(fake.records("PortfolioByTheme").map((r) => r.Theme)).toEqual(themeNames(32).reverse());
  expect(fake.records("PortfolioByYear").map((r) => r["Financial year"])).toEqual(["2025-26", "2026-27", "2027-28"]);
  // Header on row 3, 32 rows to row 35; two blank rows, the title on row 38, the year header on row 40.
  expect(layout()).toEqual({
    themes: [2, 32],
    years: [39, 3],
    yearTitle: expect.stringMatching(/^Portfolio by financial year as of 2026-10-01/),
    charts: [
      ["Portfolio!F3", "Portfolio!N20"],
      ["Portfolio!F40", "Portfolio!N57"],
    ],
    stray: [],
  });
});

test("refreshed in place as the themes grow and shrink: the year table and chart follow, nothing is left behind", async () => {
  const gateway = createWorkbookGateway(Office.HostType.Excel);
  const few = { themes: [2, 3], years: [24, 3], charts: [["Portfolio!F3", "Portfolio!N20"], ["Portfolio!F25", "Portfolio!N42"]] };
  await gateway.syncPortfolio(syncOf(manyThemes(3)));
  expect(layout()).toMatchObject({ ...few, stray: [] });

  const grown = await gateway.syncPortfolio(syncOf(manyThemes(31)));
  expect(grown.created).toEqual([]);
  expect(grown.requests).toBeLessThanOrEqual(4);
  expect(layout()).toMatchObject({ themes: [2, 31], years: [38, 3], charts: [["Portfolio!F3", "Portfolio!N20"], ["Portfolio!F39", "Portfolio!N56"]], stray: [] });
  expect(fake.records("PortfolioByTheme").map((r) => r.Theme).sort()).toEqual(themeNames(31));
  expect(fake.records("PortfolioByYear").map((r) => r["Financial year"])).toEqual(["2025-26", "2026-27", "2027-28"]);

  await gateway.syncPortfolio(syncOf(manyThemes(3)));
  expect(layout()).toMatchObject({ ...few, stray: [] });
  expect(fake.records("PortfolioByTheme").map((r) => r.Theme).sort()).toEqual(themeNames(3));
  expect(fake.records("PortfolioByYear").map((r) => r["Financial year"])).toEqual(["2025-26", "2026-27", "2027-28"]);
  expect(fake.requireSheet(PORTFOLIO_SHEET).charts).toHaveLength(2);
});
