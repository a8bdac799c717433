import { EXAMPLE_PACK, isoDateToExcelSerial, latestRatingInTable } from "../../shared";
import type { Contribution } from "../../shared";
import { buildWorkbookSync } from "../../taskpane/sync/buildWorkbookSync";
import { EXCEL_REQUEST_LIMIT_BYTES } from "../../taskpane/sync/chunks";
import { NOT_IN_EXCEL_MESSAGE, SyncOptions, SyncProgress, SyncReport, createWorkbookGateway } from "../../taskpane/workbookGateway";
import { FakeWorkbook, enter } from "./support/fakeWorkbook";
import { reference } from "./support/fakeApi";
import { COMMITMENTS, CONTRACT, FIRST_YEAR, NO_KPIS, WITH_KPIS, contribution, contributions } from "./support/syncData";
import type { KpiSyncInput } from "../../taskpane/sync/buildKpiSync";

/*
 * "Sync to workbook" through the real gateway against a stateful fake of Excel: what ends up in the
 * cells, how many requests it takes, and what survives a refresh.
 */

let fake: FakeWorkbook;
let uninstall: () => void;
beforeEach(() => {
  fake = new FakeWorkbook();
  uninstall = fake.install();
});
afterEach(() => uninstall());

const TODAY = "2026-09-01";

function syncOf(items: readonly Contribution[], performance: KpiSyncInput = NO_KPIS) {
  return buildWorkbookSync({ contract: CONTRACT, contributions: items, commitments: COMMITMENTS, pack: EXAMPLE_PACK, today: TODAY, performance });
}

async function sync(items: readonly Contribution[], options?: SyncOptions, performance?: KpiSyncInput): Promise<SyncReport> {
  return createWorkbookGateway(Office.HostType.Excel).syncToWorkbook(syncOf(items, performance), options);
}

/** Requests made by the last sync alone. */
async function requestsOf(run: () => Promise<unknown>): Promise<number> {
  const before = fake.requests.length;
  await run();
  return fake.requests.length - before;
}

const HEADERS = ["Reference", "Supplier", "Measure", "Theme", "Quantity", "Unit", "Period start", "Period end", "Value (£)", "Evidence", "Due", "Overdue", "Pack", "Warnings"];

