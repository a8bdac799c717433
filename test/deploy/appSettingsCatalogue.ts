import { readFileSync } from "node:fs";
import path from "node:path";

/** One entry of infra/app-settings.json: what the Bicep sets on the Function App and what the API reads. */
export interface CatalogueEntry {
  name: string;
  readBy: "api" | "host";
  setByTemplate: boolean;
  requiredInProduction: boolean;
  secret: boolean;
  default?: string;
  azureValue?: string;
  description: string;
}

export function catalogue(): CatalogueEntry[] {
  const file = path.resolve(__dirname, "../../infra/app-settings.json");
  return (JSON.parse(readFileSync(file, "utf8")) as { settings: CatalogueEntry[] }).settings;
}

/** Settings App Service and the Functions platform set themselves; the template does not list them. */
export const PLATFORM_SETTING = /^(WEBSITE_|FUNCTIONS_|AzureWebJobs|IDENTITY_(ENDPOINT|HEADER)$|MSI_(ENDPOINT|SECRET)$|APPSETTING_)/;

const TENANT = "11111111-2222-4333-8444-555555555555";
const API_CLIENT = "66666666-7777-4888-9999-000000000000";

/**
 * What the Function App's environment looks like in Azure once main.bicep has run (Key Vault
 * references resolved): an example value for every setting the template writes. A setting added
 * to the template without an example here fails the tests that use this, so the example cannot
 * fall behind.
 */
const TEMPLATE_VALUES: Record<string, string> = {
  AUTH_MODE: "entra",
  STORAGE_TABLE_ENDPOINT: "https://stexample.table.core.windows.net",
  INGEST_SECRET: "resolved-from-key-vault-0123456789",
  GRAPH_BASE_URL: "https://graph.microsoft.com/v1.0",
  MAIL_SENDER: "social.value@anytown.gov.uk",
  ORGANISATION_NAME: "Anytown Borough Council",
  FORM_URL: "https://forms.office.com/r/Example",
  AUTH_TENANT_ID: TENANT,
  AUTH_AUDIENCE: `${API_CLIENT},api://${API_CLIENT}`,
  AUTH_ISSUER: `https://login.microsoftonline.com/${TENANT}/v2.0`,
  AUTH_JWKS_URL: `https://login.microsoftonline.com/${TENANT}/discovery/v2.0/keys`,
  CORS_ORIGINS: "https://addin.anytown.gov.uk",
  CHASE_SCHEDULE: "0 0 7 * * 1-5",
  TIME_ZONE: "Europe/London",
  // The template's defaults: the Graph pull is off unless a council sets it up.
  FORMS_PULL_SCHEDULE: "",
  FORMS_PULL_SOURCES: "",
  AzureWebJobsStorage__accountName: "stexample",
  AzureWebJobsStorage__credential: "managedidentity",
  APPLICATIONINSIGHTS_CONNECTION_STRING: "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://uksouth-1.in.applicationinsights.azure.com/",
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: "Authorization=AAD",
};

/** What the platform adds (a managed identity is assigned, so IDENTITY_ENDPOINT is there). */
const PLATFORM_VALUES: Record<string, string> = {
  FUNCTIONS_WORKER_RUNTIME: "node",
  FUNCTIONS_EXTENSION_VERSION: "~4",
  WEBSITE_SITE_NAME: "func-svl-example",
  WEBSITE_INSTANCE_ID: "0123456789abcdef",
  IDENTITY_ENDPOINT: "http://127.0.0.1:41741/msi/token",
  IDENTITY_HEADER: "example-header",
};

export function azureEnvironment(): Record<string, string> {
  const written = catalogue()
    .filter((s) => s.setByTemplate)
    .map((s) => s.name);
  const noExample = written.filter((name) => !(name in TEMPLATE_VALUES));
  const stale = Object.keys(TEMPLATE_VALUES).filter((name) => !written.includes(name));
  if (noExample.length > 0 || stale.length > 0) {
    throw new Error(
      "test/deploy/appSettingsCatalogue.ts is out of step with infra/app-settings.json: " +
        [noExample.length ? `give an example value for ${noExample.join(", ")}` : "", stale.length ? `remove ${stale.join(", ")}, which the template no longer sets` : ""].filter(Boolean).join("; "),
    );
  }
  return { ...PLATFORM_VALUES, ...TEMPLATE_VALUES };
}
