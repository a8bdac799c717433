import { verifierFor } from "../http/auth";
import type { Authenticator } from "../http/auth";
import { systemClock } from "../lib/clock";
import type { Clock } from "../lib/clock";
import { loadDevIssuer } from "../dev/issuer";
import { connectGraph } from "../graph/connect";
import type { GraphCaller } from "../graph/graphCall";
import { createMailer } from "../mail/createMailer";
import type { Mailer } from "../mail/mailer";
import { PackRegistry } from "../packs/registry";
import { loadSettings } from "../settings/settings";
import type { Settings } from "../settings/settings";
import { tableConnection } from "../store/connection";
import type { Deps } from "../deps";
import type { LedgerStore } from "../store/ports";
import { TableLedgerStore } from "../store/tableLedgerStore";

export interface Overrides {
  store?: LedgerStore;
  clock?: Clock;
  auth?: Authenticator;
  mailer?: Mailer;
  graph?: GraphCaller;
  warn?: (message: string, error: unknown) => void;
}

export async function compose(settings: Settings, overrides: Overrides = {}): Promise<Deps> {
  const warn = overrides.warn ?? ((message: string, error: unknown) => console.warn(message, error));
  const store =
    overrides.store ??
    new TableLedgerStore({
      connection: tableConnection(settings.storage),
      tablePrefix: settings.tablePrefix,
      timeoutMs: settings.storageTimeoutMs,
      maxConcurrentRequests: settings.storageConcurrency,
      warn,
    });
  const auth =
    overrides.auth ??
    (settings.auth.kind === "dev" ? verifierFor(settings.auth, (await loadDevIssuer(settings.auth.dir)).jwks) : verifierFor(settings.auth));

  let preparing: Promise<void> | undefined;
  const ready = () => {
    preparing ??= store.prepare().catch((e: unknown) => {
      preparing = undefined;
      throw e;
    });
    return preparing;
  };
  const mailer = overrides.mailer ?? createMailer(settings.mail);
  const graph = overrides.graph ?? connectGraph(settings.mail.graph);
  return { settings, store, clock: overrides.clock ?? systemClock, auth, packs: new PackRegistry(store), mailer, graph, ready };
}

let appDeps: Promise<Deps> | undefined;

/** The Functions app's dependencies, from its environment; settings are checked when the app loads (see register.ts). */
export function dependencies(): Promise<Deps> {
  appDeps ??= compose(loadSettings(process.env));
  return appDeps;
}
