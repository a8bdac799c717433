import { z } from "zod";
import {
  AssessmentSchema,
  ChaseLedgerEntrySchema,
  ClearWarningsRequestSchema,
  ChaseRunStatusSchema,
  CommitmentsSchema,
  ContractDetailSchema,
  ContractSchema,
  ContributionDetailSchema,
  ContributionSchema,
  CrosswalkReportSchema,
  CrosswalkSchema,
  CrosswalkSummarySchema,
  FrameworkPackSchema,
  HealthSchema,
  KpiRegisterViewSchema,
  ManualContributionSchema,
  PackSummarySchema,
  PerformanceFailureSchema,
  PortfolioViewSchema,
  QuarantineItemSchema,
  QuarantineResolvedSchema,
  ReviewRequestSchema,
  ValuesBatchResponseSchema,
  pageOf,
  problemsFromZod,
} from "../../shared";
import type {
  Assessment,
  AssessmentInput,
  ChaseLedgerEntry,
  ChaseRunStatus,
  Commitment,
  Contract,
  ContractDetail,
  ContractInput,
  ContractPatch,
  Contribution,
  ContributionDetail,
  Crosswalk,
  CrosswalkInput,
  CrosswalkReport,
  CrosswalkSummary,
  EvidenceStatus,
  FrameworkPack,
  Health,
  KpiRegisterInput,
  KpiRegisterView,
  PackSummary,
  PerformanceFailure,
  PerformanceFailureInput,
  PortfolioGroupBy,
  PortfolioView,
  QuarantineItem,
  QuarantineResolution,
  ReviewRequest,
  ValueAnswer,
  ValueQuery,
} from "../../shared";
import { Answer, ApiProblem, DEFAULT_TIMEOUT_MS, FetchLike, SendOptions, send, validate } from "./http";

export { ApiProblem } from "./http";
export type { FetchLike, ProblemKind, ResponseLike } from "./http";

export interface Page<T> {
  items: T[];
  continuationToken?: string;
}

/** A resource with the ETag the API sent, for the next conditional change. */
export interface Tagged<T> {
  value: T;
  etag: string;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface PagingOptions extends CallOptions {
  /** Called after each page with everything loaded so far. */
  onProgress?: (loaded: number, pages: number) => void;
  pageSize?: number;
}

/** What GET /api/contributions filters by (the API's ContributionFilters, as the pane holds them). */
export interface ContributionQuery {
  contractId?: string;
  status?: EvidenceStatus;
  supplier?: string;
  overdue?: boolean;
  /** Only contributions with warnings (true) or without (false). */
  needsLook?: boolean;
}

export interface ApiClientOptions {
  /** e.g. http://localhost:7071/api */
  baseUrl: string;
  /** A token for the API's scope; throws when the officer must sign in. */
  getAccessToken: () => Promise<string>;
  fetch?: FetchLike;
  timeoutMs?: number;
  /** Told when the API refuses the token (401), so the pane can ask for a new sign-in. */
  onSignInRefused?: (problem: ApiProblem) => void;
}

const PACKS_SCHEMA = z.object({ items: z.array(PackSummarySchema) });
const CONTRACTS_PAGE = pageOf(ContractSchema);
const CONTRIBUTIONS_PAGE = pageOf(ContributionSchema);
const QUARANTINE_PAGE = pageOf(QuarantineItemSchema);
const LEDGER_PAGE = pageOf(ChaseLedgerEntrySchema);
const ASSESSMENTS = z.object({ items: z.array(AssessmentSchema) });
const FAILURES = z.object({ items: z.array(PerformanceFailureSchema) });
const CROSSWALKS = z.object({ items: z.array(CrosswalkSummarySchema) });
/** Pages as large as the API allows: fewer round trips for a contract with thousands of contributions. */
const BULK_PAGE_SIZE = 1000;

const segment = (id: string) => encodeURIComponent(id);

/** The browser's fetch, looked up when used, so a page without it can still show what needs no API. */
export const browserFetch: FetchLike = (url, init) => {
  if (typeof fetch !== "function") throw new ApiProblem("network", "This browser has no fetch, so it cannot reach the API; open the add-in in a current browser.", "no-fetch");
  return fetch(url, init);
};

/** The one typed client for the Social Value Ledger API: every answer is checked with the shared schemas. */
export class ApiClient {
  readonly baseUrl: string;
  private readonly fetch: FetchLike;
  private readonly timeoutMs: number;
  /** Packs are immutable per id + edition (docs/API-CONTRACT.md "Framework packs"), so one fetch serves the session. */
  private readonly packs = new Map<string, Promise<FrameworkPack>>();

