import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { EXAMPLE_PACK, PortfolioViewSchema } from "../../shared";
import type { FrameworkPack, PortfolioView } from "../../shared";
import { openBrowser, seriousViolations } from "./support/browser";
import type { Browser } from "./support/browser";
import { INGEST_SECRET, ROOT, startStack } from "./support/stack";
import type { Stack } from "./support/stack";

/*
 * The portfolio end to end: a council's contracts on the local stack (the example data plus eight
 * contracts valued with a pack of our own, across services and suppliers), the Portfolio panel in
 * the built task pane at 360 and 500 px with axe, and the cabinet report printed to A4 PDF by
 * Chromium, its figures checked against GET /api/portfolio and its pages photographed.
 */

const SCREENSHOTS = path.join(ROOT, "test-results", "e2e");
const WIDTHS = [360, 500] as const;
const OFFICER = "sam.patel@council.example";
// A pack of our own making for the test: the example's measures with other, made-up proxies, not marked illustrative.
const COUNCIL_PACK: FrameworkPack = {
  ...EXAMPLE_PACK,
  id: "council-e2e",
  name: "Council e2e values",
  edition: "2026",
  illustrative: false,
  licence: "Made up for the end-to-end test",
  source: "test/e2e/portfolio.test.ts",
  measures: EXAMPLE_PACK.measures.map((m) => (m.proxy === null ? m : { ...m, proxy: Math.round(m.proxy * 1.1 * 100) / 100 })),
};
const SERVICES = ["Highways", "Adult Social Care", "Waste", "Housing"];

let stack: Stack;
let browser: Browser;
let page: Page;
let officerToken: string;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  stack = await startStack();
  officerToken = await stack.token(["Officer", "Manager"], OFFICER);
  expect((await stack.call("POST", "packs", { token: officerToken, body: COUNCIL_PACK })).status).toBe(201);
  for (let i = 0; i < 8; i++) {
    const id = `C-${2001 + i}`;
    const created = await stack.call("POST", "contracts", {
      token: officerToken,
      body: {
        id,
        title: ["Waste collection", "Home care framework", "Schools rebuild", "Street lighting", "Housing repairs", "Leisure centres", "Fleet maintenance", "Parks grounds"][i],
        buyer: "Example County Council",
        packId: COUNCIL_PACK.id,
        packEdition: COUNCIL_PACK.edition,
        value: (i === 0 ? 40 : 3 + i) * 1_000_000,
        startDate: "2025-04-01",
        endDate: "2028-03-31",
        service: SERVICES[i % SERVICES.length],
        contractManager: { name: "Sam Patel", email: OFFICER },
      },
    });
    expect(created.status).toBe(201);
    // One contract far larger than the rest, as in many councils' portfolios.
    const scale = i === 0 ? 20 : 1;
    const commitments = [
      { measureCode: "J1", quantity: (4 + i) * scale, supplier: `Supplier ${i} Ltd` },
      { measureCode: "J3", quantity: (500 + 100 * i) * scale },
      { measureCode: "E3", quantity: (20 + i) * scale },
    ];
    expect((await stack.call("PUT", `contracts/${id}/commitments`, { token: officerToken, body: { commitments } })).status).toBe(200);
    for (let n = 0; n < 3; n++) {
      const posted = await stack.call("POST", "forms/responses", {
        headers: { "x-ingest-secret": INGEST_SECRET },
        body: {
          formId: "svl-e2e-portfolio",
          responseId: `${id}-${n}`,
          submittedAt: "2026-10-20T10:00:00Z",
          responder: `reports@supplier${i}.example`,
          answers: { contractRef: id, supplier: `Supplier ${i} Ltd`, measureCode: n === 2 ? "J3" : "J1", quantity: String(n === 2 ? 120 : 1 + (i % 3)), periodStart: "2026-04-01", periodEnd: "2026-06-30", evidence: n === 1 ? "" : JSON.stringify([{ name: "payroll.pdf", link: `https://supplier${i}.example/payroll-${n}.pdf` }]) },
        },
      });
      expect(posted.status).toBe(201);
      if (n === 0 && i % 3 !== 2) {
        const ref = posted.body.id as string;
        const etag = (await fetch(`${stack.apiBase}/contributions/${ref}`, { headers: { authorization: `Bearer ${officerToken}` } })).headers.get("etag") ?? "";
        expect((await stack.call("POST", `contributions/${ref}/review`, { token: officerToken, body: { decision: "accept" }, headers: { "if-match": etag } })).status).toBe(200);
      }
    }
  }
  browser = await openBrowser({ allowedOrigins: [stack.webOrigin, new URL(stack.apiBase).origin], width: WIDTHS[0] });
  page = browser.page;
}, 120_000);

afterAll(async () => {
  try {
    await browser?.close();
  } finally {
    await stack?.stop();
  }
}, 30_000);

