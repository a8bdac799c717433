import { ContractRefSchema, parseSubmission, quarantineReason, readSender } from "../../shared";

describe("readSender", () => {
  const body = (over: Record<string, unknown> = {}, answers: Record<string, unknown> = {}) =>
    JSON.stringify({ formId: "f", responseId: 1, responder: "jo@acme.example", answers: { contractRef: " c-1001 ", supplier: "Acme Build Ltd", ...answers }, ...over });

  it("reads the supplier, the responder and the contract reference, normalised as the ledger keeps them", () => {
    expect(readSender(body())).toEqual({ supplier: "Acme Build Ltd", responder: "jo@acme.example", contractRef: ContractRefSchema.parse(" c-1001 ") });
  });

  it("keeps a contract reference the ledger would refuse as written, so the officer sees what the supplier typed", () => {
    expect(readSender(body({}, { contractRef: "our ref: new depot!" })).contractRef).toBe("our ref: new depot!");
  });

  it("gives nothing for a body that is not JSON, not an object, or lacks the fields", () => {
    expect(readSender("{not json")).toEqual({});
    expect(readSender("[1,2]")).toEqual({});
    expect(readSender("null")).toEqual({});
    expect(readSender(JSON.stringify({ answers: "x" }))).toEqual({});
  });

  it("names no responder for an anonymous form and ignores answers that are not text", () => {
    expect(readSender(body({ responder: "anonymous" }, { supplier: 42, contractRef: "  " }))).toEqual({});
  });

  it("shortens what it shows so a huge field cannot flood the pane", () => {
    expect(readSender(body({}, { supplier: "A".repeat(5000) })).supplier).toHaveLength(200);
  });
});

describe("quarantineReason", () => {
  it("says each refused answer as a sentence the supplier can act on", () => {
    const result = parseSubmission({
      formId: "f",
      responseId: 3,
      submittedAt: "2026-11-20T10:00:00Z",
      responder: "jo@acme.example",
      answers: { contractRef: "C-1001", supplier: "Acme", quantity: "lots", periodStart: "2026-13-01", periodEnd: "2026-09-30" },
    });
    expect(result.ok).toBe(false);
    const reasons = result.ok ? [] : result.problems.map(quarantineReason);
    expect(reasons).toEqual(
      expect.arrayContaining([
        { sentence: "The measure is required.", fixedBy: "supplier" },
        { sentence: expect.stringMatching(/^The quantity: "lots" is not a number.*\.$/), fixedBy: "supplier" },
      ]),
    );
    expect(reasons.every((r) => /^[A-Z].*[.!?]$/.test(r.sentence))).toBe(true);
  });

  it("tells the flow's own fields apart from the supplier's answers", () => {
    expect(quarantineReason({ path: ["submittedAt"], message: "is required" })).toEqual({ sentence: "The time the form was submitted is required.", fixedBy: "flow" });
    expect(quarantineReason({ path: [], message: "the body is not JSON" })).toEqual({ sentence: "The body is not JSON.", fixedBy: "flow" });
    expect(quarantineReason({ path: ["answers", "colour"], message: "unknown answer" })).toEqual({ sentence: "The answers: unknown answer.", fixedBy: "flow" });
  });
});
