import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROUTES } from "../../api/src/app/routes";
import { loadSettings } from "../../api/src/settings/settings";
import { TIMERS } from "../../api/src/app/timers";
import { packageApi } from "../../scripts/package-api";
import type { PackageResult } from "../../scripts/package-api";
import { readZip } from "../../scripts/zip";
import { azureEnvironment, catalogue } from "./appSettingsCatalogue";
import type { Binding as FunctionsCoreBinding } from "../support/functionsCore";

/*
 * Builds the deployment package, unpacks api.zip into an empty folder and loads it with plain Node
 * the way the Functions host's Node worker does: the worker provides `@azure/functions-core`, and
 * @azure/functions (bundled) registers each function through it. A stand-in for that module records
 * the registrations. If the bundle failed to load, or @azure/functions could not find the module and
 * fell back to its "test mode", nothing would be registered: in Azure, "No job functions found".
 */

jest.setTimeout(120_000);

const ROOT = path.resolve(__dirname, "../..");

/** Records what @azure/functions asks of the host, in this process's globals, for host.js below. */
const FUNCTIONS_CORE_STAND_IN = `
const seen = (globalThis.__functionsCore = { programmingModel: undefined, functions: [], hooks: [] });
module.exports = {
  setProgrammingModel(model) { seen.programmingModel = { name: model.name, version: model.version }; },
  registerFunction(metadata, handler) { seen.functions.push({ metadata, handler }); return { dispose() {} }; },
  registerHook(type) { seen.hooks.push(type); return { dispose() {} }; },
  log() {},
};
`;

/**
 * Stands in for the worker: requires the files package.json's "main" matches (passed as arguments),
 * then calls the openapi function as an HTTP request would, and prints what it saw as JSON.
 */
const HOST = `
const path = require("node:path");
(async () => {
  for (const file of process.argv.slice(2)) require(path.join(__dirname, file));
  const seen = globalThis.__functionsCore;
  const openapi = seen.functions.find((f) => f.metadata.name === "openapi");
  let answer;
  if (openapi) {
    const request = { method: "GET", url: "https://func.example/api/openapi.json", headers: new Headers(), query: new URLSearchParams(), params: {} };
    const log = () => {};
    const context = { invocationId: "test", functionName: "openapi", log, trace: log, debug: log, info: log, warn: log, error: log };
    const response = await openapi.handler(request, context);
    answer = { status: response.status, openapi: response.jsonBody && response.jsonBody.openapi };
  }
  const functions = seen.functions.map((f) => ({ name: f.metadata.name, bindings: f.metadata.bindings }));
  process.stdout.write(JSON.stringify({ programmingModel: seen.programmingModel, functions, openapi: answer }));
})().catch((e) => {
  process.stderr.write(String(e && e.stack ? e.stack : e));
  process.exit(1);
});
`;

/** package.json "main" globs as the Functions host reads them: `*`, `**` and `{a,b}`. */
function globToRegExp(glob: string): RegExp {
  let source = "";
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === "*" && glob[i + 1] === "*") {
      source += ".*";
      i++;
    } else if (c === "*") source += "[^/]*";
    else if (c === "{") {
      braces++;
      source += "(?:";
    } else if (c === "}" && braces > 0) {
      braces--;
      source += ")";
    } else if (c === "," && braces > 0) source += "|";
    else source += c.replace(/[.+?^$()[\]\\|{}]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}

interface Binding extends FunctionsCoreBinding {
  runOnStartup?: boolean;
}
interface Loaded {
  programmingModel?: { name: string; version: string };
  functions: { name: string; bindings: Record<string, Binding> }[];
  openapi?: { status: number; openapi: string };
}

let result: PackageResult;
let out: string;
let unpacked: string;
let mainFiles: string[];
let packageJson: { main: string; dependencies?: Record<string, string>; devDependencies?: unknown; scripts?: unknown };

