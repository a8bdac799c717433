import { existsSync, mkdtempSync, promises as fs, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { AxeResults, Result } from "axe-core";
import { chromium } from "playwright-core";
import type { BrowserContext, Page, Route } from "playwright-core";

/** Debian's Chromium (`apt-get install chromium`); playwright cannot download a browser on these machines. */
export const CHROMIUM = process.env.SVL_CHROMIUM ?? "/usr/bin/chromium";

/** docs/TOOLCHAIN.md "Chromium from Debian": headless, no sandbox (containers), and nothing that phones home. */
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Where taskpane.html loads Office.js from; the tests answer from the @microsoft/office-js package instead. */
const OFFICE_JS_CDN = "https://appsforoffice.microsoft.com/lib/1/hosted/";
const OFFICE_JS_PACKAGE = path.resolve(__dirname, "../../../node_modules/@microsoft/office-js/dist");

const CONTENT_TYPES: Record<string, string> = { ".js": "text/javascript; charset=utf-8", ".json": "application/json", ".css": "text/css", ".html": "text/html" };

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Requests refused because they left loopback (and were not Office.js). */
  blocked: string[];
  /** Uncaught exceptions in the page. */
  pageErrors: string[];
  /** console.error messages from the page. */
  consoleErrors: string[];
  close(): Promise<void>;
}

async function officeJsFromPackage(route: Route, url: URL): Promise<void> {
  const file = path.resolve(OFFICE_JS_PACKAGE, url.pathname.slice(new URL(OFFICE_JS_CDN).pathname.length));
  if (!file.startsWith(`${OFFICE_JS_PACKAGE}${path.sep}`) || !existsSync(file)) {
    await route.fulfill({ status: 404, body: "Not in @microsoft/office-js" });
    return;
  }
  await route.fulfill({ status: 200, body: await fs.readFile(file), contentType: CONTENT_TYPES[path.extname(file)] ?? "application/octet-stream" });
}

/**
 * Headless Chromium on a fresh profile, where the page may reach only the given loopback origins
 * and Office.js (served from the npm package); every other request is aborted and recorded.
 */
export async function openBrowser(options: { allowedOrigins: string[]; width: number; height?: number }): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`No Chromium at ${CHROMIUM}. Install Debian's package (apt-get install chromium), as .ci/run does, or set SVL_CHROMIUM.`);
  }
  const profile = mkdtempSync(path.join(os.tmpdir(), "svl-chromium-"));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: options.width, height: options.height ?? 800 },
      locale: "en-GB",
      timezoneId: "Europe/London",
      // Chromium starts in well under a second here; playwright's default would wait three minutes.
      timeout: 30_000,
    });
  } catch (err) {
    rmSync(profile, { recursive: true, force: true });
    throw err;
  }
  const blocked: string[] = [];
  const pageErrors: string[] = [];
  const consoleErrors: string[] = [];
  await context.route("**/*", async (route) => {
    const url = new URL(route.request().url());
    if (options.allowedOrigins.includes(url.origin)) return route.continue();
    if (url.href.startsWith(OFFICE_JS_CDN)) return officeJsFromPackage(route, url);
    blocked.push(url.href);
    return route.abort("blockedbyclient");
  });
  const page = context.pages()[0] ?? (await context.newPage());
  // The local pane answers within a second or two; a step waiting longer is stuck, and must fail while the test has time left.
  page.setDefaultTimeout(10_000);
  page.on("pageerror", (err) => pageErrors.push(err.stack ?? err.message));
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
  return {
    context,
    page,
    blocked,
    pageErrors,
    consoleErrors,
    close: async () => {
      try {
        await context.close();
      } finally {
        rmSync(profile, { recursive: true, force: true });
      }
    },
  };
}

const AXE_SCRIPT = require.resolve("axe-core/axe.min.js");

/** The axe findings that fail the check. */
export type Violation = Pick<Result, "id" | "impact" | "help" | "helpUrl"> & { targets: string[] };

/**
 * Runs axe-core on the page as it is now (hidden panels are skipped by axe) and returns the serious
 * and critical violations. Fluent UI's focus sentinels, `[data-tabster-dummy]`, are excluded: they
 * are invisible, aria-hidden focus traps that axe reports as focusable content inside aria-hidden
 * (microsoft/fluentui#27517, microsoft/tabster#288), not part of what a person meets.
 */
export async function seriousViolations(page: Page): Promise<Violation[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ path: AXE_SCRIPT });
  const results = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<AxeResults> } }).axe;
    return axe.run({ exclude: [["[data-tabster-dummy]"]] }, { resultTypes: ["violations"] });
  });
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl, targets: v.nodes.map((n) => n.target.join(" ")) }));
}
