/**
 * Runs flow.json's expressions on sample "Get response details" outputs (shaped as in
 * docs/FORMS-AND-GRAPH.md §2.3) and checks the HTTP body with the API's own parser
 * (shared/submission.ts). It evaluates the small part of the workflow definition language the
 * flow uses (if, empty, coalesce, trim, json, createArray, addProperty, union, toLower, equals,
 * outputs, triggerOutputs, parameters, ?['a/b'] paths), the way we understand Power Automate
 * evaluates them. It is not Power Automate.
 *
 *   npx tsx infra/forms/simulate-flow.ts
 *
 * Exit code 0 when every sample gives the expected result.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { parseSubmission } from "../../shared/submission";

type Value = unknown;
type Fn = (...args: Value[]) => Value;

function tokenize(source: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source.charAt(i);
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      let j = i + 1;
      let text = "";
      while (j < source.length) {
        if (source.charAt(j) === "'" && source.charAt(j + 1) === "'") {
          text += "'";
          j += 2;
        } else if (source.charAt(j) === "'") {
          break;
        } else {
          text += source.charAt(j++);
        }
      }
      tokens.push("S" + text);
      i = j + 1;
    } else if (/[0-9]/.test(c)) {
      let j = i;
      while (/[0-9]/.test(source.charAt(j))) j++;
      tokens.push("N" + source.slice(i, j));
      i = j;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i;
      while (/[A-Za-z0-9_]/.test(source.charAt(j))) j++;
      tokens.push("I" + source.slice(i, j));
      i = j;
    } else if (c === "?" && source.charAt(i + 1) === "[") {
      tokens.push("?[");
      i += 2;
    } else {
      tokens.push(c);
      i++;
    }
  }
  return tokens;
}

function evaluate(expression: string, functions: Record<string, Fn>): Value {
  const tokens = tokenize(expression);
  let at = 0;
  const next = (): string => {
    const token = tokens[at++];
    if (token === undefined) throw new Error(`unexpected end of ${expression}`);
    return token;
  };
  const primary = (): Value => {
    const token = next();
    let value: Value;
    if (token.startsWith("S")) value = token.slice(1);
    else if (token.startsWith("N")) value = Number(token.slice(1));
    else if (token.startsWith("I")) {
      const name = token.slice(1);
      if (next() !== "(") throw new Error(`"(" expected after ${name}`);
      const args: Value[] = [];
      if (tokens[at] === ")") at++;
      else {
        for (;;) {
          args.push(primary());
          const separator = next();
          if (separator === ")") break;
          if (separator !== ",") throw new Error(`"," expected, got ${separator}`);
        }
      }
      const fn = functions[name];
      if (!fn) throw new Error(`the simulator does not know ${name}()`);
      value = fn(...args);
    } else throw new Error(`unexpected ${token} in ${expression}`);
    while (tokens[at] === "?[" || tokens[at] === "[") {
      at++;
      const key = String(primary());
      if (next() !== "]") throw new Error(`"]" expected in ${expression}`);
      for (const part of key.split("/")) {
        value = value !== null && typeof value === "object" ? ((value as Record<string, Value>)[part] ?? null) : null;
      }
    }
    return value;
  };
  const value = primary();
  if (at !== tokens.length) throw new Error(`unexpected ${tokens.slice(at).join(" ")} in ${expression}`);
  return value;
}

function resolve(value: Value, functions: Record<string, Fn>): Value {
  if (typeof value === "string") {
    if (value.startsWith("@{")) return value.replace(/@\{([^}]*)\}/g, (_match, inner: string) => String(evaluate(inner, functions)));
    if (value.startsWith("@")) return evaluate(value.slice(1), functions);
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => resolve(v, functions));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, functions)]));
  }
  return value;
}

const isEmpty = (v: Value) =>
  v === null || v === undefined || v === "" || (Array.isArray(v) && v.length === 0) || (typeof v === "object" && v !== null && Object.keys(v).length === 0);

const QUESTION_IDS: Record<string, string> = {
  QID_YOUR_EMAIL: "r0000000000000000000000000000a001",
  QID_SUPPLIER: "r0000000000000000000000000000a002",
  QID_CONTRACT_REF: "r0000000000000000000000000000a003",
  QID_MEASURE_CODE: "r0000000000000000000000000000a005",
  QID_QUANTITY: "r0000000000000000000000000000a006",
  QID_PERIOD_START: "r0000000000000000000000000000a007",
  QID_PERIOD_END: "r0000000000000000000000000000a008",
  QID_DESCRIPTION: "r0000000000000000000000000000a009",
  QID_EVIDENCE_FOR: "r0000000000000000000000000000a010",
  QID_EVIDENCE_UPLOAD: "r0000000000000000000000000000a011",
  QID_EVIDENCE_LINK: "r0000000000000000000000000000a012",
};
const q = (name: string): string => QUESTION_IDS[name] ?? name;

const flowText = readFileSync(join(__dirname, "flow.json"), "utf8").replace(/r<(QID_[A-Z_]+)>/g, (_m, name: string) => q(name));
const definition = JSON.parse(flowText).properties.definition as { actions: Record<string, { inputs: Value }> };

function runFlow(response: Record<string, string>): { uri: string; headers: Record<string, string>; body: Value } {
  const outputs: Record<string, Value> = {
    Get_response_details: { body: response },
    Get_function_key: { body: { EnvironmentVariableSecretValue: "function-key" } },
    Get_ingest_secret: { body: { EnvironmentVariableSecretValue: "ingest-secret" } },
  };
  const parameters: Record<string, string> = {
    "SVL Forms form id (svl_FormId)": "FORM-ID",
    "SVL Function App URL (svl_FunctionAppUrl)": "https://func-svl-example.azurewebsites.net",
  };
  const functions: Record<string, Fn> = {
    outputs: (name) => outputs[String(name)] ?? null,
    triggerOutputs: () => ({ body: { resourceData: { formId: "FORM-ID", responseId: 7 } } }),
    parameters: (name) => parameters[String(name)] ?? null,
    if: (condition, a, b) => (condition ? a : b),
    empty: isEmpty,
    coalesce: (...args) => args.find((a) => a !== null && a !== undefined) ?? null,
    trim: (s) => String(s).trim(),
    json: (s) => JSON.parse(String(s)) as Value,
    createArray: (...args) => args,
    addProperty: (o, key, v) => ({ ...(o as object), [String(key)]: v }),
    union: (a, b) => [...(a as Value[]), ...(b as Value[]).filter((x) => !(a as Value[]).some((y) => JSON.stringify(y) === JSON.stringify(x)))],
    toLower: (s) => String(s).toLowerCase(),
    equals: (a, b) => a === b,
  };
  for (const name of ["Evidence_uploads", "Evidence_link", "Responder", "Canonical_body"]) {
    const action = definition.actions[name];
    if (!action) throw new Error(`flow.json has no action ${name}`);
    outputs[name] = resolve(action.inputs, functions);
  }
  const post = definition.actions["Post_to_Social_Value_Ledger"];
  if (!post) throw new Error("flow.json has no action Post_to_Social_Value_Ledger");
  return resolve(post.inputs, functions) as { uri: string; headers: Record<string, string>; body: Value };
}

const upload = JSON.stringify([
  { name: "payroll.pdf", link: "https://contoso.sharepoint.com/sites/sv/Shared%20Documents/Apps/Microsoft%20Forms/Report/Question/payroll.pdf", id: "01ABC", type: null, size: 162075, referenceId: "01DEF", driveId: "b!fake", status: 1, uploadSessionUrl: null },
]);
const figures = (overrides: Record<string, string>): Record<string, string> => ({
  responder: "jo@supplier.example",
  submitDate: "11/20/2026 10:15:00 AM",
  [q("QID_SUPPLIER")]: "Acme Build Ltd",
  [q("QID_CONTRACT_REF")]: "C-1001",
  [q("QID_MEASURE_CODE")]: "NT1",
  [q("QID_QUANTITY")]: "2.5",
  [q("QID_PERIOD_START")]: "2026-07-01",
  [q("QID_PERIOD_END")]: "2026-09-30",
  [q("QID_DESCRIPTION")]: "Two local apprentices",
  [q("QID_EVIDENCE_FOR")]: "",
  [q("QID_EVIDENCE_UPLOAD")]: upload,
  [q("QID_EVIDENCE_LINK")]: "",
  ...overrides,
});

const cases: { name: string; response: Record<string, string>; expect: "contribution" | "evidence" | "refused"; responder?: string }[] = [
  { name: "new figures with an upload (signed-in responder)", response: figures({}), expect: "contribution", responder: "jo@supplier.example" },
  {
    name: "evidence for earlier figures, pasted link, anonymous form",
    response: {
      responder: "anonymous",
      submitDate: "11/21/2026 3:05:00 PM",
      [q("QID_YOUR_EMAIL")]: " jo@supplier.example ",
      [q("QID_SUPPLIER")]: "Acme Build Ltd",
      [q("QID_CONTRACT_REF")]: "C-1001",
      [q("QID_MEASURE_CODE")]: "",
      [q("QID_QUANTITY")]: "",
      [q("QID_PERIOD_START")]: "",
      [q("QID_PERIOD_END")]: "",
      [q("QID_DESCRIPTION")]: "",
      [q("QID_EVIDENCE_FOR")]: "SV-7K3Q9M2D",
      [q("QID_EVIDENCE_LINK")]: "https://contoso.sharepoint.com/:f:/s/sv/abc",
    },
    expect: "evidence",
    responder: "jo@supplier.example",
  },
  { name: "a quantity written with a comma is refused with a reason", response: figures({ [q("QID_QUANTITY")]: "2,5" }), expect: "refused" },
  { name: "no evidence at all on new figures is fine", response: figures({ [q("QID_EVIDENCE_UPLOAD")]: "" }), expect: "contribution" },
];

let failures = 0;
for (const c of cases) {
  const request = runFlow(c.response);
  const parsed = parseSubmission(request.body);
  const got = parsed.ok ? parsed.submission.kind : "refused";
  const responderOk = !c.responder || (parsed.ok && parsed.submission.responder === c.responder);
  const headersOk = request.headers["x-functions-key"] === "function-key" && request.headers["x-ingest-secret"] === "ingest-secret";
  const uriOk = request.uri === "https://func-svl-example.azurewebsites.net/api/forms/responses";
  const ok = got === c.expect && responderOk && headersOk && uriOk;
  if (!ok) failures++;
  process.stdout.write(`${ok ? "ok  " : "FAIL"} ${c.name}: ${got}${parsed.ok ? "" : ` (${parsed.problems.map((p) => `${p.path.join(".")}: ${p.message}`).join("; ")})`}\n`);
  if (!ok) process.stdout.write(`     body ${JSON.stringify(request.body)}\n`);
}
process.exit(failures === 0 ? 0 : 1);
