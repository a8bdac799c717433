import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Message, Recipient, WorkbookRange, WorkbookSessionInfo, WorkbookTable, WorkbookTableRow } from "@microsoft/microsoft-graph-types";
import { parseMime } from "./fakeGraphMime";
import type { ParsedPart } from "./fakeGraphMime";

/**
 * A fake Microsoft Graph on 127.0.0.1 for the mail and workbook tests, written from
 * docs/FORMS-AND-GRAPH.md §3 and §4: sendMail (JSON or base64 MIME) answers 202 with
 * request-id headers; the workbook API serves sessions, tables, header rows and paged rows from
 * memory; and on command it throttles (429 + Retry-After), answers 503/504/500, answers slowly,
 * drops connections, or returns an error body exactly as Graph writes it.
 */

export type Fault =
  /** 429 with Graph's throttling body; `retryAfter` as Graph sends it ("1", "2.128", or an HTTP date). */
  | { kind: "throttle"; retryAfter?: string; code?: string; message?: string }
  | { kind: "unavailable"; retryAfter?: string }
  | { kind: "gateway-timeout" }
  /** A 5xx with workbook-style nested codes, e.g. 500 generalException. */
  | { kind: "server-error"; status: number; code: string; innerCode?: string; message?: string }
  /** Any Graph error body: `{"error":{"code","message","innerError":{date,request-id,client-request-id}}}`. */
  | { kind: "error"; status: number; code: string; message: string; innerCode?: string }
  /** The socket is destroyed before any answer. */
  | { kind: "drop" }
  /** Headers go out, then the socket is destroyed mid-body. */
  | { kind: "drop-mid-body" }
  /** Wait, then answer normally (if the client is still there). */
  | { kind: "slow"; delayMs: number };

export interface Match {
  method?: string;
  /** Tested against the path without the query string, e.g. /v1.0/users/x/sendMail. */
  path?: RegExp;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** From `stamp` (Date.now unless a test supplies its virtual clock). */
  at: number;
  /** Status answered, or "dropped". */
  outcome: number | "dropped";
}

export interface SentMail {
  mailbox: string;
  authorization: string | undefined;
  clientRequestId: string | undefined;
  requestId: string;
  format: "json" | "mime";
  /** The JSON body as sent (format "json"). */
  json?: { message: Message; saveToSentItems?: boolean };
  /** The decoded MIME text and its parse (format "mime"). */
  rawMime?: string;
  mime?: ParsedPart;
  /** Every recipient address, lower-cased. */
  recipients: string[];
  at: number;
}

export interface FakeTable {
  id: string;
  name: string;
  worksheet: string;
  headers: string[];
  rows: unknown[][];
}

export interface FakeWorkbookOptions {
  /** Largest page served whatever $top asks (no documented maximum; real Graph may cap). */
  maxTop?: number;
  /** Add @odata.nextLink to pages with more rows after them (Graph is not known to). */
  nextLinks?: boolean;
}

interface FakeWorkbook {
  tables: FakeTable[];
  options: FakeWorkbookOptions;
}

export interface FakeSession {
  id: string;
  item: string;
  persistChanges: boolean;
  closed: boolean;
  expired: boolean;
}

export interface FakeGraph {
  /** Use as GRAPH_BASE_URL: http://127.0.0.1:PORT/v1.0 */
  baseUrl: string;
  requests: RecordedRequest[];
  /** Accepted sendMail calls only. */
  sent: SentMail[];
  sessions: FakeSession[];
  /** The most requests that were in flight at once. */
  maxInFlight(): number;
  /** The next matching requests meet these faults, in order. */
  failNext(faults: Fault | Fault[], match?: Match): void;
  /** Every matching request meets this fault until heal(). */
  failAlways(fault: Fault, match?: Match): void;
  heal(): void;
  /** Hold every answer this long (to see concurrency). */
  setLatency(ms: number): void;
  /** sendMail to these addresses answers 400 ErrorInvalidRecipients. */
  rejectRecipients(addresses: string[]): void;
  stampWith(stamp: () => number): void;
  addWorkbook(item: string, tables: FakeTable[], options?: FakeWorkbookOptions): void;
  /** Graph forgets these sessions, as after 7 idle minutes. */
  expireSessions(): void;
  close(): Promise<void>;
}

