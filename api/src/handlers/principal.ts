import type { Principal } from "../http/auth";

/** How a signed-in person is named in audit trails. */
export function actorOf(principal: Principal | undefined): string {
  return principal?.email ?? principal?.subject ?? "unknown";
}