  constructor(private readonly options: ApiClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.fetch = options.fetch ?? browserFetch;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  private async token(): Promise<string> {
    try {
      return await this.options.getAccessToken();
    } catch (err) {
      if (err instanceof ApiProblem) throw err;
      throw new ApiProblem("sign-in", err instanceof Error ? err.message : String(err), "sign-in-required");
    }
  }

  private async call(request: Omit<SendOptions, "fetch" | "baseUrl" | "timeoutMs" | "token">, authenticated = true): Promise<Answer> {
    const token = authenticated ? await this.token() : undefined;
    try {
      return await send({ ...request, fetch: this.fetch, baseUrl: this.baseUrl, timeoutMs: this.timeoutMs, ...(token ? { token } : {}) });
    } catch (err) {
      if (err instanceof ApiProblem && err.kind === "sign-in") this.options.onSignInRefused?.(err);
      throw err;
    }
  }

  private async get<S extends z.ZodType>(path: string, schema: S, options: CallOptions & { query?: Record<string, string | undefined> } = {}) {
    const answer = await this.call({ method: "GET", path, query: options.query, signal: options.signal });
    return { answer, value: validate(schema, answer.body, `GET /${path}`) };
  }

  private etagOf(answer: Answer, what: string): string {
    const etag = answer.headers.get("etag");
    if (!etag) {
      throw new ApiProblem(
        "invalid-response",
        `The API's answer to ${what} carries no ETag, so a review could overwrite someone else's. The API must send ETag and expose it to the add-in (Access-Control-Expose-Headers).`,
        "missing-etag",
        answer.status,
      );
    }
    return etag;
  }

  /** Follows continuation tokens to the end; a token seen twice means the API is looping. */
  private async allPages<T>(load: (token: string | undefined) => Promise<Page<T>>, options: PagingOptions): Promise<T[]> {
    const items: T[] = [];
    const seen = new Set<string>();
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await load(token);
      items.push(...page.items);
      pages++;
      options.onProgress?.(items.length, pages);
      token = page.continuationToken;
      if (token !== undefined) {
        if (seen.has(token)) throw new ApiProblem("invalid-response", "The API sent the same continuation token twice; stopped loading to avoid an endless loop. Retry.", "paging-loop");
        seen.add(token);
      }
    } while (token !== undefined);
    return items;
  }

  /** GET /api/health: 503 (storage unreachable) is an answer too, not a failure. */
  async health(options: CallOptions = {}): Promise<Health> {
    try {
      const answer = await this.call({ method: "GET", path: "health", signal: options.signal }, false);
      return validate(HealthSchema, answer.body, "GET /health");
    } catch (err) {
      if (err instanceof ApiProblem && err.status === 503) {
        return { status: "unavailable", storage: "unreachable" };
      }
      throw err;
    }
  }

  async listPacks(options: CallOptions = {}): Promise<PackSummary[]> {
    return (await this.get("packs", PACKS_SCHEMA, options)).value.items;
  }

  /**
   * One pack edition with its measures, cached: a stored edition never changes. Not cancellable,
   * because one request serves every panel that asks for the same edition.
   */
  getPack(id: string, edition: string): Promise<FrameworkPack> {
    const key = `${id}\u0000${edition}`;
    let pack = this.packs.get(key);
    if (!pack) {
      pack = this.get(`packs/${segment(id)}`, FrameworkPackSchema, { query: { edition } }).then((r) => r.value);
      this.packs.set(key, pack);
      // A failed fetch is not remembered, so Retry asks again (its caller still sees the failure).
      pack.catch(() => this.packs.delete(key));
    }
    return pack;
  }

  async uploadPack(pack: FrameworkPack, options: CallOptions = {}): Promise<FrameworkPack> {
    const answer = await this.call({ method: "POST", path: "packs", body: pack, signal: options.signal });
    return validate(FrameworkPackSchema, answer.body, "POST /packs");
  }

