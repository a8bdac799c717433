import { DefaultAzureCredential, ManagedIdentityCredential } from "@azure/identity";
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/identity";
import type { TableServiceClientOptions } from "@azure/data-tables";
import { loadSettings, unresolvedKeyVaultReferences } from "../../api/src/settings/settings";
import { SettingsError } from "../../api/src/settings/errors";
import { tableClient, tableConnection } from "../../api/src/store/connection";
import { TableLedgerStore } from "../../api/src/store/tableLedgerStore";

/*
 * Storage in Azure: the table endpoint and the Function App's managed identity instead of a
 * connection string (shared keys are disabled on the account), and Key Vault references the
 * platform could not resolve. Nothing here touches the network: the credential is only built, and
 * requests go to a stand-in HTTP client.
 */

const PRODUCTION = {
  INGEST_SECRET: "a-long-random-secret-value",
  AUTH_TENANT_ID: "11111111-2222-4333-8444-555555555555",
  AUTH_AUDIENCE: "api://svl",
};
/** What the platform sets in Azure, and the mailbox the chase then needs (Graph is on there). */
const IN_AZURE = { WEBSITE_INSTANCE_ID: "0123456789abcdef", IDENTITY_ENDPOINT: "http://127.0.0.1:41741/msi/token", MAIL_SENDER: "social.value@anytown.gov.uk" };
const ENDPOINT = "https://stexample.table.core.windows.net";

/** The message of the SettingsError that loading `env` throws. */
function refusal(env: NodeJS.ProcessEnv): string {
  try {
    loadSettings(env);
  } catch (e) {
    if (e instanceof SettingsError) return e.message;
    throw e;
  }
  throw new Error("the settings were accepted");
}

