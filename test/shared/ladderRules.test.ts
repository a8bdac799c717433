import { digestKey, dueSteps, escalateUnreachable, groupByRecipient, stepWindowStart, weekdayOf } from "../../shared";
import type { ChaseItem } from "../../shared";

/** The pure additions to the ladder (shared/chase.ts) the chase run relies on. */

const contract: ChaseItem["contract"] = {
  id: "C-1001",
  title: "Highways maintenance",
  buyer: "Example Borough Council",
  contractManager: { name: "Sam Patel", email: "Sam@Council.example", lineManager: { name: "Alex Jones", email: "alex@council.example" } },
  escalationContacts: [{ name: "Contracts Team", email: "contracts@council.example" }],
  reminderPolicy: { evidenceGraceDays: 30, remindEveryDays: 7, escalateAfterReminders: 2, lineManagerAfterReminders: 4 },
};
const item = (id: string, dueDate = "2026-10-30"): ChaseItem => ({
  contract,
  contribution: {
    id,
    contractId: "C-1001",
    supplier: "Acme Build Ltd",
    responder: "jo@acme.example",
    measureCode: "J1",
    quantity: 1,
    periodStart: "2026-07-01",
    periodEnd: "2026-09-30",
    evidenceStatus: "missing",
    evidenceDueDate: dueDate,
    value: 100,
    description: "",
  },
});

describe("the ladder's helpers for the chase run", () => {
  it("dates each step's reminder window, so a run only needs the ledger's records from there on", () => {
    const [first] = dueSteps(item("SV-00000001"), "2026-11-05");
    const [third] = dueSteps(item("SV-00000001"), "2026-11-16");
    expect(first && stepWindowStart(first)).toBe("2026-10-30");
    expect(third && stepWindowStart(third)).toBe("2026-11-13");
  });

  it("turns a refused supplier into steps for the contract manager and escalation contacts, keyed like the ladder's own", () => {
    const supplierSteps = dueSteps(item("SV-00000001"), "2026-11-06");
    const escalations = escalateUnreachable(supplierSteps, "ErrorInvalidRecipients: Recipient isn't resolved");
    expect(escalations.map((s) => [s.role, s.recipient.email, s.unreachableSupplier, s.unreachableReason])).toEqual([
      ["contract-manager", "Sam@Council.example", true, "ErrorInvalidRecipients: Recipient isn't resolved"],
      ["contract-manager", "contracts@council.example", true, "ErrorInvalidRecipients: Recipient isn't resolved"],
    ]);
    // Two weeks on, the ladder escalates the same reminder with the same key: never told twice.
    const ladder = dueSteps(item("SV-00000001"), "2026-11-13").filter((s) => s.role === "contract-manager");
    const sameWeek = escalateUnreachable(dueSteps(item("SV-00000001"), "2026-11-13"), "refused");
    expect(sameWeek.map((s) => s.key)).toEqual(ladder.map((s) => s.key));
    expect(groupByRecipient(escalations).map((m) => m.recipient.email)).toEqual(["contracts@council.example", "sam@council.example"]);
  });

  it("knows the day of the week, and keys a digest by manager and day", () => {
    expect(["2026-11-23", "2026-11-26", "2026-11-29", "1970-01-01"].map(weekdayOf)).toEqual(["monday", "thursday", "sunday", "thursday"]);
    expect(digestKey("2026-11-23", "Sam@Council.example")).toBe("digest|2026-11-23|sam@council.example");
  });
});
