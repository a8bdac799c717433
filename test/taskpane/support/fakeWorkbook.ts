/*
 * A small, stateful Excel for the sync tests: sheets of cells, tables, charts. It keeps Office.js's
 * proxy rules, which office-addin-mock does not model for objects that are created, grow and move:
 *  - every call is queued and only happens at `context.sync()`, in order;
 *  - a property may be read only after `load` and a `sync` (reading it earlier throws, where
 *    office-addin-mock would return a sentinel string and let a test pass by accident);
 *  - `isNullObject` is known only after a sync.
 * It also enters values the way Excel does when a person types them: "=...", "+...", "-..." and
 * "@..." become formulas or numbers unless the cell is formatted as text ("@") or the value starts
 * with an apostrophe. Each request's size and operations are recorded.
 */

type Value = string | number | boolean;

export interface Cell {
  value: Value;
  /** Set when Excel would have stored a formula. */
  formula?: string;
  format: string;
  quotePrefix?: boolean;
  bold?: boolean;
}

const BLANK: Cell = { value: "", format: "General" };

class OfficeError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "RichApi.Error";
  }
}

const isBlankCell = (cell: Cell) => cell.value === "" && cell.formula === undefined && cell.format === "General" && !cell.bold && !cell.quotePrefix;

/** A sheet's cells, column by column: moving rows is a splice per column, as fast as a sync test needs. */
export class SheetModel {
  private columns: (Cell | undefined)[][] = [];
  charts: ChartModel[] = [];
  frozenRows = 0;
  autofitted: string[] = [];
  protectedSheet = false;
  constructor(public name: string) {}

  get(row: number, col: number): Cell {
    return this.columns[col]?.[row] ?? BLANK;
  }

  set(row: number, col: number, cell: Cell): void {
    if (this.protectedSheet) throw new OfficeError("AccessDenied", "The cell or chart you're trying to change is on a protected sheet.");
    const column = (this.columns[col] ??= []);
    column[row] = isBlankCell(cell) ? undefined : cell;
  }

  *allCells(): Generator<Cell> {
    for (const column of this.columns) for (const cell of column ?? []) if (cell) yield cell;
  }

  /** Deletes rows [row, row+count) in columns [col, col+cols); cells below move up. */
  deleteShiftUp(row: number, col: number, count: number, cols: number): void {
    for (let c = col; c < col + cols; c++) this.columns[c]?.splice(row, count);
  }

  /** Inserts `count` blank rows at `row` in columns [col, col+cols); cells there and below move down. */
  insertShiftDown(row: number, col: number, count: number, cols: number): void {
    for (let c = col; c < col + cols; c++) {
      const column = this.columns[c];
      if (column && column.length > row) column.splice(row, 0, ...new Array<undefined>(count));
    }
  }

  /** Inserts a blank column at `col` in rows [row, row+rows); cells there and to the right move right. */
  insertShiftRight(row: number, rows: number, col: number): void {
    for (let c = this.columns.length - 1; c >= col; c--) {
      for (let r = row; r < row + rows; r++) {
        const cell = this.columns[c]?.[r];
        (this.columns[c + 1] ??= [])[r] = cell;
        if (this.columns[c]) (this.columns[c] as (Cell | undefined)[])[r] = undefined;
      }
    }
  }

  deleteShiftLeft(row: number, rows: number, col: number): void {
    for (let c = col; c < this.columns.length; c++) {
      for (let r = row; r < row + rows; r++) (this.columns[c] ??= [])[r] = this.columns[c + 1]?.[r];
    }
  }

  usedRange(): RangeRef | null {
    let top = Infinity;
    let bottom = -1;
    let left = Infinity;
    let right = -1;
    this.columns.forEach((column, c) =>
      column?.forEach((cell, r) => {
        if (!cell || (cell.value === "" && cell.formula === undefined)) return;
        top = Math.min(top, r);
        bottom = Math.max(bottom, r);
        left = Math.min(left, c);
        right = Math.max(right, c);
      }),
    );
    return bottom < 0 ? null : { sheet: this, row: top, col: left, rows: bottom - top + 1, cols: right - left + 1 };
  }
}

