import { FrameworkPack, validatePack } from "./pack";
import { ValidationError } from "./problems";

/**
 * A workbook is pinned to one pack edition: the whole pack is kept in the document's settings
 * under this key, so everyone opening the workbook values with the same figures.
 */
export const PINNED_PACK_SETTING = "socialValueLedger.pinnedPack";

/** Fired on `window` in the shared runtime when the task pane pins a pack, so functions reload it. */
export const PINNED_PACK_CHANGED_EVENT = "svl:pinned-pack-changed";

export function serialisePinnedPack(pack: FrameworkPack): string {
  return JSON.stringify(pack);
}

/** Reads a pinned pack back; a damaged setting is reported, never silently replaced. */
export function readPinnedPack(setting: unknown): FrameworkPack | undefined {
  if (setting === null || setting === undefined || setting === "") return undefined;
  let data: unknown = setting;
  if (typeof setting === "string") {
    try {
      data = JSON.parse(setting);
    } catch {
      throw new ValidationError("The workbook's pinned pack", [{ path: [], message: "is damaged (not JSON); pin a pack again from the task pane" }]);
    }
  }
  return validatePack(data);
}
