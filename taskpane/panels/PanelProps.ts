import type { Contract } from "../../shared";
import type { ApiClient } from "../apiClient";
import type { SignedInUser } from "../auth/AccountManager";
import type { WorkbookGateway } from "../workbookGateway";

/** The contract the officer picked in Contracts; the other panels show and change that contract. */
export interface ContractChoice {
  selected: Contract | undefined;
  select(contract: Contract | undefined): void;
}

/** What the shell hands every panel. */
export interface PanelProps {
  gateway: WorkbookGateway;
  api: ApiClient;
  /** Undefined only for panels that work signed out (Packs); the shell signs in before the others render. */
  user: SignedInUser | undefined;
  contract: ContractChoice;
  /**
   * Bumped whenever a panel changes contributions or commitments, so panels that show totals
   * (kept mounted across tabs) load them again.
   */
  ledger: { version: number; changed(): void };
  /** Moves to another panel, e.g. from "no contract picked" to Contracts. */
  showPanel(id: string): void;
}
