import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { packageApi } from "../../scripts/package-api";
import { catalogue, PLATFORM_SETTING } from "./appSettingsCatalogue";

/*
 * infra/app-settings.json lists what the Bicep sets on the Function App; `node infra/check.mjs`
 * compares it with the templates. This compares it with the code, both ways: a setting the API reads
 * that Azure never sets falls back to a local default in production; a setting the template sets that
 * nothing reads is a knob that does nothing. The code is what the deployment package bundles.
 */

jest.setTimeout(60_000);

const ROOT = path.resolve(__dirname, "../..");

/** How the API's code reads a setting: env.NAME / process.env.NAME, env["NAME"], helper(env, "NAME", …), required("NAME", …). */
const READS = [
  /\benv\??\.([A-Z][A-Za-z0-9_]*)\b/g,
  /\benv\[\s*["'`]([A-Z][A-Za-z0-9_]*)["'`]\s*\]/g,
  /\(\s*(?:env|givenEnv|process\.env)\s*,\s*["'`]([A-Z][A-Za-z0-9_]*)["'`]/g,
  /\brequired\(\s*["'`]([A-Z][A-Za-z0-9_]*)["'`]/g,
];

/** Setting name -> the bundled source files that read it. */
let reads: Map<string, string[]>;
let sources: string[];

beforeAll(async () => {
  const out = mkdtempSync(path.join(os.tmpdir(), "svl-settings-"));
  try {
    ({ sources } = await packageApi({ outDir: out }));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  reads = new Map();
  for (const file of sources) {
    const text = readFileSync(path.join(ROOT, file), "utf8");
    for (const pattern of READS) {
      for (const m of text.matchAll(pattern)) {
        const name = m[1] as string;
        reads.set(name, [...new Set([...(reads.get(name) ?? []), file])]);
      }
    }
  }
});

const apiEntries = () => catalogue().filter((s) => s.readBy === "api");

describe("infra/app-settings.json and the settings the API reads", () => {
  test("the scan finds the settings it should (a sanity check of the patterns)", () => {
    for (const name of ["STORAGE_TABLE_ENDPOINT", "STORAGE_CONNECTION_STRING", "INGEST_SECRET", "AUTH_CLOCK_TOLERANCE_SECONDS", "WEBSITE_INSTANCE_ID"]) {
      expect(reads.has(name)).toBe(true);
    }
  });

  test("every setting the API reads is listed (settings the platform sets aside)", () => {
    const listed = new Set(apiEntries().map((s) => s.name));
    const unlisted = [...reads].filter(([name]) => !listed.has(name) && !PLATFORM_SETTING.test(name)).map(([name, files]) => `${name} (read in ${files.join(", ")})`);
    expect(unlisted).toEqual([]);
  });

  test("every setting listed as read by the API is read by it", () => {
    const unread = apiEntries()
      .filter((s) => !reads.has(s.name))
      .map((s) => `${s.name}${s.setByTemplate ? " (and the template sets it)" : ""}`);
    expect(unread).toEqual([]);
  });

  test("the settings the platform sets are not listed as the API's own", () => {
    expect(apiEntries().filter((s) => PLATFORM_SETTING.test(s.name) || /^APPLICATIONINSIGHTS_/.test(s.name))).toEqual([]);
  });

  test("a setting the API cannot start without is one the template sets", () => {
    expect(catalogue().filter((s) => s.requiredInProduction && !s.setByTemplate)).toEqual([]);
  });

  test("the scan misses nothing the settings loaders look up", () => {
    // Run every exported load…Settings function with an environment that records each name looked
    // up; the recorded names must all be ones the scan found. Several environments reach the branches.
    const loaders: { file: string; name: string; load: (env: NodeJS.ProcessEnv) => unknown }[] = [];
    for (const file of sources) {
      for (const m of readFileSync(path.join(ROOT, file), "utf8").matchAll(/^export function (load\w*Settings)\(/gm)) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const mod = require(path.join(ROOT, file)) as Record<string, (env: NodeJS.ProcessEnv) => unknown>;
        const name = m[1] as string;
        loaders.push({ file, name, load: (env) => mod[name]?.(env) });
      }
    }
    expect(loaders.map((l) => l.name)).toEqual(expect.arrayContaining(["loadSettings"]));

    const looked = new Set<string>();
    const environments: Record<string, string>[] = [
      {},
      { AUTH_MODE: "dev" },
      { WEBSITE_INSTANCE_ID: "x", IDENTITY_ENDPOINT: "http://127.0.0.1/msi" },
      { GRAPH_TENANT_ID: "t", GRAPH_CLIENT_ID: "c", GRAPH_CLIENT_SECRET: "s" },
      { STORAGE_TABLE_ENDPOINT: "https://st.table.core.windows.net" },
    ];
    for (const loader of loaders) {
      for (const values of environments) {
        const env = new Proxy(values, {
          get(target, key) {
            // Only names looked up but not given: loadSettings reads every given one (for Key Vault references).
            if (typeof key === "string" && !Reflect.has(target, key)) looked.add(key);
            return Reflect.get(target, key);
          },
        });
        try {
          loader.load(env);
        } catch (e) {
          // These environments are incomplete on purpose; only a refusal of the settings is expected.
          if (!(e instanceof Error && e.name === "SettingsError")) throw e;
        }
      }
    }
    expect([...looked].filter((name) => /^[A-Z]/.test(name) && !reads.has(name))).toEqual([]);
  });

  test("api/local.settings.example.json names only known settings", () => {
    const { Values } = JSON.parse(readFileSync(path.join(ROOT, "api", "local.settings.example.json"), "utf8")) as { Values: Record<string, string> };
    const known = new Set(catalogue().map((s) => s.name));
    expect(Object.keys(Values).filter((name) => !known.has(name) && !PLATFORM_SETTING.test(name))).toEqual([]);
  });

  test("node infra/check.mjs: the templates agree with each other and with the catalogue", () => {
    const run = spawnSync(process.execPath, [path.join(ROOT, "infra", "check.mjs")], { encoding: "utf8" });
    if (run.error) throw run.error;
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: "" });
    expect(run.stdout).toMatch(/look consistent/);
  });
});
