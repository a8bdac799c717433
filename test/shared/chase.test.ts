import { addDays, dayNumber, dueSteps, groupByRecipient, remindersThatCount, weeklyDigests } from "../../shared";
import type { ChaseAttempt, ChaseItem, ChaseStep } from "../../shared";

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

/** Runs the ladder each day from `from` for `days` days, recording each step as the ledger would, with the outcome `outcome` gives it. */
function simulate(item: ChaseItem, from: string, days: number, outcome: (step: ChaseStep, day: string) => ChaseAttempt["outcome"] = () => "sent") {
  const history: ChaseAttempt[] = [];
  const byDay = new Map<string, string[]>();
  for (let i = 0; i < days; i++) {
    const day = addDays(from, i);
    const steps = dueSteps(item, history, day);
    byDay.set(day, steps.map((s) => `${s.role}#${s.reminderNumber}`));
    for (const s of steps) history.push({ role: s.role, recipient: s.recipient.email.toLowerCase(), dueDate: s.item.contribution.evidenceDueDate, date: day, outcome: outcome(s, day) });
  }
  return { byDay, history };
}

describe("the chase ladder", () => {
  it("starts a backlog at the first step, however long overdue", () => {
    expect(dueSteps(item("SV-00000001"), [], "2026-12-29").map((s) => `${s.role}#${s.reminderNumber}`)).toEqual(["supplier#1"]);
    expect(dueSteps(item("SV-00000001"), [], "2026-10-29")).toEqual([]);
  });

  it("walks supplier → contract manager → line manager, one step per interval, as reminders really go", () => {
    const { byDay } = simulate(item("SV-00000001"), "2026-10-29", 43);
    const weeks = [0, 1, 2, 3, 4, 5].map((w) => byDay.get(addDays("2026-10-30", 7 * w)));
    expect(weeks).toEqual([
      ["supplier#1"],
      ["supplier#2"],
      ["supplier#3", "contract-manager#3"],
      ["supplier#4", "contract-manager#4"],
      ["supplier#5", "contract-manager#5", "line-manager#5"],
      ["supplier#6", "contract-manager#6", "line-manager#6"],
    ]);
    const quiet = [...byDay].filter(([day]) => (dayNumber(day) - dayNumber("2026-10-30")) % 7 !== 0).flatMap(([, steps]) => steps);
    expect(quiet).toEqual([]);
  });

  it("does not count a reminder that failed to send: the escalation waits for two that went", () => {
    const { byDay } = simulate(item("SV-00000001"), "2026-10-30", 29, (s, day) => (s.role === "supplier" && day === "2026-11-06" ? "failed" : "sent"));
    expect(byDay.get("2026-11-06")).toEqual(["supplier#2"]);
    expect(byDay.get("2026-11-13")).toEqual(["supplier#2"]);
    expect(byDay.get("2026-11-20")).toEqual(["supplier#3", "contract-manager#3"]);
  });

  it("sends a deferred step again the next day under the same key, and a sent one not again that week", () => {
    const history: ChaseAttempt[] = [{ role: "supplier", recipient: "jo@acme.example", dueDate: "2026-10-30", date: "2026-11-02", outcome: "deferred" }];
    const monday = dueSteps(item("SV-00000001"), [], "2026-11-02").map((s) => s.key);
    expect(dueSteps(item("SV-00000001"), history, "2026-11-03").map((s) => s.key)).toEqual(monday);
    const sent: ChaseAttempt[] = [{ ...history[0]!, outcome: "sent" }];
    expect(dueSteps(item("SV-00000001"), sent, "2026-11-02")).toEqual([]);
    expect(dueSteps(item("SV-00000001"), sent, "2026-11-08")).toEqual([]);
    expect(dueSteps(item("SV-00000001"), sent, "2026-11-09").map((s) => s.reminderNumber)).toEqual([2]);
  });

  it("restarts after a rejection sets a new due date: reminders for the old one do not count", () => {
    const { history } = simulate(item("SV-00000001"), "2026-10-30", 22);
    const before = dueSteps(item("SV-00000001"), history, "2026-11-20")[0]?.key;
    const after = dueSteps(item("SV-00000001", { evidenceStatus: "rejected", evidenceDueDate: "2026-11-20" }), history, "2026-11-20");
    expect(after.map((s) => `${s.role}#${s.reminderNumber}`)).toEqual(["supplier#1"]);
    expect(after[0]?.key).not.toBe(before);
  });

  it("is quiet for submitted and accepted evidence", () => {
    expect(dueSteps(item("SV-00000001", { evidenceStatus: "submitted" }), [], "2026-12-30")).toEqual([]);
    expect(dueSteps(item("SV-00000001", { evidenceStatus: "accepted" }), [], "2026-12-30")).toEqual([]);
  });

  it("chases the contract manager from the due date about a supplier who cannot be emailed", () => {
    const steps = dueSteps(item("SV-00000001", { responder: "anonymous" }), [], "2026-10-30");
    expect(steps.map((s) => [s.role, s.unreachableSupplier])).toEqual([["contract-manager", true]]);
  });

  it("counts reminders sent at least an interval apart, a possible duplicate once, and nothing that did not go", () => {
    const at = (date: string, outcome: ChaseAttempt["outcome"]): ChaseAttempt => ({ role: "supplier", recipient: "jo@acme.example", dueDate: "2026-10-30", date, outcome });
    const history = [at("2026-10-30", "deferred"), at("2026-10-31", "sent"), at("2026-11-02", "sent"), at("2026-11-07", "failed"), at("2026-11-08", "claimed"), at("2026-11-09", "sent")];
    expect(remindersThatCount(history, "2026-10-30", "supplier", 7)).toEqual(["2026-10-31", "2026-11-09"]);
  });

  it("sends one email per recipient listing all their items, worst first", () => {
    const steps = [
      ...dueSteps(item("SV-00000001"), [], "2026-11-20"),
      ...dueSteps(item("SV-00000002", { evidenceDueDate: "2026-11-10" }), [], "2026-11-20"),
      ...dueSteps(item("SV-00000003", { responder: "kim@other.example", supplier: "Other Ltd" }), [], "2026-11-20"),
      ...dueSteps(item("SV-00000004", { responder: "by phone" }), [], "2026-11-20"),
    ];
    const messages = groupByRecipient(steps);
    expect(messages.map((m) => [m.recipient.email, m.steps.map((s) => s.item.contribution.id)])).toEqual([
      ["jo@acme.example", ["SV-00000001", "SV-00000002"]],
      ["kim@other.example", ["SV-00000003"]],
      ["sam@council.example", ["SV-00000004"]],
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
