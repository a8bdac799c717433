import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { azuriteConnectionString, portIsOpen, startAzurite, stopChild } from "./azurite";
import type { RunningAzurite } from "./azurite";
import { DATA_DIR, localEnvironment, ROOT } from "./localSettings";
import { serveApi } from "./serve-api";
import type { ServedApi } from "./serve-api";

/**
 * npm start         Azurite (data in .data/azurite) + the API on http://localhost:7071 + the add-in dev server
 * npm run start:api Azurite + the API only
 * Example data is created on first start. Ctrl-C stops everything this script started.
 */
const AZURITE_PORT = 10002;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { "api-only": { type: "boolean", default: false }, port: { type: "string", default: "7071" } } });
  const env = localEnvironment();
  let azurite: RunningAzurite | undefined;
  let api: ServedApi | undefined;
  let addin: ChildProcess | undefined;
  let stopping = false;

  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log("\nStopping…");
    await api?.close();
    if (addin) await stopChild(addin);
    await azurite?.stop();
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));

  try {
    // Start Azurite only when the API is meant to use the local emulator and none is running already.
    if (env.STORAGE_CONNECTION_STRING === "UseDevelopmentStorage=true") {
      if (await portIsOpen(AZURITE_PORT)) {
        console.log(`Something already listens on 127.0.0.1:${AZURITE_PORT}; using it as Azurite (it will not be stopped on exit).`);
      } else {
        const location = path.join(DATA_DIR, "azurite");
        mkdirSync(location, { recursive: true });
        azurite = await startAzurite({ port: AZURITE_PORT, location, root: ROOT });
        env.STORAGE_CONNECTION_STRING = azuriteConnectionString(AZURITE_PORT);
        console.log(`Azurite (Table) on 127.0.0.1:${AZURITE_PORT}, pid ${azurite.pid}, data in ${path.relative(ROOT, location)}`);
        azurite.child.once("exit", (code, signal) => {
          if (stopping) return;
          // Ctrl-C reaches the whole process group, Azurite included: that is a normal stop.
          if (signal === "SIGINT") return void stop(0);
          console.error(`Azurite exited unexpectedly (code ${code}).`);
          void stop(1);
        });
      }
    }

    api = await serveApi(env, { port: Number(values.port), seed: true });
    console.log(`API on http://localhost:${api.port}/api (health: /api/health, description: /api/openapi.json)`);
    if (api.deps.settings.auth.kind === "dev") {
      console.log(`Dev issuer keys in ${path.relative(ROOT, api.deps.settings.auth.dir)}; a token: npm run dev-token -- --role Officer --email you@example.org`);
      console.log(`Forms flow secret (x-ingest-secret): ${api.deps.settings.ingestSecret === "local-ingest-secret" ? "local-ingest-secret" : "as set in INGEST_SECRET"}`);
    }

    if (!values["api-only"]) {
      if (!existsSync(path.join(ROOT, "webpack.config.js"))) {
        console.log("No webpack.config.js yet, so no add-in dev server; the API is running.");
      } else {
        // node on webpack's entry directly (not npx), so the PID we stop is webpack itself.
        addin = spawn(process.execPath, [path.join(ROOT, "node_modules/webpack/bin/webpack.js"), "serve", "--mode", "development"], { cwd: ROOT, stdio: "inherit" });
        console.log(`Add-in dev server starting (pid ${addin.pid}) on https://localhost:3000`);
        addin.once("exit", (code, signal) => {
          if (stopping) return;
          if (signal === "SIGINT") return void stop(0);
          console.error(`The add-in dev server exited (code ${code}); stopping the rest.`);
          void stop(code ?? 1);
        });
      }
    }
    console.log("Ctrl-C stops everything.");
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    await stop(1);
  }
}

void main();
