import { z } from "zod";
import { EvidenceStatusSchema } from "./evidence";
import { ANONYMOUS_RESPONDER, AuditEntrySchema, CommitmentSchema, ContractRefSchema, ContractSchema, ContributionSchema, EmailSchema } from "./model";
import { ProblemSchema } from "./problems";
import { ContributionReportSchema } from "./submission";

/* The API's wire schemas: what each route takes and answers (the route table and docs/API-CONTRACT.md say which is which). */

/** Every API error: a code for programs, a message for people, field paths for validation problems. */
export const ApiErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(ProblemSchema).optional(),
  }),
});
export type ApiError = z.infer<typeof ApiErrorSchema>;

/** A refused Forms submission: always every problem with its field path; it is kept in quarantine. */
export const SubmissionRefusalSchema = z.object({
  error: z.object({
    code: z.literal("invalid-submission"),
    message: z.string(),
    details: z.array(ProblemSchema).min(1),
  }),
});

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), continuationToken: z.string().optional() });

/** The paging fields of a listing's query: how many items per page (at most `maxPageSize`), and where to go on from. */
export const pagingFields = (maxPageSize: number) => ({
  pageSize: z.coerce.number({ error: `pageSize is a whole number from 1 to ${maxPageSize}` }).int().min(1).max(maxPageSize).optional(),
  continuationToken: z.string().max(4096).optional(),
});

export const ReviewRequestSchema = z
  .discriminatedUnion("decision", [
    z
      .object({
        decision: z.literal("accept"),
        reason: z.string().trim().max(2000).optional(),
        /** Accepting evidence on a contribution with warnings clears them, and only with this (docs/WARNINGS.md). */
        confirmWarnings: z.boolean().optional(),
      })
      .strict(),
    z.object({ decision: z.literal("reject"), reason: z.string().trim().min(1, "say why the evidence is rejected; the supplier will read it").max(2000) }).strict(),
  ]);
export type ReviewRequest = z.infer<typeof ReviewRequestSchema>;

/** One look-up from a custom function; answers come back in the same order. */
export const ValueQuerySchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("delivered"), contract: ContractRefSchema, code: z.string().trim().min(1).optional() }).strict(),
  z.object({ kind: z.literal("overdue"), contract: ContractRefSchema }).strict(),
]);
export type ValueQuery = z.infer<typeof ValueQuerySchema>;

/** Most look-ups one POST /api/values/batch may carry; the functions' batching client splits larger batches. */
export const MAX_VALUE_QUERIES = 500;

export const ValuesBatchRequestSchema = z.object({ queries: z.array(ValueQuerySchema).min(1).max(MAX_VALUE_QUERIES) }).strict();
export type ValuesBatchRequest = z.infer<typeof ValuesBatchRequestSchema>;

export const ValueAnswerSchema = z.union([
  z.object({ ok: z.literal(true), value: z.number() }),
  z.object({ ok: z.literal(false), error: z.object({ code: z.string(), message: z.string() }) }),
]);
export type ValueAnswer = z.infer<typeof ValueAnswerSchema>;

export const ValuesBatchResponseSchema = z.object({ answers: z.array(ValueAnswerSchema) });
export type ValuesBatchResponse = z.infer<typeof ValuesBatchResponseSchema>;

/** GET /api/contracts/{id}: the contract with its committed quantities. */
export const ContractDetailSchema = ContractSchema.extend({ commitments: z.array(CommitmentSchema) }).strict();
export type ContractDetail = z.infer<typeof ContractDetailSchema>;

/**
 * What became of the email telling the supplier their evidence was rejected: `queued` for the next
 * chase run (minutes away; `lastTry` says why an earlier try did not go), `sent` (when Graph accepted
 * it), `failed` (the mail system's words), or `unreachable` (the report gave no email address).
 */
export const RejectionNoticeSchema = z
  .object({
    state: z.enum(["queued", "sent", "failed", "unreachable"]),
    /** Who it is (or would be) for: the supplier's responder as the report gave it. */
    recipient: z.string(),
    queuedAt: z.iso.datetime(),
    sentAt: z.iso.datetime().optional(),
    failure: z.string().optional(),
    lastTry: z.string().optional(),
  })
  .strict();
export type RejectionNotice = z.infer<typeof RejectionNoticeSchema>;

/** GET /api/contributions/{id}: the contribution with its audit trail, oldest entry first, and the rejection notice while one applies. */
export const ContributionDetailSchema = ContributionSchema.extend({ audit: z.array(AuditEntrySchema), rejectionNotice: RejectionNoticeSchema.optional() }).strict();
export type ContributionDetail = z.infer<typeof ContributionDetailSchema>;

/**
 * Body of POST /api/contributions: the figures a supplier reports through the form, plus the
 * supplier's contact who will be chased for evidence (the form knows its responder; an officer says).
 */
