/** @jest-environment jsdom */
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import { PINNED_PACK_SETTING, packFromRows, parseCsv, readPinnedPack, serialisePinnedPack } from "../../shared";
import { COUNTY_CSV, registerRange } from "../support/messyMeasuresTables";
import { App } from "../../taskpane/App";
import { NOT_IN_EXCEL_MESSAGE, createWorkbookGateway } from "../../taskpane/workbookGateway";
import { BROKEN_MEASURES_TABLE, FakeOffice, MEASURES_TABLE, WorkbookSetup, installFakeOffice } from "./support/fakeOffice";

/**
 * The Packs panel driven as an officer would, over the real workbook gateway and a faked Office.js:
 * what the pane shows, and what ends up in the document.
 */

let office: FakeOffice | undefined;
afterEach(() => office?.uninstall());

const IN_TABLE: WorkbookSetup = {
  selection: { address: "Measures!C4", cellCount: 1 },
  tables: [{ name: "LocalTOMs", address: "Measures!A1:F8", values: MEASURES_TABLE }],
};

const PINNED = packFromRows(MEASURES_TABLE, {
  id: "local-2025",
  name: "Local measures",
  edition: "2025",
  licence: "Licensed to the council",
  source: "The council's social value team",
});

function renderPane(host: "Excel" | null, workbook: WorkbookSetup = IN_TABLE, settings: Record<string, unknown> = {}) {
  office = installFakeOffice(workbook, { settings });
  render(
    <FluentProvider theme={webLightTheme}>
      <App gateway={createWorkbookGateway(host === "Excel" ? Office.HostType.Excel : null)} initialPanelId="packs" />
    </FluentProvider>,
  );
  return office;
}

const button = (name: string | RegExp) => screen.getByRole("button", { name });
const isDisabled = (el: HTMLElement) => el.getAttribute("aria-disabled") === "true" || el.hasAttribute("disabled");
const field = (label: RegExp) => screen.getByLabelText(label) as HTMLInputElement;
const bodyRows = (tableName: string) => within(screen.getByRole("table", { name: tableName })).getAllByRole("row").slice(1);

test("the shell offers the Packs panel in a keyboard-reachable tab list", () => {
  renderPane("Excel");
  const tab = screen.getByRole("tab", { name: "Packs" });
  expect(tab.getAttribute("aria-selected")).toBe("true");
  expect(screen.getByRole("tablist")).toBeTruthy();
  expect(screen.getByRole("tabpanel", { name: "Packs" })).toBeTruthy();
});

test("with nothing pinned, the example pack is in use and said to be illustrative", () => {
  renderPane("Excel");
  expect(screen.getByText("No pack is pinned to this workbook, so the TOMS formulas use the example pack.")).toBeTruthy();
  expect(screen.getByText("Illustrative values, not for real evaluations.")).toBeTruthy();
  expect(screen.getByText("example")).toBeTruthy();
  expect(screen.queryByRole("button", { name: "Use the example pack" })).toBeNull();
});

test("import from selection, preview, then pin: the pack is saved, the functions told, Excel recalculates", async () => {
  const fake = renderPane("Excel");
  fireEvent.click(button("Import from selection"));

  const heading = await screen.findByRole("heading", { name: "Imported from table LocalTOMs (Measures!A1:F8)" });
  await waitFor(() => expect(document.activeElement).toBe(heading));

  // Defaults from the table; the licence is left for the officer, so pinning waits for it.
  expect(field(/^Pack id/).value).toBe("localtoms");
  expect(field(/^Edition/).value).toBe(String(new Date().getFullYear()));
  expect(field(/^Source/).value).toBe("Excel table LocalTOMs (Measures!A1:F8)");
  expect(screen.getByText("say under which licence the values are used")).toBeTruthy();
  expect(isDisabled(button("Pin to this workbook"))).toBe(true);

  // The preview: measures by theme and the first rows.
  expect(screen.getByText("7 measures in 4 themes.")).toBeTruthy();
  expect(bodyRows("Measures by theme").map((r) => r.textContent)).toEqual(["Jobs3", "Growth2", "Social1", "Environment1"]);
  const first = bodyRows("First measures in the pack");
  expect(first).toHaveLength(5);
  expect(first[0]?.textContent).toBe("LJ1Local people employed on the contract (FTE)FTE£21,500.00");
  expect(first[4]?.textContent).toContain("recorded only");
  expect(screen.getByText("and 2 more measures.")).toBeTruthy();

  fireEvent.change(field(/^Pack id/), { target: { value: "local-toms" } });
  fireEvent.change(field(/^Licence/), { target: { value: "CC BY-NC-ND 4.0" } });
  const pin = button("Pin to this workbook");
  expect(isDisabled(pin)).toBe(false);
  fireEvent.click(pin);

  const done = await screen.findByText("Pinned to this workbook.");
  await waitFor(() => expect(document.activeElement).toBe(done.closest('[role="group"]')));
  expect(fake.log).toEqual(["saved", "pinned pack changed", "calculate Full"]);
  const saved = readPinnedPack(fake.settings.saved.get(PINNED_PACK_SETTING));
  expect(saved).toMatchObject({ id: "local-toms", licence: "CC BY-NC-ND 4.0", source: "Excel table LocalTOMs (Measures!A1:F8)", illustrative: false });
  expect(saved?.measures).toHaveLength(7);

  // The pane now shows the pinned pack, not the draft or the example's warning.
  expect(screen.getByText("Pinned")).toBeTruthy();
  expect(screen.getByText("local-toms")).toBeTruthy();
  expect(screen.queryByText("Illustrative values, not for real evaluations.")).toBeNull();
  expect(screen.queryByRole("button", { name: "Pin to this workbook" })).toBeNull();
});

