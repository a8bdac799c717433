/**
 * A small MIME reader for the fake Graph server and the outbox tests, written from RFC 5322,
 * 2045-2047 and not from the product's builder, so reading a message back checks the builder.
 * It handles what a mail client needs from our messages: folded headers, encoded words (B and Q),
 * multipart bodies, quoted-printable and base64 parts.
 */

export interface ParsedPart {
  /** Header names lower-cased; values unfolded but not decoded. */
  headers: Map<string, string[]>;
  /** e.g. "multipart/alternative", "text/plain" (lower-cased). */
  contentType: string;
  params: Record<string, string>;
  /** Decoded text of a leaf part ("" for a multipart). */
  body: string;
  parts: ParsedPart[];
}

export interface Address {
  name: string;
  email: string;
}

export function header(part: ParsedPart, name: string): string | undefined {
  return part.headers.get(name.toLowerCase())?.[0];
}

/** RFC 2047: =?charset?B|Q?text?= words, with the whitespace between adjacent words dropped. */
export function decodeWords(value: string): string {
  const joined = value.replace(/(=\?[^?]+\?[BbQq]\?[^?]*\?=)\s+(?==\?)/g, "$1");
  return joined.replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_m, charset: string, encoding: string, text: string) => {
    if (charset.toLowerCase() !== "utf-8") throw new Error(`unexpected charset ${charset}`);
    const bytes =
      encoding.toUpperCase() === "B"
        ? Buffer.from(text, "base64")
        : Buffer.from(text.replace(/_/g, " ").replace(/=([0-9A-F]{2})/gi, (_q, hex: string) => String.fromCharCode(parseInt(hex, 16))), "latin1");
    return bytes.toString("utf8");
  });
}

function decodeQuotedPrintable(text: string): string {
  const joined = text.replace(/=\r\n/g, "");
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    const c = joined[i] as string;
    if (c === "=" && /^[0-9A-F]{2}$/.test(joined.slice(i + 1, i + 3))) {
      bytes.push(parseInt(joined.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c === "=") {
      throw new Error(`bad quoted-printable near "${joined.slice(i, i + 10)}"`);
    } else {
      bytes.push(c.charCodeAt(0));
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

function parseParams(value: string): { type: string; params: Record<string, string> } {
  const [type = "", ...rest] = value.split(";");
  const params: Record<string, string> = {};
  for (const p of rest) {
    const m = /^\s*([^=\s]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s;]+))\s*$/.exec(p);
    if (m) params[(m[1] as string).toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, "$1") : (m[3] as string);
  }
  return { type: type.trim().toLowerCase(), params };
}

export function parseMime(raw: string): ParsedPart {
  const split = raw.indexOf("\r\n\r\n");
  if (split < 0) throw new Error("no blank line between headers and body");
  const head = raw.slice(0, split);
  const body = raw.slice(split + 4);
  const headers = new Map<string, string[]>();
  for (const line of head.replace(/\r\n(?=[ \t])/g, "").split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon <= 0) throw new Error(`not a header line: ${JSON.stringify(line)}`);
    const name = line.slice(0, colon).trim().toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), line.slice(colon + 1).trim()]);
  }
  const { type, params } = parseParams(headers.get("content-type")?.[0] ?? "text/plain; charset=us-ascii");
  if (type.startsWith("multipart/")) {
    const boundary = params.boundary;
    if (!boundary) throw new Error("multipart without a boundary");
    const chunks = body.split(`--${boundary}`);
    const closing = chunks.findIndex((c) => c.startsWith("--"));
    if (closing < 0) throw new Error("multipart without a closing boundary");
    const parts = chunks.slice(1, closing).map((chunk) => parseMime(chunk.replace(/^\r\n/, "").replace(/\r\n$/, "")));
    return { headers, contentType: type, params, body: "", parts };
  }
  const encoding = (headers.get("content-transfer-encoding")?.[0] ?? "7bit").toLowerCase();
  const decoded =
    encoding === "quoted-printable" ? decodeQuotedPrintable(body) : encoding === "base64" ? Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8") : body;
  return { headers, contentType: type, params, body: decoded, parts: [] };
}

/** `Name <a@b>, "Quoted, Name" <c@d>, e@f` → addresses, names decoded. */
export function parseAddressList(value: string): Address[] {
  const out: Address[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    if (c === "\\" && quoted) {
      current += c + (value[i + 1] ?? "");
      i++;
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === "," && !quoted) {
      out.push(parseAddress(current));
      current = "";
    } else {
      current += c;
    }
  }
  if (current.trim()) out.push(parseAddress(current));
  return out;
}

function parseAddress(text: string): Address {
  const m = /^\s*(.*?)\s*<([^>]+)>\s*$/.exec(text);
  if (!m) return { name: "", email: text.trim() };
  let name = (m[1] as string).trim();
  if (name.startsWith('"') && name.endsWith('"')) name = name.slice(1, -1).replace(/\\(.)/g, "$1");
  return { name: decodeWords(name), email: (m[2] as string).trim() };
}

/** The text/plain and text/html parts of a multipart/alternative message. */
export function alternatives(message: ParsedPart): { text: ParsedPart; html: ParsedPart } {
  const text = message.parts.find((p) => p.contentType === "text/plain");
  const html = message.parts.find((p) => p.contentType === "text/html");
  if (!text || !html) throw new Error(`expected text and html parts, got ${message.parts.map((p) => p.contentType).join(", ")}`);
  return { text, html };
}
