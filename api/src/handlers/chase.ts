import { ChaseLedgerQuerySchema, ChaseRunRequestSchema } from "../../../shared";
import type { ChaseLedgerEntry } from "../../../shared";
import type { Deps } from "../deps";
import type { Principal } from "../http/auth";
import { ChaseBusyError, runChase } from "../chase/run";
import { decodeUtf8, parseJsonText, parseWith, queryObject, readBytes, requireJsonContentType } from "../http/body";
import type { Handler } from "../http/dispatch";
import { ApiFailure } from "../http/errors";
import { unwrapToken, wrapToken } from "../http/paging";
import { json } from "../http/respond";
import { isContractOfficer } from "./principal";

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
export const listChaseLedger: Handler = async ({ request, deps, principal }) => {
  const query = parseWith(ChaseLedgerQuerySchema, queryObject(request), "The query");
  const scope = `chase ledger ${query.contractId ?? "*"}`;
  const page = await deps.store.chase.list(query.contractId, {
    pageSize: query.pageSize ?? DEFAULT_PAGE_SIZE,
    continuationToken: unwrapToken(query.continuationToken, scope),
  });
  return json(200, { items: await withoutSuppliersPeople(deps, principal, page.items), continuationToken: wrapToken(page.continuationToken, scope) });
};

/** Under AGGREGATE_ONLY, emails to suppliers' responders name them only to the contracts' own officers. */
async function withoutSuppliersPeople(deps: Deps, principal: Principal | undefined, items: ChaseLedgerEntry[]): Promise<ChaseLedgerEntry[]> {
  if (!deps.settings.portfolio.aggregateOnly) return items;
  const officerOf = new Map<string, boolean>();
  for (const id of new Set(items.flatMap((e) => e.contractIds))) {
    const contract = await deps.store.getContract(id, { maxAgeMs: 5000 });
    officerOf.set(id, contract !== undefined && isContractOfficer(principal, contract.value));
  }
  return items.map((e) =>
    (e.role === "supplier" || e.role === "rejection") && !e.contractIds.every((id) => officerOf.get(id)) ? { ...e, recipient: { name: "the supplier", email: "" } } : e,
  );
}