test("an invalid table lists every problem by row and column, and cannot be pinned", async () => {
  const fake = renderPane("Excel", {
    selection: { address: "Measures!B3:G8", cellCount: 36 },
    used: { address: "Measures!B3:G8", values: BROKEN_MEASURES_TABLE },
  });
  fireEvent.click(button("Import from selection"));

  const list = await screen.findByRole("list", { name: "Problems in the selected table" });
  expect(within(list).getAllByRole("listitem").map((li) => li.textContent)).toEqual([
    'row 3, column "Proxy Value (£)": "abc" is not an amount in £',
    'row 4, column "Units": measure LJ3 has no unit',
    'row 5, column "Proxy Value (£)": -0.2 is negative; a proxy value cannot be negative',
    'row 6, column "Ref": duplicate code LJ1 (first on row 2)',
  ]);
  // The shared loaders number rows within the table; the pane says where the table starts.
  expect(screen.getByText("Rows are counted from the top of the selection (row 1), which is row 3 of the worksheet.")).toBeTruthy();
  expect(screen.getByText("4 problems in this table.")).toBeTruthy();
  expect(screen.queryByRole("button", { name: "Pin to this workbook" })).toBeNull();
  expect(screen.queryByLabelText(/^Pack id/)).toBeNull();
  expect(fake.settings.saveCalls).toBe(0);

  fireEvent.click(button("Cancel import"));
  expect(screen.queryByRole("list", { name: "Problems in the selected table" })).toBeNull();
  await waitFor(() => expect(document.activeElement).toBe(button("Import from selection")));
});

test("a council's table imports as published, and the preview lists every row skipped and column not used", async () => {
  const fake = renderPane("Excel", {
    selection: { address: "Measures!A3:G19", cellCount: 119 },
    used: { address: "Measures!A3:G19", values: parseCsv(COUNTY_CSV) },
  });
  fireEvent.click(button("Import from selection"));

  const list = await screen.findByRole("list", { name: "Rows skipped and columns not used" });
  expect(screen.getByText("7 measures in 3 themes.")).toBeTruthy();
  expect(screen.getByText("8 things in this table are not imported as written.")).toBeTruthy();
  const items = within(list).getAllByRole("listitem").map((li) => li.textContent);
  expect(items).toHaveLength(8);
  expect(items[0]).toBe('row 4, column "Evidence required": not used: the pack has no place for this column, so its contents are not imported');
  expect(items).toEqual(
    expect.arrayContaining([
      "row 9: skipped: blank row 9",
      "row 16: skipped: a totals row (measures are listed one by one; the pack adds nothing up)",
      'row 5: skipped: a section heading: the rows below are under theme "Jobs" unless they name one',
    ]),
  );
  expect(screen.getByText("Rows are counted from the top of the selection (row 1), which is row 3 of the worksheet.")).toBeTruthy();

  // Warnings do not stop the pack being pinned.
  fireEvent.change(field(/^Licence/), { target: { value: "Licensed to Northshire" } });
  fireEvent.click(button("Pin to this workbook"));
  await screen.findByText("Pinned to this workbook.");
  expect(readPinnedPack(fake.settings.saved.get(PINNED_PACK_SETTING))?.measures.map((m) => m.code)).toEqual(["NC1", "NC2", "NC3", "NC10", "NC11", "NC12", "NC20"]);
});

test("a register of measures previews its proxy measures as having no £ in the table", async () => {
  renderPane("Excel", { selection: { address: "Register!A1:F9", cellCount: 54 }, used: { address: "Register!A1:F9", values: registerRange() } });
  fireEvent.click(button("Import from selection"));
  const list = await screen.findByRole("list", { name: "Rows skipped and columns not used" });
  expect(within(list).getAllByRole("listitem")[0]?.textContent).toMatch(/^the table gives no £ values, so it is loaded as a register of measures/);
  const first = bodyRows("First measures in the pack");
  expect(first[0]?.textContent).toBe("EB1Local residents employed on the contractFTEproxy, £ not in the table");
  expect(first[2]?.textContent).toContain("face value");
});

