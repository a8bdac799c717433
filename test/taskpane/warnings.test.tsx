/** @jest-environment jsdom */
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { addDays } from "../../shared";
import type { ContributionDetail, Warning } from "../../shared";
import { FakeApi, TODAY, contributionDetail, reference } from "./support/fakeApi";
import { renderPane, signedIn, stubLayout } from "./support/renderPane";

let restoreLayout: () => void;
beforeEach(() => {
  restoreLayout = stubLayout();
});
afterEach(() => restoreLayout());

const duplicate = (of: number): Warning => ({
  code: "possible-duplicate",
  message: `Acme Build Ltd already reported 52 × J3 for an overlapping period in 1 contribution: ${reference(of)}`,
  relatedIds: [reference(of)],
});
const tooBig: Warning = { code: "implausible-value", message: "one contribution worth £14,000,000.00 is more than contract C-1001's whole value of £12,000,000.00" };

/** Three contributions to C-1001: the first as reported, the second flagged as its duplicate and implausible, the third plain. */
function flaggedContributions(): ContributionDetail[] {
  const submitted = { evidenceStatus: "submitted" as const, evidenceDueDate: addDays(TODAY, 10), evidence: [{ name: "timesheets.pdf", link: "https://acme.example/timesheets.pdf" }] };
  return [
    contributionDetail(1, { measureCode: "J3", quantity: 52, ...submitted }),
    contributionDetail(2, { measureCode: "J3", quantity: 52, ...submitted, warnings: [duplicate(1), tooBig] }),
    contributionDetail(3, { supplier: "Brightway Civils", measureCode: "S1", quantity: 40, ...submitted }),
  ];
}

async function openContributions(api: FakeApi) {
  renderPane(await signedIn(api, "Officer"));
  fireEvent.click(await screen.findByRole("radio", { name: /C-1001/ }));
  fireEvent.click(screen.getByRole("tab", { name: "Contributions" }));
  return screen.findByRole("grid", { name: "Contributions to C-1001" });
}

const dataRows = (grid: HTMLElement) => within(grid).getAllByRole("row").filter((r) => r.getAttribute("aria-rowindex") !== "1");
const ids = (grid: HTMLElement) => dataRows(grid).map((r) => /SV-\w{8}/.exec(r.textContent ?? "")?.[0]);

async function openRow(api: FakeApi, n: number) {
  const grid = await openContributions(api);
  fireEvent.click(dataRows(grid).find((r) => r.textContent?.includes(reference(n))) as HTMLElement);
  const detail = screen.getByRole("region", { name: `Contribution ${reference(n)}` });
  await within(detail).findByRole("heading", { name: "Evidence review" });
  return detail;
}

