import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { buildOpenApi } from "../../../api/src/http/openapi";
import { ROUTES } from "../../../api/src/app/routes";
import { exampleContract, INGEST_SECRET, invoke, submission, testApp } from "../../support/harness";
import type { TestApp } from "../../support/harness";

jest.setTimeout(30_000);

/*
 * The OpenAPI description against two readers: Redocly's linter with its recommended rules, and
 * the API's own answers. Every answer the API gives below, success or refusal, must be a status
 * the description lists for that operation, with a body its schema accepts.
 */

interface Operation {
  operationId: string;
  responses: Record<string, { content?: Record<string, { schema: object }> }>;
}
const document = buildOpenApi(ROUTES) as { paths: Record<string, Record<string, Operation>> };
const operations = new Map(Object.values(document.paths).flatMap((methods) => Object.values(methods).map((op): [string, Operation] => [op.operationId, op])));

const ROOT = path.resolve(__dirname, "../../..");

function lint(file: string): Promise<{ totals: { errors: number; warnings: number }; problems: { ruleId: string; severity: string; location: { pointer: string }[] }[] }> {
  return new Promise((resolve, reject) => {
    const cli = path.join(ROOT, "node_modules", "@redocly", "cli", "bin", "cli.js");
    const child = spawn(process.execPath, [cli, "lint", file, "--extends=recommended", "--format=json"], { cwd: ROOT, env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" } });
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    child.on("error", reject);
    child.on("close", () => {
      try {
        resolve(JSON.parse(out.slice(out.indexOf("{"))));
      } catch {
        reject(new Error(`redocly lint printed no report:\n${out}\n${err}`));
      }
    });
  });
}

test("Redocly's recommended rules find no error; the only warnings are the two routes that refuse nothing", async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "svl-openapi-"));
  try {
    const file = path.join(dir, "openapi.json");
    writeFileSync(file, JSON.stringify(document, null, 2));
    const report = await lint(file);
    expect(report.totals.errors).toBe(0);
    // GET /api/health and GET /api/openapi.json take no input and need no sign-in, so they have no 4xx to describe.
    expect(report.problems.map((p) => `${p.ruleId} ${p.location[0]?.pointer}`).sort()).toEqual([
      "operation-4xx-response #/paths/~1api~1health/get/responses",
      "operation-4xx-response #/paths/~1api~1openapi.json/get/responses",
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe("the API's answers match the description", () => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  let app: TestApp;
  let officer: Record<string, string>;

  /** Calls the route through the same dispatch as the hosts and checks the answer against the description. */
  async function call(routeName: string, init: Parameters<typeof invoke>[2] = {}) {
    const answer = await invoke(app.deps, routeName, init);
    const operation = operations.get(routeName);
    if (!operation) throw new Error(`${routeName} is not in the description`);
    const described = operation.responses[String(answer.status)];
    if (!described) throw new Error(`${routeName} answered ${answer.status}, which the description does not list (${Object.keys(operation.responses).join(", ")}): ${JSON.stringify(answer.body)}`);
    const textType = answer.text !== undefined ? (answer.headers.get("content-type") ?? "").split(";")[0] : undefined;
    const schema = described.content?.["application/json"]?.schema;
    if (textType) {
      if (!described.content?.[textType]) throw new Error(`${routeName} answered ${textType}, which the description does not list for ${answer.status}`);
    } else if (schema) {
      const validate = ajv.compile(schema);
      if (!validate(answer.body)) throw new Error(`${routeName} ${answer.status} does not match its schema: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(answer.body).slice(0, 2000)}`);
    } else {
      expect(answer.body).toBeUndefined();
    }
    return answer;
  }

  beforeAll(async () => {
    app = await testApp();
    officer = { authorization: `Bearer ${await app.token()}` };
  });

  test("contracts: created, listed, read, changed; refused with 400, 404, 409 and 412", async () => {
    expect((await call("contractsCreate", { body: exampleContract(), headers: officer })).status).toBe(201);
    expect((await call("contractsCreate", { body: exampleContract(), headers: officer })).status).toBe(409);
    expect((await call("contractsCreate", { body: { ...exampleContract(), id: "" }, headers: officer })).status).toBe(400);
    expect((await call("contractsList", { path: "contracts?pageSize=1", headers: officer })).status).toBe(200);
    expect((await call("contractsList", { path: "contracts?pageSize=0", headers: officer })).status).toBe(400);
    const read = await call("contractsGet", { path: "contracts/C-1001", params: { id: "C-1001" }, headers: officer });
    expect(read.status).toBe(200);
    expect((await call("contractsGet", { path: "contracts/C-4040", params: { id: "C-4040" }, headers: officer })).status).toBe(404);
    const etag = read.headers.get("etag") ?? "";
    const patch = (ifMatch: string) => call("contractsPatch", { method: "PATCH", path: "contracts/C-1001", params: { id: "C-1001" }, body: { title: "Riverside depot rebuild" }, headers: { ...officer, "if-match": ifMatch } });
    expect((await patch(etag)).status).toBe(200);
    expect((await patch(etag)).status).toBe(412);
    expect((await call("contractsPatch", { method: "PATCH", path: "contracts/C-4040", params: { id: "C-4040" }, body: { title: "x" }, headers: officer })).status).toBe(404);
    expect((await call("commitmentsPut", { method: "PUT", path: "contracts/C-4040/commitments", params: { id: "C-4040" }, body: { commitments: [] }, headers: officer })).status).toBe(404);
  });

  test("Forms submissions: 201, a repeat 200, a refusal 400 with its details; evidence for an unknown reference 400", async () => {
    const secret = { "x-ingest-secret": INGEST_SECRET };
    const body = submission({ answers: { measureCode: "J1", quantity: 2 } });
    const created = await call("formsResponses", { body, headers: secret });
    expect(created.status).toBe(201);
    expect((await call("formsResponses", { body, headers: secret })).status).toBe(200);
    const refused = await call("formsResponses", { body: submission({ responseId: "refused-1", answers: { quantity: "lots" } }), headers: secret });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: ["answers", "quantity"] })]));
    expect((await call("formsResponses", { body, headers: {} })).status).toBe(401);

    const id = created.body.id as string;
    expect((await call("contributionsGet", { path: `contributions/${id}`, params: { id }, headers: officer })).status).toBe(200);
    expect((await call("contributionsGet", { path: "contributions/SV-ZZZZZZZZ", params: { id: "SV-ZZZZZZZZ" }, headers: officer })).status).toBe(404);
    expect((await call("contributionsList", { path: "contributions?contractId=C-1001", headers: officer })).status).toBe(200);
    expect((await call("contributionsList", { path: "contributions?status=lost", headers: officer })).status).toBe(400);
    const review = (ifMatch: string) =>
      call("contributionsReview", { path: `contributions/${id}/review`, params: { id }, body: { decision: "accept" }, headers: { ...officer, "if-match": ifMatch } });
    expect((await review('W/"stale"')).status).toBe(412);
    const etag = (await invoke(app.deps, "contributionsGet", { path: `contributions/${id}`, params: { id }, headers: officer })).headers.get("etag") ?? "";
    // Nothing submitted yet: there is no evidence to review.
    expect((await review(etag)).status).toBe(409);
    expect((await call("contributionsReview", { path: "contributions/SV-ZZZZZZZZ/review", params: { id: "SV-ZZZZZZZZ" }, body: { decision: "accept" }, headers: { ...officer, "if-match": etag } })).status).toBe(404);

    const evidence = (evidenceFor: string) =>
      submission({
        responseId: `evidence-${evidenceFor}`,
        answers: { contractRef: "", supplier: "", measureCode: "", quantity: "", periodStart: "", periodEnd: "", evidenceFor, evidence: [{ name: "timesheets.pdf", link: "https://acme.example/t.pdf" }] },
      });
    expect((await call("formsResponses", { body: evidence(id), headers: secret })).status).toBe(201);
    const unknown = await call("formsResponses", { body: evidence("SV-00000000"), headers: secret });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details[0].path).toEqual(["answers", "evidenceFor"]);
    const submitted = (await invoke(app.deps, "contributionsGet", { path: `contributions/${id}`, params: { id }, headers: officer })).headers.get("etag") ?? "";
    expect((await review(submitted)).status).toBe(200);
    expect((await call("quarantineList", { path: "quarantine", headers: officer })).status).toBe(200);
    expect((await call("quarantineList", { path: "quarantine?pageSize=abc", headers: officer })).status).toBe(400);
  });

  test("performance and crosswalks: the KPI register, assessments, the notice as JSON, CSV and HTML, failures, crosswalk reports; refused with 400, 404 and 412", async () => {
    await invoke(app.deps, "contractsCreate", { body: exampleContract({ id: "C-3001" }), headers: officer });
    const params = { id: "C-3001" };
    expect((await call("kpisGet", { path: "contracts/C-3001/kpis", params, headers: officer })).status).toBe(200);
    const kpis = [1, 2, 3].map((n) => ({ id: `KPI-${n}`, name: `KPI ${n}`, target: "t", material: true, ...(n === 1 ? { measureCodes: ["J1"], targetValue: 100_000 } : {}) }));
    const put = await call("kpisPut", { method: "PUT", path: "contracts/C-3001/kpis", params, body: { kpis }, headers: officer });
    expect(put.status).toBe(200);
    expect((await call("kpisPut", { method: "PUT", path: "contracts/C-3001/kpis", params, body: { kpis }, headers: { ...officer, "if-match": 'W/"stale"' } })).status).toBe(412);
    expect((await call("kpisPut", { method: "PUT", path: "contracts/C-3001/kpis", params, body: { kpis: [{ id: "" }] }, headers: officer })).status).toBe(400);
    expect((await call("kpisGet", { path: "contracts/C-4040/kpis", params: { id: "C-4040" }, headers: officer })).status).toBe(404);
    const ratings = kpis.map((k) => ({ kpiId: k.id, rating: "good" }));
    const assessment = await call("assessmentsCreate", { path: "contracts/C-3001/assessments", params, body: { periodStart: "2026-04-01", periodEnd: "2027-03-31", ratings }, headers: officer });
    expect(assessment.status).toBe(201);
    expect((await call("assessmentsCreate", { path: "contracts/C-3001/assessments", params, body: { periodStart: "2026-04-01", periodEnd: "2027-03-31", ratings: [] }, headers: officer })).status).toBe(400);
    expect((await call("assessmentsList", { path: "contracts/C-3001/assessments", params, headers: officer })).status).toBe(200);
    const notice = { id: "C-3001", assessmentId: assessment.body.id as string };
    for (const format of ["", "?format=json", "?format=csv", "?format=html"]) {
      expect((await call("performanceNoticeGet", { path: `contracts/C-3001/performance-notices/${notice.assessmentId}${format}`, params: notice, headers: officer })).status).toBe(200);
    }
    expect((await call("performanceNoticeGet", { path: `contracts/C-3001/performance-notices/${notice.assessmentId}?format=pdf`, params: notice, headers: officer })).status).toBe(400);
    expect((await call("performanceNoticeGet", { path: "contracts/C-3001/performance-notices/PA-00000000", params: { ...notice, assessmentId: "PA-00000000" }, headers: officer })).status).toBe(404);
    const failure = await call("performanceFailuresCreate", { path: "contracts/C-3001/performance-failures", params, body: { kind: "breach", decisionDate: "2026-11-20", description: "Missed starts", penalty: { type: "contracted", value: 2500 } }, headers: officer });
    expect(failure.status).toBe(201);
    expect((await call("performanceFailuresCreate", { path: "contracts/C-3001/performance-failures", params, body: { kind: "late" }, headers: officer })).status).toBe(400);
    expect((await call("performanceFailuresList", { path: "contracts/C-3001/performance-failures", params, headers: officer })).status).toBe(200);
    const published = { id: "C-3001", failureId: failure.body.id as string };
    expect((await call("performanceFailurePublished", { path: `contracts/C-3001/performance-failures/${published.failureId}/published`, params: published, body: { publishedOn: "2026-11-25" }, headers: officer })).status).toBe(200);
    const crosswalk = { name: "Example to local codes", mappings: [{ fromPack: "example", fromCode: "J1", toPack: "svm-local", toCode: "EMP-1" }] };
    expect((await call("crosswalksPut", { method: "PUT", path: "crosswalks/example-local", params: { id: "example-local" }, body: crosswalk, headers: officer })).status).toBe(200);
    expect((await call("crosswalksPut", { method: "PUT", path: "crosswalks/example-local", params: { id: "example-local" }, body: { name: "" }, headers: officer })).status).toBe(400);
    expect((await call("crosswalksList", { headers: officer })).status).toBe(200);
    expect((await call("contractReport", { path: "contracts/C-3001/report?crosswalk=example-local", params, headers: officer })).status).toBe(200);
    expect((await call("contractReport", { path: "contracts/C-3001/report?crosswalk=none", params, headers: officer })).status).toBe(404);
    expect((await call("contractReport", { path: "contracts/C-3001/report", params, headers: officer })).status).toBe(400);
    expect((await call("performanceFailurePublished", { path: "contracts/C-3001/performance-failures/PF-0/published", params: { ...published, failureId: "PF-0" }, body: { publishedOn: "2026-11-25" }, headers: officer })).status).toBe(404);
  });

  test("warnings: a flagged contribution listed, accepted only when confirmed, cleared with a reason; 400, 404, 409, 412, 428", async () => {
    const secret = { "x-ingest-secret": INGEST_SECRET };
    const answers = { supplier: "Described Twice Ltd", measureCode: "S1", quantity: 12, evidence: [{ name: "rota.pdf", link: "https://described.example/rota.pdf" }] };
    expect((await call("formsResponses", { body: submission({ answers }), headers: secret })).status).toBe(201);
    const again = await call("formsResponses", { body: submission({ answers }), headers: secret });
    const id = again.body.id as string;
    const listed = await call("contributionsList", { path: "contributions?needsLook=true", headers: officer });
    expect(listed.body.items.map((c: { id: string }) => c.id)).toContain(id);
    expect((await call("contributionsList", { path: "contributions?needsLook=perhaps", headers: officer })).status).toBe(400);
    const etagOf = async () => (await invoke(app.deps, "contributionsGet", { path: `contributions/${id}`, params: { id }, headers: officer })).headers.get("etag") ?? "";
    const unconfirmed = await call("contributionsReview", { path: `contributions/${id}/review`, params: { id }, body: { decision: "accept" }, headers: { ...officer, "if-match": await etagOf() } });
    expect(unconfirmed.status).toBe(409);
    expect(unconfirmed.body.error.code).toBe("warnings-unconfirmed");
    const clear = (target: string, body: unknown, headers: Record<string, string>) =>
      call("contributionsClearWarnings", { path: `contributions/${target}/warnings/clear`, params: { id: target }, body, headers: { ...officer, ...headers } });
    expect((await clear(id, { reason: "Checked" }, {})).status).toBe(428);
    expect((await clear(id, { reason: "" }, { "if-match": await etagOf() })).status).toBe(400);
    expect((await clear(id, { reason: "Checked" }, { "if-match": 'W/"stale"' })).status).toBe(412);
    expect((await clear("SV-ZZZZZZZZ", { reason: "Checked" }, { "if-match": 'W/"x"' })).status).toBe(404);
    const cleared = await clear(id, { reason: "Two rotas, two sites" }, { "if-match": await etagOf() });
    expect(cleared.status).toBe(200);
    expect((await clear(id, { reason: "Checked" }, { "if-match": cleared.headers.get("etag") ?? "" })).status).toBe(409);
  });

  test("packs, values, the chase ledger and health", async () => {
    expect((await call("packsList", { headers: officer })).status).toBe(200);
    expect((await call("packsGet", { path: "packs/example", params: { id: "example" }, headers: officer })).status).toBe(200);
    expect((await call("packsGet", { path: "packs/no-such-pack", params: { id: "no-such-pack" }, headers: officer })).status).toBe(404);
    const example = (await invoke(app.deps, "packsGet", { path: "packs/example", params: { id: "example" }, headers: officer })).body as { id: string };
    expect((await call("packsCreate", { body: example, headers: officer })).status).toBe(409);
    expect((await call("valuesBatch", { body: { queries: [{ kind: "delivered", contract: "C-1001" }] }, headers: officer })).status).toBe(200);
    expect((await call("chaseLedger", { path: "chase/ledger", headers: officer })).status).toBe(200);
    expect((await call("chaseLedger", { path: "chase/ledger?pageSize=-1", headers: officer })).status).toBe(400);
    expect((await call("health")).status).toBe(200);
    expect((await call("openapi")).status).toBe(200);
  });

  test("the portfolio: every grouping, a window, a refused query", async () => {
    const manager = { authorization: `Bearer ${await app.token({ roles: ["Manager"] })}` };
    for (const groupBy of ["contract", "supplier", "service", "theme", "year"]) {
      const view = await call("portfolio", { path: `portfolio?groupBy=${groupBy}&from=2026-04-01&to=2027-03-31`, headers: manager });
      expect(view.status).toBe(200);
      expect(view.body.rows.length).toBeGreaterThan(0);
    }
    expect((await call("portfolio", { path: "portfolio?groupBy=person", headers: manager })).status).toBe(400);
  });
});
