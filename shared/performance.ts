import { z } from "zod";
import { cellText, normaliseHeader } from "./cells";
import { addDays, daysBetween, IsoDateSchema, isValidIsoDate } from "./dates";
import type { IsoDate } from "./dates";
import { ContractRefSchema } from "./model";
import { normaliseCode } from "./pack";
import type { Problem } from "./problems";
import { expectedDelivery, ValuationError } from "./valuation";

/*
 * Contract performance under the Procurement Act 2023 (docs/PROCUREMENT-ACT.md): the KPI register of
 * a contract (s.52), its assessments and their contract performance notices (s.71, UK9), and decisions
 * that a supplier breached the contract or performed poorly, each with a notice due within 30 days.
 */

/** A contract over this value (£) needs at least three KPIs unless it is exempt (s.52). */
export const KPI_DUTY_THRESHOLD = 5_000_000;
/** The number of KPIs named as the most material in the contract details notice. */
export const MATERIAL_KPIS = 3;
/** Most KPIs one register holds; a register is read and written whole. */
export const MAX_KPIS = 50;
/** A notice of a breach or poor performance is due this many days after the decision. */
export const FAILURE_NOTICE_DAYS = 30;

/** The Act's rating scale, in the order of the guidance (best first). */
export const KPI_RATINGS = ["good", "approaching-target", "requires-improvement", "inadequate", "other"] as const;
export type KpiRating = (typeof KPI_RATINGS)[number];
export const KpiRatingSchema = z.enum(KPI_RATINGS, { error: `a rating is one of ${KPI_RATINGS.join(", ")}` });

/** How each rating reads on the notice. */
export const KPI_RATING_LABELS: Record<KpiRating, string> = {
  good: "Good",
  "approaching-target": "Approaching target",
  "requires-improvement": "Requires improvement",
  inadequate: "Inadequate",
  other: "Other",
};

/** The id the UK OCDS profile gives each rating in `measureClassification` (docs/PROCUREMENT-ACT.md, "The notice"). */
export const OCDS_RATINGS = ["met", "slightlyBelow", "below", "significantlyBelow", "other"] as const;
export type OcdsRating = (typeof OCDS_RATINGS)[number];
export const OCDS_RATING: Record<KpiRating, OcdsRating> = {
  good: "met",
  "approaching-target": "slightlyBelow",
  "requires-improvement": "below",
  inadequate: "significantlyBelow",
  other: "other",
};

/**
 * Where a suggested rating changes, as shares of the £ expected by now: at or above `good` it is good,
 * at or above `approachingTarget` approaching target, at or above `requiresImprovement` requires
 * improvement, below that inadequate.
 */
export const RatingThresholdsSchema = z
  .object({
    good: z.number().finite().min(0).max(10),
    approachingTarget: z.number().finite().min(0).max(10),
    requiresImprovement: z.number().finite().min(0).max(10),
  })
  .strict()
  .refine((t) => t.good >= t.approachingTarget && t.approachingTarget >= t.requiresImprovement, {
    message: "thresholds go down: good ≥ approachingTarget ≥ requiresImprovement",
  });
export type RatingThresholds = z.infer<typeof RatingThresholdsSchema>;

/** All expected by now is good; 90% approaching target; 70% requires improvement; less inadequate. */
export const DEFAULT_RATING_THRESHOLDS: RatingThresholds = { good: 1, approachingTarget: 0.9, requiresImprovement: 0.7 };

export const KpiIdSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/, "a KPI id is up to 32 letters, digits, '-', '_' or '.', e.g. KPI-1");

export const KpiSchema = z
  .object({
    id: KpiIdSchema,
    name: z.string().trim().min(1, "a KPI needs a name").max(200),
    description: z.string().trim().max(2000).optional(),
    /** The target as the contract words it, e.g. "£400,000 of local spend a year". */
    target: z.string().trim().min(1, "a KPI needs a target").max(500),
    /** The £ the linked measures should deliver over the whole contract, for a suggested rating. */
    targetValue: z.number().finite().positive("a target value is more than £0").optional(),
    /** TOMs measures of the contract's pack whose accepted delivery counts towards this KPI. */
    measureCodes: z.array(z.string().trim().min(1)).max(50).default([]),
    /** One of the (three) most material KPIs, named in the contract details notice. */
    material: z.boolean().default(false),
    thresholds: RatingThresholdsSchema.optional(),
  })
  .strict();
