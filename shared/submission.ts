import { z } from "zod";
import { readQuantity, UkDateSchema } from "./answers";
import type { QuantityAnswer } from "./answers";
import { daysBetween, isValidIsoDate } from "./dates";
import { ContractRefSchema, ContributionRefSchema, EvidenceLinkSchema } from "./model";
import type { EvidenceLink } from "./model";
import { Problem, problemsFromZod } from "./problems";

/** Forms leaves unanswered questions as "", which means "not answered". */
const optionalAnswer = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === null || (typeof v === "string" && v.trim() === "") ? undefined : v), schema.optional());

/** "11/20/2026 10:15:00 AM" as Forms' submitDate writes it, always UTC. */
const FORMS_DATE_TIME = /^(\d{1,2})\/(\d{1,2})\/(\d{4}),? (\d{1,2}):(\d{2})(?::(\d{2}))? ?([AP]M)$/i;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** Parses a submission time written as ISO 8601 with a zone or in Forms' US-style UTC form. */
export function parseSubmittedAt(text: string): string | undefined {
  const t = text.trim();
  if (ISO_DATE_TIME.test(t)) {
    // Date.parse rolls an impossible date over ("2026-02-30T10:00Z" is 2 March), so the date is checked first.
    if (!isValidIsoDate(t.slice(0, 10))) return undefined;
    const ms = Date.parse(t);
    return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
  }
  const m = FORMS_DATE_TIME.exec(t);
  if (!m) return undefined;
  const [month, day, year, hour12, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? "0"].map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour12 < 1 || hour12 > 12 || minute > 59 || second > 59) return undefined;
  const hour = (hour12 % 12) + ((m[7] ?? "").toUpperCase() === "PM" ? 12 : 0);
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  if (date.getUTCDate() !== day || date.getUTCMonth() !== month - 1) return undefined;
  return date.toISOString();
}

/**
 * A quantity as a number or as the text a form sends, read as UK suppliers type it ("1,250",
 * "£1,250.00", "2.5 FTE"; shared/answers.ts): the unit written with it is checked against the
 * measure's once the measure is known. "2,5" and "£1.2k" are refused with what to write instead.
 */
export const QuantitySchema = z
  .union([z.number(), z.string()], { error: (issue) => (issue.input === undefined ? "is required" : "must be a number") })
  .transform((v, ctx): QuantityAnswer => {
    const read = readQuantity(v);
    if (read.ok) return read.value;
    ctx.addIssue({ code: "custom", message: read.message });
    return z.NEVER;
  });

/** Evidence as a list of links, or as the JSON-array string a Forms file-upload question gives. */
export const EvidenceAnswerSchema = z
  .union([z.array(z.unknown()), z.string()])
  .transform((v, ctx): unknown[] => {
    if (Array.isArray(v)) return v;
    try {
      const parsed: unknown = JSON.parse(v);
      if (Array.isArray(parsed)) return parsed;
    } catch {
      // reported below with the same message as any other non-list
    }
    ctx.addIssue({ code: "custom", message: "evidence must be a list of {name, link} or the JSON list a file-upload question gives" });
    return z.NEVER;
  })
  .pipe(z.array(EvidenceLinkSchema).max(50, "at most 50 evidence links per submission"));

/**
 * What a supplier reports: the figures for one measure over one period. Also the body of a manual
 * contribution. The measure may be named by its code or by a choice answer that starts with it
 * ("J1 – Local people employed"); it is resolved against the contract's pack, where the unit is
 * checked and a qualitative measure, which needs no quantity, needs a description.
 */
export const ContributionReportSchema = z
  .object({
    contractRef: ContractRefSchema,
    supplier: z.string().trim().min(1, "say which supplier delivered this").max(200),
    measureCode: z.string().trim().min(1, "say which measure this is").max(300),
    quantity: QuantitySchema.optional(),
    periodStart: UkDateSchema,
    periodEnd: UkDateSchema,
    description: z.string().trim().max(4000).default(""),
    evidence: EvidenceAnswerSchema.default([]),
  })
  .strict()
  // zod 4 runs this even when a date already failed; only compare dates that parse (daysBetween throws otherwise).
  .refine((r) => !isValidIsoDate(r.periodStart) || !isValidIsoDate(r.periodEnd) || daysBetween(r.periodStart, r.periodEnd) >= 0, {
    path: ["periodEnd"],
    message: "the period ends before it starts",
  });
export type ContributionReport = z.infer<typeof ContributionReportSchema>;

