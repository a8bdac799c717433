import { mkdirSync, readdirSync } from "node:fs";
import path from "node:path";
import type { Locator, Page } from "playwright-core";
import { NOT_IN_EXCEL_MESSAGE } from "../../taskpane/workbookGateway";
import { openBrowser, seriousViolations } from "./support/browser";
import type { Browser } from "./support/browser";
import { INGEST_SECRET, ROOT, startStack } from "./support/stack";
import type { Stack } from "./support/stack";

/*
 * The built task pane in Debian's Chromium against the local stack (Azurite, the API host seeded
 * with the example data, dist/ on a static server): an officer who is also a manager signs in,
 * picks C-1001, rejects late evidence on an overdue contribution, and runs the chase. Each panel
 * is photographed at 360px (a narrow task pane) and 500px into test-results/e2e/ and checked with axe.
 */

const SCREENSHOTS = path.join(ROOT, "test-results", "e2e");
const WIDTHS = [360, 500] as const;
const OFFICER = "sam.patel@council.example";
const REASON = "The payroll extract does not show the two local hires; please send their contracts.";

let stack: Stack;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  stack = await startStack();
  browser = await openBrowser({ allowedOrigins: [stack.webOrigin, new URL(stack.apiBase).origin], width: WIDTHS[0] });
  page = browser.page;
  // A submission the API refuses, so Quarantine has something to show.
  const refused = await stack.call("POST", "forms/responses", {
    headers: { "x-ingest-secret": INGEST_SECRET },
    body: {
      formId: "svl-e2e",
      responseId: 1,
      submittedAt: "11/20/2026 10:15:00 AM",
      responder: "jo@acme.example",
      answers: { contractRef: "C-1001", supplier: "Acme Build Ltd", measureCode: "NT99", quantity: "2,5", periodStart: "2026-07-01", periodEnd: "2026-09-30" },
    },
  });
  expect(refused.status).toBe(400);
}, 60_000);

afterAll(async () => {
  try {
    await browser?.close();
  } finally {
    await stack?.stop();
  }
}, 30_000);

const tab = (name: string) => page.getByRole("tab", { name, exact: true });
const panel = (name: string) => page.getByRole("tabpanel", { name, exact: true });

async function showPanel(name: string): Promise<Locator> {
  await tab(name).click();
  const shown = panel(name);
  await shown.waitFor();
  return shown;
}

