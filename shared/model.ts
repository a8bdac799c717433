import { z } from "zod";
import { IsoDateSchema, daysBetween, isValidIsoDate } from "./dates";
import { EvidenceStatusSchema } from "./evidence";
import { normaliseCode, PACK_ID } from "./pack";
import { WarningBoundsSchema, WarningSchema } from "./warnings";

/** A contract reference in any case with stray spaces, as people copy it: " c- 1001 " is C-1001. */
export function normaliseContractRef(text: string): string {
  return text.replace(/\s+/g, "").toUpperCase();
}

/**
 * Contract references are what suppliers type into the form, e.g. C-1001; they are also the
 * contract's id, so they are kept upper case without spaces wherever they are read.
 */
export const ContractRefSchema = z
  .string()
  .transform(normaliseContractRef)
  .pipe(z.string().regex(/^[A-Z0-9][A-Z0-9_.-]{0,63}$/, "a contract reference is letters, digits, '-', '_' or '.', e.g. C-1001"));

/** Contribution references are quoted by suppliers when they send evidence later, e.g. SV-7K3Q9M2D. */
export const CONTRIBUTION_REF = /^SV-[0-9A-HJKMNP-TV-Z]{8}$/;
export const ContributionRefSchema = z
  .string()
  .trim()
  .transform((s) => s.toUpperCase())
  .pipe(z.string().regex(CONTRIBUTION_REF, "a contribution reference looks like SV-7K3Q9M2D"));

/** What stands for the responder of a form that does not record who answered (Forms writes it so too). */
export const ANONYMOUS_RESPONDER = "anonymous";

/** Suppliers are matched without case or extra spaces: "Acme  Build ltd" is "Acme Build Ltd". */
export function supplierKey(supplier: string): string {
  return supplier.trim().replace(/\s+/g, " ").toLowerCase();
}

export const EmailSchema = z.string().trim().toLowerCase().pipe(z.email("must be an email address"));

export const ContactSchema = z.object({ name: z.string().trim().min(1, "a contact needs a name"), email: EmailSchema }).strict();
export type Contact = z.infer<typeof ContactSchema>;

export const ContractManagerSchema = ContactSchema.extend({ lineManager: ContactSchema.optional() }).strict();

/** How evidence is owed and chased on a contract. */
export const ReminderPolicySchema = z
  .object({
    /** Evidence is due this many days after the end of the period it covers. */
    evidenceGraceDays: z.number().int().min(0).max(365).default(30),
    /** The supplier is reminded on the due date and again every this many days. */
    remindEveryDays: z.number().int().min(1).max(90).default(7),
    /** After this many reminders the contract manager is told too. */
    escalateAfterReminders: z.number().int().min(1).max(20).default(2),
    /** After this many reminders the contract manager's line manager is told too. */
    lineManagerAfterReminders: z.number().int().min(1).max(40).default(4),
  })
  .strict()
  .refine((p) => p.lineManagerAfterReminders > p.escalateAfterReminders, {
    path: ["lineManagerAfterReminders"],
    message: "the line manager is told after the contract manager, so this must be larger than escalateAfterReminders",
  });
export type ReminderPolicy = z.infer<typeof ReminderPolicySchema>;

const MoneySchema = z.number().finite().nonnegative();

const ContractFields = z.object({
  id: ContractRefSchema,
  title: z.string().trim().min(1, "a contract needs a title").max(200),
  /** The organisation that awarded the contract; emails are signed with it. */
  buyer: z.string().trim().min(1).max(200),
  packId: z.string().regex(PACK_ID, "not a pack id"),
  packEdition: z.string().trim().min(1),
  /** Contract value in £, for the social value ratio. */
  value: MoneySchema.refine((v) => v > 0, "the contract value must be more than £0"),
  startDate: IsoDateSchema,
  endDate: IsoDateSchema,
  contractManager: ContractManagerSchema,
  escalationContacts: z.array(ContactSchema).max(10).default([]),
  reminderPolicy: ReminderPolicySchema.default({
    evidenceGraceDays: 30,
    remindEveryDays: 7,
    escalateAfterReminders: 2,
    lineManagerAfterReminders: 4,
  }),
  /** The Microsoft Form suppliers report through; reminders link to it. */
  formUrl: z.url().optional(),
  /** Per-measure bounds above which one contribution is flagged implausible-value (docs/WARNINGS.md). */
  warningBounds: WarningBoundsSchema.optional(),
  /** The council's service or directorate the contract serves (e.g. Highways), for the portfolio view. */
  service: z.string().trim().min(1, "leave the service out rather than blank").max(120).optional(),
});

