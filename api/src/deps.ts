import type { Authenticator } from "./http/auth";
import type { Clock } from "./lib/clock";
import type { GraphCaller } from "./graph/graphCall";
import type { Mailer } from "./mail/mailer";
import type { PackRegistry } from "./packs/registry";
import type { Settings } from "./settings/settings";
import type { LedgerStore } from "./store/ports";

/** What every handler and use case may use. Declared apart from app/compose.ts, which builds it, so they do not depend on the composition root. */
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
