import { DefaultAzureCredential, ManagedIdentityCredential } from "@azure/identity";
import type { TokenCredential } from "@azure/identity";
import { TableClient } from "@azure/data-tables";
import type { TableServiceClientOptions } from "@azure/data-tables";
import type { StorageSettings } from "../settings/settings";

/** How the store reaches Table Storage: a connection string (Azurite, an account key), or the account's endpoint and an Entra credential (Azure, where shared keys are disabled). */
export type TableConnection = { connectionString: string } | { endpoint: string; credential: TokenCredential };

/** Builds the credential once per app: it caches its tokens, so every table shares it. */
export function tableConnection(storage: StorageSettings): TableConnection {
  if (storage.kind === "connection-string") return { connectionString: storage.connectionString };
  // In Azure the managed identity alone: DefaultAzureCredential would first try other sources and hide a missing role behind their errors.
  const credential = storage.credential === "managed-identity" ? new ManagedIdentityCredential() : new DefaultAzureCredential();
  return { endpoint: storage.endpoint, credential };
}

/** One table's client. Plain http is allowed only where the connection string says so (Azurite). */
export function tableClient(connection: TableConnection, table: string, options: TableServiceClientOptions = {}): TableClient {
  if ("endpoint" in connection) return new TableClient(connection.endpoint, table, connection.credential, options);
  const insecure = /UseDevelopmentStorage=true|DefaultEndpointsProtocol=http;|TableEndpoint=http:\/\//i.test(connection.connectionString);
  return TableClient.fromConnectionString(connection.connectionString, table, { allowInsecureConnection: insecure, ...options });
}
