/** @jest-environment jsdom */
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { addDays } from "../../shared";
import { FakeApi, TODAY, contractDetail, contributionDetail } from "./support/fakeApi";
import { renderPane, signedIn } from "./support/renderPane";

/** Contract C-1001 with commitments in three themes and contributions in every evidence state. */
function ledger(): FakeApi {
  const api = new FakeApi();
  api.contracts = [
    contractDetail({
      commitments: [
        { measureCode: "J1", quantity: 10 },
        { measureCode: "G1", quantity: 2_000_000 },
        { measureCode: "E3", quantity: 400 },
      ],
    }),
    contractDetail({ id: "C-2002", title: "School meals", buyer: "Example Borough Council" }),
  ];
  api.addContributions(
    contributionDetail(1, { measureCode: "J3", quantity: 52, evidenceStatus: "accepted" }),
    contributionDetail(2, { measureCode: "E3", quantity: 45, evidenceStatus: "accepted" }),
    contributionDetail(3, { measureCode: "S2", quantity: 5000, evidenceStatus: "submitted" }),
    contributionDetail(4, { measureCode: "J1", quantity: 2, evidenceStatus: "missing", evidenceDueDate: addDays(TODAY, -30) }),
    contributionDetail(5, { measureCode: "G3", quantity: 40, evidenceStatus: "rejected", evidenceDueDate: addDays(TODAY, -1) }),
    contributionDetail(6, { contractId: "C-2002", measureCode: "J1", quantity: 1, evidenceStatus: "accepted" }),
  );
  return api;
}

const rowTexts = (table: HTMLElement) =>
  within(table)
    .getAllByRole("row")
    .slice(1)
    .map((row) =>
      within(row)
        .getAllByRole("cell")
        .map((c) => c.textContent),
    );

test("the officer picks a contract and sees its value, dates, pack, overdue count and committed against delivered by theme", async () => {
  const api = ledger();
  renderPane(await signedIn(api));

  expect(screen.getByRole("tab", { name: "Contracts" }).getAttribute("aria-selected")).toBe("true");
  const picker = await screen.findByRole("radiogroup", { name: "Contracts" });
  expect(within(picker).getAllByRole("radio")).toHaveLength(2);
  fireEvent.click(within(picker).getByRole("radio", { name: /C-1001/ }));

  const table = await screen.findByRole("table", { name: "Social value by theme" });
  // Example pack: J1 £25,000/FTE, G1 £0.18/£, E3 £95/tonne, J3 £240/week. Delivered = accepted only.
  expect(rowTexts(table)).toEqual([
    ["Jobs", "£250,000", "£12,480"],
    ["Growth", "£360,000", "£0"],
    ["Social", "£0", "£0"],
    ["Environment", "£38,000", "£4,275"],
    ["Innovation", "£0", "£0"],
    ["Total", "£648,000", "£16,755"],
  ]);
  const section = screen.getByRole("region", { name: "C-1001: Highways maintenance and minor works" });
  expect(section.textContent).toContain("Contract value£12,000,000");
  expect(section.textContent).toContain("Runs1 Jan 2026 to 31 Dec 2028");
  expect(section.textContent).toContain("Example pack (illustrative values only) (example, edition 2026-illustrative)");
  expect(section.textContent).toContain("Overdue evidence2 contributions");
  expect(within(section).getByText("Illustrative values.")).toBeTruthy();
  expect(section.textContent).toContain("So far £16,755 of £648,000 committed (2.6%), which is 0.1% of the contract value.");

  // Totals come from the contract's own accepted contributions and its pinned pack.
  expect(api.requestsTo("GET", "contributions").map((r) => Object.fromEntries(r.query))).toEqual([{ contractId: "C-1001", status: "accepted", pageSize: "1000" }]);
  expect(api.requestsTo("POST", "values/batch").map((r) => r.body)).toEqual([{ queries: [{ kind: "overdue", contract: "C-1001" }] }]);
});

test("the picked contract is what the Contributions panel shows", async () => {
  const api = ledger();
  renderPane(await signedIn(api));
  fireEvent.click(await screen.findByRole("radio", { name: /C-2002/ }));
  fireEvent.click(screen.getByRole("tab", { name: "Contributions" }));
  expect(await screen.findByRole("heading", { name: "Contributions to C-2002" })).toBeTruthy();
  await screen.findByRole("grid", { name: "Contributions to C-2002" });
  expect(screen.getByRole("status").textContent).toBe("1 contribution.");
});

test("before a contract is picked, Contributions offers the way to Contracts", async () => {
  const api = ledger();
  renderPane(await signedIn(api), "contributions");
  fireEvent.click(await screen.findByRole("button", { name: "Choose a contract" }));
  expect(screen.getByRole("tab", { name: "Contracts" }).getAttribute("aria-selected")).toBe("true");
  expect(await screen.findByRole("radiogroup", { name: "Contracts" })).toBeTruthy();
});

test("a failed load is explained with a Retry that loads again", async () => {
  const api = ledger();
  api.failNext("GET", "contracts", 503);
  renderPane(await signedIn(api));
  const title = await screen.findByText("The contracts could not be loaded.");
  const notice = title.closest('[role="group"]') as HTMLElement;
  expect(notice.textContent).toContain("could not complete the request (503): The ledger's storage cannot be reached just now.");
  fireEvent.click(within(notice).getByRole("button", { name: "Retry" }));
  expect(await screen.findByRole("radiogroup", { name: "Contracts" })).toBeTruthy();
  expect(screen.queryByText("The contracts could not be loaded.")).toBeNull();
});

test("a contract whose totals cannot be loaded says so, and Retry tries again", async () => {
  const api = ledger();
  renderPane(await signedIn(api));
  api.failNext("GET", /^contracts\/C-1001$/, 404, "not-found", "There is no contract C-1001.");
  fireEvent.click(await screen.findByRole("radio", { name: /C-1001/ }));
  const title = await screen.findByText("Contract C-1001 could not be loaded.");
  expect(title.closest('[role="group"]')?.textContent).toContain("There is no contract C-1001.");
  fireEvent.click(within(title.closest('[role="group"]') as HTMLElement).getByRole("button", { name: "Retry" }));
  await waitFor(() => expect(screen.getByRole("table", { name: "Social value by theme" })).toBeTruthy());
});
