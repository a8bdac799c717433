import fc from "fast-check";
import { CommitmentsSchema, ContractInputSchema, parseSubmission, parseSubmittedAt, QuantitySchema, SubmissionInput } from "../../shared";

const canonical: SubmissionInput = {
  formId: "form-1",
  responseId: 123,
  submittedAt: "2026-11-20T10:15:00Z",
  responder: "jo@supplier.example",
  answers: {
    contractRef: "C-1001",
    supplier: "Acme Build Ltd",
    measureCode: "NT1",
    quantity: 2.5,
    periodStart: "2026-07-01",
    periodEnd: "2026-09-30",
    description: "Two local apprentices...",
    evidence: [{ name: "payroll.pdf", link: "https://example.org/payroll.pdf" }],
  },
};

const withAnswers = (answers: Record<string, unknown>): Record<string, unknown> => ({ ...canonical, answers: { ...canonical.answers, ...answers } });

function problemPaths(input: unknown): string[] {
  const result = parseSubmission(input);
  if (result.ok) throw new Error("expected problems");
  return result.problems.map((p) => p.path.join("."));
}

describe("Forms submissions", () => {
  it("accepts the canonical body of docs/API-CONTRACT.md", () => {
    const result = parseSubmission(canonical);
    expect(result).toMatchObject({
      ok: true,
      submission: { kind: "contribution", responseId: "123", submittedAt: "2026-11-20T10:15:00.000Z", report: { quantity: { amount: 2.5, unit: null }, measureCode: "NT1" } },
    });
  });

  it("accepts what the Forms connector sends: strings everywhere, Forms' date, a file-upload JSON string, blanks as \"\"", () => {
    const fileUpload = JSON.stringify([{ name: "payroll.pdf", link: "https://contoso.sharepoint.com/x.pdf", id: "01ABC", type: null, size: 1, status: 1 }]);
    const result = parseSubmission({ ...withAnswers({ quantity: "2.5", evidence: fileUpload, description: "", evidenceFor: "" }), submittedAt: "11/20/2026 10:15:00 AM" });
    expect(result).toMatchObject({
      ok: true,
      submission: { kind: "contribution", submittedAt: "2026-11-20T10:15:00.000Z", report: { quantity: { amount: 2.5, unit: null }, evidence: [{ name: "payroll.pdf", link: "https://contoso.sharepoint.com/x.pdf" }] } },
    });
  });

  it('refuses "2,5" with the reason', () => {
    const result = parseSubmission(withAnswers({ quantity: "2,5" }));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]).toMatchObject({ path: ["answers", "quantity"], message: expect.stringMatching(/^"2,5" uses a comma for the decimal point; write 2\.5 /) });
  });

  it('reads "1,250" as UK suppliers mean it: one thousand two hundred and fifty', () => {
    expect(QuantitySchema.parse("1,250")).toEqual({ amount: 1250, unit: null });
  });

  it("lists every problem with its field path", () => {
    const input = { ...withAnswers({ quantity: "lots", periodStart: "2026-13-01", measureCode: "" }), submittedAt: "yesterday", extra: 1 };
    expect(problemPaths(input)).toEqual(expect.arrayContaining(["submittedAt", ""]));
    expect(problemPaths({ ...withAnswers({ quantity: "lots", periodStart: "2026-13-01", measureCode: "" }) })).toEqual(
      expect.arrayContaining(["answers.quantity", "answers.periodStart", "answers.measureCode"]),
    );
  });

  it("refuses a period that ends before it starts, and unknown answers", () => {
    expect(problemPaths(withAnswers({ periodStart: "2026-10-01", periodEnd: "2026-09-30" }))).toEqual(["answers.periodEnd"]);
    expect(problemPaths(withAnswers({ favouriteColour: "blue" }))).toEqual(["answers"]);
  });

  it("recognises evidence sent later for an earlier contribution", () => {
    const result = parseSubmission({ ...canonical, answers: { evidenceFor: "sv-7k3q9m2d", evidence: canonical.answers.evidence, quantity: "" } });
    expect(result).toMatchObject({ ok: true, submission: { kind: "evidence", evidenceFor: "SV-7K3Q9M2D" } });
    expect(problemPaths({ ...canonical, answers: { evidenceFor: "SV-7K3Q9M2D", evidence: [] } })).toEqual(["answers.evidence"]);
    expect(problemPaths({ ...canonical, answers: { evidenceFor: "SV-7K3Q9M2D", evidence: canonical.answers.evidence, quantity: 3 } })).toEqual(["answers.quantity"]);
    expect(problemPaths({ ...canonical, answers: { evidenceFor: "12345", evidence: canonical.answers.evidence } })).toEqual(["answers.evidenceFor"]);
  });

  it("parses Forms' submitDate strictly", () => {
    expect(parseSubmittedAt("8/27/2024 12:34:21 PM")).toBe("2024-08-27T12:34:21.000Z");
    expect(parseSubmittedAt("8/27/2024 12:34:21 AM")).toBe("2024-08-27T00:34:21.000Z");
    expect(parseSubmittedAt("2/30/2024 1:00:00 PM")).toBeUndefined();
    expect(parseSubmittedAt("2026-11-20T10:15:00+01:00")).toBe("2026-11-20T09:15:00.000Z");
    expect(parseSubmittedAt("2026-11-20")).toBeUndefined();
    // Date.parse alone would read these as 2 March and 1 May.
    expect(parseSubmittedAt("2026-02-30T10:00:00Z")).toBeUndefined();
    expect(parseSubmittedAt("2026-04-31T10:00:00+01:00")).toBeUndefined();
  });

  it("never throws, whatever arrives (property)", () => {
    fc.assert(
      fc.property(fc.anything(), (input) => {
        const result = parseSubmission(input);
        return result.ok || result.problems.every((p) => p.message.length > 0);
      }),
    );
    fc.assert(fc.property(fc.dictionary(fc.constantFrom("contractRef", "quantity", "periodStart", "evidence", "evidenceFor", "x"), fc.oneof(fc.string(), fc.double(), fc.json())), (answers) => {
      const result = parseSubmission({ ...canonical, answers });
      return result.ok || result.problems.length > 0;
    }));
  });
});

