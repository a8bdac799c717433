import { FrameworkPack, PINNED_PACK_CHANGED_EVENT, PINNED_PACK_SETTING, readPinnedPack, serialisePinnedPack } from "../shared";
import { Chunk, DEFAULT_CHUNK_BYTES, planChunks } from "./sync/chunks";
import { RefreshPlan, RefreshRefused, matchColumns, newTablePlan, refreshPlan, rowAt } from "./sync/refreshPlan";
import { CHART_ROWS, CellValue, NUMBER_FORMAT, PortfolioSync, SheetTable, TITLE_ROWS, WorkbookSync, excelCell, headerBelow, jsonBytes, literalText } from "./sync/sheetTable";

/**
 * The only module of the task pane that talks to Office.js. Everything else is plain React and is
 * given a `WorkbookGateway`, so panels can be tested with a fake and work in a plain browser.
 */

/** The cells an officer selected, read in one go: a whole Excel table if the selection is in one. */
export interface SelectedTable {
  /** Where the cells came from, e.g. "Measures!A1:F21". */
  address: string;
  /** The Excel table's name when the selection was inside a table. */
  tableName?: string;
  /** Cell values, header row included, as Excel reports them. */
  values: unknown[][];
}

export interface WorkbookGateway {
  /** False in a plain browser (or another Office host): workbook actions are then unavailable. */
  isInExcel(): boolean;
  /** True when Office says its theme is dark, so the pane can match it. */
  isOfficeThemeDark(): boolean;
  readSelectedTable(): Promise<SelectedTable>;
  /** The framework pack pinned to this workbook, or undefined when none is (the example pack is used). */
  readPinnedPackSetting(): FrameworkPack | undefined;
  /** Saves the pack in the workbook, tells the custom functions, and recalculates the TOMS formulas. */
  pinPack(pack: FrameworkPack): Promise<void>;
  /** Removes the pinned pack so the TOMS formulas go back to the example pack. */
  unpinPack(): Promise<void>;
  /**
   * Writes a contract's contributions into the Contributions table and its committed vs delivered
   * totals into the Social value sheet's table and chart, and its KPI register into the KPIs sheet,
   * creating them or refreshing them in place.
   * A handful of round trips to Excel whatever the number of rows; `onProgress` hears each write.
   */
  syncToWorkbook(sync: WorkbookSync, options?: SyncOptions): Promise<SyncReport>;
  /** Writes the Portfolio sheet's tables and native charts, creating them or refreshing them in place, in up to four requests. */
  syncPortfolio(sync: PortfolioSync): Promise<{ created: string[]; requests: number }>;
  /**
   * Recalculates every formula, so TOMS.DELIVERED and TOMS.OVERDUE ask the API again after the
   * officer changed what they count (a review, new commitments). Does nothing outside Excel.
   */
  recalculateLiveValues(): Promise<void>;
}

export interface SyncProgress {
  rowsWritten: number;
  rowsTotal: number;
}

export interface SyncOptions {
  onProgress?: (progress: SyncProgress) => void;
  /** Largest estimated payload of one request to Excel; larger writes go in several. */
  chunkBytes?: number;
}

/** What a sync did, in terms an officer can check in the workbook. */
export interface SyncReport {
  /** Contribution rows now in the Contributions table. */
  rows: number;
  /** KPI rows now in the KpiRegister table. */
  kpis: number;
  /** Tables and chart made new by this sync (rather than refreshed). */
  created: string[];
  /** The officer's own columns in the Contributions table, kept beside their rows. */
  ownColumns: string[];
  /** Columns of ours that had been deleted from the table and were added back. */
  restoredColumns: string[];
  /** Rows deleted because their contribution is no longer in the contract. */
  removedRows: number;
  /** How many of those had something in the officer's own columns. */
  removedRowsWithOwnValues: number;
  /** True when filters on the table were cleared so rows could be added or deleted. */
  filtersCleared: boolean;
  /** How many requests went to Excel. */
  requests: number;
}

