import { readFileSync } from "node:fs";
import path from "node:path";
import type { AuthenticationProvider } from "@microsoft/microsoft-graph-client";
import { excelSerialToInstant, FormsPullSourcesSchema, isoDateToExcelSerial, mapWorkbookRow, planColumns } from "../../shared";
import type { FormsPullSource } from "../../shared";
import { connectGraph } from "../../api/src/graph/connect";
import { GraphRequestError } from "../../api/src/graph/graphCall";
import type { GraphCaller } from "../../api/src/graph/graphCall";
import { loadGraphSettings } from "../../api/src/settings/graph";
import { FormsPullError, pullFormsResponses, sourceKey, WORKBOOK_ROW_CONTENT_TYPE } from "../../api/src/ingest/formsPull";
import { loadSettings } from "../../api/src/settings/settings";
import { SettingsError } from "../../api/src/settings/errors";
import { startFakeGraph } from "../support/fakeGraph";
import type { FakeGraph } from "../support/fakeGraph";
import { VirtualTimer } from "../support/fakeGraphClock";
import { testApp } from "../support/harness";
import type { TestApp } from "../support/harness";
import { addContract } from "./support";

jest.setTimeout(120_000);

/**
 * Pulling Forms responses from the response workbook through Graph: the column mapping of
 * infra/forms/column-mapping.example.json, rows as the workbook holds them (serial times in local
 * time, "" for blanks, Forms' trailing ";"), into the same ingestion as the HTTP endpoint.
 */

const example = JSON.parse(readFileSync(path.join(__dirname, "../../infra/forms/column-mapping.example.json"), "utf8")) as Array<Record<string, unknown>>;
const SOURCE: FormsPullSource = FormsPullSourcesSchema.parse([{ ...example[0], formId: "form-svl-pull", driveId: "b!fakeDriveId", itemId: "01FAKEITEMID" }])[0] as FormsPullSource;
const ITEM = "/drives/b!fakeDriveId/items/01FAKEITEMID";

// The form's headers (infra/forms/FORM.md) after Forms' own columns, deliberately not in question order.
const HEADERS = [
  "ID",
  "Start time",
  "Completion time",
  "Email",
  "Name",
  "Last modified time",
  "Quantity delivered",
  "Contract reference",
  "Your organisation's name",
  "What are you sending today?",
  "Measure code",
  "End of the period",
  "Start of the period",
  "What did you deliver?",
  "Reference of the earlier figures",
  "Upload your evidence",
  "Or paste a link to your evidence",
];

/** 2026-11-20 10:15:00 as the workbook's serial number (Europe/London is on GMT then). */
const COMPLETED = isoDateToExcelSerial("2026-11-20") + (10 * 60 + 15) / 1440;

function row(id: number, over: Partial<Record<(typeof HEADERS)[number], unknown>> = {}): unknown[] {
  const values: Record<string, unknown> = {
    ID: id,
    "Start time": COMPLETED - 0.01,
    "Completion time": COMPLETED,
    Email: `jo${id % 7}@acme.example`,
    Name: "Jo Bloggs",
    "Last modified time": "",
    "Quantity delivered": 2.5,
    "Contract reference": "C-1001",
    "Your organisation's name": "Acme Build Ltd",
    "What are you sending today?": "New figures for social value we delivered",
    "Measure code": "J3;",
    "End of the period": isoDateToExcelSerial("2026-09-30"),
    "Start of the period": isoDateToExcelSerial("2026-07-01"),
    "What did you deliver?": "Two local apprentices; both from the town",
    "Reference of the earlier figures": "",
    "Upload your evidence": "",
    "Or paste a link to your evidence": "",
    ...over,
  };
  return HEADERS.map((h) => values[h]);
}

const valuesOf = (cells: unknown[]) => Object.fromEntries(HEADERS.map((h, i) => [h, cells[i]]));