/** At each width: a screenshot, and axe on what is on screen (no serious or critical violations). */
async function capture(name: string): Promise<void> {
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 800 });
    // Animations finished (Fluent slides the tab indicator), so the picture is the settled page.
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${width}.png`), fullPage: true, animations: "disabled" });
    expect({ panel: name, width, violations: await seriousViolations(page) }).toEqual({ panel: name, width, violations: [] });
  }
  await page.setViewportSize({ width: WIDTHS[0], height: 800 });
}

const referenceIn = (text: string | null) => /SV-[0-9A-Z]{8}/.exec(text ?? "")?.[0];

test("signs in locally as Officer and Manager; a plain browser is told what needs Excel", async () => {
  await page.goto(stack.pageUrl);
  await page.getByRole("heading", { name: "Sign in" }).waitFor();
  if (!(await page.getByText(/^Local sign-in/).isVisible())) {
    throw new Error("dist/ was built for Entra sign-in (SVL_AUTH_MODE=entra); the end-to-end tests need a local build: run `npm run build` without the SVL_* settings.");
  }
  await expect(page.getByText(NOT_IN_EXCEL_MESSAGE).isVisible()).resolves.toBe(true);
  await capture("sign-in");

  await page.getByRole("radio", { name: "Officer and Manager" }).check();
  await page.getByRole("textbox", { name: /^Email/ }).fill(OFFICER);
  await page.getByRole("textbox", { name: /^Name/ }).fill("Sam Patel");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: "Sign out" }).waitFor();
  expect(await page.getByText(/^Signed in as/).textContent()).toBe(`Signed in as Sam Patel (${OFFICER}) · Officer and Manager`);
});

test("Contracts: picks the example contract C-1001 and shows its social value", async () => {
  const contracts = await showPanel("Contracts");
  await contracts.getByRole("radio", { name: /C-1001/ }).check();
  const table = contracts.getByRole("table", { name: "Social value by theme" });
  await table.waitFor();
  expect(await table.getByRole("row").count()).toBe(7);
  expect(await contracts.textContent()).toContain("3 contributions");
  await capture("contracts");
});

test("Contributions: filters to overdue, opens one whose late evidence has arrived, rejects it with a reason; the API holds the rejection", async () => {
  const contributions = await showPanel("Contributions");
  const grid = contributions.getByRole("grid", { name: "Contributions to C-1001" });
  await grid.waitFor();
  expect(await contributions.getByText(/contributions\.$/).textContent()).toBe("10 contributions.");

  // In a plain browser Sync to workbook is there but unavailable, pointing at the explanation.
  const sync = contributions.getByRole("button", { name: "Sync to workbook" });
  expect(await sync.getAttribute("aria-disabled")).toBe("true");
  expect(await page.locator(`#${await sync.getAttribute("aria-describedby")}`).textContent()).toContain(NOT_IN_EXCEL_MESSAGE);

  // Every contribution: due dates and overdue days whole in the narrow evidence column.
  await capture("contributions-all");

  await contributions.getByRole("checkbox", { name: "Overdue only" }).check();
  expect(await contributions.getByText(/^Showing/).textContent()).toBe("Showing 3 of 10 contributions.");
  await capture("contributions");

  const row = grid.locator('[role="row"][aria-rowindex="2"]');
  const id = referenceIn(await row.textContent());
  if (!id) throw new Error(`No contribution reference in the first overdue row: ${await row.textContent()}`);
  const officerToken = await stack.token(["Officer"]);
  const before = await stack.call("GET", `contributions/${id}`, { token: officerToken });
  expect(["missing", "rejected"]).toContain(before.body.evidenceStatus);

  // The supplier answers the reminder with evidence through the form, as the Forms flow posts it.
  const evidence = await stack.call("POST", "forms/responses", {
    headers: { "x-ingest-secret": INGEST_SECRET },
    body: {
      formId: "svl-e2e",
      responseId: 2,
      submittedAt: new Date().toISOString(),
      responder: before.body.responder,
      answers: { contractRef: "", supplier: "", measureCode: "", quantity: "", periodStart: "", periodEnd: "", evidenceFor: id, evidence: [{ name: "payroll.pdf", link: "https://acme.example/payroll.pdf" }] },
    },
  });
  expect(evidence.status).toBe(201);

  // Opening the row loads the contribution as it is now: evidence waiting for review.
  await row.click();
  const detail = contributions.getByRole("region", { name: `Contribution ${id}` });
  await detail.getByRole("button", { name: "Reject evidence…" }).click();
  await detail.getByRole("textbox", { name: /Why is the evidence rejected\?/ }).fill(REASON);
  await detail.getByRole("button", { name: "Reject evidence", exact: true }).click();
  await detail.getByText("Evidence rejected.").waitFor();
  await capture("contribution-detail");

  const after = await stack.call("GET", `contributions/${id}`, { token: officerToken });
  expect(after.status).toBe(200);
  expect(after.body).toMatchObject({ evidenceStatus: "rejected", rejectionReason: REASON, reviewedBy: OFFICER });
  expect(after.body.audit.at(-1)).toMatchObject({ action: "rejected", actor: OFFICER });
  expect(after.body.audit.at(-1).detail).toContain(REASON);

  await detail.getByRole("button", { name: "Back to contributions" }).click();
  await grid.waitFor();
});

test("Performance: the KPI register with a suggested rating, a guided assessment, its notice, and a failure with its countdown", async () => {
  const officerToken = await stack.token(["Officer"]);
  const kpis = [
    { id: "KPI-1", name: "Local employment", target: "£300,000 of local jobs over the contract", targetValue: 300_000, measureCodes: ["J1"], material: true },
    { id: "KPI-2", name: "Response to defects", target: "95% within 2 hours", material: true },
    { id: "KPI-3", name: "Complaints closed", target: "All within 10 working days", material: true },
  ];
  expect((await stack.call("PUT", "contracts/C-1001/kpis", { token: officerToken, body: { kpis } })).status).toBe(200);
  const performance = await showPanel("Performance");
  await performance.getByRole("heading", { name: "Assess performance" }).waitFor();
  expect(await performance.getByRole("list", { name: "KPIs" }).getByRole("listitem").count()).toBe(3);
  await capture("performance");

  for (const id of ["KPI-1", "KPI-2", "KPI-3"]) {
    const select = performance.getByRole("combobox", { name: new RegExp(`^${id}:`) });
    if ((await select.inputValue()) === "") await select.selectOption("good");
  }
  await performance.getByRole("button", { name: "Record assessment" }).click();
  await performance.getByRole("button", { name: "Preview notice" }).first().click();
  await performance.getByRole("table", { name: /^Notice for/ }).waitFor();

  await performance.getByRole("textbox", { name: "What happened" }).fill("Defect response below target for three months after a warning");
  await performance.getByRole("button", { name: "Record decision" }).click();
  await performance.getByText(/^Notice due by .*: 30 days left$/).waitFor();
  await capture("performance-notice");

  const notices = await stack.call("GET", "contracts/C-1001/assessments", { token: officerToken });
  expect(notices.body.items).toHaveLength(1);
});

