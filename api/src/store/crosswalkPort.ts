import type { Crosswalk } from "../../../shared";

/** Crosswalks between frameworks (api/STORAGE.md, Crosswalks): replaced whole, listed without their mappings by readers that only show them. */
export interface CrosswalkStore {
  putCrosswalk(crosswalk: Crosswalk): Promise<void>;
  getCrosswalk(id: string): Promise<Crosswalk | undefined>;
  listCrosswalks(): Promise<Crosswalk[]>;
}
