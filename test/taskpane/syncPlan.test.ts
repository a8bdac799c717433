import { EXAMPLE_PACK, isoDateToExcelSerial } from "../../shared";
import { CONTRIBUTION_COLUMNS, SyncInputError, buildWorkbookSync } from "../../taskpane/sync/buildWorkbookSync";
import { planChunks } from "../../taskpane/sync/chunks";
import { ExistingTable, RefreshRefused, matchColumns, newTablePlan, refreshPlan, rowAt } from "../../taskpane/sync/refreshPlan";
import { SheetTable, excelCell, jsonBytes, literalText } from "../../taskpane/sync/sheetTable";
import { COMMITMENTS, CONTRACT, NO_KPIS, WITH_KPIS, contribution } from "./support/syncData";

/* The pure rules behind "Sync to workbook": no Excel involved. */

const TABLE: SheetTable = {
  sheetName: "S",
  tableName: "T",
  columns: [
    { header: "Reference", kind: "text" },
    { header: "Value (£)", kind: "money" },
  ],
  key: "Reference",
  rows: [
    ["A", 1],
    ["B", 2],
    ["C", 3],
  ],
  firstRow: 0,
};

const existing = (over: Partial<ExistingTable>): ExistingTable => ({ header: ["Reference", "Value (£)"], keys: [], ownCells: [], bodyRows: 0, ...over });

