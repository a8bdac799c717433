import { fromChunks, toChunks } from "../../api/src/store/chunks";
import { boundedKeyPart, fromKeyPart, keyPart } from "../../api/src/store/keys";
import { formReference, randomReference } from "../../api/src/ingest/references";
import { CONTRIBUTION_REF } from "../../shared";
import { exampleContract, INGEST_SECRET, invoke, submission, testApp } from "../support/harness";

jest.setTimeout(30_000);

describe("keys", () => {
  it.each(["Acme Build Ltd", "2026/27 v1", "' or PartitionKey ne '", "a#b?c\\d|e~f", "Ünïcödé £ 😀", "\u0001control"])("escapes %j into a legal, reversible key", (text) => {
    const key = keyPart(text);
    expect([...key].every((ch) => /[A-Za-z0-9 ._@~-]/.test(ch))).toBe(true);
    expect(fromKeyPart(key)).toBe(text);
  });

  it("bounds long free text in a key, keeping texts that differ only at the end apart", () => {
    expect(boundedKeyPart("Acme Build Ltd")).toBe(keyPart("Acme Build Ltd"));
    const a = boundedKeyPart(`${"供".repeat(199)}甲`);
    const b = boundedKeyPart(`${"供".repeat(199)}乙`);
    expect(a.length).toBeLessThanOrEqual(400);
    expect(a).not.toBe(b);
    expect([...a].every((ch) => /[A-Za-z0-9 ._@~-]/.test(ch))).toBe(true);
    // A cut key ends in "~~" and a digest, which no uncut key can hold ("~" is always followed by two hex digits).
    expect(a).toMatch(/~~[0-9a-f]{32}$/);
  });

  it("contribution references look like SV-XXXXXXXX and repeat for the same form response", () => {
    expect(formReference("form", "7", 0)).toMatch(CONTRIBUTION_REF);
    expect(formReference("form", "7", 0)).toBe(formReference("form", "7", 0));
    expect(formReference("form", "7", 1)).not.toBe(formReference("form", "7", 0));
    expect(formReference("form", "8", 0)).not.toBe(formReference("form", "7", 0));
    expect(randomReference()).toMatch(CONTRIBUTION_REF);
  });
});

describe("long text across properties", () => {
  it("round-trips text longer than one property holds", () => {
    const text = "é".repeat(95_001);
    const chunks = toChunks("raw", text);
    expect(Object.keys(chunks)).toEqual(["raw", "raw_1", "raw_2", "raw_3"]);
    for (const part of Object.values(chunks)) expect(part.length).toBeLessThanOrEqual(30_000);
    expect(fromChunks(chunks, "raw")).toBe(text);
    expect(fromChunks(toChunks("raw", ""), "raw")).toBe("");
  });

  it("a 250 KiB refused submission is kept whole in quarantine", async () => {
    const app = await testApp();
    const officer = { authorization: `Bearer ${await app.token()}` };
    await invoke(app.deps, "contractsCreate", { body: exampleContract(), headers: officer });
    const body = JSON.stringify(submission({ answers: { description: "d".repeat(250 * 1024) } }));
    const res = await invoke(app.deps, "formsResponses", { body, headers: { "x-ingest-secret": INGEST_SECRET } });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].path).toEqual(["answers", "description"]);
    const listed = await invoke(app.deps, "quarantineList", { path: "quarantine", headers: officer });
    expect(listed.body.items[0].raw).toBe(body);
  });

  it("a contribution with 50 long evidence links is stored and read back whole", async () => {
    const app = await testApp();
    const officer = { authorization: `Bearer ${await app.token()}` };
    await invoke(app.deps, "contractsCreate", { body: exampleContract(), headers: officer });
    const evidence = Array.from({ length: 50 }, (_, i) => ({ name: `file ${i}.pdf`, link: `https://contoso.sharepoint.com/${"p".repeat(1500)}/${i}.pdf` }));
    const res = await invoke(app.deps, "formsResponses", { body: submission({ answers: { evidence } }), headers: { "x-ingest-secret": INGEST_SECRET } });
    expect(res.status).toBe(201);
    const got = await invoke(app.deps, "contributionsGet", { path: `contributions/${res.body.id}`, params: { id: res.body.id }, headers: officer });
    expect(got.body.evidence).toEqual(evidence);
  });
});
