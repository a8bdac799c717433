/*
 * Throughput of the =TOMS.* custom functions, called as Excel calls them: `npm run bench:functions`.
 * Targets (issue 2): VALUE ≥ 1,000,000 calls/s against the pinned pack and ≥ 100,000 calls/s with
 * a 60-row measures range; TOTAL over 100,000 rows under 100 ms. Beside TOTAL, its peer in the same
 * run: HyperFormula evaluating the same total over the same rows as a spreadsheet formula would.
 * Figures go in BENCHMARKS.md.
 */
import { cpus, loadavg, platform, release } from "node:os";
import { HyperFormula } from "hyperformula";
import type { RawCellContent } from "hyperformula";
import { packFromRows, PINNED_PACK_SETTING, serialisePinnedPack } from "../../shared";
import { readMeasuresRange } from "../../functions/packSource";
import { customFunctionsStandIn } from "../../test/functions/standIns";
import { messyRange } from "../../test/support/messyMeasuresTables";

const THEMES = ["Jobs", "Growth", "Social", "Environment", "Innovation"];
const HEADER = ["Ref", "Theme", "Outcome", "Measure", "Units", "Proxy Value (£)"];

/** A measures table in the TOMs calculator's layout, with made-up values. */
function measuresTable(count: number): unknown[][] {
  const rows: unknown[][] = [HEADER];
  for (let i = 1; i <= count; i++) {
    const theme = THEMES[i % THEMES.length] ?? "Jobs";
    rows.push([`M${i}`, theme, `${theme} outcome ${i % 7}`, `Measure number ${i} of the benchmark pack`, i % 3 === 0 ? "hours" : "FTE", `£${(i * 137.25).toFixed(2)}`]);
  }
  return rows;
}

