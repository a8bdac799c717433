import { EXAMPLE_PACK } from "../../../shared";
import type { Assessment, Commitment, Contract, Contribution } from "../../../shared";
import type { KpiSyncInput } from "../../../taskpane/sync/buildKpiSync";
import { reference } from "./fakeApi";

/** Contract C-1001 on the example pack, as GET /api/contracts/{id} gives it. */
export const CONTRACT: Contract = {
  id: "C-1001",
  title: "Highways maintenance",
  buyer: "Example Council",
  packId: EXAMPLE_PACK.id,
  packEdition: EXAMPLE_PACK.edition,
  value: 2_000_000,
  startDate: "2026-01-01",
  endDate: "2028-12-31",
  contractManager: { name: "Sam Officer", email: "sam@council.example" },
  escalationContacts: [],
  reminderPolicy: { evidenceGraceDays: 30, remindEveryDays: 7, escalateAfterReminders: 2, lineManagerAfterReminders: 4 },
  createdAt: "2026-01-02T09:00:00.000Z",
  updatedAt: "2026-01-02T09:00:00.000Z",
};

const MEASURES = ["J1", "J3", "G1", "S1", "E1", "G3"];
const STATUSES = ["accepted", "submitted", "missing", "rejected"] as const;

/** Contribution number n: measures, statuses and suppliers cycle so every kind appears. */
export function contribution(n: number, overrides: Partial<Contribution> = {}): Contribution {
  const measureCode = MEASURES[n % MEASURES.length] ?? "J1";
  const quantity = 1 + (n % 7);
  const proxy = EXAMPLE_PACK.measures.find((m) => m.code === measureCode)?.proxy ?? null;
  return {
    id: reference(n),
    contractId: CONTRACT.id,
    supplier: `Supplier ${n % 13} Ltd`,
    responder: `person${n % 13}@supplier${n % 13}.example`,
    measureCode,
    quantity,
    periodStart: "2026-04-01",
    periodEnd: "2026-06-30",
    description: `Delivery number ${n}`,
    evidence: [],
    evidenceStatus: STATUSES[n % STATUSES.length] ?? "missing",
    evidenceDueDate: n % 3 === 0 ? "2026-12-30" : "2026-07-30",
    value: proxy === null ? null : quantity * proxy,
    packId: EXAMPLE_PACK.id,
    packEdition: EXAMPLE_PACK.edition,
    source: { kind: "form", formId: "form-1", responseId: String(n) },
    submittedAt: "2026-07-02T10:00:00.000Z",
    warnings: [],
    ...overrides,
  };
}

export function contributions(count: number, from = 1): Contribution[] {
  return Array.from({ length: count }, (_c, i) => contribution(from + i));
}

export const COMMITMENTS: Commitment[] = [
  { measureCode: "J1", quantity: 10 },
  { measureCode: "E1", quantity: 100, supplier: "Supplier 1 Ltd" },
  { measureCode: "G3", quantity: 5 },
];

/** C-1001 with no KPI register yet, as GET /api/contracts/{id}/kpis answers. */
export const NO_KPIS: KpiSyncInput = { register: { contractId: CONTRACT.id, kpis: [], nextAssessmentDue: "2027-01-01", warnings: [] }, assessments: [] };

/** One assessment of C-1001's first year, rating KPI-1 and KPI-2. */
export const FIRST_YEAR: Assessment = {
  id: "PA-2026",
  contractId: CONTRACT.id,
  periodStart: "2026-01-01",
  periodEnd: "2026-12-31",
  final: false,
  ratings: [
    { kpiId: "KPI-1", rating: "approaching-target", name: "Local jobs", target: "10 local FTE", material: true },
    { kpiId: "KPI-2", rating: "good", name: "Carbon", target: "Net zero fleet", material: true },
  ],
  assessedAt: "2027-01-10T09:00:00.000Z",
  assessedBy: "sam@council.example",
};

/** C-1001's register after its first assessment: KPI-3 was added since, so it has no rating yet. */
export const WITH_KPIS: KpiSyncInput = {
  register: {
    contractId: CONTRACT.id,
    kpis: [
      {
        id: "KPI-1",
        name: "Local jobs",
        target: "10 local FTE",
        targetValue: 250_000,
        measureCodes: ["J1", "J3"],
        material: true,
        latestRating: "approaching-target",
        latestAssessmentId: FIRST_YEAR.id,
        suggestedRating: { rating: "requires-improvement", delivered: 60_000, expected: 83_333.33, thresholds: { good: 1, approachingTarget: 0.9, requiresImprovement: 0.7 } },
      },
      { id: "KPI-2", name: "Carbon", target: "Net zero fleet", measureCodes: [], material: true, latestRating: "good", latestAssessmentId: FIRST_YEAR.id },
      { id: "KPI-3", name: "=Supplier's own KPI", target: "-5% waste", measureCodes: [], material: true },
    ],
    nextAssessmentDue: "2027-12-31",
    warnings: [],
  },
  assessments: [FIRST_YEAR],
};