export const NOT_IN_EXCEL_MESSAGE =
  "This page is not running inside Excel, so it cannot read or change a workbook: importing from a selection, pinning a pack and syncing to the workbook wait for Excel. Open Social Value Ledger from Excel's ribbon to use them.";

export class WorkbookError extends Error {
  override readonly name = "WorkbookError";
}

/** Office.js rejects with OfficeExtension.Error, but a host may reject with anything. */
function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Waits for Office.js, then returns the gateway. In a plain browser Office.js reports no host, and if
 * the Office.js script could not load at all there is no `Office` global: both give a gateway that
 * says it is not in Excel.
 */
export async function connectToWorkbook(): Promise<WorkbookGateway> {
  if (typeof Office === "undefined") return createWorkbookGateway(null);
  const { host } = await Office.onReady();
  return createWorkbookGateway(host);
}

/** `host` is what `Office.onReady` reported; null when Office.js found no host (a plain browser). */
export function createWorkbookGateway(host: Office.HostType | null): WorkbookGateway {
  const inExcel = host !== null && host === Office.HostType.Excel;

  function requireExcel(): void {
    if (!inExcel) throw new WorkbookError(NOT_IN_EXCEL_MESSAGE);
  }

  return {
    isInExcel: () => inExcel,

    isOfficeThemeDark: () => inExcel && Office.context.officeTheme?.isDarkTheme === true,

    async readSelectedTable() {
      requireExcel();
      return Excel.run(async (context) => {
        const selection = context.workbook.getSelectedRange();
        selection.load("address, cellCount");
        const tables = selection.getTables(false);
        tables.load("items/name");
        await context.sync();

        if (tables.items.length > 1) {
          const names = tables.items.map((t) => t.name).join(", ");
          throw new WorkbookError(`The selection touches ${tables.items.length} tables (${names}). Select cells in just one table of measures.`);
        }
        const table = tables.items[0];
        // A single cell outside a table stands for the block of cells around it, as Ctrl+A would select;
        // a larger selection is trimmed to the cells that hold values, so selecting whole columns is cheap.
        const source = table ? table.getRange() : selection.cellCount === 1 ? selection.getSurroundingRegion() : selection.getUsedRangeOrNullObject(true);
        source.load("address, values");
        await context.sync();

        if (source.isNullObject) {
          throw new WorkbookError(`The selected cells (${selection.address}) are empty. Select the table of measures, header row included.`);
        }
        return { address: source.address, values: source.values, ...(table ? { tableName: table.name } : {}) };
      });
    },

    readPinnedPackSetting() {
      if (!inExcel) return undefined;
      return readPinnedPack(Office.context.document.settings.get(PINNED_PACK_SETTING));
    },

    async pinPack(pack) {
      requireExcel();
      await saveSetting(serialisePinnedPack(pack));
      await announcePinnedPackChanged();
    },

    async unpinPack() {
      requireExcel();
      await saveSetting(undefined);
      await announcePinnedPackChanged();
    },

    async recalculateLiveValues() {
      if (!inExcel) return;
      try {
        await recalculateFully();
      } catch (err) {
        throw new WorkbookError(
          `Excel could not recalculate the TOMS formulas (${messageOf(err)}). Press Ctrl+Alt+F9 to refresh TOMS.DELIVERED and TOMS.OVERDUE.`,
        );
      }
    },

    async syncPortfolio(sync) {
      requireExcel();
      try {
        return await Excel.run((context) => writePortfolioSync(context, sync));
      } catch (err) {
        if (err instanceof WorkbookError) throw err;
        throw new WorkbookError(`Excel could not finish the Portfolio sheet (${messageOf(err)}). Sync it again to bring it up to date.`);
      }
    },

    async syncToWorkbook(sync, options = {}) {
      requireExcel();
      try {
        return await Excel.run((context) => writeWorkbookSync(context, sync, options));
      } catch (err) {
        if (err instanceof WorkbookError) throw err;
        throw new WorkbookError(
          `Excel could not finish the sync (${messageOf(err)}). The workbook may be partly updated; sync again to bring it up to date.`,
        );
      }
    },
  };
}