test("Quarantine: who sent it and what to correct first, the raw body behind a disclosure; an officer marks it dealt with", async () => {
  const quarantine = await showPanel("Quarantine");
  const item = quarantine.getByRole("list", { name: "Quarantined submissions" }).getByRole("listitem").first();
  await item.waitFor();
  expect(await item.getByRole("heading", { level: 3 }).textContent()).toBe("From Acme Build Ltd");
  expect(await item.textContent()).toContain(`The quantity: "2,5" uses a comma`);
  expect(await item.getByRole("link", { name: "Email the supplier" }).getAttribute("href")).toMatch(/^mailto:jo%40acme\.example\?subject=/);
  await capture("quarantine");
  // The answers as sent, opened as an officer would to see what the supplier typed.
  await item.getByText("Technical details and the answers as sent").click();
  await item.locator("pre").waitFor();
  await capture("quarantine-details");

  await item.getByRole("button", { name: "Mark dealt with" }).click();
  await item.getByRole("textbox").fill("Asked Jo to send it again with 2.5");
  await item.getByRole("button", { name: "Mark dealt with" }).click();
  await item.getByRole("note").waitFor();
  const listed = await stack.call("GET", "quarantine", { token: await stack.token(["Officer"]) });
  expect(listed.body.items[0]).toMatchObject({ supplier: "Acme Build Ltd", responder: "jo@acme.example", resolved: { note: "Asked Jo to send it again with 2.5" } });
});

test("Chase ledger: the Manager runs the chase and sees who was chased", async () => {
  const ledger = await showPanel("Chase ledger");
  await ledger.getByRole("button", { name: "Run the chase now" }).click();
  await ledger.getByText(/^Chase run for/).waitFor();
  const table = ledger.getByRole("table", { name: "Chase ledger" });
  await table.waitFor();
  expect(await table.getByRole("row").count()).toBeGreaterThan(1);
  await capture("chase-ledger");

  const entries = await stack.call("GET", "chase/ledger?contractId=C-1001", { token: await stack.token(["Manager"]) });
  expect(entries.status).toBe(200);
  expect(entries.body.items.length).toBeGreaterThan(0);
  expect(readdirSync(stack.outboxDir).filter((f) => f.endsWith(".eml")).length).toBeGreaterThan(0);
});

test("Packs and Commitments: shown, with the workbook actions unavailable and explained", async () => {
  const packs = await showPanel("Packs");
  await packs.getByText(/Example pack/).first().waitFor();
  await capture("packs");

  const commitments = await showPanel("Commitments");
  const importButton = commitments.getByRole("button", { name: "Import from selection" });
  await importButton.waitFor();
  expect(await importButton.getAttribute("aria-disabled")).toBe("true");
  expect(await importButton.getAttribute("aria-describedby")).toContain("no-workbook-explanation");
  await capture("commitments");
});

test("Crosswalks: a stored crosswalk, and C-1001's accepted delivery in its codes with the codes it does not map", async () => {
  const mappings = [
    { fromPack: "example", fromCode: "J1", toPack: "local-variant", toCode: "LV-EMP-1", factor: 1 },
    { fromPack: "example", fromCode: "J3", toPack: "local-variant", toCode: "LV-EMP-2", factor: 1 },
  ];
  expect((await stack.call("PUT", "crosswalks/local-variant", { token: await stack.token(["Officer"]), body: { name: "Example to local variant", mappings } })).status).toBe(200);
  const crosswalks = await showPanel("Crosswalks");
  await crosswalks.getByRole("table", { name: "Crosswalks in the ledger" }).getByRole("row", { name: /Example to local variant/ }).waitFor();
  await crosswalks.getByRole("button", { name: "Show report" }).click();
  // The pane shows what the API reports: the mapped lines, and the unmapped codes listed (or said to be none).
  const report = await stack.call("GET", "contracts/C-1001/report?crosswalk=local-variant", { token: await stack.token(["Officer"]) });
  expect(report.status).toBe(200);
  const mapped = crosswalks.getByRole("table", { name: /^C-1001 delivered, in the codes of Example to local variant/ });
  await mapped.waitFor();
  expect(await mapped.getByRole("row").count()).toBe(1 + report.body.lines.length);
  if (report.body.unmapped.length > 0) await crosswalks.getByRole("table", { name: /with no mapping in Example to local variant/ }).waitFor();
  else await crosswalks.getByText("Every code delivered on C-1001 is mapped.").waitFor();
  await capture("crosswalks");
});

/** Office.js outside Office opens its telemetry proxy; the page must work with it blocked. */
const OFFICE_TELEMETRY = "telemetryservice.firstpartyapps.oaspapps.com";

test("nothing but Office.js's telemetry tried to leave loopback (and was blocked); the page raised no errors", () => {
  expect(browser.blocked.filter((url) => new URL(url).hostname !== OFFICE_TELEMETRY)).toEqual([]);
  expect(browser.pageErrors).toEqual([]);
  expect(browser.consoleErrors).toEqual([]);
});
