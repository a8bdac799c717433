import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

export const ROOT = path.resolve(__dirname, "..");
export const DATA_DIR = path.join(ROOT, ".data");

/**
 * The environment the local stack runs with: `api/local.settings.json` "Values" (as `func start`
 * reads them), under whatever is already set in the shell, over the local defaults (dev issuer,
 * Azurite, a known ingest secret).
 */
export function localEnvironment(): NodeJS.ProcessEnv {
  const file = path.join(ROOT, "api", "local.settings.json");
  let values: Record<string, string> = {};
  if (existsSync(file)) {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as { Values?: Record<string, string> };
    values = { ...parsed.Values };
    // func start runs in api/, so a relative path in local.settings.json means relative to api/.
    if (values.AUTH_DEV_DIR) values.AUTH_DEV_DIR = path.resolve(ROOT, "api", values.AUTH_DEV_DIR);
  }
  const chosen = { ...values, ...process.env };
  // Azurite is the default only when no storage was chosen: the API refuses both an endpoint and a connection string.
  const storage = chosen.STORAGE_TABLE_ENDPOINT ? {} : { STORAGE_CONNECTION_STRING: "UseDevelopmentStorage=true" };
  // SVL_AUTH_MODE names the mode for the API too; AUTH_MODE=dev is only the default when neither is given.
  const mode = chosen.SVL_AUTH_MODE?.trim() ? {} : { AUTH_MODE: "dev" };
  return {
    ...mode,
    AUTH_DEV_DIR: path.join(DATA_DIR, "dev-issuer"),
    ...storage,
    ...chosen,
  };
}
