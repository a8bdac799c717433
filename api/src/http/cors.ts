import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import { errorBody } from "./errors";

const METHODS = "GET, POST, PUT, PATCH";
const REQUEST_HEADERS = "authorization, content-type, if-match";

export function isAllowedOrigin(origin: string | null, allowed: readonly string[]): origin is string {
  return origin !== null && allowed.includes(origin);
}

/** Headers added to every response; only the add-in's own origins may read responses from a browser. */
export function corsHeaders(origin: string | null, allowed: readonly string[]): Record<string, string> {
  if (!isAllowedOrigin(origin, allowed)) return { vary: "Origin" };
  return { "access-control-allow-origin": origin, "access-control-expose-headers": "ETag, Location", vary: "Origin" };
}

/** Answers a browser's preflight: 204 for the add-in's origins, 403 for any other. */
export function preflight(request: HttpRequest, allowed: readonly string[]): HttpResponseInit {
  const origin = request.headers.get("origin");
  if (!isAllowedOrigin(origin, allowed)) {
    return {
      status: 403,
      jsonBody: errorBody("origin-not-allowed", `Requests from ${origin ?? "a page with no Origin"} are not allowed; the API serves the add-in's origins only (CORS_ORIGINS).`),
      headers: { vary: "Origin" },
    };
  }
  return {
    status: 204,
    headers: {
      "access-control-allow-origin": origin,
      "access-control-allow-methods": METHODS,
      "access-control-allow-headers": REQUEST_HEADERS,
      "access-control-max-age": "600",
      vary: "Origin",
    },
  };
}