describe("a first sync", () => {
  test("makes the Contributions sheet and table, typed cells in our columns", async () => {
    const report = await sync(contributions(10));
    const table = fake.requireTable("Contributions");
    expect(table.sheet.name).toBe("Contributions");
    expect([table.row, table.col]).toEqual([0, 0]);
    expect(table.sheet.frozenRows).toBe(1);

    const { header, body } = fake.cellsOf("Contributions");
    expect(header).toEqual(HEADERS);
    expect(body).toHaveLength(10);
    const first = contribution(1);
    expect(body[0]?.map((c) => c.value)).toEqual([
      first.id,
      first.supplier,
      "J3",
      "Jobs",
      first.quantity,
      "weeks",
      isoDateToExcelSerial("2026-04-01"),
      isoDateToExcelSerial("2026-06-30"),
      first.value,
      "submitted",
      isoDateToExcelSerial("2026-07-30"),
      "No",
      "example 2026-illustrative",
      "",
    ]);
    expect(body[0]?.map((c) => c.format)).toEqual(["@", "@", "@", "@", "General", "@", "d mmm yyyy", "d mmm yyyy", '"£"#,##0.00', "@", "d mmm yyyy", "@", "@", "@"]);
    // Record-only measures carry no £; missing evidence past its due date is overdue.
    const recordOnly = fake.records("Contributions").find((r) => r.Measure === "G3");
    expect(recordOnly?.["Value (£)"]).toBe("");
    expect(fake.records("Contributions").filter((r) => r.Overdue === "Yes").map((r) => r.Evidence)).toEqual(["missing", "rejected", "missing"]);

    expect(report).toMatchObject({
      rows: 10,
      kpis: 0,
      created: [
        "the Contributions table on the Contributions sheet",
        "the SocialValueByTheme table on the Social value sheet",
        "the KpiRegister table on the KPIs sheet",
        "the chart on the Social value sheet",
      ],
      ownColumns: [],
      removedRows: 0,
      filtersCleared: false,
    });
  });

  test("makes the Social value sheet: committed vs delivered by theme, titled, with a clustered column chart of it", async () => {
    await sync([
      contribution(1, { measureCode: "J1", quantity: 2, value: 50000, evidenceStatus: "accepted" }),
      contribution(2, { measureCode: "J1", quantity: 1, value: 25000, evidenceStatus: "submitted" }),
      contribution(3, { measureCode: "E1", quantity: 1, value: 260, evidenceStatus: "accepted" }),
    ]);
    const sheet = fake.requireSheet("Social value");
    expect(String(sheet.get(0, 0).value)).toMatch(/^Contract C-1001, Highways maintenance: social value committed and delivered by theme \(pack example 2026-illustrative, illustrative values\)$/);
    expect(fake.requireTable("SocialValueByTheme").row).toBe(2);
    expect(fake.records("SocialValueByTheme")).toEqual([
      { Theme: "Jobs", "Committed (£)": 250000, "Delivered (£)": 50000, "Awaiting evidence (£)": 25000 },
      { Theme: "Growth", "Committed (£)": 0, "Delivered (£)": 0, "Awaiting evidence (£)": 0 },
      { Theme: "Social", "Committed (£)": 0, "Delivered (£)": 0, "Awaiting evidence (£)": 0 },
      { Theme: "Environment", "Committed (£)": 26000, "Delivered (£)": 260, "Awaiting evidence (£)": 0 },
      { Theme: "Innovation", "Committed (£)": 0, "Delivered (£)": 0, "Awaiting evidence (£)": 0 },
    ]);
    expect(sheet.charts).toHaveLength(1);
    expect(sheet.charts[0]).toMatchObject({
      name: "SocialValueByThemeChart",
      type: "ColumnClustered",
      seriesBy: "Columns",
      title: "C-1001: committed and delivered social value by theme (£)",
      source: { row: 2, col: 0, rows: 6, cols: 4 },
      position: ["'Social value'!F3", "'Social value'!N20"],
    });
  });

  test("with no contributions yet the table has its header and one empty row", async () => {
    await sync([]);
    const { header, body } = fake.cellsOf("Contributions");
    expect(header).toEqual(HEADERS);
    expect(body.map((row) => row.map((c) => c.value))).toEqual([HEADERS.map(() => "")]);
  });

  test("outside Excel the sync is refused with the explanation", async () => {
    await expect(createWorkbookGateway(null).syncToWorkbook(syncOf([]))).rejects.toThrow(NOT_IN_EXCEL_MESSAGE);
    expect(fake.requests).toHaveLength(0);
  });
});

