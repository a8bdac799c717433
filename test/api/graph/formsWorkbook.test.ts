import { readWorkbookTable, readWorkbookTablePages, WorkbookTableError } from "../../../api/src/graph/formsWorkbook";
import { GraphCaller, GraphGaveUpError, GraphRequestError } from "../../../api/src/graph/graphCall";
import { createGraphClient } from "../../../api/src/graph/graphClient";
import { DEFAULT_RETRY_POLICY } from "../../../api/src/graph/retry";
import type { RetryPolicy } from "../../../api/src/graph/retry";
import { startFakeGraph } from "../../support/fakeGraph";
import type { FakeGraph, FakeTable } from "../../support/fakeGraph";
import { VirtualTimer } from "../../support/fakeGraphClock";

jest.setTimeout(10_000);

const ITEM = "/drives/b!fakeDriveId/items/01FAKEITEMID";
const HEADERS = [
  "ID",
  "Start time",
  "Completion time",
  "Email",
  "Name",
  "Last modified time",
  "What is your team?",
  "Which tools do you use?",
  "Start date",
  "How satisfied are you?",
  "Upload your CV",
];
// The three responses of FORMS-AND-GRAPH.md §1.5, as Graph returns them: serial dates, "" for blanks.
const ROWS: unknown[][] = [
  [1, 46351.70081018519, 46351.70211805556, "adele.vance@contoso.com", "Adele Vance", "", "Finance", "Excel;Teams;", 46357, 4, "https://contoso-my.sharepoint.com/personal/owner_contoso_com/Documents/Apps/Microsoft%20Forms/Onboarding/Question/cv_Adele%20Vance.pdf"],
  [2, 46351.71, 46351.7125, "anonymous", "", "", "Sales", "Teams;", "", 5, ""],
  [3, 46352.4, 46352.40390046296, "alex.wilber@contoso.com", "Alex Wilber", 46352.5, "IT", "", 46388, 3, ""],
];
const table = (over: Partial<FakeTable> = {}): FakeTable => ({ id: "{6A1B0000-FAKE-4000-8000-000000000001}", name: "Table1", worksheet: "Sheet1", headers: HEADERS, rows: ROWS, ...over });

let fake: FakeGraph;
beforeEach(async () => {
  fake = await startFakeGraph();
});
afterEach(async () => {
  await fake.close();
});

function graph(retry: Partial<RetryPolicy> = {}, timer = new VirtualTimer()) {
  const policy = { ...DEFAULT_RETRY_POLICY, attemptTimeoutMs: 3_000, ...retry };
  const client = createGraphClient({ authProvider: { getAccessToken: async () => "wb-token" }, baseUrl: fake.baseUrl, attemptTimeoutMs: policy.attemptTimeoutMs });
  return new GraphCaller(client, { retry: policy, timer, random: () => 0.5 });
}

const rowsPath = /\/rows$/;
const warnings: unknown[] = [];
const warn = (message: string, error: unknown) => warnings.push({ message, error });

