import type { Server } from "node:http";
import { parseArgs } from "node:util";
import { compose } from "../api/src/app/compose";
import type { Deps } from "../api/src/deps";
import { createLocalHost, listen } from "../api/src/dev/localHost";
import { startLocalTimers } from "../api/src/dev/localTimers";
import { loadSettings } from "../api/src/settings/settings";
import { localEnvironment, ROOT } from "./localSettings";
import { seedExampleData } from "./seed";

export interface ServedApi {
  deps: Deps;
  server: Server;
  port: number;
  close(): Promise<void>;
}

/** Composes the API from `env` (storage prepared, example data on first start if asked) and serves it on loopback. */
export async function serveApi(env: NodeJS.ProcessEnv, options: { port: number; seed: boolean; quiet?: boolean }): Promise<ServedApi> {
  const settings = loadSettings(env, ROOT);
  const deps = await compose(settings);
  await deps.ready();
  if (options.seed) {
    const seeded = await seedExampleData(deps);
    if (!options.quiet) console.log(seeded === "seeded" ? "Example data created: contract C-1001 with ten contributions." : "Example data already present; left as it is.");
  }
  const server = createLocalHost(deps, options.quiet ? { log: () => undefined } : {});
  startLocalTimers(deps, server, { quiet: options.quiet, env });
  const port = await listen(server, options.port);
  return {
    deps,
    server,
    port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** `node --import tsx scripts/serve-api.ts --port 7071`: the API alone, on storage named by the environment (used by the benchmark). */
if (require.main === module) {
  const { values } = parseArgs({ options: { port: { type: "string", default: "7071" }, seed: { type: "boolean", default: false }, quiet: { type: "boolean", default: false } } });
  serveApi(localEnvironment(), { port: Number(values.port), seed: values.seed ?? false, quiet: values.quiet ?? false })
    .then((api) => {
      console.log(`API listening on http://127.0.0.1:${api.port}/api`);
      const stop = () => void api.close().then(() => process.exit(0));
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    })
    .catch((e: unknown) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    });
}