  async contractsPage(continuationToken?: string, options: CallOptions & { pageSize?: number } = {}): Promise<Page<Contract>> {
    const query = { continuationToken, pageSize: options.pageSize === undefined ? undefined : String(options.pageSize) };
    return (await this.get("contracts", CONTRACTS_PAGE, { ...options, query })).value;
  }

  listContracts(options: PagingOptions = {}): Promise<Contract[]> {
    return this.allPages((token) => this.contractsPage(token, { signal: options.signal, pageSize: options.pageSize }), options);
  }

  async getContract(id: string, options: CallOptions = {}): Promise<Tagged<ContractDetail>> {
    const { answer, value } = await this.get(`contracts/${segment(id)}`, ContractDetailSchema, options);
    return { value, etag: this.etagOf(answer, `GET /contracts/${id}`) };
  }

  async createContract(input: ContractInput, options: CallOptions = {}): Promise<Tagged<Contract>> {
    const answer = await this.call({ method: "POST", path: "contracts", body: input, signal: options.signal });
    return { value: validate(ContractSchema, answer.body, "POST /contracts"), etag: this.etagOf(answer, "POST /contracts") };
  }

  /** PATCH with If-Match when an ETag is given: 412 then means someone else changed the contract first. */
  async patchContract(id: string, patch: ContractPatch, etag?: string, options: CallOptions = {}): Promise<Tagged<Contract>> {
    const path = `contracts/${segment(id)}`;
    const answer = await this.call({ method: "PATCH", path, body: patch, headers: etag ? { "if-match": etag } : {}, signal: options.signal });
    return { value: validate(ContractSchema, answer.body, `PATCH /${path}`), etag: this.etagOf(answer, `PATCH /${path}`) };
  }

  /** Replaces the contract's committed quantities; answers with them as stored (codes as the pack spells them). */
  async putCommitments(contractId: string, commitments: Commitment[], options: CallOptions = {}): Promise<Commitment[]> {
    const path = `contracts/${segment(contractId)}/commitments`;
    const answer = await this.call({ method: "PUT", path, body: { commitments }, signal: options.signal });
    return validate(CommitmentsSchema, answer.body, `PUT /${path}`).commitments;
  }

  async contributionsPage(
    query: ContributionQuery,
    continuationToken?: string,
    options: CallOptions & { pageSize?: number } = {},
  ): Promise<Page<Contribution>> {
    const params = {
      contractId: query.contractId,
      status: query.status,
      supplier: query.supplier,
      overdue: query.overdue === undefined ? undefined : String(query.overdue),
      needsLook: query.needsLook === undefined ? undefined : String(query.needsLook),
      pageSize: options.pageSize === undefined ? undefined : String(options.pageSize),
      continuationToken,
    };
    return (await this.get("contributions", CONTRIBUTIONS_PAGE, { signal: options.signal, query: params })).value;
  }

  /** Every contribution matching the query, page after page. */
  listContributions(query: ContributionQuery, options: PagingOptions = {}): Promise<Contribution[]> {
    const pageSize = options.pageSize ?? BULK_PAGE_SIZE;
    return this.allPages((token) => this.contributionsPage(query, token, { signal: options.signal, pageSize }), options);
  }

  async getContribution(id: string, options: CallOptions = {}): Promise<Tagged<ContributionDetail>> {
    const { answer, value } = await this.get(`contributions/${segment(id)}`, ContributionDetailSchema, options);
    return { value, etag: this.etagOf(answer, `GET /contributions/${id}`) };
  }

  /** Records a contribution by hand (the same figures as a form submission). */
  async recordContribution(input: z.input<typeof ManualContributionSchema>, options: CallOptions = {}): Promise<Tagged<ContributionDetail>> {
    const answer = await this.call({ method: "POST", path: "contributions", body: input, signal: options.signal });
    return { value: validate(ContributionDetailSchema, answer.body, "POST /contributions"), etag: this.etagOf(answer, "POST /contributions") };
  }