export type Kpi = z.infer<typeof KpiSchema>;
export type KpiInput = z.input<typeof KpiSchema>;

/** What `PUT /api/contracts/{id}/kpis` takes: the whole register. */
export const KpiRegisterInputSchema = z
  .object({
    kpis: z.array(KpiSchema).max(MAX_KPIS),
    /** Why the contract has no (or fewer than three) KPIs, e.g. it is a framework agreement; OCDS `noAgreedMetricsRationale`. */
    exemptionReason: z.string().trim().min(1).max(1000).optional(),
  })
  .strict()
  .superRefine((register, ctx) => {
    const seen = new Set<string>();
    register.kpis.forEach((kpi, i) => {
      const key = kpi.id.toLowerCase();
      if (seen.has(key)) ctx.addIssue({ code: "custom", path: ["kpis", i, "id"], message: `KPI ${kpi.id} is in the register twice` });
      seen.add(key);
      const codes = new Set<string>();
      kpi.measureCodes.forEach((code, j) => {
        if (codes.has(normaliseCode(code))) ctx.addIssue({ code: "custom", path: ["kpis", i, "measureCodes", j], message: `measure ${code} is linked twice` });
        codes.add(normaliseCode(code));
      });
    });
    const material = register.kpis.filter((k) => k.material).length;
    if (register.kpis.length >= MATERIAL_KPIS && material !== MATERIAL_KPIS) {
      ctx.addIssue({
        code: "custom",
        path: ["kpis"],
        message: `mark exactly ${MATERIAL_KPIS} KPIs as material (the ones named in the contract details notice); ${material} are marked`,
      });
    }
  });
export type KpiRegisterInput = z.input<typeof KpiRegisterInputSchema>;

export const KpiRegisterSchema = z
  .object({
    contractId: ContractRefSchema,
    kpis: z.array(KpiSchema),
    exemptionReason: z.string().optional(),
    updatedAt: z.iso.datetime(),
    updatedBy: z.string(),
  })
  .strict();
export type KpiRegister = z.infer<typeof KpiRegisterSchema>;

export const PerformanceWarningSchema = z.object({ code: z.enum(["kpis-required"]), message: z.string() }).strict();
export type PerformanceWarning = z.infer<typeof PerformanceWarningSchema>;

/** The s.52 duty: over £5m, fewer than three KPIs and no exemption recorded. */
export function registerWarnings(contractValue: number, register: Pick<KpiRegister, "kpis" | "exemptionReason">): PerformanceWarning[] {
  if (contractValue <= KPI_DUTY_THRESHOLD || register.kpis.length >= MATERIAL_KPIS || register.exemptionReason) return [];
  return [
    {
      code: "kpis-required",
      message: `The contract is worth more than £5m, so it needs at least ${MATERIAL_KPIS} KPIs (Procurement Act 2023 s.52); it has ${register.kpis.length}. Add them, or record why it is exempt.`,
    },
  ];
}

const periodChecks = (body: { periodStart: string; periodEnd: string }, ctx: z.RefinementCtx) => {
  if (isValidIsoDate(body.periodStart) && isValidIsoDate(body.periodEnd) && daysBetween(body.periodStart, body.periodEnd) < 0) {
    ctx.addIssue({ code: "custom", path: ["periodEnd"], message: "the period must end on or after it starts" });
  }
};

export const KpiRatingInputSchema = z
  .object({
    kpiId: KpiIdSchema,
    rating: KpiRatingSchema,
    /** Required for `other`; published with the rating. */
    explanation: z.string().trim().max(2000).optional(),
    /** What was observed, as the officer words it, e.g. "£310,000 of local spend". */
    observed: z.string().trim().max(500).optional(),
  })
  .strict();
export type KpiRatingInput = z.infer<typeof KpiRatingInputSchema>;

/** What `POST /api/contracts/{id}/assessments` takes. */
export const AssessmentInputSchema = z
  .object({
    periodStart: IsoDateSchema,
    periodEnd: IsoDateSchema,
    /** The assessment on termination (s.71): no further assessment falls due after it. */
    final: z.boolean().default(false),
    ratings: z.array(KpiRatingInputSchema).max(MAX_KPIS),
  })
  .strict()
  .superRefine((body, ctx) => {
    periodChecks(body, ctx);
    const seen = new Set<string>();
    body.ratings.forEach((r, i) => {
      if (r.rating === "other" && !r.explanation) ctx.addIssue({ code: "custom", path: ["ratings", i, "explanation"], message: "a rating of other needs an explanation" });
      if (seen.has(r.kpiId.toLowerCase())) ctx.addIssue({ code: "custom", path: ["ratings", i, "kpiId"], message: `KPI ${r.kpiId} is rated twice` });
      seen.add(r.kpiId.toLowerCase());
    });
  });