/** The sync as requests to Excel: read what exists (up to three requests), then write (one per chunk). */
async function writeWorkbookSync(context: Excel.RequestContext, sync: WorkbookSync, options: SyncOptions): Promise<SyncReport> {
  let requests = 0;
  const round = async () => {
    await context.sync();
    requests++;
  };
  const contributions = new ExcelTable(context, sync.contributions);
  const summary = new ExcelTable(context, sync.summary);
  const kpis = new ExcelTable(context, sync.kpis);
  // The small tables ride in the contributions' requests: reads with its reads, writes with its last chunk.
  const small = [summary, kpis];

  await round();
  const shapes = [contributions.readShape(), ...small.map((t) => t.readShape())];
  const chart = summary.findChart(sync.chart.name);
  if (shapes.some(Boolean) || chart) await round();
  if ([contributions.readRows(), ...small.map((t) => t.readRows())].some(Boolean)) await round();
  contributions.plan();
  for (const t of small) t.plan();

  const chunks = contributions.chunks(options.chunkBytes ?? DEFAULT_CHUNK_BYTES);
  const rowsTotal = sync.contributions.rows.length;
  options.onProgress?.({ rowsWritten: 0, rowsTotal });
  for (const [i, chunk] of chunks.entries()) {
    contributions.write(chunk, i === 0);
    if (i === chunks.length - 1) {
      for (const t of small) t.writeAll();
      summary.drawChart(chart, sync.chart);
      contributions.finish();
      for (const t of small) t.finish();
    }
    await round();
    options.onProgress?.({ rowsWritten: Math.min(chunk.end, rowsTotal), rowsTotal });
  }

  const created = [contributions, ...small].filter((t) => t.created).map((t) => `the ${t.spec.tableName} table on the ${t.spec.sheetName} sheet`);
  if (!chart || chart.isNullObject) created.push(`the chart on the ${sync.summary.sheetName} sheet`);
  const report = contributions.report();
  return { rows: rowsTotal, kpis: sync.kpis.rows.length, created, ...report, requests };
}

/** The Portfolio sheet: its small tables are written whole, each chart created once and then given the new data. */
async function writePortfolioSync(context: Excel.RequestContext, sync: PortfolioSync): Promise<{ created: string[]; requests: number }> {
  let requests = 0;
  const round = async () => {
    await context.sync();
    requests++;
  };
  const sheets = new Map<string, Excel.Worksheet>();
  const tables = sync.tables.map((t) => new ExcelTable(context, t.table, sheets));
  await round();
  const shapes = tables.map((t) => t.readShape());
  const charts = tables.map((t, i) => t.findChart(sync.tables[i]?.chart.name ?? ""));
  if (shapes.some(Boolean) || charts.some(Boolean)) await round();
  if (tables.map((t) => t.readRows()).some(Boolean)) await round();
  tables.forEach((t) => t.plan());
  stack(tables);
  tables.forEach((t, i) => {
    t.writeAll();
    const spec = sync.tables[i];
    // Moved with the layout each sync: a chart left where it was would cover the table that moved up beside it.
    if (spec) t.drawChart(charts[i], spec.chart, true);
    t.finish();
  });
  await round();
  const created = tables.filter((t) => t.created).map((t) => `the ${t.spec.tableName} table on the ${t.spec.sheetName} sheet`);
  charts.forEach((c, i) => {
    if (!c || c.isNullObject) created.push(`the chart ${sync.tables[i]?.chart.name}`);
  });
  return { created, requests };
}

/**
 * Puts each table that sits below the one before it (same sheet, same first column) where the layout
 * wants it: `headerBelow` that table as this sync leaves it. Growing or shrinking a table moves the
 * cells under it in its columns (Excel inserts and deletes table rows that way), so each move is what
 * is left over once the tables above have been written. A table this sync makes goes below the one
 * before it at that one's new size. A table someone moved elsewhere stays put.
 */
