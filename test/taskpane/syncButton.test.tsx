/** @jest-environment jsdom */
import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import { EXAMPLE_PACK } from "../../shared";
import type { FrameworkPack } from "../../shared";
import { NO_WORKBOOK_EXPLANATION_ID } from "../../taskpane/components/NoWorkbookNotice";
import { SyncButton } from "../../taskpane/sync/SyncButton";
import type { WorkbookSync } from "../../taskpane/sync/sheetTable";
import { SyncOptions, SyncReport, WorkbookGateway, createWorkbookGateway } from "../../taskpane/workbookGateway";
import { FakeWorkbook } from "./support/fakeWorkbook";
import { COMMITMENTS, CONTRACT, WITH_KPIS, contributions } from "./support/syncData";

const REPORT: SyncReport = {
  rows: 5000,
  kpis: 3,
  created: [],
  ownColumns: ["Officer notes"],
  restoredColumns: [],
  removedRows: 0,
  removedRowsWithOwnValues: 0,
  filtersCleared: false,
  requests: 4,
};

interface Pending {
  sync: WorkbookSync;
  options: SyncOptions | undefined;
  resolve(report: SyncReport): void;
  reject(error: Error): void;
}

/** A gateway whose sync waits for the test to finish it, reporting progress in between. */
function fakeGateway(inExcel = true): { gateway: WorkbookGateway; pending: Pending[] } {
  const pending: Pending[] = [];
  const refuse = () => Promise.reject(new Error("not used here"));
  const gateway: WorkbookGateway = {
    isInExcel: () => inExcel,
    isOfficeThemeDark: () => false,
    readSelectedTable: refuse,
    readPinnedPackSetting: () => undefined,
    pinPack: refuse,
    unpinPack: refuse,
    syncPortfolio: () => Promise.reject(new Error("not used here")),
    syncToWorkbook: (sync, options) => new Promise<SyncReport>((resolve, reject) => pending.push({ sync, options, resolve, reject })),
    recalculateLiveValues: refuse,
  };
  return { gateway, pending };
}

const packs = (getPack: (id: string, edition: string) => Promise<FrameworkPack> = async () => EXAMPLE_PACK) => ({ getPack: jest.fn(getPack) });

const performance = () => ({ getKpis: jest.fn(async () => ({ value: WITH_KPIS.register })), listAssessments: jest.fn(async () => WITH_KPIS.assessments) });

function renderButton(gateway: WorkbookGateway, source = packs(), items = contributions(3), kpis = performance()) {
  render(
    <FluentProvider theme={webLightTheme}>
      <SyncButton gateway={gateway} contract={CONTRACT} contributions={items} commitments={COMMITMENTS} packs={source} performance={kpis} today={() => "2026-09-01"} />
    </FluentProvider>,
  );
  return source;
}

const syncButton = () => screen.getByRole("button", { name: "Sync to workbook" });

test("outside Excel the button is unavailable and points at the explanation", () => {
  const { gateway, pending } = fakeGateway(false);
  renderButton(gateway);
  expect(syncButton().getAttribute("aria-disabled")).toBe("true");
  expect(syncButton().getAttribute("aria-describedby")).toBe(NO_WORKBOOK_EXPLANATION_ID);
  fireEvent.click(syncButton());
  expect(pending).toHaveLength(0);
});