describe("which storage the API uses", () => {
  test("in Azure: the table endpoint with the managed identity", () => {
    const settings = loadSettings({ ...PRODUCTION, ...IN_AZURE, STORAGE_TABLE_ENDPOINT: `${ENDPOINT}/` });
    expect(settings.storage).toEqual({ kind: "endpoint", endpoint: ENDPOINT, credential: "managed-identity" });
  });

  test("an endpoint outside Azure signs in with DefaultAzureCredential (e.g. a developer's az login)", () => {
    expect(loadSettings({ ...PRODUCTION, STORAGE_TABLE_ENDPOINT: ENDPOINT }).storage).toEqual({ kind: "endpoint", endpoint: ENDPOINT, credential: "default" });
    expect(loadSettings({ AUTH_MODE: "dev", STORAGE_TABLE_ENDPOINT: ENDPOINT }).storage).toMatchObject({ kind: "endpoint", credential: "default" });
  });

  test("a connection string, or Azurite by default in dev mode", () => {
    const key = "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=b;EndpointSuffix=core.windows.net";
    expect(loadSettings({ ...PRODUCTION, STORAGE_CONNECTION_STRING: key }).storage).toEqual({ kind: "connection-string", connectionString: key });
    expect(loadSettings({ AUTH_MODE: "dev" }).storage).toEqual({ kind: "connection-string", connectionString: "UseDevelopmentStorage=true" });
  });

  test("exactly one: both set is refused, neither in production names both", () => {
    expect(refusal({ ...PRODUCTION, STORAGE_TABLE_ENDPOINT: ENDPOINT, STORAGE_CONNECTION_STRING: "UseDevelopmentStorage=true" })).toMatch(
      /STORAGE_TABLE_ENDPOINT and STORAGE_CONNECTION_STRING are both set: set only one/,
    );
    expect(refusal({ AUTH_MODE: "dev", STORAGE_TABLE_ENDPOINT: ENDPOINT, STORAGE_CONNECTION_STRING: "UseDevelopmentStorage=true" })).toMatch(/both set/);
    const neither = refusal({ ...PRODUCTION, ...IN_AZURE });
    expect(neither).toMatch(/STORAGE_TABLE_ENDPOINT is missing/);
    expect(neither).toContain("STORAGE_CONNECTION_STRING");
  });

  test.each([
    ["plain http", "http://stexample.table.core.windows.net"],
    ["a path", `${ENDPOINT}/svlContracts`],
    ["a SAS token", `${ENDPOINT}/?sv=2022-11-02&sig=abc`],
    ["not a URL", "stexample.table.core.windows.net"],
  ])("an endpoint with %s is refused", (_what, endpoint) => {
    expect(refusal({ ...PRODUCTION, STORAGE_TABLE_ENDPOINT: endpoint })).toMatch(/STORAGE_TABLE_ENDPOINT ".*" (must be the account's https address only|is not an address)/);
  });
});

describe("Key Vault references the platform could not resolve", () => {
  const reference = "@Microsoft.KeyVault(SecretUri=https://kv-example.vault.azure.net/secrets/ingest-secret)";

  test("count as missing and are named, once each, instead of passing for a value", () => {
    const message = refusal({ ...PRODUCTION, ...IN_AZURE, STORAGE_TABLE_ENDPOINT: ENDPOINT, INGEST_SECRET: reference });
    expect(message).toMatch(/INGEST_SECRET is a Key Vault reference the platform could not resolve/);
    expect(message).toMatch(/Key Vault Secrets User/);
    expect(message).not.toMatch(/INGEST_SECRET is missing|at least 16/);
    expect(message).not.toContain("kv-example");
  });

  test("whichever setting holds one, whatever its case, in any mode", () => {
    expect(unresolvedKeyVaultReferences({ B: " @microsoft.keyvault(VaultName=v;SecretName=s)", A: reference, C: "plain", D: undefined })).toEqual(["A", "B"]);
    const message = refusal({ AUTH_MODE: "dev", MAIL_SENDER: reference, STORAGE_TABLE_ENDPOINT: reference });
    expect(message).toMatch(/MAIL_SENDER is a Key Vault reference/);
    expect(message).toMatch(/STORAGE_TABLE_ENDPOINT is a Key Vault reference/);
    expect(message).not.toMatch(/STORAGE_TABLE_ENDPOINT is missing|STORAGE_TABLE_ENDPOINT "/);
  });

  test("a resolved reference is just the value", () => {
    expect(loadSettings({ ...PRODUCTION, ...IN_AZURE, STORAGE_TABLE_ENDPOINT: ENDPOINT }).ingestSecret).toBe(PRODUCTION.INGEST_SECRET);
  });
});

describe("the table clients", () => {
  test("the managed identity in Azure, DefaultAzureCredential elsewhere, built without a token request", () => {
    const azure = tableConnection({ kind: "endpoint", endpoint: ENDPOINT, credential: "managed-identity" });
    expect(azure).toMatchObject({ endpoint: ENDPOINT });
    expect("credential" in azure && azure.credential).toBeInstanceOf(ManagedIdentityCredential);
    const elsewhere = tableConnection({ kind: "endpoint", endpoint: ENDPOINT, credential: "default" });
    expect("credential" in elsewhere && elsewhere.credential).toBeInstanceOf(DefaultAzureCredential);
    expect(tableConnection({ kind: "connection-string", connectionString: "UseDevelopmentStorage=true" })).toEqual({ connectionString: "UseDevelopmentStorage=true" });
  });

  test("an endpoint client sends the credential's token for Azure Storage, over https", async () => {
    const scopes: string[][] = [];
    const credential: TokenCredential = {
      getToken: async (scope: string | string[], _options?: GetTokenOptions): Promise<AccessToken> => {
        scopes.push([scope].flat());
        return { token: "token-from-managed-identity", expiresOnTimestamp: Date.now() + 3_600_000 };
      },
    };
    const seen: { method: string; url: string; authorization: string | undefined }[] = [];
    const httpClient: NonNullable<TableServiceClientOptions["httpClient"]> = {
      sendRequest: async (request) => {
        seen.push({ method: request.method, url: request.url, authorization: request.headers.get("authorization") });
        const headers = new Map<string, string>();
        return {
          request,
          status: 204,
          headers: {
            get: (name: string) => headers.get(name.toLowerCase()),
            has: (name: string) => headers.has(name.toLowerCase()),
            set: (name: string, value: string | number | boolean) => void headers.set(name.toLowerCase(), String(value)),
            delete: (name: string) => void headers.delete(name.toLowerCase()),
            toJSON: () => Object.fromEntries(headers),
            [Symbol.iterator]: () => headers.entries(),
          },
        };
      },
    };
    const client = tableClient({ endpoint: ENDPOINT, credential }, "svlContracts", { httpClient, retryOptions: { maxRetries: 0 } });
    expect(client.url).toBe(ENDPOINT);
    expect(client.tableName).toBe("svlContracts");
    expect(scopes).toEqual([]);

    await client.createTable();
    expect(scopes).toEqual([["https://storage.azure.com/.default"]]);
    expect(seen).toEqual([{ method: "POST", url: `${ENDPOINT}/Tables`, authorization: "Bearer token-from-managed-identity" }]);
  });

  test("the store opens every table on the endpoint without asking for a token until it is used", () => {
    const getToken = jest.fn<Promise<AccessToken | null>, [string | string[], GetTokenOptions?]>();
    expect(
      () => new TableLedgerStore({ connection: { endpoint: ENDPOINT, credential: { getToken } }, tablePrefix: "svl", timeoutMs: 1000, maxConcurrentRequests: 1, warn: () => undefined }),
    ).not.toThrow();
    expect(getToken).not.toHaveBeenCalled();
  });
});
