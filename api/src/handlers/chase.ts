import { ChaseLedgerQuerySchema, ChaseRunRequestSchema } from "../../../shared";
import { ChaseBusyError, runChase } from "../chase/run";
import { decodeUtf8, parseJsonText, parseWith, queryObject, readBytes, requireJsonContentType } from "../http/body";
import type { Handler } from "../http/dispatch";
import { ApiFailure } from "../http/errors";
import { unwrapToken, wrapToken } from "../http/paging";
import { json } from "../http/respond";

const DEFAULT_PAGE_SIZE = 50;

/** POST /api/chase/run (Manager): the timer's chase, now. The body may be empty or `{}`. */
export const runChaseNow: Handler = async ({ request, deps, context }) => {
  const bytes = await readBytes(request, 1024);
  if (bytes.byteLength > 0) {
    requireJsonContentType(request);
    const parsed = parseJsonText(decodeUtf8(bytes) ?? "");
    if (!parsed.ok) throw new ApiFailure(400, "malformed-json", parsed.message);
    parseWith(ChaseRunRequestSchema, parsed.value, "The request");
  }
  try {
    return json(200, await runChase(deps, deps.clock.now(), { log: (message) => context.log(message) }));
  } catch (e) {
    if (e instanceof ChaseBusyError) throw new ApiFailure(409, "chase-running", `${e.message} Its results will be in the chase ledger.`);
    throw e;
  }
};

/** GET /api/chase/ledger?contractId&pageSize&continuationToken (Officer, Manager): who was chased, newest first. */
export const listChaseLedger: Handler = async ({ request, deps }) => {
  const query = parseWith(ChaseLedgerQuerySchema, queryObject(request), "The query");
  const scope = `chase ledger ${query.contractId ?? "*"}`;
  const page = await deps.store.chase.list(query.contractId, {
    pageSize: query.pageSize ?? DEFAULT_PAGE_SIZE,
    continuationToken: unwrapToken(query.continuationToken, scope),
  });
  return json(200, { items: page.items, continuationToken: wrapToken(page.continuationToken, scope) });
};
