import { createHmac, randomBytes } from "node:crypto";
import { ChaseLedgerQuerySchema, ChaseRunRequestSchema } from "../../../shared";
import type { ChaseLedgerEntry, ChaseRunStatus } from "../../../shared";
import type { Deps } from "../deps";
import type { Principal } from "../http/auth";
import { ChaseBusyError, startChase } from "../chase/run";
import { decodeUtf8, parseJsonText, parseWith, queryObject, readBytes, requireJsonContentType } from "../http/body";
import type { Handler } from "../http/dispatch";
import { ApiFailure, notFound } from "../http/errors";
import { unwrapToken, wrapToken } from "../http/paging";
import { json } from "../http/respond";
import { isContractOfficer } from "./principal";

const DEFAULT_PAGE_SIZE = 50;

/**
 * POST /api/chase/run (Manager): the timer's chase, now. The body may be empty or `{}`. Answers 202
 * with the run's id as soon as it holds the lease; the run goes on outside the request (a run with
 * many recipients outlasts Azure's 230 s HTTP limit) and is followed with GET /api/chase/runs/{runId}.
 */
export const runChaseNow: Handler = async ({ request, deps, context }) => {
  const bytes = await readBytes(request, 1024);
  if (bytes.byteLength > 0) {
    requireJsonContentType(request);
    const parsed = parseJsonText(decodeUtf8(bytes) ?? "");
    if (!parsed.ok) throw new ApiFailure(400, "malformed-json", parsed.message);
    parseWith(ChaseRunRequestSchema, parsed.value, "The request");
  }
  const log = (message: string) => context.log(message);
  try {
    const started = await startChase(deps, deps.clock.now(), { log, trigger: "manual" });
    // Its failure is in the run's status and the ledger; the request has long been answered.
    started.done.catch((e: unknown) => log(`Chase run ${started.status.runId} failed: ${e instanceof Error ? e.message : String(e)}`));
    return json(202, started.status, { location: `/api/chase/runs/${started.status.runId}` });
  } catch (e) {
    if (e instanceof ChaseBusyError) throw new ApiFailure(409, "chase-running", `${e.message} Its results will be in the chase ledger.`);
    throw e;
  }
};

/** GET /api/chase/runs/{runId} (Manager): how a run is going or how it ended. */
export const getChaseRun: Handler = async ({ request, deps }) => {
  const runId = request.params.runId ?? "";
  if (!/^[0-9a-f]{8}$/.test(runId)) throw notFound(`There is no chase run ${runId}.`);
  const status = await deps.store.chase.getRun(runId);
  if (!status) throw notFound(`There is no chase run ${runId}.`);
  return json(200, asSeenNow(status, deps.clock.now(), deps.settings.chase.leaseMs));
};

/** A run still "running" whose heartbeat is older than the lease has stopped without saying so. */
function asSeenNow(status: ChaseRunStatus, now: Date, leaseMs: number): ChaseRunStatus {
  return status.state === "running" && now.getTime() - Date.parse(status.heartbeatAt) > leaseMs ? { ...status, state: "abandoned" } : status;
}

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

/**
 * Under AGGREGATE_ONLY, an email to a supplier's responder names them only to officers of a contract
 * it was about: the rule of the contributions routes, as the recipient is that contract's responder.
 */
async function withoutSuppliersPeople(deps: Deps, principal: Principal | undefined, items: ChaseLedgerEntry[]): Promise<ChaseLedgerEntry[]> {
  if (!deps.settings.portfolio.aggregateOnly) return items;
  const officerOf = new Map<string, boolean>();
  for (const id of new Set(items.flatMap((e) => e.contractIds))) {
    const contract = await deps.store.getContract(id, { maxAgeMs: 5000 });
    officerOf.set(id, contract !== undefined && isContractOfficer(principal, contract.value));
  }
  return items.map((e) => ((e.role === "supplier" || e.role === "rejection") && !e.contractIds.some((id) => officerOf.get(id)) ? withoutRecipient(e) : e));
}

/** Keys the stand-in for a withheld recipient in an entry's id: one per recipient, not to be guessed from an address. */
const STAND_IN_KEY = randomBytes(32);

/** The address is in the entry's id and may be in the mail system's words for a refusal, as well as in its recipient. */
function withoutRecipient(e: ChaseLedgerEntry): ChaseLedgerEntry {
  const [runDate, recipient, kind, runId] = e.id.split("|");
  const standIn = `supplier-${createHmac("sha256", STAND_IN_KEY).update(recipient ?? "").digest("hex").slice(0, 16)}`;
  const address = e.recipient.email.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const failure = e.failure !== undefined && address !== "" ? e.failure.replace(new RegExp(address, "gi"), "the supplier's address") : e.failure;
  return { ...e, id: [runDate, standIn, kind, runId].join("|"), recipient: { name: "the supplier", email: "" }, ...(failure !== undefined ? { failure } : {}) };
}
