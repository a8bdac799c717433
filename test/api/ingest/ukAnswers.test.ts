import { exampleContract, INGEST_SECRET, invoke, submission, testApp } from "../../support/harness";
import type { TestApp } from "../../support/harness";

jest.setTimeout(30_000);

/** POST /api/forms/responses with answers typed the way UK suppliers type them (shared/answers.ts, docs/ANSWERS.md). */

const secret = { "x-ingest-secret": INGEST_SECRET };
let app: TestApp;
let officer: Record<string, string>;

const post = (answers: Record<string, unknown>) => invoke(app.deps, "formsResponses", { body: submission({ answers }), headers: secret });
const get = (id: string) => invoke(app.deps, "contributionsGet", { path: `contributions/${id}`, params: { id }, headers: officer });
const quarantinedIds = async () => ((await invoke(app.deps, "quarantineList", { path: "quarantine", headers: officer })).body.items as { id: string }[]).map((q) => q.id);

beforeAll(async () => {
  app = await testApp();
  officer = { authorization: `Bearer ${await app.token()}` };
  expect((await invoke(app.deps, "contractsCreate", { body: exampleContract(), headers: officer })).status).toBe(201);
});

describe("accepted and stored normalised", () => {
  it("a reference in lower case with spaces, a choice answer, day-first dates and a quantity with its unit", async () => {
    const res = await post({ contractRef: " c-1001 ", measureCode: "J1 – Local people (FTE) employed on the contract", quantity: "2.5 FTE", periodStart: "01/07/2026", periodEnd: "30 Sept 2026" });
    expect(res.status).toBe(201);
    expect(res.body.contractId).toBe("C-1001");
    expect((await get(res.body.id)).body).toMatchObject({ contractId: "C-1001", measureCode: "J1", quantity: 2.5, value: 62_500, periodStart: "2026-07-01", periodEnd: "2026-09-30" });
  });

  it.each([
    ["d/m/yy", { periodStart: "1/7/26", periodEnd: "30/9/26" }],
    ["dates in words", { periodStart: "1 July 2026", periodEnd: "30 September 2026" }],
    ["short month names", { periodStart: "1 Jul 2026", periodEnd: "30 Sep 2026" }],
    ["ISO", { periodStart: "2026-07-01", periodEnd: "2026-09-30" }],
  ])("%s", async (_what, dates) => {
    const res = await post({ ...dates, measureCode: "J3", quantity: "52 weeks" });
    expect(res.status).toBe(201);
    expect((await get(res.body.id)).body).toMatchObject({ periodStart: "2026-07-01", periodEnd: "2026-09-30", quantity: 52, value: 52 * 240 });
  });

  it("money as £1,250.00, 1,250 and 1250.5, valued to the penny", async () => {
    // G1 is £0.18 per £ spent with local SMEs.
    for (const [typed, quantity, value] of [
      ["£1,250.00", 1250, 225],
      ["1,250", 1250, 225],
      ["1250.5", 1250.5, 225.09],
      ["£35,682.22", 35682.22, 6422.8], // £6,422.7996, to the penny
      ["£1.25", 1.25, 0.23], // 22.5p: half a penny rounds away from zero (floating point makes it 0.22499999999999998)
    ] as const) {
      const res = await post({ measureCode: "G1", quantity: typed });
      expect(res.status).toBe(201);
      expect((await get(res.body.id)).body).toMatchObject({ quantity, value });
    }
  });

  it("a face-value amount to the penny, and an audit line written with the one £ formatter", async () => {
    const res = await post({ measureCode: "S2", quantity: "£1,005.005" });
    expect(res.status).toBe(201);
    const stored = (await get(res.body.id)).body;
    expect(stored.value).toBe(1005.01);
    expect(stored.audit[0].detail).toMatch(/valued at £1,005\.01 with example/);
  });

  it("a qualitative measure with a description and no quantity", async () => {
    const res = await post({ measureCode: "S4", quantity: "", description: "Case study: our mental health first aiders and the campaign on site" });
    expect(res.status).toBe(201);
    expect((await get(res.body.id)).body).toMatchObject({ measureCode: "S4", quantity: 0, value: null });
  });
});

describe("refused with the field and what to write, and quarantined", () => {
  it.each([
    ["£1.2k", { measureCode: "G1", quantity: "£1.2k" }, ["answers", "quantity"], '"1.2k" is shorthand; write the amount in full, e.g. £1,200'],
    ["an impossible date", { periodEnd: "31/09/2026" }, ["answers", "periodEnd"], '"31/09/2026" is not a date: September 2026 has 30 days'],
    ["a US-style date", { periodEnd: "09/30/2026" }, ["answers", "periodEnd"], '"09/30/2026" has no month 30; dates are read day first (dd/mm/yyyy): did you mean 30/09/2026?'],
    ["hours for a measure counted in weeks", { measureCode: "J3", quantity: "120 hours" }, ["answers", "quantity"], 'measure J3 is counted in weeks, not "hours"; write the quantity in weeks, e.g. 2.5 or 2.5 weeks'],
    ["£ for a measure counted in FTE", { measureCode: "J1", quantity: "£25,000" }, ["answers", "quantity"], 'measure J1 is counted in FTE, not "£"; write the quantity in FTE, e.g. 2.5 or 2.5 FTE'],
    [
      "a qualitative measure without a description",
      { measureCode: "S4", quantity: "1", description: "" },
      ["answers", "description"],
      "measure S4 is qualitative: describe what you delivered (mental health campaign for staff described in a case study); no quantity is needed",
    ],
    ["no quantity for a measure that counts", { measureCode: "J1", quantity: "" }, ["answers", "quantity"], "is required: measure J1 is counted in FTE; write how many, e.g. 2.5 or 2.5 FTE"],
    [
      "a choice answer whose code is not in the pack",
      { measureCode: "NT99 – Something else" },
      ["answers", "measureCode"],
      'measure "NT99 – Something else" is not in example 2026-illustrative, the framework pack of contract C-1001; write its code as on your contract, e.g. J1',
    ],
  ])("%s", async (_what, answers, path, message) => {
    const res = await post(answers);
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ path, message }]);
    expect(await quarantinedIds()).toContain(res.headers.get("x-quarantine-id"));
  });
});
