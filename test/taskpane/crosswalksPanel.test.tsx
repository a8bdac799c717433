/** @jest-environment jsdom */
import axe from "axe-core";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import type { Contract } from "../../shared";
import { CrosswalksPanel } from "../../taskpane/panels/CrosswalksPanel";
import type { PanelProps } from "../../taskpane/panels/PanelProps";
import type { SelectedTable, WorkbookGateway } from "../../taskpane/workbookGateway";
import { createWorkbookGateway } from "../../taskpane/workbookGateway";
import { FakeApi, contractDetail, contributionDetail } from "./support/fakeApi";
import { localServices } from "./support/renderPane";

jest.setTimeout(20_000);

/** The Crosswalks panel against the in-memory API: the list, importing from a range or a CSV file, and a contract's report in another framework. */

const { commitments: _c, ...CONTRACT } = contractDetail();
const contract: Contract = CONTRACT;

/** Excel with a selection to read, as the gateway gives it. */
function selectionGateway(table: SelectedTable): WorkbookGateway {
  return { ...createWorkbookGateway(null), isInExcel: () => true, readSelectedTable: async () => table };
}

async function renderPanel(api: FakeApi, { selected, gateway = createWorkbookGateway(null) }: { selected: Contract | undefined; gateway?: WorkbookGateway } = { selected: contract }) {
  const services = localServices(api);
  await services.accounts.signInLocal({ role: "Officer", email: "sam.patel@council.example", name: "Sam Patel" });
  const props: PanelProps = {
    gateway,
    api: services.api,
    user: undefined,
    contract: { selected, select: jest.fn() },
    ledger: { version: 0, changed: jest.fn() },
    showPanel: jest.fn(),
  };
  const view = render(
    <FluentProvider theme={webLightTheme}>
      <CrosswalksPanel {...props} />
    </FluentProvider>,
  );
  return { props, container: view.container };
}

const button = (name: string | RegExp) => screen.getByRole("button", { name });

function chooseCsv(name: string, text: string) {
  fireEvent.change(screen.getByLabelText("Or a CSV file"), { target: { files: [new File([text], name, { type: "text/csv" })] } });
}

const rowsOf = (table: HTMLElement) => within(table).getAllByRole("row").slice(1).map((r) => within(r).getAllByRole("cell").map((c) => c.textContent));

async function axeViolations(container: HTMLElement): Promise<string[]> {
  // Colour contrast needs layout, which jsdom has not got.
  const results = await axe.run(container, { rules: { "color-contrast": { enabled: false } } });
  return results.violations.map((v) => `${v.id}: ${v.help}`);
}

test("imports a crosswalk from a CSV file, previews it, stores it with PUT and lists it", async () => {
  const api = new FakeApi();
  const { container } = await renderPanel(api);
  expect(await screen.findByText("No crosswalk is stored yet.")).toBeTruthy();
  chooseCsv("TOMs to SVM.csv", "Crosswalk from our TOMs to the Social Value Model\n\nFrom code,To code,Factor\nJ1,SVM-1.1,1\nJ3,SVM-1.2,0.5\n");
  expect(await screen.findByText("Read from TOMs to SVM.csv")).toBeTruthy();
  // Without pack columns, the rows map from the contract's pack to the To pack named below: until it is named, each row says so.
  expect(screen.getByText("2 problems in this table.")).toBeTruthy();
  expect(screen.getByRole("list", { name: "Problems in the crosswalk table" }).textContent).toContain("To pack");
  fireEvent.change(screen.getByLabelText(/^To pack/), { target: { value: "svm-2025" } });
  expect(rowsOf(screen.getByRole("table", { name: "2 mappings read" }))).toEqual([
    ["example J1", "svm-2025 SVM-1.1", "1"],
    ["example J3", "svm-2025 SVM-1.2", "0.5"],
  ]);
  expect((screen.getByLabelText(/^Crosswalk id/) as HTMLInputElement).value).toBe("toms-to-svm");
  expect((screen.getByLabelText(/^Name/) as HTMLInputElement).value).toBe("TOMs to SVM");
  expect(await axeViolations(container)).toEqual([]);

  fireEvent.click(button("Save crosswalk"));
  expect(await screen.findByText("Crosswalk saved.")).toBeTruthy();
  expect(api.requestsTo("PUT", "crosswalks/toms-to-svm")[0]?.body).toEqual({
    name: "TOMs to SVM",
    mappings: [
      { fromPack: "example", fromCode: "J1", toPack: "svm-2025", toCode: "SVM-1.1", factor: 1 },
      { fromPack: "example", fromCode: "J3", toPack: "svm-2025", toCode: "SVM-1.2", factor: 0.5 },
    ],
  });
  const list = await screen.findByRole("table", { name: "Crosswalks in the ledger" });
  expect(rowsOf(list).map((r) => r.slice(0, 3))).toEqual([["TOMs to SVM", "toms-to-svm", "2"]]);
});