/** An answer as the flow passes it on; the description is what the OpenAPI description tells a flow designer. */
const answer = (description: string) => optionalAnswer(z.unknown()).describe(description);

/**
 * The answer names a flow may send; their values are checked by the report or evidence schema,
 * read as UK suppliers type them (docs/ANSWERS.md).
 */
const AnswersSchema = z
  .object({
    contractRef: answer("The contract reference, in any case and with stray spaces, e.g. C-1001 or \" c-1001 \"."),
    supplier: answer("The supplier's name as on the contract, e.g. Acme Build Ltd."),
    measureCode: answer("The measure's code (J1), or a choice answer that starts with it (\"J1 – Local people employed\")."),
    quantity: answer("A number or the text typed: 2.5, \"1,250\", \"£1,250.00\", \"2.5 FTE\", \"120 hours\" (a unit must be the measure's). Not \"2,5\" or \"£1.2k\". Blank for a qualitative measure."),
    periodStart: answer("Day first: 01/07/2026, 1/7/26, 1 July 2026, 1 Jul 2026, or ISO 2026-07-01."),
    periodEnd: answer("Day first, like periodStart; not before it."),
    description: answer("What was delivered; required for a qualitative measure."),
    evidence: answer("A list of {name, link}, or the JSON string a file-upload question gives."),
    evidenceFor: answer("For evidence sent later: the earlier contribution's reference, e.g. SV-7K3Q9M2D."),
  })
  .strict();

export const SubmissionSchema = z
  .object({
    formId: z.string().trim().min(1, "formId is required").max(200),
    responseId: z.union([z.number().int().nonnegative(), z.string().trim().min(1).max(200)]).transform(String),
    submittedAt: z.string().transform((v, ctx) => {
      const iso = parseSubmittedAt(v);
      if (iso === undefined) {
        ctx.addIssue({ code: "custom", message: `"${v}" is not a date and time (ISO 8601, or M/d/yyyy h:mm:ss AM/PM in UTC)` });
        return z.NEVER;
      }
      return iso;
    }),
    /** The responder's email, or "anonymous" for forms that do not record it. */
    responder: z.string().trim().min(1).max(320),
    answers: AnswersSchema,
  })
  .strict();
export type SubmissionInput = z.input<typeof SubmissionSchema>;

export interface SubmissionMeta {
  formId: string;
  responseId: string;
  submittedAt: string;
  responder: string;
}

export type ParsedSubmission =
  | (SubmissionMeta & { kind: "contribution"; report: ContributionReport })
  | (SubmissionMeta & { kind: "evidence"; evidenceFor: string; evidence: EvidenceLink[]; description: string });

export type SubmissionResult = { ok: true; submission: ParsedSubmission } | { ok: false; problems: Problem[] };

const EvidenceOnlySchema = z
  .object({
    evidenceFor: ContributionRefSchema,
    evidence: EvidenceAnswerSchema.refine((e) => e.length > 0, "an evidence submission needs at least one evidence link"),
    description: z.string().trim().max(4000).default(""),
    quantity: z.undefined({ error: "an evidence submission carries no quantity; report new figures in a separate response" }).optional(),
  })
  .loose();

const prefix = (problems: Problem[], head: (string | number)[]) => problems.map((p) => ({ ...p, path: [...head, ...p.path] }));

/**
 * Validates the canonical body of POST /api/forms/responses and says which kind it is: new
 * figures (a contribution) or evidence for an earlier contribution (`evidenceFor`).
 */
export function parseSubmission(input: unknown): SubmissionResult {
  const outer = SubmissionSchema.safeParse(input);
  if (!outer.success) return { ok: false, problems: problemsFromZod(outer.error.issues) };
  const { answers, ...meta } = outer.data;

  if (answers.evidenceFor !== undefined) {
    const evidence = EvidenceOnlySchema.safeParse(answers);
    if (!evidence.success) return { ok: false, problems: prefix(problemsFromZod(evidence.error.issues), ["answers"]) };
    return {
      ok: true,
      submission: { ...meta, kind: "evidence", evidenceFor: evidence.data.evidenceFor, evidence: evidence.data.evidence, description: evidence.data.description },
    };
  }
  const { evidenceFor: _none, ...figures } = answers;
  const report = ContributionReportSchema.safeParse(figures);
  if (!report.success) return { ok: false, problems: prefix(problemsFromZod(report.error.issues), ["answers"]) };
  return { ok: true, submission: { ...meta, kind: "contribution", report: report.data } };
}
