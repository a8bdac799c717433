import http from "node:http";
import { randomUUID } from "node:crypto";
import { HttpRequest, HttpResponse, InvocationContext } from "@azure/functions";
import type { HttpMethod, HttpResponseInit } from "@azure/functions";
import type { Deps } from "../deps";
import { admitEarly, dispatch } from "../http/dispatch";
import type { RouteSpec } from "../http/dispatch";
import { devTokenRoute } from "./token";
import { errorBody } from "../http/errors";
import { ROUTES } from "../app/routes";

/**
 * A small stand-in for the Functions host, for development, tests and benchmarks: it turns each
 * Node request into @azure/functions' own HttpRequest and InvocationContext, runs the route table
 * through the same dispatch as the Functions app, and writes the HttpResponse back.
 */

/** The Functions host refuses bodies over 100 MB; this host stops reading well before that. */
const HOST_MAX_BODY_BYTES = 4 * 1024 * 1024;
const ROUTE_PREFIX = "/api/";
const SUPPORTED: readonly string[] = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"];

interface CompiledRoute {
  spec: RouteSpec;
  pattern: RegExp;
  names: string[];
  /** Literal segments win over parameters, as in the Functions host's routing. */
  literals: number;
}

function compile(spec: RouteSpec): CompiledRoute {
  const names: string[] = [];
  let literals = 0;
  const parts = spec.route.split("/").map((segment) => {
    const catchAll = /^\{\*(\w+)\}$/.exec(segment);
    if (catchAll?.[1]) {
      names.push(catchAll[1]);
      return "(.*)";
    }
    const param = /^\{(\w+)\}$/.exec(segment);
    if (param?.[1]) {
      names.push(param[1]);
      return "([^/]+)";
    }
    literals++;
    return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  });
  return { spec, pattern: new RegExp(`^${parts.join("/")}$`, "i"), names, literals };
}

const compileAll = (routes: readonly RouteSpec[]) => routes.map(compile).sort((a, b) => b.literals - a.literals);
const COMPILED = compileAll(ROUTES);

export function matchRoute(
  path: string,
  method: string,
  table: readonly CompiledRoute[] = COMPILED,
): { route?: RouteSpec; params: Record<string, string>; allowed: string[] } {
  const allowed: string[] = [];
  for (const candidate of table) {
    const m = candidate.pattern.exec(path);
    if (!m) continue;
    if (!candidate.spec.methods.includes(method as HttpMethod)) {
      // The preflight route matches every path; it does not make an unknown path "exist".
      allowed.push(...candidate.spec.methods.filter((m) => m !== "OPTIONS"));
      continue;
    }
    const params: Record<string, string> = {};
    candidate.names.forEach((name, i) => {
      params[name] = decodeURIComponent(m[i + 1] ?? "");
    });
    return { route: candidate.spec, params, allowed };
  }
  return { params: {}, allowed };
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

function readBody(req: http.IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > HOST_MAX_BODY_BYTES) {
        req.removeAllListeners("data");
        req.resume();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

async function write(res: http.ServerResponse, init: HttpResponseInit, extra: Record<string, string> = {}): Promise<void> {
  const response = new HttpResponse(init);
  const out = Buffer.from(await response.arrayBuffer());
  const headers: Record<string, string> = { ...extra };
  response.headers.forEach((value, key) => {
    headers[key] = value;
  });
  if (![204, 304].includes(response.status)) headers["content-length"] = String(out.length);
  res.writeHead(response.status, headers);
  res.end(out);
}

/** 127.0.0.0/8 and ::1 (also as IPv4-mapped IPv6); a wildcard such as 0.0.0.0 or :: is not. */
export function isLoopback(address: string): boolean {
  const v4 = address.replace(/^::ffff:/i, "");
  return address === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

export interface LocalHostOptions {
  /** Where InvocationContext logs go; defaults to the console. */
  log?: (level: string, message: string) => void;
}

export function createLocalHost(deps: Deps, options: LocalHostOptions = {}): http.Server {
  const log = options.log ?? ((level: string, message: string) => (level === "error" || level === "warning" ? console.error : console.log)(`[${level}] ${message}`));
  // Local sign-in (POST /api/dev/token) only here, and only while the dev issuer is trusted.
  const devToken = devTokenRoute(deps);
  const table = devToken ? compileAll([...ROUTES, devToken]) : COMPILED;

  const server = http.createServer(async (req, res) => {
    try {
      const method = (req.method ?? "GET").toUpperCase();
      const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "localhost"}`);
      if (!url.pathname.startsWith(ROUTE_PREFIX)) return send(res, 404, errorBody("not-found", `Nothing at ${url.pathname}; the API lives under /api/.`));
      if (!SUPPORTED.includes(method)) return send(res, 405, errorBody("method-not-allowed", `${method} is not supported.`));
      let path: string;
      try {
        path = decodeURI(url.pathname.slice(ROUTE_PREFIX.length));
      } catch {
        return send(res, 400, errorBody("invalid-request", "The path is not valid percent-encoding."));
      }
      const match = matchRoute(url.pathname.slice(ROUTE_PREFIX.length), method, table);
      if (!match.route) {
        if (match.allowed.length > 0) return send(res, 405, errorBody("method-not-allowed", `${method} is not allowed on /api/${path}; use ${[...new Set(match.allowed)].join(", ")}.`), { allow: [...new Set(match.allowed)].join(", ") });
        return send(res, 404, errorBody("not-found", `No route /api/${path}.`));
      }
      const headers: Record<string, string> = {};
      for (const [key, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(", ") : value;
      }
      const route = match.route;
      const context = new InvocationContext({
        invocationId: randomUUID(),
        functionName: route.name,
        logHandler: (level, ...args) => log(level, `${route.name}: ${args.map((a) => (a instanceof Error ? (a.stack ?? a.message) : String(a))).join(" ")}`),
      });
      // The secret or token first: a caller without one gets its 401 before any of the body is read.
      const admission = await admitEarly(route, deps, new Headers(headers), context);
      // Closing the connection drops whatever of the body is still on its way.
      if ("refused" in admission) return await write(res, admission.refused, { connection: "close" });
      const body = await readBody(req);
      if (body === undefined) return send(res, 413, errorBody("payload-too-large", "The request body is far too large."), { connection: "close" });

      const request = new HttpRequest({ method, url: url.toString(), headers, params: match.params, body: body.length > 0 ? { bytes: body } : undefined });
      await write(res, await dispatch(route, deps, request, context, admission.admitted));
    } catch (e) {
      log("error", `local host: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      if (!res.headersSent) send(res, 500, errorBody("internal-error", "The local host failed to handle the request; see its console."));
      else res.destroy();
    }
  });
  // Keep-alive connections from load tests and browsers are reused rather than reopened.
  server.keepAliveTimeout = 65_000;
  if (deps.settings.auth.kind === "dev") {
    // The dev issuer mints a Manager token for anyone who asks: only this computer may ask.
    server.prependListener("listening", () => {
      const address = server.address();
      const where = typeof address === "object" && address ? address.address : String(address);
      if (isLoopback(where)) return;
      server.close();
      server.emit("error", new Error(`AUTH_MODE=dev (local sign-in) is served on loopback only (127.0.0.1 or ::1), not on ${where}: use AUTH_MODE=entra to serve other computers`));
    });
  }
  return server;
}

export function listen(server: http.Server, port: number, host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : port);
    });
  });
}
