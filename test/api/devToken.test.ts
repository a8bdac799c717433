import { readFileSync } from "node:fs";
import path from "node:path";
import { decodeProtectedHeader } from "jose";
import { compose } from "../../api/src/app/compose";
import { ROUTES } from "../../api/src/app/routes";
import { loadSettings } from "../../api/src/settings/settings";
import { client, startHost, testApp, testStorage } from "../support/harness";
import type { RunningHost, TestApp } from "../support/harness";

jest.setTimeout(30_000);

const ADDIN = "https://localhost:3000";

let app: TestApp;
let host: RunningHost;
let anonymous: ReturnType<typeof client>;

beforeAll(async () => {
  app = await testApp();
  host = await startHost(app.deps);
  anonymous = client(host.url);
});
afterAll(() => host.close());

describe("POST /api/dev/token on the local host with the dev issuer", () => {
  it("mints a token the API accepts, signed with the dev issuer's key (the one npm run dev-token uses)", async () => {
    const before = Date.now();
    const res = await anonymous("POST", "/api/dev/token", { role: "Officer", email: "sam.patel@council.example", name: "Sam Patel" });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ accessToken: expect.any(String), expiresOn: expect.any(String) });
    expect(res.headers.get("cache-control")).toBe("no-store");

    const principal = await app.deps.auth.verify(res.body.accessToken);
    expect(principal).toMatchObject({ email: "sam.patel@council.example", name: "Sam Patel", roles: ["Officer"] });
    const issuerFile = JSON.parse(readFileSync(path.join(app.issuerDir, "issuer.json"), "utf8")) as { kid: string };
    expect(decodeProtectedHeader(res.body.accessToken).kid).toBe(issuerFile.kid);
    // Eight hours, like npm run dev-token's default.
    const lifetime = Date.parse(res.body.expiresOn) - before;
    expect(lifetime).toBeGreaterThan(8 * 3600_000 - 5_000);
    expect(lifetime).toBeLessThan(8 * 3600_000 + 5_000);

    const asOfficer = client(host.url, { authorization: `Bearer ${res.body.accessToken}` });
    expect((await asOfficer("GET", "/api/contracts")).status).toBe(200);
  });

  it("gives one person both roles, so they can review as Officer and run the chase as Manager", async () => {
    const res = await anonymous("POST", "/api/dev/token", { role: ["Officer", "Manager", "Officer"], email: "sam.patel@council.example" });
    expect(res.status).toBe(200);
    const principal = await app.deps.auth.verify(res.body.accessToken);
    expect(principal.roles).toEqual(["Officer", "Manager"]);
    expect(principal.name).toBe("sam.patel@council.example");
  });

  it.each([
    [{ role: "Admin", email: "sam@council.example" }, ["role"]],
    [{ role: [], email: "sam@council.example" }, ["role"]],
    [{ role: "Officer", email: "not an email" }, ["email"]],
    [{ role: "Officer" }, ["email"]],
    [{ role: "Officer", email: "sam@council.example", roles: ["Manager"] }, []],
    [{ role: "Officer", email: "sam@council.example", name: "" }, ["name"]],
  ])("refuses %j with every problem and its field", async (body, paths) => {
    const res = await anonymous("POST", "/api/dev/token", body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("invalid-request");
    for (const p of paths) expect(res.body.error.details.map((d: { path: string[] }) => d.path[0])).toContain(p);
  });

  it("refuses a body that is not JSON, like every other route", async () => {
    expect((await anonymous("POST", "/api/dev/token", "role=Officer", { "content-type": "application/x-www-form-urlencoded" })).status).toBe(415);
    expect((await anonymous("GET", "/api/dev/token")).status).toBe(405);
  });

  it("answers the add-in's origin with CORS headers, and its preflight", async () => {
    const preflight = await fetch(`${host.url}/api/dev/token`, {
      method: "OPTIONS",
      headers: { origin: ADDIN, "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe(ADDIN);

    const ok = await anonymous("POST", "/api/dev/token", { role: "Manager", email: "alex.reid@council.example" }, { origin: ADDIN });
    expect(ok.headers.get("access-control-allow-origin")).toBe(ADDIN);
    const other = await anonymous("POST", "/api/dev/token", { role: "Manager", email: "alex.reid@council.example" }, { origin: "https://evil.example" });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("where the dev issuer is not in use", () => {
  it("the local host has no such route when AUTH_MODE=entra", async () => {
    const settings = loadSettings({
      AUTH_MODE: "entra",
      AUTH_TENANT_ID: "11111111-2222-4333-8444-555555555555",
      AUTH_AUDIENCE: "api://svl",
      INGEST_SECRET: "a-production-like-ingest-secret",
      STORAGE_CONNECTION_STRING: testStorage(),
    });
    const entra = await startHost(await compose(settings, { warn: () => undefined }));
    try {
      const res = await client(entra.url)("POST", "/api/dev/token", { role: "Officer", email: "sam@council.example" });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe("not-found");
    } finally {
      await entra.close();
    }
  });

  it("is never in the route table the Functions app registers", () => {
    expect(ROUTES.some((r) => r.route.startsWith("dev/"))).toBe(false);
  });
});