describe("the grid", () => {
  test("flags a contribution that needs a look, and the Needs a look filter shows only those", async () => {
    const api = new FakeApi();
    api.addContributions(...flaggedContributions());
    const grid = await openContributions(api);
    const flags = within(grid).getAllByRole("img", { name: /^Needs a look/ });
    expect(flags).toHaveLength(1);
    expect(flags[0]?.getAttribute("aria-label")).toBe(`Needs a look: possible-duplicate (${reference(1)}); implausible-value.`);
    expect(flags[0]?.closest('[role="row"]')?.textContent).toContain(reference(2));

    fireEvent.click(screen.getByRole("checkbox", { name: "Needs a look" }));
    expect(ids(grid)).toEqual([reference(2)]);
    expect(screen.getByText("Showing 1 of 3 contributions.")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Clear filters" }));
    expect(ids(grid)).toHaveLength(3);
  });
});

describe("a flagged contribution", () => {
  test("lists its warnings, and opens the contributions they name", async () => {
    const api = new FakeApi();
    api.addContributions(...flaggedContributions());
    const detail = await openRow(api, 2);
    const section = within(detail).getByRole("region", { name: "Needs a look: 2 warnings" });
    const items = within(section).getAllByRole("listitem").map((li) => li.textContent);
    expect(items[0]).toContain(`Possible duplicate: Acme Build Ltd already reported 52 × J3 for an overlapping period in 1 contribution: ${reference(1)}.`);
    expect(items[1]).toContain("Implausible value: one contribution worth £14,000,000.00");

    fireEvent.click(within(section).getByRole("button", { name: `Open ${reference(1)}` }));
    const other = await screen.findByRole("region", { name: `Contribution ${reference(1)}` });
    await within(other).findByRole("heading", { name: "Evidence review" });
    expect(within(other).queryByRole("region", { name: /^Needs a look/ })).toBeNull();
  });

  test("accepting asks to confirm the warnings: Cancel sends nothing, Accept anyway sends confirmWarnings", async () => {
    const api = new FakeApi();
    api.addContributions(...flaggedContributions());
    const detail = await openRow(api, 2);
    fireEvent.click(within(detail).getByRole("button", { name: "Accept evidence…" }));
    const dialog = await screen.findByRole("dialog", { name: "Accept evidence that needs a look?" }, { timeout: 5000 });
    expect(dialog.textContent).toContain(`${reference(2)} has 2 warnings`);
    expect(dialog.textContent).toContain("Possible duplicate");
    // Fluent hides the surface from the accessibility tree while it opens: wait for its buttons.
    fireEvent.click(await within(dialog).findByRole("button", { name: "Cancel" }, { timeout: 5000 }));
    await waitFor(() => expect(screen.queryByRole("dialog", { hidden: true })).toBeNull(), { timeout: 5000 });
    expect(api.requestsTo("POST", `contributions/${reference(2)}/review`)).toEqual([]);

    fireEvent.click(within(detail).getByRole("button", { name: "Accept evidence…" }));
    fireEvent.click(await screen.findByRole("button", { name: "Accept anyway" }, { timeout: 5000 }));
    expect(await within(detail).findByText("Evidence accepted.")).toBeTruthy();
    expect(api.requestsTo("POST", `contributions/${reference(2)}/review`).map((r) => r.body)).toEqual([{ decision: "accept", confirmWarnings: true }]);
    expect(api.contribution(reference(2))?.warnings).toEqual([]);
    expect(within(detail).queryByRole("region", { name: /^Needs a look/ })).toBeNull();
  });

  test("a contribution without warnings is accepted without a dialog", async () => {
    const api = new FakeApi();
    api.addContributions(...flaggedContributions());
    const detail = await openRow(api, 3);
    fireEvent.click(within(detail).getByRole("button", { name: "Accept evidence" }));
    expect(await within(detail).findByText("Evidence accepted.")).toBeTruthy();
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(api.requestsTo("POST", `contributions/${reference(3)}/review`).map((r) => r.body)).toEqual([{ decision: "accept" }]);
  });

  test("clearing needs a reason, sends the ETag it read, goes into the audit trail and takes the flag off the row", async () => {
    const api = new FakeApi();
    api.addContributions(...flaggedContributions());
    const detail = await openRow(api, 2);
    const section = within(detail).getByRole("region", { name: "Needs a look: 2 warnings" });
    fireEvent.click(within(section).getByRole("button", { name: "Clear warnings…" }));
    fireEvent.click(within(section).getByRole("button", { name: "Clear warnings" }));
    expect(await within(section).findByText(/^Say why the warnings no longer need a look/)).toBeTruthy();
    expect(api.requestsTo("POST", `contributions/${reference(2)}/warnings/clear`)).toEqual([]);

    fireEvent.change(within(section).getByRole("textbox", { name: /Why do these warnings need no more look/ }), { target: { value: "Second placement, payroll checked" } });
    fireEvent.click(within(section).getByRole("button", { name: "Clear warnings" }));
    expect(await within(detail).findByText("Warnings cleared.")).toBeTruthy();
    expect(api.requestsTo("POST", `contributions/${reference(2)}/warnings/clear`).map((r) => [r.body, r.headers["if-match"]])).toEqual([[{ reason: "Second placement, payroll checked" }, 'W/"2"']]);
    const audit = within(detail).getByRole("list", { name: "Audit trail, oldest first" });
    expect(within(audit).getAllByRole("listitem").at(-1)?.textContent).toContain("Warnings cleared");
    expect(within(detail).queryByRole("region", { name: /^Needs a look/ })).toBeNull();
    // Accepting now needs no confirmation.
    expect(within(detail).getByRole("button", { name: "Accept evidence" })).toBeTruthy();

    fireEvent.click(within(detail).getByRole("button", { name: "Back to contributions" }));
    expect(within(screen.getByRole("grid")).queryAllByRole("img", { name: /^Needs a look/ })).toEqual([]);
  });

  test("warnings cleared by someone else meanwhile: the 412 is explained and the contribution shown as it is now", async () => {
    const api = new FakeApi();
    api.addContributions(...flaggedContributions());
    const detail = await openRow(api, 2);
    api.changeContribution(reference(2), (c) => ({ ...c, warnings: [tooBig] }));
    const section = within(detail).getByRole("region", { name: "Needs a look: 2 warnings" });
    fireEvent.click(within(section).getByRole("button", { name: "Clear warnings…" }));
    fireEvent.change(within(section).getByRole("textbox"), { target: { value: "Checked" } });
    fireEvent.click(within(section).getByRole("button", { name: "Clear warnings" }));
    expect((await within(detail).findByText("Someone else got there first.")).parentElement?.textContent).toContain("Your decision was not saved.");
    expect(await within(detail).findByRole("region", { name: "Needs a look: 1 warning" })).toBeTruthy();
  });
});
