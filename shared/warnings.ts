import { z } from "zod";

/**
 * Claims that need a second look (docs/WARNINGS.md). A warning never refuses a submission: it is
 * kept on the contribution until an officer clears it with a reason.
 */
export const WARNING_CODES = ["possible-duplicate", "implausible-value", "outside-contract-period", "period-not-ended"] as const;
export const WarningCodeSchema = z.enum(WARNING_CODES);
export type WarningCode = z.infer<typeof WarningCodeSchema>;

export const WarningSchema = z
  .object({
    code: WarningCodeSchema,
    message: z.string(),
    /** The earlier contributions the warning is about (possible duplicates). */
    relatedIds: z.array(z.string()).optional(),
  })
  .strict();
export type Warning = z.infer<typeof WarningSchema>;

/**
 * Per-measure bounds an officer sets on a contract: one contribution above either is flagged
 * `implausible-value`. Keys are measure codes; `maxValue` is in £ like the contract's value.
 */
export const WarningBoundSchema = z
  .object({
    maxQuantity: z.number().finite().positive().optional(),
    maxValue: z.number().finite().positive().optional(),
  })
  .strict()
  .refine((b) => b.maxQuantity !== undefined || b.maxValue !== undefined, "give maxQuantity, maxValue or both");
export const WarningBoundsSchema = z.record(z.string().trim().min(1).max(40), WarningBoundSchema);
export type WarningBounds = z.infer<typeof WarningBoundsSchema>;

/** Body of POST /api/contributions/{id}/warnings/clear: why the officer is satisfied. */
export const ClearWarningsRequestSchema = z
  .object({ reason: z.string().trim().min(1, "say why the warnings no longer need a look; it goes into the audit trail").max(2000) })
  .strict();
export type ClearWarningsRequest = z.infer<typeof ClearWarningsRequestSchema>;
