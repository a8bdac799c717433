import { exampleContract, INGEST_SECRET, invoke, submission, testApp } from "../../support/harness";
import type { TestApp } from "../../support/harness";

jest.setTimeout(30_000);

/** AGGREGATE_ONLY=true: descriptions and responders reach the contract's own officers only. */

let app: TestApp;
let own: Record<string, string>;
let other: Record<string, string>;
let manager: Record<string, string>;
let id: string;

beforeAll(async () => {
  app = await testApp({ env: { AGGREGATE_ONLY: "true" } });
  own = { authorization: `Bearer ${await app.token({ email: "sam.patel@council.example" })}` };
  other = { authorization: `Bearer ${await app.token({ email: "priya.shah@council.example" })}` };
  manager = { authorization: `Bearer ${await app.token({ roles: ["Manager"], email: "head.of.procurement@council.example" })}` };
  expect((await invoke(app.deps, "contractsCreate", { body: exampleContract(), headers: own })).status).toBe(201);
  const created = await invoke(app.deps, "formsResponses", { body: submission({ answers: { description: "Apprentice Jamie Reid, 26 weeks" } }), headers: { "x-ingest-secret": INGEST_SECRET } });
  id = created.body.id;
  const evidence = submission({ responseId: "ev-agg", answers: { contractRef: "", supplier: "", measureCode: "", quantity: "", periodStart: "", periodEnd: "", description: "Jamie's timesheets", evidenceFor: id, evidence: [{ name: "t.pdf", link: "https://acme.example/t.pdf" }] } });
  expect((await invoke(app.deps, "formsResponses", { body: evidence, headers: { "x-ingest-secret": INGEST_SECRET } })).status).toBe(201);
});

const one = (headers: Record<string, string>) => invoke(app.deps, "contributionsGet", { path: `contributions/${id}`, params: { id }, headers });
const list = (headers: Record<string, string>) => invoke(app.deps, "contributionsList", { path: "contributions?contractId=C-1001", headers });

test("the contract's own officer sees the description, the responder and the whole trail", async () => {
  const seen = (await one(own)).body;
  expect(seen).toMatchObject({ description: "Apprentice Jamie Reid, 26 weeks", responder: "jo@acme.example" });
  expect(JSON.stringify(seen.audit)).toContain("Jamie's timesheets");
  expect((await list(own)).body.items[0]).toMatchObject({ responder: "jo@acme.example" });
});

test("other officers and managers see the figures without people or free text", async () => {
  for (const headers of [other, manager]) {
    const seen = await one(headers);
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({ id, description: "", responder: "", quantity: 52, evidenceStatus: "submitted" });
    expect(JSON.stringify(seen.body)).not.toMatch(/Jamie|jo@acme/);
    expect(seen.body.audit.map((a: { actor: string }) => a.actor)).toEqual(["the supplier", "the supplier"]);
    const listed = (await list(headers)).body.items;
    expect(listed).toHaveLength(1);
    expect(JSON.stringify(listed)).not.toMatch(/Jamie|jo@acme/);
  }
});

test("without the setting everyone who may read contributions sees them whole", async () => {
  const open = await testApp();
  const headers = { authorization: `Bearer ${await open.token({ email: "priya.shah@council.example" })}` };
  expect((await invoke(open.deps, "contractsCreate", { body: exampleContract(), headers })).status).toBe(201);
  const created = await invoke(open.deps, "formsResponses", { body: submission(), headers: { "x-ingest-secret": INGEST_SECRET } });
  const seen = await invoke(open.deps, "contributionsGet", { path: `contributions/${created.body.id}`, params: { id: created.body.id }, headers });
  expect(seen.body.responder).toBe("jo@acme.example");
  expect(open.deps.settings.portfolio.aggregateOnly).toBe(false);
});
