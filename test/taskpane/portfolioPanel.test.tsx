/** @jest-environment jsdom */
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { EXAMPLE_PACK, indexPack } from "../../shared";
import type { FrameworkPack, PortfolioContract } from "../../shared";
import { FakeApi, TODAY } from "./support/fakeApi";
import { renderPane, signedIn } from "./support/renderPane";

const REAL: FrameworkPack = { ...EXAMPLE_PACK, id: "council-toms", edition: "2026", illustrative: false };

function contract(id: string, title: string, jobs: number, delivered: number, pack: FrameworkPack = REAL): PortfolioContract {
  return {
    contract: { id, title, startDate: "2025-04-01", endDate: "2028-03-31", packId: pack.id, packEdition: pack.edition, service: "Highways" },
    commitments: [{ measureCode: "J1", quantity: jobs }],
    pack: indexPack(pack),
    totals: { contractId: id, buckets: [{ measureCode: "J1", supplier: "Acme Build Ltd", periodEnd: "2026-06-30", status: "accepted", packId: pack.id, packEdition: pack.edition, count: 1, pence: delivered }], applied: {} },
  };
}

function api(): FakeApi {
  const fake = new FakeApi();
  fake.portfolio = [contract("C-1", "Waste collection", 100, 1_000_000), contract("C-2", "Parks", 10, 2_000_000), contract("C-3", "Libraries", 5, 0), contract("C-9", "Example contract", 3, 0, EXAMPLE_PACK)];
  return fake;
}

const bodyRows = (name: string) => within(screen.getByRole("table", { name })).getAllByRole("row").slice(1);

test("a manager sees the totals, the dominance warning, the chart and the contracts, largest first; example values kept apart", async () => {
  renderPane(await signedIn(api(), "Manager"), "portfolio");
  await screen.findByRole("table", { name: "Portfolio by contract" });
  // C-1 holds most of the committed £, C-2 most of the delivered £.
  expect(screen.getAllByText("One contract dominates.")).toHaveLength(2);
  expect(document.body.textContent).toMatch(/Contract C-1 Waste collection holds 87% of the committed £/);
  expect(screen.getByRole("img", { name: /Committed, expected and delivered by contract/ })).toBeTruthy();
  expect(bodyRows("Portfolio by contract").map((r) => r.textContent?.slice(0, 3))).toEqual(["C-1", "C-2", "C-3"]);
  expect(bodyRows("Valued with the example pack (made-up values, kept apart)")).toHaveLength(1);
  expect(screen.getByText(/are shown apart and never added to real ones/)).toBeTruthy();
});

test("sorting by a column and grouping by theme", async () => {
  const fake = api();
  renderPane(await signedIn(fake, "Manager"), "portfolio");
  await screen.findByRole("table", { name: "Portfolio by contract" });
  fireEvent.click(within(screen.getByRole("table", { name: "Portfolio by contract" })).getByRole("button", { name: /^Delivered/ }));
  expect(bodyRows("Portfolio by contract").map((r) => r.textContent?.slice(0, 3))).toEqual(["C-2", "C-1", "C-3"]);
  fireEvent.change(screen.getByRole("combobox", { name: "Group by" }), { target: { value: "theme" } });
  await screen.findByRole("table", { name: "Portfolio by theme" });
  expect(bodyRows("Portfolio by theme").map((r) => r.textContent)).toEqual([expect.stringMatching(/^Jobs/)]);
  expect(fake.requestsTo("GET", "portfolio").map((r) => r.query.get("groupBy"))).toEqual(["contract", "theme"]);
});

test("outside Excel the Portfolio sheet button is unavailable and points at the explanation", async () => {
  renderPane(await signedIn(api(), "Manager"), "portfolio");
  const button = await screen.findByRole("button", { name: "Sync Portfolio sheet" });
  expect(button.getAttribute("aria-disabled")).toBe("true");
  expect(button.getAttribute("aria-describedby")).toBe("no-workbook-explanation");
});

/** jsdom has no object URLs: each test gives URL its own, and reads the Blob with FileReader as a browser would. */
function stubDownloads() {
  const blobs: Blob[] = [];
  const links: { href: string; download: string }[] = [];
  const revoked: string[] = [];
  Object.assign(URL, {
    createObjectURL: (blob: Blob) => `blob:report-${blobs.push(blob)}`,
    revokeObjectURL: (url: string) => revoked.push(url),
  });
  const click = jest.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
    links.push({ href: this.getAttribute("href") ?? "", download: this.download });
  });
  return { blobs, links, revoked, restore: () => click.mockRestore() };
}

const read = (blob: Blob | undefined) =>
  new Promise<string>((resolve) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.readAsText(blob ?? new Blob([]));
  });

test("the cabinet report is fetched with the sign-in and handed over as an HTML file named for today; its URL is revoked", async () => {
  const fake = api();
  const downloads = stubDownloads();
  renderPane(await signedIn(fake, "Manager"), "portfolio");
  fireEvent.click(await screen.findByRole("button", { name: "Open the cabinet report" }));
  expect(await screen.findByText(`The cabinet report is downloaded as cabinet-report-${TODAY}.html: open it in your browser to read, print or send it.`)).toBeTruthy();
  const [request] = fake.requestsTo("GET", "portfolio/report");
  expect(request?.headers.authorization).toMatch(/^Bearer \S+$/);
  expect(request?.headers.accept).toMatch(/^text\/html/);
  expect(downloads.links).toEqual([{ href: "blob:report-1", download: `cabinet-report-${TODAY}.html` }]);
  expect(downloads.blobs[0]?.type).toBe("text/html");
  expect(await read(downloads.blobs[0])).toMatch(/^<!doctype html>.*<h1>Cabinet report, 2026-10-01<\/h1>/);
  await waitFor(() => expect(downloads.revoked).toEqual(["blob:report-1"]));
  downloads.restore();
});

test("a report the API refuses is explained in the pane's problem notice, and Retry fetches it again", async () => {
  const fake = api();
  const downloads = stubDownloads();
  fake.failNext("GET", "portfolio/report", 503);
  renderPane(await signedIn(fake, "Manager"), "portfolio");
  fireEvent.click(await screen.findByRole("button", { name: "Open the cabinet report" }));
  expect(await screen.findByText("The cabinet report could not be opened.")).toBeTruthy();
  expect(screen.getByText(/could not complete the request \(503\): The ledger's storage cannot be reached just now\./)).toBeTruthy();
  expect(downloads.links).toEqual([]);
  fireEvent.click(screen.getByRole("button", { name: "Retry" }));
  await screen.findByText(/The cabinet report is downloaded as/);
  expect(screen.queryByText("The cabinet report could not be opened.")).toBeNull();
  expect(downloads.links).toHaveLength(1);
  downloads.restore();
});