function stack(tables: readonly ExcelTable[]): void {
  let moved = 0;
  let grown = 0;
  tables.forEach((t, i) => {
    const above = tables[i - 1];
    if (above && t.isNewOnSheetOf(above)) t.placeAt(headerBelow(above.headerRow, above.rowsAfter));
    if (!above || !t.sitsBelow(above)) {
      moved = 0;
      grown = 0;
      return;
    }
    grown += above.growth;
    moved += t.moveTo(headerBelow(above.headerRow, above.rowsAfter), moved, grown);
  });
}

/**
 * One table the sync owns, found by name wherever the officer moved it. Each method queues work for
 * the next request; the caller decides when requests go, so both tables share them.
 */
class ExcelTable {
  created = false;
  /** The table found by name; replaced by the new one when the sync creates it. */
  private table: Excel.Table;
  /** Whether the table was there before this sync (known after the first request). */
  private exists = false;
  private readonly namedSheet: Excel.Worksheet;
  private sheet: Excel.Worksheet | undefined;
  private header: Excel.Range | undefined;
  private extent: Excel.Range | undefined;
  private filter: Excel.AutoFilter | undefined;
  private used: Excel.Range | undefined;
  private keyCells: Excel.Range | undefined;
  private ownCells: Excel.Range[] = [];
  private refresh: RefreshPlan | undefined;
  private top = 0;
  private left = 0;
  private filtersCleared = false;

  constructor(
    private readonly context: Excel.RequestContext,
    readonly spec: SheetTable,
    /** Sheets this sync added, so two new tables on one sheet share it. */
    private readonly added = new Map<string, Excel.Worksheet>(),
  ) {
    this.table = context.workbook.tables.getItemOrNullObject(spec.tableName);
    this.table.load("name, showHeaders, showTotals");
    this.namedSheet = context.workbook.worksheets.getItemOrNullObject(spec.sheetName);
    this.namedSheet.load("name");
  }

  /** After the first request: asks for the table's header and place, or whether its sheet is empty. */
  readShape(): boolean {
    this.exists = !this.table.isNullObject;
    if (this.exists) {
      if (!this.table.showHeaders) {
        throw new WorkbookError(`The ${this.spec.tableName} table's header row is hidden. Show it (Table Design, Header Row), then sync again: columns are matched by their headers.`);
      }
      this.sheet = this.table.worksheet.load("name");
      this.header = this.table.getHeaderRowRange().load("values");
      this.extent = this.table.getRange().load("rowIndex, columnIndex, rowCount");
      this.filter = this.table.autoFilter.load("isDataFiltered");
      return true;
    }
    if (!this.namedSheet.isNullObject) {
      this.used = this.namedSheet.getUsedRangeOrNullObject(true).load("address");
      return true;
    }
    return false;
  }

  /** The chart lives on the table's sheet, or on the named sheet before there is a table. */
  findChart(name: string): Excel.Chart | undefined {
    const sheet = this.sheet ?? (this.namedSheet.isNullObject ? undefined : this.namedSheet);
    return sheet?.charts.getItemOrNullObject(name).load("name");
  }

  private get bodyRows(): number {
    return (this.extent?.rowCount ?? 1) - 1 - (this.table.showTotals ? 1 : 0);
  }

  /** After the second request: asks for the key column and the officer's columns, to match rows. */
  readRows(): boolean {
    if (!this.exists) {
      if (this.used && !this.used.isNullObject) {
        throw new WorkbookError(
          `This workbook has a sheet called ${this.spec.sheetName} with cells in use (${this.used.address}) but no table called ${this.spec.tableName}. Rename that sheet so the sync can make its own, then sync again.`,
        );
      }
      return false;
    }
    const { positions, own } = matchColumns(this.header?.values[0] ?? [], this.spec);
    const key = positions[this.spec.columns.findIndex((c) => c.header === this.spec.key)];
    if (this.bodyRows === 0 || (key === undefined && own.length === 0)) return false;
    const body = this.table.getDataBodyRange();
    if (key !== undefined) this.keyCells = body.getColumn(key).load("values");
    this.ownCells = own.map((c) => body.getColumn(c).load("values"));
    return true;
  }

