import { z } from "zod";
import { EvidenceStatusSchema } from "./evidence";
import { AuditEntrySchema, CommitmentSchema, ContractRefSchema, ContractSchema, ContributionSchema, EmailSchema } from "./model";
import { ContributionReportSchema } from "./submission";

/** One problem with an input, as API errors and quarantine entries carry it. */
export const ProblemSchema = z.object({
  path: z.array(z.union([z.string(), z.number()])),
  message: z.string(),
  row: z.number().optional(),
  column: z.string().optional(),
});

/** GET /api/contracts/{id}: the contract with its committed quantities. */
export const ContractDetailSchema = ContractSchema.extend({ commitments: z.array(CommitmentSchema) }).strict();
export type ContractDetail = z.infer<typeof ContractDetailSchema>;

/** GET /api/contributions/{id}: the contribution with its audit trail, oldest entry first. */
export const ContributionDetailSchema = ContributionSchema.extend({ audit: z.array(AuditEntrySchema) }).strict();
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
    pageSize: z.coerce.number({ error: "pageSize is a whole number from 1 to 1000" }).int().min(1).max(1000).optional(),
    continuationToken: z.string().max(4096).optional(),
  })
  .strict();
export type ContributionFilters = z.infer<typeof ContributionFiltersSchema>;

/** A page request for the plain listings (contracts, quarantine). */
export const PageQuerySchema = z
  .object({
    pageSize: z.coerce.number({ error: "pageSize is a whole number from 1 to 1000" }).int().min(1).max(1000).optional(),
    continuationToken: z.string().max(4096).optional(),
  })
  .strict();

/** A submission that failed validation, kept with its raw body so an officer can see what arrived and why it was refused. */
export const QuarantineItemSchema = z.object({
  id: z.string(),
  receivedAt: z.iso.datetime(),
  contentType: z.string(),
  formId: z.string().optional(),
  responseId: z.string().optional(),
  reasons: z.array(ProblemSchema),
  raw: z.string(),
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

/** Suppliers are matched without case or extra spaces: "Acme  Build ltd" is "Acme Build Ltd". */
export function supplierKey(supplier: string): string {
  return supplier.trim().replace(/\s+/g, " ").toLowerCase();
}

const ANONYMOUS = "anonymous";

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
  if (sender === ANONYMOUS) {
    return { ok: false, reason: `${contribution.id} was reported by a named responder; evidence for it cannot come from an anonymous response` };
  }
  const ownerDomain = emailDomain(owner);
  if (ownerDomain !== undefined && ownerDomain === emailDomain(sender)) return { ok: true };
  return { ok: false, reason: `${contribution.id} belongs to another supplier's report; evidence must come from the person who reported it or a colleague at the same supplier` };
}
