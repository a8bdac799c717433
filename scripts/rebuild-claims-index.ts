import { RestError } from "@azure/data-tables";
import { rebuildClaimsIndex } from "../api/src/maintenance/rebuildClaimsIndex";
import type { ClaimsIndexRebuild, RebuildProgress } from "../api/src/maintenance/rebuildClaimsIndex";
import { SettingsError } from "../api/src/settings/errors";
import { loadStorageSettings } from "../api/src/settings/settings";
import type { StorageSettings } from "../api/src/settings/settings";
import { tableConnection } from "../api/src/store/connection";
import { TableLedgerStore } from "../api/src/store/tableLedgerStore";
import { localEnvironment } from "./localSettings";

/*
 * npm run rebuild:claims-index
 * Rebuilds the claims indexes (SupplierMeasureClaims, EvidenceUses) of a ledger written before they
 * were one list per key, so claims made before the upgrade are compared again, and removes the old
 * rows (api/STORAGE.md). Storage as the API reads it: STORAGE_TABLE_ENDPOINT (with az login) or
 * STORAGE_CONNECTION_STRING, TABLE_PREFIX, from the shell or api/local.settings.json; Azurite when
 * neither is set. Safe to run again and beside the API.
 */

const n = (count: number) => count.toLocaleString("en-GB");
const of = (count: number, one: string) => `${n(count)} ${one}${count === 1 ? "" : "s"}`;

/** Where the ledger is, without the account key a connection string holds. */
function where(storage: StorageSettings): string {
  if (storage.kind === "endpoint") return storage.endpoint;
  const text = storage.connectionString;
  if (/UseDevelopmentStorage=true/i.test(text)) return "Azurite (UseDevelopmentStorage=true)";
  return /TableEndpoint=([^;]+)/i.exec(text)?.[1] ?? `account ${/AccountName=([^;]+)/i.exec(text)?.[1] ?? "of STORAGE_CONNECTION_STRING"}`;
}

function progress(p: RebuildProgress): void {
  const c = p.counts;
  if (p.step === "indexing") console.log(`${p.contractId}: ${of(c.contributions, "contribution")} read in ${of(c.contracts, "contract")}, ${n(c.indexed)} indexed`);
  else console.log(`${of(c.oldRowsRemoved, "old-layout row")} removed`);
}

function summary(c: ClaimsIndexRebuild): string {
  const read = `${of(c.contracts, "contract")}, ${of(c.contributions, "contribution")} read`;
  if (c.indexed === 0 && c.oldRowsRemoved === 0) return `Nothing to do: ${read}, nothing to add to the indexes, no old-layout rows left.`;
  return `Done: ${read}, ${n(c.indexed)} indexed, ${of(c.oldRowsRemoved, "old-layout row")} removed.`;
}

async function main(): Promise<void> {
  const settings = loadStorageSettings(localEnvironment());
  const store = new TableLedgerStore({
    connection: tableConnection(settings.storage),
    tablePrefix: settings.tablePrefix,
    timeoutMs: settings.storageTimeoutMs,
    maxConcurrentRequests: settings.storageConcurrency,
    warn: (message, error) => console.warn(message, error),
  });
  console.log(`Rebuilding the claims indexes of the ledger in ${where(settings.storage)}, tables ${settings.tablePrefix}*`);
  console.log(summary(await rebuildClaimsIndex(store, { onProgress: progress })));
}

function reason(e: unknown): string {
  if (e instanceof SettingsError) return `fix these settings:\n - ${e.problems.join("\n - ")}`;
  // Tables are not created here: a listing answered 404 means the prefix or the storage is not the ledger's.
  if (e instanceof RestError && e.statusCode === 404) return "no ledger there (a table is missing): check STORAGE_TABLE_ENDPOINT or STORAGE_CONNECTION_STRING, and TABLE_PREFIX.";
  return e instanceof Error ? e.message : String(e);
}

main().catch((e: unknown) => {
  const again = e instanceof SettingsError ? "" : "\nWhat it did so far stands; run it again to finish.";
  console.error(`The claims index rebuild stopped: ${reason(e)}${again}`);
  process.exit(1);
});
