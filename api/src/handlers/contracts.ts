import { CommitmentsSchema, ContractInputSchema, ContractPatchSchema, ContractRefSchema, ContractSchema, daysBetween, findMeasure, PageQuerySchema } from "../../../shared";
import type { Commitment, Contract, ContractDetail, Problem } from "../../../shared";
import type { Deps } from "../deps";
import { parseWith, queryObject, readJson } from "../http/body";
import type { Handler } from "../http/dispatch";
import { ApiFailure, conflict, invalid, notFound } from "../http/errors";
import { unwrapToken, wrapToken } from "../http/paging";
import { json } from "../http/respond";
import { StaleEtagError } from "../store/errors";

export function contractId(raw: string | undefined): string {
  const parsed = ContractRefSchema.safeParse(raw ?? "");
  if (!parsed.success) throw invalid(`"${raw ?? ""}" is not a contract reference.`, [{ path: ["id"], message: parsed.error.issues[0]?.message ?? "not a contract reference" }]);
  return parsed.data;
}

export async function requireContract(deps: Deps, id: string) {
  const stored = await deps.store.getContract(id);
  if (!stored) throw notFound(`There is no contract ${id}.`);
  return stored;
}

/** GET /api/contracts */
export const listContracts: Handler = async ({ request, deps }) => {
  const query = parseWith(PageQuerySchema, queryObject(request), "The query");
  const scope = "contracts";
  const page = await deps.store.listContracts({ pageSize: query.pageSize ?? 100, continuationToken: unwrapToken(query.continuationToken, scope) });
  return json(200, { items: page.items, continuationToken: wrapToken(page.continuationToken, scope) });
};

/** POST /api/contracts: the contract is pinned to a pack that must exist. */
export const createContract: Handler = async ({ request, deps }) => {
  const input = parseWith(ContractInputSchema, await readJson(request), "The contract");
  if (!(await deps.packs.get(input.packId, input.packEdition))) {
    throw invalid(`There is no framework pack ${input.packId} edition ${input.packEdition}; upload it first (POST /api/packs).`, [
      { path: ["packEdition"], message: `pack ${input.packId} has no edition ${input.packEdition}` },
    ]);
  }
  const now = deps.clock.now().toISOString();
  const contract: Contract = { ...input, createdAt: now, updatedAt: now };
  const stored = await deps.store.createContract(contract);
  if (!stored) throw conflict("contract-exists", `Contract ${input.id} already exists; change it with PATCH /api/contracts/${input.id}.`);
  return json(201, stored.value, { location: `/api/contracts/${contract.id}`, etag: stored.etag });
};

/** GET /api/contracts/{id}: the contract with its commitments. */
export const getContract: Handler = async ({ request, deps }) => {
  const id = contractId(request.params.id);
  const [stored, commitments] = await Promise.all([requireContract(deps, id), deps.store.getCommitments(id)]);
  return json(200, { ...stored.value, commitments } satisfies ContractDetail, { etag: stored.etag });
};

/** PATCH /api/contracts/{id}: anything but the id and the pinned pack; If-Match is honoured when sent. */
export const patchContract: Handler = async ({ request, deps }) => {
  const id = contractId(request.params.id);
  const body = await readJson(request);
  const stored = await requireContract(deps, id);
  const stale = () => new ApiFailure(412, "stale-etag", `Contract ${id} was changed by someone else since you loaded it; reload it and make your change again.`);
  // Compared here, so an If-Match storage cannot parse (not an ETag it issued) is a 412 like any other stale one.
  const ifMatch = request.headers.get("if-match");
  if (ifMatch !== null && ifMatch.trim() !== "*" && ifMatch !== stored.etag) throw stale();
  // A partial reminder policy changes only the fields it names.
  const raw =
    typeof body === "object" && body !== null && typeof (body as { reminderPolicy?: unknown }).reminderPolicy === "object" && (body as { reminderPolicy?: unknown }).reminderPolicy !== null
      ? { ...body, reminderPolicy: { ...stored.value.reminderPolicy, ...(body as { reminderPolicy: object }).reminderPolicy } }
      : body;
  const patch = parseWith(ContractPatchSchema, raw, "The change");
  const merged = { ...stored.value, ...patch, updatedAt: deps.clock.now().toISOString() };
  const problems: Problem[] = [];
  const checked = ContractSchema.safeParse(merged);
  if (!checked.success) problems.push(...checked.error.issues.map((i) => ({ path: i.path.map((k) => (typeof k === "number" ? k : String(k))), message: i.message })));
  else if (daysBetween(checked.data.startDate, checked.data.endDate) <= 0) problems.push({ path: ["endDate"], message: "the contract must end after it starts" });
  if (problems.length > 0 || !checked.success) throw invalid("The changed contract is not valid.", problems);
  try {
    // The change was merged into what was read, so it is written only over that version.
    const saved = await deps.store.replaceContract(checked.data, stored.etag);
    return json(200, saved.value, { etag: saved.etag });
  } catch (e) {
    if (e instanceof StaleEtagError) throw stale();
    throw e;
  }
};

/** PUT /api/contracts/{id}/commitments: replaces the list; every measure must be in the contract's pack. */
export const putCommitments: Handler = async ({ request, deps }) => {
  const id = contractId(request.params.id);
  const { commitments } = parseWith(CommitmentsSchema, await readJson(request), "The commitments");
  const contract = (await requireContract(deps, id)).value;
  const pack = await deps.packs.get(contract.packId, contract.packEdition);
  if (!pack) throw new Error(`Contract ${id} is pinned to pack ${contract.packId} ${contract.packEdition}, which is not stored`);
  const problems: Problem[] = [];
  const normalised: Commitment[] = commitments.map((c, i) => {
    const measure = findMeasure(pack, c.measureCode);
    if (!measure) problems.push({ path: ["commitments", i, "measureCode"], message: `measure "${c.measureCode}" is not in ${pack.label}` });
    return { ...c, measureCode: measure?.code ?? c.measureCode };
  });
  if (problems.length > 0) throw invalid(`The commitments name measures that are not in the contract's pack (${pack.label}).`, problems);
  await deps.store.putCommitments(id, normalised);
  return json(200, { commitments: normalised });
};
