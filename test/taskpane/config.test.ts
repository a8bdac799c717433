import { ConfigError, DEFAULT_API_BASE_URL, buildValues, readConfig } from "../../taskpane/config";

test("with nothing set, the pane signs in locally against the API on localhost", () => {
  expect(readConfig({})).toEqual({ apiBaseUrl: DEFAULT_API_BASE_URL, authMode: "local" });
  expect(DEFAULT_API_BASE_URL).toBe("http://localhost:7071/api");
});

test("entra mode takes the client id, the API scope and the tenant; a trailing slash is dropped", () => {
  expect(
    readConfig({
      SVL_API_BASE_URL: "https://svl-api.azurewebsites.net/api/",
      SVL_AUTH_MODE: "entra",
      SVL_CLIENT_ID: "11111111-2222-3333-4444-555555555555",
      SVL_API_SCOPE: "api://66666666-7777-8888-9999-000000000000/access_as_user",
      SVL_TENANT_ID: "contoso.onmicrosoft.com",
    }),
  ).toEqual({
    apiBaseUrl: "https://svl-api.azurewebsites.net/api",
    authMode: "entra",
    clientId: "11111111-2222-3333-4444-555555555555",
    apiScope: "api://66666666-7777-8888-9999-000000000000/access_as_user",
    tenantId: "contoso.onmicrosoft.com",
  });
});

test("entra mode without a client id or scope names both settings", () => {
  expect(() => readConfig({ SVL_AUTH_MODE: "entra" })).toThrow(ConfigError);
  expect(() => readConfig({ SVL_AUTH_MODE: "entra" })).toThrow(/SVL_CLIENT_ID .*; SVL_API_SCOPE/);
});

test("a mode or base URL the pane cannot use is refused with the value", () => {
  expect(() => readConfig({ SVL_AUTH_MODE: "Entra ID" })).toThrow('SVL_AUTH_MODE "Entra ID" must be "local" or "entra"');
  expect(() => readConfig({ SVL_API_BASE_URL: "svl-api/api" })).toThrow('SVL_API_BASE_URL "svl-api/api" is not a URL');
  expect(() => readConfig({ SVL_API_BASE_URL: "ftp://host/api" })).toThrow("must start with https://");
});

describe("build values", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  test("come from process.env (what DefinePlugin replaces); blank counts as unset", () => {
    process.env.SVL_API_BASE_URL = "https://api.example/api";
    process.env.SVL_AUTH_MODE = "  ";
    expect(buildValues()).toMatchObject({ SVL_API_BASE_URL: "https://api.example/api", SVL_AUTH_MODE: undefined });
  });

  test("a bundle without process.env (no DefinePlugin) gets the defaults rather than a crash", () => {
    const env = process.env;
    (process as { env?: NodeJS.ProcessEnv }).env = undefined;
    try {
      expect(buildValues()).toEqual({ SVL_API_BASE_URL: undefined, SVL_AUTH_MODE: undefined, SVL_CLIENT_ID: undefined, SVL_API_SCOPE: undefined, SVL_TENANT_ID: undefined });
    } finally {
      process.env = env;
    }
    expect(readConfig({}).authMode).toBe("local");
  });
});
