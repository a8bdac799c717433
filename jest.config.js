/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts", "**/*.test.tsx"],
  // The browser tests have their own config, time limits and command (npm run test:e2e, after the build).
  testPathIgnorePatterns: ["/node_modules/", "<rootDir>/test/e2e/"],
  // One in-memory Azurite on a free loopback port for the API's integration tests, stopped after the run.
  globalSetup: "<rootDir>/test/support/globalSetup.ts",
  globalTeardown: "<rootDir>/test/support/globalTeardown.ts",
  setupFilesAfterEnv: ["<rootDir>/test/support/setupDom.ts"],
  // No unit test may take longer than this on the 2-core build machine (files with storage or builds
  // in their hooks set their own limit); size and speed are measured in bench/ instead.
  testTimeout: 30_000,
  // Jest's default is one worker per core less one: on the 2-core build machine that is one, and the
  // suite ran in 200 s; two workers (Azurite stays in the main process) take it to about 120 s.
  maxWorkers: 2,
  transform: {
    "^.+\\.tsx?$": ["ts-jest", { tsconfig: "tsconfig.json" }],
  },
  // office-addin-mock -> office-addin-manifest -> an ESM-only module jest cannot require on Node 20;
  // the mock only uses the OfficeApp enum.
  moduleNameMapper: {
    "^office-addin-manifest$": "<rootDir>/node_modules/office-addin-manifest/lib/officeApp.js",
  },
};
