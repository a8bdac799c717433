import type { Contract } from "../../../shared";
import type { Principal } from "../http/auth";

/** How a signed-in person is named in audit trails. */
export function actorOf(principal: Principal | undefined): string {
  return principal?.email ?? principal?.subject ?? "unknown";
}

/** The contract's own officers: its contract manager and escalation contacts. */
export function isContractOfficer(principal: Principal | undefined, contract: Pick<Contract, "contractManager" | "escalationContacts">): boolean {
  const email = principal?.email?.trim().toLowerCase();
  if (!email) return false;
  return contract.contractManager.email === email || contract.escalationContacts.some((c) => c.email === email);
}

/** Who sees a contract in the portfolio: a Manager every contract; an Officer the contracts they are an officer of. */
export function seesContract(principal: Principal | undefined, contract: Pick<Contract, "contractManager" | "escalationContacts">): boolean {
  if (principal?.roles.includes("Manager")) return true;
  return isContractOfficer(principal, contract);
}
