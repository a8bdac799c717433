import js from "@eslint/js";
import tseslint from "typescript-eslint";

/** Each folder is a room: these imports would cross a wall of docs/ARCHITECTURE.md ("The code: folders and their walls"). */
const forbid = (patterns, message) => ({
  "no-restricted-imports": ["error", { patterns: [{ group: patterns, message }] }],
});

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", "api/dist/", ".data/", "coverage/", "test-results/", ".cache/", "*.config.js", "**/*.cjs"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", ignoreRestSiblings: true }],
      "no-empty": ["error", { allowEmptyCatch: false }],
    },
  },
  {
    files: ["shared/**/*.ts"],
    rules: forbid(["../*", "!./*", "@azure/*", "@microsoft/*", "react", "node:*", "fs", "http"], "shared/ is the pure domain core: zod only, no I/O, no Office, no Azure."),
  },
  {
    files: ["functions/**/*.ts"],
    rules: forbid(["**/taskpane/*", "**/api/*", "@azure/*", "node:*"], "functions/ may import shared/ only."),
  },
  {
    files: ["taskpane/**/*.ts", "taskpane/**/*.tsx"],
    rules: forbid(["**/functions/*", "**/api/*", "@azure/functions", "@azure/data-tables", "node:*"], "taskpane/ may import shared/ only."),
  },
  {
    files: ["api/**/*.ts"],
    rules: forbid(["**/functions/*", "**/taskpane/*", "react"], "api/ may import shared/ only."),
  },
);
