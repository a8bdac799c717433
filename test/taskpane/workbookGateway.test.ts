/** @jest-environment jsdom */
import { EXAMPLE_PACK, PINNED_PACK_SETTING, ValidationError, packFromRows, readPinnedPack, serialisePinnedPack } from "../../shared";
import { NOT_IN_EXCEL_MESSAGE, connectToWorkbook, createWorkbookGateway } from "../../taskpane/workbookGateway";
import { FakeOffice, MEASURES_TABLE, WorkbookSetup, installFakeOffice } from "./support/fakeOffice";

let office: FakeOffice | undefined;
afterEach(() => office?.uninstall());

function install(workbook: WorkbookSetup, options?: Parameters<typeof installFakeOffice>[1]): FakeOffice {
  office = installFakeOffice(workbook, options);
  return office;
}

const IMPORTED = packFromRows(MEASURES_TABLE, { id: "local-2025", name: "Local measures", edition: "2025", licence: "Ours", source: "Us" });

describe("readSelectedTable", () => {
  test("reads the whole Excel table the selection is in, in two syncs", async () => {
    const fake = install({
      selection: { address: "Measures!C4", cellCount: 1 },
      tables: [{ name: "LocalTOMs", address: "Measures!A1:F8", values: MEASURES_TABLE }],
    });
    const table = await createWorkbookGateway(Office.HostType.Excel).readSelectedTable();
    expect(table).toEqual({ address: "Measures!A1:F8", tableName: "LocalTOMs", values: MEASURES_TABLE });
    expect(fake.tableLoads).toEqual(["items/name"]);
    expect(fake.run).toHaveBeenCalledTimes(1);
    expect(fake.sync).toHaveBeenCalledTimes(2);
  });

  test("outside a table, a single selected cell stands for the block of cells around it", async () => {
    const fake = install({
      selection: { address: "Sheet1!B2", cellCount: 1 },
      region: { address: "Sheet1!A1:F8", values: MEASURES_TABLE },
    });
    const table = await createWorkbookGateway(Office.HostType.Excel).readSelectedTable();
    expect(table).toEqual({ address: "Sheet1!A1:F8", values: MEASURES_TABLE });
    expect(fake.sync).toHaveBeenCalledTimes(2);
  });

  test("outside a table, a larger selection is trimmed to the cells that hold values", async () => {
    const fake = install({
      selection: { address: "Sheet1!A:F", cellCount: 6 * 1048576 },
      used: { address: "Sheet1!A1:F8", values: MEASURES_TABLE },
    });
    const table = await createWorkbookGateway(Office.HostType.Excel).readSelectedTable();
    expect(table).toEqual({ address: "Sheet1!A1:F8", values: MEASURES_TABLE });
    expect(fake.sync).toHaveBeenCalledTimes(2);
  });

  test("an empty selection is refused with where it was", async () => {
    install({ selection: { address: "Sheet1!H1:K9", cellCount: 36 }, used: null });
    await expect(createWorkbookGateway(Office.HostType.Excel).readSelectedTable()).rejects.toThrow(
      "The selected cells (Sheet1!H1:K9) are empty",
    );
  });

  test("a selection across two tables is refused, naming both", async () => {
    install({
      selection: { address: "Sheet1!A1:M20", cellCount: 260 },
      tables: [
        { name: "Old", address: "Sheet1!A1:F8", values: MEASURES_TABLE },
        { name: "New", address: "Sheet1!H1:M8", values: MEASURES_TABLE },
      ],
    });
    await expect(createWorkbookGateway(Office.HostType.Excel).readSelectedTable()).rejects.toThrow(
      "The selection touches 2 tables (Old, New)",
    );
  });
});

describe("pinPack", () => {
  test("saves the pack in the document, tells the custom functions, then recalculates", async () => {
    const fake = install({ selection: { address: "A1", cellCount: 1 } });
    await createWorkbookGateway(Office.HostType.Excel).pinPack(IMPORTED);

    expect(readPinnedPack(fake.settings.saved.get(PINNED_PACK_SETTING))).toEqual(IMPORTED);
    expect(fake.log).toEqual(["saved", "pinned pack changed", "calculate Full"]);
    expect(fake.calculate).toHaveBeenCalledWith("Full");
    expect(fake.sync).toHaveBeenCalledTimes(1);
  });

  test("a failed save is reported with Office's reason; nothing is announced or recalculated", async () => {
    const fake = install(
      { selection: { address: "A1", cellCount: 1 } },
      { settings: { [PINNED_PACK_SETTING]: serialisePinnedPack(EXAMPLE_PACK) } },
    );
    fake.settings.saveFailure = "The document is read-only.";
    const gateway = createWorkbookGateway(Office.HostType.Excel);

    await expect(gateway.pinPack(IMPORTED)).rejects.toThrow("Excel could not save the workbook's settings: The document is read-only.");
    expect(fake.log).toEqual(["save failed"]);
    expect(fake.run).not.toHaveBeenCalled();
    // What the pane reads back is what the document still holds.
    expect(gateway.readPinnedPackSetting()).toEqual(EXAMPLE_PACK);
  });

  test("a failed first pin leaves no pack behind in memory", async () => {
    const fake = install({ selection: { address: "A1", cellCount: 1 } });
    fake.settings.saveFailure = "Saving is not possible right now.";
    const gateway = createWorkbookGateway(Office.HostType.Excel);
    await expect(gateway.pinPack(IMPORTED)).rejects.toThrow("Saving is not possible right now.");
    expect(gateway.readPinnedPackSetting()).toBeUndefined();
  });

  test("when Excel cannot recalculate, the pin stands and the error says how to refresh", async () => {
    const fake = install({ selection: { address: "A1", cellCount: 1 }, calculateFails: "Calculation is suspended." });
    await expect(createWorkbookGateway(Office.HostType.Excel).pinPack(IMPORTED)).rejects.toThrow(
      "The pack was saved in the workbook, but Excel could not recalculate (Calculation is suspended.). Press Ctrl+Alt+F9",
    );
    expect(readPinnedPack(fake.settings.saved.get(PINNED_PACK_SETTING))).toEqual(IMPORTED);
    expect(fake.log).toEqual(["saved", "pinned pack changed"]);
  });
});