describe("mapping a workbook row to the canonical submission (pure)", () => {
  const { plan, problems } = planColumns(SOURCE, HEADERS.map((h) => (h === "Completion time" ? " completion TIME " : h)));

  it("matches columns by header text, whatever their order and case, and notes mapped headers the workbook lacks", () => {
    expect(problems).toEqual([]);
    expect(plan.unmatched).toEqual(["Your email address"]);
    expect(plan.columns.get("submittedAt")).toEqual([" completion TIME "]);
  });

  it("turns serial times (local time) into UTC, dates into ISO dates, drops blanks and reads Forms' trailing semicolon", () => {
    const mapped = mapWorkbookRow(SOURCE, planColumns(SOURCE, HEADERS).plan, { index: 0, values: valuesOf(row(7)) }, "Europe/London");
    expect(mapped).toEqual({
      kind: "submission",
      submission: {
        formId: "form-svl-pull",
        responseId: 7,
        submittedAt: "2026-11-20T10:15:00.000Z",
        responder: "jo0@acme.example",
        answers: {
          quantity: 2.5,
          contractRef: "C-1001",
          supplier: "Acme Build Ltd",
          measureCode: "J3",
          periodEnd: "2026-09-30",
          periodStart: "2026-07-01",
          description: "Two local apprentices; both from the town",
        },
      },
    });
  });

  it("converts summer times from British Summer Time, and keeps winter times as they are", () => {
    const summer = isoDateToExcelSerial("2026-07-15") + (10 * 60 + 30) / 1440;
    expect(excelSerialToInstant(summer, "Europe/London")).toBe("2026-07-15T09:30:00.000Z");
    expect(excelSerialToInstant(COMPLETED, "Europe/London")).toBe("2026-11-20T10:15:00.000Z");
    // The FORMS-AND-GRAPH.md observation: 17:23:34 in a UTC+2 workbook was 15:23:34 UTC.
    expect(excelSerialToInstant(isoDateToExcelSerial("2024-08-27") + (17 * 3600 + 23 * 60 + 34) / 86_400, "Europe/Berlin")).toBe("2024-08-27T15:23:34.000Z");
  });

  it("reads a time the clocks skip as after the change, and a time they repeat as its first occurrence", () => {
    const at = (date: string, hours: number, minutes: number) => isoDateToExcelSerial(date) + (hours * 60 + minutes) / 1440;
    // 29 March 2026: London's clocks go from 01:00 GMT to 02:00 BST, so 01:30 does not exist; it reads as 02:30 BST.
    expect(excelSerialToInstant(at("2026-03-29", 1, 30), "Europe/London")).toBe("2026-03-29T01:30:00.000Z");
    // 25 October 2026: 01:30 happens in BST (00:30 UTC) and again in GMT (01:30 UTC).
    expect(excelSerialToInstant(at("2026-10-25", 1, 30), "Europe/London")).toBe("2026-10-25T00:30:00.000Z");
    expect(excelSerialToInstant(at("2026-11-01", 1, 30), "America/New_York")).toBe("2026-11-01T05:30:00.000Z");
    expect(excelSerialToInstant(at("2026-10-25", 2, 30), "Europe/London")).toBe("2026-10-25T02:30:00.000Z");
  });

  it("takes the typed address on an anonymous form, links from the evidence columns, and evidence-only responses", () => {
    const anonymous = { ...SOURCE, columns: { ...SOURCE.columns } };
    const headers = [...HEADERS, "Your email address"];
    const cells = [
      ...row(8, {
        Email: "anonymous",
        "Contract reference": "",
        "Quantity delivered": "",
        "Measure code": "",
        "End of the period": "",
        "Start of the period": "",
        "What did you deliver?": "",
        "Reference of the earlier figures": "SV-7K3Q9M2D",
        "Upload your evidence": "https://contoso.sharepoint.com/Apps/Microsoft%20Forms/SV/Question/payroll_Jo.pdf;https://contoso.sharepoint.com/x/timesheet.xlsx;",
        "Or paste a link to your evidence": " https://contoso.sharepoint.com/s/folder ",
      }),
      "jo@acme.example",
    ];
    const mapped = mapWorkbookRow(anonymous, planColumns(anonymous, headers).plan, { index: 3, values: Object.fromEntries(headers.map((h, i) => [h, cells[i]])) }, "Europe/London");
    expect(mapped).toMatchObject({
      kind: "submission",
      submission: {
        responder: "jo@acme.example",
        answers: {
          supplier: "Acme Build Ltd",
          evidenceFor: "SV-7K3Q9M2D",
          evidence: [
            { name: "payroll_Jo.pdf", link: "https://contoso.sharepoint.com/Apps/Microsoft%20Forms/SV/Question/payroll_Jo.pdf" },
            { name: "timesheet.xlsx", link: "https://contoso.sharepoint.com/x/timesheet.xlsx" },
            { name: "Evidence link", link: "https://contoso.sharepoint.com/s/folder" },
          ],
        },
      },
    });
  });

  it("refuses a row with two answers where one is expected, or no ID, saying which row and column", () => {
    const { plan: p } = planColumns(SOURCE, HEADERS);
    expect(mapWorkbookRow(SOURCE, p, { index: 4, values: valuesOf(row(9, { "Measure code": "J3;NT1;" })) }, "Europe/London")).toEqual({
      kind: "refused",
      formId: "form-svl-pull",
      responseId: "9",
      problems: [{ path: ["measureCode"], row: 6, column: "Measure code", message: "2 answers were chosen (J3, NT1) where one is expected" }],
    });
    expect(mapWorkbookRow(SOURCE, p, { index: 5, values: valuesOf(row(10, { ID: "" })) }, "Europe/London")).toMatchObject({ kind: "refused", problems: [{ column: "ID", message: "the response has no ID" }] });
    expect(mapWorkbookRow(SOURCE, p, { index: 6, values: valuesOf(HEADERS.map(() => "")) }, "Europe/London")).toEqual({ kind: "blank" });
  });

  it("says what is missing when the workbook has no ID or Completion time column", () => {
    expect(planColumns(SOURCE, HEADERS.filter((h) => h !== "Completion time")).problems[0]?.message).toMatch(/^the workbook has no column "Completion time"/);
  });
});

