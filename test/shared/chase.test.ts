import { addDays, ChaseItem, dueSteps, groupByRecipient, reminderNumberOn, weeklyDigests } from "../../shared";

const contract: ChaseItem["contract"] = {
  id: "C-1001",
  title: "Highways maintenance",
  buyer: "Example Borough Council",
  contractManager: { name: "Sam Patel", email: "sam@council.example", lineManager: { name: "Alex Jones", email: "alex@council.example" } },
  escalationContacts: [],
  reminderPolicy: { evidenceGraceDays: 30, remindEveryDays: 7, escalateAfterReminders: 2, lineManagerAfterReminders: 4 },
};

function item(id: string, overrides: Partial<ChaseItem["contribution"]> = {}): ChaseItem {
  return {
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
      evidenceDueDate: "2026-10-30",
      value: 25000,
      description: "",
      ...overrides,
    },
  };
}

describe("the chase ladder", () => {
  it("numbers reminders from the due date", () => {
    expect(reminderNumberOn("2026-10-30", "2026-10-29", 7)).toBe(0);
    expect(reminderNumberOn("2026-10-30", "2026-10-30", 7)).toBe(1);
    expect(reminderNumberOn("2026-10-30", "2026-11-05", 7)).toBe(1);
    expect(reminderNumberOn("2026-10-30", "2026-11-06", 7)).toBe(2);
  });

  it("walks supplier → contract manager → line manager over simulated weeks", () => {
    const who = (today: string) => dueSteps(item("SV-00000001"), today).map((s) => `${s.role}#${s.reminderNumber}`);
    const weeks = [0, 1, 2, 3, 4, 5].map((w) => who(addDays("2026-10-30", 7 * w)));
    expect(weeks).toEqual([
      ["supplier#1"],
      ["supplier#2"],
      ["supplier#3", "contract-manager#3"],
      ["supplier#4", "contract-manager#4"],
      ["supplier#5", "contract-manager#5", "line-manager#5"],
      ["supplier#6", "contract-manager#6", "line-manager#6"],
    ]);
    expect(who("2026-10-29")).toEqual([]);
  });

  it("keeps a step's key the same all week, so a repeated run sends nothing new", () => {
    const monday = dueSteps(item("SV-00000001"), "2026-11-02").map((s) => s.key);
    const thursday = dueSteps(item("SV-00000001"), "2026-11-05").map((s) => s.key);
    expect(thursday).toEqual(monday);
  });

  it("restarts after a rejection sets a new due date", () => {
    const before = dueSteps(item("SV-00000001"), "2026-11-20")[0]?.key;
    const after = dueSteps(item("SV-00000001", { evidenceStatus: "rejected", evidenceDueDate: "2026-11-20" }), "2026-11-20")[0];
    expect(after?.reminderNumber).toBe(1);
    expect(after?.key).not.toBe(before);
  });

  it("is quiet for submitted and accepted evidence", () => {
    expect(dueSteps(item("SV-00000001", { evidenceStatus: "submitted" }), "2026-12-30")).toEqual([]);
    expect(dueSteps(item("SV-00000001", { evidenceStatus: "accepted" }), "2026-12-30")).toEqual([]);
  });

  it("tells the contract manager at once about a supplier who cannot be emailed", () => {
    const steps = dueSteps(item("SV-00000001", { responder: "anonymous" }), "2026-10-30");
    expect(steps.map((s) => [s.role, s.unreachableSupplier])).toEqual([["contract-manager", true]]);
  });

  it("sends one email per recipient listing all their items, worst first", () => {
    const steps = [
      ...dueSteps(item("SV-00000001"), "2026-11-20"),
      ...dueSteps(item("SV-00000002", { evidenceDueDate: "2026-11-10" }), "2026-11-20"),
      ...dueSteps(item("SV-00000003", { responder: "kim@other.example", supplier: "Other Ltd" }), "2026-11-20"),
    ];
    const messages = groupByRecipient(steps);
    expect(messages.map((m) => [m.recipient.email, m.steps.map((s) => s.item.contribution.id)])).toEqual([
      ["jo@acme.example", ["SV-00000001", "SV-00000002"]],
      ["kim@other.example", ["SV-00000003"]],
      ["sam@council.example", ["SV-00000001", "SV-00000003"]],
    ]);
  });

  it("builds weekly digests per contract manager with the value at risk", () => {
    const digests = weeklyDigests(
      [item("SV-00000001"), item("SV-00000002", { evidenceDueDate: "2026-09-30", value: 500 }), item("SV-00000003", { evidenceStatus: "submitted" }), item("SV-00000004", { value: null })],
      "2026-11-20",
    );
    expect(digests).toHaveLength(1);
    expect(digests[0]?.lines.map((l) => [l.item.contribution.id, l.daysOverdue])).toEqual([
      ["SV-00000002", 51],
      ["SV-00000001", 21],
      ["SV-00000004", 21],
    ]);
    expect(digests[0]?.valueAtRisk).toBe(25500);
    expect(weeklyDigests([item("SV-00000001")], "2026-10-30")).toEqual([]);
  });
});
