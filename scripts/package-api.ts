import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";
import { writeZip } from "./zip";

/*
 * npm run package:api: the Functions app as Azure runs it, in api/dist/package/ (what azure.yaml's
 * `dist` deploys) and zipped as api/dist/api.zip (for `az functionapp deployment source config-zip`).
 *
 *   host.json         api/host.json
 *   package.json      "main": "dist/app.js", no dependencies
 *   dist/app.js       one bundle: api/src/app/register.ts (which registers every route and timer),
 *                     what it imports, shared/ and the npm packages
 *
 * One bundle rather than one per function: the functions share one composition root (one store, one
 * token-key cache), which separate bundles would each build again. @azure/functions is bundled too;
 * only @azure/functions-core stays outside, because the Functions host's Node worker provides it.
 */

const ROOT = path.resolve(__dirname, "..");
const API = path.join(ROOT, "api");
/** The registration module: it loops over the route and timer tables, so it names every function. */
const ENTRY = path.join(API, "src", "app", "register.ts");
/**
 * Left as require() calls in the bundle. @azure/functions-core: the Functions host's Node worker
 * provides it (it is not on npm). supports-color: `debug` (under @azure/identity) tries to require
 * it and does without; a production install does not have it, so neither does the package.
 */
const EXTERNAL = ["@azure/functions-core", "supports-color"];
export const MAIN = "dist/app.js";

export interface PackageResult {
  /** The folder azd deploys. */
  dir: string;
  zip: string;
  /** The module the bundle starts from, relative to the repository root. */
  entry: string;
  bundleBytes: number;
  zipBytes: number;
  /** The project's own source files inside the bundle, relative to the repository root. */
  sources: string[];
  /** npm packages inside the bundle, with their share of it in bytes, largest first. */
  packages: { name: string; bytes: number }[];
}

/** The folder of the npm package a bundled file belongs to, e.g. node_modules/@azure/identity. */
function packageDirOf(input: string): string | undefined {
  return /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1];
}

/**
 * Fails if a package only a devDependency needs made it into the bundle (package-lock.json marks
 * those "dev": true): the deployed app must not depend on tooling.
 */
function checkNoDevPackages(packageDirs: readonly string[]): void {
  // A node_modules elsewhere (api/node_modules, from an `npm install` in api/) would shadow the root's
  // packages for api/src but not for shared/, putting two copies of a package in the bundle.
  const outside = packageDirs.filter((dir) => !dir.startsWith("node_modules/"));
  if (outside.length > 0) throw new Error(`The API bundle took packages from ${outside.join(", ")}. Delete that node_modules folder: the API's packages come from the repository root's.`);
  const lock = JSON.parse(readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { dev?: boolean }> };
  const dev = packageDirs.filter((dir) => lock.packages[dir]?.dev === true);
  if (dev.length > 0) throw new Error(`The API bundle includes development-only packages: ${dev.join(", ")}. Import them from production code only via "dependencies".`);
}

export async function packageApi(options: { outDir?: string } = {}): Promise<PackageResult> {
  const outDir = options.outDir ?? path.join(API, "dist");
  const dir = path.join(outDir, "package");
  const zip = path.join(outDir, "api.zip");
  rmSync(dir, { recursive: true, force: true });
  rmSync(zip, { force: true });
  mkdirSync(dir, { recursive: true });

  const result = await build({
    entryPoints: [ENTRY],
    absWorkingDir: ROOT,
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    external: EXTERNAL,
    tsconfig: path.join(API, "tsconfig.json"),
    outfile: path.join(dir, MAIN),
    // Not minified: stack traces in Application Insights stay readable.
    minify: false,
    legalComments: "eof",
    metafile: true,
    logLevel: "silent",
  });
  // A warning here (a dynamic require esbuild cannot follow, say) means a module may be missing in Azure.
  if (result.warnings.length > 0) {
    throw new Error(`esbuild warned while bundling the API:\n${result.warnings.map((w) => `${w.location?.file ?? ""}:${w.location?.line ?? ""} ${w.text}`).join("\n")}`);
  }

  const bytesByPackage = new Map<string, number>();
  const sources: string[] = [];
  const output = Object.values(result.metafile.outputs)[0];
  if (!output) throw new Error("esbuild wrote no bundle");
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const pkg = packageDirOf(input);
    if (pkg) bytesByPackage.set(pkg, (bytesByPackage.get(pkg) ?? 0) + bytesInOutput);
    else sources.push(input);
  }
  checkNoDevPackages([...bytesByPackage.keys()]);

  const apiPackage = JSON.parse(readFileSync(path.join(API, "package.json"), "utf8")) as { name: string; version: string; description?: string };
  const packageJson = {
    name: apiPackage.name,
    version: apiPackage.version,
    private: true,
    description: "The Social Value Ledger Functions app, bundled by `npm run package:api`. Everything it needs is in dist/app.js.",
    // The Functions host loads the files this matches; it must name the bundle or no function is found.
    main: MAIN,
    engines: { node: ">=22" },
    dependencies: {},
  };
  writeFileSync(path.join(dir, "package.json"), `${JSON.stringify(packageJson, null, 2)}\n`);
  writeFileSync(path.join(dir, "host.json"), readFileSync(path.join(API, "host.json")));

  const files = ["host.json", "package.json", MAIN];
  const archive = writeZip(files.map((name) => ({ name, data: readFileSync(path.join(dir, name)) })));
  writeFileSync(zip, archive);

  return {
    dir,
    zip,
    entry: path.relative(ROOT, ENTRY).split(path.sep).join("/"),
    sources: sources.sort(),
    bundleBytes: output.bytes,
    zipBytes: archive.length,
    packages: [...bytesByPackage]
      .map(([dirName, bytes]) => ({ name: dirName.replace(/^.*node_modules\//, ""), bytes }))
      .sort((a, b) => b.bytes - a.bytes),
  };
}

const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;

async function main(): Promise<void> {
  const started = Date.now();
  const result = await packageApi();
  const rel = (p: string) => path.relative(ROOT, p);
  console.log(`API package: ${rel(result.dir)} (bundle ${MAIN} ${kib(result.bundleBytes)}), ${rel(result.zip)} ${kib(result.zipBytes)}, in ${Date.now() - started} ms`);
  console.log(`Entry: ${result.entry}`);
  console.log(`Largest packages in the bundle: ${result.packages
    .slice(0, 6)
    .map((p) => `${p.name} ${kib(p.bytes)}`)
    .join(", ")}`);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
