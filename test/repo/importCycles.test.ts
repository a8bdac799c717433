import path from "node:path";
import ts from "typescript";

/*
 * No import cycles anywhere in the repository, type-only imports included: a cycle is a knot a
 * reader has to untie in their head, whether or not it survives compilation. The graph is built
 * with the TypeScript compiler's own parser and module resolution (no extra dependency, and it
 * sees exactly the files and imports tsc sees), then searched for strongly connected components.
 */

const ROOT = path.resolve(__dirname, "../..");

function projectFiles(): { files: string[]; options: ts.CompilerOptions } {
  const configPath = path.join(ROOT, "tsconfig.json");
  const config = ts.readConfigFile(configPath, (p) => ts.sys.readFile(p));
  if (config.error) throw new Error(ts.flattenDiagnosticMessageText(config.error.messageText, "\n"));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  return { files: parsed.fileNames.map((f) => path.resolve(f)), options: parsed.options };
}

/** Each project file's imports (static, type-only, dynamic and require) that resolve to another project file. */
function importGraph(files: readonly string[], options: ts.CompilerOptions): Map<string, string[]> {
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = ts.sys.readFile(file) ?? "";
    const { importedFiles } = ts.preProcessFile(text, true, true);
    const targets = new Set<string>();
    for (const { fileName } of importedFiles) {
      const resolved = ts.resolveModuleName(fileName, file, options, ts.sys).resolvedModule?.resolvedFileName;
      if (resolved && known.has(path.resolve(resolved))) targets.add(path.resolve(resolved));
    }
    graph.set(file, [...targets]);
  }
  return graph;
}

/** Tarjan's algorithm: the groups of files that import each other, directly or round a loop (self-imports included). */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) as number, index.get(next) as number));
      }
    }
    if (low.get(node) === index.get(node)) {
      const group: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        group.push(member);
      } while (member !== node);
      if (group.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(group.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

describe("import cycles", () => {
  test("the checker finds a loop of three files and a file importing itself, and nothing in a chain", () => {
    const graph = new Map([
      ["a", ["b"]],
      ["b", ["c"]],
      ["c", ["a", "d"]],
      ["d", ["e"]],
      ["e", []],
      ["f", ["f"]],
    ]);
    expect(cycles(graph)).toEqual(expect.arrayContaining([["a", "b", "c"], ["f"]]));
    expect(cycles(graph)).toHaveLength(2);
  });

  test("no file of the repository is part of an import cycle", () => {
    const { files, options } = projectFiles();
    const graph = importGraph(files, options);
    // The graph must really see the imports, or "no cycles" would prove nothing.
    expect(graph.get(path.join(ROOT, "api/src/app/register.ts"))).toContain(path.join(ROOT, "api/src/app/routes.ts"));
    const found = cycles(graph).map((group) => group.map((f) => path.relative(ROOT, f)).join(" <-> "));
    expect(found).toEqual([]);
  });
});
