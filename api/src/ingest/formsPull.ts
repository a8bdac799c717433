import { mapWorkbookRow, planColumns, sourceItemPath } from "../../../shared";
import type { ColumnPlan, FormsPullSource } from "../../../shared";
import type { Deps } from "../deps";
import { readWorkbookTablePages } from "../graph/formsWorkbook";
import type { WorkbookRow } from "../graph/formsWorkbook";
import { ingestSubmission, quarantine } from "./ingestion";
import type { Arrival } from "./ingestion";
import { digest } from "../store/keys";
import type { InboxEntry } from "../store/ports";
import type { PullWatermark } from "../store/formsPullPort";
import { mapWithLimit } from "../lib/concurrency";

/**
 * The Graph pull of the Forms response workbooks (infra/forms/FLOW.md, part 2): for each source,
 * read the rows after the watermark page by page, map each to the canonical submission by header
 * text, and hand it to the same ingestion as `POST /api/forms/responses` (idempotent on formId +
 * responseId; bad rows quarantined with the raw row). The watermark moves after each page, so a
 * pull that fails half-way carries on from the last whole page; rows of the page it was in are
 * taken in again, and recognised as repeats.
 */

/** How the raw row is stored in the inbox and shown in quarantine. */
export const WORKBOOK_ROW_CONTENT_TYPE = "application/vnd.svl.forms-workbook-row+json";
const ROW_CONCURRENCY = 16;

export interface PullSourceResult {
  formId: string;
  item: string;
  table?: string;
  rowsRead: number;
  created: number;
  repeats: number;
  evidenceAttached: number;
  quarantined: number;
  /** Rows with nothing in them: not responses. */
  blank: number;
  nextRow: number;
  /** Mapped headers the workbook does not have (harmless for optional questions). */
  unmatchedHeaders: string[];
  error?: string;
}

export class FormsPullError extends Error {
  constructor(readonly results: PullSourceResult[]) {
    const failed = results.filter((r) => r.error !== undefined);
    super(`The Forms pull failed for ${failed.map((r) => `form ${r.formId} (${r.error})`).join("; ")}; the next pull carries on from the last page taken in.`);
    this.name = "FormsPullError";
  }
}

/** A mapping that does not fit the workbook: no row can be read until the mapping is changed. */
class MappingError extends Error {}

export function sourceKey(source: FormsPullSource): string {
  return digest(source.formId, source.driveId, source.itemId);
}

const idOf = (plan: ColumnPlan, row: WorkbookRow) => {
  const header = plan.columns.get("responseId")?.[0];
  return header === undefined ? "" : String(row.values[header] ?? "").trim();
};

/**
 * One page of rows: each mapped, the non-blank ones stored raw in the inbox (in a few
 * transactions, before anything is checked), then each taken in as a submission or quarantined.
 */
async function takePage(deps: Deps, source: FormsPullSource, plan: ColumnPlan, table: string, rows: WorkbookRow[], result: PullSourceResult): Promise<void> {
  const mapped = rows.map((row) => ({ row, mapped: mapWorkbookRow(source, plan, row, deps.settings.timeZone) }));
  const responses = mapped.filter((m) => m.mapped.kind !== "blank");
  result.blank += mapped.length - responses.length;
  const receivedAt = deps.clock.now().toISOString();
  // The row exactly as Graph gave it, keyed by header.
  const raws = responses.map(({ row }) => JSON.stringify({ source: "forms-workbook", formId: source.formId, item: sourceItemPath(source), table, row: row.index, values: row.values }));
  const inbox = await deps.store.storeRawMany(raws.map((body) => ({ receivedAt, contentType: WORKBOOK_ROW_CONTENT_TYPE, body, encoding: "utf8" as const })));
  await mapWithLimit(
    responses.map((r, i) => ({ ...r, arrival: { inbox: inbox[i] as InboxEntry, contentType: WORKBOOK_ROW_CONTENT_TYPE, raw: raws[i] as string } as Arrival })),
    ROW_CONCURRENCY,
    async ({ row, mapped: m, arrival }) => {
      if (m.kind === "refused") {
        arrival.parsed = { formId: m.formId, responseId: m.responseId };
        await quarantine(deps, arrival, m.problems);
        result.quarantined++;
        return;
      }
      if (m.kind !== "submission") return;
      arrival.parsed = m.submission;
      const outcome = await ingestSubmission(deps, arrival);
      if (outcome.kind === "busy") throw new Error(`row ${row.index + 2}: ${outcome.message}`);
      if (outcome.kind === "quarantined") result.quarantined++;
      else if (outcome.result.outcome === "created") result.created++;
      else if (outcome.result.outcome === "evidence-attached") result.evidenceAttached++;
      else result.repeats++;
    },
  );
}

