import http from "node:http";
import type { AddressInfo } from "node:net";
import { createLocalHost, isLoopback, listen } from "../../../api/src/dev/localHost";
import { SettingsError } from "../../../api/src/settings/errors";
import { loadSettings } from "../../../api/src/settings/settings";
import { INGEST_SECRET, startHost, testApp } from "../../support/harness";
import type { RunningHost, TestApp } from "../../support/harness";

jest.setTimeout(30_000);

/** What loadSettings says about `env`: the auth kind it chose, or its refusal. */
function modeOf(env: Record<string, string>): string {
  try {
    return loadSettings({ STORAGE_CONNECTION_STRING: "UseDevelopmentStorage=true", ...env }).auth.kind;
  } catch (error) {
    if (error instanceof SettingsError) return `refused: ${error.problems.join(" | ")}`;
    throw error;
  }
}

describe("one name for the sign-in mode", () => {
  test("AUTH_MODE or the add-in's SVL_AUTH_MODE: local is dev, entra is entra", () => {
    expect(modeOf({ AUTH_MODE: "dev" })).toBe("dev");
    expect(modeOf({ SVL_AUTH_MODE: "local" })).toBe("dev");
    expect(modeOf({ AUTH_MODE: "dev", SVL_AUTH_MODE: "local" })).toBe("dev");
    // Entra needs its settings, so choosing it shows as their absence, never as dev mode.
    expect(modeOf({ SVL_AUTH_MODE: "entra" })).toMatch(/^refused: .*AUTH_TENANT_ID/);
  });

  test("the two names disagreeing is refused, naming both", () => {
    expect(modeOf({ AUTH_MODE: "dev", SVL_AUTH_MODE: "entra" })).toMatch(/AUTH_MODE "dev" and SVL_AUTH_MODE "entra" disagree/);
    expect(modeOf({ AUTH_MODE: "entra", SVL_AUTH_MODE: "local" })).toMatch(/disagree/);
    expect(modeOf({ SVL_AUTH_MODE: "dev" })).toMatch(/SVL_AUTH_MODE must be "entra" \(production\) or "local"/);
  });
});

describe("the local host in dev mode", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await testApp();
  });

  test("serves on loopback only", async () => {
    expect(["127.0.0.1", "127.8.0.1", "::1", "::ffff:127.0.0.1"].every(isLoopback)).toBe(true);
    expect(["0.0.0.0", "::", "192.168.1.20", "::ffff:10.0.0.1"].some(isLoopback)).toBe(false);
    const server = createLocalHost(app.deps, { log: () => undefined });
    await expect(listen(server, 0, "0.0.0.0")).rejects.toThrow(/loopback only .* not on 0\.0\.0\.0/);
    expect(server.listening).toBe(false);
    const local = createLocalHost(app.deps, { log: () => undefined });
    await listen(local, 0, "127.0.0.1");
    await new Promise((resolve) => local.close(resolve));
  });

  describe("checks the secret or token before reading the body", () => {
    let host: RunningHost;
    beforeAll(async () => {
      host = await startHost(app.deps);
    });
    afterAll(() => host.close());

    /** Sends the headers of a 3 MiB POST and none of its body: only an answer that needs no body can come back. */
    function headersOnly(path: string, headers: Record<string, string>): Promise<{ status: number; body: string; connection: string | undefined }> {
      return new Promise((resolve, reject) => {
        const { port } = host.server.address() as AddressInfo;
        const req = http.request({ host: "127.0.0.1", port, path, method: "POST", headers: { "content-type": "application/json", "content-length": String(3 * 1024 * 1024), ...headers } }, (res) => {
          let body = "";
          res.on("data", (c: Buffer) => (body += c.toString()));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body, connection: res.headers.connection }));
        });
        req.on("error", reject);
        req.flushHeaders();
      });
    }

    test("no secret, a wrong one, no token: refused at once, the connection closed", async () => {
      for (const [path, headers, code] of [
        ["/api/forms/responses", {}, "missing-ingest-secret"],
        ["/api/forms/responses", { "x-ingest-secret": `${INGEST_SECRET}-guess` }, "wrong-ingest-secret"],
        ["/api/contracts", {}, "missing-token"],
        ["/api/contracts", { authorization: "Bearer not-a-token" }, "invalid-token"],
      ] as const) {
        const answer = await headersOnly(path, headers);
        expect(answer.status).toBe(401);
        expect((JSON.parse(answer.body) as { error: { code: string } }).error.code).toBe(code);
        expect(answer.connection).toBe("close");
      }
    });
  });
});
