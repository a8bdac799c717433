import { exampleContract, invoke, testApp } from "../../support/harness";
import type { TestApp } from "../../support/harness";

jest.setTimeout(30_000);

/* Crosswalks through the handlers: stored, listed, and a contract's accepted delivery reported in other codes. Codes are made up. */

let app: TestApp;
let officer: Record<string, string>;

beforeAll(async () => {
  app = await testApp();
  officer = { authorization: `Bearer ${await app.token()}` };
});

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
      body: { contractRef: "C-6001", supplier: "Acme Build", measureCode, quantity, periodStart: "2026-06-01", periodEnd: "2026-06-30", evidence: [{ name: "e.pdf", link: "https://acme.example/e.pdf" }] },
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
