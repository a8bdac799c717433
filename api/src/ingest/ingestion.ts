import { EvidenceTransitionError, mayAttachEvidence, mergeWarnings, nextEvidenceStatus, parseSubmission, plural, warningsSummary } from "../../../shared";
import type { EvidenceLink, IngestionResult, ParsedSubmission, Problem } from "../../../shared";
import type { Deps } from "../deps";
import { buildContribution, createdAudit, resolveReport } from "./contribution";
import { formReference, REFERENCE_ATTEMPTS } from "./references";
import { evidenceWarningsFor, warningsFor } from "./warnings";
import { countInPortfolio } from "../portfolio/totals";
import { StaleEtagError, StorageRefusedError } from "../store/errors";
import { digest } from "../store/keys";
import type { InboxEntry } from "../store/ports";

/**
 * One Forms submission into the ledger, however it arrived: posted by the Power Automate flow
 * (`POST /api/forms/responses`) or read from the response workbook by the pull. The raw arrival
 * is already in the inbox; this validates it, and creates the contribution, attaches evidence, or
 * quarantines it with every reason. Idempotent on formId + responseId.
 */

export interface Arrival {
  inbox: InboxEntry;
  contentType: string;
  /** What arrived, as stored in the inbox (the body, or the workbook row). */
  raw: string;
  /** The canonical submission to validate, once it is known (parsed JSON, or the mapped row). */
  parsed?: unknown;
}

export type IngestOutcome =
  | { kind: "accepted"; status: 200 | 201; result: IngestionResult }
  | { kind: "quarantined"; id: string; problems: Problem[] }
  /** The contribution kept changing under the evidence; the same submission should be tried again. */
  | { kind: "busy"; message: string };

type Submission<K extends ParsedSubmission["kind"]> = Extract<ParsedSubmission, { kind: K }>;

/** Best effort: which response a refused submission claims to be, so an officer can find it in Forms. */
function claimedIds(parsed: unknown): { formId?: string; responseId?: string } {
  if (typeof parsed !== "object" || parsed === null) return {};
  const { formId, responseId } = parsed as Record<string, unknown>;
  return {
    formId: typeof formId === "string" ? formId.slice(0, 200) : undefined,
    responseId: typeof responseId === "string" || typeof responseId === "number" ? String(responseId).slice(0, 200) : undefined,
  };
}

/** Keeps the refused submission with its reasons; it is never dropped. */
export async function quarantine(deps: Deps, arrival: Arrival, problems: Problem[]): Promise<IngestOutcome> {
  await deps.store.addToQuarantine({
    id: arrival.inbox.id,
    receivedAt: arrival.inbox.receivedAt,
    contentType: arrival.contentType,
    ...claimedIds(arrival.parsed),
    reasons: problems,
    raw: arrival.raw,
  });
  return { kind: "quarantined", id: arrival.inbox.id, problems };
}

const withAnswers = (problems: Problem[]) => problems.map((p) => ({ ...p, path: ["answers", ...p.path] }));

const accepted = (status: 200 | 201, result: IngestionResult): IngestOutcome => ({ kind: "accepted", status, result });

/** New figures: one contribution per form response, however often the response arrives. */
async function ingestContribution(deps: Deps, arrival: Arrival, submission: Submission<"contribution">): Promise<IngestOutcome> {
  const resolved = await resolveReport(deps, submission.report);
  if (!resolved.ok) return quarantine(deps, arrival, withAnswers(resolved.problems));
  const { contract } = resolved.context;
  const { formId, responseId } = submission;

  // Insert-if-absent on the reference derived from formId + responseId decides who is first: the
  // first arrival creates the contribution, every repeat (20 in parallel or a retry hours later) finds it.
  const owner = { contractId: contract.id, formId, responseId };
  const now = deps.clock.now().toISOString();
  for (let attempt = 0; attempt < REFERENCE_ATTEMPTS; attempt++) {
    const id = formReference(formId, responseId, attempt);
    const built = buildContribution({
      id,
      context: resolved.context,
      report: submission.report,
      responder: submission.responder,
      source: { kind: "form", formId, responseId },
      submittedAt: submission.submittedAt,
    });
    // Warnings never refuse a submission: they are kept on it for an officer (docs/WARNINGS.md).
    const contribution = { ...built, warnings: await warningsFor(deps, built, contract) };
    const audit = createdAudit(contribution, now, submission.responder, `Reported through form ${formId} response ${responseId} (inbox ${arrival.inbox.id})`);
    let saved;
    try {
      saved = await deps.store.createContribution(contribution, audit, { owner, inboxId: arrival.inbox.id });
    } catch (e) {
      // Sending it again would be refused again: keep it for an officer instead of a 500 the flow retries forever.
      if (!(e instanceof StorageRefusedError)) throw e;
      return quarantine(deps, arrival, [{ path: [], message: `${e.message}; nothing of it was kept in the ledger` }]);
    }
    if (saved.outcome === "created") return accepted(201, { outcome: "created", id, contractId: contract.id, evidenceStatus: contribution.evidenceStatus });
    if (saved.outcome === "taken" && (saved.owner.formId !== formId || saved.owner.responseId !== responseId)) continue; // another response holds it
    // A repeat of this response: answer with what the first arrival saved.
    const contractId = saved.outcome === "taken" ? saved.owner.contractId : contract.id;
    const existing = await deps.store.getContribution(contractId, id);
    if (existing) return accepted(200, { outcome: "duplicate", id, contractId, evidenceStatus: existing.value.evidenceStatus });
    if (saved.outcome === "exists") throw new Error(`Contribution ${id} was reported saved but cannot be read`);
    return quarantine(deps, arrival, [
      { path: ["answers", "contractRef"], message: `form ${formId} response ${responseId} was first received for contract ${contractId}, not ${contract.id}` },
    ]);
  }
  throw new Error(`No free contribution reference for form ${formId} response ${responseId} after ${REFERENCE_ATTEMPTS} attempts`);
}

