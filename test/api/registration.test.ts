import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { HttpRequest, InvocationContext } from "@azure/functions";
import type { HttpHandler, HttpResponseInit } from "@azure/functions";
import { loadSettings } from "../../api/src/settings/settings";
import { SettingsError } from "../../api/src/settings/errors";
import { fakeFunctionsCore, loadFunctionsApp } from "../support/functionsCore";
import type { Registered } from "../support/functionsCore";
import { INGEST_SECRET, testStorage } from "../support/harness";

jest.setTimeout(30_000);

const registry: Record<string, Registered<HttpHandler>> = {};
jest.mock("@azure/functions-core", () => fakeFunctionsCore(registry), { virtual: true });

/** The Functions app, loaded with `env` as its settings. */
const loadApp = (env: Record<string, string>) => loadFunctionsApp(env);

describe("the Functions app (v4 model)", () => {
  let restoreEnv: () => void = () => undefined;
  afterAll(() => restoreEnv());
  beforeAll(() => {
    restoreEnv = loadApp({
      AUTH_MODE: "dev",
      AUTH_DEV_DIR: mkdtempSync(path.join(os.tmpdir(), "svl-reg-")),
      STORAGE_CONNECTION_STRING: testStorage(),
      TABLE_PREFIX: "treg",
      INGEST_SECRET,
    });
  });

  it("registers one function per route of the route table, with its methods, route and auth level, and one per timer", async () => {
    const { ROUTES } = await import("../../api/src/app/routes");
    const { TIMERS } = await import("../../api/src/app/timers");
    expect(Object.keys(registry).sort()).toEqual([...ROUTES, ...TIMERS].map((r) => r.name).sort());
    for (const route of ROUTES) {
      const trigger = Object.values(registry[route.name]?.meta.bindings ?? {}).find((b) => b.type === "httpTrigger");
      expect(trigger).toMatchObject({ direction: "in", route: route.route, authLevel: route.authLevel });
      expect(trigger?.methods?.map((m) => m.toUpperCase()).sort()).toEqual([...route.methods].sort());
    }
    expect(registry.formsResponses?.meta.bindings).toBeDefined();
  });

  it("a registered handler answers an HttpRequest the way the Functions host would call it", async () => {
    const handler = registry.health?.handler;
    if (!handler) throw new Error("health is not registered");
    const res = (await handler(new HttpRequest({ method: "GET", url: "http://localhost:7071/api/health" }), new InvocationContext({ functionName: "health" }))) as HttpResponseInit;
    expect(res.status).toBe(200);
    expect(res.jsonBody).toEqual({ status: "ok", storage: "ok" });

    const ingest = registry.formsResponses?.handler;
    if (!ingest) throw new Error("formsResponses is not registered");
    const refused = (await ingest(
      new HttpRequest({ method: "POST", url: "http://localhost:7071/api/forms/responses", headers: { "content-type": "application/json" }, body: { string: "{}" } }),
      new InvocationContext({ functionName: "formsResponses" }),
    )) as HttpResponseInit;
    expect(refused.status).toBe(401);
  });
});

describe("settings", () => {
  it("production refuses to start without its settings, naming each", () => {
    expect(() => loadSettings({})).toThrow(SettingsError);
    try {
      loadSettings({});
    } catch (e) {
      const message = (e as Error).message;
      for (const name of ["STORAGE_CONNECTION_STRING", "INGEST_SECRET", "AUTH_TENANT_ID", "AUTH_AUDIENCE"]) expect(message).toContain(name);
    }
  });

  it("loading the app without production settings throws before anything is registered", () => {
    expect(() => loadApp({ AUTH_MODE: "entra", STORAGE_CONNECTION_STRING: "", INGEST_SECRET: "", AUTH_TENANT_ID: "", AUTH_AUDIENCE: "" })()).toThrow(/AUTH_TENANT_ID is missing/);
  });

  it("reads a complete production configuration", () => {
    const settings = loadSettings({
      STORAGE_CONNECTION_STRING: "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=b;EndpointSuffix=core.windows.net",
      INGEST_SECRET: "a-long-random-secret-value",
      AUTH_TENANT_ID: "11111111-2222-4333-8444-555555555555",
      AUTH_AUDIENCE: "api://svl, 66666666-7777-4888-9999-000000000000",
      CORS_ORIGINS: "https://addin.council.example, https://localhost:3000",
    });
    expect(settings.auth).toMatchObject({
      kind: "entra",
      audiences: ["api://svl", "66666666-7777-4888-9999-000000000000"],
      issuers: ["https://login.microsoftonline.com/11111111-2222-4333-8444-555555555555/v2.0", "https://sts.windows.net/11111111-2222-4333-8444-555555555555/"],
      jwksUrl: "https://login.microsoftonline.com/11111111-2222-4333-8444-555555555555/discovery/v2.0/keys",
    });
    expect(settings.corsOrigins).toEqual(["https://addin.council.example", "https://localhost:3000"]);
    expect(settings.timeZone).toBe("Europe/London");
  });

  it("refuses the dev issuer in Azure, a short secret and a bad time zone", () => {
    expect(() => loadSettings({ AUTH_MODE: "dev", WEBSITE_INSTANCE_ID: "abc" })).toThrow(/refused when running in Azure/);
    expect(() => loadSettings({ STORAGE_CONNECTION_STRING: "x", INGEST_SECRET: "short", AUTH_TENANT_ID: "t", AUTH_AUDIENCE: "a" })).toThrow(/at least 16/);
    expect(() => loadSettings({ AUTH_MODE: "dev", TIME_ZONE: "Mars/Olympus" })).toThrow(/TIME_ZONE/);
    expect(() => loadSettings({ AUTH_MODE: "dev", CORS_ORIGINS: "*" })).toThrow(/CORS_ORIGINS/);
  });
});