  plan(): void {
    if (!this.exists) {
      this.refresh = newTablePlan(this.spec);
      this.top = this.spec.firstRow;
      return;
    }
    const ownColumns = this.ownCells.map((range) => range.values.map((row) => row[0]));
    try {
      this.refresh = refreshPlan(this.spec, {
        header: this.header?.values[0] ?? [],
        keys: this.keyCells?.values.map((row) => row[0]),
        ownCells: Array.from({ length: this.bodyRows }, (_r, i) => ownColumns.map((column) => column[i])),
        bodyRows: this.bodyRows,
      });
    } catch (err) {
      if (err instanceof RefreshRefused) throw new WorkbookError(err.message);
      throw err;
    }
    this.top = this.extent?.rowIndex ?? 0;
    this.left = this.extent?.columnIndex ?? 0;
  }

  /** The header's row once this table's writes are queued. */
  get headerRow(): number {
    return this.top;
  }

  /** Body rows this sync leaves the table with. */
  get rowsAfter(): number {
    return this.planned.bodyRows;
  }

  /** Rows this table's writes add (or, negative, delete), moving the cells below it in its columns. */
  get growth(): number {
    return this.exists ? this.planned.bodyRows - this.bodyRows : 0;
  }

  /** Whether this table is stacked under `above`: on its sheet, in its first column, further down. */
  sitsBelow(above: ExcelTable): boolean {
    if (!this.exists || this.top < TITLE_ROWS) return false;
    return this.sheetOf().name.toLowerCase() === above.sheetName().toLowerCase() && this.left === above.left && above.top < this.top;
  }

  /** Whether this sync makes this table, on the sheet `above` is on. */
  isNewOnSheetOf(above: ExcelTable): boolean {
    return !this.exists && this.spec.sheetName.toLowerCase() === above.sheetName().toLowerCase();
  }

  /** Where a table this sync makes goes: written after the tables above, so at their new size. */
  placeAt(top: number): void {
    this.top = top;
  }

  private sheetName(): string {
    return this.exists ? this.sheetOf().name : this.spec.sheetName;
  }

  /**
   * Queues the blank rows (in this table's columns, just above its title) to insert or delete so its
   * header ends at `target`, given `moved` rows already queued above it and `grown` rows the tables
   * above will add when written. Returns the rows inserted (negative: deleted).
   */
  moveTo(target: number, moved: number, grown: number): number {
    const title = this.top + moved - TITLE_ROWS;
    const rows = target - (this.top + moved + grown);
    const width = this.header?.values[0]?.length ?? this.planned.width;
    if (rows > 0) this.sheetOf().getRangeByIndexes(title, this.left, rows, width).insert(Excel.InsertShiftDirection.down);
    if (rows < 0) this.sheetOf().getRangeByIndexes(title + rows, this.left, -rows, width).delete(Excel.DeleteShiftDirection.up);
    this.top = target;
    return rows;
  }

  private get planned(): RefreshPlan {
    if (!this.refresh) throw new Error(`The ${this.spec.tableName} table was written before it was planned`);
    return this.refresh;
  }

  /** Rows already in the table once the rows of removed contributions are deleted. */
  private get keptRows(): number {
    return this.planned.bodyRows - this.planned.appendRows;
  }

  private cells(row: number): { values: CellValue[]; formats: string[] } {
    const cells = rowAt(this.spec, this.planned, row);
    return {
      values: this.spec.columns.map((column, c) => excelCell(column.kind, cells[c])),
      formats: this.spec.columns.map((column) => NUMBER_FORMAT[column.kind]),
    };
  }

  /** Splits the rows so no request to Excel goes over `budget` bytes (estimated). */
  chunks(budget: number): Chunk[] {
    const blankRow = jsonBytes(new Array<string>(this.planned.width).fill(""));
    return planChunks(
      this.planned.bodyRows,
      (row) => {
        const { values, formats } = this.cells(row);
        return jsonBytes(values) + jsonBytes(formats) + (row >= this.keptRows ? blankRow : 0);
      },
      budget,
    );
  }

