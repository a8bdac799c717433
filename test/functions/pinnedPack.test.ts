import { EXAMPLE_PACK, FrameworkPack, PINNED_PACK_SETTING, serialisePinnedPack } from "../../shared";
import { measuresRange } from "./fixtures";
import { ERROR_CODES, excelErrorOf, installCustomFunctions, installWorkbook, WorkbookStandIn } from "./standIns";

/** A licensed-looking pack pinned to a workbook (values made up). */
const COUNCIL_PACK: FrameworkPack = {
  ...EXAMPLE_PACK,
  id: "council-toms",
  name: "Council TOMs",
  edition: "2026",
  illustrative: false,
  measures: EXAMPLE_PACK.measures.map((m) => (m.code === "J1" ? { ...m, proxy: 30000 } : m)),
};

type Functions = typeof import("../../functions/functions");

/** Loads the functions afresh into a workbook, as opening a workbook in Excel does. */
async function openWorkbook(options: Parameters<typeof installWorkbook>[0]): Promise<{ toms: Functions; workbook: WorkbookStandIn }> {
  installCustomFunctions();
  const workbook = installWorkbook(options);
  let toms: Functions | undefined;
  await jest.isolateModulesAsync(async () => {
    toms = await import("../../functions/functions");
  });
  if (!toms) throw new Error("the functions did not load");
  return { toms, workbook };
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

test("values with the workbook's pinned pack when no measures range is given", async () => {
  const { toms } = await openWorkbook({ settings: { [PINNED_PACK_SETTING]: serialisePinnedPack(COUNCIL_PACK) } });
  await expect(toms.pack()).resolves.toBe("council-toms 2026");
  await expect(toms.value("J1", 2)).resolves.toBe(60000);
  const unknown = await excelErrorOf(() => toms.proxy("NT99"));
  expect(unknown.message).toBe('Measure "NT99" is not in pack council-toms 2026.');
});

test("a measures range still wins over the pinned pack", async () => {
  const { toms } = await openWorkbook({ settings: { [PINNED_PACK_SETTING]: serialisePinnedPack(COUNCIL_PACK) } });
  await expect(toms.value("NT1", 1, measuresRange())).resolves.toBe(30000);
  await expect(toms.pack(measuresRange())).resolves.toMatch(/^workbook table-/);
});

test("a function called before Office is ready waits for the pinned pack instead of using the example", async () => {
  const { toms, workbook } = await openWorkbook({ ready: false, settings: { [PINNED_PACK_SETTING]: serialisePinnedPack(COUNCIL_PACK) } });
  let result: number | undefined;
  const pending = toms.value("J1", 1).then((v) => (result = v));
  await settled();
  expect(result).toBeUndefined();
  workbook.becomeReady();
  await pending;
  expect(result).toBe(30000);
});

test("pinning a pack from the task pane is picked up on its change event", async () => {
  const { toms, workbook } = await openWorkbook({});
  await expect(toms.pack()).resolves.toBe("example 2026-illustrative");

  workbook.settings.set(PINNED_PACK_SETTING, serialisePinnedPack(COUNCIL_PACK));
  workbook.announcePinnedPackChanged();
  await expect(toms.pack()).resolves.toBe("council-toms 2026");
  await expect(toms.proxy("J1")).resolves.toBe(30000);

  workbook.settings.delete(PINNED_PACK_SETTING);
  workbook.announcePinnedPackChanged();
  await expect(toms.proxy("J1")).resolves.toBe(25000);
});

test("a damaged setting is #VALUE! saying so, never a silent fall-back to the example pack", async () => {
  const { toms } = await openWorkbook({ settings: { [PINNED_PACK_SETTING]: "{not json" } });
  for (const call of [() => toms.value("J1", 1), () => toms.pack(), () => toms.listMeasures()]) {
    const error = await excelErrorOf(call);
    expect(error.code).toBe(ERROR_CODES.invalidValue);
    expect(error.message).toBe("The workbook's pinned pack is damaged (not JSON); pin a pack again from the task pane");
  }
  // Formulas with their own measures range do not depend on the setting.
  await expect(toms.value("NT1", 1, measuresRange())).resolves.toBe(30000);
});

test("a setting that is JSON but not a valid pack is #VALUE! naming the pinned pack and its first problem", async () => {
  const broken = { ...COUNCIL_PACK, measures: COUNCIL_PACK.measures.map((m) => (m.code === "J2" ? { ...m, proxy: -1 } : m)) };
  const { toms } = await openWorkbook({ settings: { [PINNED_PACK_SETTING]: JSON.stringify(broken) } });
  const error = await excelErrorOf(() => toms.proxy("J1"));
  expect(error.code).toBe(ERROR_CODES.invalidValue);
  expect(error.message).toBe("The workbook's pinned pack: measures.1.proxy: a proxy value cannot be negative");
});

test("a setting that cannot be read at all surfaces as that error", async () => {
  const { toms, workbook } = await openWorkbook({});
  workbook.breakSettings(new Error("settings are unavailable"));
  workbook.announcePinnedPackChanged();
  const error = await excelErrorOf(() => toms.value("J1", 1));
  expect(error.code).toBe(ERROR_CODES.invalidValue);
  expect(error.message).toBe("Could not read the workbook's pinned pack: settings are unavailable");
});

test("if Office never starts, the functions say why rather than wait for ever", async () => {
  const { toms, workbook } = await openWorkbook({ ready: false });
  workbook.failToStart(new Error("Office.js failed to initialise"));
  const error = await excelErrorOf(() => toms.pack());
  expect(error.message).toBe("Could not read the workbook's pinned pack: Office.js failed to initialise");
});
