import { CrosswalkIdSchema, CrosswalkInputSchema, CrosswalkReportQuerySchema, crosswalkReport } from "../../../shared";
import type { Contribution, Crosswalk } from "../../../shared";
import { parseWith, queryObject, readJson } from "../http/body";
import type { Handler } from "../http/dispatch";
import { invalid, notFound } from "../http/errors";
import { json } from "../http/respond";
import { eachPage } from "../store/page";
import { contractId, requireContract } from "./contracts";
import { actorOf } from "./principal";

/** Crosswalks are a few thousand mappings at most (MAX_CROSSWALK_MAPPINGS); their bodies may be larger than most. */
const MAX_CROSSWALK_BYTES = 1024 * 1024;
const PAGE_SIZE = 1000;

function crosswalkId(raw: string | undefined): string {
  const parsed = CrosswalkIdSchema.safeParse(raw ?? "");
  if (!parsed.success) throw invalid(`"${raw ?? ""}" is not a crosswalk id.`, [{ path: ["id"], message: parsed.error.issues[0]?.message ?? "not a crosswalk id" }]);
  return parsed.data;
}

/** PUT /api/crosswalks/{id}: replaces the crosswalk whole. */
export const putCrosswalk: Handler = async ({ request, deps, principal }) => {
  const id = crosswalkId(request.params.id);
  const input = parseWith(CrosswalkInputSchema, await readJson(request, MAX_CROSSWALK_BYTES), "The crosswalk");
  const crosswalk: Crosswalk = { id, name: input.name, mappings: input.mappings, updatedAt: deps.clock.now().toISOString(), updatedBy: actorOf(principal) };
  await deps.store.crosswalks.putCrosswalk(crosswalk);
  return json(200, crosswalk);
};

/** GET /api/crosswalks: each with the number of its mappings. */
export const listCrosswalks: Handler = async ({ deps }) => {
  const all = await deps.store.crosswalks.listCrosswalks();
  return json(200, { items: all.map((c) => ({ ...c, mappings: c.mappings.length })) });
};

/** GET /api/contracts/{id}/report?crosswalk={id}: accepted delivery in another framework's codes, the unmapped codes listed. */
export const contractReport: Handler = async ({ request, deps }) => {
  const id = contractId(request.params.id);
  const query = parseWith(CrosswalkReportQuerySchema, queryObject(request), "The query");
  const [contract, crosswalk] = await Promise.all([requireContract(deps, id), deps.store.crosswalks.getCrosswalk(query.crosswalk)]);
  if (!crosswalk) throw notFound(`There is no crosswalk ${query.crosswalk}; store it with PUT /api/crosswalks/${query.crosswalk}.`);
  const delivered: Contribution[] = [];
  for await (const accepted of eachPage((page) => deps.store.listContributions({ contractId: id, status: "accepted" }, page), PAGE_SIZE)) delivered.push(...accepted);
  return json(200, crosswalkReport(contract.value, crosswalk, delivered));
};
