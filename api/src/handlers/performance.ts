import {
  AssessmentInputSchema,
  checkRatings,
  findMeasure,
  KpiRegisterInputSchema,
  NoticePublishedInputSchema,
  noticeDueBy,
  performanceNoticeCsv,
  performanceNoticeHtml,
  performanceNoticeRelease,
  PerformanceFailureInputSchema,
  PerformanceNoticeQuerySchema,
  registerView,
  todayIn,
} from "../../../shared";
import type { Assessment, Contract, KpiRegister, PerformanceFailure, Problem } from "../../../shared";
import type { Deps } from "../deps";
import { parseWith, queryObject, readJson } from "../http/body";
import type { Handler } from "../http/dispatch";
import { ApiFailure, invalid, notFound } from "../http/errors";
import { json, text } from "../http/respond";
import { randomReference } from "../ingest/references";
import { StaleEtagError } from "../store/errors";
import { contractId, requireContract } from "./contracts";
import { actorOf } from "./principal";

/*
 * Contract performance under the Procurement Act 2023 (docs/PROCUREMENT-ACT.md): the KPI register,
 * assessments and their UK9 notices, and breach and poor-performance decisions with their 30-day clock.
 */

const EMPTY_REGISTER = { kpis: [] };

/** Ids officers can read out: PA- for assessments, PF- for failures, then 8 characters of Crockford base32. */
const newId = (prefix: "PA" | "PF") => `${prefix}-${randomReference().slice(3)}`;

const today = (deps: Deps) => todayIn(deps.settings.timeZone, deps.clock.now());

async function viewOf(deps: Deps, contract: Contract, register: Pick<KpiRegister, "kpis" | "exemptionReason"> & { updatedAt?: string }) {
  const [assessments, accepted] = await Promise.all([deps.store.performance.listAssessments(contract.id), deps.store.acceptedValues(contract.id)]);
  return registerView(contract, register, assessments, accepted, today(deps));
}

/** GET /api/contracts/{id}/kpis: the register with each KPI's latest and suggested rating, the next assessment date and the warnings. */
export const getKpis: Handler = async ({ request, deps }) => {
  const id = contractId(request.params.id);
  const [contract, stored] = await Promise.all([requireContract(deps, id), deps.store.performance.getRegister(id)]);
  const view = await viewOf(deps, contract.value, stored?.value ?? EMPTY_REGISTER);
  return json(200, view, stored ? { etag: stored.etag } : {});
};

/** PUT /api/contracts/{id}/kpis: replaces the register; If-Match, when sent, must name the version read. */
export const putKpis: Handler = async ({ request, deps, principal }) => {
  const id = contractId(request.params.id);
  const input = parseWith(KpiRegisterInputSchema, await readJson(request), "The KPI register");
  const contract = (await requireContract(deps, id)).value;
  const pack = await deps.packs.get(contract.packId, contract.packEdition);
  if (!pack) throw new Error(`Contract ${id} is pinned to pack ${contract.packId} ${contract.packEdition}, which is not stored`);
  const problems: Problem[] = [];
  const kpis = input.kpis.map((kpi, i) => ({
    ...kpi,
    measureCodes: kpi.measureCodes.map((code, j) => {
      const measure = findMeasure(pack, code);
      if (!measure) problems.push({ path: ["kpis", i, "measureCodes", j], message: `measure "${code}" is not in ${pack.label}` });
      return measure?.code ?? code;
    }),
  }));
  if (problems.length > 0) throw invalid(`The KPIs link measures that are not in the contract's pack (${pack.label}).`, problems);

  const stale = () => new ApiFailure(412, "stale-etag", `The KPI register of ${id} was changed by someone else since you loaded it; reload it and make your change again.`);
  const ifMatch = request.headers.get("if-match")?.trim();
  const register: KpiRegister = {
    contractId: id,
    kpis,
    ...(input.exemptionReason ? { exemptionReason: input.exemptionReason } : {}),
    updatedAt: deps.clock.now().toISOString(),
    updatedBy: actorOf(principal),
  };
  try {
    const saved = await deps.store.performance.putRegister(register, ifMatch === undefined || ifMatch === "*" ? undefined : ifMatch);
    return json(200, await viewOf(deps, contract, saved.value), { etag: saved.etag });
  } catch (e) {
    if (e instanceof StaleEtagError) throw stale();
    throw e;
  }
};

