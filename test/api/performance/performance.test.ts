import { exampleContract, invoke, testApp } from "../../support/harness";
import type { TestApp } from "../../support/harness";

jest.setTimeout(30_000);

/*
 * The Procurement Act duties through the handlers, on Azurite: the KPI register and its s.52 rules,
 * assessments on the Act's scale, the UK9 notice in three forms, failure notices with their
 * 30-day clock, and crosswalk reports. "Today" is 2026-11-26 (test/support/harness.ts).
 */

let app: TestApp;
let officer: Record<string, string>;

beforeAll(async () => {
  app = await testApp();
  officer = { authorization: `Bearer ${await app.token()}` };
});

const kpi = (n: number, extra: Record<string, unknown> = {}) => ({ id: `KPI-${n}`, name: `KPI ${n}`, target: `Target ${n}`, material: n <= 3, ...extra });

async function contract(id: string, extra: Record<string, unknown> = {}) {
  expect((await invoke(app.deps, "contractsCreate", { body: exampleContract({ id, ...extra }), headers: officer })).status).toBe(201);
  return { id };
}

const getKpis = (id: string) => invoke(app.deps, "kpisGet", { path: `contracts/${id}/kpis`, params: { id }, headers: officer });
const putKpis = (id: string, body: unknown, headers: Record<string, string> = {}) =>
  invoke(app.deps, "kpisPut", { method: "PUT", path: `contracts/${id}/kpis`, params: { id }, body, headers: { ...officer, ...headers } });
const assess = (id: string, body: unknown) => invoke(app.deps, "assessmentsCreate", { path: `contracts/${id}/assessments`, params: { id }, body, headers: officer });
const notice = (id: string, assessmentId: string, query = "") =>
  invoke(app.deps, "performanceNoticeGet", { path: `contracts/${id}/performance-notices/${assessmentId}${query}`, params: { id, assessmentId }, headers: officer });
const fail = (id: string, body: unknown) => invoke(app.deps, "performanceFailuresCreate", { path: `contracts/${id}/performance-failures`, params: { id }, body, headers: officer });

describe("the KPI register", () => {
  test("over £5m with fewer than three KPIs and no exemption: kpis-required; three KPIs or an exemption clear it", async () => {
    await contract("C-5101");
    expect((await getKpis("C-5101")).body).toMatchObject({ kpis: [], warnings: [{ code: "kpis-required" }], nextAssessmentDue: "2027-04-01" });
    expect((await putKpis("C-5101", { kpis: [kpi(1), kpi(2)] })).body.warnings).toEqual([expect.objectContaining({ code: "kpis-required" })]);
    expect((await putKpis("C-5101", { kpis: [], exemptionReason: "The contract is a framework agreement" })).body).toMatchObject({ warnings: [], exemptionReason: "The contract is a framework agreement" });
    expect((await putKpis("C-5101", { kpis: [kpi(1), kpi(2), kpi(3), kpi(4)] })).body.warnings).toEqual([]);

    await contract("C-5102", { value: 5_000_000 });
    expect((await getKpis("C-5102")).body.warnings).toEqual([]);
  });

  test("exactly three material with three or more; measures must be in the contract's pack; every problem has its path", async () => {
    await contract("C-5103");
    const wrong = await putKpis("C-5103", { kpis: [kpi(1), kpi(2), kpi(3), kpi(4, { material: true })] });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details).toEqual([{ path: ["kpis"], message: expect.stringContaining("exactly 3") }]);
    const unknown = await putKpis("C-5103", { kpis: [kpi(1, { measureCodes: ["j1", "ZZ9"] })] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details).toEqual([{ path: ["kpis", 0, "measureCodes", 1], message: 'measure "ZZ9" is not in example 2026-illustrative' }]);
    const stored = await putKpis("C-5103", { kpis: [kpi(1, { measureCodes: ["j1"] })] });
    expect(stored.body.kpis[0].measureCodes).toEqual(["J1"]);
    expect((await putKpis("C-4040", { kpis: [] })).status).toBe(404);
  });

  test("If-Match guards against lost updates", async () => {
    await contract("C-5104");
    const first = await putKpis("C-5104", { kpis: [kpi(1)] });
    const etag = first.headers.get("etag") ?? "";
    expect(etag).not.toBe("");
    expect((await getKpis("C-5104")).headers.get("etag")).toBe(etag);
    const second = await putKpis("C-5104", { kpis: [kpi(1), kpi(2)] }, { "if-match": etag });
    expect(second.status).toBe(200);
    const stale = await putKpis("C-5104", { kpis: [] }, { "if-match": etag });
    expect(stale.status).toBe(412);
    expect(stale.body.error.code).toBe("stale-etag");
    expect((await getKpis("C-5104")).body.kpis).toHaveLength(2);
    // No register yet: an If-Match cannot name a version of it.
    await contract("C-5105");
    expect((await putKpis("C-5105", { kpis: [] }, { "if-match": etag })).status).toBe(412);
    expect((await putKpis("C-5105", { kpis: [] }, { "if-match": "*" })).status).toBe(200);
  });

  test("a KPI linked to measures with a target value gets a suggested rating from accepted £ against the expected-to-date curve", async () => {
    await contract("C-5106");
    // 239 of 1,095 days: £218,264 of £1m is expected by today; £200,000 accepted is 91.6% of it.
    await putKpis("C-5106", { kpis: [kpi(1, { measureCodes: ["J1"], targetValue: 1_000_000 }), kpi(2, { measureCodes: ["J1"], targetValue: 1_000_000, thresholds: { good: 0.9, approachingTarget: 0.8, requiresImprovement: 0.5 } }), kpi(3)] });
    for (const [quantity, accept] of [[8, true], [4, false]] as const) {
      const created = await invoke(app.deps, "contributionsCreate", {
        body: { contractRef: "C-5106", supplier: "Acme Build", measureCode: "J1", quantity, periodStart: "2026-06-01", periodEnd: "2026-06-30", evidence: [{ name: "payroll.pdf", link: "https://acme.example/p.pdf" }] },
        headers: officer,
      });
      const id = created.body.id as string;
      if (accept) await invoke(app.deps, "contributionsReview", { path: `contributions/${id}/review`, params: { id }, body: { decision: "accept" }, headers: { ...officer, "if-match": created.headers.get("etag") ?? "" } });
    }
    const view = (await getKpis("C-5106")).body;
    expect(view.kpis[0].suggestedRating).toEqual({ rating: "approaching-target", delivered: 200_000, expected: 218_264.84, thresholds: { good: 1, approachingTarget: 0.9, requiresImprovement: 0.7 } });
    expect(view.kpis[1].suggestedRating.rating).toBe("good");
    expect(view.kpis[2].suggestedRating).toBeUndefined();
  });
});

