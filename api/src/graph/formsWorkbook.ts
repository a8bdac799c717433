import type { WorkbookRange, WorkbookSessionInfo, WorkbookTable, WorkbookTableRow } from "@microsoft/microsoft-graph-types";
import { GraphRequestError } from "./graphCall";
import type { GraphAnswer, GraphCaller } from "./graphCall";

/**
 * Reads the table that Microsoft Forms keeps its responses in, through the Graph workbook API,
 * in a non-persistent session (nothing a read does can change the workbook). Rows come back keyed
 * by header text, because Forms can put columns out of question order (docs/FORMS-AND-GRAPH.md §1.1).
 */

export interface WorkbookTableLocation {
  /** The workbook's drive item: `/drives/{drive-id}/items/{item-id}`, `/users/{upn}/drive/items/{id}` or `/sites/{id}/drive/items/{id}`. */
  item: string;
  /** Only look for the table on this worksheet. */
  worksheet?: string;
  /** The table's name or id. Found by listing when not given: the synced Forms table's name is not documented. */
  table?: string;
}

export interface WorkbookRow {
  /** Zero-based position in the table (not counting the header), as Graph numbers it. */
  index: number;
  /** Cell values keyed by header text: numbers (dates as Excel serials), strings, booleans; "" for an empty cell. */
  values: Record<string, unknown>;
}

export interface WorkbookPage {
  table: string;
  headers: string[];
  rows: WorkbookRow[];
  /** Where the next read should start (`fromRow`) to carry on after this page. */
  nextRow: number;
}

export interface ReadWorkbookOptions {
  /** Rows asked for per request ($top); Graph may send fewer. */
  pageSize?: number;
  /** Skip the rows before this index (a watermark from an earlier read). */
  fromRow?: number;
  /** Told when closing the session fails after a read; the session expires by itself after 7 minutes. */
  warn?: (message: string, error: unknown) => void;
}

export class WorkbookTableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WorkbookTableError";
  }
}

/** A Graph collection page; microsoft-graph-types describes the entities, not the OData envelope. */
interface Collection<T> {
  value?: T[];
  "@odata.nextLink"?: string;
}

const SESSION_LOST = new Set(["invalidsessionrecreatable", "invalidsessionnotfound"]);
const MAX_SESSION_RENEWALS = 3;

