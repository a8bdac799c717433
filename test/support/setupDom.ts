/*
 * The task pane's tests render Fluent UI in jsdom, which on a busy 2-core machine can take several
 * seconds for a view that takes milliseconds when the machine is quiet. Testing Library's default
 * wait (1 s) then fails tests that are right; a longer wait changes nothing they assert, only how
 * long a failure takes to report.
 */
if (typeof document !== "undefined") {
  // Only for jsdom test files: the node-environment files have no document and do not need the library.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { configure } = require("@testing-library/dom") as typeof import("@testing-library/dom");
  configure({ asyncUtilTimeout: 10_000 });
}
