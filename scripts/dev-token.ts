import { parseArgs } from "node:util";
import { ROLES } from "../api/src/http/auth";
import type { Role } from "../api/src/http/auth";
import { loadDevIssuer } from "../api/src/dev/issuer";
import { loadSettings } from "../api/src/settings/settings";
import { localEnvironment, ROOT } from "./localSettings";

/**
 * npm run dev-token -- --role Officer --email someone@example.org [--name "Sam Patel"] [--hours 8]
 * Prints a bearer token from the local dev issuer (.data/dev-issuer), which the API accepts when
 * AUTH_MODE=dev. Roles may be repeated or comma-separated: --role Officer,Manager.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      role: { type: "string", multiple: true, default: ["Officer"] },
      email: { type: "string", default: "officer@example.org" },
      name: { type: "string" },
      hours: { type: "string", default: "8" },
    },
  });
  const roles = (values.role ?? []).flatMap((r) => r.split(",")).map((r) => r.trim());
  const unknown = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (unknown.length > 0) throw new Error(`Unknown role ${unknown.join(", ")}; the app roles are ${ROLES.join(" and ")}.`);
  const hours = Number(values.hours);
  if (!Number.isFinite(hours) || hours <= 0 || hours > 24 * 30) throw new Error("--hours must be a number of hours up to 720");

  const settings = loadSettings(localEnvironment(), ROOT);
  if (settings.auth.kind !== "dev") throw new Error("AUTH_MODE is not dev: the API would not accept a dev token. Unset AUTH_MODE or set it to dev.");
  const issuer = await loadDevIssuer(settings.auth.dir);
  const email = values.email ?? "officer@example.org";
  process.stdout.write(`${await issuer.sign({ roles: roles as Role[], email, name: values.name, expiresInSeconds: Math.round(hours * 3600) })}\n`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
