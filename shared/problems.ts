import { z } from "zod";

/** One thing wrong with an input, said so a person can find and fix it (API errors and quarantine entries carry these). */
export const ProblemSchema = z.object({
  /** Field path inside the input, e.g. ["answers", "quantity"] or ["measures", 3, "proxy"]. */
  path: z.array(z.union([z.string(), z.number()])),
  message: z.string(),
  /** For tabular input: the 1-based row as the person sees it (header row included). */
  row: z.number().optional(),
  /** For tabular input: the column header as written. */
  column: z.string().optional(),
});
export type Problem = z.infer<typeof ProblemSchema>;

/** An input was refused; `problems` lists every reason, not just the first. */
export class ValidationError extends Error {
  constructor(
    readonly subject: string,
    readonly problems: Problem[],
  ) {
    super(`${subject} is not valid: ${problems.map(describeProblem).join("; ")}`);
    this.name = "ValidationError";
  }
}

export function describeProblem(p: Problem): string {
  const where: string[] = [];
  if (p.row !== undefined) where.push(`row ${p.row}`);
  if (p.column !== undefined) where.push(`column "${p.column}"`);
  if (where.length === 0 && p.path.length > 0) where.push(p.path.join("."));
  return where.length > 0 ? `${where.join(", ")}: ${p.message}` : p.message;
}

/** zod's wording for an absent field, said plainly. */
function isMissing(issue: { message: string; code?: string }): boolean {
  return issue.code === "invalid_type" && issue.message.endsWith("received undefined");
}

/** Converts zod issues to problems, keeping the field path. */
export function problemsFromZod(issues: readonly { path: readonly PropertyKey[]; message: string; code?: string }[]): Problem[] {
  return issues.map((i) => ({
    path: i.path.map((k) => (typeof k === "number" ? k : String(k))),
    message: isMissing(i) ? "is required" : i.message,
  }));
}
