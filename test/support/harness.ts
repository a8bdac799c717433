import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { importJWK, SignJWT } from "jose";
import type { JWK } from "jose";
import { EXAMPLE_PACK } from "../../shared";
import type { ContractInput } from "../../shared";
import type { Role } from "../../api/src/http/auth";
import { fixedClock } from "../../api/src/lib/clock";
import { compose } from "../../api/src/app/compose";
import type { Overrides } from "../../api/src/app/compose";
import type { Deps } from "../../api/src/deps";
import { loadDevIssuer } from "../../api/src/dev/issuer";
import { createLocalHost, listen } from "../../api/src/dev/localHost";
import { DEV_AUDIENCE, DEV_ISSUER, DEV_TENANT_ID, loadSettings } from "../../api/src/settings/settings";

export const INGEST_SECRET = "test-ingest-secret-0123456789";
/** "Today" in the tests: overdue rules are checked against this date. */
export const TODAY = "2026-11-26";

export function testStorage(): string {
  const storage = process.env.SVL_TEST_STORAGE;
  if (!storage) throw new Error("SVL_TEST_STORAGE is not set: jest's globalSetup (test/support/globalSetup.ts) starts Azurite");
  return storage;
}

export interface TestApp {
  deps: Deps;
  clock: ReturnType<typeof fixedClock>;
  issuerDir: string;
  token(options?: { roles?: Role[]; email?: string; expiresInSeconds?: number }): Promise<string>;
  /** A token with claims or a key of the test's choosing, for the refusals. */
  craftedToken(claims: Record<string, unknown>, options?: { otherKey?: boolean; kid?: string; expiresInSeconds?: number }): Promise<string>;
}

/** Dependencies composed exactly as the app does (dev auth mode), on the test Azurite under a fresh table prefix. */
export async function testApp(options: { storage?: string; overrides?: Overrides; env?: Record<string, string> } = {}): Promise<TestApp> {
  const issuerDir = mkdtempSync(path.join(os.tmpdir(), "svl-issuer-"));
  const settings = loadSettings({
    AUTH_MODE: "dev",
    AUTH_DEV_DIR: issuerDir,
    STORAGE_CONNECTION_STRING: options.storage ?? testStorage(),
    TABLE_PREFIX: `t${randomBytes(5).toString("hex")}`,
    INGEST_SECRET,
    STORAGE_TIMEOUT_MS: "2000",
    ...options.env,
  });
  const clock = fixedClock(`${TODAY}T12:00:00Z`);
  const deps = await compose(settings, { clock, warn: () => undefined, ...options.overrides });
  const issuer = await loadDevIssuer(issuerDir);
  const otherDir = mkdtempSync(path.join(os.tmpdir(), "svl-other-issuer-"));
  return {
    deps,
    clock,
    issuerDir,
    token: ({ roles = ["Officer" as Role], email = "officer@council.example", expiresInSeconds } = {}) => issuer.sign({ roles, email, expiresInSeconds }),
    async craftedToken(claims, { otherKey = false, kid, expiresInSeconds = 600 } = {}) {
      const read = (dir: string) => JSON.parse(readFileSync(path.join(dir, "issuer.json"), "utf8")) as { kid: string; privateJwk: JWK };
      if (otherKey) await loadDevIssuer(otherDir);
      // A forged token: another key, but the header names the real issuer's key id.
      const file = read(otherKey ? otherDir : issuerDir);
      const key = await importJWK(file.privateJwk, "RS256");
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ iss: DEV_ISSUER, aud: DEV_AUDIENCE, iat: now, exp: now + expiresInSeconds, tid: DEV_TENANT_ID, roles: ["Officer"], preferred_username: "crafted@council.example", ...claims })
        .setProtectedHeader({ alg: "RS256", kid: kid ?? read(issuerDir).kid })
        .sign(key);
    },
  };
}

export interface RunningHost {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export async function startHost(deps: Deps): Promise<RunningHost> {
  const server = createLocalHost(deps, { log: () => undefined });
  await listen(server, 0);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function exampleContract(overrides: Partial<ContractInput> = {}): ContractInput {
  return {
    id: "C-1001",
    title: "Highways maintenance 2026-2029",
    buyer: "Example County Council",
    packId: EXAMPLE_PACK.id,
    packEdition: EXAMPLE_PACK.edition,
    value: 12_000_000,
    startDate: "2026-04-01",
    endDate: "2029-03-31",
    contractManager: { name: "Sam Patel", email: "sam.patel@council.example", lineManager: { name: "Alex Reid", email: "alex.reid@council.example" } },
    escalationContacts: [],
    reminderPolicy: { evidenceGraceDays: 30, remindEveryDays: 7, escalateAfterReminders: 2, lineManagerAfterReminders: 4 },
    ...overrides,
  };
}

let responseCounter = 1000;

/** The canonical Forms body of docs/API-CONTRACT.md, with a fresh responseId unless one is given. */
export function submission(overrides: { answers?: Record<string, unknown>; [key: string]: unknown } = {}): Record<string, unknown> {
  const { answers, ...top } = overrides;
  return {
    formId: "form-svl-test",
    responseId: responseCounter++,
    submittedAt: "2026-11-20T10:15:00Z",
    responder: "jo@acme.example",
    answers: {
      contractRef: "C-1001",
      supplier: "Acme Build Ltd",
      measureCode: "J3",
      quantity: 52,
      periodStart: "2026-07-01",
      periodEnd: "2026-09-30",
      description: "Two local apprentices",
      ...answers,
    },
    ...top,
  };
}

export interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read whatever the API answered
  body: any;
  text: string;
  headers: Headers;
}

/** A tiny fetch client for the local host. */
export function client(base: string, defaults: Record<string, string> = {}) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...(body !== undefined ? { "content-type": "application/json" } : {}), ...defaults, ...headers },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed, text, headers: res.headers };
  };
}

/** Calls a route of the route table the way the Functions host would: HttpRequest in, HttpResponseInit out. */
export async function invoke(
  deps: Deps,
  routeName: string,
  init: { method?: string; path?: string; body?: unknown; headers?: Record<string, string>; params?: Record<string, string> } = {},
): Promise<Omit<Answer, "text"> & { text?: string }> {
  const { HttpRequest, InvocationContext } = await import("@azure/functions");
  const { routeNamed } = await import("../../api/src/app/routes");
  const { dispatch } = await import("../../api/src/http/dispatch");
  const route = routeNamed(routeName);
  const body = init.body === undefined ? undefined : typeof init.body === "string" ? init.body : JSON.stringify(init.body);
  const request = new HttpRequest({
    method: init.method ?? route.methods[0] ?? "GET",
    url: `http://localhost:7071/api/${init.path ?? route.route}`,
    headers: { ...(body !== undefined ? { "content-type": "application/json" } : {}), ...init.headers },
    params: init.params ?? {},
    body: body === undefined ? undefined : { string: body },
  });
  const response = await dispatch(route, deps, request, new InvocationContext({ functionName: route.name, logHandler: () => undefined }));
  return {
    status: response.status ?? 200,
    body: response.jsonBody,
    headers: new Headers(response.headers as HeadersInit),
    ...(typeof response.body === "string" ? { text: response.body } : {}),
  };
}
