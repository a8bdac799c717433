import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Role } from "../../../api/src/http/auth";
import { loadDevIssuer } from "../../../api/src/dev/issuer";
import { startAzurite } from "../../../scripts/azurite";
import type { RunningAzurite } from "../../../scripts/azurite";
import { serveApi } from "../../../scripts/serve-api";
import type { ServedApi } from "../../../scripts/serve-api";
import { serveFolder } from "./staticServer";
import type { StaticServer } from "./staticServer";

export const ROOT = path.resolve(__dirname, "../../..");
export const DIST = path.join(ROOT, "dist");
export const INGEST_SECRET = "e2e-ingest-secret-0123456789";

/** The built add-in must be there: `npm test` builds it before jest; alone, run `npm run build` first. */
export function requireBuiltAddin(dir = DIST): void {
  for (const file of ["taskpane.html", "taskpane.js", "functions.js"]) {
    if (!existsSync(path.join(dir, file))) throw new Error(`${path.relative(ROOT, path.join(dir, file))} is missing: run \`npm run build\` before the end-to-end tests.`);
  }
}

export interface Answer {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read whatever the API answered
  body: any;
}

export interface Stack {
  /** e.g. http://127.0.0.1:41234/api */
  apiBase: string;
  /** Where the built add-in is served, e.g. http://127.0.0.1:41235 */
  webOrigin: string;
  /** taskpane.html pointed at this stack's API (the page's apiBaseUrl parameter, local sign-in only). */
  pageUrl: string;
  outboxDir: string;
  api: ServedApi;
  token(roles: Role[], email?: string): Promise<string>;
  /** An HTTP call to the API from the test, as any client would make it. */
  call(method: string, route: string, options?: { token?: string; body?: unknown; headers?: Record<string, string> }): Promise<Answer>;
  stop(): Promise<void>;
}

/**
 * The pieces of `npm start`, on free loopback ports: an in-memory Azurite, the local API host
 * (scripts/serve-api.ts, seeded with the example data by scripts/seed.ts) with the dev issuer,
 * and the built add-in from `dist/` on a tiny static server. `stop()` ends all of it; a failed
 * start stops what had started.
 */
export async function startStack(options: { dist?: string } = {}): Promise<Stack> {
  const dist = options.dist ?? DIST;
  requireBuiltAddin(dist);
  const temp = mkdtempSync(path.join(os.tmpdir(), "svl-e2e-"));
  const stops: (() => Promise<void>)[] = [async () => rmSync(temp, { recursive: true, force: true })];
  const stop = async () => {
    const errors: unknown[] = [];
    for (const s of stops.reverse()) {
      try {
        await s();
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length > 0) throw new AggregateError(errors, "Stopping the end-to-end stack failed");
  };
  try {
    const azurite: RunningAzurite = await startAzurite({ root: ROOT });
    // Should jest give up on the run (a timed-out hook), Azurite still goes with the test process.
    const killAzurite = () => azurite.child.kill("SIGKILL");
    process.once("exit", killAzurite);
    stops.push(async () => {
      process.off("exit", killAzurite);
      await azurite.stop();
    });
    const web: StaticServer = await serveFolder(dist);
    stops.push(() => web.close());
    const issuerDir = path.join(temp, "dev-issuer");
    const outboxDir = path.join(temp, "outbox");
    const api = await serveApi(
      {
        AUTH_MODE: "dev",
        AUTH_DEV_DIR: issuerDir,
        STORAGE_CONNECTION_STRING: azurite.connectionString,
        TABLE_PREFIX: "e2e",
        INGEST_SECRET,
        CORS_ORIGINS: web.origin,
        MAIL_OUTBOX_DIR: outboxDir,
        // The chase runs when the test says so, not when its weekday-morning schedule happens to fall.
        LOCAL_TIMERS: "off",
        TIME_ZONE: "Europe/London",
      },
      { port: 0, seed: true, quiet: true },
    );
    stops.push(() => api.close());
    const apiBase = `http://127.0.0.1:${api.port}/api`;
    const issuer = await loadDevIssuer(issuerDir);
    return {
      apiBase,
      webOrigin: web.origin,
      pageUrl: `${web.origin}/taskpane.html?apiBaseUrl=${encodeURIComponent(apiBase)}`,
      outboxDir,
      api,
      token: (roles, email = "e2e.check@council.example") => issuer.sign({ roles, email, expiresInSeconds: 600 }),
      async call(method, route, { token, body, headers = {} } = {}) {
        const res = await fetch(`${apiBase}/${route}`, {
          method,
          headers: { ...(body !== undefined ? { "content-type": "application/json" } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await res.text();
        return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as unknown) : undefined };
      },
      stop,
    };
  } catch (err) {
    try {
      await stop();
    } catch (stopError) {
      throw new AggregateError([err, stopError], "The end-to-end stack did not start, and stopping what had started failed too");
    }
    throw err;
  }
}