/** Only compares dates that parse: zod 4 runs this refinement even when a date already failed, and daysBetween throws on those. */
const periodInOrder = (c: { startDate: string; endDate: string }) =>
  !isValidIsoDate(c.startDate) || !isValidIsoDate(c.endDate) || daysBetween(c.startDate, c.endDate) > 0;

export const ContractInputSchema = ContractFields.strict().refine(periodInOrder, {
  path: ["endDate"],
  message: "the contract must end after it starts",
});
export type ContractInput = z.input<typeof ContractInputSchema>;

export const ContractSchema = ContractFields.extend({ createdAt: z.iso.datetime(), updatedAt: z.iso.datetime() }).strict();
export type Contract = z.infer<typeof ContractSchema>;

/**
 * A PATCH may change anything but the id and the pinned pack (values already stored depend on it).
 * Fields that have defaults on creation lose them here: zod 4 applies a default inside `.partial()`,
 * which would silently reset contacts and the reminder policy of a PATCH that does not mention them.
 */
export const ContractPatchSchema = ContractFields.extend({
  escalationContacts: z.array(ContactSchema).max(10),
  reminderPolicy: ReminderPolicySchema,
})
  .omit({ id: true, packId: true, packEdition: true })
  .partial()
  .strict();
export type ContractPatch = z.infer<typeof ContractPatchSchema>;

export const CommitmentSchema = z
  .object({
    measureCode: z.string().trim().min(1, "a commitment needs a measure code"),
    quantity: z.number().finite().nonnegative("a committed quantity cannot be negative"),
    /** The supplier who made the promise, when the supply chain is committed supplier by supplier. */
    supplier: z.string().trim().max(200).optional(),
    note: z.string().trim().max(1000).optional(),
  })
  .strict();
export type Commitment = z.infer<typeof CommitmentSchema>;

/** What `PUT /api/contracts/{id}/commitments` accepts in one go. */
export const MAX_COMMITMENTS = 2000;

export const CommitmentsSchema = z
  .object({ commitments: z.array(CommitmentSchema).max(MAX_COMMITMENTS) })
  .strict()
  .superRefine((body, ctx) => {
    const seen = new Set<string>();
    body.commitments.forEach((c, i) => {
      const key = `${normaliseCode(c.measureCode)}\u0000${supplierKey(c.supplier ?? "")}`;
      if (seen.has(key)) {
        ctx.addIssue({ code: "custom", path: ["commitments", i, "measureCode"], message: `${c.measureCode} is committed twice${c.supplier ? ` for ${c.supplier}` : ""}` });
      }
      seen.add(key);
    });
  });

export const EvidenceLinkSchema = z
  .object({ name: z.string().trim().min(1).max(400), link: z.url({ protocol: /^https?$/, error: "an evidence link must be an http(s) address" }) })
  .strip();
export type EvidenceLink = z.infer<typeof EvidenceLinkSchema>;

export const ContributionSourceSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("form"), formId: z.string(), responseId: z.string() }).strict(),
  z.object({ kind: z.literal("manual"), recordedBy: z.string() }).strict(),
]);

export const ContributionSchema = z
  .object({
    id: ContributionRefSchema,
    contractId: ContractRefSchema,
    supplier: z.string().min(1),
    /** Who reported it; reminders go to them. */
    responder: z.string(),
    measureCode: z.string().min(1),
    quantity: z.number().finite().nonnegative(),
    periodStart: IsoDateSchema,
    periodEnd: IsoDateSchema,
    description: z.string(),
    evidence: z.array(EvidenceLinkSchema),
    evidenceStatus: EvidenceStatusSchema,
    evidenceDueDate: IsoDateSchema,
    /** £ at ingestion with the contract's pinned pack; null for record-only and qualitative measures. */
    value: z.number().finite().nullable(),
    packId: z.string(),
    packEdition: z.string(),
    source: ContributionSourceSchema,
    submittedAt: z.iso.datetime(),
    reviewedBy: z.string().optional(),
    reviewedAt: z.iso.datetime().optional(),
    rejectionReason: z.string().optional(),
    /** What needs a second look (docs/WARNINGS.md); emptied only by an officer's decision. */
    warnings: z.array(WarningSchema).default([]),
  })
  .strict();
export type Contribution = z.infer<typeof ContributionSchema>;

export const AuditEntrySchema = z
  .object({
    at: z.iso.datetime(),
    actor: z.string(),
    action: z.enum(["created", "evidence-submitted", "accepted", "rejected", "chased", "warnings-cleared"]),
    detail: z.string(),
  })
  .strict();
export type AuditEntry = z.infer<typeof AuditEntrySchema>;