  /**
   * Accept or reject evidence, only if nobody changed the contribution since `etag` was read:
   * a 412 ApiProblem (code stale-etag) means someone else reviewed first or new evidence arrived.
   */
  async review(id: string, review: ReviewRequest, etag: string, options: CallOptions = {}): Promise<Tagged<ContributionDetail>> {
    const checked = ReviewRequestSchema.safeParse(review);
    if (!checked.success) {
      const details = problemsFromZod(checked.error.issues);
      throw new ApiProblem("invalid-request", details.map((d) => d.message).join("; "), "invalid-request", undefined, details);
    }
    const path = `contributions/${segment(id)}/review`;
    const answer = await this.call({ method: "POST", path, body: checked.data, headers: { "if-match": etag }, signal: options.signal });
    return { value: validate(ContributionDetailSchema, answer.body, `POST /${path}`), etag: this.etagOf(answer, `POST /${path}`) };
  }

  /**
   * An officer's decision that a contribution's warnings need no more look, with the reason for the
   * audit trail; a 412 ApiProblem means it changed since `etag` was read, 409 that it has no warnings.
   */
  async clearWarnings(id: string, reason: string, etag: string, options: CallOptions = {}): Promise<Tagged<ContributionDetail>> {
    const checked = ClearWarningsRequestSchema.safeParse({ reason });
    if (!checked.success) {
      const details = problemsFromZod(checked.error.issues);
      throw new ApiProblem("invalid-request", details.map((d) => d.message).join("; "), "invalid-request", undefined, details);
    }
    const path = `contributions/${segment(id)}/warnings/clear`;
    const answer = await this.call({ method: "POST", path, body: checked.data, headers: { "if-match": etag }, signal: options.signal });
    return { value: validate(ContributionDetailSchema, answer.body, `POST /${path}`), etag: this.etagOf(answer, `POST /${path}`) };
  }

  async quarantinePage(continuationToken?: string, options: CallOptions & { pageSize?: number } = {}): Promise<Page<QuarantineItem>> {
    const query = { continuationToken, pageSize: options.pageSize === undefined ? undefined : String(options.pageSize) };
    return (await this.get("quarantine", QUARANTINE_PAGE, { signal: options.signal, query })).value;
  }

  /** POST /api/quarantine/{id}/resolve: marks a refused submission dealt with; it stays kept, with who, when and the note. */
  async resolveQuarantine(id: string, note: string, options: CallOptions = {}): Promise<QuarantineResolution> {
    const path = `quarantine/${segment(id)}/resolve`;
    const body = note.trim() === "" ? {} : { note: note.trim() };
    const answer = await this.call({ method: "POST", path, body, signal: options.signal });
    return validate(QuarantineResolvedSchema, answer.body, `POST /${path}`).resolved;
  }

  /** POST /api/chase/run (Manager): starts the same chase the timer runs; answers at once with the run's status (202). */
  async startChase(options: CallOptions = {}): Promise<ChaseRunStatus> {
    const answer = await this.call({ method: "POST", path: "chase/run", body: {}, signal: options.signal });
    return validate(ChaseRunStatusSchema, answer.body, "POST /chase/run");
  }

  /** GET /api/chase/runs/{runId} (Manager): how a run is going, or how it ended. */
  async chaseRun(runId: string, options: CallOptions = {}): Promise<ChaseRunStatus> {
    const path = `chase/runs/${segment(runId)}`;
    const answer = await this.call({ method: "GET", path, signal: options.signal });
    return validate(ChaseRunStatusSchema, answer.body, `GET /${path}`);
  }

  async chaseLedgerPage(contractId: string | undefined, continuationToken?: string, options: CallOptions = {}): Promise<Page<ChaseLedgerEntry>> {
    return (await this.get("chase/ledger", LEDGER_PAGE, { signal: options.signal, query: { contractId, continuationToken } })).value;
  }

  chaseLedger(contractId: string | undefined, options: PagingOptions = {}): Promise<ChaseLedgerEntry[]> {
    return this.allPages((token) => this.chaseLedgerPage(contractId, token, { signal: options.signal }), options);
  }

  /** GET /api/contracts/{id}/kpis: the register as it stands, with the ETag to change it under (none before one is stored). */
  async getKpis(contractId: string, options: CallOptions = {}): Promise<{ value: KpiRegisterView; etag?: string }> {
    const { answer, value } = await this.get(`contracts/${segment(contractId)}/kpis`, KpiRegisterViewSchema, options);
    const etag = answer.headers.get("etag");
    return etag ? { value, etag } : { value };
  }

