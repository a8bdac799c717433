/** @jest-environment jsdom */
import { EXAMPLE_PACK } from "../../shared";
import { checkDraft, countByTheme, defaultMetadata, describeValuation, firstRowOf, packIdFrom } from "../../taskpane/panels/packs/packDraft";
import { MEASURES_TABLE } from "./support/fakeOffice";

test("a table name becomes a pack id the schema accepts", () => {
  expect(packIdFrom("TOMs 2025 (Essex)")).toBe("toms-2025-essex");
  expect(packIdFrom("  --  ")).toBe("");
});

test("cells outside a table get defaults that say where they came from", () => {
  const metadata = defaultMetadata({ address: "Sheet1!A1:F8", values: MEASURES_TABLE }, new Date("2027-03-01"));
  expect(metadata).toEqual({
    id: "workbook-pack",
    name: "Framework pack from this workbook",
    edition: "2027",
    licence: "",
    source: "Worksheet cells Sheet1!A1:F8",
  });
});

test("the form's values are trimmed and checked against the pack schema", () => {
  const table = { address: "Sheet1!A1:F8", values: MEASURES_TABLE };
  const metadata = { ...defaultMetadata(table), id: " local-1 ", licence: "  " };
  const incomplete = checkDraft({ table, metadata });
  expect(incomplete).toMatchObject({ ok: true, pinnable: false, fieldErrors: { licence: "say under which licence the values are used" } });

  const complete = checkDraft({ table, metadata: { ...metadata, licence: " Ours " } });
  expect(complete).toMatchObject({ ok: true, pinnable: true, fieldErrors: {}, pack: { id: "local-1", licence: "Ours" } });
});

test("the worksheet row a table starts on is read from its address", () => {
  expect(firstRowOf("Measures!B3:G8")).toBe(3);
  expect(firstRowOf("'Q1! 2025'!$C$12:$H$40")).toBe(12);
  expect(firstRowOf("A1")).toBe(1);
  expect(firstRowOf("Sheet1!A:F")).toBeUndefined();
});

test("measures are counted by theme and valued in words where there is no proxy", () => {
  expect(countByTheme(EXAMPLE_PACK).map((t) => t.measures)).toEqual([5, 4, 4, 4, 3]);
  const byKind = (kind: string) => EXAMPLE_PACK.measures.find((m) => m.kind === kind);
  expect([byKind("proxy"), byKind("face-value"), byKind("record-only"), byKind("qualitative")].map((m) => m && describeValuation(m))).toEqual([
    "£25,000.00",
    "face value",
    "recorded only",
    "qualitative",
  ]);
});

test("a proxy measure whose table gives no £ value says so in the preview", () => {
  const proxy = EXAMPLE_PACK.measures.find((m) => m.kind === "proxy");
  expect(proxy && describeValuation({ ...proxy, proxy: null })).toBe("proxy, £ not in the table");
});

test("a draft carries the loader's warnings about the table", () => {
  const table = { address: "Sheet1!A1:F9", values: [...MEASURES_TABLE, ["Source: the council", "", "", "", "", ""]] };
  const check = checkDraft({ table, metadata: defaultMetadata(table) });
  expect(check.ok && check.warnings.map((w) => [w.row, w.message])).toEqual([[9, 'skipped: a source or notes row ("Source: the council")']]);
});
