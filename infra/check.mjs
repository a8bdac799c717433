#!/usr/bin/env node
// Static checks of infra/ that run without the Bicep compiler or an Azure login:
//   node infra/check.mjs
// It is not a substitute for `az bicep build --file infra/main.bicep` (run that where the Bicep
// CLI is installed); it catches the mistakes that are easy to make by hand:
//   - unbalanced brackets or unterminated strings in a .bicep file;
//   - a module path that does not exist, a module parameter that is passed but not declared,
//     or declared without a default but not passed;
//   - a parameter in main.parameters.json that main.bicep does not declare, or a main.bicep
//     parameter that nothing uses;
//   - a resource API version that is not in the list below of versions known to exist;
//   - the app settings written by the templates differing from infra/app-settings.json;
//   - the Power Automate flow: a literal secret in a header, a missing retry policy, or
//     unreplaced placeholders that are not the documented ones.
// Exit code 0 = no problems; 1 = problems (listed).

import { readFileSync, existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import process from "node:process";

const here = dirname(fileURLToPath(import.meta.url));
const problems = [];
const problem = (file, message) => problems.push(`${file}: ${message}`);
const read = (rel) => readFileSync(join(here, rel), "utf8");

// API versions used here, each seen in Microsoft's own samples or reference (see docs/DEPLOY.md, "What was not verified").
const KNOWN_API_VERSIONS = {
  "Microsoft.Resources/resourceGroups": ["2022-09-01"],
  "Microsoft.OperationalInsights/workspaces": ["2023-09-01"],
  "Microsoft.Insights/components": ["2020-02-02"],
  "Microsoft.Storage/storageAccounts": ["2023-05-01"],
  "Microsoft.KeyVault/vaults": ["2023-07-01"],
  "Microsoft.KeyVault/vaults/secrets": ["2023-07-01"],
  "Microsoft.Web/serverfarms": ["2024-04-01"],
  "Microsoft.Web/sites": ["2024-04-01"],
  "Microsoft.Web/sites/config": ["2024-04-01"],
  "Microsoft.Web/staticSites": ["2023-12-01"],
  "Microsoft.Authorization/roleAssignments": ["2022-04-01"],
};

/** Removes comments and string contents (keeping the quotes and ${...} expressions), so brackets can be counted. */
function stripBicep(text, file) {
  let out = "";
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    const next = text[i + 1];
    if (c === "/" && next === "/") {
      while (i < n && text[i] !== "\n") i++;
      continue;
    }
    if (c === "/" && next === "*") {
      const end = text.indexOf("*/", i + 2);
      if (end < 0) {
        problem(file, "unterminated /* comment");
        return out;
      }
      i = end + 2;
      continue;
    }
    if (text.startsWith("'''", i)) {
      const end = text.indexOf("'''", i + 3);
      if (end < 0) {
        problem(file, "unterminated ''' string");
        return out;
      }
      out += "''";
      i = end + 3;
      continue;
    }
    if (c === "'") {
      // a single-quoted string with ${} interpolation and \' escapes
      out += "'";
      i++;
      let closed = false;
      while (i < n) {
        const d = text[i];
        if (d === "\\") {
          i += 2;
          continue;
        }
        if (d === "\n") break;
        if (d === "'") {
          closed = true;
          i++;
          break;
        }
        if (d === "$" && text[i + 1] === "{") {
          // copy the interpolated expression, counting braces
          let depth = 1;
          let j = i + 2;
          let expr = "";
          while (j < n && depth > 0) {
            if (text[j] === "{") depth++;
            else if (text[j] === "}") depth--;
            if (depth > 0) expr += text[j];
            j++;
          }
          out += "(" + stripBicep(expr.replace(/\\'/g, "'"), file) + ")";
          i = j;
          continue;
        }
        i++;
      }
      if (!closed) {
        const line = text.slice(0, i).split("\n").length;
        problem(file, `unterminated string near line ${line}`);
      }
      out += "'";
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

function checkBrackets(stripped, file) {
  const pairs = { ")": "(", "]": "[", "}": "{" };
  const stack = [];
  let line = 1;
  for (const c of stripped) {
    if (c === "\n") line++;
    if (c === "(" || c === "[" || c === "{") stack.push({ c, line });
    else if (c in pairs) {
      const top = stack.pop();
      if (!top || top.c !== pairs[c]) {
        problem(file, `"${c}" near line ${line} does not close ${top ? `"${top.c}" from line ${top.line}` : "anything"}`);
        return;
      }
    }
  }
  for (const open of stack) problem(file, `"${open.c}" from line ${open.line} is never closed`);
}

/** Parameters declared in a Bicep file: name -> { hasDefault }. */
function bicepParams(text) {
  const params = new Map();
  for (const m of text.matchAll(/^param\s+([A-Za-z_][A-Za-z0-9_]*)\s+(\w+)(\s*=)?/gm)) {
    params.set(m[1], { hasDefault: Boolean(m[3]) });
  }
  return params;
}

/** The module blocks of a Bicep file: { path, params: [names], body }. */
function bicepModules(text) {
  const modules = [];
  const re = /^module\s+\w+\s+'([^']+)'\s*=\s*(?:if\s*\([^)]*\)\s*)?\{/gm;
  let m;
  while ((m = re.exec(text))) {
    let depth = 1;
    let i = re.lastIndex;
    while (i < text.length && depth > 0) {
      if (text[i] === "{") depth++;
      else if (text[i] === "}") depth--;
      i++;
    }
    const body = text.slice(re.lastIndex, i - 1);
    const paramsBlock = /params:\s*\{([\s\S]*?)\n {2}\}/.exec(body);
    const names = paramsBlock ? [...paramsBlock[1].matchAll(/^\s{4}([A-Za-z_]\w*)\s*:/gm)].map((x) => x[1]) : [];
    modules.push({ path: m[1], params: names, body });
  }
  return modules;
}

/** Keys of the object literal assigned to `var <name> = {` (one key per line, two-space indent). */
function objectKeys(text, startPattern) {
  const start = text.search(startPattern);
  if (start < 0) return null;
  const open = text.indexOf("{", start);
  let depth = 0;
  let i = open;
  for (; i < text.length; i++) {
    if (text[i] === "{") depth++;
    else if (text[i] === "}" && --depth === 0) break;
  }
  const body = text.slice(open + 1, i);
  return [...body.matchAll(/^\s+([A-Za-z_][A-Za-z0-9_]*)\s*:/gm)].map((m) => m[1]);
}

// ---------------------------------------------------------------------------------------------
// Bicep files

const bicepFiles = ["main.bicep", ...["monitoring", "storage", "keyvault", "function-app", "rbac", "app-settings", "addin-site"].map((m) => `modules/${m}.bicep`)];
const texts = {};
for (const file of bicepFiles) {
  if (!existsSync(join(here, file))) {
    problem(file, "missing");
    continue;
  }
  texts[file] = read(file);
  checkBrackets(stripBicep(texts[file], file), file);
  for (const m of texts[file].matchAll(/resource\s+\w+\s+'([^'@]+)@([^']+)'/g)) {
    const known = KNOWN_API_VERSIONS[m[1]];
    if (!known) problem(file, `resource type ${m[1]} is not in the list of known API versions`);
    else if (!known.includes(m[2])) problem(file, `${m[1]}@${m[2]}: API version not in the known list (${known.join(", ")})`);
  }
  // child resources declared inside a parent ('blobServices', 'config' ...) have no @version: fine.
  const params = bicepParams(texts[file]);
  const withoutDecls = texts[file].replace(/^param\s+\w+/gm, "");
  for (const name of params.keys()) {
    if (!new RegExp(`\\b${name}\\b`).test(withoutDecls)) problem(file, `param ${name} is declared but never used`);
  }
}

const main = texts["main.bicep"] ?? "";
const mainParams = bicepParams(main);
for (const mod of bicepModules(main)) {
  const file = mod.path;
  if (!existsSync(resolve(here, file))) {
    problem("main.bicep", `module ${file} does not exist`);
    continue;
  }
  const declared = bicepParams(read(file));
  for (const p of mod.params) if (!declared.has(p)) problem("main.bicep", `passes ${p} to ${file}, which does not declare it`);
  for (const [p, info] of declared) if (!info.hasDefault && !mod.params.includes(p)) problem("main.bicep", `does not pass required param ${p} to ${file}`);
}

let parameters;
try {
  parameters = JSON.parse(read("main.parameters.json")).parameters;
} catch (e) {
  problem("main.parameters.json", `not valid JSON: ${e.message}`);
  parameters = {};
}
for (const name of Object.keys(parameters)) if (!mainParams.has(name)) problem("main.parameters.json", `sets ${name}, which main.bicep does not declare`);
for (const [name, info] of mainParams) if (!info.hasDefault && !(name in parameters)) problem("main.parameters.json", `does not set ${name}, which has no default`);

// ---------------------------------------------------------------------------------------------
// App settings: templates vs infra/app-settings.json

let catalogue = [];
try {
  catalogue = JSON.parse(read("app-settings.json")).settings;
} catch (e) {
  problem("app-settings.json", `not valid JSON: ${e.message}`);
}
const names = new Set();
for (const s of catalogue) {
  for (const key of ["name", "readBy", "setByTemplate", "requiredInProduction", "secret", "description"]) {
    if (!(key in s)) problem("app-settings.json", `${s.name ?? "(unnamed)"} lacks "${key}"`);
  }
  if (names.has(s.name)) problem("app-settings.json", `${s.name} is listed twice`);
  names.add(s.name);
  if (s.secret && s.setByTemplate && !/^@Microsoft\.KeyVault\(/.test(s.azureValue ?? "")) {
    problem("app-settings.json", `${s.name} is a secret set by the template but not as a Key Vault reference`);
  }
}
const fromMain = objectKeys(main, /^var apiSettings\s*=/m) ?? [];
if (fromMain.length === 0) problem("main.bicep", "var apiSettings = { ... } not found");
const fromModule = objectKeys(texts["modules/app-settings.bicep"] ?? "", /properties:\s*union\(settings,/) ?? [];
const written = new Set([...fromMain, ...fromModule]);
const expected = new Set(catalogue.filter((s) => s.setByTemplate).map((s) => s.name));
for (const n of written) if (!expected.has(n)) problem("app-settings.json", `${n} is written by the templates but not listed with setByTemplate: true`);
for (const n of expected) if (!written.has(n)) problem("main.bicep", `${n} is listed in app-settings.json with setByTemplate: true but the templates do not write it`);
const secretInPlain = /INGEST_SECRET:\s*'(?!@Microsoft\.KeyVault)/.exec(main);
if (secretInPlain) problem("main.bicep", "INGEST_SECRET must be a Key Vault reference");

// ---------------------------------------------------------------------------------------------
// The Power Automate flow

const PLACEHOLDERS = [
  "QID_CONTRACT_REF",
  "QID_SUPPLIER",
  "QID_MEASURE_CODE",
  "QID_QUANTITY",
  "QID_PERIOD_START",
  "QID_PERIOD_END",
  "QID_DESCRIPTION",
  "QID_EVIDENCE_UPLOAD",
  "QID_EVIDENCE_LINK",
  "QID_EVIDENCE_FOR",
  "QID_YOUR_EMAIL",
];
try {
  const flowText = read("forms/flow.json");
  const flow = JSON.parse(flowText);
  const def = flow.properties?.definition;
  if (!def) problem("forms/flow.json", "properties.definition is missing");
  else {
    const trigger = Object.values(def.triggers ?? {})[0];
    if (trigger?.inputs?.host?.operationId !== "CreateFormWebhook") problem("forms/flow.json", "the trigger is not the Forms connector's CreateFormWebhook");
    if (trigger?.splitOn !== "@triggerOutputs()?['body/value']") problem("forms/flow.json", "the trigger lacks splitOn @triggerOutputs()?['body/value']");
    const all = {};
    const walk = (actions) => {
      for (const [name, a] of Object.entries(actions ?? {})) {
        all[name] = a;
        walk(a.actions);
        walk(a.else?.actions);
      }
    };
    walk(def.actions);
    const http = Object.values(all).filter((a) => a.type === "Http");
    if (http.length !== 1) problem("forms/flow.json", `expected one HTTP action, found ${http.length}`);
    for (const a of http) {
      const h = a.inputs?.headers ?? {};
      for (const header of ["x-functions-key", "x-ingest-secret"]) {
        if (!(header in h)) problem("forms/flow.json", `the HTTP action does not send ${header}`);
        else if (!String(h[header]).startsWith("@")) problem("forms/flow.json", `${header} is a literal value; it must come from an expression`);
      }
      if (a.inputs?.method !== "POST") problem("forms/flow.json", "the HTTP action is not a POST");
      if (!String(a.inputs?.uri ?? "").includes("/api/forms/responses")) problem("forms/flow.json", "the HTTP action does not post to /api/forms/responses");
      if (a.inputs?.retryPolicy?.type !== "exponential") problem("forms/flow.json", "the HTTP action has no exponential retry policy");
      const secured = a.runtimeConfiguration?.secureData?.properties ?? [];
      if (!secured.includes("inputs")) problem("forms/flow.json", "the HTTP action does not hide its inputs (secure inputs) from the run history");
    }
    for (const a of Object.values(all)) {
      if (a.inputs?.parameters?.actionName === "RetrieveEnvironmentVariableSecretValue") {
        const secured = a.runtimeConfiguration?.secureData?.properties ?? [];
        if (!secured.includes("outputs")) problem("forms/flow.json", "a secret read does not hide its outputs from the run history");
      }
    }
  }
  for (const m of flowText.matchAll(/r<([A-Z_]+)>/g)) {
    if (!PLACEHOLDERS.includes(m[1])) problem("forms/flow.json", `unknown placeholder r<${m[1]}>`);
  }
  const formDoc = read("forms/FORM.md");
  for (const p of PLACEHOLDERS) if (!formDoc.includes(p)) problem("forms/FORM.md", `does not explain placeholder ${p}`);
} catch (e) {
  problem("forms/flow.json", e.message);
}

try {
  JSON.parse(read("forms/column-mapping.example.json"));
} catch (e) {
  problem("forms/column-mapping.example.json", e.message);
}

if (problems.length) {
  process.stderr.write(`infra check: ${problems.length} problem(s)\n  ${problems.join("\n  ")}\n`);
  process.exit(1);
}
process.stdout.write(`infra check: ${bicepFiles.length} Bicep files, ${catalogue.length} app settings, the flow and the mapping example look consistent.\n`);
process.stdout.write("This is not a Bicep compile: run `az bicep build --file infra/main.bicep` where the Bicep CLI is available.\n");
