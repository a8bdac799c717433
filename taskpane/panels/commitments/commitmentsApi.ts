import { CommitmentsSchema, problemsFromZod } from "../../../shared";
import type { Commitment, ContractDetail, FrameworkPack, Problem } from "../../../shared";
import type { CommitmentRow } from "../../../shared/commitmentsTable";

/** What the Commitments panel needs from the API client (ApiClient has it). */
export interface CommitmentsApi {
  getPack(id: string, edition: string): Promise<FrameworkPack>;
  getContract(id: string, options?: { signal?: AbortSignal }): Promise<{ value: ContractDetail }>;
  /** PUT /api/contracts/{id}/commitments: replaces them all; answers with them as stored. */
  putCommitments(contractId: string, commitments: Commitment[]): Promise<Commitment[]>;
}

/** A problem the API (or the schema) reports by field path, placed on the worksheet row it came from. */
function onRow(problem: Problem, rows: readonly CommitmentRow[]): Problem {
  const [first, index] = problem.path;
  const path = problem.path.join(".");
  const row = first === "commitments" && typeof index === "number" ? rows[index]?.row : undefined;
  return { ...problem, ...(row !== undefined ? { row } : {}), message: path ? `${path}: ${problem.message}` : problem.message };
}

/** The problems an error names (an ApiProblem's or a ValidationError's), each with its field path and row. */
export function problemsOnRows(error: unknown, rows: readonly CommitmentRow[]): Problem[] {
  if (typeof error !== "object" || error === null) return [];
  const listed = "details" in error ? error.details : "problems" in error ? error.problems : undefined;
  if (!Array.isArray(listed)) return [];
  return (listed as Problem[]).map((p) => onRow(p, rows));
}

export class CommitmentsRefused extends Error {
  override readonly name = "CommitmentsRefused";
  constructor(readonly problems: Problem[]) {
    super(`The commitments do not match what the API accepts, so nothing was sent: ${problems.length === 1 ? "1 problem" : `${problems.length} problems`}.`);
  }
}

/** The body PUT /commitments takes, checked with the API's own schema before anything is sent. */
export function commitmentsToSave(rows: readonly CommitmentRow[]): Commitment[] {
  const checked = CommitmentsSchema.safeParse({ commitments: rows.map((r) => r.commitment) });
  if (!checked.success) throw new CommitmentsRefused(problemsFromZod(checked.error.issues).map((p) => onRow(p, rows)));
  return checked.data.commitments;
}
