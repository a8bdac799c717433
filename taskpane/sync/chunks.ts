/**
 * Excel refuses a request (one `context.sync()`) over about 5 MB. Writes are planned at half that:
 * the estimate counts our cells' JSON, and Office's own envelope adds to it. A typical contract
 * (a few thousand contributions, ~300 bytes a row with formats) fits in one request.
 */
export const EXCEL_REQUEST_LIMIT_BYTES = 5 * 1024 * 1024;
export const DEFAULT_CHUNK_BYTES = EXCEL_REQUEST_LIMIT_BYTES / 2;

export interface Chunk {
  /** First body row, counted from 0. */
  start: number;
  /** One past the last body row. */
  end: number;
}

/**
 * Splits body rows [0, rows) into consecutive chunks whose estimated bytes stay within `budget`;
 * the first chunk shares its request with `firstChunkOverhead` bytes of other work. A row larger
 * than the budget travels alone (Excel will say if it is too large even so).
 */
export function planChunks(rows: number, rowBytes: (row: number) => number, budget = DEFAULT_CHUNK_BYTES, firstChunkOverhead = 0): Chunk[] {
  const chunks: Chunk[] = [];
  let start = 0;
  let used = firstChunkOverhead;
  for (let row = 0; row < rows; row++) {
    const bytes = rowBytes(row);
    if (row > start && used + bytes > budget) {
      chunks.push({ start, end: row });
      start = row;
      used = 0;
    }
    used += bytes;
  }
  chunks.push({ start, end: rows });
  return chunks;
}
