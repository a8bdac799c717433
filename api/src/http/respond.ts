import type { HttpResponseInit } from "@azure/functions";

export function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponseInit {
  return { status, jsonBody: body, headers };
}

/** A text answer (CSV, HTML) with its content type. */
export function text(status: number, body: string, contentType: string, headers: Record<string, string> = {}): HttpResponseInit {
  return { status, body, headers: { "content-type": contentType, ...headers } };
}