describe("reading the Forms response table through Graph", () => {
  test("finds the one table, reads headers and rows keyed by header text, in a non-persistent session it closes", async () => {
    fake.addWorkbook(ITEM, [table()]);
    const result = await readWorkbookTable(graph(), { item: ITEM }, { warn });

    expect(result.table).toBe("Table1");
    expect(result.headers).toEqual(HEADERS);
    expect(result.rows).toHaveLength(3);
    expect(result.rows[1]).toEqual({
      index: 1,
      values: {
        ID: 2,
        "Start time": 46351.71,
        "Completion time": 46351.7125,
        Email: "anonymous",
        Name: "",
        "Last modified time": "",
        "What is your team?": "Sales",
        "Which tools do you use?": "Teams;",
        "Start date": "",
        "How satisfied are you?": 5,
        "Upload your CV": "",
      },
    });
    expect(result.nextRow).toBe(3);

    expect(fake.sessions).toHaveLength(1);
    const session = fake.sessions[0]!;
    expect(session).toMatchObject({ persistChanges: false, closed: true });
    const [create, ...rest] = fake.requests;
    expect(create).toMatchObject({ method: "POST", path: `/v1.0${ITEM}/workbook/createSession` });
    expect(JSON.parse(create!.body)).toEqual({ persistChanges: false });
    expect(rest.map((r) => `${r.method} ${r.path.replace(`/v1.0${ITEM}/workbook`, "")}`)).toEqual([
      "GET /tables",
      "GET /tables/Table1/headerRowRange",
      "GET /tables/Table1/rows",
      "GET /tables/Table1/rows",
      "POST /closeSession",
    ]);
    for (const r of rest) {
      expect(r.headers["workbook-session-id"]).toBe(session.id);
      expect(r.headers.authorization).toBe("Bearer wb-token");
    }
    expect(warnings).toEqual([]);
  });

  test("10,000 rows page by $top/$skip, in order, even when Graph caps a page below $top", async () => {
    const many = Array.from({ length: 10_000 }, (_, i) => [i + 1, 46351 + i / 1000, 46351 + i / 1000, `r${i}@supplier.example`, `Responder ${i}`, "", "Team", "A;B;", 46357, i % 5, ""]);
    fake.addWorkbook(ITEM, [table({ rows: many })], { maxTop: 1_000 });
    const started = Date.now();
    const result = await readWorkbookTable(graph(), { item: ITEM, table: "Table1" }, { pageSize: 2_500 });
    const took = Date.now() - started;

    expect(result.rows).toHaveLength(10_000);
    expect(result.rows.map((r) => r.values.ID)).toEqual(many.map((r) => r[0]));
    expect(result.rows.map((r) => r.index)).toEqual(many.map((_, i) => i));
    const pages = fake.requests.filter((r) => rowsPath.test(r.path));
    expect(pages.map((r) => r.query.get("$skip"))).toEqual(["0", "1000", "2000", "3000", "4000", "5000", "6000", "7000", "8000", "9000", "10000"]);
    expect(pages.every((r) => r.query.get("$top") === "2500")).toBe(true);
    expect(took).toBeLessThan(5_000);
  });

  test("follows @odata.nextLink when Graph sends one", async () => {
    const many = Array.from({ length: 25 }, (_, i) => [i + 1, 0, 0, "", "", "", "", "", "", 0, ""]);
    fake.addWorkbook(ITEM, [table({ rows: many })], { nextLinks: true, maxTop: 10 });
    const result = await readWorkbookTable(graph(), { item: ITEM }, { pageSize: 10 });
    expect(result.rows.map((r) => r.values.ID)).toEqual(many.map((r) => r[0]));
    const pages = fake.requests.filter((r) => rowsPath.test(r.path));
    expect(pages.map((r) => r.query.get("$skip"))).toEqual(["0", "10", "20"]);
    for (const p of pages) expect(p.headers.authorization).toBe("Bearer wb-token");
  });

  test("starts at a watermark, and a page at a time can be consumed and abandoned (the session is still closed)", async () => {
    const many = Array.from({ length: 50 }, (_, i) => [i + 1, 0, 0, "", "", "", "", "", "", 0, ""]);
    fake.addWorkbook(ITEM, [table({ rows: many })]);
    const seen: number[] = [];
    for await (const page of readWorkbookTablePages(graph(), { item: ITEM, worksheet: "Sheet1" }, { pageSize: 10, fromRow: 20 })) {
      seen.push(...page.rows.map((r) => r.index));
      if (page.nextRow >= 40) break;
    }
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => 20 + i));
    expect(fake.requests.some((r) => r.path.endsWith("/workbook/worksheets/Sheet1/tables"))).toBe(true);
    expect(fake.sessions[0]!.closed).toBe(true);
  });

  test("an empty table still gives its headers", async () => {
    fake.addWorkbook(ITEM, [table({ rows: [] })]);
    const result = await readWorkbookTable(graph(), { item: ITEM });
    expect(result).toEqual({ table: "Table1", headers: HEADERS, rows: [], nextRow: 0 });
  });

  test("429 with Retry-After, 503, 504, 500 generalException and a connection cut mid-answer are all retried", async () => {
    fake.addWorkbook(ITEM, [table()]);
    const timer = new VirtualTimer();
    fake.failNext({ kind: "gateway-timeout" }, { path: /createSession$/ });
    fake.failNext([{ kind: "throttle", retryAfter: "3" }, { kind: "unavailable" }, { kind: "server-error", status: 500, code: "InternalServerError", innerCode: "generalException" }, { kind: "drop-mid-body" }], { path: rowsPath });
    const result = await readWorkbookTable(graph({}, timer), { item: ITEM });
    expect(result.rows).toHaveLength(3);
    expect(timer.sleeps[1]).toBe(3_000);
    expect(fake.requests.filter((r) => rowsPath.test(r.path)).map((r) => r.outcome)).toEqual([429, 503, 500, "dropped", 200, 200]);
    expect(fake.sessions.filter((s) => s.closed)).toHaveLength(1);
  });

  test("a session Graph dropped is opened again and the read carries on", async () => {
    const many = Array.from({ length: 30 }, (_, i) => [i + 1, 0, 0, "", "", "", "", "", "", 0, ""]);
    fake.addWorkbook(ITEM, [table({ rows: many })]);
    const seen: number[] = [];
    for await (const page of readWorkbookTablePages(graph(), { item: ITEM }, { pageSize: 10, warn })) {
      seen.push(...page.rows.map((r) => r.index));
      if (seen.length === 10) fake.expireSessions();
    }
    expect(seen).toEqual(many.map((_, i) => i));
    expect(fake.sessions).toHaveLength(2);
    expect(fake.sessions[1]!.closed).toBe(true);
  });

  test("problems are reported, not guessed round: unknown table, several tables, a 500 that is not transient, giving up", async () => {
    fake.addWorkbook(ITEM, [table(), table({ id: "{2}", name: "Budget" })]);
    await expect(readWorkbookTable(graph(), { item: ITEM })).rejects.toThrow(new WorkbookTableError("the workbook has 2 tables (Table1, Budget); configure which one holds the Forms responses"));

    const missing = readWorkbookTable(graph(), { item: ITEM, table: "Responses" });
    await expect(missing).rejects.toBeInstanceOf(GraphRequestError);
    await expect(missing).rejects.toMatchObject({ status: 404, code: "NotFound", innerCodes: ["itemNotFound"] });

    fake.failNext({ kind: "server-error", status: 500, code: "internalServerError", innerCode: "GenericFileOpenError", message: "The workbook cannot be opened." }, { path: rowsPath });
    await expect(readWorkbookTable(graph(), { item: ITEM, table: "Table1" })).rejects.toMatchObject({ status: 500, graphMessage: "The workbook cannot be opened." });

    fake.failAlways({ kind: "unavailable" }, { path: rowsPath });
    await expect(readWorkbookTable(graph({ giveUpAfterMs: 10_000 }), { item: ITEM, table: "Table1" })).rejects.toBeInstanceOf(GraphGaveUpError);
    expect(fake.sessions.every((s) => s.closed)).toBe(true);

    await expect(readWorkbookTable(graph(), { item: "/drives/x/root:/Forms.xlsx:" })).rejects.toThrow(/not a drive item path/);
  });

  test("a header row with two columns of the same name is refused", async () => {
    fake.addWorkbook(ITEM, [table({ headers: ["ID", "Email", "Email"], rows: [[1, "a", "b"]] })]);
    await expect(readWorkbookTable(graph(), { item: ITEM })).rejects.toThrow(/two columns headed "Email"/);
  });
});