function mergeEvidence(current: EvidenceLink[], added: EvidenceLink[]): EvidenceLink[] {
  const merged = [...current];
  const seen = new Set(current.map((e) => e.link));
  for (const link of added) {
    if (seen.has(link.link)) continue;
    seen.add(link.link);
    merged.push(link);
  }
  return merged;
}

/** Evidence for an earlier contribution, quoted by its reference: attached once per form response. */
async function attachEvidence(deps: Deps, arrival: Arrival, submission: Submission<"evidence">): Promise<IngestOutcome> {
  const ref = submission.evidenceFor;
  const where = ["answers", "evidenceFor"];
  const owner = await deps.store.findReference(ref);
  let stored = owner ? await deps.store.getContribution(owner.contractId, ref) : undefined;
  if (!owner || !stored) return quarantine(deps, arrival, [{ path: where, message: `no contribution has the reference ${ref}; check the reference in the reminder email` }]);
  const allowed = mayAttachEvidence(stored.value, submission.responder);
  if (!allowed.ok) return quarantine(deps, arrival, [{ path: where, message: allowed.reason }]);

  const dedupeKey = digest(submission.formId, submission.responseId);
  const answer = (status: 200 | 201, outcome: IngestionResult["outcome"], evidenceStatus: IngestionResult["evidenceStatus"]) =>
    accepted(status, { outcome, id: ref, contractId: owner.contractId, evidenceStatus });

  const reused = await evidenceWarningsFor(deps, stored.value, submission.evidence);
  // Optimistic concurrency: a review or another evidence submission may land between read and write.
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = stored.value;
    let status;
    try {
      status = nextEvidenceStatus(current.evidenceStatus, "submit");
    } catch (e) {
      if (!(e instanceof EvidenceTransitionError)) throw e;
      if (await deps.store.wasApplied(owner.contractId, ref, dedupeKey)) return answer(200, "evidence-duplicate", current.evidenceStatus);
      return quarantine(deps, arrival, [{ path: where, message: `${ref}: ${e.message}` }]);
    }
    const after = { ...current, evidence: mergeEvidence(current.evidence, submission.evidence), evidenceStatus: status, warnings: mergeWarnings(current.warnings, reused) };
    const names = submission.evidence.map((e) => e.name).join(", ");
    const note = submission.description ? ` Note: ${submission.description.slice(0, 500)}` : "";
    const flagged = reused.length > 0 ? ` Needs a look: ${warningsSummary(reused)}.` : "";
    const outcome = await deps.store
      .updateContribution(
        stored,
        after,
        {
          at: deps.clock.now().toISOString(),
          actor: submission.responder,
          action: "evidence-submitted",
          detail: `${plural(submission.evidence.length, "evidence link")} through form ${submission.formId} response ${submission.responseId}: ${names}.${note}${flagged}`,
        },
        dedupeKey,
      )
      .catch((e: unknown) => {
        if (e instanceof StaleEtagError) return undefined;
        throw e;
      });
    if (outcome?.outcome === "updated") return answer(201, "evidence-attached", status);
    if (outcome?.outcome === "duplicate") return answer(200, "evidence-duplicate", current.evidenceStatus);
    stored = await deps.store.getContribution(owner.contractId, ref);
    if (!stored) throw new Error(`Contribution ${ref} disappeared while evidence was being attached`);
  }
  return { kind: "busy", message: `${ref} kept changing while the evidence was being attached; send the submission again.` };
}

/** Validates the arrival's canonical submission (`arrival.parsed`) and takes it in: new figures, or evidence. */
export async function ingestSubmission(deps: Deps, arrival: Arrival): Promise<IngestOutcome> {
  const parsed = parseSubmission(arrival.parsed);
  if (!parsed.ok) return quarantine(deps, arrival, parsed.problems);
  const outcome = parsed.submission.kind === "contribution" ? await ingestContribution(deps, arrival, parsed.submission) : await attachEvidence(deps, arrival, parsed.submission);
  // Repeats count too: a retry after counting failed finishes it, and counting again changes nothing.
  if (outcome.kind === "accepted") await countInPortfolio(deps, outcome.result.contractId, outcome.result.id);
  return outcome;
}
