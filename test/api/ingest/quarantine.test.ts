import { pageOf, QuarantineItemSchema, QuarantineResolvedSchema } from "../../../shared";
import { exampleContract, INGEST_SECRET, invoke, submission, testApp } from "../../support/harness";
import type { TestApp } from "../../support/harness";

jest.setTimeout(30_000);

/** POST /api/quarantine/{id}/resolve: an officer marks a refused submission dealt with; it is kept, with who and when. */

let app: TestApp;
let officer: Record<string, string>;
let quarantineId: string;

const list = async () => pageOf(QuarantineItemSchema).parse((await invoke(app.deps, "quarantineList", { path: "quarantine", headers: officer })).body).items;
const kept = async () => (await list()).find((item) => item.id === quarantineId);
const resolve = (id: string, body: unknown, headers = officer) => invoke(app.deps, "quarantineResolve", { path: `quarantine/${encodeURIComponent(id)}/resolve`, params: { id }, body, headers });

beforeAll(async () => {
  app = await testApp();
  officer = { authorization: `Bearer ${await app.token({ email: "sam.patel@council.example" })}` };
  expect((await invoke(app.deps, "contractsCreate", { body: exampleContract(), headers: officer })).status).toBe(201);
  const refused = await invoke(app.deps, "formsResponses", { body: submission({ answers: { quantity: "2,5" } }), headers: { "x-ingest-secret": INGEST_SECRET } });
  expect(refused.status).toBe(400);
  quarantineId = refused.headers.get("x-quarantine-id") ?? "";
});

describe("marking a quarantined submission dealt with", () => {
  it("is open until an officer marks it", async () => {
    const item = await kept();
    expect(item).toBeDefined();
    expect(item?.resolved).toBeUndefined();
  });

  it("says who sent it and for which contract, read from the raw body", async () => {
    const item = await kept();
    expect(item).toMatchObject({ supplier: "Acme Build Ltd", responder: "jo@acme.example", contractRef: "C-1001" });
  });

  it("names no sender when the body cannot be read", async () => {
    const refused = await invoke(app.deps, "formsResponses", { body: "{not json", headers: { "x-ingest-secret": INGEST_SECRET } });
    expect(refused.status).toBe(400);
    const item = (await list()).find((i) => i.id === refused.headers.get("x-quarantine-id"));
    expect(item).toBeDefined();
    expect(item?.supplier).toBeUndefined();
    expect(item?.responder).toBeUndefined();
    expect(item?.contractRef).toBeUndefined();
  });

  it("is for officers only", async () => {
    const manager = { authorization: `Bearer ${await app.token({ roles: ["Manager"] })}` };
    expect((await resolve(quarantineId, {}, manager)).status).toBe(403);
  });

  it("refuses a note that is not text, naming the field", async () => {
    const answer = await resolve(quarantineId, { note: 42 });
    expect(answer.status).toBe(400);
    expect(answer.body.error.details.map((d: { path: unknown[] }) => d.path)).toEqual([["note"]]);
  });

  it("keeps the submission, with who marked it, when, and the note; GET /api/quarantine shows it", async () => {
    app.clock.set("2026-11-26T14:05:00Z");
    const answer = await resolve(quarantineId, { note: "  Asked Jo to send it again with 2.5  " });
    expect(answer.status).toBe(200);
    const resolved = { by: "sam.patel@council.example", at: "2026-11-26T14:05:00.000Z", note: "Asked Jo to send it again with 2.5" };
    expect(QuarantineResolvedSchema.parse(answer.body)).toEqual({ id: quarantineId, resolved });
    const item = await kept();
    expect(item).toMatchObject({ id: quarantineId, resolved });
    expect(JSON.parse(item?.raw ?? "{}")).toMatchObject({ answers: { quantity: "2,5" } });
  });

  it("keeps the first mark: a second is 409 naming who marked it", async () => {
    const again = await resolve(quarantineId, {});
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: "already-resolved", message: expect.stringContaining("sam.patel@council.example") });
    expect((await kept())?.resolved?.note).toBe("Asked Jo to send it again with 2.5");
  });

  it("is 404 for a submission that is not in quarantine, and 400 for something that is not an id", async () => {
    expect((await resolve("2026-11-26T14:05:00.000Z|00000000-0000-4000-8000-000000000000", {})).status).toBe(404);
    const bad = await resolve("not-an-id", {});
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toEqual(["id"]);
  });
});
