import type { HttpResponseInit } from "@azure/functions";
import { EvidenceTransitionError, mayAttachEvidence, nextEvidenceStatus, parseSubmission } from "../../../shared";
import type { EvidenceLink, IngestionResult, ParsedSubmission, Problem } from "../../../shared";
import type { Deps } from "../compose";
import { decodeUtf8, MAX_BODY_BYTES, parseJsonText, readBytes, requireJsonContentType } from "../http/body";
import type { Handler } from "../http/dispatch";
import { ApiFailure } from "../http/errors";
import { json } from "../http/respond";
import { buildContribution, createdAudit, resolveReport } from "../ledger";
import { formReference, REFERENCE_ATTEMPTS } from "../references";
import { StaleEtagError } from "../store/errors";
import { digest } from "../store/keys";
import type { InboxEntry } from "../store/ledgerStore";

type Submission<K extends ParsedSubmission["kind"]> = Extract<ParsedSubmission, { kind: K }>;

interface Arrival {
  inbox: InboxEntry;
  contentType: string;
  raw: string;
  parsed?: unknown;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** Best effort: which response a refused body claims to be, so an officer can find it in Forms. */
function claimedIds(parsed: unknown): { formId?: string; responseId?: string } {
  if (typeof parsed !== "object" || parsed === null) return {};
  const { formId, responseId } = parsed as Record<string, unknown>;
  return {
    formId: typeof formId === "string" ? formId.slice(0, 200) : undefined,
    responseId: typeof responseId === "string" || typeof responseId === "number" ? String(responseId).slice(0, 200) : undefined,
  };
}

/** Keeps the refused submission with its reasons, then answers 400 with every problem. */
async function quarantine(deps: Deps, arrival: Arrival, problems: Problem[]): Promise<never> {
  await deps.store.addToQuarantine({
    id: arrival.inbox.id,
    receivedAt: arrival.inbox.receivedAt,
    contentType: arrival.contentType,
    ...claimedIds(arrival.parsed),
    reasons: problems,
    raw: arrival.raw,
  });
  throw new ApiFailure(
    400,
    "invalid-submission",
    `The submission was not accepted (${plural(problems.length, "problem")}); it is kept in quarantine for an officer to see.`,
    problems,
    { "x-quarantine-id": arrival.inbox.id },
  );
}

const withAnswers = (problems: Problem[]) => problems.map((p) => ({ ...p, path: ["answers", ...p.path] }));

function result(status: 200 | 201, body: IngestionResult): HttpResponseInit {
  return json(status, body, { location: `/api/contributions/${body.id}` });
}

/** New figures: one contribution per form response, however often the response is posted. */
async function ingestContribution(deps: Deps, arrival: Arrival, submission: Submission<"contribution">): Promise<HttpResponseInit> {
  const resolved = await resolveReport(deps, submission.report);
  if (!resolved.ok) return quarantine(deps, arrival, withAnswers(resolved.problems));
  const { contract } = resolved.context;
  const { formId, responseId } = submission;

  // Insert-if-absent on the reference derived from formId + responseId decides who is first: the
  // first post creates the contribution, every repeat (20 in parallel or a retry hours later) finds it.
  const owner = { contractId: contract.id, formId, responseId };
  const now = deps.clock.now().toISOString();
  for (let attempt = 0; attempt < REFERENCE_ATTEMPTS; attempt++) {
    const id = formReference(formId, responseId, attempt);
    const contribution = buildContribution({
      id,
      context: resolved.context,
      report: submission.report,
      responder: submission.responder,
      source: { kind: "form", formId, responseId },
      submittedAt: submission.submittedAt,
    });
    const audit = createdAudit(contribution, now, submission.responder, `Reported through form ${formId} response ${responseId} (inbox ${arrival.inbox.id})`);
    const saved = await deps.store.createContribution(contribution, audit, { owner, inboxId: arrival.inbox.id });
    if (saved.outcome === "created") return result(201, { outcome: "created", id, contractId: contract.id, evidenceStatus: contribution.evidenceStatus });
    if (saved.outcome === "taken" && (saved.owner.formId !== formId || saved.owner.responseId !== responseId)) continue; // another response holds it
    // A repeat of this response: answer with what the first post saved.
    const contractId = saved.outcome === "taken" ? saved.owner.contractId : contract.id;
    const existing = await deps.store.getContribution(contractId, id);
    if (existing) return result(200, { outcome: "duplicate", id, contractId, evidenceStatus: existing.value.evidenceStatus });
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
async function attachEvidence(deps: Deps, arrival: Arrival, submission: Submission<"evidence">): Promise<HttpResponseInit> {
  const ref = submission.evidenceFor;
  const where = ["answers", "evidenceFor"];
  const owner = await deps.store.findReference(ref);
  let stored = owner ? await deps.store.getContribution(owner.contractId, ref) : undefined;
  if (!owner || !stored) return quarantine(deps, arrival, [{ path: where, message: `no contribution has the reference ${ref}; check the reference in the reminder email` }]);
  const allowed = mayAttachEvidence(stored.value, submission.responder);
  if (!allowed.ok) return quarantine(deps, arrival, [{ path: where, message: allowed.reason }]);

  const dedupeKey = digest(submission.formId, submission.responseId);
  const answer = (status: 200 | 201, outcome: IngestionResult["outcome"], evidenceStatus: IngestionResult["evidenceStatus"]) =>
    result(status, { outcome, id: ref, contractId: owner.contractId, evidenceStatus });

  // Optimistic concurrency: a review or another evidence post may land between read and write.
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
    const after = { ...current, evidence: mergeEvidence(current.evidence, submission.evidence), evidenceStatus: status };
    const names = submission.evidence.map((e) => e.name).join(", ");
    const note = submission.description ? ` Note: ${submission.description.slice(0, 500)}` : "";
    const outcome = await deps.store
      .updateContribution(
        stored,
        after,
        {
          at: deps.clock.now().toISOString(),
          actor: submission.responder,
          action: "evidence-submitted",
          detail: `${plural(submission.evidence.length, "evidence link")} through form ${submission.formId} response ${submission.responseId}: ${names}.${note}`,
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
  throw new ApiFailure(409, "busy", `${ref} kept changing while the evidence was being attached; send the submission again.`);
}

/**
 * POST /api/forms/responses. The order matters: the secret was checked by the route's access rule;
 * then size (413), content type (415), the raw body into the inbox, and only then validation, so
 * a submission is never lost, even one that is refused.
 */
export const receiveFormResponse: Handler = async ({ request, deps }) => {
  const bytes = await readBytes(request, MAX_BODY_BYTES);
  const contentType = requireJsonContentType(request);
  // Storage is first needed here, after the checks that need none (the route prepares it no earlier).
  await deps.ready();
  const text = decodeUtf8(bytes);
  const raw = text ?? Buffer.from(bytes).toString("base64");
  const inbox = await deps.store.storeRaw({ receivedAt: deps.clock.now().toISOString(), contentType, body: raw, encoding: text === undefined ? "base64" : "utf8" });
  const arrival: Arrival = { inbox, contentType, raw };

  if (text === undefined) return quarantine(deps, arrival, [{ path: [], message: "the body is not valid UTF-8 text" }]);
  const parsedJson = parseJsonText(text);
  if (!parsedJson.ok) return quarantine(deps, arrival, [{ path: [], message: parsedJson.message }]);
  arrival.parsed = parsedJson.value;

  const parsed = parseSubmission(parsedJson.value);
  if (!parsed.ok) return quarantine(deps, arrival, parsed.problems);
  return parsed.submission.kind === "contribution"
    ? ingestContribution(deps, arrival, parsed.submission)
    : attachEvidence(deps, arrival, parsed.submission);
};