/** Reads one workbook from its watermark, counting into `result` as it goes (so a failure still shows what was done). */
async function pullSource(deps: Deps, source: FormsPullSource, result: PullSourceResult, log: (message: string) => void): Promise<void> {
  const graph = deps.graph;
  if (!graph) throw new Error("no Graph credential is configured (GRAPH_TENANT_ID/GRAPH_CLIENT_ID/GRAPH_CLIENT_SECRET, or the managed identity in Azure)");
  const store = deps.store.formsPull;
  const key = sourceKey(source);
  const item = result.item;
  let watermark: PullWatermark | undefined = await store.getWatermark(key);

  for (let attempt = 0; attempt < 2; attempt++) {
    // One row of overlap: the last row taken in must still hold the ID it had, or rows have moved
    // (deleted or sorted in Excel) and the whole table is read again; repeats are recognised.
    const overlap = watermark?.lastId !== undefined && watermark.nextRow > 0;
    const fromRow = watermark ? (overlap ? watermark.nextRow - 1 : watermark.nextRow) : 0;
    result.nextRow = fromRow;
    let plan: ColumnPlan | undefined;
    let moved = false;
    let checkOverlap = overlap;
    const location = { item, ...(source.worksheet ? { worksheet: source.worksheet } : {}), ...((source.table ?? watermark?.table) ? { table: source.table ?? watermark?.table } : {}) };
    for await (const page of readWorkbookTablePages(graph, location, { pageSize: deps.settings.formsPull.pageSize, fromRow, warn: (message, error) => log(`${message}: ${String(error)}`) })) {
      result.table = page.table;
      if (!plan) {
        const planned = planColumns(source, page.headers);
        if (planned.problems.length > 0) throw new MappingError(planned.problems.map((p) => p.message).join("; "));
        plan = planned.plan;
        result.unmatchedHeaders = plan.unmatched;
      }
      let rows = page.rows;
      if (checkOverlap) {
        checkOverlap = false;
        if (rows[0] === undefined || idOf(plan, rows[0]) !== watermark?.lastId) {
          moved = true;
          break;
        }
        rows = rows.slice(1);
      }
      await takePage(deps, source, plan, page.table, rows, result);
      result.rowsRead += rows.length;
      const last = page.rows[page.rows.length - 1];
      watermark = { nextRow: page.nextRow, ...(last ? { lastId: idOf(plan, last) } : watermark?.lastId ? { lastId: watermark.lastId } : {}), table: page.table, updatedAt: deps.clock.now().toISOString() };
      // Committed after every page: a failure later resumes here.
      await store.putWatermark(key, watermark);
      result.nextRow = page.nextRow;
    }
    if (!moved) break;
    log(`Form ${source.formId}: row ${fromRow + 2} no longer holds response ${watermark?.lastId}; rows were deleted or moved, so the whole table is read again (repeats are recognised).`);
    watermark = undefined;
  }
  if (result.unmatchedHeaders.length > 0) log(`Form ${source.formId}: the workbook has no column ${result.unmatchedHeaders.map((h) => `"${h}"`).join(", ")}; those answers are left empty.`);
}

/** Reads every configured workbook. Throws FormsPullError, after trying them all, if any failed. */
export async function pullFormsResponses(deps: Deps, options: { log?: (message: string) => void } = {}): Promise<PullSourceResult[]> {
  const log = options.log ?? (() => undefined);
  const results: PullSourceResult[] = [];
  // One workbook at a time: Graph advises against parallel requests to a workbook, and the sources are few.
  for (const source of deps.settings.formsPull.sources) {
    const result: PullSourceResult = { formId: source.formId, item: sourceItemPath(source), rowsRead: 0, created: 0, repeats: 0, evidenceAttached: 0, quarantined: 0, blank: 0, nextRow: 0, unmatchedHeaders: [] };
    results.push(result);
    try {
      await pullSource(deps, source, result, log);
    } catch (error) {
      result.error = error instanceof MappingError ? `the column mapping does not fit the workbook: ${error.message}` : error instanceof Error ? error.message : String(error);
    }
    log(
      `Form ${source.formId}: ${result.rowsRead} rows read, ${result.created} new, ${result.evidenceAttached} evidence, ${result.repeats} repeats, ${result.quarantined} quarantined; next row ${result.nextRow}` +
        (result.error ? `; stopped: ${result.error}` : "."),
    );
  }
  if (results.some((r) => r.error !== undefined)) throw new FormsPullError(results);
  return results;
}
