import {
  AssessmentInputSchema,
  ClearWarningsRequestSchema,
  CommitmentsSchema,
  ContributionFiltersSchema,
  CrosswalkIdSchema,
  CrosswalkInputSchema,
  crosswalkReport,
  EXAMPLE_PACK,
  KpiRegisterInputSchema,
  PerformanceFailureInputSchema,
  QuarantineResolveRequestSchema,
  checkRatings,
  noticeDueBy,
  registerView,
  ReviewRequestSchema,
  ValuesBatchRequestSchema,
  addDays,
  dueDateAfterRejection,
  isOverdue,
  nextEvidenceStatus,
  supplierKey,
  todayIn,
  portfolioView,
  PortfolioGroupBySchema,
  formatPence,
} from "../../../shared";
import type {
  Assessment,
  ChaseLedgerEntry,
  ChaseRunStatus,
  Commitment,
  ContractDetail,
  Contribution,
  ContributionDetail,
  Crosswalk,
  FrameworkPack,
  KpiRegister,
  PerformanceFailure,
  Problem,
  QuarantineItem,
  ValueAnswer,
  PortfolioContract,
} from "../../../shared";
import type { FetchLike, ResponseLike } from "../../../taskpane/apiClient";

/**
 * A small in-memory Social Value Ledger API behind a fetch function, for the task pane's tests.
 * It keeps the real API's contract (api/src/app/routes.ts and handlers): the same routes, roles, error
 * bodies, ETags with If-Match and 412, opaque continuation tokens, and POST /dev/token.
 */

export const TODAY = todayIn("Europe/London", new Date());

type Role = "Officer" | "Manager";

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: unknown;
}

interface Route {
  method: string;
  pattern: RegExp;
  roles: Role[] | "anyone";
  handle: (request: RecordedRequest, params: string[]) => Answer;
}

interface Answer {
  status: number;
  body?: unknown;
  /** A body that is not JSON (the cabinet report's HTML), sent as it is with its own content-type header. */
  text?: string;
  headers?: Record<string, string>;
}

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** SV-0000000A style references in the alphabet real ones use. */
export function reference(n: number): string {
  let text = "";
  let rest = n;
  for (let i = 0; i < 8; i++) {
    text = CROCKFORD[rest % 32] + text;
    rest = Math.floor(rest / 32);
  }
  return `SV-${text}`;
}

export function contractDetail(overrides: Partial<ContractDetail> = {}): ContractDetail {
  return {
    id: "C-1001",
    title: "Highways maintenance and minor works",
    buyer: "Example County Council",
    packId: EXAMPLE_PACK.id,
    packEdition: EXAMPLE_PACK.edition,
    value: 12_000_000,
    startDate: "2026-01-01",
    endDate: "2028-12-31",
    contractManager: { name: "Sam Patel", email: "sam.patel@council.example" },
    escalationContacts: [],
    reminderPolicy: { evidenceGraceDays: 30, remindEveryDays: 7, escalateAfterReminders: 2, lineManagerAfterReminders: 4 },
    createdAt: "2026-01-02T09:00:00.000Z",
    updatedAt: "2026-01-02T09:00:00.000Z",
    commitments: [],
    ...overrides,
  };
}

export function contributionDetail(n: number, overrides: Partial<ContributionDetail> = {}): ContributionDetail {
  const measureCode = overrides.measureCode ?? "J1";
  const quantity = overrides.quantity ?? 1;
  const measure = EXAMPLE_PACK.measures.find((m) => m.code === measureCode);
  const value = measure?.kind === "proxy" ? quantity * (measure.proxy ?? 0) : measure?.kind === "face-value" ? quantity : null;
  return {
    id: reference(n),
    contractId: "C-1001",
    supplier: "Acme Build Ltd",
    responder: "jo@acme.example",
    measureCode,
    quantity,
    periodStart: addDays(TODAY, -120),
    periodEnd: addDays(TODAY, -30),
    description: `Contribution number ${n}`,
    evidence: [],
    evidenceStatus: "missing",
    evidenceDueDate: addDays(TODAY, 10),
    value,
    packId: EXAMPLE_PACK.id,
    packEdition: EXAMPLE_PACK.edition,
    source: { kind: "form", formId: "form-1", responseId: String(n) },
    submittedAt: "2026-07-02T10:00:00.000Z",
    warnings: [],
    audit: [{ at: "2026-07-02T10:00:00.000Z", actor: "jo@acme.example", action: "created", detail: "Reported through the form" }],
    ...overrides,
  };
}

