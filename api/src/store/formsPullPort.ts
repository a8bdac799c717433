/**
 * Where the pull of one response workbook got to, in the `FormsPull` table (api/STORAGE.md):
 * PartitionKey `watermark`, RowKey a digest of form id + drive id + item id.
 */
export interface PullWatermark {
  /** The table row to read next (zero-based, header not counted). */
  nextRow: number;
  /** The ID column of the last row taken in, to check the rows have not moved since. */
  lastId?: string;
  /** The table the rows came from. */
  table?: string;
  updatedAt: string;
}

export interface FormsPullStore {
  getWatermark(sourceKey: string): Promise<PullWatermark | undefined>;
  putWatermark(sourceKey: string, watermark: PullWatermark): Promise<void>;
}
