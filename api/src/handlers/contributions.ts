import {
  ClearWarningsRequestSchema,
  ContributionFiltersSchema,
  ContributionRefSchema,
  dueDateAfterRejection,
  EvidenceTransitionError,
  isEmailAddress,
  ManualContributionSchema,
  nextEvidenceStatus,
  ReviewRequestSchema,
  supplierKey,
  todayIn,
  warningsSummary,
} from "../../../shared";
import type { Contribution, ContributionDetail, RejectionNotice } from "../../../shared";
import type { Deps } from "../deps";
import { parseWith, queryObject, readJson } from "../http/body";
import type { Handler } from "../http/dispatch";
import { ApiFailure, invalid, notFound } from "../http/errors";
import { unwrapToken, wrapToken } from "../http/paging";
import { json } from "../http/respond";
import { buildContribution, createdAudit, resolveReport } from "../ingest/contribution";
import { randomReference } from "../ingest/references";
import { warningsFor } from "../ingest/warnings";
import { changeAndCount, countInPortfolio } from "../portfolio/totals";
import { StaleEtagError } from "../store/errors";
import type { Stored } from "../store/ports";
import type { Principal } from "../http/auth";
import { actorOf, isContractOfficer } from "./principal";

const DEFAULT_PAGE_SIZE = 1000;

function reference(raw: string | undefined): string {
  const parsed = ContributionRefSchema.safeParse(raw ?? "");
  if (!parsed.success) throw invalid(`"${raw ?? ""}" is not a contribution reference.`, [{ path: ["id"], message: "a contribution reference looks like SV-7K3Q9M2D" }]);
  return parsed.data;
}

async function find(deps: Deps, id: string): Promise<Stored<Contribution>> {
  const owner = await deps.store.findReference(id);
  const stored = owner ? await deps.store.getContribution(owner.contractId, id) : undefined;
  if (!stored) throw notFound(`There is no contribution ${id}.`);
  return stored;
}

/**
 * What became of the email telling the supplier of the current rejection: the ledger's record of
 * the message that carried it if there is one, else the queue. None once new evidence came, or for
 * a rejection made before notices were sent.
 */
async function rejectionNotice(deps: Deps, c: Contribution): Promise<RejectionNotice | undefined> {
  if (c.evidenceStatus !== "rejected") return undefined;
  const queuedAt = c.reviewedAt ?? c.submittedAt;
  if (!isEmailAddress(c.responder)) return { state: "unreachable", recipient: c.responder, queuedAt };
  const ledger = deps.store.chase;
  const [history, queued] = await Promise.all([ledger.history(c.id, c.evidenceDueDate), ledger.queuedRejectionNoticesFor(c.id)]);
  const recipient = c.responder.toLowerCase();
  const waiting = queued.filter((n) => n.dueDate === c.evidenceDueDate).pop();
  const messages = await Promise.all(history.filter((h) => h.role === "rejection").map((h) => ledger.getMessage(h.messageId)));
  const tries = messages.flatMap((m) => (m ? [m.entry] : [])).sort((a, b) => a.claimedAt.localeCompare(b.claimedAt));
  const went = tries.find((e) => e.outcome === "sent");
  if (went) return { state: "sent", recipient, queuedAt: waiting?.queuedAt ?? queuedAt, sentAt: went.finishedAt ?? went.claimedAt };
  const last = tries[tries.length - 1];
  if (last?.outcome === "failed") return { state: "failed", recipient, queuedAt, ...(last.failure ? { failure: last.failure } : {}) };
  if (!waiting && !last) return undefined;
  return { state: "queued", recipient, queuedAt: waiting?.queuedAt ?? queuedAt, ...(last?.failure ? { lastTry: last.failure } : {}) };
}

/** Under AGGREGATE_ONLY: whether `principal` may see the people and free text of this contract's contributions. */
async function seesPeople(deps: Deps, principal: Principal | undefined, contractId: string): Promise<boolean> {
  if (!deps.settings.portfolio.aggregateOnly) return true;
  const contract = await deps.store.getContract(contractId, { maxAgeMs: 5000 });
  return contract !== undefined && isContractOfficer(principal, contract.value);
}

/** What is withheld from everyone but the contract's own officers (docs/PERSONAL-DATA.md): the description and who reported it. */
function withoutPeople<T extends Contribution>(c: T): T {
  return { ...c, description: "", responder: "" };
}