/** POST /api/contracts/{id}/assessments: every KPI of the register rated on the Act's scale. */
export const createAssessment: Handler = async ({ request, deps, principal }) => {
  const id = contractId(request.params.id);
  const input = parseWith(AssessmentInputSchema, await readJson(request), "The assessment");
  const [, stored] = await Promise.all([requireContract(deps, id), deps.store.performance.getRegister(id)]);
  const checked = checkRatings(stored?.value.kpis ?? [], input.ratings);
  if (!checked.ok) {
    throw invalid(checked.missing.length > 0 ? `Rate every KPI of the register; missing: ${checked.missing.join(", ")}.` : "The assessment names KPIs the register does not have.", checked.problems);
  }
  const assessment: Assessment = {
    id: newId("PA"),
    contractId: id,
    periodStart: input.periodStart,
    periodEnd: input.periodEnd,
    final: input.final,
    ratings: checked.ratings,
    assessedAt: deps.clock.now().toISOString(),
    assessedBy: actorOf(principal),
  };
  await deps.store.performance.addAssessment(assessment);
  return json(201, assessment, { location: `/api/contracts/${id}/performance-notices/${assessment.id}` });
};

/** GET /api/contracts/{id}/assessments: oldest period first. */
export const listAssessments: Handler = async ({ request, deps }) => {
  const id = contractId(request.params.id);
  await requireContract(deps, id);
  return json(200, { items: await deps.store.performance.listAssessments(id) });
};

/** GET /api/contracts/{id}/performance-notices/{assessmentId}?format=json|csv|html: the UK9 notice, for checking before it is entered on Find a Tender. */
export const getPerformanceNotice: Handler = async ({ request, deps }) => {
  const id = contractId(request.params.id);
  const { format = "json" } = parseWith(PerformanceNoticeQuerySchema, queryObject(request), "The query");
  const contract = (await requireContract(deps, id)).value;
  const assessmentId = request.params.assessmentId ?? "";
  const assessment = await deps.store.performance.getAssessment(id, assessmentId);
  if (!assessment) throw notFound(`Contract ${id} has no assessment ${assessmentId}.`);
  const filename = `${id}-${assessment.id}-UK9`;
  if (format === "csv") {
    return text(200, performanceNoticeCsv(assessment), "text/csv; charset=utf-8", { "content-disposition": `attachment; filename="${filename}.csv"` });
  }
  if (format === "html") {
    // The page holds officers' and suppliers' text, escaped; nothing on it runs.
    return text(200, performanceNoticeHtml(contract, assessment), "text/html; charset=utf-8", { "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'" });
  }
  return json(200, performanceNoticeRelease(contract, assessment), { "content-disposition": `inline; filename="${filename}.json"` });
};

/** POST /api/contracts/{id}/performance-failures: a decision that the supplier breached the contract or performed poorly. */
export const recordPerformanceFailure: Handler = async ({ request, deps, principal }) => {
  const id = contractId(request.params.id);
  const input = parseWith(PerformanceFailureInputSchema, await readJson(request), "The performance failure");
  await requireContract(deps, id);
  const failure: PerformanceFailure = {
    ...input,
    id: newId("PF"),
    contractId: id,
    noticeDueBy: noticeDueBy(input.decisionDate),
    recordedAt: deps.clock.now().toISOString(),
    recordedBy: actorOf(principal),
  };
  await deps.store.performance.addFailure(failure);
  return json(201, failure, { location: `/api/contracts/${id}/performance-failures` });
};

/** GET /api/contracts/{id}/performance-failures: oldest decision first, each with noticeDueBy. */
export const listPerformanceFailures: Handler = async ({ request, deps }) => {
  const id = contractId(request.params.id);
  await requireContract(deps, id);
  return json(200, { items: await deps.store.performance.listFailures(id) });
};

/** POST /api/contracts/{id}/performance-failures/{failureId}/published: the officer entered the notice on Find a Tender; the chase stops. */
export const markFailureNoticePublished: Handler = async ({ request, deps }) => {
  const id = contractId(request.params.id);
  const { publishedOn } = parseWith(NoticePublishedInputSchema, await readJson(request), "The publication");
  const failureId = request.params.failureId ?? "";
  const stored = await deps.store.performance.getFailure(id, failureId);
  if (!stored) throw notFound(`Contract ${id} has no performance failure ${failureId}.`);
  if (publishedOn < stored.value.decisionDate) throw invalid("The notice cannot be published before the decision.", [{ path: ["publishedOn"], message: `on or after the decision date ${stored.value.decisionDate}` }]);
  try {
    const saved = await deps.store.performance.replaceFailure({ ...stored.value, noticePublishedOn: publishedOn }, stored.etag);
    return json(200, saved.value);
  } catch (e) {
    if (e instanceof StaleEtagError) throw new ApiFailure(409, "changed-meanwhile", `Performance failure ${failureId} changed while it was being marked; send it again.`);
    throw e;
  }
};