/** Excel deserialises every call's arguments: new arrays and new strings with the same content. */
function freshCopies(rows: unknown[][], count: number): unknown[][][] {
  const text = JSON.stringify(rows);
  return Array.from({ length: count }, () => JSON.parse(text) as unknown[][]);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

/** Runs `body` `rounds` times after a warm-up and gives the median milliseconds of a round. */
async function time(rounds: number, body: () => Promise<void> | void): Promise<number> {
  for (let i = 0; i < 2; i++) await body();
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    await body();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

const format = (n: number, digits = 0) => n.toLocaleString("en-GB", { maximumFractionDigits: digits, minimumFractionDigits: digits });

/**
 * The same total in HyperFormula (GPLv3, a dev-only benchmark dependency), two ways an officer
 * would write it: one `SUMPRODUCT(SUMIF(...))` formula, and a `VLOOKUP` helper column with `SUM`.
 * The measures sheet holds proxies as numbers (a sheet's own cells, not the text TOMS reads).
 * Each is timed building the workbook (a full evaluation) and recalculating after one edit (checked:
 * the total moves by exactly the edited row's proxy). HyperFormula writes FALSE as the function FALSE(), and rounds results to 10 significant digits
 * by default (£2,101,928,163.75 becomes …163.8), so it is given 14, enough for pennies here.
 */
function peerTotals(measures: unknown[][], codes: unknown[][], quantities: unknown[][], expected: number): { how: string; buildMs: number; editMs: number; value: unknown; agrees: boolean }[] {
  const measureRows: RawCellContent[][] = measures.slice(1).map((r) => [String(r[0]), Number(String(r[5]).replace(/[£,]/g, ""))]);
  const n = codes.length;
  const m = measureRows.length;
  const ways = [
    { how: "`=SUMPRODUCT(SUMIF(Measures!A:A, Data!A:A, Measures!B:B), Data!B:B)`", data: codes.map((c, i): RawCellContent[] => [String(c[0]), Number(quantities[i]?.[0])]), total: `=SUMPRODUCT(SUMIF(Measures!$A$1:$A$${m}, Data!A1:A${n}, Measures!$B$1:$B$${m}), Data!B1:B${n})` },
    {
      how: "`VLOOKUP` helper column and `=SUM(...)`",
      data: codes.map((c, i): RawCellContent[] => [String(c[0]), Number(quantities[i]?.[0]), `=VLOOKUP(A${i + 1}, Measures!$A$1:$B$${m}, 2, FALSE())*B${i + 1}`]),
      total: `=SUM(Data!C1:C${n})`,
    },
  ];
  return ways.map((way) => {
    const started = performance.now();
    const hf = HyperFormula.buildFromSheets({ Measures: measureRows, Data: way.data, Total: [[way.total]] }, { licenseKey: "gpl-v3", useArrayArithmetic: true, maxRows: n + 1, precisionRounding: 14 });
    const totalSheet = hf.getSheetId("Total") ?? 0;
    const dataSheet = hf.getSheetId("Data") ?? 0;
    const value = hf.getCellValue({ sheet: totalSheet, row: 0, col: 0 });
    const buildMs = performance.now() - started;
    const edits: number[] = [];
    let recalculated = true;
    for (let i = 0; i < 5; i++) {
      const row = 1234 + i * 7919;
      const before = hf.getCellValue({ sheet: totalSheet, row: 0, col: 0 });
      const oldQuantity = Number(quantities[row]?.[0]);
      const t = performance.now();
      hf.setCellContents({ sheet: dataSheet, row, col: 1 }, [[oldQuantity + 1]]);
      const after = hf.getCellValue({ sheet: totalSheet, row: 0, col: 0 });
      edits.push(performance.now() - t);
      // One more of that row's measure: the total must move by exactly its proxy.
      const proxy = Number(measureRows.find((r) => r[0] === String(codes[row]?.[0]))?.[1]);
      recalculated &&= typeof before === "number" && typeof after === "number" && Math.abs(after - before - proxy) < 0.005;
    }
    hf.destroy();
    return { how: way.how, buildMs, editMs: median(edits), value, agrees: recalculated && typeof value === "number" && Math.abs(value - expected) < 0.005 };
  });
}

async function main(): Promise<void> {
  const measures60 = measuresTable(60);
  const pinned = packFromRows(measures60, { id: "bench", edition: "60" });

  // What Excel's shared runtime provides, before the functions load: the pinned pack is measures60.
  const window = new EventTarget();
  Object.assign(globalThis, {
    window,
    CustomFunctions: customFunctionsStandIn().global,
    Office: {
      onReady: async () => ({ host: "Excel" }),
      context: { document: { settings: { get: (name: string) => (name === PINNED_PACK_SETTING ? serialisePinnedPack(pinned) : null) } } },
    },
  });
  const toms = await import("../../functions/functions");
  if ((await toms.pack()) !== "bench 60") throw new Error("the pinned pack did not load");

  const codes = Array.from({ length: 60 }, (_, i) => `M${i + 1}`);
  const copies = freshCopies(measures60, 512);
  const results: { what: string; figure: string; target?: string; met?: boolean }[] = [];

  const CALLS = 1_000_000;
  const pinnedMs = await time(5, async () => {
    let sum = 0;
    for (let i = 0; i < CALLS; i++) sum += await toms.value(codes[i % 60] ?? "M1", i % 10);
    if (!(sum > 0)) throw new Error("no value");
  });
  const pinnedRate = (CALLS / pinnedMs) * 1000;
  results.push({ what: "VALUE, pinned pack (1,000,000 sequential awaited calls)", figure: `${format(pinnedRate)} calls/s`, target: "≥ 1,000,000 calls/s", met: pinnedRate >= 1_000_000 });

  const RANGE_CALLS = 200_000;
  const rangeMs = await time(5, async () => {
    let sum = 0;
    for (let i = 0; i < RANGE_CALLS; i++) sum += await toms.value(codes[i % 60] ?? "M1", i % 10, copies[i % copies.length]);
    if (!(sum > 0)) throw new Error("no value");
  });
  const rangeRate = (RANGE_CALLS / rangeMs) * 1000;
  results.push({ what: "VALUE, 60-row measures range (a fresh copy each call)", figure: `${format(rangeRate)} calls/s`, target: "≥ 100,000 calls/s", met: rangeRate >= 100_000 });

  const ROWS = 100_000;
  const totalCodes = Array.from({ length: ROWS }, (_, i) => [codes[i % 60]]);
  const totalQuantities = Array.from({ length: ROWS }, (_, i) => [(i % 9) + 1]);
  const totalPinnedMs = await time(9, () => toms.total(totalCodes, totalQuantities).then(() => undefined));
  results.push({ what: "TOTAL over 100,000 rows, pinned pack", figure: `${format(totalPinnedMs, 1)} ms`, target: "< 100 ms", met: totalPinnedMs < 100 });
  let copy = 0;
  const totalRangeMs = await time(9, () => toms.total(totalCodes, totalQuantities, copies[copy++ % copies.length]).then(() => undefined));
  results.push({ what: "TOTAL over 100,000 rows, 60-row measures range", figure: `${format(totalRangeMs, 1)} ms`, target: "< 100 ms", met: totalRangeMs < 100 });

  // What every call would cost without the cache: parsing the range again.
  const parse60Ms = await time(21, () => {
    for (let i = 0; i < 100; i++) readMeasuresRange(copies[i % copies.length] ?? measures60);
  });
  results.push({ what: "Parse and index the 60-row range (the cost a call would pay without the cache)", figure: `${format(parse60Ms * 10, 0)} µs` });

  const measures500 = measuresTable(500);
  const parseMs = await time(21, () => {
    readMeasuresRange(measures500);
  });
  results.push({ what: "Parse and index a 500-measure pack (a range not seen before)", figure: `${format(parseMs, 2)} ms (${format(1000 / parseMs)} packs/s)` });

  // A council's table as published: title block, section headings, blank rows, an unused column, totals and source rows.
  const messy500 = messyRange(500);
  if (readMeasuresRange(messy500).pack.pack.measures.length !== 500) throw new Error("the messy table did not give 500 measures");
  const messyMs = await time(21, () => {
    readMeasuresRange(messy500);
  });
  results.push({ what: "Parse and index a 500-measure messy table (516 rows: title, headings, blanks, notes column, totals, source)", figure: `${format(messyMs, 2)} ms (${format(1000 / messyMs)} packs/s)` });

  // ---- the peer: a spreadsheet engine evaluating the same total over the same rows, as an officer's sheet would ----
  const expected = await toms.total(totalCodes, totalQuantities);
  const peers = peerTotals(measures60, totalCodes, totalQuantities, expected);
  for (const p of peers) {
    results.push({ what: `HyperFormula ${p.how}: full evaluation`, figure: `${format(p.buildMs, 0)} ms (${format(p.buildMs / totalPinnedMs, 0)}× TOMS.TOTAL)`, target: p.agrees ? "same total, and after each edit" : `total differs: ${String(p.value)}`, met: p.agrees });
    results.push({ what: `HyperFormula ${p.how}: recalculation after one quantity edit`, figure: `${format(p.editMs, 1)} ms (${format(p.editMs / totalPinnedMs, 1)}× TOMS.TOTAL)` });
  }

  const cpu = cpus();
  console.log(`Machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? "unknown CPU"}, ${platform()} ${release()}, Node ${process.version}; load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  console.log("Command: npm run bench:functions\n");
  console.log("| measurement | result | target | |");
  console.log("|---|---|---|---|");
  for (const r of results) console.log(`| ${r.what} | ${r.figure} | ${r.target ?? ""} | ${r.met === undefined ? "" : r.met ? "met" : "MISSED"} |`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