async function detail(deps: Deps, c: Contribution, principal: Principal | undefined): Promise<ContributionDetail> {
  const [audit, notice, people] = await Promise.all([deps.store.auditTrail(c.contractId, c.id), rejectionNotice(deps, c), seesPeople(deps, principal, c.contractId)]);
  if (people) return { ...c, audit, ...(notice ? { rejectionNotice: notice } : {}) };
  const responder = c.responder.trim().toLowerCase();
  // The supplier's responder is named as the actor of what they sent, and the evidence entry quotes their note.
  const trail = audit.map((a) => ({
    ...a,
    actor: a.actor.trim().toLowerCase() === responder ? "the supplier" : a.actor,
    detail: a.action === "evidence-submitted" ? a.detail.replace(/ Note: [\s\S]*$/, "") : a.detail,
  }));
  return { ...withoutPeople(c), audit: trail, ...(notice ? { rejectionNotice: { ...notice, recipient: "" } } : {}) };
}

/** GET /api/contributions?contractId&status&supplier&overdue&pageSize&continuationToken */
export const listContributions: Handler = async ({ request, deps, principal }) => {
  const filters = parseWith(ContributionFiltersSchema, queryObject(request), "The query");
  const { continuationToken, pageSize, ...query } = filters;
  const scope = `contributions ${JSON.stringify(query)}`;
  const page = await deps.store.listContributions(
    {
      contractId: query.contractId,
      status: query.status,
      supplierKey: query.supplier === undefined ? undefined : supplierKey(query.supplier),
      overdueOn: query.overdue ? todayIn(deps.settings.timeZone, deps.clock.now()) : undefined,
      needsLook: query.needsLook,
    },
    { pageSize: pageSize ?? DEFAULT_PAGE_SIZE, continuationToken: unwrapToken(continuationToken, scope) },
  );
  const contracts = [...new Set(page.items.map((c) => c.contractId))];
  const people = new Map(await Promise.all(contracts.map(async (id) => [id, await seesPeople(deps, principal, id)] as const)));
  const items = page.items.map((c) => (people.get(c.contractId) ? c : withoutPeople(c)));
  return json(200, { items, continuationToken: wrapToken(page.continuationToken, scope) });
};

/** GET /api/contributions/{id}: with evidence links, audit trail and an ETag for review. */
export const getContribution: Handler = async ({ request, deps, principal }) => {
  const stored = await find(deps, reference(request.params.id));
  return json(200, await detail(deps, stored.value, principal), { etag: stored.etag });
};

/** POST /api/contributions: an officer records figures by hand, valued like a form submission. */
export const recordContribution: Handler = async ({ request, deps, principal }) => {
  const input = parseWith(ManualContributionSchema, await readJson(request), "The contribution");
  const { responder, ...report } = input;
  const resolved = await resolveReport(deps, report);
  if (!resolved.ok) throw invalid(`The contribution cannot be recorded: ${resolved.problems.map((p) => p.message).join("; ")}.`, resolved.problems);
  const contractId = resolved.context.contract.id;

  const now = deps.clock.now().toISOString();
  const actor = actorOf(principal);
  let id: string | undefined;
  for (let attempt = 0; attempt < 5 && id === undefined; attempt++) {
    const candidate = randomReference();
    const built = buildContribution({
      id: candidate,
      context: resolved.context,
      report,
      // Without a supplier contact nobody can be chased; the officer who recorded it is not the one to chase.
      responder: responder ?? "",
      source: { kind: "manual", recordedBy: actor },
      submittedAt: now,
    });
    const contribution = { ...built, warnings: await warningsFor(deps, built, resolved.context.contract) };
    const saved = await deps.store.createContribution(contribution, createdAudit(contribution, now, actor, "Recorded by hand"), { owner: { contractId } });
    if (saved.outcome === "created") id = candidate;
  }
  if (id === undefined) throw new Error("No free contribution reference after 5 attempts");
  await countInPortfolio(deps, contractId, id);
  const stored = await deps.store.getContribution(contractId, id);
  if (!stored) throw new Error(`Contribution ${id} was saved but cannot be read back`);
  return json(201, await detail(deps, stored.value, principal), { location: `/api/contributions/${id}`, etag: stored.etag });
};