async function capture(target: Page, name: string): Promise<void> {
  for (const width of WIDTHS) {
    await target.setViewportSize({ width, height: 800 });
    await target.screenshot({ path: path.join(SCREENSHOTS, `${name}-${width}.png`), fullPage: true, animations: "disabled" });
    expect({ panel: name, width, violations: await seriousViolations(target) }).toEqual({ panel: name, width, violations: [] });
  }
  await target.setViewportSize({ width: WIDTHS[0], height: 800 });
}

async function portfolio(groupBy: string): Promise<PortfolioView> {
  const res = await stack.call("GET", `portfolio?groupBy=${groupBy}`, { token: officerToken });
  expect(res.status).toBe(200);
  return PortfolioViewSchema.parse(res.body);
}

test("Portfolio panel: totals, the dominance warning, the chart and a sortable table, grouped as asked", async () => {
  await page.goto(stack.pageUrl);
  await page.getByRole("radio", { name: "Officer and Manager" }).check();
  await page.getByRole("textbox", { name: /^Email/ }).fill(OFFICER);
  await page.getByRole("textbox", { name: /^Name/ }).fill("Sam Patel");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: "Sign out" }).waitFor();

  await page.getByRole("tab", { name: "Portfolio", exact: true }).click();
  const panel = page.getByRole("tabpanel", { name: "Portfolio", exact: true });
  const table = panel.getByRole("table", { name: "Portfolio by contract" });
  await table.waitFor();
  const view = await portfolio("contract");
  const counted = view.rows.filter((r) => !r.illustrative);
  expect(await table.getByRole("row").count()).toBe(counted.length + 1);
  expect(view.dominance).toContainEqual(expect.objectContaining({ by: "contract", key: "C-2001", measure: "committed" }));
  expect(await panel.getByText("One contract dominates.").count()).toBe(view.dominance.filter((d) => d.by === "contract").length);
  expect(await panel.getByRole("img", { name: /Committed, expected and delivered by contract/ }).count()).toBe(1);
  // The example contract is shown apart, never added in.
  expect(await panel.getByRole("table", { name: /example pack/ }).count()).toBe(1);
  await capture(page, "portfolio");

  // Sorting: by name, ascending.
  await table.getByRole("button", { name: /^Contract/ }).click();
  const first = await table.getByRole("row").nth(1).getByRole("cell").first().textContent();
  expect(first).toMatch(/^C-2001/);

  await panel.getByRole("combobox", { name: "Group by" }).selectOption("theme");
  await panel.getByRole("table", { name: "Portfolio by theme" }).waitFor();
  await capture(page, "portfolio-theme");
});

test("the cabinet report prints to A4 in Chromium, its figures are the API's, and it passes axe", async () => {
  const res = await fetch(`${stack.apiBase}/portfolio/report`, { headers: { authorization: `Bearer ${officerToken}` } });
  expect(res.status).toBe(200);
  const html = await res.text();
  const report = await browser.context.newPage();
  try {
    await report.setContent(html);
    const view = await portfolio("contract");
    const shown = await report.$$eval("[data-figure]", (els) => els.map((e) => [e.getAttribute("data-figure"), Number(e.getAttribute("data-pence"))] as const));
    const figures = new Map(shown);
    for (const f of ["committed", "expected", "delivered", "gap", "reported", "overdue", "rejected", "carriedIn"] as const) expect({ f, pence: figures.get(`totals.${f}`) }).toEqual({ f, pence: view.totals[f] });
    const top = view.rows.filter((r) => !r.illustrative).slice(0, 5);
    top.forEach((r, i) => expect(figures.get(`top.${i}.committed`)).toBe(r.committed));
    expect(figures.get("withoutLargest.committed")).toBe(view.largest.contract?.withoutLargest.committed);
    expect(await report.locator("[data-pack]").allTextContents()).toEqual(view.packs);
    expect(await seriousViolations(report)).toEqual([]);

    await report.emulateMedia({ media: "print" });
    const pdf = await report.pdf({ format: "A4", printBackground: true, preferCSSPageSize: true });
    writeFileSync(path.join(SCREENSHOTS, "portfolio-report.pdf"), pdf);
    const pages = (pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) ?? []).length;
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(pages).toBeLessThanOrEqual(4);

    // The print layout photographed page by page: A4 less the @page margins, at 96 px to the inch.
    const pageWidth = Math.round(((210 - 24) / 25.4) * 96);
    const pageHeight = Math.round(((297 - 28) / 25.4) * 96);
    await report.setViewportSize({ width: pageWidth, height: pageHeight });
    const total = await report.evaluate(() => document.documentElement.scrollHeight);
    for (let p = 0; p * pageHeight < total; p++) {
      await report.screenshot({ path: path.join(SCREENSHOTS, `portfolio-report-page-${p + 1}.png`), clip: { x: 0, y: p * pageHeight, width: pageWidth, height: Math.min(pageHeight, total - p * pageHeight) }, fullPage: true });
    }
  } finally {
    await report.close();
  }
});

test("the page raised no errors", () => {
  expect(browser.pageErrors).toEqual([]);
  expect(browser.consoleErrors).toEqual([]);
});
