import { ConfigError, DEFAULT_API_BASE_URL, DEFAULT_TIME_ZONE, buildValues, readConfig, timeZoneOf, withPageParameters } from "../../taskpane/config";

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

test("one time zone for the pane: SVL_TIME_ZONE, else the API's default; a name that is not a zone stops the build", () => {
  expect(timeZoneOf({})).toBe("Europe/London");
  expect(DEFAULT_TIME_ZONE).toBe("Europe/London");
  expect(timeZoneOf({ SVL_TIME_ZONE: "Europe/Dublin" })).toBe("Europe/Dublin");
  expect(() => timeZoneOf({ SVL_TIME_ZONE: "London" })).toThrow('SVL_TIME_ZONE "London" is not a time zone');
  expect(() => readConfig({ SVL_TIME_ZONE: "GMT+25" })).toThrow(ConfigError);
  expect(readConfig({ SVL_TIME_ZONE: "Europe/London" })).toEqual({ apiBaseUrl: DEFAULT_API_BASE_URL, authMode: "local" });
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
      expect(buildValues()).toEqual({ SVL_API_BASE_URL: undefined, SVL_AUTH_MODE: undefined, SVL_CLIENT_ID: undefined, SVL_API_SCOPE: undefined, SVL_TENANT_ID: undefined, SVL_TIME_ZONE: undefined });
    } finally {
      process.env = env;
    }
    expect(readConfig({}).authMode).toBe("local");
  });
});

describe("the page's apiBaseUrl parameter", () => {
  const local = readConfig({});
  const entra = readConfig({ SVL_AUTH_MODE: "entra", SVL_CLIENT_ID: "c", SVL_API_SCOPE: "api://x/access_as_user", SVL_API_BASE_URL: "https://svl-api.example.gov.uk/api" });

  test("signing in locally, it points the pane at another API on this computer", () => {
    expect(withPageParameters(local, "?apiBaseUrl=http%3A%2F%2F127.0.0.1%3A54321%2Fapi%2F")).toEqual({ ...local, apiBaseUrl: "http://127.0.0.1:54321/api" });
    expect(withPageParameters(local, "?apiBaseUrl=http://localhost:7072/api").apiBaseUrl).toBe("http://localhost:7072/api");
    expect(withPageParameters(local, "?apiBaseUrl=http://[::1]:7072/api").apiBaseUrl).toBe("http://[::1]:7072/api");
    expect(withPageParameters(local, "")).toBe(local);
  });

  test("an Entra build ignores it: a link cannot send an officer's pane elsewhere", () => {
    expect(withPageParameters(entra, "?apiBaseUrl=http://127.0.0.1:7072/api")).toBe(entra);
  });

  test.each(["https://evil.example/api", "http://127.0.0.1.evil.example/api", "file:///etc/passwd", "http://user:pw@localhost/api", "http://localhost/api?x=1", "not a url"])(
    "refuses %s, saying what it must be",
    (given) => {
      expect(() => withPageParameters(local, `?apiBaseUrl=${encodeURIComponent(given)}`)).toThrow(ConfigError);
    },
  );
});
