/** The task pane's way to the Social Value Ledger API: the typed client, its problems, loading state. */
export { ApiClient, ApiProblem, browserFetch, createApiClient } from "./client";
export type { ApiClientOptions, CallOptions, ContributionQuery, FetchLike, Page, PagingOptions, ProblemKind, ResponseLike, Tagged } from "./client";
export { useLoad } from "./useLoad";
export type { LoadControls, Loaded } from "./useLoad";
export { DEFAULT_TIMEOUT_MS, send, validate } from "./http";