  /** Queues one chunk of rows; the first also queues the table's changes of shape. */
  write(chunk: Chunk, first: boolean): void {
    const plan = this.planned;
    // Rows of this chunk past those already in the table: new contributions, added at the bottom.
    const added = Math.max(0, chunk.end - Math.max(chunk.start, this.keptRows));
    if (first && !this.exists) {
      this.create(added);
    } else {
      if (first && plan.addColumns.length > 0) {
        this.prepareForNewCells();
        for (const header of plan.addColumns) this.table.columns.add(undefined, undefined, header);
      }
      if (added > 0) {
        this.prepareForNewCells();
        this.table.rows.add(undefined, Array.from({ length: added }, () => new Array<string>(plan.width).fill("")));
      }
      // After the additions, so the table always keeps a body row; last run first, so positions hold.
      if (first && plan.deleteRuns.length > 0) {
        this.prepareForNewCells();
        for (const run of plan.deleteRuns) {
          this.sheetOf().getRangeByIndexes(this.top + 1 + run.start, this.left, run.count, plan.width).delete(Excel.DeleteShiftDirection.up);
        }
      }
    }
    this.writeRows(chunk);
  }

  writeAll(): void {
    this.write({ start: 0, end: this.planned.bodyRows }, true);
  }

  /** Excel refuses to insert or delete cells in a filtered table (InsertDeleteConflict). */
  private prepareForNewCells(): void {
    if (this.filter?.isDataFiltered && !this.filtersCleared) {
      this.table.clearFilters();
      this.filtersCleared = true;
    }
  }

  private sheetOf(): Excel.Worksheet {
    if (!this.sheet) throw new Error(`The ${this.spec.tableName} table has no sheet yet`);
    return this.sheet;
  }

  private create(rows: number): void {
    const plan = this.planned;
    const addedAlready = this.added.get(this.spec.sheetName);
    this.sheet = addedAlready ?? (this.namedSheet.isNullObject ? this.context.workbook.worksheets.add(this.spec.sheetName) : this.namedSheet);
    this.added.set(this.spec.sheetName, this.sheet);
    this.sheet.getRangeByIndexes(this.top, this.left, 1, plan.width).values = [this.spec.columns.map((c) => c.header)];
    this.table = this.sheet.tables.add(this.sheet.getRangeByIndexes(this.top, this.left, 1 + Math.max(rows, 1), plan.width), true);
    this.table.name = this.spec.tableName;
    if (this.spec.firstRow === 0) this.sheet.freezePanes.freezeRows(1);
    this.created = true;
  }

  /** Writes our columns of body rows [start, end), run of adjacent columns by run; never the officer's. */
  private writeRows({ start, end }: Chunk): void {
    const plan = this.planned;
    const rows = Array.from({ length: end - start }, (_r, i) => this.cells(start + i));
    const sheet = this.sheetOf();
    for (const run of adjacentRuns(plan.positions)) {
      const range = sheet.getRangeByIndexes(this.top + 1 + start, this.left + run.position, end - start, run.columns.length);
      // Formats first: a text-formatted cell keeps whatever is then written to it as text.
      range.numberFormat = rows.map((row) => run.columns.map((c) => row.formats[c]));
      range.values = rows.map((row) => run.columns.map((c) => row.values[c] ?? ""));
    }
    if (this.spec.title !== undefined && this.top >= 2) {
      const title = sheet.getRangeByIndexes(this.top - 2, this.left, 1, 1);
      title.numberFormat = [[NUMBER_FORMAT.text]];
      title.values = [[literalText(this.spec.title)]];
      title.format.font.bold = true;
    }
  }

  /** Column widths fit a new table's contents; the officer's widths on an existing one are left alone. */
  finish(): void {
    if (this.created) this.sheetOf().getRangeByIndexes(this.top, this.left, 1 + this.planned.bodyRows, this.planned.width).format.autofitColumns();
  }