/**
 * Excel moves a table with the cells under it when rows are inserted or deleted above it in its
 * columns, and refuses when only some of its columns would move.
 */
function moveTablesBelow(book: BookModel, sheet: SheetModel, row: number, col: number, cols: number, by: number, except?: TableModel): void {
  for (const t of book.tables) {
    if (t === except || t.sheet !== sheet || t.row < row || t.col >= col + cols || col >= t.col + t.colCount) continue;
    if (t.col < col || t.col + t.colCount > col + cols) throw new OfficeError("InvalidOperation", "This operation is not allowed. The operation is attempting to shift cells in a table on your worksheet.");
    t.row += by;
  }
}

export class TableModel {
  showTotals = false;
  showHeaders = true;
  filtered = false;
  constructor(
    public name: string,
    public sheet: SheetModel,
    public row: number,
    public col: number,
    /** Header, body and totals rows. */
    public rowCount: number,
    public colCount: number,
  ) {}

  get bodyRows(): number {
    return this.rowCount - 1 - (this.showTotals ? 1 : 0);
  }
}

export interface ChartModel {
  name: string;
  type: string;
  seriesBy: string;
  source: RangeRef;
  title: string;
  position?: [string, string];
}

export interface RangeRef {
  sheet: SheetModel;
  row: number;
  col: number;
  rows: number;
  cols: number;
}