function checkItemPath(item: string): string {
  const path = item.trim().replace(/\/+$/, "");
  if (!path.startsWith("/") || /[?#]/.test(path) || !/\/items\/[^/]+$/.test(path)) {
    throw new WorkbookTableError(`"${item}" is not a drive item path like /drives/{drive-id}/items/{item-id}`);
  }
  return path;
}

/** The entries of a collection answer; each is still checked field by field, as Graph sent it. */
function listOf<T>(answer: GraphAnswer, what: string): T[] {
  const value: unknown = (answer.body as Collection<T> | undefined)?.value;
  if (!Array.isArray(value)) throw new WorkbookTableError(`Graph's answer for ${what} has no "value" list`);
  return value as T[];
}

/** One reader per read: holds the workbook session and renews it if Graph drops it. */
class WorkbookSession {
  private id: string | undefined;
  private renewals = 0;

  constructor(
    private readonly graph: GraphCaller,
    private readonly item: string,
  ) {}

  async open(): Promise<void> {
    const answer = await this.graph.request({ method: "POST", path: `${this.item}/workbook/createSession`, body: { persistChanges: false } });
    const id: unknown = (answer.body as WorkbookSessionInfo | undefined)?.id;
    if (typeof id !== "string" || id === "") throw new WorkbookTableError("Graph created a workbook session but gave no session id");
    this.id = id;
  }

  /** GET within the session; a session Graph has dropped (idle for 7 minutes) is opened again and the read repeated. */
  async get(path: string): Promise<GraphAnswer> {
    for (;;) {
      try {
        return await this.graph.request({ method: "GET", path, headers: this.id ? { "workbook-session-id": this.id } : {} });
      } catch (error) {
        const lost = error instanceof GraphRequestError && error.codes().some((c) => SESSION_LOST.has(c));
        if (!lost || this.renewals >= MAX_SESSION_RENEWALS) throw error;
        this.renewals++;
        await this.open();
      }
    }
  }

  async close(warn: (message: string, error: unknown) => void): Promise<void> {
    if (!this.id) return;
    try {
      await this.graph.request({ method: "POST", path: `${this.item}/workbook/closeSession`, body: {}, headers: { "workbook-session-id": this.id } });
    } catch (error) {
      warn(`Closing workbook session on ${this.item} failed; Graph ends it after 7 idle minutes`, error);
    }
  }
}

async function findTable(session: WorkbookSession, item: string, location: WorkbookTableLocation): Promise<string> {
  if (location.table) return location.table;
  const where = location.worksheet ? `worksheet "${location.worksheet}"` : "the workbook";
  const path = location.worksheet ? `${item}/workbook/worksheets/${encodeURIComponent(location.worksheet)}/tables` : `${item}/workbook/tables`;
  const tables = listOf<WorkbookTable>(await session.get(path), `the tables of ${where}`);
  const names = tables.map((t) => (typeof t.name === "string" ? t.name : typeof t.id === "string" ? t.id : "")).filter((n) => n !== "");
  if (names.length === 1) return names[0] as string;
  if (names.length === 0) throw new WorkbookTableError(`${where} has no table; open the Forms responses in Excel once so Forms creates it`);
  throw new WorkbookTableError(`${where} has ${names.length} tables (${names.join(", ")}); configure which one holds the Forms responses`);
}

async function readHeaders(session: WorkbookSession, tablePath: string, table: string): Promise<string[]> {
  const values: unknown = ((await session.get(`${tablePath}/headerRowRange`)).body as WorkbookRange | undefined)?.values;
  const first = Array.isArray(values) ? values[0] : undefined;
  if (!Array.isArray(first) || first.length === 0) throw new WorkbookTableError(`table "${table}" has no header row`);
  const headers = first.map((h) => String(h ?? ""));
  const seen = new Set<string>();
  for (const header of headers) {
    if (seen.has(header)) throw new WorkbookTableError(`table "${table}" has two columns headed "${header}"`);
    seen.add(header);
  }
  return headers;
}

function toRow(entry: WorkbookTableRow | null, fallbackIndex: number, headers: string[], table: string): WorkbookRow {
  const index: unknown = entry?.index;
  const values: unknown = entry?.values;
  const cells = Array.isArray(values) ? values[0] : undefined;
  const at = typeof index === "number" ? index : fallbackIndex;
  if (!Array.isArray(cells) || cells.length !== headers.length) {
    // The table changed shape between reading its header and this row (a column added or removed).
    throw new WorkbookTableError(`row ${at} of table "${table}" has ${Array.isArray(cells) ? cells.length : "no"} cells but the header has ${headers.length}; read again`);
  }
  return { index: at, values: Object.fromEntries(headers.map((h, i) => [h, cells[i]])) };
}

/**
 * Pages through the table's rows: `$top`/`$skip` as Graph documents, following `@odata.nextLink`
 * if Graph ever sends one. Reads until an empty page, because Graph may cap a page below `$top`
 * without saying so. An empty table gives one page with no rows. The session is closed when the
 * reading ends, early or not.
 */
export async function* readWorkbookTablePages(graph: GraphCaller, location: WorkbookTableLocation, options: ReadWorkbookOptions = {}): AsyncGenerator<WorkbookPage> {
  const item = checkItemPath(location.item);
  const pageSize = options.pageSize ?? 1000;
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError("pageSize must be a whole number of rows, at least 1");
  if (!Number.isInteger(options.fromRow ?? 0) || (options.fromRow ?? 0) < 0) throw new RangeError("fromRow must be a row index, 0 or more");
  const warn = options.warn ?? ((message: string, error: unknown) => console.warn(message, error));
  const session = new WorkbookSession(graph, item);
  await session.open();
  try {
    const table = await findTable(session, item, location);
    const tablePath = `${item}/workbook/tables/${encodeURIComponent(table)}`;
    const headers = await readHeaders(session, tablePath, table);
    let skip = options.fromRow ?? 0;
    let next = `${tablePath}/rows?$top=${pageSize}&$skip=${skip}`;
    let pages = 0;
    let linked = false;
    for (;;) {
      const answer = await session.get(next);
      const entries = listOf<WorkbookTableRow | null>(answer, `the rows of table "${table}"`);
      if (entries.length === 0) {
        // An empty table still tells the caller its headers.
        if (pages === 0) yield { table, headers, rows: [], nextRow: skip };
        return;
      }
      const rows = entries.map((entry, i) => toRow(entry, skip + i, headers, table));
      skip += entries.length;
      const nextLink: unknown = (answer.body as Collection<WorkbookTableRow>)["@odata.nextLink"];
      pages++;
      yield { table, headers, rows, nextRow: skip };
      if (typeof nextLink === "string") {
        linked = true;
        next = nextLink;
      } else if (linked) {
        // A server that pages with links marks the last page by leaving the link out.
        return;
      } else {
        next = `${tablePath}/rows?$top=${pageSize}&$skip=${skip}`;
      }
    }
  } finally {
    await session.close(warn);
  }
}

/** Every row from `fromRow` on, in one list. */
export async function readWorkbookTable(
  graph: GraphCaller,
  location: WorkbookTableLocation,
  options: ReadWorkbookOptions = {},
): Promise<{ table: string; headers: string[]; rows: WorkbookRow[]; nextRow: number }> {
  const result = { table: location.table ?? "", headers: [] as string[], rows: [] as WorkbookRow[], nextRow: options.fromRow ?? 0 };
  for await (const page of readWorkbookTablePages(graph, location, options)) {
    result.table = page.table;
    result.headers = page.headers;
    result.nextRow = page.nextRow;
    for (const row of page.rows) result.rows.push(row);
  }
  return result;
}
