import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { checkManifest } from "./manifest/rules";

/*
 * npm run validate [-- <manifest.xml>]   (default: dist/manifest.xml, the one `npm run build` made)
 *
 * 1. Our offline checks (scripts/manifest/rules.ts), including the built files beside the manifest.
 * 2. Microsoft's validation service, through `office-addin-manifest validate`. It needs the internet;
 *    when it cannot be reached (as on the project's build machines) the report says so plainly, and
 *    the result rests on the offline checks alone.
 * Exit code 1 when either finds a problem.
 */

const ROOT = path.resolve(__dirname, "..");
const SERVICE_TIMEOUT_MS = 60_000;

type ServiceOutcome = { outcome: "passed" | "failed"; output: string } | { outcome: "unreachable"; reason: string };

function microsoftValidation(file: string): ServiceOutcome {
  const cli = path.join(path.dirname(require.resolve("office-addin-manifest")), "..", "cli.js");
  const run = spawnSync(process.execPath, [cli, "validate", file], { encoding: "utf8", timeout: SERVICE_TIMEOUT_MS });
  if (run.error) {
    if ((run.error as NodeJS.ErrnoException).code === "ETIMEDOUT") return { outcome: "unreachable", reason: `no answer within ${SERVICE_TIMEOUT_MS / 1000} s` };
    throw run.error;
  }
  const output = `${run.stdout}${run.stderr}`.trim();
  if (run.status === 0) return { outcome: "passed", output };
  if (output.includes("Unable to contact the manifest validation service")) {
    return { outcome: "unreachable", reason: /reason: (.*)$/m.exec(output)?.[1]?.trim() ?? "no connection" };
  }
  return { outcome: "failed", output };
}

function main(): number {
  const file = path.resolve(process.argv[2] ?? path.join(ROOT, "dist", "manifest.xml"));
  if (!existsSync(file)) {
    console.error(`${path.relative(process.cwd(), file)} does not exist: run \`npm run build\` first (with ADDIN_BASE_URL set for a production manifest).`);
    return 1;
  }
  const dir = path.dirname(file);
  // The files are checked only when the manifest sits with the add-in's built files (dist/).
  const besideBuild = existsSync(path.join(dir, "taskpane.html"));
  const { problems, checked } = checkManifest(readFileSync(file, "utf8"), {
    ...(besideBuild ? { readFile: (relative: string) => (existsSync(path.join(dir, relative)) ? readFileSync(path.join(dir, relative)) : undefined) } : {}),
  });

  const shown = path.relative(process.cwd(), file);
  console.log(`Offline manifest checks of ${shown} (scripts/manifest/rules.ts):`);
  for (const item of checked) console.log(`  - ${item}`);
  if (!besideBuild) console.log("  (built files not checked: the manifest is not beside taskpane.html)");
  if (problems.length > 0) {
    console.error(`${problems.length} problem(s):\n  ${problems.join("\n  ")}`);
  } else {
    console.log("  passed");
  }

  const service = microsoftValidation(file);
  if (service.outcome === "unreachable") {
    console.log(
      `Microsoft's validation service (office-addin-manifest validate) could not be reached (${service.reason}), so it did not run: ` +
        "the result above rests on the offline checks only. Run `npm run validate` where there is internet access before submitting the manifest.",
    );
  } else if (service.outcome === "passed") {
    console.log("Microsoft's validation service (office-addin-manifest validate): passed");
  } else {
    console.error(`Microsoft's validation service (office-addin-manifest validate) refused the manifest:\n${service.output}`);
  }
  return problems.length > 0 || service.outcome === "failed" ? 1 : 0;
}

process.exitCode = main();
