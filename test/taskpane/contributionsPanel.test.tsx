/** @jest-environment jsdom */
import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import { EXAMPLE_PACK, addDays, indexPack } from "../../shared";
import type { ContributionDetail } from "../../shared";
import { createApiClient } from "../../taskpane/apiClient";
import type { Role } from "../../taskpane/auth/AccountManager";
import { formatDate } from "../../taskpane/components/format";
import { ContributionDetailView } from "../../taskpane/panels/contributions/ContributionDetail";
import { FakeApi, TODAY, contributionDetail, fakeToken, reference } from "./support/fakeApi";
import { renderPane, signedIn, stubLayout } from "./support/renderPane";

let restoreLayout: () => void;
beforeEach(() => {
  restoreLayout = stubLayout();
});
afterEach(() => restoreLayout());

const AUDIT_CREATED = { at: "2026-07-02T10:00:00.000Z", actor: "priya@brightway.example", action: "created" as const, detail: "Reported through the form" };

/** Six contributions to C-1001: several suppliers, themes and evidence states, two overdue. */
function sixContributions(): ContributionDetail[] {
  return [
    contributionDetail(1, { supplier: "Acme Build Ltd", measureCode: "J1", quantity: 2, evidenceStatus: "missing", evidenceDueDate: addDays(TODAY, -30) }),
    contributionDetail(2, {
      supplier: "Brightway Civils",
      responder: "priya@brightway.example",
      measureCode: "G1",
      quantity: 250_000,
      evidenceStatus: "submitted",
      evidenceDueDate: addDays(TODAY, 5),
      evidence: [{ name: "Local spend ledger.xlsx", link: "https://share.example/ledger.xlsx" }],
      audit: [AUDIT_CREATED, { at: "2026-08-01T09:30:00.000Z", actor: "priya@brightway.example", action: "evidence-submitted", detail: "1 evidence link" }],
    }),
    contributionDetail(3, { supplier: "Greenleaf Landscapes", measureCode: "E4", quantity: 300, evidenceStatus: "accepted", evidenceDueDate: addDays(TODAY, -60) }),
    contributionDetail(4, { supplier: "Acme  build ltd", measureCode: "S1", quantity: 120, evidenceStatus: "rejected", evidenceDueDate: addDays(TODAY, -2) }),
    contributionDetail(5, { supplier: "Northgate Haulage", measureCode: "G3", quantity: 40, evidenceStatus: "missing", evidenceDueDate: addDays(TODAY, 20) }),
    contributionDetail(6, { supplier: "Brightway Civils", measureCode: "S2", quantity: 5000, evidenceStatus: "submitted", evidenceDueDate: addDays(TODAY, 10) }),
  ];
}

async function openContributions(api: FakeApi, role: Role = "Officer") {
  renderPane(await signedIn(api, role));
  fireEvent.click(await screen.findByRole("radio", { name: /C-1001/ }));
  fireEvent.click(screen.getByRole("tab", { name: "Contributions" }));
  return screen.findByRole("grid", { name: "Contributions to C-1001" });
}

const dataRows = (grid: HTMLElement) => within(grid).getAllByRole("row").filter((r) => r.getAttribute("aria-rowindex") !== "1");
const ids = (grid: HTMLElement) => dataRows(grid).map((r) => /SV-\w{8}/.exec(r.textContent ?? "")?.[0]);
const ref = (...ns: number[]) => ns.map(reference);
const status = () => screen.getByText(/contributions?\.$/, { selector: '[role="status"]' }).textContent;
const choose = (label: string, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });

