import type { HttpRequest } from "@azure/functions";
import type { z } from "zod";
import { parseJson, problemsFromZod } from "../../../shared";
import { ApiFailure, invalid } from "./errors";

/** docs/API-CONTRACT.md "Conventions": request bodies are capped at 256 KiB unless a route says otherwise. */
export const MAX_BODY_BYTES = 256 * 1024;

/** Refuses a body over the cap, from Content-Length when it is sent, else from what arrived. */
export async function readBytes(request: HttpRequest, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get("content-length") ?? "");
  const tooLarge = () =>
    new ApiFailure(413, "payload-too-large", `The request body is larger than ${Math.round(maxBytes / 1024)} KiB; nothing was stored.`);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.byteLength > maxBytes) throw tooLarge();
  return bytes;
}

/** Only JSON is accepted (UTF-8, the JSON default); 415 otherwise. */
export function requireJsonContentType(request: HttpRequest): string {
  const contentType = request.headers.get("content-type") ?? "";
  const [type, ...params] = contentType.split(";").map((s) => s.trim().toLowerCase());
  const charset = params.find((p) => p.startsWith("charset="))?.slice("charset=".length).replace(/"/g, "");
  if (type !== "application/json" || (charset !== undefined && charset !== "utf-8" && charset !== "utf8")) {
    throw new ApiFailure(415, "unsupported-media-type", `Send the body as application/json (UTF-8); got "${contentType || "no Content-Type"}".`);
  }
  return contentType;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

export function parseJsonText(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  const parsed = parseJson(text);
  return parsed.ok ? parsed : { ok: false, message: `The body is not valid JSON: ${parsed.message}` };
}

/** Size, then content type, then JSON: the checks every JSON route makes before looking at the content. */
export async function readJson(request: HttpRequest, maxBytes = MAX_BODY_BYTES): Promise<unknown> {
  const bytes = await readBytes(request, maxBytes);
  requireJsonContentType(request);
  const text = decodeUtf8(bytes);
  if (text === undefined) throw invalid("The body is not valid UTF-8 text.");
  const parsed = parseJsonText(text);
  if (!parsed.ok) throw new ApiFailure(400, "malformed-json", parsed.message);
  return parsed.value;
}

/** Validates with a shared schema; every problem comes back with its field path. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const problems = problemsFromZod(result.error.issues);
    throw invalid(`${what} is not valid: ${problems.length} problem${problems.length === 1 ? "" : "s"}.`, problems);
  }
  return result.data;
}

/** The query string as an object; a repeated parameter is refused rather than guessed at. */
export function queryObject(request: HttpRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of request.query) {
    if (key in out) throw invalid(`The query parameter "${key}" is given more than once.`, [{ path: [key], message: "given more than once" }]);
    out[key] = value;
  }
  return out;
}