export type AssessmentInput = z.input<typeof AssessmentInputSchema>;

/** A rating as kept: with the KPI as it stood, so a later change to the register does not rewrite a published notice. */
export const KpiAssessedSchema = KpiRatingInputSchema.extend({ name: z.string(), target: z.string(), material: z.boolean() }).strict();
export type KpiAssessed = z.infer<typeof KpiAssessedSchema>;

export const AssessmentSchema = z
  .object({
    id: z.string(),
    contractId: ContractRefSchema,
    periodStart: IsoDateSchema,
    periodEnd: IsoDateSchema,
    final: z.boolean(),
    ratings: z.array(KpiAssessedSchema),
    assessedAt: z.iso.datetime(),
    assessedBy: z.string(),
  })
  .strict();
export type Assessment = z.infer<typeof AssessmentSchema>;

/**
 * Every KPI of the register rated, and nothing else: the problems name the missing and unknown ids.
 * The answer is the ratings with each KPI as it stands now.
 */
export function checkRatings(kpis: readonly Kpi[], ratings: readonly KpiRatingInput[]): { ok: true; ratings: KpiAssessed[] } | { ok: false; problems: Problem[]; missing: string[] } {
  const byId = new Map(kpis.map((k) => [k.id.toLowerCase(), k]));
  const problems: Problem[] = [];
  const assessed: KpiAssessed[] = [];
  ratings.forEach((r, i) => {
    const kpi = byId.get(r.kpiId.toLowerCase());
    if (!kpi) problems.push({ path: ["ratings", i, "kpiId"], message: `KPI ${r.kpiId} is not in the contract's register` });
    else assessed.push({ ...r, kpiId: kpi.id, name: kpi.name, target: kpi.target, material: kpi.material });
  });
  const rated = new Set(ratings.map((r) => r.kpiId.toLowerCase()));
  const missing = kpis.filter((k) => !rated.has(k.id.toLowerCase())).map((k) => k.id);
  if (missing.length > 0) problems.push({ path: ["ratings"], message: `every KPI of the register is rated; missing: ${missing.join(", ")}` });
  if (kpis.length === 0) problems.push({ path: ["ratings"], message: "the contract has no KPIs to assess; set its register first (PUT /api/contracts/{id}/kpis)" });
  return problems.length > 0 ? { ok: false, problems, missing } : { ok: true, ratings: assessed };
}

/**
 * The same day `months` later; a day the month lacks becomes its last day, so 29 February 2024
 * plus 12 months is 28 February 2025 (and 31 August plus 6 months is the end of February).
 */