describe("contracts and commitments", () => {
  const contract = {
    id: "C-1001",
    title: "Highways maintenance",
    buyer: "Example Borough Council",
    packId: "example",
    packEdition: "2026-illustrative",
    value: 12_000_000,
    startDate: "2026-04-01",
    endDate: "2029-03-31",
    contractManager: { name: "Sam Patel", email: "Sam.Patel@Council.example", lineManager: { name: "Alex Jones", email: "alex.jones@council.example" } },
  };
  it("fills in the default reminder policy and normalises emails", () => {
    const parsed = ContractInputSchema.parse(contract);
    expect(parsed.reminderPolicy).toEqual({ evidenceGraceDays: 30, remindEveryDays: 7, escalateAfterReminders: 2, lineManagerAfterReminders: 4 });
    expect(parsed.contractManager.email).toBe("sam.patel@council.example");
  });
  it("refuses a contract that ends before it starts, and a reference with a slash", () => {
    const result = ContractInputSchema.safeParse({ ...contract, id: "C/1001", endDate: "2026-01-01" });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join("."))).toEqual(expect.arrayContaining(["id", "endDate"]));
  });
  it("refuses the same measure committed twice by one supplier", () => {
    const result = CommitmentsSchema.safeParse({ commitments: [{ measureCode: "J1", quantity: 1 }, { measureCode: "j1", quantity: 2 }] });
    expect(result.error?.issues[0]?.path).toEqual(["commitments", 1, "measureCode"]);
  });
  it("matches suppliers as supplierKey does, so extra spaces do not make a second commitment", () => {
    const twice = CommitmentsSchema.safeParse({ commitments: [{ measureCode: "J1", quantity: 1, supplier: "Acme  Build" }, { measureCode: "J1", quantity: 2, supplier: "acme build" }] });
    expect(twice.error?.issues.map((i) => i.message)).toEqual(["J1 is committed twice for acme build"]);
    const twoSuppliers = CommitmentsSchema.safeParse({ commitments: [{ measureCode: "J1", quantity: 1, supplier: "Acme" }, { measureCode: "J1", quantity: 2, supplier: "Bolt" }] });
    expect(twoSuppliers.success).toBe(true);
  });
});