function base64url(text: string): string {
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** An unsigned JWT with the claims the dev issuer puts in its tokens. */
export function fakeToken(roles: Role[], email = "sam.patel@council.example", name = "Sam Patel", expiresInSeconds = 8 * 3600): string {
  const header = base64url(JSON.stringify({ alg: "none", typ: "JWT" }));
  const payload = base64url(JSON.stringify({ roles, preferred_username: email, name, tid: "dev", exp: Math.floor(Date.now() / 1000) + expiresInSeconds }));
  return `${header}.${payload}.sig`;
}

function rolesOf(token: string): Role[] {
  const payload = token.split(".")[1] ?? "";
  const json = JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/"))) as { roles?: Role[] };
  return json.roles ?? [];
}

const error = (status: number, code: string, message: string, details?: Problem[]): Answer => ({
  status,
  body: { error: details && details.length > 0 ? { code, message, details } : { code, message } },
});

const zodDetails = (issues: readonly { path: readonly PropertyKey[]; message: string }[]): Problem[] =>
  issues.map((i) => ({ path: i.path.map((k) => (typeof k === "number" ? k : String(k))), message: i.message }));

function response(answer: Answer): ResponseLike {
  const headers = new Map(Object.entries({ "content-type": "application/json", ...answer.headers }).map(([k, v]) => [k.toLowerCase(), v]));
  const text = answer.text ?? (answer.body === undefined ? "" : JSON.stringify(answer.body));
  return {
    status: answer.status,
    statusText: "",
    headers: { get: (name) => headers.get(name.toLowerCase()) ?? null },
    text: async () => text,
  };
}

export class FakeApi {
  readonly baseUrl = "http://localhost:7071/api";
  contracts: ContractDetail[] = [contractDetail()];
  packs: FrameworkPack[] = [EXAMPLE_PACK];
  private readonly contributions = new Map<string, { value: ContributionDetail; etag: string }>();
  quarantine: QuarantineItem[] = [];
  /** KPI registers, assessments and failures by contract id, with the register's ETag. */
  readonly registers = new Map<string, { value: KpiRegister; etag: string }>();
  readonly assessments = new Map<string, Assessment[]>();
  readonly failures = new Map<string, PerformanceFailure[]>();
  /** Crosswalks between frameworks by id, as PUT /api/crosswalks/{id} stored them. */
  readonly crosswalks = new Map<string, Crosswalk>();
  ledger: ChaseLedgerEntry[] = [];
  /** What GET /api/portfolio rolls up, with shared/'s rules, as of `portfolioAsOf`. */
  portfolio: PortfolioContract[] = [];
  portfolioAsOf = "2026-10-01";
  /** What GET /chase/runs/{runId} answers once the run POST /chase/run started is over. */
  chaseRun: ChaseRunStatus = {
    runId: "0a1b2c3d",
    runDate: TODAY,
    scope: "everything",
    trigger: "manual",
    state: "finished",
    startedAt: `${TODAY}T09:00:00.000Z`,
    heartbeatAt: `${TODAY}T09:00:00.000Z`,
    finishedAt: `${TODAY}T09:00:02.000Z`,
    sent: 0,
    failed: 0,
    deferred: 0,
    alreadyDone: 0,
  };
  /** Default page size when a request does not say; small so paging is exercised. */
  pageSize = 100;
  /** Every request, in order. */
  readonly requests: RecordedRequest[] = [];
  /** Answers the next matching requests instead of the routes (a 503, a hang, a broken body…). */
  readonly interceptors: ((request: RecordedRequest) => ResponseLike | Promise<ResponseLike> | "hang" | undefined)[] = [];
  /** False makes POST /dev/token a 404, as on an API without the dev issuer. */
  devIssuer = true;
  private etagCounter = 0;
  private readonly routes: Route[];

  constructor() {
    this.routes = [
      { method: "GET", pattern: /^health$/, roles: "anyone", handle: () => ({ status: 200, body: { status: "ok", storage: "ok" } }) },
      { method: "POST", pattern: /^dev\/token$/, roles: "anyone", handle: (r) => this.devToken(r) },
      { method: "GET", pattern: /^packs$/, roles: ["Officer"], handle: () => this.listPacks() },
      { method: "GET", pattern: /^packs\/([^/]+)$/, roles: ["Officer"], handle: (r, [id]) => this.getPack(r, id ?? "") },
      { method: "GET", pattern: /^contracts$/, roles: ["Officer"], handle: (r) => this.page(r, "contracts", this.contracts.map(({ commitments: _c, ...contract }) => contract)) },
      { method: "GET", pattern: /^contracts\/([^/]+)$/, roles: ["Officer"], handle: (_r, [id]) => this.getContract(id ?? "") },
      { method: "PUT", pattern: /^contracts\/([^/]+)\/commitments$/, roles: ["Officer"], handle: (r, [id]) => this.putCommitments(r, id ?? "") },
      { method: "GET", pattern: /^contracts\/([^/]+)\/kpis$/, roles: ["Officer"], handle: (_r, [id]) => this.withContract(id, (c) => this.kpisView(c)) },
      { method: "PUT", pattern: /^contracts\/([^/]+)\/kpis$/, roles: ["Officer"], handle: (r, [id]) => this.withContract(id, (c) => this.putKpis(r, c)) },
      { method: "GET", pattern: /^contracts\/([^/]+)\/assessments$/, roles: ["Officer"], handle: (_r, [id]) => this.withContract(id, (c) => ({ status: 200, body: { items: this.assessments.get(c.id) ?? [] } })) },
      { method: "POST", pattern: /^contracts\/([^/]+)\/assessments$/, roles: ["Officer"], handle: (r, [id]) => this.withContract(id, (c) => this.createAssessment(r, c)) },
      { method: "GET", pattern: /^contracts\/([^/]+)\/performance-failures$/, roles: ["Officer"], handle: (_r, [id]) => this.withContract(id, (c) => ({ status: 200, body: { items: this.failures.get(c.id) ?? [] } })) },
      { method: "POST", pattern: /^contracts\/([^/]+)\/performance-failures$/, roles: ["Officer"], handle: (r, [id]) => this.withContract(id, (c) => this.recordFailure(r, c)) },
      { method: "GET", pattern: /^crosswalks$/, roles: ["Officer"], handle: () => ({ status: 200, body: { items: [...this.crosswalks.values()].map((c) => ({ ...c, mappings: c.mappings.length })) } }) },
      { method: "PUT", pattern: /^crosswalks\/([^/]+)$/, roles: ["Officer"], handle: (r, [id]) => this.putCrosswalk(r, decodeURIComponent(id ?? "")) },
      { method: "GET", pattern: /^contracts\/([^/]+)\/report$/, roles: ["Officer"], handle: (r, [id]) => this.withContract(id, (c) => this.crosswalkReport(r, c)) },
      { method: "GET", pattern: /^contributions$/, roles: ["Officer", "Manager"], handle: (r) => this.listContributions(r) },
      { method: "GET", pattern: /^contributions\/([^/]+)$/, roles: ["Officer", "Manager"], handle: (_r, [id]) => this.getContribution(id ?? "") },
      { method: "POST", pattern: /^contributions\/([^/]+)\/review$/, roles: ["Officer"], handle: (r, [id]) => this.review(r, id ?? "") },
      { method: "POST", pattern: /^contributions\/([^/]+)\/warnings\/clear$/, roles: ["Officer"], handle: (r, [id]) => this.clearWarnings(r, id ?? "") },
      { method: "GET", pattern: /^quarantine$/, roles: ["Officer"], handle: (r) => this.page(r, "quarantine", this.quarantine, 50) },
      { method: "POST", pattern: /^quarantine\/([^/]+)\/resolve$/, roles: ["Officer"], handle: (r, [id]) => this.resolveQuarantine(r, decodeURIComponent(id ?? "")) },
      {
        method: "POST",
        pattern: /^chase\/run$/,
        roles: ["Manager"],
        handle: () => ({ status: 202, body: { ...this.chaseRun, state: "running", sent: 0, failed: 0, deferred: 0, alreadyDone: 0, finishedAt: undefined } }),
      },
      { method: "GET", pattern: /^chase\/runs\/([^/]+)$/, roles: ["Manager"], handle: (_r, [id]) => (id === this.chaseRun.runId ? { status: 200, body: this.chaseRun } : { status: 404, body: { error: { code: "not-found", message: `There is no chase run ${id}.` } } }) },
      { method: "GET", pattern: /^chase\/ledger$/, roles: ["Officer", "Manager"], handle: (r) => this.chaseLedger(r) },
      { method: "POST", pattern: /^values\/batch$/, roles: ["Officer"], handle: (r) => this.valuesBatch(r) },
      {
        method: "GET",
        pattern: /^portfolio$/,
        roles: ["Officer", "Manager"],
        handle: (r) => ({ status: 200, body: portfolioView(this.portfolio, { groupBy: PortfolioGroupBySchema.parse(r.query.get("groupBy") ?? "contract"), asOf: this.portfolioAsOf }) }),
      },
      { method: "GET", pattern: /^portfolio\/report$/, roles: ["Officer", "Manager"], handle: () => this.portfolioReport() },
    ];
  }

  /** The fetch the task pane is given. */
  readonly fetch: FetchLike = async (url, init) => {
    const parsed = new URL(url);
    if (!url.startsWith(`${this.baseUrl}/`)) throw new TypeError(`Failed to fetch ${url}`);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries((init.headers ?? {}) as Record<string, string>)) headers[k.toLowerCase()] = v;
    const request: RecordedRequest = {
      method: init.method ?? "GET",
      path: parsed.pathname.slice(new URL(this.baseUrl).pathname.length + 1),
      query: parsed.searchParams,
      headers,
      body: typeof init.body === "string" ? JSON.parse(init.body) : undefined,
    };
    this.requests.push(request);
    const signal = init.signal ?? undefined;
    if (signal?.aborted) throw new DOMException("The operation was aborted.", "AbortError");
    for (const [i, intercept] of this.interceptors.entries()) {
      const answer = intercept(request);
      if (answer === undefined) continue;
      this.interceptors.splice(i, 1);
      if (answer === "hang") {
        return new Promise<ResponseLike>((_resolve, reject) => {
          signal?.addEventListener("abort", () => reject(new DOMException("The operation was aborted.", "AbortError")));
        });
      }
      return answer;
    }
    return response(this.route(request));
  };

  /** Holds matching requests until `release` is called, then answers them as usual (to see a page mid-load). */
  hold(matches: (request: RecordedRequest) => boolean): { release: () => void } {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    this.interceptors.push((r) => (matches(r) ? released.then(() => response(this.route(r))) : undefined));
    return { release };
  }

  /** The requests made to one route. */
  requestsTo(method: string, path: string | RegExp): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && (typeof path === "string" ? r.path === path : path.test(r.path)));
  }

  /** Fails the next request to `path` with this status and API error body. */
  failNext(method: string, path: string | RegExp, status: number, code = "storage-unavailable", message = "The ledger's storage cannot be reached just now.") {
    this.interceptors.push((r) => (r.method === method && (typeof path === "string" ? r.path === path : path.test(r.path)) ? response(error(status, code, message)) : undefined));
  }

  addContributions(...items: ContributionDetail[]): void {
    for (const item of items) this.contributions.set(item.id, { value: item, etag: this.nextEtag() });
  }

  contribution(id: string): ContributionDetail | undefined {
    return this.contributions.get(id)?.value;
  }

  /** Someone else's change: the stored contribution moves on and gets a new ETag. */
  changeContribution(id: string, change: (c: ContributionDetail) => ContributionDetail): void {
    const stored = this.contributions.get(id);
    if (!stored) throw new Error(`no contribution ${id}`);
    this.contributions.set(id, { value: change(stored.value), etag: this.nextEtag() });
  }

  private nextEtag(): string {
    this.etagCounter += 1;
    return `W/"${this.etagCounter}"`;
  }

  private route(request: RecordedRequest): Answer {
    for (const route of this.routes) {
      const match = route.pattern.exec(request.path);
      if (!match || route.method !== request.method) continue;
      if (route.roles !== "anyone") {
        const token = /^Bearer (\S+)$/.exec(request.headers.authorization ?? "")?.[1];
        if (!token) return error(401, "missing-token", "Not signed in: send an Entra ID access token as 'Authorization: Bearer <token>'.");
        let roles: Role[];
        try {
          roles = rolesOf(token);
        } catch {
          return error(401, "invalid-token", "Not signed in: the token is malformed.");
        }
        if (!roles.some((r) => (route.roles as Role[]).includes(r))) {
          return error(403, "forbidden", `This needs the ${route.roles.join(" or ")} role; your token has ${roles.join(", ") || "no app role"}. Ask an administrator to assign it in Entra ID.`);
        }
      }
      return route.handle(request, match.slice(1).map((p) => decodeURIComponent(p)));
    }
    return error(404, "not-found", `No route /api/${request.path}.`);
  }

  private devToken(request: RecordedRequest): Answer {
    if (!this.devIssuer) return error(404, "not-found", "No route /api/dev/token.");
    const body = request.body as { role?: Role | Role[]; email?: string; name?: string };
    const roles = Array.isArray(body.role) ? body.role : [body.role];
    if (roles.length === 0 || roles.some((r) => r !== "Officer" && r !== "Manager")) {
      return error(400, "invalid-request", "role must be Officer, Manager or both", [{ path: ["role"], message: "Officer, Manager or both" }]);
    }
    const accessToken = fakeToken([...new Set(roles as Role[])], body.email ?? "", body.name ?? body.email ?? "");
    return { status: 200, body: { accessToken, expiresOn: new Date(Date.now() + 8 * 3600_000).toISOString() } };
  }

  private page<T>(request: RecordedRequest, scope: string, items: readonly T[], defaultSize = this.pageSize): Answer {
    const size = Number(request.query.get("pageSize") ?? defaultSize);
    const token = request.query.get("continuationToken");
    let start = 0;
    if (token) {
      const [tokenScope, offset] = atob(token).split("|");
      if (tokenScope !== scope) return error(400, "invalid-request", "continuationToken belongs to a different query; start again from the first page.", [{ path: ["continuationToken"], message: "belongs to a different query" }]);
      start = Number(offset);
    }
    const end = start + size;
    return { status: 200, body: { items: items.slice(start, end), ...(end < items.length ? { continuationToken: btoa(`${scope}|${end}`) } : {}) } };
  }

  private resolveQuarantine(request: RecordedRequest, id: string): Answer {
    const parsed = QuarantineResolveRequestSchema.safeParse(request.body);
    if (!parsed.success) return error(400, "invalid-request", "The resolution is not valid.", zodDetails(parsed.error.issues));
    const index = this.quarantine.findIndex((q) => q.id === id);
    const kept = this.quarantine[index];
    if (!kept) return error(404, "not-found", `There is no quarantined submission ${id}.`);
    if (kept.resolved) return error(409, "already-resolved", `Submission ${id} was marked dealt with by ${kept.resolved.by} at ${kept.resolved.at}.`);
    const resolved = { by: "sam.patel@council.example", at: "2026-11-26T14:05:00.000Z", ...(parsed.data.note ? { note: parsed.data.note } : {}) };
    this.quarantine[index] = { ...kept, resolved };
    return { status: 200, body: { id, resolved } };
  }

  private listPacks(): Answer {
    return {
      status: 200,
      body: {
        items: this.packs.map((p) => ({ id: p.id, name: p.name, edition: p.edition, illustrative: p.illustrative, licence: p.licence, source: p.source, measureCount: p.measures.length, bundled: p.id === "example" })),
      },
    };
  }

  private getPack(request: RecordedRequest, id: string): Answer {
    const edition = request.query.get("edition");
    const pack = this.packs.find((p) => p.id === id && (edition === null || p.edition === edition));
    return pack ? { status: 200, body: pack } : error(404, "not-found", `There is no framework pack ${id}${edition ? ` edition ${edition}` : ""}.`);
  }

  private getContract(id: string): Answer {
    const contract = this.contracts.find((c) => c.id === id);
    return contract ? { status: 200, body: contract, headers: { etag: `W/"contract-${id}"` } } : error(404, "not-found", `There is no contract ${id}.`);
  }

  private withContract(id: string | undefined, answer: (contract: ContractDetail) => Answer): Answer {
    const contract = this.contracts.find((c) => c.id === id);
    return contract ? answer(contract) : error(404, "not-found", `There is no contract ${id ?? ""}.`);
  }

  /** As the API works it out (shared/performance.ts), with nothing accepted: no contribution counts towards a suggestion here. */
  private kpisView(contract: ContractDetail, status = 200): Answer {
    const stored = this.registers.get(contract.id);
    const view = registerView(contract, stored?.value ?? { kpis: [] }, this.assessments.get(contract.id) ?? [], [], TODAY);
    return { status, body: view, ...(stored ? { headers: { etag: stored.etag } } : {}) };
  }

  private putKpis(request: RecordedRequest, contract: ContractDetail): Answer {
    const stored = this.registers.get(contract.id);
    const ifMatch = request.headers["if-match"];
    if (ifMatch !== undefined && ifMatch !== "*" && ifMatch !== stored?.etag) return error(412, "stale-etag", `The KPI register of ${contract.id} was changed by someone else since you loaded it; reload it and make your change again.`);
    const parsed = KpiRegisterInputSchema.safeParse(request.body);
    if (!parsed.success) return error(400, "invalid-request", "The KPI register is not valid.", zodDetails(parsed.error.issues));
    const { exemptionReason } = parsed.data;
    const value: KpiRegister = { contractId: contract.id, kpis: parsed.data.kpis, ...(exemptionReason ? { exemptionReason } : {}), updatedAt: new Date().toISOString(), updatedBy: "sam.patel@council.example" };
    this.registers.set(contract.id, { value, etag: this.nextEtag() });
    return this.kpisView(contract);
  }

  private createAssessment(request: RecordedRequest, contract: ContractDetail): Answer {
    const parsed = AssessmentInputSchema.safeParse(request.body);
    if (!parsed.success) return error(400, "invalid-request", "The assessment is not valid.", zodDetails(parsed.error.issues));
    const checked = checkRatings(this.registers.get(contract.id)?.value.kpis ?? [], parsed.data.ratings);
    if (!checked.ok) return error(400, "invalid-request", `Rate every KPI of the register; missing: ${checked.missing.join(", ")}.`, checked.problems);
    const list = this.assessments.get(contract.id) ?? [];
    const { ratings: _r, ...period } = parsed.data;
    const assessment: Assessment = { ...period, id: `PA-${String(list.length + 1).padStart(8, "0")}`, contractId: contract.id, ratings: checked.ratings, assessedAt: new Date().toISOString(), assessedBy: "sam.patel@council.example" };
    this.assessments.set(contract.id, [...list, assessment]);
    return { status: 201, body: assessment };
  }

  private putCrosswalk(request: RecordedRequest, id: string): Answer {
    if (!CrosswalkIdSchema.safeParse(id).success) return error(400, "invalid-request", `"${id}" is not a crosswalk id.`, [{ path: ["id"], message: "a crosswalk id is lower-case letters, digits and '-', e.g. toms-to-svm" }]);
    const parsed = CrosswalkInputSchema.safeParse(request.body);
    if (!parsed.success) return error(400, "invalid-request", "The crosswalk is not valid.", zodDetails(parsed.error.issues));
    const crosswalk: Crosswalk = { id, ...parsed.data, updatedAt: new Date().toISOString(), updatedBy: "sam.patel@council.example" };
    this.crosswalks.set(id, crosswalk);
    return { status: 200, body: crosswalk };
  }

  /** As the API reports it: the contract's accepted contributions through the crosswalk (shared/crosswalk.ts). */
  private crosswalkReport(request: RecordedRequest, contract: ContractDetail): Answer {
    const id = request.query.get("crosswalk") ?? "";
    const crosswalk = this.crosswalks.get(id);
    if (!crosswalk) return error(404, "not-found", `There is no crosswalk ${id}; store it with PUT /api/crosswalks/${id}.`);
    const accepted = [...this.contributions.values()].map((c) => c.value).filter((c) => c.contractId === contract.id && c.evidenceStatus === "accepted");
    return { status: 200, body: crosswalkReport(contract, crosswalk, accepted) };
  }

  private recordFailure(request: RecordedRequest, contract: ContractDetail): Answer {
    const parsed = PerformanceFailureInputSchema.safeParse(request.body);
    if (!parsed.success) return error(400, "invalid-request", "The performance failure is not valid.", zodDetails(parsed.error.issues));
    const list = this.failures.get(contract.id) ?? [];
    const failure: PerformanceFailure = { ...parsed.data, id: `PF-${String(list.length + 1).padStart(8, "0")}`, contractId: contract.id, noticeDueBy: noticeDueBy(parsed.data.decisionDate), recordedAt: new Date().toISOString(), recordedBy: "sam.patel@council.example" };
    this.failures.set(contract.id, [...list, failure]);
    return { status: 201, body: failure };
  }

  private putCommitments(request: RecordedRequest, id: string): Answer {
    const contract = this.contracts.find((c) => c.id === id);
    if (!contract) return error(404, "not-found", `There is no contract ${id}.`);
    const parsed = CommitmentsSchema.safeParse(request.body);
    if (!parsed.success) return error(400, "invalid-request", "The commitments are not valid.", zodDetails(parsed.error.issues));
    const pack = this.packs.find((p) => p.id === contract.packId && p.edition === contract.packEdition) ?? EXAMPLE_PACK;
    const problems = parsed.data.commitments.flatMap((c: Commitment, i) =>
      pack.measures.some((m) => m.code === c.measureCode) ? [] : [{ path: ["commitments", i, "measureCode"], message: `measure "${c.measureCode}" is not in ${pack.id} ${pack.edition}` }],
    );
    if (problems.length > 0) return error(400, "invalid-request", `The commitments name measures that are not in the contract's pack (${pack.id} ${pack.edition}).`, problems);
    contract.commitments = parsed.data.commitments;
    return { status: 200, body: { commitments: contract.commitments } };
  }

  private listContributions(request: RecordedRequest): Answer {
    const parsed = ContributionFiltersSchema.safeParse(Object.fromEntries(request.query));
    if (!parsed.success) return error(400, "invalid-request", "The query is not valid.", zodDetails(parsed.error.issues));
    const f = parsed.data;
    const scope = `contributions ${JSON.stringify({ ...f, continuationToken: undefined, pageSize: undefined })}`;
    const items: Contribution[] = [...this.contributions.values()]
      .map((s) => s.value)
      .filter(
        (c) =>
          (f.contractId === undefined || c.contractId === f.contractId) &&
          (f.status === undefined || c.evidenceStatus === f.status) &&
          (f.supplier === undefined || supplierKey(c.supplier) === supplierKey(f.supplier)) &&
          (!f.overdue || isOverdue(c.evidenceStatus, c.evidenceDueDate, TODAY)) &&
          (f.needsLook === undefined || c.warnings.length > 0 === f.needsLook),
      )
      .map(({ audit: _audit, ...c }) => c);
    return this.page(request, scope, items);
  }

  private getContribution(id: string): Answer {
    const stored = this.contributions.get(id);
    return stored ? { status: 200, body: stored.value, headers: { etag: stored.etag } } : error(404, "not-found", `There is no contribution ${id}.`);
  }

  private review(request: RecordedRequest, id: string): Answer {
    const parsed = ReviewRequestSchema.safeParse(request.body);
    if (!parsed.success) return error(400, "invalid-request", "The review is not valid.", zodDetails(parsed.error.issues));
    const ifMatch = request.headers["if-match"];
    if (!ifMatch) return error(428, "if-match-required", "Send the contribution's ETag in If-Match.");
    const stored = this.contributions.get(id);
    if (!stored) return error(404, "not-found", `There is no contribution ${id}.`);
    if (stored.etag !== ifMatch) return error(412, "stale-etag", `Contribution ${id} changed since you loaded it (new evidence or another review). Reload it, check the evidence again, then review.`);
    const review = parsed.data;
    const confirmed = review.decision === "accept" && review.confirmWarnings === true;
    if (review.decision === "accept" && stored.value.warnings.length > 0 && !confirmed) {
      return error(409, "warnings-unconfirmed", `${id} needs a look before its evidence is accepted: ${stored.value.warnings.map((w) => `${w.code}: ${w.message}`).join("; ")}. Check them, then accept with confirmWarnings: true.`);
    }
    let status;
    try {
      status = nextEvidenceStatus(stored.value.evidenceStatus, review.decision);
    } catch (e) {
      return error(409, "not-reviewable", `${id}: ${(e as Error).message}`);
    }
    const at = new Date().toISOString();
    const reviewed: ContributionDetail = {
      ...stored.value,
      evidenceStatus: status,
      reviewedBy: "sam.patel@council.example",
      reviewedAt: at,
      ...(review.decision === "reject"
        ? { rejectionReason: review.reason, evidenceDueDate: dueDateAfterRejection(TODAY, 30), rejectionNotice: { state: "queued" as const, recipient: stored.value.responder, queuedAt: at } }
        : { warnings: [] }),
      audit: [
        ...stored.value.audit,
        { at, actor: "sam.patel@council.example", action: review.decision === "reject" ? "rejected" : "accepted", detail: review.decision === "reject" ? `Evidence rejected: ${review.reason}.` : "Evidence accepted." },
      ],
    };
    const etag = this.nextEtag();
    this.contributions.set(id, { value: reviewed, etag });
    return { status: 200, body: reviewed, headers: { etag } };
  }

  private clearWarnings(request: RecordedRequest, id: string): Answer {
    const parsed = ClearWarningsRequestSchema.safeParse(request.body);
    if (!parsed.success) return error(400, "invalid-request", "The decision is not valid.", zodDetails(parsed.error.issues));
    const ifMatch = request.headers["if-match"];
    if (!ifMatch) return error(428, "if-match-required", "Send the contribution's ETag in If-Match.");
    const stored = this.contributions.get(id);
    if (!stored) return error(404, "not-found", `There is no contribution ${id}.`);
    if (stored.etag !== ifMatch) return error(412, "stale-etag", `Contribution ${id} changed since you loaded it (new evidence, a review or new warnings). Reload it, look again, then clear.`);
    if (stored.value.warnings.length === 0) return error(409, "no-warnings", `${id} has no warnings to clear.`);
    const at = new Date().toISOString();
    const cleared: ContributionDetail = {
      ...stored.value,
      warnings: [],
      audit: [...stored.value.audit, { at, actor: "sam.patel@council.example", action: "warnings-cleared", detail: `Warnings cleared. Reason: ${parsed.data.reason}` }],
    };
    const etag = this.nextEtag();
    this.contributions.set(id, { value: cleared, etag });
    return { status: 200, body: cleared, headers: { etag } };
  }

  private chaseLedger(request: RecordedRequest): Answer {
    const contractId = request.query.get("contractId");
    const items = contractId ? this.ledger.filter((e) => e.contractIds.includes(contractId)) : this.ledger;
    return this.page(request, `ledger ${contractId ?? ""}`, items);
  }

  /** A small stand-in for api/src/portfolio/report.ts: a whole HTML page with the totals, sent as the API sends it. */
  private portfolioReport(): Answer {
    const { totals } = portfolioView(this.portfolio, { groupBy: "contract", asOf: this.portfolioAsOf });
    const text = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Cabinet report</title></head><body><h1>Cabinet report, ${this.portfolioAsOf}</h1><p>Committed ${formatPence(totals.committed)}, delivered ${formatPence(totals.delivered)}.</p></body></html>`;
    return { status: 200, text, headers: { "content-type": "text/html; charset=utf-8" } };
  }

  private valuesBatch(request: RecordedRequest): Answer {
    const parsed = ValuesBatchRequestSchema.safeParse(request.body);
    if (!parsed.success) return error(400, "invalid-request", "The batch is not valid.", zodDetails(parsed.error.issues));
    const all = [...this.contributions.values()].map((s) => s.value);
    const answers: ValueAnswer[] = parsed.data.queries.map((q) => {
      if (!this.contracts.some((c) => c.id === q.contract)) return { ok: false, error: { code: "unknown-contract", message: `There is no contract ${q.contract}.` } };
      const mine = all.filter((c) => c.contractId === q.contract);
      if (q.kind === "overdue") return { ok: true, value: mine.filter((c) => isOverdue(c.evidenceStatus, c.evidenceDueDate, TODAY)).length };
      return { ok: true, value: mine.filter((c) => c.evidenceStatus === "accepted" && (!q.code || c.measureCode === q.code)).reduce((s, c) => s + (c.value ?? 0), 0) };
    });
    return { status: 200, body: { answers } };
  }
}