  /** A clustered column chart of our columns (theme and the totals), created once, then given the new data. */
  drawChart(chart: Excel.Chart | undefined, spec: { name: string; title: string }, placeEverySync = false): void {
    const plan = this.planned;
    const first = Math.min(...plan.positions);
    const last = Math.max(...plan.positions);
    const sheet = this.sheetOf();
    const source = sheet.getRangeByIndexes(this.top, this.left + first, 1 + plan.bodyRows, last - first + 1);
    let target = chart;
    if (!target || target.isNullObject) {
      target = sheet.charts.add(Excel.ChartType.columnClustered, source, Excel.ChartSeriesBy.columns);
      target.name = spec.name;
    } else {
      target.setData(source, Excel.ChartSeriesBy.columns);
    }
    if (target !== chart || placeEverySync) {
      target.setPosition(sheet.getRangeByIndexes(this.top, this.left + plan.width + 1, 1, 1), sheet.getRangeByIndexes(this.top + CHART_ROWS - 1, this.left + plan.width + 9, 1, 1));
    }
    target.title.text = spec.title;
  }

  report(): Pick<SyncReport, "ownColumns" | "restoredColumns" | "removedRows" | "removedRowsWithOwnValues" | "filtersCleared"> {
    const plan = this.planned;
    return {
      ownColumns: plan.ownColumns,
      restoredColumns: plan.addColumns,
      removedRows: plan.removedRows,
      removedRowsWithOwnValues: plan.removedRowsWithOwnValues,
      filtersCleared: this.filtersCleared,
    };
  }
}

/** Groups our columns' table positions into runs of adjacent columns, each written as one range. */
function adjacentRuns(positions: readonly number[]): { position: number; columns: number[] }[] {
  const byPosition = positions.map((position, column) => ({ position, column })).sort((a, b) => a.position - b.position);
  const runs: { position: number; columns: number[] }[] = [];
  for (const { position, column } of byPosition) {
    const last = runs.at(-1);
    if (last && last.position + last.columns.length === position) last.columns.push(column);
    else runs.push({ position, columns: [column] });
  }
  return runs;
}

/** Writes (or, given undefined, removes) the pinned pack setting and saves it with the document. */
async function saveSetting(value: string | undefined): Promise<void> {
  const settings = Office.context.document.settings;
  const previous: unknown = settings.get(PINNED_PACK_SETTING);
  if (value === undefined) settings.remove(PINNED_PACK_SETTING);
  else settings.set(PINNED_PACK_SETTING, value);
  try {
    await new Promise<void>((resolve, reject) => {
      settings.saveAsync((result) => {
        if (result.status === Office.AsyncResultStatus.Failed) {
          reject(new WorkbookError(`Excel could not save the workbook's settings: ${result.error.message}`));
        } else {
          resolve();
        }
      });
    });
  } catch (err) {
    // Put the in-memory setting back so what the pane and the functions read matches the saved workbook.
    if (previous === null || previous === undefined) settings.remove(PINNED_PACK_SETTING);
    else settings.set(PINNED_PACK_SETTING, previous);
    throw err;
  }
}

/** The custom functions share this page's runtime: the event makes them reload the pinned pack. */
async function announcePinnedPackChanged(): Promise<void> {
  window.dispatchEvent(new Event(PINNED_PACK_CHANGED_EVENT));
  try {
    await recalculateFully();
  } catch (err) {
    throw new WorkbookError(
      `The pack was saved in the workbook, but Excel could not recalculate (${messageOf(err)}). Press Ctrl+Alt+F9 to refresh the TOMS formulas.`,
    );
  }
}

/** Custom functions are not volatile: only a full recalculation makes every TOMS formula run again. */
async function recalculateFully(): Promise<void> {
  await Excel.run(async (context) => {
    context.workbook.application.calculate(Excel.CalculationType.full);
    await context.sync();
  });
}