describe("the KPIs sheet", () => {
  const KPI_HEADERS = ["KPI", "Name", "Target", "Target value (£)", "Material", "Measures", "Latest rating", "Assessed from", "Assessed to", "Suggested rating"];

  test("a first sync makes it: titled with the next assessment date, a row per KPI, typed cells, in the same two requests", async () => {
    const requests = await requestsOf(() => sync(contributions(3), undefined, WITH_KPIS));
    expect(requests).toBe(2);
    const sheet = fake.requireSheet("KPIs");
    expect(String(sheet.get(0, 0).value)).toBe("Contract C-1001, Highways maintenance: KPIs under the Procurement Act 2023 (next assessment due 31 Dec 2027).");
    expect(fake.requireTable("KpiRegister").row).toBe(2);
    const { header, body } = fake.cellsOf("KpiRegister");
    expect(header).toEqual(KPI_HEADERS);
    expect(body[0]?.map((c) => c.value)).toEqual([
      "KPI-1",
      "Local jobs",
      "10 local FTE",
      250_000,
      "Yes",
      "J1, J3",
      "Approaching target",
      isoDateToExcelSerial("2026-01-01"),
      isoDateToExcelSerial("2026-12-31"),
      "Requires improvement",
    ]);
    expect(body[0]?.map((c) => c.format)).toEqual(["@", "@", "@", '"£"#,##0.00', "@", "@", "@", "d mmm yyyy", "d mmm yyyy", "@"]);
    // Text an officer or supplier typed that Excel would read as a formula or a number stays text.
    expect(body[2]?.slice(1, 3)).toEqual([expect.objectContaining({ value: "=Supplier's own KPI", format: "@" }), expect.objectContaining({ value: "-5% waste", format: "@" })]);
    for (const cell of sheet.allCells()) expect(cell.formula).toBeUndefined();
    expect(fake.records("KpiRegister").map((r) => [r.KPI, r["Latest rating"]])).toEqual([
      ["KPI-1", "Approaching target"],
      ["KPI-2", "Good"],
      ["KPI-3", ""],
    ]);
    // TOMS.KPIRATING reads back what the sync wrote.
    expect(latestRatingInTable([header, ...body.map((row) => row.map((c) => c.value))], "kpi-2")).toBe("Good");
  });

  test("a refresh rates in place by KPI id, keeps the officer's notes beside their KPI and drops a KPI taken out of the register", async () => {
    await sync(contributions(2), undefined, WITH_KPIS);
    fake.insertColumn("KpiRegister", 10, "Officer notes", ["ask for payroll", "", "new this year"]);
    const [first, second, third] = WITH_KPIS.register.kpis;
    const secondYear = { ...FIRST_YEAR, id: "PA-2027", periodStart: "2027-01-01", periodEnd: "2027-12-31", ratings: [] };
    const next: KpiSyncInput = {
      register: { ...WITH_KPIS.register, kpis: [{ ...third!, latestRating: "inadequate", latestAssessmentId: "PA-2027" }, { ...first!, latestRating: "good", latestAssessmentId: "PA-2027" }], nextAssessmentDue: "2028-12-31" },
      assessments: [FIRST_YEAR, secondYear],
    };
    expect(second?.id).toBe("KPI-2");
    const report = await sync(contributions(2), undefined, next);
    expect(report).toMatchObject({ kpis: 2, created: [] });
    expect(fake.records("KpiRegister").map((r) => [r.KPI, r["Latest rating"], r["Assessed to"], r["Officer notes"]])).toEqual([
      ["KPI-1", "Good", isoDateToExcelSerial("2027-12-31"), "ask for payroll"],
      ["KPI-3", "Inadequate", isoDateToExcelSerial("2027-12-31"), "new this year"],
    ]);
    expect(String(fake.requireSheet("KPIs").get(0, 0).value)).toContain("next assessment due 31 Dec 2028");
  });

  test("a contract with no KPIs gets the header, one empty row and a title that says so", async () => {
    await sync(contributions(1));
    expect(fake.cellsOf("KpiRegister").body.map((row) => row.map((c) => c.value))).toEqual([KPI_HEADERS.map(() => "")]);
    expect(String(fake.requireSheet("KPIs").get(0, 0).value)).toContain("no KPIs recorded");
  });
});

describe("text from suppliers is written as text", () => {
  const dangerous = ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "\tTabbed Ltd", "\rReturn Ltd", "=1+1", "'quoted"];

  test("the fake enters values as Excel does: unguarded, these would become formulas or numbers", () => {
    const general = { value: "", format: "General" };
    expect(enter(general, '=HYPERLINK("http://x")').formula).toBe('=HYPERLINK("http://x")');
    expect(enter(general, "@SUM(A1)").formula).toBe("=SUM(A1)");
    expect(enter(general, "-2").value).toBe(-2);
    expect(enter(general, "+1").value).toBe(1);
  });

  test("a supplier or measure code starting with =, +, -, @, tab or CR stays that exact text", async () => {
    const items = dangerous.map((text, i) => contribution(i + 1, { supplier: text, measureCode: text }));
    await sync(items);
    const { body } = fake.cellsOf("Contributions");
    body.forEach((row, i) => {
      for (const cell of [row[1], row[2]]) {
        expect(cell?.formula).toBeUndefined();
        expect(cell?.value).toBe(dangerous[i]);
        expect(cell?.format).toBe("@");
      }
    });
    // Unknown to the pack, the measure still gets a theme that says so.
    expect(fake.records("Contributions")[0]?.Theme).toBe("Not in the contract's pack");
  });

  test("no text cell anywhere in the workbook became a formula", async () => {
    await sync(dangerous.map((text, i) => contribution(i + 1, { supplier: text })));
    for (const sheet of fake.book.sheets) for (const cell of sheet.allCells()) expect(cell.formula).toBeUndefined();
  });
});

