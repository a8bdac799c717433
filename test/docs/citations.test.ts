import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

/*
 * The repository stands on its own: every Markdown file that its code, tests, scripts and docs
 * cite is in the repository, so someone who clones it can read what the code relies on. A cited
 * path resolves from the citing file's folder or from the root; a bare file name must be the name
 * of some file in the repository. Web addresses are not citations of files here.
 */

const ROOT = path.resolve(__dirname, "../..");
const SCANNED = /\.(?:ts|tsx|mjs|md)$/;
const WEB_ADDRESS = /\b[a-z][a-z0-9+.-]*:\/\/[^\s)"'`\]>]+/gi;
/** A file name ending in .md, with any path written before it. */
const MARKDOWN_NAME = /(?:[\w.-]+\/)*[\w-][\w.-]*\.md\b/g;

/** The repository's files as git sees them: committed, or new and not ignored. */
function repositoryFiles(): string[] {
  return execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], { cwd: ROOT, encoding: "utf8" })
    .split("\0")
    .filter((file) => file !== "" && existsSync(path.join(ROOT, file)));
}

/** Each Markdown file a text names, with the line it is on. */
function citations(text: string): { line: number; cited: string }[] {
  return text.split("\n").flatMap((line, i) => [...line.replace(WEB_ADDRESS, "").matchAll(MARKDOWN_NAME)].map((m) => ({ line: i + 1, cited: m[0] })));
}

function isInRepository(cited: string, citingFile: string, files: ReadonlySet<string>): boolean {
  if (!cited.includes("/")) return [...files].some((file) => path.posix.basename(file) === cited);
  const fromCitingFolder = path.posix.normalize(path.posix.join(path.posix.dirname(citingFile), cited));
  return files.has(fromCitingFolder) || files.has(path.posix.normalize(cited));
}

describe("citations of Markdown files", () => {
  // Built from parts so that this file does not itself cite a missing document.
  const outside = ["../shared/DESIGN", "md"].join(".");
  const files = new Set(["docs/API-CONTRACT.md", "infra/forms/FORM.md", "api/README.md", "api/src/routes.ts"]);

  test("are found on their lines, whatever the path before them, but not inside web addresses", () => {
    const text = `/** See ${outside} and docs/API-CONTRACT.md. */\n// (FORM${".md"}, step 4), https://example.org/notes/${"GUIDE"}.md`;
    expect(citations(text)).toEqual([
      { line: 1, cited: outside },
      { line: 1, cited: "docs/API-CONTRACT.md" },
      { line: 2, cited: `FORM${".md"}` },
    ]);
  });

  test("resolve from the citing file's folder, from the root, or by file name alone", () => {
    expect(isInRepository("../../docs/API-CONTRACT.md", "infra/forms/FLOW.md", files)).toBe(true);
    expect(isInRepository("docs/API-CONTRACT.md", "api/src/routes.ts", files)).toBe(true);
    expect(isInRepository(["forms/FORM", "md"].join("."), "infra/check.mjs", files)).toBe(true);
    expect(isInRepository(`FORM${".md"}`, "docs/DEPLOY.md", files)).toBe(true);
    expect(isInRepository(outside, "api/src/routes.ts", files)).toBe(false);
    expect(isInRepository(`TOOLCHAIN${".md"}`, "test/e2e/support/browser.ts", files)).toBe(false);
  });

  test("in the repository's code, tests, scripts and docs all name files in the repository", () => {
    const all = repositoryFiles();
    const known = new Set(all);
    const scanned = all.filter((file) => SCANNED.test(file));
    expect(scanned.length).toBeGreaterThan(100);
    const missing = scanned.flatMap((file) =>
      citations(readFileSync(path.join(ROOT, file), "utf8"))
        .filter(({ cited }) => !isInRepository(cited, file, known))
        .map(({ line, cited }) => `${file}:${line} cites ${cited}, which is not in the repository`),
    );
    expect(missing).toEqual([]);
  });
});