describe("filters and sorting", () => {
  test("evidence state, supplier (however it is spelled), theme and overdue narrow the grid", async () => {
    const api = new FakeApi();
    api.addContributions(...sixContributions());
    const grid = await openContributions(api);
    expect(status()).toBe("6 contributions.");
    expect(grid.getAttribute("aria-rowcount")).toBe("7");

    choose("Evidence", "submitted");
    expect(ids(grid)).toEqual(ref(2, 6));
    expect(status()).toBe("Showing 2 of 6 contributions.");

    choose("Evidence", "all");
    const suppliers = within(screen.getByLabelText("Supplier")).getAllByRole("option").map((o) => o.textContent);
    expect(suppliers).toEqual(["All suppliers", "Acme Build Ltd", "Brightway Civils", "Greenleaf Landscapes", "Northgate Haulage"]);
    choose("Supplier", "acme build ltd");
    expect(ids(grid)).toEqual(ref(1, 4));

    choose("Supplier", "all");
    choose("Theme", "Growth");
    expect(ids(grid)).toEqual(ref(2, 5));

    choose("Theme", "all");
    fireEvent.click(screen.getByRole("checkbox", { name: "Overdue only" }));
    expect(ids(grid)).toEqual(ref(1, 4));
    expect(dataRows(grid)[0]?.textContent).toContain("30 days overdue");
    expect(grid.getAttribute("aria-rowcount")).toBe("3");

    choose("Evidence", "accepted");
    expect(screen.getByText("No contributions match these filters.")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Clear filters" }));
    expect(status()).toBe("6 contributions.");
  });

  test("column headers sort, and say so with aria-sort", async () => {
    const api = new FakeApi();
    api.addContributions(...sixContributions());
    const grid = await openContributions(api);
    const header = (name: string) => within(grid).getByRole("columnheader", { name: new RegExp(`^${name}`) });

    // Most urgent evidence first by default.
    expect(header("Evidence due").getAttribute("aria-sort")).toBe("ascending");
    expect(ids(grid)).toEqual(ref(3, 1, 4, 2, 6, 5));

    fireEvent.click(within(header("Value")).getByRole("button"));
    expect(header("Value").getAttribute("aria-sort")).toBe("ascending");
    expect(header("Evidence due").getAttribute("aria-sort")).toBe("none");
    // G3 is record-only (no £ value): below every valued contribution.
    expect(ids(grid)).toEqual(ref(5, 4, 3, 6, 2, 1));
    const values = dataRows(grid).map((r) => within(r).getAllByRole("gridcell")[2]?.textContent);
    expect(values).toEqual(["not valued", "£1,920", "£4,500", "£5,000", "£45,000", "£50,000"]);

    fireEvent.click(within(header("Value")).getByRole("button"));
    expect(header("Value").getAttribute("aria-sort")).toBe("descending");
    expect(dataRows(grid).map((r) => within(r).getAllByRole("gridcell")[2]?.textContent)).toEqual(["£50,000", "£45,000", "£5,000", "£4,500", "£1,920", "not valued"]);

    fireEvent.click(within(header("Supplier")).getByRole("button"));
    expect(dataRows(grid).map((r) => within(r).getAllByRole("gridcell")[1]?.textContent)).toEqual([
      "Acme Build Ltd",
      "Acme  build ltd",
      "Brightway Civils",
      "Brightway Civils",
      "Greenleaf Landscapes",
      "Northgate Haulage",
    ]);
  });
});

describe("10,000 contributions", () => {
  test("all pages load, but only the rows in view are in the page; the keyboard reaches the last row", async () => {
    const api = new FakeApi();
    api.addContributions(...Array.from({ length: 10_000 }, (_, i) => contributionDetail(i + 1, { supplier: `Supplier ${i % 40}`, evidenceDueDate: addDays(TODAY, i % 90) })));
    // Hold the fifth page to see the progress the officer sees while the rest loads.
    const fifth = api.hold((r) => r.path === "contributions" && !r.query.has("status") && atob(r.query.get("continuationToken") ?? "").endsWith("|4000"));
    renderPane(await signedIn(api));
    fireEvent.click(await screen.findByRole("radio", { name: /C-1001/ }));
    fireEvent.click(screen.getByRole("tab", { name: "Contributions" }));
    expect(await screen.findByText("4,000 contributions loaded…")).toBeTruthy();
    expect(screen.getByRole("progressbar", { name: "Loading contributions" })).toBeTruthy();
    fifth.release();
    const grid = await screen.findByRole("grid", { name: "Contributions to C-1001" });

    expect(api.requestsTo("GET", "contributions").filter((r) => r.query.get("contractId") === "C-1001" && !r.query.has("status"))).toHaveLength(10);
    expect(status()).toBe("10,000 contributions.");
    expect(grid.getAttribute("aria-rowcount")).toBe("10001");
    const rendered = dataRows(grid);
    // A 520px view holds 10 rows of 52px; with 6 either side that is at most 22 rows in the DOM.
    expect(rendered.length).toBeGreaterThan(5);
    expect(rendered.length).toBeLessThanOrEqual(22);
    expect(rendered[0]?.getAttribute("aria-rowindex")).toBe("2");

    const first = rendered[0] as HTMLElement;
    expect(first.tabIndex).toBe(0);
    expect(rendered.slice(1).every((r) => r.tabIndex === -1)).toBe(true);
    act(() => first.focus());
    fireEvent.keyDown(first, { key: "End" });
    await waitFor(() => expect(document.activeElement?.getAttribute("aria-rowindex")).toBe("10001"));
    expect(dataRows(grid).length).toBeLessThanOrEqual(22);
    fireEvent.keyDown(document.activeElement as HTMLElement, { key: "ArrowUp" });
    await waitFor(() => expect(document.activeElement?.getAttribute("aria-rowindex")).toBe("10000"));

    // Filtering 10,000 rows keeps the window small too.
    fireEvent.change(screen.getByLabelText("Supplier"), { target: { value: "supplier 7" } });
    expect(status()).toBe("Showing 250 of 10,000 contributions.");
    expect(dataRows(grid).length).toBeLessThanOrEqual(22);
  });
});

describe("a contribution and its evidence", () => {
  test("opening a row shows the figures, evidence links that open safely in a new tab, and the audit trail; Back returns to the row", async () => {
    const api = new FakeApi();
    api.addContributions(...sixContributions());
    const grid = await openContributions(api);
    const row = dataRows(grid).find((r) => r.textContent?.includes(reference(2))) as HTMLElement;
    act(() => row.focus());
    fireEvent.keyDown(row, { key: "Enter" });

    const heading = await screen.findByRole("heading", { name: `Contribution ${reference(2)}` });
    await waitFor(() => expect(document.activeElement).toBe(heading));
    const detail = screen.getByRole("region", { name: `Contribution ${reference(2)}` });
    await within(detail).findByText("Local spend ledger.xlsx");
    expect(detail.textContent).toContain("MeasureG1: Spend with local micro, small and medium enterprises");
    expect(detail.textContent).toContain("Value£45,000 (example 2026-illustrative)");
    const link = within(detail).getByRole("link", { name: "Local spend ledger.xlsx" });
    expect(link.getAttribute("href")).toBe("https://share.example/ledger.xlsx");
    expect(link.getAttribute("target")).toBe("_blank");
    expect(link.getAttribute("rel")?.split(" ")).toContain("noopener");
    const audit = within(detail).getByRole("list", { name: "Audit trail, oldest first" });
    expect(within(audit).getAllByRole("listitem").map((li) => li.textContent?.split(",")[0])).toEqual(["Reported", "Evidence sent"]);
    expect(screen.queryByRole("grid")).toBeNull();

    fireEvent.click(within(detail).getByRole("button", { name: "Back to contributions" }));
    await waitFor(() => expect(document.activeElement?.textContent).toContain(reference(2)));
    expect(screen.getByRole("grid", { name: "Contributions to C-1001" })).toBeTruthy();
  });

  async function openRow(api: FakeApi, n: number, role: Role = "Officer") {
    const grid = await openContributions(api, role);
    fireEvent.click(dataRows(grid).find((r) => r.textContent?.includes(reference(n))) as HTMLElement);
    const detail = screen.getByRole("region", { name: `Contribution ${reference(n)}` });
    await within(detail).findByRole("heading", { name: "Evidence review" });
    return detail;
  }

  test("accepting sends the ETag it read, then the row and the contract's totals show it", async () => {
    const api = new FakeApi();
    api.addContributions(...sixContributions());
    const detail = await openRow(api, 2);
    expect(api.requestsTo("GET", `contributions/${reference(2)}`)).toHaveLength(1);
    const totalsLoads = () => api.requestsTo("GET", "contributions").filter((r) => r.query.get("status") === "accepted").length;
    const before = totalsLoads();

    fireEvent.click(within(detail).getByRole("button", { name: "Accept evidence" }));
    expect(await within(detail).findByText("Evidence accepted.")).toBeTruthy();
    expect(api.requestsTo("POST", `contributions/${reference(2)}/review`).map((r) => [r.body, r.headers["if-match"]])).toEqual([[{ decision: "accept" }, 'W/"2"']]);
    expect(api.contribution(reference(2))?.evidenceStatus).toBe("accepted");
    expect(within(detail).getByText("The evidence is accepted; it cannot change any more.")).toBeTruthy();
    expect(within(detail).queryByRole("button", { name: "Accept evidence" })).toBeNull();

    fireEvent.click(within(detail).getByRole("button", { name: "Back to contributions" }));
    const row = dataRows(screen.getByRole("grid")).find((r) => r.textContent?.includes(reference(2)));
    expect(row?.textContent).toContain("accepted");

    // The Contracts panel, kept mounted, has loaded its delivered totals again.
    await waitFor(() => expect(totalsLoads()).toBe(before + 1));
    fireEvent.click(screen.getByRole("tab", { name: "Contracts" }));
    const table = await screen.findByRole("table", { name: "Social value by theme" });
    expect(within(table).getByRole("row", { name: /^Growth/ }).textContent).toBe("Growth£0£45,000");
  });

  test("rejecting needs a reason the supplier will read; none is sent without one", async () => {
    const api = new FakeApi();
    api.addContributions(...sixContributions());
    const detail = await openRow(api, 6);
    fireEvent.click(within(detail).getByRole("button", { name: "Reject evidence…" }));
    const reason = within(detail).getByRole("textbox", { name: /Why is the evidence rejected\?/ });
    await waitFor(() => expect(document.activeElement).toBe(reason));

    fireEvent.click(within(detail).getByRole("button", { name: "Reject evidence" }));
    expect(await within(detail).findByText("Say why the evidence is rejected; the supplier will read it")).toBeTruthy();
    expect(reason.getAttribute("aria-invalid")).toBe("true");
    expect(api.requestsTo("POST", /\/review$/)).toHaveLength(0);

    fireEvent.change(reason, { target: { value: "The receipt does not name the food bank." } });
    fireEvent.click(within(detail).getByRole("button", { name: "Reject evidence" }));
    const done = await within(detail).findByText("Evidence rejected.");
    const due = addDays(TODAY, 30);
    const responder = api.contribution(reference(6))?.responder ?? "";
    expect(done.closest('[role="group"]')?.textContent).toContain(`An email to ${responder} with the reason and the new due date (${formatDate(due)}) is queued; the chase sends it within minutes.`);
    expect(api.contribution(reference(6))).toMatchObject({ evidenceStatus: "rejected", rejectionReason: "The receipt does not name the food bank.", evidenceDueDate: due });
    expect(detail.textContent).toContain("Why rejectedThe receipt does not name the food bank.");
  });

  test("a stale ETag is explained, the contribution is shown as it now is, and nothing is overwritten", async () => {
    const api = new FakeApi();
    api.addContributions(...sixContributions());
    const detail = await openRow(api, 2);

    // Another officer rejects it while this one is looking.
    api.changeContribution(reference(2), (c) => ({
      ...c,
      evidenceStatus: "rejected",
      rejectionReason: "Ledger covers the wrong quarter",
      reviewedBy: "alex.reid@council.example",
      reviewedAt: "2026-08-03T12:00:00.000Z",
      audit: [...c.audit, { at: "2026-08-03T12:00:00.000Z", actor: "alex.reid@council.example", action: "rejected", detail: "Evidence rejected: Ledger covers the wrong quarter." }],
    }));
    fireEvent.click(within(detail).getByRole("button", { name: "Accept evidence" }));

    const title = await within(detail).findByText("Someone else got there first.");
    const notice = title.closest('[role="group"]') as HTMLElement;
    expect(notice.textContent).toContain("Someone else reviewed this first, or the supplier sent new evidence, after you opened it. Your review was not saved.");
    await waitFor(() => expect(document.activeElement).toBe(notice));
    // Rejected elsewhere with no notice recorded: the pane does not claim the supplier was told.
    expect(await within(detail).findByText(/^The evidence was rejected\. New evidence is due by .*No email to the supplier about this rejection is recorded, so please tell them\.$/)).toBeTruthy();
    expect(detail.textContent).toContain("Why rejectedLedger covers the wrong quarter");
    expect(detail.textContent).toContain("by alex.reid@council.example");

    // One attempt, refused; the other officer's review stands.
    expect(api.requestsTo("POST", `contributions/${reference(2)}/review`)).toHaveLength(1);
    expect(api.contribution(reference(2))).toMatchObject({ evidenceStatus: "rejected", reviewedBy: "alex.reid@council.example" });

    // The grid row follows.
    fireEvent.click(within(detail).getByRole("button", { name: "Back to contributions" }));
    expect(dataRows(screen.getByRole("grid")).find((r) => r.textContent?.includes(reference(2)))?.textContent).toContain("rejected");
  });

  test("a review that cannot be sent keeps the officer's choice and offers Retry", async () => {
    const api = new FakeApi();
    api.addContributions(...sixContributions());
    const detail = await openRow(api, 2);
    api.interceptors.push((r) => (r.method === "POST" ? Promise.reject(new TypeError("Failed to fetch")) : undefined));
    fireEvent.click(within(detail).getByRole("button", { name: "Accept evidence" }));
    const title = await within(detail).findByText("The review was not saved.");
    const notice = title.closest('[role="group"]') as HTMLElement;
    expect(notice.textContent).toContain("did not answer at http://localhost:7071/api. Check your connection, then Retry.");
    fireEvent.click(within(notice).getByRole("button", { name: "Retry" }));
    expect(await within(detail).findByText("Evidence accepted.")).toBeTruthy();
  });

  test("without the Officer role the evidence is shown but there are no review buttons", async () => {
    const api = new FakeApi();
    api.addContributions(...sixContributions());
    const manager = createApiClient({ baseUrl: api.baseUrl, getAccessToken: async () => fakeToken(["Manager"]), fetch: api.fetch });
    render(
      <FluentProvider theme={webLightTheme}>
        <ContributionDetailView id={reference(2)} api={manager} pack={indexPack(EXAMPLE_PACK)} canReview={false} onChanged={() => undefined} onOpen={() => undefined} />
      </FluentProvider>,
    );
    expect(await screen.findByText("Evidence is waiting for review. Officers review evidence; your account does not have the Officer role.")).toBeTruthy();
    expect(screen.getByRole("link", { name: "Local spend ledger.xlsx" })).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Accept evidence" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Reject evidence…" })).toBeNull();
  });
});
