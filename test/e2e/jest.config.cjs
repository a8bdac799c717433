/**
 * End-to-end tests (`npm run test:e2e`): the built add-in in Debian's Chromium against the local
 * stack. Kept apart from the unit and integration tests for their own time limits, and run after
 * `npm run build`. Two files at a time: each starts its own Azurite, API and browser on free ports,
 * and the Entra bundle's build (one core) runs beside a browser test instead of before it.
 * @type {import('jest').Config}
 */
module.exports = {
  rootDir: "../..",
  roots: ["<rootDir>/test/e2e"],
  testMatch: ["**/*.test.ts"],
  testEnvironment: "node",
  transform: {
    "^.+\\.tsx?$": ["ts-jest", { tsconfig: "tsconfig.json" }],
  },
  // A step of the flow (a panel, its screenshots and its accessibility check) takes a few seconds; a minute means it is stuck.
  testTimeout: 60_000,
  maxWorkers: 2,
};
