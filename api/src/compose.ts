import { verifierFor } from "./auth";
import type { Authenticator } from "./auth";
import { systemClock } from "./clock";
import type { Clock } from "./clock";
import { loadDevIssuer } from "./devIssuer";
import { connectGraph } from "./graph/connect";
import type { GraphCaller } from "./graph/graphCall";
import { createMailer } from "./mail/createMailer";
import type { Mailer } from "./mail/mailer";
import { PackRegistry } from "./packs";
import { loadSettings } from "./settings";
import type { Settings } from "./settings";
import { tableConnection } from "./store/connection";
import type { LedgerStore } from "./store/ledgerStore";
import { TableLedgerStore } from "./store/tableStore";

/** What every handler may use. Built here and nowhere else. */
export interface Deps {
  settings: Settings;
  store: LedgerStore;
  clock: Clock;
  auth: Authenticator;
  packs: PackRegistry;
  /** The chase sends through this: Graph when a credential is configured, the .eml outbox otherwise. */
  mailer: Mailer;
  /** Graph for reading the Forms response workbooks; undefined when no credential is configured. */
  graph: GraphCaller | undefined;
  /** Resolves once storage is prepared (tables exist); retried on the next request if storage was down. */
  ready(): Promise<void>;
}

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
