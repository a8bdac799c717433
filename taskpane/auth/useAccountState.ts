import { useSyncExternalStore } from "react";
import type { AccountManager, AccountState } from "./AccountManager";

/** The account manager's state as React state: the pane re-renders on sign-in and sign-out. */
export function useAccountState(accounts: AccountManager): AccountState {
  return useSyncExternalStore(accounts.subscribe, accounts.getState);
}
