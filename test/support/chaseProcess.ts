import { compose } from "../../api/src/app/compose";
import { runChase } from "../../api/src/chase/run";
import { createMailer } from "../../api/src/mail/createMailer";
import { loadSettings } from "../../api/src/settings/settings";

/**
 * A chase run in a process of its own, on the storage and Graph its environment names (the fake
 * Graph: a fixed token stands in for Entra's), for the test that kills it mid-run
 * (test/api/chase/crash.test.ts). Prints a line per email handed over, then the result.
 */
async function main(): Promise<void> {
  const settings = loadSettings(process.env);
  const graphMailer = createMailer(settings.mail, { authProvider: { getAccessToken: async () => "child-process-token" } });
  const deps = await compose(settings, { mailer: graphMailer, warn: () => undefined });
  await deps.ready();
  const result = await runChase(deps, new Date(), { log: (message) => console.log(message) });
  console.log(JSON.stringify({ sent: result.sent, deferred: result.deferred }));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
