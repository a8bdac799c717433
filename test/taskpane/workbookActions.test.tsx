/** @jest-environment jsdom */
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import { addDays } from "../../shared";
import { App } from "../../taskpane/App";
import type { Services } from "../../taskpane/services";
import { WorkbookGateway, createWorkbookGateway } from "../../taskpane/workbookGateway";
import { FakeApi, TODAY, contractDetail, contributionDetail, reference } from "./support/fakeApi";
import { FakeWorkbook } from "./support/fakeWorkbook";
import { signedIn, stubLayout } from "./support/renderPane";

/* The pane inside Excel: Sync to workbook from the Contributions panel, and TOMS formulas refreshed after a change. */

let restoreLayout: () => void;
let fake: FakeWorkbook;
let uninstall: () => void;
beforeEach(() => {
  restoreLayout = stubLayout();
  fake = new FakeWorkbook();
  uninstall = fake.install();
});
afterEach(() => {
  uninstall();
  restoreLayout();
});

function ledger(): FakeApi {
  const api = new FakeApi();
  api.contracts = [contractDetail({ commitments: [{ measureCode: "J1", quantity: 10 }] })];
  api.addContributions(
    contributionDetail(1, { measureCode: "J1", quantity: 2, evidenceStatus: "accepted" }),
    contributionDetail(2, { measureCode: "J1", quantity: 1, evidenceStatus: "missing", evidenceDueDate: addDays(TODAY, -10) }),
    contributionDetail(3, { measureCode: "S2", quantity: 5000, evidenceStatus: "submitted", evidenceDueDate: addDays(TODAY, 10) }),
  );
  return api;
}

function renderInExcel(services: Services, gateway: WorkbookGateway) {
  render(
    <FluentProvider theme={webLightTheme}>
      <App gateway={gateway} services={services} />
    </FluentProvider>,
  );
}

async function openContributions() {
  fireEvent.click(await screen.findByRole("radio", { name: /C-1001/ }));
  fireEvent.click(screen.getByRole("tab", { name: "Contributions" }));
  return screen.findByRole("grid", { name: "Contributions to C-1001" });
}

test("Sync to workbook sits with the contract's contributions and writes every one of them, whatever the filters show", async () => {
  const api = ledger();
  renderInExcel(await signedIn(api), createWorkbookGateway(Office.HostType.Excel));
  await openContributions();
  fireEvent.click(screen.getByRole("checkbox", { name: "Overdue only" }));
  expect(screen.getByText(/^Showing 1 of 3/)).toBeTruthy();

  fireEvent.click(await screen.findByRole("button", { name: "Sync to workbook" }));
  expect(await screen.findByText("Synced to the workbook.")).toBeTruthy();
  expect(fake.records("Contributions").map((r) => r.Reference)).toEqual([reference(1), reference(2), reference(3)]);
  // The contract's commitments, loaded with it: J1 10 FTE × £25,000 committed, 2 FTE accepted.
  expect(fake.records("SocialValueByTheme")[0]).toMatchObject({ Theme: "Jobs", "Committed (£)": 250_000, "Delivered (£)": 50_000, "Awaiting evidence (£)": 25_000 });
});

test("a review inside Excel recalculates, so TOMS.DELIVERED and TOMS.OVERDUE ask the API again; a refusal says how to refresh", async () => {
  const api = ledger();
  const recalculateLiveValues = jest
    .fn<Promise<void>, []>()
    .mockResolvedValueOnce(undefined)
    .mockRejectedValueOnce(new Error("Excel could not recalculate the TOMS formulas (Calculation is suspended.). Press Ctrl+Alt+F9 to refresh TOMS.DELIVERED and TOMS.OVERDUE."));
  const gateway: WorkbookGateway = { ...createWorkbookGateway(Office.HostType.Excel), recalculateLiveValues };
  renderInExcel(await signedIn(api), gateway);
  const grid = await openContributions();
  expect(recalculateLiveValues).not.toHaveBeenCalled();

  fireEvent.click(within(grid).getByText(reference(3)));
  const detail = screen.getByRole("region", { name: `Contribution ${reference(3)}` });
  fireEvent.click(await within(detail).findByRole("button", { name: "Accept evidence" }));
  expect(await within(detail).findByText("Evidence accepted.")).toBeTruthy();
  await waitFor(() => expect(recalculateLiveValues).toHaveBeenCalledTimes(1));

  fireEvent.click(within(detail).getByRole("button", { name: "Back to contributions" }));
  fireEvent.click(within(screen.getByRole("grid")).getByText(reference(2)));
  const other = screen.getByRole("region", { name: `Contribution ${reference(2)}` });
  await within(other).findByRole("heading", { name: "Evidence review" });
  // Opening a contribution nobody changed is not a change.
  expect(recalculateLiveValues).toHaveBeenCalledTimes(1);

  api.addContributions(contributionDetail(2, { measureCode: "J1", quantity: 1, evidenceStatus: "submitted", evidenceDueDate: addDays(TODAY, -10) }));
  fireEvent.click(within(other).getByRole("button", { name: "Back to contributions" }));
  fireEvent.click(screen.getByRole("button", { name: "Refresh" }));
  await screen.findByRole("grid");
  fireEvent.click(await within(screen.getByRole("grid")).findByText(reference(2)));
  const again = screen.getByRole("region", { name: `Contribution ${reference(2)}` });
  fireEvent.click(await within(again).findByRole("button", { name: "Accept evidence" }));
  expect(await screen.findByText(/Press Ctrl\+Alt\+F9 to refresh TOMS.DELIVERED and TOMS.OVERDUE\./)).toBeTruthy();
  expect(recalculateLiveValues).toHaveBeenCalledTimes(2);
});