  /** PUT /api/contracts/{id}/kpis with If-Match when an ETag is given: 412 then means someone else changed the register first. */
  async putKpis(contractId: string, register: KpiRegisterInput, etag?: string, options: CallOptions = {}): Promise<Tagged<KpiRegisterView>> {
    const path = `contracts/${segment(contractId)}/kpis`;
    const answer = await this.call({ method: "PUT", path, body: register, headers: etag ? { "if-match": etag } : {}, signal: options.signal });
    return { value: validate(KpiRegisterViewSchema, answer.body, `PUT /${path}`), etag: this.etagOf(answer, `PUT /${path}`) };
  }

  async listAssessments(contractId: string, options: CallOptions = {}): Promise<Assessment[]> {
    return (await this.get(`contracts/${segment(contractId)}/assessments`, ASSESSMENTS, options)).value.items;
  }

  async createAssessment(contractId: string, input: AssessmentInput, options: CallOptions = {}): Promise<Assessment> {
    const path = `contracts/${segment(contractId)}/assessments`;
    const answer = await this.call({ method: "POST", path, body: input, signal: options.signal });
    return validate(AssessmentSchema, answer.body, `POST /${path}`);
  }

  async listPerformanceFailures(contractId: string, options: CallOptions = {}): Promise<PerformanceFailure[]> {
    return (await this.get(`contracts/${segment(contractId)}/performance-failures`, FAILURES, options)).value.items;
  }

  async recordPerformanceFailure(contractId: string, input: PerformanceFailureInput, options: CallOptions = {}): Promise<PerformanceFailure> {
    const path = `contracts/${segment(contractId)}/performance-failures`;
    const answer = await this.call({ method: "POST", path, body: input, signal: options.signal });
    return validate(PerformanceFailureSchema, answer.body, `POST /${path}`);
  }

  async listCrosswalks(options: CallOptions = {}): Promise<CrosswalkSummary[]> {
    return (await this.get("crosswalks", CROSSWALKS, options)).value.items;
  }

  /** PUT /api/crosswalks/{id}: stores the crosswalk whole, replacing one of that id. */
  async putCrosswalk(id: string, input: CrosswalkInput, options: CallOptions = {}): Promise<Crosswalk> {
    const path = `crosswalks/${segment(id)}`;
    const answer = await this.call({ method: "PUT", path, body: input, signal: options.signal });
    return validate(CrosswalkSchema, answer.body, `PUT /${path}`);
  }

  /** GET /api/contracts/{id}/report?crosswalk=: the contract's accepted delivery in another framework's codes. */
  async crosswalkReport(contractId: string, crosswalkId: string, options: CallOptions = {}): Promise<CrosswalkReport> {
    return (await this.get(`contracts/${segment(contractId)}/report`, CrosswalkReportSchema, { signal: options.signal, query: { crosswalk: crosswalkId } })).value;
  }

  /** GET /api/portfolio: every contract this account may see, rolled up (Managers all, officers the contracts they manage). */
  async portfolio(groupBy: PortfolioGroupBy, options: CallOptions & { from?: string; to?: string } = {}): Promise<PortfolioView> {
    return (await this.get("portfolio", PortfolioViewSchema, { signal: options.signal, query: { groupBy, from: options.from, to: options.to } })).value;
  }

  /** GET /api/portfolio/report: the cabinet report of the same contracts, one self-contained HTML page, as text. */
  async portfolioReport(options: CallOptions = {}): Promise<string> {
    const answer = await this.call({ method: "GET", path: "portfolio/report", expect: "html", signal: options.signal });
    return validate(z.string(), answer.body, "GET /portfolio/report");
  }

  /** POST /api/values/batch: one answer per query, in order; a shorter or longer answer is refused. */
  async values(queries: ValueQuery[], options: CallOptions = {}): Promise<ValueAnswer[]> {
    const answer = await this.call({ method: "POST", path: "values/batch", body: { queries }, signal: options.signal });
    const { answers } = validate(ValuesBatchResponseSchema, answer.body, "POST /values/batch");
    if (answers.length !== queries.length) {
      throw new ApiProblem("invalid-response", `The API answered ${answers.length} look-ups for ${queries.length} asked; the answers cannot be matched to the questions.`, "misaligned-answers");
    }
    return answers;
  }
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  return new ApiClient(options);
}
