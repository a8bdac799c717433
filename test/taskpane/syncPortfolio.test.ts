import { EXAMPLE_PACK, indexPack, portfolioView } from "../../shared";
import type { FrameworkPack, PortfolioContract } from "../../shared";
import { buildPortfolioSync, PORTFOLIO_SHEET } from "../../taskpane/sync/buildPortfolioSync";
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