test("loads the contract's pack, shows progress while writing, then what happened", async () => {
  const { gateway, pending } = fakeGateway();
  const source = renderButton(gateway);
  fireEvent.click(syncButton());
  expect(await screen.findByText("Loading the contract's framework pack and KPIs…")).toBeTruthy();
  await waitFor(() => expect(pending).toHaveLength(1));
  expect(source.getPack).toHaveBeenCalledWith("example", "2026-illustrative");
  expect(pending[0]?.sync.contributions.rows).toHaveLength(3);
  expect(pending[0]?.sync.kpis.rows.map((r) => r[0])).toEqual(["KPI-1", "KPI-2", "KPI-3"]);
  expect(syncButton().getAttribute("aria-disabled")).toBe("true");

  act(() => pending[0]?.options?.onProgress?.({ rowsWritten: 0, rowsTotal: 5000 }));
  expect(screen.getByText("Reading the workbook…")).toBeTruthy();
  act(() => pending[0]?.options?.onProgress?.({ rowsWritten: 2500, rowsTotal: 5000 }));
  expect(screen.getByText("Written 2,500 of 5,000 rows…")).toBeTruthy();
  expect(screen.getByRole("progressbar").getAttribute("aria-valuenow")).toBe("0.5");

  await act(async () => pending[0]?.resolve(REPORT));
  const notice = await screen.findByText("Synced to the workbook.");
  expect(screen.queryByRole("progressbar")).toBeNull();
  expect(notice.closest("[tabindex]")?.textContent).toContain("5,000 contributions of contract C-1001 are in the Contributions table");
  expect(notice.closest("[tabindex]")?.textContent).toContain("3 KPIs are on the KPIs sheet.");
  expect(screen.getByText("Your own columns (Officer notes) were kept beside their rows.")).toBeTruthy();
  await waitFor(() => expect(document.activeElement).toBe(notice.closest("[tabindex]")));
});

test("rows deleted with entries in the officer's columns are a warning, saying so", async () => {
  const { gateway, pending } = fakeGateway();
  renderButton(gateway);
  fireEvent.click(syncButton());
  await waitFor(() => expect(pending).toHaveLength(1));
  await act(async () => pending[0]?.resolve({ ...REPORT, removedRows: 2, removedRowsWithOwnValues: 1, filtersCleared: true, restoredColumns: ["Pack"] }));
  expect(await screen.findByText("Removed 2 rows for contributions no longer on this contract.")).toBeTruthy();
  expect(screen.getByText("1 removed row had entries in your own columns; those entries were deleted with it.")).toBeTruthy();
  expect(screen.getByText(/Filters on the Contributions table were cleared/)).toBeTruthy();
  expect(screen.getByText("Put back Pack, at the right of the table.")).toBeTruthy();
});

test("a pack that cannot be loaded is shown, and the workbook is not touched", async () => {
  const { gateway, pending } = fakeGateway();
  renderButton(
    gateway,
    packs(async () => {
      throw new Error("The API could not be reached. Check your connection and try again.");
    }),
  );
  fireEvent.click(syncButton());
  expect(await screen.findByText("The workbook was not synced.")).toBeTruthy();
  expect(screen.getByText(/The API could not be reached/)).toBeTruthy();
  expect(pending).toHaveLength(0);
  expect(syncButton().getAttribute("aria-disabled")).toBeNull();
});

test("KPIs that cannot be loaded are shown, and the workbook is not touched", async () => {
  const { gateway, pending } = fakeGateway();
  const failing = { ...performance(), getKpis: jest.fn(async () => Promise.reject(new Error("You are not allowed to read contract C-1001's KPIs."))) };
  renderButton(gateway, packs(), contributions(3), failing);
  fireEvent.click(syncButton());
  expect(await screen.findByText("The workbook was not synced.")).toBeTruthy();
  expect(screen.getByText(/not allowed to read contract C-1001's KPIs/)).toBeTruthy();
  expect(failing.getKpis).toHaveBeenCalledWith("C-1001");
  expect(pending).toHaveLength(0);
});

test("an Excel failure is shown with its message", async () => {
  const { gateway, pending } = fakeGateway();
  renderButton(gateway);
  fireEvent.click(syncButton());
  await waitFor(() => expect(pending).toHaveLength(1));
  await act(async () => pending[0]?.reject(new Error("Excel could not finish the sync (protected sheet).")));
  expect(await screen.findByText(/Excel could not finish the sync \(protected sheet\)\./)).toBeTruthy();
});

test("with the real gateway, the table lands in the workbook", async () => {
  const fake = new FakeWorkbook();
  const uninstall = fake.install();
  try {
    renderButton(createWorkbookGateway(Office.HostType.Excel), packs(), contributions(12));
    fireEvent.click(syncButton());
    expect(await screen.findByText("Synced to the workbook.")).toBeTruthy();
    expect(fake.records("Contributions")).toHaveLength(12);
    expect(fake.records("KpiRegister").map((r) => r.KPI)).toEqual(["KPI-1", "KPI-2", "KPI-3"]);
    expect(screen.getByText(/^Made the Contributions table on the Contributions sheet/)).toBeTruthy();
  } finally {
    uninstall();
  }
});
