import { PageQuerySchema, QuarantineResolveRequestSchema, readSender } from "../../../shared";
import { parseWith, queryObject, readJson } from "../http/body";
import type { Handler } from "../http/dispatch";
import { ApiFailure, invalid, notFound } from "../http/errors";
import { unwrapToken, wrapToken } from "../http/paging";
import { json } from "../http/respond";
import { actorOf } from "./principal";

/**
 * GET /api/quarantine: refused submissions, newest first, with the raw body, every reason, who dealt
 * with each, and the supplier, responder and contract read from the body so an officer knows whom to contact.
 */
export const listQuarantine: Handler = async ({ request, deps }) => {
  const query = parseWith(PageQuerySchema, queryObject(request), "The query");
  const scope = "quarantine";
  // Raw bodies can be up to 256 KiB each, so pages are small unless asked otherwise.
  const page = await deps.store.listQuarantine({ pageSize: query.pageSize ?? 50, continuationToken: unwrapToken(query.continuationToken, scope) });
  return json(200, { items: page.items.map((item) => ({ ...item, ...readSender(item.raw) })), continuationToken: wrapToken(page.continuationToken, scope) });
};

/**
 * POST /api/quarantine/{id}/resolve {note?}: an officer has dealt with a refused submission (asked
 * the supplier to send it again, recorded it by hand). It stays in quarantine as the record of what
 * arrived, marked with who and when; the first mark stands and a second is 409 naming it.
 */
export const resolveQuarantine: Handler = async ({ request, deps, principal }) => {
  const id = request.params.id ?? "";
  if (!id.includes("|")) throw invalid(`"${id}" is not a quarantine id.`, [{ path: ["id"], message: "a quarantine id is the one GET /api/quarantine lists, e.g. 2026-11-20T10:15:00.000Z|<uuid>" }]);
  const body = parseWith(QuarantineResolveRequestSchema, await readJson(request), "The resolution");
  const note = body.note?.trim() || undefined;
  const outcome = await deps.store.resolveQuarantine(id, { by: actorOf(principal), at: deps.clock.now().toISOString(), ...(note ? { note } : {}) });
  if (outcome.outcome === "not-found") throw notFound(`There is no quarantined submission ${id}.`);
  if (outcome.outcome === "already") {
    throw new ApiFailure(409, "already-resolved", `Submission ${id} was marked dealt with by ${outcome.resolution.by} at ${outcome.resolution.at}.`);
  }
  return json(200, { id, resolved: outcome.resolution });
};