test("a pack id the schema refuses is explained at the field, and pinning waits", async () => {
  renderPane("Excel");
  fireEvent.click(button("Import from selection"));
  await screen.findByLabelText(/^Pack id/);
  fireEvent.change(field(/^Licence/), { target: { value: "Ours" } });
  fireEvent.change(field(/^Pack id/), { target: { value: "My Pack" } });
  expect(screen.getByText("a pack id is lower-case letters, digits and dashes, e.g. toms-2025")).toBeTruthy();
  const pin = button("Pin to this workbook");
  expect(isDisabled(pin)).toBe(true);
  expect(document.getElementById(pin.getAttribute("aria-describedby") ?? "")?.textContent).toBe("Complete the fields above to pin this pack.");
});

test("a failed save is shown with Office's reason, and the pack is not shown as pinned", async () => {
  const fake = renderPane("Excel");
  fake.settings.saveFailure = "The document is read-only.";
  fireEvent.click(button("Import from selection"));
  fireEvent.change(await screen.findByLabelText(/^Licence/), { target: { value: "Ours" } });
  fireEvent.click(button("Pin to this workbook"));

  const title = await screen.findByText("Pinning did not finish.");
  const notice = title.closest('[role="group"]') as HTMLElement;
  expect(notice.textContent).toContain("Excel could not save the workbook's settings: The document is read-only.");
  await waitFor(() => expect(document.activeElement).toBe(notice));
  expect(fake.log).toEqual(["save failed"]);
  expect(screen.getByText("No pack is pinned to this workbook, so the TOMS formulas use the example pack.")).toBeTruthy();
  // The draft stays, so the officer can try again once the workbook can be saved.
  expect(button("Pin to this workbook")).toBeTruthy();
});

test("a selection that cannot be read is explained", async () => {
  renderPane("Excel", {
    selection: { address: "Sheet1!A1:M20", cellCount: 260 },
    tables: [
      { name: "Old", address: "Sheet1!A1:F8", values: MEASURES_TABLE },
      { name: "New", address: "Sheet1!H1:M8", values: MEASURES_TABLE },
    ],
  });
  fireEvent.click(button("Import from selection"));
  const title = await screen.findByText("The selection could not be read.");
  expect(title.closest('[role="group"]')?.textContent).toContain("The selection touches 2 tables (Old, New)");
});

test("a pinned pack is described, and 'Use the example pack' unpins it", async () => {
  const fake = renderPane("Excel", IN_TABLE, { [PINNED_PACK_SETTING]: serialisePinnedPack(PINNED) });
  expect(screen.getByText("Pinned")).toBeTruthy();
  for (const text of ["Local measures", "local-2025", "2025", "7 in 4 themes", "Licensed to the council", "The council's social value team"]) {
    expect(screen.getByText(text)).toBeTruthy();
  }
  expect(screen.queryByText("Illustrative values, not for real evaluations.")).toBeNull();

  fireEvent.click(button("Use the example pack"));
  await screen.findByText("The example pack is in use.");
  expect(fake.settings.saved.has(PINNED_PACK_SETTING)).toBe(false);
  expect(fake.log).toEqual(["saved", "pinned pack changed", "calculate Full"]);
  expect(screen.getByText("Illustrative values, not for real evaluations.")).toBeTruthy();
  expect(screen.queryByRole("button", { name: "Use the example pack" })).toBeNull();
});

test("a damaged pinned pack is reported with why, and can be replaced by the example pack", async () => {
  const fake = renderPane("Excel", IN_TABLE, { [PINNED_PACK_SETTING]: "{not json" });
  expect(screen.getByText("The pack pinned to this workbook cannot be read.")).toBeTruthy();
  const why = screen.getByRole("list", { name: "Why the pinned pack cannot be read" });
  expect(why.textContent).toContain("is damaged (not JSON); pin a pack again from the task pane");

  fireEvent.click(button("Use the example pack"));
  await screen.findByText("The example pack is in use.");
  expect(fake.settings.saved.has(PINNED_PACK_SETTING)).toBe(false);
  expect(screen.queryByText("The pack pinned to this workbook cannot be read.")).toBeNull();
});

test("outside Excel the workbook buttons are disabled and say why", () => {
  const fake = renderPane(null);
  const explanation = screen.getByText(NOT_IN_EXCEL_MESSAGE, { exact: false });
  const importButton = button("Import from selection");
  expect(isDisabled(importButton)).toBe(true);
  expect(document.getElementById(importButton.getAttribute("aria-describedby") ?? "")?.textContent).toContain(explanation.textContent);

  fireEvent.click(importButton);
  expect(fake.run).not.toHaveBeenCalled();
  expect(screen.queryByRole("heading", { name: /^Imported from/ })).toBeNull();
  expect(screen.getByText("The TOMS formulas use the example pack until a pack is pinned to a workbook.")).toBeTruthy();
});