const ITEM = /^\/v1\.0(\/(?:drives\/[^/]+|users\/[^/]+\/drive|sites\/[^/]+\/drive|me\/drive)\/items\/[^/]+)\/workbook(\/.*)$/;
const SEND_MAIL = /^\/v1\.0\/users\/([^/]+)\/sendMail$/i;
const BASE64 = /^[A-Za-z0-9+/\r\n]+={0,2}\s*$/;

/** Graph's error `date`: no zone suffix, e.g. 2023-01-05T03:01:23. */
const graphDate = () => new Date().toISOString().slice(0, 19);

export async function startFakeGraph(): Promise<FakeGraph> {
  const requests: RecordedRequest[] = [];
  const sent: SentMail[] = [];
  const sessions: FakeSession[] = [];
  const workbooks = new Map<string, FakeWorkbook>();
  let queued: Array<{ fault: Fault; match: Match }> = [];
  let always: { fault: Fault; match: Match } | undefined;
  let latencyMs = 0;
  let rejected = new Set<string>();
  let stamp = () => Date.now();
  let inFlight = 0;
  let maxInFlight = 0;

  const matches = (m: Match, method: string, path: string) => (!m.method || m.method === method) && (!m.path || m.path.test(path));

  function takeFault(method: string, path: string): Fault | undefined {
    const i = queued.findIndex((q) => matches(q.match, method, path));
    if (i >= 0) return queued.splice(i, 1)[0]?.fault;
    return always && matches(always.match, method, path) ? always.fault : undefined;
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      void handle(req, res, Buffer.concat(chunks).toString("utf8")).finally(() => inFlight--);
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, body: string): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const method = req.method ?? "GET";
    const record: RecordedRequest = { method, path: url.pathname, query: url.searchParams, headers: req.headers, body, at: stamp(), outcome: "dropped" };
    requests.push(record);
    const requestId = randomUUID();
    const clientRequestId = (req.headers["client-request-id"] as string | undefined) ?? requestId;
    const baseHeaders = { "request-id": requestId, "client-request-id": clientRequestId, date: new Date().toUTCString(), "strict-transport-security": "max-age=31536000" };

    const answer = (status: number, json?: unknown, extra: Record<string, string> = {}) => {
      record.outcome = status;
      if (res.destroyed) return;
      const text = json === undefined ? "" : JSON.stringify(json);
      res.writeHead(status, { ...baseHeaders, ...(json === undefined ? {} : { "content-type": "application/json" }), ...extra });
      res.end(text);
    };
    const graphError = (status: number, code: string, message: string, innerCode?: string, extra: Record<string, string> = {}) =>
      answer(
        status,
        { error: { code, message, innerError: { ...(innerCode ? { code: innerCode, message } : {}), date: graphDate(), "request-id": requestId, "client-request-id": clientRequestId } } },
        { "cache-control": "no-store", ...extra },
      );

    if (latencyMs > 0) await new Promise((r) => setTimeout(r, latencyMs));
    const fault = takeFault(method, url.pathname);
    if (fault) {
      switch (fault.kind) {
        case "throttle":
          // The body of Graph's throttling sample (docs/FORMS-AND-GRAPH.md §3.5).
          return answer(
            429,
            {
              error: {
                code: fault.code ?? "TooManyRequests",
                innerError: { code: "429", date: graphDate(), message: "Please retry after", "request-id": requestId, status: "429" },
                message: fault.message ?? "Please retry again later.",
              },
            },
            fault.retryAfter !== undefined ? { "retry-after": fault.retryAfter } : {},
          );
        case "unavailable":
          return graphError(503, "serviceUnavailable", "The service is not available. Please try your request again.", "serviceUnavailableUncategorized", fault.retryAfter ? { "retry-after": fault.retryAfter } : {});
        case "gateway-timeout":
          return graphError(504, "gatewayTimeout", "The server, while acting as a gateway or proxy, did not receive a timely response from the upstream server it needed to access in attempting to complete the request.", "gatewayTimeoutUncategorized");
        case "server-error":
          return graphError(fault.status, fault.code, fault.message ?? "An internal server error occurred while processing the request.", fault.innerCode);
        case "error":
          return graphError(fault.status, fault.code, fault.message, fault.innerCode);
        case "drop":
          record.outcome = "dropped";
          req.socket.destroy();
          return;
        case "drop-mid-body":
          record.outcome = "dropped";
          res.writeHead(200, { ...baseHeaders, "content-type": "application/json", "content-length": "1000" });
          res.write('{"value":[');
          setTimeout(() => req.socket.destroy(), 10);
          return;
        case "slow":
          await new Promise((r) => setTimeout(r, fault.delayMs));
          break;
      }
    }

    const auth = req.headers.authorization;
    if (!auth || !/^Bearer \S+$/.test(auth)) return graphError(401, "InvalidAuthenticationToken", "Access token is empty.");

    const mail = SEND_MAIL.exec(url.pathname);
    if (mail && method === "POST") return sendMail(decodeURIComponent(mail[1] as string), req, body, requestId, clientRequestId, answer, graphError);
    const book = ITEM.exec(url.pathname);
    if (book) return workbook(book[1] as string, book[2] as string, method, url, req, body, answer, graphError);
    return graphError(400, "BadRequest", `Resource not found for the segment '${url.pathname.split("/").pop()}'.`);
  }

  function sendMail(
    mailbox: string,
    req: http.IncomingMessage,
    body: string,
    requestId: string,
    clientRequestId: string,
    answer: (status: number, json?: unknown, extra?: Record<string, string>) => void,
    graphError: (status: number, code: string, message: string) => void,
  ): void {
    const contentType = (req.headers["content-type"] ?? "").toLowerCase();
    const base = { mailbox, authorization: req.headers.authorization, clientRequestId: req.headers["client-request-id"] as string | undefined, requestId, at: stamp() };
    let entry: SentMail;
    if (contentType.startsWith("text/plain")) {
      if (!BASE64.test(body)) return graphError(400, "ErrorMimeContentInvalidBase64String", "Invalid base64 string for MIME content.");
      const rawMime = Buffer.from(body, "base64").toString("utf8");
      let mime: ParsedPart;
      try {
        mime = parseMime(rawMime);
      } catch (error) {
        return graphError(400, "ErrorMimeContentInvalidBase64String", `Invalid MIME content: ${(error as Error).message}`);
      }
      const to = mime.headers.get("to")?.join(",") ?? "";
      const recipients = [...to.matchAll(/<([^>]+)>|([^\s,<>"]+@[^\s,<>"]+)/g)].map((m) => (m[1] ?? m[2] ?? "").toLowerCase());
      entry = { ...base, format: "mime", rawMime, mime, recipients };
    } else {
      let json: SentMail["json"];
      try {
        json = JSON.parse(body) as SentMail["json"];
      } catch {
        return graphError(400, "RequestBodyRead", "Unable to read JSON request payload.");
      }
      const message = json?.message;
      if (!message) return graphError(400, "ErrorInvalidRecipients", "At least one recipient is not valid., A message can't be sent because it contains no recipients.");
      const list: Recipient[] = message.toRecipients ?? [];
      const recipients = list.map((r) => (r.emailAddress?.address ?? "").toLowerCase());
      entry = { ...base, format: "json", json, recipients };
    }
    if (entry.recipients.length === 0) {
      return graphError(400, "ErrorInvalidRecipients", "At least one recipient is not valid., A message can't be sent because it contains no recipients.");
    }
    const bad = entry.recipients.find((r) => rejected.has(r));
    if (bad) {
      return graphError(400, "ErrorInvalidRecipients", `At least one recipient isn't valid., Recipient "${bad}" isn't resolved. All recipients must be resolved before a message can be submitted.`);
    }
    sent.push(entry);
    answer(202, undefined, {
      "x-ms-ags-diagnostic": JSON.stringify({ ServerInfo: { DataCenter: "UK South", Slice: "E", Ring: "5", ScaleUnit: "001", RoleInstance: "LN2PEPF0000FAKE" } }),
      "client-request-id": clientRequestId,
    });
  }

  function workbook(
    item: string,
    rest: string,
    method: string,
    url: URL,
    req: http.IncomingMessage,
    body: string,
    answer: (status: number, json?: unknown) => void,
    graphError: (status: number, code: string, message: string, innerCode?: string) => void,
  ): void {
    const book = workbooks.get(decodeURIComponent(item));
    if (!book) return graphError(404, "itemNotFound", "The resource could not be found.");
    const notFound = () => graphError(404, "NotFound", "The requested resource doesn't exist.", "itemNotFound");

    if (rest === "/createSession" && method === "POST") {
      const persistChanges = (JSON.parse(body || "{}") as WorkbookSessionInfo).persistChanges === true;
      const session: FakeSession = { id: `cluster=FAKE&session=${randomUUID()}`, item, persistChanges, closed: false, expired: false };
      sessions.push(session);
      const info: WorkbookSessionInfo = { id: session.id, persistChanges };
      return answer(201, { "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.workbookSessionInfo", ...info });
    }
    const sessionId = req.headers["workbook-session-id"] as string | undefined;
    const session = sessionId ? sessions.find((s) => s.id === sessionId) : undefined;
    if (sessionId && (!session || session.expired || session.closed)) {
      // Inner code from Graph's workbook error codes (docs/FORMS-AND-GRAPH.md §3.3, §3.4); the top-level shape for an expired session is unconfirmed.
      return graphError(404, "NotFound", "The target session is invalid.", "invalidSessionNotFound");
    }
    if (rest === "/closeSession" && method === "POST") {
      if (!session) return graphError(400, "InvalidArgument", "The argument is invalid or missing or has an incorrect format.", "invalidArgument");
      session.closed = true;
      return answer(204);
    }
    if (method !== "GET") return graphError(405, "MethodNotAllowed", "The HTTP method is not allowed.");

    const tableList = (tables: FakeTable[]) =>
      answer(200, { value: tables.map((t): WorkbookTable => ({ id: t.id, name: t.name, showHeaders: true, showTotals: false, style: "TableStyleMedium2" })) });
    if (rest === "/tables") return tableList(book.tables);
    const sheet = /^\/worksheets\/([^/]+)(\/.*)$/.exec(rest);
    let tableRest = rest;
    let candidates = book.tables;
    if (sheet) {
      const name = decodeURIComponent(sheet[1] as string);
      candidates = book.tables.filter((t) => t.worksheet === name);
      if (!book.tables.some((t) => t.worksheet === name)) return notFound();
      if (sheet[2] === "/tables") return tableList(candidates);
      tableRest = sheet[2] as string;
    }
    const t = /^\/tables\/([^/]+)(\/.*)$/.exec(tableRest);
    if (!t) return notFound();
    const key = decodeURIComponent(t[1] as string);
    const table = candidates.find((x) => x.name === key || x.id === key);
    if (!table) return notFound();
    if (t[2] === "/headerRowRange") {
      const n = table.headers.length;
      const last = String.fromCharCode(64 + Math.min(n, 26));
      const range: WorkbookRange = {
        address: `${table.worksheet}!A1:${last}1`,
        addressLocal: `${table.worksheet}!A1:${last}1`,
        cellCount: n,
        columnCount: n,
        columnIndex: 0,
        rowCount: 1,
        rowIndex: 0,
        values: [table.headers],
        text: [table.headers],
        valueTypes: [table.headers.map(() => "String")],
        numberFormat: [table.headers.map(() => "General")],
      };
      return answer(200, { "@odata.type": "#microsoft.graph.workbookRange", ...range });
    }
    if (t[2] === "/rows") {
      const skip = Number(url.searchParams.get("$skip") ?? "0");
      const asked = url.searchParams.has("$top") ? Number(url.searchParams.get("$top")) : table.rows.length;
      const top = Math.min(asked, book.options.maxTop ?? Infinity);
      const page = table.rows.slice(skip, skip + top);
      const more = skip + page.length < table.rows.length;
      return answer(200, {
        "@odata.context": `https://graph.microsoft.com/v1.0/$metadata#drives('fake')/items('fake')/workbook/tables('${table.id}')/rows`,
        value: page.map((values, i): WorkbookTableRow => ({ index: skip + i, values: [values] })),
        ...(book.options.nextLinks && more
          ? { "@odata.nextLink": `https://graph.microsoft.com/v1.0${item}/workbook/tables/${encodeURIComponent(table.name)}/rows?$top=${top}&$skip=${skip + page.length}` }
          : {}),
      });
    }
    return notFound();
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1.0`,
    requests,
    sent,
    sessions,
    maxInFlight: () => maxInFlight,
    failNext(faults, match = {}) {
      for (const fault of Array.isArray(faults) ? faults : [faults]) queued.push({ fault, match });
    },
    failAlways(fault, match = {}) {
      always = { fault, match };
    },
    heal() {
      queued = [];
      always = undefined;
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    rejectRecipients(addresses) {
      rejected = new Set(addresses.map((a) => a.toLowerCase()));
    },
    stampWith(fn) {
      stamp = fn;
    },
    addWorkbook(item, tables, options = {}) {
      workbooks.set(item, { tables, options });
    },
    expireSessions() {
      for (const s of sessions) s.expired = true;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
