import fc from "fast-check";
import { addDays, CHASE_OUTCOMES, daysBetween, dueSteps } from "../../shared";
import type { ChaseAttempt, ChaseItem, ChaseRole, ReminderPolicy } from "../../shared";

/**
 * Properties of the ladder over generated chase ledgers (shared/chase.ts dueSteps): it climbs on
 * reminders the ledger shows really went, never on the calendar.
 */

const DUE = "2026-10-30";
const JO = "jo@acme.example";
const SAM = "sam@council.example";
const ALEX = "alex@council.example";
const TEAM = "contracts@council.example";

function item(policy: ReminderPolicy, responder = JO): ChaseItem {
  return {
    contract: {
      id: "C-1001",
      title: "Highways maintenance",
      buyer: "Example Borough Council",
      contractManager: { name: "Sam Patel", email: SAM, lineManager: { name: "Alex Jones", email: ALEX } },
      escalationContacts: [{ name: "Contracts Team", email: TEAM }],
      reminderPolicy: policy,
    },
    contribution: {
      id: "SV-7K3Q9M2D",
      contractId: "C-1001",
      supplier: "Acme Build Ltd",
      responder,
      measureCode: "NT1",
      quantity: 2,
      periodStart: "2026-07-01",
      periodEnd: "2026-09-30",
      evidenceStatus: "missing",
      evidenceDueDate: DUE,
      value: 5000,
      description: "Two local apprentices",
    },
  };
}

const policies: fc.Arbitrary<ReminderPolicy> = fc
  .record({ every: fc.integer({ min: 1, max: 14 }), escalate: fc.integer({ min: 1, max: 4 }), gap: fc.integer({ min: 1, max: 4 }) })
  .map(({ every, escalate, gap }) => ({ evidenceGraceDays: 30, remindEveryDays: every, escalateAfterReminders: escalate, lineManagerAfterReminders: escalate + gap }));

const ROLES: Record<Exclude<ChaseRole, "rejection">, string[]> = { supplier: [JO], "contract-manager": [SAM, TEAM], "line-manager": [ALEX] };
const roleRecipient = fc.constantFrom(...Object.entries(ROLES).flatMap(([role, emails]) => emails.map((email) => ({ role: role as ChaseRole, recipient: email }))));

/** Any ledger for the item: any rung, any day within 90 days of the due date, any outcome; some for an earlier due date. */
const attempt: fc.Arbitrary<ChaseAttempt> = fc
  .record({ who: roleRecipient, day: fc.integer({ min: 0, max: 90 }), outcome: fc.constantFrom(...CHASE_OUTCOMES), earlier: fc.boolean() })
  .map(({ who, day, outcome, earlier }) => ({ ...who, dueDate: earlier ? "2026-09-30" : DUE, date: addDays(DUE, day), outcome }));
const ledgers = fc.array(attempt, { maxLength: 30 });
const days = fc.integer({ min: 0, max: 120 }).map((d) => addDays(DUE, d));

/** Days the supplier was really sent a reminder for this due date, distinct and sorted. */
const supplierSent = (history: ChaseAttempt[]) => [...new Set(history.filter((a) => a.role === "supplier" && a.dueDate === DUE && a.outcome === "sent").map((a) => a.date))].sort();

/** Whether `n` of these days can be picked at least `every` apart, the last an interval before `today`. */
function spacedEnough(sent: string[], n: number, every: number, today: string): boolean {
  const picked: string[] = [];
  for (const d of sent) if (picked.length === 0 || daysBetween(picked[picked.length - 1] as string, d) >= every) picked.push(d);
  const nth = picked[n - 1];
  return nth !== undefined && daysBetween(nth, today) >= every;
}