/** Loads the unpacked app in a fresh Node with only `env` (and PATH) as its environment. */
function load(env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [path.join(unpacked, "host.js"), ...mainFiles], {
    cwd: unpacked,
    env: { PATH: process.env.PATH ?? "", ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
  if (run.error) throw run.error;
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

beforeAll(async () => {
  out = mkdtempSync(path.join(os.tmpdir(), "svl-package-"));
  result = await packageApi({ outDir: out });

  unpacked = mkdtempSync(path.join(os.tmpdir(), "svl-unpacked-"));
  const entries = readZip(readFileSync(result.zip));
  for (const entry of entries) {
    mkdirSync(path.dirname(path.join(unpacked, entry.name)), { recursive: true });
    writeFileSync(path.join(unpacked, entry.name), entry.data);
  }
  packageJson = JSON.parse(readFileSync(path.join(unpacked, "package.json"), "utf8")) as typeof packageJson;
  const main = globToRegExp(packageJson.main);
  mainFiles = entries.map((e) => e.name).filter((name) => main.test(name));

  const standIn = path.join(unpacked, "node_modules", "@azure", "functions-core");
  mkdirSync(standIn, { recursive: true });
  writeFileSync(path.join(standIn, "index.js"), FUNCTIONS_CORE_STAND_IN);
  writeFileSync(path.join(unpacked, "host.js"), HOST);
});

afterAll(() => {
  for (const dir of [out, unpacked]) rmSync(dir, { recursive: true, force: true });
});

describe("the deployment package (npm run package:api)", () => {
  test("holds host.json, a package.json without dependencies, and the bundle its main names", () => {
    const names = readZip(readFileSync(result.zip))
      .map((e) => e.name)
      .sort();
    expect(names).toEqual(["dist/app.js", "host.json", "package.json"]);
    expect(mainFiles).toEqual(["dist/app.js"]);
    expect(packageJson.dependencies ?? {}).toEqual({});
    expect(packageJson.devDependencies).toBeUndefined();
    // A build script would make a remote build (Oryx) try to compile sources that are not in the package.
    expect(packageJson.scripts).toBeUndefined();
    expect(readFileSync(path.join(unpacked, "host.json"), "utf8")).toBe(readFileSync(path.join(ROOT, "api", "host.json"), "utf8"));
    expect(result.sources).toContain(result.entry);
    expect(result.bundleBytes).toBeGreaterThan(result.zipBytes);
  });

  test("main globs are read as the host reads them (a check of this test's own reader)", () => {
    const glob = globToRegExp("dist/{index.js,functions/*.js}");
    expect(["dist/index.js", "dist/functions/a.js"].every((f) => glob.test(f))).toBe(true);
    expect(["dist/functions/x/a.js", "dist/app.js", "dist/index,js"].some((f) => glob.test(f))).toBe(false);
    expect(globToRegExp("dist/**/*.js").test("dist/src/functions/a.js")).toBe(true);
  });

  test("the folder azure.yaml deploys is the one the script writes", () => {
    const azureYaml = readFileSync(path.join(ROOT, "azure.yaml"), "utf8");
    expect(azureYaml).toMatch(/project: \.\/api\s/);
    expect(azureYaml).toMatch(/dist: dist\/package\s/);
    expect(path.relative(path.dirname(result.dir), result.dir)).toBe("package");
  });

  test("loaded as the Functions host loads it, registers every route of the route table and every timer", () => {
    const run = load(azureEnvironment());
    expect(run.stderr).not.toMatch(/test mode|Skipping call to register/);
    expect(run.status).toBe(0);
    const loaded = JSON.parse(run.stdout) as Loaded;
    expect(loaded.programmingModel?.name).toBe("@azure/functions");

    // The route table and the timer table (api/src/app/timers.ts) name every function; nothing else may register.
    const registered = new Map(loaded.functions.map((f) => [f.name, f.bindings]));
    expect(loaded.functions).toHaveLength(registered.size);
    const expected = [...ROUTES.map((r) => r.name), ...TIMERS.map((t) => t.name)].sort();
    expect([...registered.keys()].sort()).toEqual(expected);
    // The one registration module the bundle starts from registers them all.
    expect(result.entry).toBe("api/src/app/register.ts");

    for (const route of ROUTES) {
      const bindings = Object.values(registered.get(route.name) ?? {});
      const trigger = bindings.find((b) => b.type === "httpTrigger");
      const seen = { name: route.name, direction: trigger?.direction, route: trigger?.route, authLevel: trigger?.authLevel, methods: trigger?.methods?.map((m) => m.toUpperCase()).sort() };
      expect(seen).toEqual({ name: route.name, direction: "in", route: route.route, authLevel: route.authLevel, methods: [...route.methods].sort() });
      expect(bindings.some((b) => b.type === "http" && b.direction === "out")).toBe(true);
    }
    const settings = loadSettings(azureEnvironment());
    for (const timer of TIMERS) {
      const trigger = Object.values(registered.get(timer.name) ?? {}).find((b) => b.type === "timerTrigger");
      // runOnStartup would chase on every cold start and every scale-out.
      const seen = { name: timer.name, direction: trigger?.direction, schedule: trigger?.schedule, runOnStartup: trigger?.runOnStartup ?? false };
      expect(seen).toEqual({ name: timer.name, direction: "in", schedule: timer.schedule(settings), runOnStartup: false });
    }
  });

  test("a registered function answers a request from inside the bundle", () => {
    const loaded = JSON.parse(load(azureEnvironment()).stdout) as Loaded;
    expect(loaded.openapi).toEqual({ status: 200, openapi: "3.1.0" });
  });

  test("refuses to start, naming the setting, when a Key Vault reference did not resolve", () => {
    const reference = "@Microsoft.KeyVault(SecretUri=https://kv-example.vault.azure.net/secrets/ingest-secret)";
    const run = load({ ...azureEnvironment(), INGEST_SECRET: reference });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/INGEST_SECRET is a Key Vault reference the platform could not resolve/);
    expect(run.stderr).not.toMatch(/INGEST_SECRET is missing/);
  });

  test("starts without any of the settings the catalogue does not mark as required (their defaults apply)", () => {
    const env = azureEnvironment();
    for (const s of catalogue()) if (s.readBy === "api" && !s.requiredInProduction) delete env[s.name];
    const run = load(env);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
  });

  test("refuses to start without the settings the template must provide, naming each", () => {
    const required = catalogue().filter((s) => s.readBy === "api" && s.requiredInProduction);
    const env = azureEnvironment();
    for (const name of required.map((s) => s.name)) delete env[name];
    const run = load(env);
    expect(run.status).not.toBe(0);
    for (const { name } of required) expect(run.stderr).toContain(name);
  });
});
