import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const DIST = join(__dirname, "..", "..", "dist");

/** A built file; these tests check what `npm run build` made, so a missing file is a failure. */
export function readDist(file: string): string {
  const path = join(DIST, file);
  if (!existsSync(path)) {
    throw new Error(`${path} is missing: run \`npm run build\` first (\`npm test\` builds before running jest).`);
  }
  return readFileSync(path, "utf8");
}

/** The ids of the =TOMS.* functions. Excel stores them in formulas: never rename one silently. */
export const FUNCTION_IDS = [
  "PROXY",
  "VALUE",
  "UNIT",
  "DESCRIPTION",
  "THEME",
  "TOTAL",
  "BYTHEME",
  "MEASURES",
  "RATIO",
  "PV",
  "SCORE",
  "EXPECTED",
  "PACK",
  "WARNINGS",
  "DELIVERED",
  "OVERDUE",
  "KPIRATING",
] as const;
