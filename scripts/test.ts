import { spawn } from "node:child_process";

/*
 * `npm test`. The checks that need nothing built (both type-checks, the lint) run beside the
 * webpack build: each is one process on one core, so on the 2-core build machine the three take
 * about as long as the build alone. Then the unit and integration tests, then the browser tests,
 * which need the build. The first step that fails ends the run with its exit code.
 */

interface Step {
  name: string;
  args: string[];
}

const BESIDE_EACH_OTHER: Step[] = [
  { name: "typecheck", args: ["run", "-s", "typecheck"] },
  { name: "lint", args: ["run", "-s", "lint"] },
  { name: "build", args: ["run", "-s", "build"] },
];
const THEN: Step[] = [
  { name: "unit and integration tests", args: ["run", "-s", "test:unit"] },
  { name: "end-to-end tests", args: ["run", "-s", "test:e2e"] },
];

const npm = process.platform === "win32" ? "npm.cmd" : "npm";

/** Runs a step; `quiet` keeps its output until it ends, so steps side by side do not interleave. */
function run(step: Step, quiet: boolean): Promise<{ step: Step; code: number; output: string; seconds: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(npm, step.args, { stdio: quiet ? ["ignore", "pipe", "pipe"] : "inherit" });
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ step, code: code ?? (signal ? 1 : 0), output, seconds: (performance.now() - started) / 1000 }));
  });
}

async function main(): Promise<number> {
  const first = await Promise.all(BESIDE_EACH_OTHER.map((step) => run(step, true)));
  for (const r of first) {
    console.log(`\n=== ${r.step.name}: ${r.code === 0 ? "passed" : `failed (exit ${r.code})`} in ${r.seconds.toFixed(0)} s`);
    if (r.output.trim()) console.log(r.output.trimEnd());
  }
  const failed = first.find((r) => r.code !== 0);
  if (failed) return failed.code;
  for (const step of THEN) {
    console.log(`\n=== ${step.name}`);
    const r = await run(step, false);
    if (r.code !== 0) return r.code;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