describe("FORMS_PULL_SOURCES", () => {
  const base = { AUTH_MODE: "dev", AUTH_DEV_DIR: "/tmp/svl-pull-settings" };

  it("reads the format of infra/forms/column-mapping.example.json, with the pull on every 15 minutes by default", () => {
    const settings = loadSettings({ ...base, FORMS_PULL_SOURCES: JSON.stringify([SOURCE]) });
    expect(settings.formsPull).toMatchObject({ schedule: "0 */15 * * * *", sources: [SOURCE], pageSize: 500 });
    expect(loadSettings({ ...base, FORMS_PULL_SCHEDULE: "", FORMS_PULL_SOURCES: "" }).formsPull).toMatchObject({ schedule: "0 */15 * * * *", sources: [] });
  });

  it("refuses a mapping that could not work, naming the entry and the header", () => {
    const bad = [{ ...SOURCE, columns: { ID: "responseId", "Contract reference": "contractRef", "Measure code": "measure" } }, { ...SOURCE, itemId: "01/../x" }];
    try {
      loadSettings({ ...base, FORMS_PULL_SOURCES: JSON.stringify(bad), FORMS_PULL_SCHEDULE: "every 15 minutes" });
      throw new Error("expected a SettingsError");
    } catch (e) {
      expect(e).toBeInstanceOf(SettingsError);
      const problems = (e as SettingsError).problems.join("\n");
      expect(problems).toContain("FORMS_PULL_SOURCES entry 1 (form form-svl-pull): columns.Measure code: \"measure\" is not a field; use one of responseId");
      expect(problems).toContain("FORMS_PULL_SOURCES entry 1 (form form-svl-pull): columns: no column maps to submittedAt");
      expect(problems).toContain("FORMS_PULL_SOURCES entry 2 (form form-svl-pull): itemId: itemId is one id");
      expect(problems).toContain('FORMS_PULL_SCHEDULE: "every 15 minutes" is not an NCRONTAB schedule');
    }
  });
});

const token: AuthenticationProvider = { getAccessToken: async () => "pull-token" };

