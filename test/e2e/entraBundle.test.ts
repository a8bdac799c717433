import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT } from "./support/stack";

/*
 * The council's bundle: webpack.config.js built with the Entra settings, as a deployment builds it,
 * into a temporary folder. Local sign-in (the dev/token call, the role form) and the local API's
 * address must not be in its scripts. The local build in dist/ (made by `npm run build` before the
 * end-to-end tests) has all three, which shows the markers looked for are the right ones.
 */

const ENTRA = {
  SVL_AUTH_MODE: "entra",
  SVL_API_BASE_URL: "https://func-svl-example.azurewebsites.net/api",
  SVL_CLIENT_ID: "11111111-2222-4333-8444-555555555555",
  SVL_API_SCOPE: "api://66666666-7777-4888-9999-000000000000/access_as_user",
  ADDIN_BASE_URL: "https://addin.example.gov.uk",
};

/** What only the local sign-in code and the local default put in a bundle. */
const LOCAL_ONLY = ["dev/token", "localhost:7071", "Local sign-in", "Officer and Manager", "does not offer local sign-in"];

/** `webpack --mode production` as a deployment runs it, with the Entra settings, into `outputPath`. */
function buildEntra(outputPath: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, "node_modules", "webpack", "bin", "webpack.js"), "--mode", "production", "--no-devtool", "--output-path", outputPath], {
      cwd: ROOT,
      env: { ...process.env, ...ENTRA },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`the Entra build failed (exit ${code}):\n${output.slice(-4000)}`))));
  });
}

const scripts = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith(".js"))
    .map((f) => ({ file: f, text: readFileSync(path.join(dir, f), "utf8") }));

const found = (dir: string) => scripts(dir).flatMap(({ file, text }) => LOCAL_ONLY.filter((marker) => text.includes(marker)).map((marker) => `${file}: ${marker}`));

let entraDir: string;
beforeAll(async () => {
  entraDir = mkdtempSync(path.join(os.tmpdir(), "svl-entra-bundle-"));
  await buildEntra(entraDir);
}, 300_000);
afterAll(() => rmSync(entraDir, { recursive: true, force: true }));

test("the local build has local sign-in and the local API's address", () => {
  const local = found(path.join(ROOT, "dist")).map((hit) => hit.split(": ")[1]);
  expect(new Set(local)).toEqual(new Set(LOCAL_ONLY));
});

test("the Entra build has neither: no dev/token call, no role form, no localhost:7071 default", () => {
  expect(scripts(entraDir).map((s) => s.file)).toEqual(expect.arrayContaining(["taskpane.js", "functions.js"]));
  expect(found(entraDir)).toEqual([]);
  const taskpane = readFileSync(path.join(entraDir, "taskpane.js"), "utf8");
  expect(taskpane).toContain(ENTRA.SVL_API_BASE_URL);
  expect(taskpane).toContain(ENTRA.SVL_CLIENT_ID);
});
