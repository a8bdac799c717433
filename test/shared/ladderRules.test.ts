import { digestKey, dueSteps, escalateUnreachable, groupByRecipient, weekdayOf } from "../../shared";
import type { ChaseAttempt, ChaseItem } from "../../shared";

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
  const sent = (date: string): ChaseAttempt => ({ role: "supplier", recipient: "jo@acme.example", dueDate: "2026-10-30", date, outcome: "sent" });

  it("dates each step's window from the ledger, so a run only needs the ledger's records from there on", () => {
    const [first] = dueSteps(item("SV-00000001"), [], "2026-11-05");
    const [third] = dueSteps(item("SV-00000001"), [sent("2026-10-30"), sent("2026-11-09")], "2026-11-16");
    expect(first?.windowStart).toBe("2026-10-30");
    expect(third?.windowStart).toBe("2026-11-16");
    expect(third?.reminderNumber).toBe(3);
  });

  it("turns a refused supplier into steps for the contract manager and escalation contacts, in the refused reminder's window", () => {
    const supplierSteps = dueSteps(item("SV-00000001"), [], "2026-11-06");
    const escalations = escalateUnreachable(supplierSteps, "ErrorInvalidRecipients: Recipient isn't resolved");
    expect(escalations.map((s) => [s.role, s.recipient.email, s.unreachableSupplier, s.unreachableReason, s.windowStart])).toEqual([
      ["contract-manager", "Sam@Council.example", true, "ErrorInvalidRecipients: Recipient isn't resolved", "2026-10-30"],
      ["contract-manager", "contracts@council.example", true, "ErrorInvalidRecipients: Recipient isn't resolved", "2026-10-30"],
    ]);
    // Rebuilt on a rerun the same day, the same keys: the manager is never told twice of one refusal.
    expect(escalateUnreachable(dueSteps(item("SV-00000001"), [], "2026-11-06"), "refused").map((s) => s.key)).toEqual(escalations.map((s) => s.key));
    expect(groupByRecipient(escalations).map((m) => m.recipient.email)).toEqual(["contracts@council.example", "sam@council.example"]);
  });

  it("knows the day of the week, and keys a digest by manager and day", () => {
    expect(["2026-11-23", "2026-11-26", "2026-11-29", "1970-01-01"].map(weekdayOf)).toEqual(["monday", "thursday", "sunday", "thursday"]);
    expect(digestKey("2026-11-23", "Sam@Council.example")).toBe("digest|2026-11-23|sam@council.example");
  });
});