describe("pulling the response workbook into the ledger", () => {
  let fake: FakeGraph;
  let app: TestApp;
  let graph: GraphCaller;

  beforeEach(async () => {
    fake = await startFakeGraph();
    graph = connectGraph(loadGraphSettings({ GRAPH_BASE_URL: fake.baseUrl }), { authProvider: token, timer: new VirtualTimer(), random: () => 0.5 }) as GraphCaller;
    app = await testApp({ env: { FORMS_PULL_SOURCES: JSON.stringify([SOURCE]), FORMS_PULL_PAGE_SIZE: "1000", STORAGE_CONCURRENCY: "32" }, overrides: { graph } });
    await app.deps.ready();
    await addContract(app);
  });
  afterEach(() => fake.close());

  const contributionsOf = async () => {
    const all = [];
    let continuationToken: string | undefined;
    do {
      const page = await app.deps.store.listContributions({ contractId: "C-1001" }, { pageSize: 1000, continuationToken });
      all.push(...page.items);
      continuationToken = page.continuationToken;
    } while (continuationToken);
    return all;
  };

  it("ingests good rows, quarantines a malformed one with the raw row, and reads only new rows next time", async () => {
    const rows = [row(1), row(2, { "Quantity delivered": "2,5" }), row(3, { "Upload your evidence": "https://contoso.sharepoint.com/x/payroll.pdf" }), row(4), HEADERS.map(() => "")];
    fake.addWorkbook(ITEM, [{ id: "{T1}", name: "Table1", worksheet: "Sheet1", headers: HEADERS, rows }]);

    const [first] = await pullFormsResponses(app.deps);
    expect(first).toMatchObject({ rowsRead: 5, created: 3, quarantined: 1, blank: 1, nextRow: 5, table: "Table1" });
    const saved = await contributionsOf();
    expect(saved.map((c) => c.source)).toEqual(expect.arrayContaining([1, 3, 4].map((n) => ({ kind: "form", formId: "form-svl-pull", responseId: String(n) }))));
    expect(saved.find((c) => c.source.kind === "form" && c.source.responseId === "3")?.evidenceStatus).toBe("submitted");
    expect(saved.every((c) => c.submittedAt === "2026-11-20T10:15:00.000Z" && c.measureCode === "J3")).toBe(true);

    const [quarantined] = (await app.deps.store.listQuarantine({ pageSize: 10 })).items;
    expect(quarantined).toMatchObject({ contentType: WORKBOOK_ROW_CONTENT_TYPE, formId: "form-svl-pull", responseId: "2" });
    expect(quarantined?.reasons[0]?.message).toContain('"2,5" uses a comma');
    expect(JSON.parse(quarantined?.raw ?? "{}")).toMatchObject({ source: "forms-workbook", table: "Table1", row: 1, values: { ID: 2, "Quantity delivered": "2,5" } });

    // Nothing new: one row of overlap to check nothing moved, no ingestion.
    const [again] = await pullFormsResponses(app.deps);
    expect(again).toMatchObject({ rowsRead: 0, created: 0, nextRow: 5 });
    rows.push(row(6), row(7));
    const [more] = await pullFormsResponses(app.deps);
    expect(more).toMatchObject({ rowsRead: 2, created: 2, nextRow: 7 });
    expect(await contributionsOf()).toHaveLength(5);

    // Rows deleted in Excel: the watermark no longer fits, so the whole table is read again, and repeats are recognised.
    rows.splice(0, 1);
    const [reread] = await pullFormsResponses(app.deps);
    expect(reread).toMatchObject({ created: 0, repeats: 4, nextRow: 6 });
    expect(await contributionsOf()).toHaveLength(5);
  });

  it("pages through 10,000 rows, commits the watermark per page, and resumes after a failure at page 4", async () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => row(i + 1, { Email: `r${i % 300}@supplier${i % 300}.example`, "Your organisation's name": `Supplier ${i % 300} Ltd` }));
    fake.addWorkbook(ITEM, [{ id: "{T1}", name: "Table1", worksheet: "Sheet1", headers: HEADERS, rows }], { maxTop: 1000 });
    let rowPages = 0;
    const request = graph.request.bind(graph);
    graph.request = async (call) => {
      if (call.path.includes("/rows?") && ++rowPages === 4) throw new GraphRequestError(500, "generalException", "Graph fell over", [], "req-4", null, null);
      return request(call);
    };

    const started = Date.now();
    await expect(pullFormsResponses(app.deps)).rejects.toBeInstanceOf(FormsPullError);
    const watermark = await app.deps.store.formsPull.getWatermark(sourceKey(SOURCE));
    expect(watermark).toMatchObject({ nextRow: 3000, lastId: "3000", table: "Table1" });
    expect(await contributionsOf()).toHaveLength(3000);

    const [resumed] = await pullFormsResponses(app.deps);
    expect(resumed).toMatchObject({ rowsRead: 7000, created: 7000, repeats: 0, nextRow: 10_000 });
    const pages = fake.requests.filter((r) => r.path.endsWith("/rows"));
    // After the failure, reading starts at the last row taken in (the overlap check), not at the top.
    expect(pages.map((r) => r.query.get("$skip")).slice(3)).toEqual(["2999", "3999", "4999", "5999", "6999", "7999", "8999", "9999", "10000"]);
    expect(await contributionsOf()).toHaveLength(10_000);
    expect(Date.now() - started).toBeLessThan(110_000);
  });
});