function columnLetters(col: number): string {
  let n = col + 1;
  let letters = "";
  while (n > 0) {
    const rem = (n - 1) % 26;
    letters = String.fromCharCode(65 + rem) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

export function addressOf(ref: RangeRef): string {
  const sheet = /^[A-Za-z0-9_]+$/.test(ref.sheet.name) ? ref.sheet.name : `'${ref.sheet.name}'`;
  const start = `${columnLetters(ref.col)}${ref.row + 1}`;
  const end = `${columnLetters(ref.col + ref.cols - 1)}${ref.row + ref.rows}`;
  return `${sheet}!${start === end ? start : `${start}:${end}`}`;
}

/** What Excel stores when a value is written to a cell, as if typed. */
export function enter(cell: Cell, input: unknown): Cell {
  const base = { format: cell.format, ...(cell.bold ? { bold: true } : {}) };
  if (typeof input === "number" || typeof input === "boolean") return { ...base, value: input };
  const text = String(input);
  if (text.startsWith("'")) return { ...base, value: text.slice(1), quotePrefix: true };
  if (cell.format === "@") return { ...base, value: text };
  const numeric = /^\s*[+-]?(\d+\.?\d*|\.\d+)\s*$/.test(text);
  if (numeric) return { ...base, value: Number(text) };
  if (/^[=+\-@]./s.test(text)) return { ...base, value: 0, formula: text.startsWith("=") ? text : `=${text.slice(text.startsWith("@") ? 1 : 0)}` };
  return { ...base, value: text };
}

type Op = { name: string; args: unknown[]; run: () => void };

export interface Request {
  bytes: number;
  ops: string[];
}

class Context {
  queue: Op[] = [];
  readonly workbook: WorkbookProxy;
  constructor(readonly fake: FakeWorkbook) {
    this.workbook = new WorkbookProxy(this);
  }

  enqueue(name: string, args: unknown[], run: () => void): void {
    this.queue.push({ name, args, run });
  }

  async sync(): Promise<void> {
    const ops = this.queue;
    this.queue = [];
    this.fake.requests.push({ bytes: JSON.stringify(ops.map((o) => [o.name, o.args])).length, ops: ops.map((o) => o.name) });
    for (const op of ops) op.run();
  }
}

abstract class ClientObject<T> {
  private resolved: T | null | undefined;
  private readonly loadedProps = new Map<string, unknown>();
  private nullState: boolean | undefined;

  constructor(
    protected readonly ctx: Context,
    private readonly resolver: () => T | null,
  ) {}

  protected nullable(): T | null {
    if (this.resolved === undefined) this.resolved = this.resolver();
    return this.resolved;
  }

  protected target(): T {
    const t = this.nullable();
    if (t === null) throw new OfficeError("ItemNotFound", "The requested resource doesn't exist.");
    return t;
  }

  protected abstract snapshot(target: T, property: string): unknown;

  load(properties: string): this {
    const names = properties.split(",").map((p) => p.trim());
    this.ctx.enqueue("load", [names], () => {
      const t = this.nullable();
      this.nullState = t === null;
      if (t !== null) for (const name of names) this.loadedProps.set(name, JSON.parse(JSON.stringify(this.snapshot(t, name))) as unknown);
    });
    return this;
  }

  get isNullObject(): boolean {
    if (this.nullState === undefined) throw new Error("isNullObject is not available: load the object and call context.sync() first.");
    return this.nullState;
  }

  protected loaded<V>(name: string): V {
    if (!this.loadedProps.has(name)) {
      throw new Error(`The property '${name}' is not available. Before reading the property's value, call the load method on the containing object and call "context.sync()" on the associated request context.`);
    }
    return this.loadedProps.get(name) as V;
  }

  toJSON(): string {
    return `#${this.constructor.name}`;
  }
}

class WorkbookProxy {
  readonly tables: TableCollectionProxy;
  readonly worksheets: WorksheetCollectionProxy;
  constructor(ctx: Context) {
    this.tables = new TableCollectionProxy(ctx, null);
    this.worksheets = new WorksheetCollectionProxy(ctx);
  }
}

function checkShape(ref: RangeRef, values: unknown, what: string): unknown[][] {
  if (!Array.isArray(values) || values.length !== ref.rows || values.some((row) => !Array.isArray(row) || row.length !== ref.cols)) {
    throw new OfficeError("InvalidArgument", `The number of rows or columns in the input array for ${what} doesn't match the size or dimensions of the range (${ref.rows}×${ref.cols}).`);
  }
  return values as unknown[][];
}

class RangeProxy extends ClientObject<RangeRef> {
  readonly format = {
    autofitColumns: () => this.ctx.enqueue("autofitColumns", [], () => this.target().sheet.autofitted.push(addressOf(this.target()))),
    font: {} as { bold?: boolean },
  };

  constructor(ctx: Context, resolver: () => RangeRef | null) {
    super(ctx, resolver);
    const font = this.format.font;
    Object.defineProperty(font, "bold", {
      set: (bold: boolean) =>
        this.ctx.enqueue("font.bold", [bold], () => this.each((ref, r, c) => ref.sheet.set(r, c, { ...ref.sheet.get(r, c), bold }))),
    });
  }

  protected snapshot(ref: RangeRef, property: string): unknown {
    switch (property) {
      case "values":
        return this.grid(ref, (cell) => cell.value);
      case "formulas":
        return this.grid(ref, (cell) => cell.formula ?? cell.value);
      case "numberFormat":
        return this.grid(ref, (cell) => cell.format);
      case "address":
        return addressOf(ref);
      case "rowIndex":
        return ref.row;
      case "columnIndex":
        return ref.col;
      case "rowCount":
        return ref.rows;
      case "columnCount":
        return ref.cols;
      default:
        throw new Error(`the fake range cannot load ${property}`);
    }
  }

  private grid(ref: RangeRef, read: (cell: Cell) => Value): Value[][] {
    return Array.from({ length: ref.rows }, (_r, r) => Array.from({ length: ref.cols }, (_c, c) => read(ref.sheet.get(ref.row + r, ref.col + c))));
  }

  private each(visit: (ref: RangeRef, row: number, col: number, r: number, c: number) => void): void {
    const ref = this.target();
    for (let r = 0; r < ref.rows; r++) for (let c = 0; c < ref.cols; c++) visit(ref, ref.row + r, ref.col + c, r, c);
  }

  get values(): Value[][] {
    return this.loaded("values");
  }

  set values(values: Value[][]) {
    this.ctx.enqueue("values", [values], () => {
      const grid = checkShape(this.target(), values, "values");
      this.each((ref, row, col, r, c) => ref.sheet.set(row, col, enter(ref.sheet.get(row, col), grid[r]?.[c])));
    });
  }

  get numberFormat(): string[][] {
    return this.loaded("numberFormat");
  }

  set numberFormat(formats: string[][]) {
    this.ctx.enqueue("numberFormat", [formats], () => {
      const grid = checkShape(this.target(), formats, "numberFormat");
      this.each((ref, row, col, r, c) => ref.sheet.set(row, col, { ...ref.sheet.get(row, col), format: String(grid[r]?.[c]) }));
    });
  }

  get address(): string {
    return this.loaded("address");
  }
  get rowIndex(): number {
    return this.loaded("rowIndex");
  }
  get columnIndex(): number {
    return this.loaded("columnIndex");
  }
  get rowCount(): number {
    return this.loaded("rowCount");
  }

  getColumn(index: number): RangeProxy {
    return new RangeProxy(this.ctx, () => {
      const ref = this.target();
      if (index >= ref.cols) throw new OfficeError("InvalidArgument", `column ${index} is outside ${addressOf(ref)}`);
      return { ...ref, col: ref.col + index, cols: 1 };
    });
  }

  delete(shift: string): void {
    this.ctx.enqueue("delete", [shift], () => {
      if (shift !== "Up") throw new Error("the fake deletes with shift Up only");
      const ref = this.target();
      const book = this.ctx.fake.book;
      for (const t of book.tables.filter((t) => t.sheet === ref.sheet)) {
        const overlapsColumns = ref.col < t.col + t.colCount && t.col < ref.col + ref.cols;
        const overlapsRows = ref.row < t.row + t.rowCount && t.row < ref.row + ref.rows;
        if (!overlapsColumns || !overlapsRows) continue;
        const wholeBodyRows = ref.col === t.col && ref.cols === t.colCount && ref.row > t.row && ref.row + ref.rows <= t.row + 1 + t.bodyRows;
        if (!wholeBodyRows) throw new OfficeError("InvalidOperation", "This operation is not allowed: it would move cells of a table on the worksheet.");
        if (t.filtered) throw new OfficeError("InsertDeleteConflict", "The insert or delete operation conflicts with a filter on the table.");
        t.rowCount -= ref.rows;
      }
      moveTablesBelow(book, ref.sheet, ref.row + ref.rows, ref.col, ref.cols, -ref.rows);
      ref.sheet.deleteShiftUp(ref.row, ref.col, ref.rows, ref.cols);
    });
  }

  insert(shift: string): void {
    this.ctx.enqueue("insert", [shift], () => {
      if (shift !== "Down") throw new Error("the fake inserts with shift Down only");
      const ref = this.target();
      const book = this.ctx.fake.book;
      const cut = book.tables.some((t) => t.sheet === ref.sheet && ref.col < t.col + t.colCount && t.col < ref.col + ref.cols && t.row < ref.row && ref.row < t.row + t.rowCount);
      if (cut) throw new Error("the fake inserts cells outside tables only");
      moveTablesBelow(book, ref.sheet, ref.row, ref.col, ref.cols, ref.rows);
      ref.sheet.insertShiftDown(ref.row, ref.col, ref.rows, ref.cols);
    });
  }
}

class WorksheetProxy extends ClientObject<SheetModel> {
  readonly tables: TableCollectionProxy;
  readonly charts: ChartCollectionProxy;
  readonly freezePanes = {
    freezeRows: (count: number) => this.ctx.enqueue("freezeRows", [count], () => (this.target().frozenRows = count)),
  };

  constructor(ctx: Context, resolver: () => SheetModel | null) {
    super(ctx, resolver);
    this.tables = new TableCollectionProxy(ctx, this);
    this.charts = new ChartCollectionProxy(ctx, this);
  }

  /** The sheet, for collections working on it (same resolution rules). */
  sheet(): SheetModel {
    return this.target();
  }

  protected snapshot(sheet: SheetModel, property: string): unknown {
    if (property === "name") return sheet.name;
    throw new Error(`the fake sheet cannot load ${property}`);
  }

  get name(): string {
    return this.loaded("name");
  }

  getRangeByIndexes(row: number, col: number, rows: number, cols: number): RangeProxy {
    if (rows < 1 || cols < 1) throw new OfficeError("InvalidArgument", `a range needs at least one row and one column (got ${rows}×${cols})`);
    return new RangeProxy(this.ctx, () => ({ sheet: this.target(), row, col, rows, cols }));
  }

  getUsedRangeOrNullObject(valuesOnly: boolean): RangeProxy {
    if (!valuesOnly) throw new Error("the fake finds used ranges by values only");
    return new RangeProxy(this.ctx, () => this.target().usedRange());
  }
}

class WorksheetCollectionProxy {
  constructor(private readonly ctx: Context) {}

  getItemOrNullObject(name: string): WorksheetProxy {
    return new WorksheetProxy(this.ctx, () => this.ctx.fake.book.sheet(name) ?? null);
  }

  add(name: string): WorksheetProxy {
    let created: SheetModel | undefined;
    this.ctx.enqueue("worksheets.add", [name], () => {
      if (this.ctx.fake.book.sheet(name)) throw new OfficeError("ItemAlreadyExists", `A sheet called ${name} already exists.`);
      created = new SheetModel(name);
      this.ctx.fake.book.sheets.push(created);
    });
    return new WorksheetProxy(this.ctx, () => created ?? null);
  }
}

class TableProxy extends ClientObject<TableModel> {
  readonly columns = {
    add: (index: number | undefined, values: unknown, name: string) =>
      this.ctx.enqueue("columns.add", [index, values, name], () => {
        if (index !== undefined || values !== undefined) throw new Error("the fake adds named, empty columns at the right only");
        const t = this.target();
        t.sheet.insertShiftRight(t.row, t.rowCount, t.col + t.colCount);
        t.sheet.set(t.row, t.col + t.colCount, enter(BLANK, name));
        t.colCount++;
      }),
  };

  readonly rows = {
    add: (index: number | undefined, values: Value[][]) =>
      this.ctx.enqueue("rows.add", [index, values], () => {
        const t = this.target();
        if (index !== undefined) throw new Error("the fake adds rows at the end only");
        if (t.filtered) throw new OfficeError("InsertDeleteConflict", "The insert or delete operation conflicts with a filter on the table.");
        const at = t.row + 1 + t.bodyRows;
        checkShape({ sheet: t.sheet, row: at, col: t.col, rows: values.length, cols: t.colCount }, values, "rows.add");
        moveTablesBelow(this.ctx.fake.book, t.sheet, at, t.col, t.colCount, values.length, t);
        t.sheet.insertShiftDown(at, t.col, values.length, t.colCount);
        t.rowCount += values.length;
        values.forEach((row, r) => row.forEach((v, c) => t.sheet.set(at + r, t.col + c, enter(BLANK, v))));
      }),
  };

  protected snapshot(t: TableModel, property: string): unknown {
    switch (property) {
      case "name":
        return t.name;
      case "showHeaders":
        return t.showHeaders;
      case "showTotals":
        return t.showTotals;
      default:
        throw new Error(`the fake table cannot load ${property}`);
    }
  }

  get name(): string {
    return this.loaded("name");
  }

  set name(name: string) {
    this.ctx.enqueue("table.name", [name], () => {
      if (this.ctx.fake.book.table(name)) throw new OfficeError("InvalidArgument", `A table called ${name} already exists.`);
      this.target().name = name;
    });
  }

  get showHeaders(): boolean {
    return this.loaded("showHeaders");
  }

  get showTotals(): boolean {
    return this.loaded("showTotals");
  }

  get worksheet(): WorksheetProxy {
    return new WorksheetProxy(this.ctx, () => this.target().sheet);
  }

  get autoFilter(): AutoFilterProxy {
    return new AutoFilterProxy(this.ctx, () => this.target());
  }

  clearFilters(): void {
    this.ctx.enqueue("clearFilters", [], () => (this.target().filtered = false));
  }

  private range(rowOffset: number, rows: (t: TableModel) => number): RangeProxy {
    return new RangeProxy(this.ctx, () => {
      const t = this.target();
      return { sheet: t.sheet, row: t.row + rowOffset, col: t.col, rows: rows(t), cols: t.colCount };
    });
  }

  getHeaderRowRange(): RangeProxy {
    return this.range(0, () => 1);
  }

  getDataBodyRange(): RangeProxy {
    return this.range(1, (t) => t.bodyRows);
  }

  getRange(): RangeProxy {
    return this.range(0, (t) => t.rowCount);
  }
}

class AutoFilterProxy extends ClientObject<TableModel> {
  protected snapshot(t: TableModel, property: string): unknown {
    if (property === "isDataFiltered") return t.filtered;
    throw new Error(`the fake auto filter cannot load ${property}`);
  }

  get isDataFiltered(): boolean {
    return this.loaded("isDataFiltered");
  }
}

class TableCollectionProxy {
  constructor(
    private readonly ctx: Context,
    private readonly sheet: WorksheetProxy | null,
  ) {}

  getItemOrNullObject(name: string): TableProxy {
    return new TableProxy(this.ctx, () => {
      const t = this.ctx.fake.book.table(name);
      return t && (!this.sheet || t.sheet === this.sheet.sheet()) ? t : null;
    });
  }

  add(where: RangeProxy, hasHeaders: boolean): TableProxy {
    if (!this.sheet) throw new Error("add tables through a worksheet's tables");
    let created: TableModel | undefined;
    const sheet = this.sheet;
    this.ctx.enqueue("tables.add", [where, hasHeaders], () => {
      const ref = (where as unknown as { target(): RangeRef }).target();
      if (ref.sheet !== sheet.sheet()) throw new OfficeError("InvalidArgument", "The range is on another sheet.");
      const book = this.ctx.fake.book;
      const overlaps = book.tables.some((t) => t.sheet === ref.sheet && ref.col < t.col + t.colCount && t.col < ref.col + ref.cols && ref.row < t.row + t.rowCount && t.row < ref.row + ref.rows);
      if (overlaps) throw new OfficeError("InvalidOperation", "A table can't overlap another table.");
      if (!hasHeaders) throw new Error("the fake makes tables with headers only");
      for (let c = 0; c < ref.cols; c++) {
        if (ref.sheet.get(ref.row, ref.col + c).value === "") ref.sheet.set(ref.row, ref.col + c, enter(BLANK, `Column${c + 1}`));
      }
      created = new TableModel(`Table${book.tables.length + 1}`, ref.sheet, ref.row, ref.col, ref.rows, ref.cols);
      book.tables.push(created);
    });
    return new TableProxy(this.ctx, () => created ?? null);
  }
}

class ChartProxy extends ClientObject<ChartModel> {
  readonly title = {} as { text?: string };

  constructor(ctx: Context, resolver: () => ChartModel | null) {
    super(ctx, resolver);
    Object.defineProperty(this.title, "text", {
      set: (text: string) => this.ctx.enqueue("chart.title", [text], () => (this.target().title = text)),
    });
  }

  protected snapshot(chart: ChartModel, property: string): unknown {
    if (property === "name") return chart.name;
    throw new Error(`the fake chart cannot load ${property}`);
  }

  get name(): string {
    return this.loaded("name");
  }

  set name(name: string) {
    this.ctx.enqueue("chart.name", [name], () => (this.target().name = name));
  }

  setData(source: RangeProxy, seriesBy: string): void {
    this.ctx.enqueue("chart.setData", [source, seriesBy], () => {
      const chart = this.target();
      chart.source = (source as unknown as { target(): RangeRef }).target();
      chart.seriesBy = seriesBy;
    });
  }

  setPosition(start: RangeProxy, end: RangeProxy): void {
    this.ctx.enqueue("chart.setPosition", [start, end], () => {
      const at = (r: RangeProxy) => addressOf((r as unknown as { target(): RangeRef }).target());
      this.target().position = [at(start), at(end)];
    });
  }
}

class ChartCollectionProxy {
  constructor(
    private readonly ctx: Context,
    private readonly sheet: WorksheetProxy,
  ) {}

  getItemOrNullObject(name: string): ChartProxy {
    return new ChartProxy(this.ctx, () => this.sheet.sheet().charts.find((c) => c.name.toLowerCase() === name.toLowerCase()) ?? null);
  }

  add(type: string, source: RangeProxy, seriesBy: string): ChartProxy {
    let created: ChartModel | undefined;
    this.ctx.enqueue("charts.add", [type, source, seriesBy], () => {
      const sheet = this.sheet.sheet();
      created = { name: `Chart ${sheet.charts.length + 1}`, type, seriesBy, source: (source as unknown as { target(): RangeRef }).target(), title: "" };
      sheet.charts.push(created);
    });
    return new ChartProxy(this.ctx, () => created ?? null);
  }
}

export class BookModel {
  sheets: SheetModel[] = [];
  tables: TableModel[] = [];

  sheet(name: string): SheetModel | undefined {
    return this.sheets.find((s) => s.name.toLowerCase() === name.toLowerCase());
  }

  table(name: string): TableModel | undefined {
    return this.tables.find((t) => t.name.toLowerCase() === name.toLowerCase());
  }
}

export class FakeWorkbook {
  readonly book = new BookModel();
  readonly requests: Request[] = [];

  /** The `Excel` global: `run` gives the batch a fresh context on this workbook. */
  readonly excel = {
    run: async <T>(batch: (context: Context) => Promise<T>): Promise<T> => {
      const context = new Context(this);
      const result = await batch(context);
      if (context.queue.length > 0) throw new Error(`${context.queue.length} operations were queued after the last context.sync() and would be lost`);
      return result;
    },
    ChartType: { columnClustered: "ColumnClustered" },
    ChartSeriesBy: { columns: "Columns" },
    DeleteShiftDirection: { up: "Up" },
    InsertShiftDirection: { down: "Down" },
  };

  install(): () => void {
    const g = globalThis as Record<string, unknown>;
    g.Excel = this.excel;
    g.Office = { HostType: { Excel: "Excel" } };
    return () => {
      delete g.Excel;
      delete g.Office;
    };
  }

  requireTable(name: string): TableModel {
    const t = this.book.table(name);
    if (!t) throw new Error(`no table ${name}`);
    return t;
  }

  requireSheet(name: string): SheetModel {
    const s = this.book.sheet(name);
    if (!s) throw new Error(`no sheet ${name}`);
    return s;
  }

  /** A table's cells: header and body rows (and the totals row when shown). */
  cellsOf(name: string): { header: Value[]; body: Cell[][] } {
    const t = this.requireTable(name);
    const row = (r: number) => Array.from({ length: t.colCount }, (_c, c) => t.sheet.get(t.row + r, t.col + c));
    return { header: row(0).map((c) => c.value), body: Array.from({ length: t.bodyRows }, (_r, r) => row(r + 1)) };
  }

  /** The body as values, one object per row keyed by header. */
  records(name: string): Record<string, Value>[] {
    const { header, body } = this.cellsOf(name);
    return body.map((row) => Object.fromEntries(header.map((h, c) => [String(h), row[c]?.value ?? ""])));
  }

  // What an officer does by hand between syncs.

  /** Inserts a column into a table at `at` (0 = first column) with a header and body values. */
  insertColumn(tableName: string, at: number, header: string, values: Value[]): void {
    const t = this.requireTable(tableName);
    t.sheet.insertShiftRight(t.row, t.rowCount, t.col + at);
    t.colCount++;
    t.sheet.set(t.row, t.col + at, { value: header, format: "General" });
    values.forEach((v, r) => t.sheet.set(t.row + 1 + r, t.col + at, enter(BLANK, v)));
  }

  deleteColumn(tableName: string, header: string): void {
    const t = this.requireTable(tableName);
    const at = this.cellsOf(tableName).header.indexOf(header);
    if (at < 0) throw new Error(`no column ${header}`);
    t.sheet.deleteShiftLeft(t.row, t.rowCount, t.col + at);
    t.colCount--;
  }

  renameHeader(tableName: string, from: string, to: string): void {
    const t = this.requireTable(tableName);
    const at = this.cellsOf(tableName).header.indexOf(from);
    t.sheet.set(t.row, t.col + at, { value: to, format: "General" });
  }

  addSheet(name: string): SheetModel {
    const sheet = new SheetModel(name);
    this.book.sheets.push(sheet);
    return sheet;
  }
}