export function addMonths(date: IsoDate, months: number): IsoDate {
  if (!isValidIsoDate(date)) throw new RangeError(`"${date}" is not a date written yyyy-mm-dd`);
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(Math.min(d, lastDay)).padStart(2, "0")}`;
}

/**
 * When the next assessment is due: 12 months after the end of the last period assessed (the
 * contract's start before the first), or the contract's end if that comes sooner. None once a final
 * assessment (on termination) is recorded.
 */
export function nextAssessmentDue(contract: { startDate: IsoDate; endDate: IsoDate }, assessments: readonly Pick<Assessment, "periodEnd" | "final">[]): IsoDate | undefined {
  if (assessments.some((a) => a.final)) return undefined;
  const last = assessments.reduce<IsoDate | undefined>((latest, a) => (latest === undefined || a.periodEnd > latest ? a.periodEnd : latest), undefined);
  const due = addMonths(last ?? contract.startDate, 12);
  return due < contract.endDate ? due : contract.endDate;
}

export const FAILURE_KINDS = ["breach", "poor-performance"] as const;
/** The basis of a penalty, from the UK OCDS profile's closed penaltyType codelist. */
export const PENALTY_TYPES = ["contracted", "imposed", "negotiated"] as const;

const MoneySchema = z.number().finite().nonnegative("a penalty value cannot be negative");

export const PerformanceFailureInputSchema = z
  .object({
    kind: z.enum(FAILURE_KINDS, { error: `kind is one of ${FAILURE_KINDS.join(", ")}` }),
    /** The day the authority decided the supplier breached the contract or failed to improve. */
    decisionDate: IsoDateSchema,
    description: z.string().trim().min(1, "describe the breach or poor performance").max(4000),
    /** The supplier responsible, when the contract has more than one. */
    supplier: z.string().trim().max(200).optional(),
    penalty: z
      .object({
        type: z.enum(PENALTY_TYPES, { error: `a penalty type is one of ${PENALTY_TYPES.join(", ")}` }),
        value: MoneySchema.optional(),
        date: IsoDateSchema.optional(),
      })
      .strict()
      .optional(),
    /** What part of the contract was terminated, if any. */
    partialTermination: z.string().trim().min(1).max(2000).optional(),
  })
  .strict();
export type PerformanceFailureInput = z.input<typeof PerformanceFailureInputSchema>;

export const PerformanceFailureSchema = PerformanceFailureInputSchema.extend({
  id: z.string(),
  contractId: ContractRefSchema,
  noticeDueBy: IsoDateSchema,
  /** When the officer recorded the notice as published on Find a Tender; the chase stops then. */
  noticePublishedOn: IsoDateSchema.optional(),
  recordedAt: z.iso.datetime(),
  recordedBy: z.string(),
}).strict();
export type PerformanceFailure = z.infer<typeof PerformanceFailureSchema>;

export const NoticePublishedInputSchema = z.object({ publishedOn: IsoDateSchema }).strict();

/** The notice of a breach or poor performance is due 30 days after the decision. */
export function noticeDueBy(decisionDate: IsoDate): IsoDate {
  return addDays(decisionDate, FAILURE_NOTICE_DAYS);
}

/** The notice as OCDS JSON, as CSV or as a readable HTML page. */
export const NOTICE_FORMATS = ["json", "csv", "html"] as const;
export const PerformanceNoticeQuerySchema = z.object({ format: z.enum(NOTICE_FORMATS, { error: `format is one of ${NOTICE_FORMATS.join(", ")}` }).optional() }).strict();

export const SuggestedRatingSchema = z
  .object({
    rating: KpiRatingSchema,
    /** £ delivered with accepted evidence on the KPI's measures. */
    delivered: z.number(),
    /** £ of the target value expected by now, pro rata to elapsed contract time (TOMS.EXPECTED). */
    expected: z.number(),
    thresholds: RatingThresholdsSchema,
  })
  .strict();
export type SuggestedRating = z.infer<typeof SuggestedRatingSchema>;

const pence = (pounds: number) => Math.round(pounds * 100) / 100;

/**
 * A rating suggested from accepted delivered £ against the £ expected by `asOf` on the straight-line
 * curve TOMS.EXPECTED draws from the KPI's target value over the contract period. None for a KPI
 * without measures or a target value, or before anything is expected.
 */
export function suggestRating(
  kpi: Pick<Kpi, "measureCodes" | "targetValue" | "thresholds">,
  contract: { startDate: IsoDate; endDate: IsoDate },
  accepted: readonly { measureCode: string; value: number | null }[],
  asOf: IsoDate,
): SuggestedRating | undefined {
  if (kpi.targetValue === undefined || kpi.measureCodes.length === 0) return undefined;
  const expected = pence(expectedDelivery(kpi.targetValue, contract.startDate, contract.endDate, asOf));
  if (expected <= 0) return undefined;
  const codes = new Set(kpi.measureCodes.map(normaliseCode));
  // Summed in pence so a long list of contributions adds up exactly.
  const delivered = accepted.reduce((sum, c) => (codes.has(normaliseCode(c.measureCode)) ? sum + Math.round((c.value ?? 0) * 100) : sum), 0) / 100;
  const thresholds = kpi.thresholds ?? DEFAULT_RATING_THRESHOLDS;
  const share = delivered / expected;
  const rating: KpiRating =
    share >= thresholds.good ? "good" : share >= thresholds.approachingTarget ? "approaching-target" : share >= thresholds.requiresImprovement ? "requires-improvement" : "inadequate";
  return { rating, delivered, expected, thresholds };
}

export const KpiStatusSchema = KpiSchema.extend({
  latestRating: KpiRatingSchema.optional(),
  latestAssessmentId: z.string().optional(),
  suggestedRating: SuggestedRatingSchema.optional(),
}).strict();
export type KpiStatus = z.infer<typeof KpiStatusSchema>;

/** What `GET /api/contracts/{id}/kpis` answers. */
export const KpiRegisterViewSchema = z
  .object({
    contractId: ContractRefSchema,
    kpis: z.array(KpiStatusSchema),
    exemptionReason: z.string().optional(),
    nextAssessmentDue: IsoDateSchema.optional(),
    warnings: z.array(PerformanceWarningSchema),
    updatedAt: z.iso.datetime().optional(),
  })
  .strict();
export type KpiRegisterView = z.infer<typeof KpiRegisterViewSchema>;

/** The register as the pane and the API show it: each KPI with its latest rating and a suggestion. */
export function registerView(
  contract: { id: string; value: number; startDate: IsoDate; endDate: IsoDate },
  register: Pick<KpiRegister, "kpis" | "exemptionReason"> & { updatedAt?: string },
  assessments: readonly Assessment[],
  accepted: readonly { measureCode: string; value: number | null }[],
  asOf: IsoDate,
): KpiRegisterView {
  const latest = [...assessments].sort((a, b) => (a.periodEnd === b.periodEnd ? a.assessedAt.localeCompare(b.assessedAt) : a.periodEnd.localeCompare(b.periodEnd))).at(-1);
  const kpis = register.kpis.map((kpi): KpiStatus => {
    const rated = latest?.ratings.find((r) => r.kpiId.toLowerCase() === kpi.id.toLowerCase());
    const suggested = suggestRating(kpi, contract, accepted, asOf);
    return {
      ...kpi,
      ...(rated && latest ? { latestRating: rated.rating, latestAssessmentId: latest.id } : {}),
      ...(suggested ? { suggestedRating: suggested } : {}),
    };
  });
  const due = nextAssessmentDue(contract, assessments);
  return {
    contractId: contract.id,
    kpis,
    ...(register.exemptionReason ? { exemptionReason: register.exemptionReason } : {}),
    ...(due ? { nextAssessmentDue: due } : {}),
    warnings: registerWarnings(contract.value, register),
    ...(register.updatedAt ? { updatedAt: register.updatedAt } : {}),
  };
}

/** Headers of the KPIs sheet's table that the workbook sync writes and TOMS.KPIRATING reads back. */
export const KPI_TABLE_HEADERS = { kpi: "KPI", latestRating: "Latest rating" } as const;

/**
 * A KPI's latest rating as the KPIs sheet shows it, from the table's cells (header row included,
 * anywhere in the range, so a title above it may be selected too). A KPI that is not there, or not
 * rated yet, is "not available" (#N/A in Excel) with what to do about it.
 */
export function latestRatingInTable(cells: readonly (readonly unknown[])[], kpiId: unknown): string {
  const id = typeof kpiId === "number" ? String(kpiId) : cellText(kpiId);
  if (id === "") throw new ValuationError("invalid-argument", "Give a KPI id, e.g. KPI-1.");
  const idHeader = normaliseHeader(KPI_TABLE_HEADERS.kpi);
  const ratingHeader = normaliseHeader(KPI_TABLE_HEADERS.latestRating);
  const at = cells.findIndex((row) => row.some((c) => normaliseHeader(c) === idHeader) && row.some((c) => normaliseHeader(c) === ratingHeader));
  const header = cells[at];
  if (!header) {
    throw new ValuationError(
      "invalid-argument",
      `The range has no header row with ${KPI_TABLE_HEADERS.kpi} and ${KPI_TABLE_HEADERS.latestRating}: give the KPIs sheet's table with its header row, e.g. KpiRegister[#All].`,
    );
  }
  const idColumn = header.findIndex((c) => normaliseHeader(c) === idHeader);
  const ratingColumn = header.findIndex((c) => normaliseHeader(c) === ratingHeader);
  const row = cells.slice(at + 1).find((r) => cellText(r[idColumn]).toLowerCase() === id.toLowerCase());
  if (!row) {
    throw new ValuationError("not-valued", `KPI ${id} is not in the KPI table: check the id, or press Sync to workbook in the task pane to bring the KPIs sheet up to date.`);
  }
  const rating = cellText(row[ratingColumn]);
  if (rating === "") {
    throw new ValuationError("not-valued", `KPI ${id} has not been rated yet: record an assessment in the task pane's Performance panel, then press Sync to workbook.`);
  }
  return rating;
}