describe("the ladder over generated ledgers", () => {
  it("never tells a manager before the policy's number of reminders really went, an interval apart", () => {
    fc.assert(
      fc.property(policies, ledgers, days, (policy, history, today) => {
        const roles = new Set(dueSteps(item(policy), history, today).map((s) => s.role));
        const sent = supplierSent(history);
        if (roles.has("contract-manager")) expect(spacedEnough(sent, policy.escalateAfterReminders, policy.remindEveryDays, today)).toBe(true);
        if (roles.has("line-manager")) expect(spacedEnough(sent, policy.lineManagerAfterReminders, policy.remindEveryDays, today)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it("does not count a send that failed, was deferred or whose fate is unknown", () => {
    const notSent = fc.record({ who: roleRecipient, day: fc.integer({ min: 0, max: 90 }), outcome: fc.constantFrom("failed" as const, "deferred" as const, "claimed" as const) });
    fc.assert(
      fc.property(policies, ledgers, fc.array(notSent, { maxLength: 10 }), days, (policy, history, extra, today) => {
        const added: ChaseAttempt[] = extra.map((x) => ({ ...x.who, dueDate: DUE, date: addDays(DUE, x.day), outcome: x.outcome }));
        const after = dueSteps(item(policy), [...history, ...added], today);
        const sentOnly = dueSteps(item(policy), history.filter((a) => a.outcome === "sent"), today);
        // The rung follows what was sent alone; a failed try can only hold back the next step to that recipient.
        for (const s of after) expect(s.reminderNumber).toBe(sentOnly[0]?.reminderNumber);
        const allowed = new Set(sentOnly.map((s) => `${s.role}|${s.recipient.email}`));
        for (const s of after) expect(allowed.has(`${s.role}|${s.recipient.email}`)).toBe(true);
        // Tries that never finished do not even hold anything back.
        const unfinished = added.filter((a) => a.outcome !== "failed");
        expect(dueSteps(item(policy), [...history, ...unfinished], today)).toEqual(dueSteps(item(policy), history, today));
      }),
      { numRuns: 300 },
    );
  });

  it("run every day with any outcomes, gives each recipient at most one step per interval, and a rerun the same day only repeats what did not go", () => {
    const outcomes = fc.infiniteStream(fc.constantFrom<ChaseAttempt["outcome"]>("sent", "sent", "sent", "failed", "deferred"));
    fc.assert(
      fc.property(policies, outcomes, fc.boolean(), (policy, stream, unreachable) => {
        const chased = item(policy, unreachable ? "by phone" : JO);
        const history: ChaseAttempt[] = [];
        const it = stream[Symbol.iterator]();
        for (let d = -3; d < 60; d++) {
          const today = addDays(DUE, d);
          const steps = dueSteps(chased, history, today);
          if (d < 0) expect(steps).toEqual([]);
          const tried = steps.map((s) => ({ role: s.role, recipient: s.recipient.email.toLowerCase(), dueDate: DUE, date: today, outcome: it.next().value as ChaseAttempt["outcome"] }));
          history.push(...tried);
          const rerun = dueSteps(chased, history, today);
          const again = steps.filter((_, i) => tried[i]?.outcome === "deferred").map((s) => s.key);
          expect(rerun.map((s) => s.key).sort()).toEqual(again.sort());
        }
        const byRecipient = new Map<string, string[]>();
        for (const a of history) if (a.outcome !== "deferred") byRecipient.set(`${a.role}|${a.recipient}`, [...(byRecipient.get(`${a.role}|${a.recipient}`) ?? []), a.date]);
        for (const dates of byRecipient.values()) for (let i = 1; i < dates.length; i++) expect(daysBetween(dates[i - 1] as string, dates[i] as string)).toBeGreaterThanOrEqual(policy.remindEveryDays);
      }),
      { numRuns: 50 },
    );
  });

  it("climbs one rung per interval when every reminder goes: the contract manager after N, the line manager after M", () => {
    fc.assert(
      fc.property(policies, (policy) => {
        const history: ChaseAttempt[] = [];
        const first = new Map<ChaseRole, number>();
        for (let d = 0; d <= (policy.lineManagerAfterReminders + 1) * policy.remindEveryDays; d++) {
          const today = addDays(DUE, d);
          for (const s of dueSteps(item(policy), history, today)) {
            if (!first.has(s.role)) first.set(s.role, d);
            history.push({ role: s.role, recipient: s.recipient.email, dueDate: DUE, date: today, outcome: "sent" });
          }
        }
        expect(first.get("supplier")).toBe(0);
        expect(first.get("contract-manager")).toBe(policy.escalateAfterReminders * policy.remindEveryDays);
        expect(first.get("line-manager")).toBe(policy.lineManagerAfterReminders * policy.remindEveryDays);
      }),
    );
  });
});