describe("assessments", () => {
  const ratings = (rating = "good") => [1, 2, 3].map((n) => ({ kpiId: `KPI-${n}`, rating }));

  test("anything off the Act's scale is a 400 naming the field and the allowed values; other needs an explanation", async () => {
    await contract("C-5201");
    await putKpis("C-5201", { kpis: [kpi(1), kpi(2), kpi(3)] });
    const off = await assess("C-5201", { periodStart: "2026-04-01", periodEnd: "2027-03-31", ratings: ratings("excellent") });
    expect(off.status).toBe(400);
    expect(off.body.error.details[0]).toEqual({ path: ["ratings", 0, "rating"], message: "a rating is one of good, approaching-target, requires-improvement, inadequate, other" });
    const other = await assess("C-5201", { periodStart: "2026-04-01", periodEnd: "2027-03-31", ratings: [...ratings().slice(0, 2), { kpiId: "KPI-3", rating: "other" }] });
    expect(other.body.error.details).toEqual([{ path: ["ratings", 2, "explanation"], message: "a rating of other needs an explanation" }]);
  });

  test("every KPI rated, or refused with the missing ids", async () => {
    await contract("C-5202");
    await putKpis("C-5202", { kpis: [kpi(1), kpi(2), kpi(3)] });
    const missing = await assess("C-5202", { periodStart: "2026-04-01", periodEnd: "2027-03-31", ratings: ratings().slice(0, 1) });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toBe("Rate every KPI of the register; missing: KPI-2, KPI-3.");
    expect(missing.body.error.details).toEqual([{ path: ["ratings"], message: "every KPI of the register is rated; missing: KPI-2, KPI-3" }]);
    expect((await invoke(app.deps, "assessmentsList", { path: "contracts/C-5202/assessments", params: { id: "C-5202" }, headers: officer })).body.items).toEqual([]);
  });

  test("the next assessment is due 12 months after the last period, the contract's end if sooner, none after the final one; the latest rating shows", async () => {
    await contract("C-5203", { startDate: "2024-03-01", endDate: "2026-12-31" });
    await putKpis("C-5203", { kpis: [kpi(1), kpi(2), kpi(3)] });
    // Leap year: a period ending 29 February 2024 makes the next one due 28 February 2025.
    expect((await assess("C-5203", { periodStart: "2023-03-01", periodEnd: "2024-02-29", ratings: ratings("inadequate") })).status).toBe(201);
    expect((await getKpis("C-5203")).body.nextAssessmentDue).toBe("2025-02-28");
    const second = await assess("C-5203", { periodStart: "2024-03-01", periodEnd: "2026-02-28", ratings: ratings("approaching-target") });
    const view = (await getKpis("C-5203")).body;
    expect(view.nextAssessmentDue).toBe("2026-12-31");
    expect(view.kpis[0]).toMatchObject({ latestRating: "approaching-target", latestAssessmentId: second.body.id });
    expect((await assess("C-5203", { periodStart: "2026-03-01", periodEnd: "2026-09-30", final: true, ratings: ratings() })).status).toBe(201);
    expect((await getKpis("C-5203")).body.nextAssessmentDue).toBeUndefined();
  });

  test("the notice: OCDS JSON with the UK profile's codes, CSV to download, readable escaped HTML that says it is not published", async () => {
    await contract("C-5204", { title: "Depot <rebuild> & care" });
    await putKpis("C-5204", { kpis: [kpi(1), kpi(2), kpi(3)] });
    const created = await assess("C-5204", {
      periodStart: "2026-04-01",
      periodEnd: "2026-11-20",
      ratings: [
        { kpiId: "KPI-1", rating: "good", observed: "14 starts" },
        { kpiId: "KPI-2", rating: "requires-improvement" },
        { kpiId: "KPI-3", rating: "other", explanation: "<img src=x onerror=alert(1)>" },
      ],
    });
    const id = created.body.id as string;
    expect(id).toMatch(/^PA-[0-9A-HJKMNP-TV-Z]{8}$/);
    expect(created.headers.get("location")).toBe(`/api/contracts/C-5204/performance-notices/${id}`);
    const json = await notice("C-5204", id);
    expect(json.body.contracts[0].implementation.metrics.map((m: { observations: { measureClassification: { id: string } }[] }) => m.observations[0]?.measureClassification.id)).toEqual(["met", "below", "other"]);
    const csv = await notice("C-5204", id, "?format=csv");
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(csv.headers.get("content-disposition")).toBe(`attachment; filename="C-5204-${id}-UK9.csv"`);
    expect(csv.text?.split("\r\n")[2]).toBe("KPI-2,KPI 2,Target 2,yes,2026-04-01,2026-11-20,no,Requires improvement,below,,");
    const html = await notice("C-5204", id, "?format=html");
    expect(html.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(html.text).toContain("Depot &lt;rebuild&gt; &amp; care");
    expect(html.text).not.toContain("<img");
    expect(html.text).toContain("does not publish to Find a Tender");
    const bad = await notice("C-5204", id, "?format=pdf");
    expect(bad.body.error.details).toEqual([{ path: ["format"], message: "format is one of json, csv, html" }]);
    expect((await notice("C-5204", "PA-00000000")).status).toBe(404);
  });
});

describe("breach and poor-performance decisions", () => {
  test("the answer and the list carry noticeDueBy, 30 days after the decision; bad input names fields and allowed values", async () => {
    await contract("C-5301");
    const created = await fail("C-5301", { kind: "poor-performance", decisionDate: "2026-11-10", description: "Failed to improve after two warnings", penalty: { type: "negotiated", value: 12_500.5 }, partialTermination: "Lot 3 (grounds maintenance)" });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: expect.stringMatching(/^PF-/), noticeDueBy: "2026-12-10", penalty: { type: "negotiated", value: 12_500.5 }, recordedBy: "officer@council.example" });
    const leap = await fail("C-5301", { kind: "breach", decisionDate: "2028-02-10", description: "Breach of clause 14" });
    expect(leap.body.noticeDueBy).toBe("2028-03-11");
    const list = await invoke(app.deps, "performanceFailuresList", { path: "contracts/C-5301/performance-failures", params: { id: "C-5301" }, headers: officer });
    expect(list.body.items.map((f: { noticeDueBy: string }) => f.noticeDueBy)).toEqual(["2026-12-10", "2028-03-11"]);

    const bad = await fail("C-5301", { kind: "late", decisionDate: "2026-11-31", description: "x", penalty: { type: "fine" } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([
      { path: ["kind"], message: "kind is one of breach, poor-performance" },
      { path: ["decisionDate"], message: "must be a date written yyyy-mm-dd" },
      { path: ["penalty", "type"], message: "a penalty type is one of contracted, imposed, negotiated" },
    ]);
  });

  test("marking the notice published: kept with the failure, never before the decision", async () => {
    await contract("C-5302");
    const created = await fail("C-5302", { kind: "breach", decisionDate: "2026-11-10", description: "Breach" });
    const params = { id: "C-5302", failureId: created.body.id as string };
    const mark = (publishedOn: string) => invoke(app.deps, "performanceFailurePublished", { path: `contracts/C-5302/performance-failures/${params.failureId}/published`, params, body: { publishedOn }, headers: officer });
    expect((await mark("2026-11-01")).body.error.details).toEqual([{ path: ["publishedOn"], message: "on or after the decision date 2026-11-10" }]);
    expect((await mark("2026-11-20")).body).toMatchObject({ noticePublishedOn: "2026-11-20" });
    expect(await app.deps.store.performance.listOpenFailures()).not.toContainEqual(expect.objectContaining({ id: params.failureId }));
  });
});

describe("crosswalks between frameworks (codes made up)", () => {
  const mappings = [
    { fromPack: "example", fromCode: "J1", toPack: "svm-local", toCode: "SVM-EMP-1" },
    { fromPack: "example", fromCode: "J3", toPack: "svm-local", toCode: "SVM-SKL-2", factor: 0.5 },
  ];

  test("stored whole, listed with their sizes; a bad id or mapping is a 400 naming the field", async () => {
    const put = await invoke(app.deps, "crosswalksPut", { method: "PUT", path: "crosswalks/example-to-svm", params: { id: "example-to-svm" }, body: { name: "Example to local SVM", mappings }, headers: officer });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ id: "example-to-svm", mappings: [{ factor: 1 }, { factor: 0.5 }], updatedBy: "officer@council.example" });
    const list = await invoke(app.deps, "crosswalksList", { headers: officer });
    expect(list.body.items).toEqual([expect.objectContaining({ id: "example-to-svm", name: "Example to local SVM", mappings: 2 })]);
    expect((await invoke(app.deps, "crosswalksPut", { method: "PUT", path: "crosswalks/Bad Id", params: { id: "Bad Id" }, body: { name: "x", mappings: [] }, headers: officer })).body.error.details[0].path).toEqual(["id"]);
    const bad = await invoke(app.deps, "crosswalksPut", { method: "PUT", path: "crosswalks/x", params: { id: "x" }, body: { name: "x", mappings: [{ ...mappings[0], factor: 0 }] }, headers: officer });
    expect(bad.body.error.details).toEqual([{ path: ["mappings", 0, "factor"], message: "a factor is more than 0" }]);
  });

  test("a contract's accepted delivery in the other framework's codes, unmapped codes listed", async () => {
    expect((await invoke(app.deps, "contractsCreate", { body: exampleContract({ id: "C-6001" }), headers: officer })).status).toBe(201);
    for (const [measureCode, quantity, accept] of [["J1", 2, true], ["J3", 10, true], ["E1", 4, true], ["J1", 5, false]] as const) {
      const created = await invoke(app.deps, "contributionsCreate", {
        body: { contractRef: "C-6001", supplier: "Acme Build", measureCode, quantity, periodStart: "2026-06-01", periodEnd: "2026-06-30", evidence: [{ name: "e.pdf", link: `https://acme.example/${measureCode}-${quantity}.pdf` }] },
        headers: officer,
      });
      const id = created.body.id as string;
      if (accept) await invoke(app.deps, "contributionsReview", { path: `contributions/${id}/review`, params: { id }, body: { decision: "accept" }, headers: { ...officer, "if-match": created.headers.get("etag") ?? "" } });
    }
    const report = await invoke(app.deps, "contractReport", { path: "contracts/C-6001/report?crosswalk=example-to-svm", params: { id: "C-6001" }, headers: officer });
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({
      contractId: "C-6001",
      fromPack: "example",
      lines: [
        { pack: "svm-local", code: "SVM-EMP-1", quantity: 2, value: 50_000 },
        { pack: "svm-local", code: "SVM-SKL-2", quantity: 5, value: 2_400 },
      ],
      unmapped: [{ pack: "example", code: "E1", quantity: 4 }],
    });
    expect((await invoke(app.deps, "contractReport", { path: "contracts/C-6001/report?crosswalk=none-such", params: { id: "C-6001" }, headers: officer })).status).toBe(404);
    expect((await invoke(app.deps, "contractReport", { path: "contracts/C-6001/report", params: { id: "C-6001" }, headers: officer })).body.error.details[0].path).toEqual(["crosswalk"]);
  });
});