describe("requests to Excel", () => {
  test.each([10, 5000])("a first sync of %i rows takes 2 requests; a refresh with the officer's own column takes 4", async (rows) => {
    const items = contributions(rows);
    let report: SyncReport | undefined;
    expect(await requestsOf(async () => (report = await sync(items)))).toBe(2);
    expect(report?.requests).toBe(2);
    fake.insertColumn("Contributions", 13, "Officer notes", items.map((_c, i) => (i % 3 === 0 ? `note ${i}` : "")));
    const changed = [...items.slice(1), contribution(rows + 1)];
    expect(await requestsOf(async () => (report = await sync(changed)))).toBe(4);
    expect(report?.requests).toBe(4);
    expect(fake.cellsOf("Contributions").body).toHaveLength(rows);
    for (const request of fake.requests) expect(request.bytes).toBeLessThan(EXCEL_REQUEST_LIMIT_BYTES);
  });

  test("rows past the payload budget go in more write requests, with progress after each", async () => {
    const items = contributions(5000);
    const progress: SyncProgress[] = [];
    const chunkBytes = 400_000;
    const requests = await requestsOf(() => sync(items, { chunkBytes, onProgress: (p) => progress.push(p) }));
    const writes = requests - 1;
    expect(writes).toBeGreaterThan(2);
    expect(requests).toBeLessThanOrEqual(6);
    // Office's envelope aside, each request stays near the budget.
    for (const request of fake.requests) expect(request.bytes).toBeLessThan(chunkBytes * 1.25);
    expect(progress[0]).toEqual({ rowsWritten: 0, rowsTotal: 5000 });
    expect(progress.at(-1)).toEqual({ rowsWritten: 5000, rowsTotal: 5000 });
    expect(progress).toHaveLength(writes + 1);
    expect(progress.map((p) => p.rowsWritten)).toEqual([...progress.map((p) => p.rowsWritten)].sort((a, b) => a - b));
    expect(fake.records("Contributions").map((r) => r.Reference)).toEqual(items.map((c) => c.id));
  });

  test("a refresh in chunks keeps rows and the officer's cells aligned", async () => {
    const items = contributions(3000);
    await sync(items);
    fake.insertColumn("Contributions", 0, "Mine", items.map((c) => `note for ${c.id}`));
    const next = [...items.filter((_c, i) => i % 10 !== 0), ...contributions(500, 5000)];
    await sync(next, { chunkBytes: 200_000 });
    const records = fake.records("Contributions");
    expect(records).toHaveLength(next.length);
    for (const r of records) expect(r.Mine === "" || r.Mine === `note for ${String(r.Reference)}`).toBe(true);
    expect(records.filter((r) => r.Mine === "").map((r) => r.Reference)).toEqual(contributions(500, 5000).map((c) => c.id));
  });
});