test("imports from the selected range; a table's problems are listed with their rows and nothing can be saved", async () => {
  const api = new FakeApi();
  const table: SelectedTable = {
    address: "Crosswalk!A1:D4",
    tableName: "LocalToToms",
    values: [
      ["From pack", "From code", "To pack", "To code"],
      ["local", "L1", "example", "J1"],
      ["local", "", "example", "J3"],
    ],
  };
  await renderPanel(api, { selected: contract, gateway: selectionGateway(table) });
  await screen.findByText("No crosswalk is stored yet.");
  fireEvent.click(button("Import from selection"));
  expect(await screen.findByText("Read from table LocalToToms (Crosswalk!A1:D4)")).toBeTruthy();
  expect(screen.getByText("1 problem in this table.")).toBeTruthy();
  const problems = screen.getByRole("list", { name: "Problems in the crosswalk table" });
  expect(problems.textContent).toMatch(/row 3.*From code.*a mapping needs the code it maps from/i);
  expect(screen.queryByRole("button", { name: "Save crosswalk" })).toBeNull();
  expect(api.requestsTo("PUT", /^crosswalks\//)).toHaveLength(0);
});

test("a save that fails is shown with the API's reason, and Retry sends it again", async () => {
  const api = new FakeApi();
  await renderPanel(api);
  await screen.findByText("No crosswalk is stored yet.");
  chooseCsv("walk.csv", "From pack,From code,To pack,To code\nexample,J1,svm-2025,SVM-1.1\n");
  await screen.findByText("Read from walk.csv");
  api.failNext("PUT", "crosswalks/walk", 503);
  fireEvent.click(button("Save crosswalk"));
  expect(await screen.findByText("The crosswalk was not saved.")).toBeTruthy();
  expect(screen.getByText(/storage cannot be reached/)).toBeTruthy();
  fireEvent.click(button("Retry"));
  expect(await screen.findByText("Crosswalk saved.")).toBeTruthy();
  expect(api.crosswalks.get("walk")?.mappings).toHaveLength(1);
});

test("an id the API would refuse is caught before saving", async () => {
  await renderPanel(new FakeApi());
  await screen.findByText("No crosswalk is stored yet.");
  chooseCsv("walk.csv", "From pack,From code,To pack,To code\nexample,J1,svm-2025,SVM-1.1\n");
  await screen.findByText("Read from walk.csv");
  fireEvent.change(screen.getByLabelText(/^Crosswalk id/), { target: { value: "Walk One" } });
  expect(screen.getByText("An id is lower-case letters, digits and '-', e.g. toms-to-svm.")).toBeTruthy();
  expect(button("Save crosswalk").getAttribute("aria-disabled")).toBe("true");
});

test("shows the picked contract's delivery in another framework, with the unmapped codes listed", async () => {
  const api = new FakeApi();
  api.crosswalks.set("toms-to-svm", {
    id: "toms-to-svm",
    name: "TOMs to SVM",
    mappings: [{ fromPack: "example", fromCode: "J1", toPack: "svm-2025", toCode: "SVM-1.1", factor: 2 }],
    updatedAt: "2026-11-01T09:00:00.000Z",
    updatedBy: "sam.patel@council.example",
  });
  api.addContributions(
    contributionDetail(1, { measureCode: "J1", quantity: 1, evidenceStatus: "accepted" }),
    contributionDetail(2, { measureCode: "E1", quantity: 3, evidenceStatus: "accepted" }),
    contributionDetail(3, { measureCode: "J1", quantity: 5, evidenceStatus: "missing" }),
  );
  const { container } = await renderPanel(api);
  await screen.findByRole("table", { name: "Crosswalks in the ledger" });
  expect(screen.getByRole("heading", { name: "C-1001 in another framework" })).toBeTruthy();
  fireEvent.click(button("Show report"));
  const lines = await screen.findByRole("table", { name: "C-1001 delivered, in the codes of TOMs to SVM" });
  expect(rowsOf(lines)).toEqual([["svm-2025", "SVM-1.1", "2", "£25,000"]]);
  const unmapped = screen.getByRole("table", { name: "Codes of example with no mapping in TOMs to SVM (listed, not dropped)" });
  expect(rowsOf(unmapped).map((r) => r.slice(0, 3))).toEqual([["example", "E1", "3"]]);
  expect(api.requestsTo("GET", "contracts/C-1001/report")[0]?.query.get("crosswalk")).toBe("toms-to-svm");
  expect(await axeViolations(container)).toEqual([]);
});

test("a report that fails is shown with Retry; an empty report says so", async () => {
  const api = new FakeApi();
  api.crosswalks.set("walk", { id: "walk", name: "Walk", mappings: [], updatedAt: "2026-11-01T09:00:00.000Z", updatedBy: "sam.patel@council.example" });
  await renderPanel(api);
  await screen.findByRole("table", { name: "Crosswalks in the ledger" });
  api.failNext("GET", "contracts/C-1001/report", 503);
  fireEvent.click(button("Show report"));
  expect(await screen.findByText("The report could not be loaded.")).toBeTruthy();
  fireEvent.click(button("Retry"));
  expect(await screen.findByText("Every code delivered on C-1001 is mapped.")).toBeTruthy();
  expect(screen.getByText("Nothing delivered on C-1001 maps through Walk.")).toBeTruthy();
});

test("without a contract picked it offers Contracts; a list that cannot be loaded is shown with Retry", async () => {
  const api = new FakeApi();
  api.failNext("GET", "crosswalks", 503);
  const { props } = await renderPanel(api, { selected: undefined });
  expect(await screen.findByText("The crosswalks could not be loaded.")).toBeTruthy();
  fireEvent.click(button("Retry"));
  fireEvent.click(await screen.findByRole("button", { name: "Go to Contracts" }));
  expect(props.showPanel).toHaveBeenCalledWith("contracts");
  await waitFor(() => expect(screen.getByText("No crosswalk is stored yet.")).toBeTruthy());
});