describe("unpinPack", () => {
  test("removes the setting from the document, tells the functions and recalculates", async () => {
    const fake = install(
      { selection: { address: "A1", cellCount: 1 } },
      { settings: { [PINNED_PACK_SETTING]: serialisePinnedPack(IMPORTED) } },
    );
    const gateway = createWorkbookGateway(Office.HostType.Excel);
    await gateway.unpinPack();
    expect(fake.settings.saved.has(PINNED_PACK_SETTING)).toBe(false);
    expect(gateway.readPinnedPackSetting()).toBeUndefined();
    expect(fake.log).toEqual(["saved", "pinned pack changed", "calculate Full"]);
  });
});

describe("recalculateLiveValues", () => {
  test("recalculates fully in one request, so TOMS.DELIVERED and TOMS.OVERDUE ask the API again", async () => {
    const fake = install({ selection: { address: "A1", cellCount: 1 } });
    await createWorkbookGateway(Office.HostType.Excel).recalculateLiveValues();
    expect(fake.log).toEqual(["calculate Full"]);
    expect(fake.sync).toHaveBeenCalledTimes(1);
  });

  test("a recalculation Excel refuses is reported with how to refresh by hand", async () => {
    install({ selection: { address: "A1", cellCount: 1 }, calculateFails: "Calculation is suspended." });
    await expect(createWorkbookGateway(Office.HostType.Excel).recalculateLiveValues()).rejects.toThrow(
      "Excel could not recalculate the TOMS formulas (Calculation is suspended.). Press Ctrl+Alt+F9 to refresh TOMS.DELIVERED and TOMS.OVERDUE.",
    );
  });

  test("outside Excel there is nothing to recalculate and Office is not touched", async () => {
    const fake = install({ selection: { address: "A1", cellCount: 1 } });
    await createWorkbookGateway(null).recalculateLiveValues();
    expect(fake.run).not.toHaveBeenCalled();
  });
});

describe("readPinnedPackSetting", () => {
  test("reads the pinned pack, or nothing when none is pinned", () => {
    install({ selection: { address: "A1", cellCount: 1 } }, { settings: { [PINNED_PACK_SETTING]: serialisePinnedPack(IMPORTED) } });
    expect(createWorkbookGateway(Office.HostType.Excel).readPinnedPackSetting()).toEqual(IMPORTED);
    office?.uninstall();
    install({ selection: { address: "A1", cellCount: 1 } });
    expect(createWorkbookGateway(Office.HostType.Excel).readPinnedPackSetting()).toBeUndefined();
  });

  test("a damaged setting is reported, not replaced", () => {
    install({ selection: { address: "A1", cellCount: 1 } }, { settings: { [PINNED_PACK_SETTING]: "{not json" } });
    expect(() => createWorkbookGateway(Office.HostType.Excel).readPinnedPackSetting()).toThrow(ValidationError);
  });
});

describe("outside Excel", () => {
  test("every workbook action is refused with the explanation, and Office is not touched", async () => {
    const fake = install({ selection: { address: "A1", cellCount: 1 } });
    const gateway = createWorkbookGateway(null);
    expect(gateway.isInExcel()).toBe(false);
    expect(gateway.readPinnedPackSetting()).toBeUndefined();
    await expect(gateway.readSelectedTable()).rejects.toThrow(NOT_IN_EXCEL_MESSAGE);
    await expect(gateway.pinPack(IMPORTED)).rejects.toThrow(NOT_IN_EXCEL_MESSAGE);
    await expect(gateway.unpinPack()).rejects.toThrow(NOT_IN_EXCEL_MESSAGE);
    expect(fake.run).not.toHaveBeenCalled();
    expect(fake.settings.saveCalls).toBe(0);
    expect(fake.log).toEqual([]);
  });

  test("follows Office's dark theme only inside Excel", () => {
    install({ selection: { address: "A1", cellCount: 1 } });
    (Office.context as { officeTheme?: unknown }).officeTheme = { isDarkTheme: true };
    expect(createWorkbookGateway(Office.HostType.Excel).isOfficeThemeDark()).toBe(true);
    expect(createWorkbookGateway(null).isOfficeThemeDark()).toBe(false);
    (Office.context as { officeTheme?: unknown }).officeTheme = undefined;
    expect(createWorkbookGateway(Office.HostType.Excel).isOfficeThemeDark()).toBe(false);
  });

  test("another Office host is not Excel", () => {
    install({ selection: { address: "A1", cellCount: 1 } });
    expect(createWorkbookGateway(Office.HostType.Word).isInExcel()).toBe(false);
  });
});

describe("connectToWorkbook", () => {
  test("waits for Office.onReady and follows the host it reports", async () => {
    install({ selection: { address: "A1", cellCount: 1 } });
    expect((await connectToWorkbook()).isInExcel()).toBe(true);
    office?.uninstall();
    install({ selection: { address: "A1", cellCount: 1 } }, { onReadyHost: null });
    expect((await connectToWorkbook()).isInExcel()).toBe(false);
  });

  test("a page where Office.js did not load at all works as a plain browser", async () => {
    expect("Office" in globalThis).toBe(false);
    expect((await connectToWorkbook()).isInExcel()).toBe(false);
  });
});