describe("a refresh in place", () => {
  test("keeps the officer's columns beside their rows, adds new rows at the bottom and deletes rows that left", async () => {
    const items = contributions(5);
    await sync(items);
    fake.insertColumn("Contributions", 13, "Officer notes", ["chased by phone", "", "", "query sent", ""]);
    fake.insertColumn("Contributions", 14, "RAG", ["Red", "Green", "Amber", "Green", "Red"]);
    // A formula of the officer's, which must stay a formula.
    fake.requireTable("Contributions").sheet.set(3, 14, { value: 0, formula: "=IF(E4>2,\"Green\",\"Red\")", format: "General" });

    const next = [items[1], { ...items[2], quantity: 99 } as Contribution, items[4], contribution(6), items[3]].filter((c): c is Contribution => c !== undefined);
    const report = await sync(next.filter((c) => c.id !== reference(1)));

    const records = fake.records("Contributions");
    expect(records.map((r) => [r.Reference, r["Officer notes"], r.RAG])).toEqual([
      [reference(2), "", "Green"],
      [reference(3), "", 0],
      [reference(4), "query sent", "Green"],
      [reference(5), "", "Red"],
      [reference(6), "", ""],
    ]);
    expect(records[1]?.Quantity).toBe(99);
    expect(fake.cellsOf("Contributions").body[1]?.[14]?.formula).toBe("=IF(E4>2,\"Green\",\"Red\")");
    expect(report).toMatchObject({ rows: 5, created: [], ownColumns: ["Officer notes", "RAG"], removedRows: 1, removedRowsWithOwnValues: 1, restoredColumns: [] });
    expect(fake.requireSheet("Contributions").charts).toHaveLength(0);
    expect(fake.requireSheet("Social value").charts).toHaveLength(1);
  });

  test("finds our columns by header wherever the officer moved them, however the header is written", async () => {
    const items = contributions(3);
    await sync(items);
    fake.insertColumn("Contributions", 2, "Contact", ["a", "b", "c"]);
    fake.deleteColumn("Contributions", "Supplier");
    fake.insertColumn("Contributions", 0, "Supplier", ["old", "old", "old"]);
    fake.renameHeader("Contributions", "Value (£)", "value £");
    await sync(items.map((c) => ({ ...c, value: 7 })));
    const { header } = fake.cellsOf("Contributions");
    expect(header.slice(0, 4)).toEqual(["Supplier", "Reference", "Contact", "Measure"]);
    const records = fake.records("Contributions");
    expect(records.map((r) => [r.Supplier, r.Contact, r["value £"]])).toEqual(items.map((c, i) => [c.supplier, ["a", "b", "c"][i], 7]));
  });

  test("writes each contribution's warnings as text, and empties the cell once they are cleared", async () => {
    const flagged = contribution(1, {
      warnings: [
        { code: "possible-duplicate", message: "already reported", relatedIds: [contribution(2).id] },
        { code: "implausible-value", message: "more than the contract" },
      ],
    });
    await sync([flagged, contribution(2)]);
    const cell = fake.cellsOf("Contributions").body[0]?.at(-1);
    expect(cell).toEqual(expect.objectContaining({ value: `possible-duplicate (${contribution(2).id}); implausible-value`, format: "@" }));
    await sync([{ ...flagged, warnings: [] }, contribution(2)]);
    expect(fake.records("Contributions").map((r) => r.Warnings)).toEqual(["", ""]);
  });

  test("puts back one of our columns the officer deleted, at the right, and says so", async () => {
    const items = contributions(2);
    await sync(items);
    fake.deleteColumn("Contributions", "Pack");
    const report = await sync(items);
    expect(fake.cellsOf("Contributions").header.at(-1)).toBe("Pack");
    expect(fake.records("Contributions").map((r) => r.Pack)).toEqual(["example 2026-illustrative", "example 2026-illustrative"]);
    expect(report.restoredColumns).toEqual(["Pack"]);
  });

  test("clears a filter only when rows must be added or deleted, and says so", async () => {
    const items = contributions(4);
    await sync(items);
    fake.requireTable("Contributions").filtered = true;
    expect((await sync(items)).filtersCleared).toBe(false);
    expect(fake.requireTable("Contributions").filtered).toBe(true);
    expect((await sync(items.slice(1))).filtersCleared).toBe(true);
    expect(fake.requireTable("Contributions").filtered).toBe(false);
  });

  test("a contract with no contributions left keeps the header and one empty row", async () => {
    await sync(contributions(3));
    const report = await sync([]);
    expect(fake.cellsOf("Contributions").body.map((row) => row.map((c) => c.value))).toEqual([HEADERS.map(() => "")]);
    expect(report.removedRows).toBe(3);
  });

  test("updates the chart's data in place rather than adding another chart", async () => {
    await sync(contributions(3));
    await sync(contributions(8));
    const charts = fake.requireSheet("Social value").charts;
    expect(charts).toHaveLength(1);
    expect(charts[0]?.source).toMatchObject({ row: 2, col: 0, rows: 6, cols: 4 });
  });

  test("refuses to match rows when the Reference column is gone but the officer's columns are there", async () => {
    const items = contributions(3);
    await sync(items);
    fake.insertColumn("Contributions", 13, "Notes", ["x", "y", "z"]);
    fake.deleteColumn("Contributions", "Reference");
    const before = fake.requests.length;
    await expect(sync(items)).rejects.toThrow(
      "The Contributions table has no Reference column, so its rows cannot be matched to references and your columns (Notes) could end up beside the wrong rows.",
    );
    // Only reads went to Excel.
    expect(fake.requests.slice(before).flatMap((r) => r.ops).filter((op) => op !== "load")).toEqual([]);
  });

  test("will not write over a sheet called Contributions that holds something else", async () => {
    fake.addSheet("Contributions").set(4, 1, { value: "my own list", format: "General" });
    await expect(sync(contributions(2))).rejects.toThrow(
      "This workbook has a sheet called Contributions with cells in use (Contributions!B5) but no table called Contributions. Rename that sheet so the sync can make its own, then sync again.",
    );
    expect(fake.book.tables).toHaveLength(0);
  });

  test("an empty sheet of that name is used for the new table", async () => {
    fake.addSheet("Contributions");
    await sync(contributions(2));
    expect(fake.requireTable("Contributions").sheet.name).toBe("Contributions");
  });

  test("Excel refusing a change is reported with its reason and what to do", async () => {
    await sync(contributions(2));
    fake.requireSheet("Contributions").protectedSheet = true;
    await expect(sync(contributions(3))).rejects.toThrow(
      "Excel could not finish the sync (The cell or chart you're trying to change is on a protected sheet.). The workbook may be partly updated; sync again to bring it up to date.",
    );
  });
});