/** POST /api/contributions/{id}/review: accept or reject submitted evidence; If-Match with the ETag is required. */
export const reviewEvidence: Handler = async ({ request, deps, principal }) => {
  const id = reference(request.params.id);
  const ifMatch = request.headers.get("if-match");
  const review = parseWith(ReviewRequestSchema, await readJson(request), "The review");
  if (!ifMatch) {
    throw new ApiFailure(428, "if-match-required", "Send the contribution's ETag (from GET /api/contributions/{id}) in If-Match, so a review never overwrites a change you have not seen.");
  }
  const stored = await find(deps, id);
  const stale = () =>
    new ApiFailure(412, "stale-etag", `Contribution ${id} changed since you loaded it (new evidence or another review). Reload it, check the evidence again, then review.`);
  if (stored.etag !== ifMatch) throw stale();

  const current = stored.value;
  const confirmed = review.decision === "accept" && review.confirmWarnings === true;
  if (review.decision === "accept" && current.warnings.length > 0 && !confirmed) {
    throw new ApiFailure(
      409,
      "warnings-unconfirmed",
      `${id} needs a look before its evidence is accepted: ${current.warnings.map((w) => `${w.code}: ${w.message}`).join("; ")}. Check them, then accept with confirmWarnings: true.`,
    );
  }
  let status;
  try {
    status = nextEvidenceStatus(current.evidenceStatus, review.decision);
  } catch (e) {
    if (e instanceof EvidenceTransitionError) throw new ApiFailure(409, "not-reviewable", `${id}: ${e.message}`);
    throw e;
  }
  const now = deps.clock.now();
  const actor = actorOf(principal);
  let after: Contribution = { ...current, evidenceStatus: status, reviewedBy: actor, reviewedAt: now.toISOString() };
  if (review.decision === "reject") {
    const contract = await deps.store.getContract(current.contractId);
    if (!contract) throw new Error(`Contribution ${id} belongs to contract ${current.contractId}, which does not exist`);
    const today = todayIn(deps.settings.timeZone, now);
    const due = dueDateAfterRejection(today, contract.value.reminderPolicy.evidenceGraceDays);
    after = { ...after, evidenceDueDate: due, rejectionReason: review.reason };
    // Queued before the review is written: if the review fails, the chase finds the contribution
    // unchanged and drops the notice; if it succeeds, the notice is certain to be there.
    if (isEmailAddress(current.responder)) {
      await deps.store.chase.queueRejectionNotice({ contractId: current.contractId, contributionId: id, dueDate: due, queuedAt: now.toISOString(), queuedOn: today });
    }
  } else {
    const { rejectionReason: _previous, ...rest } = after;
    // The officer confirmed the warnings by accepting: they are cleared, and the trail says which.
    after = { ...rest, warnings: [] };
  }
  // The officer's reason usually ends a sentence already; the trail must not read "contracts.. New evidence…".
  const reason = review.reason?.trim().replace(/([^.!?])$/, "$1.");
  const cleared = confirmed && current.warnings.length > 0 ? ` Warnings confirmed and cleared: ${warningsSummary(current.warnings)}.` : "";
  const detailText = review.decision === "reject" ? `Evidence rejected: ${reason} New evidence due ${after.evidenceDueDate}.` : `Evidence accepted.${reason ? ` ${reason}` : ""}${cleared}`;
  try {
    const outcome = await changeAndCount(deps, current.contractId, id, () =>
      deps.store.updateContribution({ ...stored, etag: ifMatch }, after, {
        at: now.toISOString(),
        actor,
        action: review.decision === "reject" ? "rejected" : "accepted",
        detail: detailText,
      }),
    );
    if (outcome.outcome !== "updated") throw new Error(`Review of ${id} was taken for a repeat`);
    return json(200, await detail(deps, after, principal), { etag: outcome.etag });
  } catch (e) {
    if (e instanceof StaleEtagError) throw stale();
    throw e;
  }
};

/** POST /api/contributions/{id}/warnings/clear: an officer's decision that the warnings need no more look; If-Match required. */
export const clearWarnings: Handler = async ({ request, deps, principal }) => {
  const id = reference(request.params.id);
  const ifMatch = request.headers.get("if-match");
  const body = parseWith(ClearWarningsRequestSchema, await readJson(request), "The decision");
  if (!ifMatch) {
    throw new ApiFailure(428, "if-match-required", "Send the contribution's ETag (from GET /api/contributions/{id}) in If-Match, so a decision never covers a warning you have not seen.");
  }
  const stored = await find(deps, id);
  const stale = () => new ApiFailure(412, "stale-etag", `Contribution ${id} changed since you loaded it (new evidence, a review or new warnings). Reload it, look again, then clear.`);
  if (stored.etag !== ifMatch) throw stale();
  const current = stored.value;
  if (current.warnings.length === 0) throw new ApiFailure(409, "no-warnings", `${id} has no warnings to clear.`);
  const now = deps.clock.now().toISOString();
  const after: Contribution = { ...current, warnings: [] };
  const reason = body.reason.replace(/([^.!?])$/, "$1.");
  try {
    const outcome = await deps.store.updateContribution({ ...stored, etag: ifMatch }, after, {
      at: now,
      actor: actorOf(principal),
      action: "warnings-cleared",
      detail: `Warnings cleared: ${current.warnings.map((w) => `${w.code} (${w.message})`).join("; ")}. Reason: ${reason}`,
    });
    if (outcome.outcome !== "updated") throw new Error(`Clearing the warnings of ${id} was taken for a repeat`);
    return json(200, await detail(deps, after, principal), { etag: outcome.etag });
  } catch (e) {
    if (e instanceof StaleEtagError) throw stale();
    throw e;
  }
};
