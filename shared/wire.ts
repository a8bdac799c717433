import { z } from "zod";
import { ContractRefSchema } from "./model";

/** Every API error: a code for programs, a message for people, field paths for validation problems. */
export const ApiErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z
      .array(z.object({ path: z.array(z.union([z.string(), z.number()])), message: z.string(), row: z.number().optional(), column: z.string().optional() }))
      .optional(),
  }),
});
export type ApiError = z.infer<typeof ApiErrorSchema>;

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), continuationToken: z.string().optional() });

export const ReviewRequestSchema = z
  .discriminatedUnion("decision", [
    z.object({ decision: z.literal("accept"), reason: z.string().trim().max(2000).optional() }).strict(),
    z.object({ decision: z.literal("reject"), reason: z.string().trim().min(1, "say why the evidence is rejected; the supplier will read it").max(2000) }).strict(),
  ]);
export type ReviewRequest = z.infer<typeof ReviewRequestSchema>;

/** One look-up from a custom function; answers come back in the same order. */
export const ValueQuerySchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("delivered"), contract: ContractRefSchema, code: z.string().trim().min(1).optional() }).strict(),
  z.object({ kind: z.literal("overdue"), contract: ContractRefSchema }).strict(),
]);
export type ValueQuery = z.infer<typeof ValueQuerySchema>;

export const ValuesBatchRequestSchema = z.object({ queries: z.array(ValueQuerySchema).min(1).max(500) }).strict();
export type ValuesBatchRequest = z.infer<typeof ValuesBatchRequestSchema>;

export const ValueAnswerSchema = z.union([
  z.object({ ok: z.literal(true), value: z.number() }),
  z.object({ ok: z.literal(false), error: z.object({ code: z.string(), message: z.string() }) }),
]);
export type ValueAnswer = z.infer<typeof ValueAnswerSchema>;

export const ValuesBatchResponseSchema = z.object({ answers: z.array(ValueAnswerSchema) });
export type ValuesBatchResponse = z.infer<typeof ValuesBatchResponseSchema>;