describe("literalText", () => {
  test.each([
    ['=HYPERLINK("http://x")', `'=HYPERLINK("http://x")`],
    ["+1", "'+1"],
    ["-2", "'-2"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\tTab", "'\tTab"],
    ["\rCR", "'\rCR"],
    ["'quoted", "''quoted"],
    ["Acme Build Ltd", "Acme Build Ltd"],
    ["a=b", "a=b"],
    ["", ""],
  ])("%j is written as %j", (text, written) => {
    expect(literalText(text)).toBe(written);
  });

  test("only text columns are guarded; numbers stay numbers", () => {
    expect(excelCell("text", "-2")).toBe("'-2");
    expect(excelCell("number", -2)).toBe(-2);
    expect(excelCell("money", "")).toBe("");
  });
});

test("jsonBytes counts UTF-8 bytes of the JSON", () => {
  expect(jsonBytes(["£"])).toBe(6);
  expect(jsonBytes("a")).toBe(3);
  expect(jsonBytes("😀")).toBe(6);
});

describe("matchColumns", () => {
  test("matches headers forgivingly and leaves the rest to the officer", () => {
    expect(matchColumns(["Notes", "value £", "REFERENCE", "Reference"], TABLE)).toEqual({ positions: [2, 1], own: [0, 3] });
  });
});

describe("refreshPlan", () => {
  test("keeps matched rows in place, appends new ones, deletes the rest bottom run first", () => {
    const plan = refreshPlan(TABLE, existing({ keys: ["x", "C", "y", "z", "A", ""], ownCells: [["n"], [""], [""], ["m"], [""], [""]], bodyRows: 6, header: ["Reference", "Value (£)", "Notes"] }));
    expect(plan.order).toEqual([2, 0, 1]);
    expect(plan.appendRows).toBe(1);
    expect(plan.deleteRuns).toEqual([
      { start: 5, count: 1 },
      { start: 2, count: 2 },
      { start: 0, count: 1 },
    ]);
    expect(plan).toMatchObject({ removedRows: 4, removedRowsWithOwnValues: 2, ownColumns: ["Notes"], width: 3, bodyRows: 3 });
  });

  test("references match without case or spaces; a repeated reference keeps its first row only", () => {
    const plan = refreshPlan(TABLE, existing({ keys: [" b ", "B", "a"], bodyRows: 3 }));
    expect(plan.order).toEqual([1, 0, 2]);
    expect(plan.deleteRuns).toEqual([{ start: 1, count: 1 }]);
  });

  test("adds our missing columns at the right", () => {
    const plan = refreshPlan(TABLE, existing({ header: ["Reference", "Mine"], keys: ["A"], ownCells: [["x"]], bodyRows: 1 }));
    expect(plan).toMatchObject({ positions: [0, 2], addColumns: ["Value (£)"], ownColumns: ["Mine"], width: 3 });
  });

  test("nothing left to show keeps one blank row, since a table always has one", () => {
    const plan = refreshPlan({ ...TABLE, rows: [] }, existing({ keys: ["A", "B"], bodyRows: 2 }));
    expect(plan).toMatchObject({ order: [], appendRows: 1, bodyRows: 1, deleteRuns: [{ start: 0, count: 2 }] });
    expect(rowAt({ ...TABLE, rows: [] }, plan, 0)).toEqual(["", ""]);
  });

  test("without its key column, a table with the officer's columns is refused; one without is rebuilt", () => {
    expect(() => refreshPlan(TABLE, existing({ header: ["Value (£)", "Notes"], keys: undefined, ownCells: [["x"]], bodyRows: 1 }))).toThrow(RefreshRefused);
    const plan = refreshPlan(TABLE, existing({ header: ["Value (£)"], keys: undefined, bodyRows: 2 }));
    expect(plan).toMatchObject({ addColumns: ["Reference"], order: [0, 1, 2], deleteRuns: [{ start: 0, count: 2 }] });
  });

  test("a new table holds every row, or one blank row", () => {
    expect(newTablePlan(TABLE)).toMatchObject({ positions: [0, 1], appendRows: 3, bodyRows: 3, order: [0, 1, 2] });
    expect(newTablePlan({ ...TABLE, rows: [] })).toMatchObject({ appendRows: 1, bodyRows: 1, order: [] });
  });
});

describe("planChunks", () => {
  test("one chunk when everything fits", () => {
    expect(planChunks(5000, () => 300)).toEqual([{ start: 0, end: 5000 }]);
  });

  test("splits by estimated bytes, counting work that shares the first request", () => {
    expect(planChunks(10, () => 100, 350, 100)).toEqual([
      { start: 0, end: 2 },
      { start: 2, end: 5 },
      { start: 5, end: 8 },
      { start: 8, end: 10 },
    ]);
  });

  test("a row larger than the budget goes alone", () => {
    expect(planChunks(3, (r) => (r === 1 ? 1000 : 10), 100)).toEqual([
      { start: 0, end: 1 },
      { start: 1, end: 2 },
      { start: 2, end: 3 },
    ]);
  });
});

describe("buildWorkbookSync", () => {
  const input = { contract: CONTRACT, contributions: [contribution(1)], commitments: COMMITMENTS, pack: EXAMPLE_PACK, today: "2026-09-01", performance: NO_KPIS };

  test("the Contributions table has our thirteen columns, keyed by reference", () => {
    const sync = buildWorkbookSync(input);
    expect(sync.contributions.columns).toBe(CONTRIBUTION_COLUMNS);
    expect(sync.contributions.rows).toHaveLength(1);
    expect(sync.contributions.key).toBe("Reference");
    expect(sync.summary).toMatchObject({ sheetName: "Social value", tableName: "SocialValueByTheme", key: "Theme", firstRow: 2 });
  });

  test("the summary is the shared committed vs delivered by theme, one row per theme", () => {
    const sync = buildWorkbookSync({ ...input, contributions: [contribution(1, { measureCode: "J1", value: 100, evidenceStatus: "accepted" })] });
    expect(sync.summary.rows).toEqual([
      ["Jobs", 250000, 100, 0],
      ["Growth", 0, 0, 0],
      ["Social", 0, 0, 0],
      ["Environment", 26000, 0, 0],
      ["Innovation", 0, 0, 0],
    ]);
  });

  test("contributions of another contract, or another pack, are refused", () => {
    expect(() => buildWorkbookSync({ ...input, contributions: [contribution(1, { contractId: "C-2" })] })).toThrow(
      new SyncInputError("1 of the contributions belong to another contract (C-2); only contract C-1001's can be synced."),
    );
    expect(() => buildWorkbookSync({ ...input, pack: { ...EXAMPLE_PACK, edition: "2027" } })).toThrow(
      "Contract C-1001 is pinned to pack example 2026-illustrative, not example 2027.",
    );
    expect(() => buildWorkbookSync({ ...input, performance: { ...NO_KPIS, register: { ...NO_KPIS.register, contractId: "C-2" } } })).toThrow(
      new SyncInputError("The KPI register is contract C-2's, not C-1001's."),
    );
  });

  test("the KPIs table has a row per KPI, keyed by KPI id, with the latest rating, its period and the suggestion", () => {
    const { kpis } = buildWorkbookSync({ ...input, performance: WITH_KPIS });
    expect(kpis).toMatchObject({ sheetName: "KPIs", tableName: "KpiRegister", key: "KPI", firstRow: 2 });
    expect(kpis.columns.map((c) => c.header)).toEqual(["KPI", "Name", "Target", "Target value (£)", "Material", "Measures", "Latest rating", "Assessed from", "Assessed to", "Suggested rating"]);
    expect(kpis.rows).toEqual([
      ["KPI-1", "Local jobs", "10 local FTE", 250_000, "Yes", "J1, J3", "Approaching target", isoDateToExcelSerial("2026-01-01"), isoDateToExcelSerial("2026-12-31"), "Requires improvement"],
      ["KPI-2", "Carbon", "Net zero fleet", "", "Yes", "", "Good", isoDateToExcelSerial("2026-01-01"), isoDateToExcelSerial("2026-12-31"), ""],
      ["KPI-3", "=Supplier's own KPI", "-5% waste", "", "Yes", "", "", "", "", ""],
    ]);
    expect(kpis.title).toBe("Contract C-1001, Highways maintenance: KPIs under the Procurement Act 2023 (next assessment due 31 Dec 2027).");
  });

  test("the KPIs title carries the contract's warnings, exemption and the lack of KPIs", () => {
    const warning = { code: "kpis-required" as const, message: "The contract is worth more than £5m, so it needs at least 3 KPIs." };
    const none = buildWorkbookSync({ ...input, performance: { ...NO_KPIS, register: { ...NO_KPIS.register, warnings: [warning] } } }).kpis;
    expect(none.rows).toEqual([]);
    expect(none.title).toBe(
      "Contract C-1001, Highways maintenance: KPIs under the Procurement Act 2023 (next assessment due 1 Jan 2027; no KPIs recorded). Warning (kpis-required): The contract is worth more than £5m, so it needs at least 3 KPIs.",
    );
    const { nextAssessmentDue: _due, ...finished } = NO_KPIS.register;
    const exempt = buildWorkbookSync({ ...input, performance: { ...NO_KPIS, register: { ...finished, exemptionReason: "a framework agreement" } } }).kpis;
    expect(exempt.title).toBe("Contract C-1001, Highways maintenance: KPIs under the Procurement Act 2023 (no further assessment due; no KPIs recorded; exempt: a framework agreement).");
  });
});