export const ManualContributionSchema = ContributionReportSchema.safeExtend({ responder: EmailSchema.optional() });
export type ManualContribution = z.infer<typeof ManualContributionSchema>;

const FlagSchema = z.enum(["true", "false"], { error: "write true or false" }).transform((v) => v === "true");

/** Query of GET /api/contributions. */
export const ContributionFiltersSchema = z
  .object({
    contractId: ContractRefSchema.optional(),
    status: EvidenceStatusSchema.optional(),
    supplier: z.string().trim().min(1).max(200).optional(),
    overdue: FlagSchema.optional(),
    /** Only contributions with warnings (true), or without (false). */
    needsLook: FlagSchema.optional(),
    ...pagingFields(1000),
  })
  .strict();
export type ContributionFilters = z.infer<typeof ContributionFiltersSchema>;

/** A page request for the plain listings (contracts, quarantine). */
export const PageQuerySchema = z.object(pagingFields(1000)).strict();

/** Who marked a quarantined submission dealt with, when, and what they did about it; the submission itself is kept. */
export const QuarantineResolutionSchema = z
  .object({
    by: z.string(),
    at: z.iso.datetime(),
    note: z.string().optional(),
  })
  .strict();
export type QuarantineResolution = z.infer<typeof QuarantineResolutionSchema>;

/** Body of POST /api/quarantine/{id}/resolve: an optional note, e.g. "Supplier re-sent it through the form". */
export const QuarantineResolveRequestSchema = z.object({ note: z.string().trim().max(2000).optional() }).strict();
export type QuarantineResolveRequest = z.infer<typeof QuarantineResolveRequestSchema>;

/** What POST /api/quarantine/{id}/resolve answers: the submission and its mark. */
export const QuarantineResolvedSchema = z.object({ id: z.string(), resolved: QuarantineResolutionSchema }).strict();

/** A submission that failed validation, kept with its raw body so an officer can see what arrived and why it was refused. */
export const QuarantineItemSchema = z.object({
  id: z.string(),
  receivedAt: z.iso.datetime(),
  contentType: z.string(),
  formId: z.string().optional(),
  responseId: z.string().optional(),
  reasons: z.array(ProblemSchema),
  raw: z.string(),
  /** Set once an officer has dealt with it. */
  resolved: QuarantineResolutionSchema.optional(),
  /** Listings only: who sent it and for which contract, read from the raw body when it parses (readSender). */
  supplier: z.string().optional(),
  responder: z.string().optional(),
  contractRef: z.string().optional(),
});
export type QuarantineItem = z.infer<typeof QuarantineItemSchema>;

/** What POST /api/forms/responses answers when it accepted a submission (201 new, 200 repeat). */
export const IngestionResultSchema = z.object({
  outcome: z.enum(["created", "duplicate", "evidence-attached", "evidence-duplicate"]),
  id: z.string(),
  contractId: ContractRefSchema,
  evidenceStatus: EvidenceStatusSchema,
});
export type IngestionResult = z.infer<typeof IngestionResultSchema>;

export const HealthSchema = z.object({ status: z.enum(["ok", "unavailable"]), storage: z.enum(["ok", "unreachable"]) });
export type Health = z.infer<typeof HealthSchema>;

/** A framework pack as GET /api/packs lists it (without its measures). */
export const PackSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  edition: z.string(),
  illustrative: z.boolean(),
  licence: z.string(),
  source: z.string(),
  measureCount: z.number().int(),
  /** True for the pack shipped with the product; false for packs officers uploaded. */
  bundled: z.boolean(),
  uploadedAt: z.iso.datetime().optional(),
  uploadedBy: z.string().optional(),
});
export type PackSummary = z.infer<typeof PackSummarySchema>;

function emailDomain(address: string): string | undefined {
  const at = address.lastIndexOf("@");
  return at > 0 ? address.slice(at + 1).trim().toLowerCase() : undefined;
}

/**
 * Who may send evidence for a contribution: the person who reported it, or a colleague at the same
 * supplier (same email domain). Anonymous forms cannot tell people apart, so anonymous evidence is
 * taken only for contributions that were themselves reported anonymously.
 */
export function mayAttachEvidence(
  contribution: { id: string; responder: string },
  responder: string,
): { ok: true } | { ok: false; reason: string } {
  const owner = contribution.responder.trim().toLowerCase();
  const sender = responder.trim().toLowerCase();
  if (owner === sender) return { ok: true };
  if (sender === ANONYMOUS_RESPONDER) {
    return { ok: false, reason: `${contribution.id} was reported by a named responder; evidence for it cannot come from an anonymous response` };
  }
  const ownerDomain = emailDomain(owner);
  if (ownerDomain !== undefined && ownerDomain === emailDomain(sender)) return { ok: true };
  return { ok: false, reason: `${contribution.id} belongs to another supplier's report; evidence must come from the person who reported it or a colleague at the same supplier` };
}
