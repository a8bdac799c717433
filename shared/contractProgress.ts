import type { Commitment, Contribution } from "./model";
import { addPounds, sumPounds } from "./money";
import { findMeasure } from "./pack";
import type { Measure, PackIndex } from "./pack";
import { valueOrNull } from "./valuation";

/** Where a measure is missing from the contract's pack, its theme says so rather than staying blank. */
export const NOT_IN_PACK = "Not in the contract's pack";

export interface ThemeProgress {
  theme: string;
  /** £ committed: quantity × the pinned pack's proxy (the £ itself for face-value measures). */
  committed: number;
  /** £ delivered: contributions whose evidence is accepted, at the value stored when they were reported. */
  delivered: number;
  /** £ reported but not yet delivered: evidence missing, sent or rejected. */
  awaiting: number;
}

export interface ContractProgress {
  /** The pack's themes in its order, then NOT_IN_PACK if anything names a measure the pack lacks. */
  themes: ThemeProgress[];
  committed: number;
  delivered: number;
  awaiting: number;
}

/**
 * Committed against delivered social value by theme for one contract, valued with its pinned pack.
 * Delivered uses each contribution's stored value, as TOMS.DELIVERED and the API do, so the pane,
 * the Social value sheet and the formulas agree; record-only and qualitative measures count £0.
 */
export function contractProgress(pack: PackIndex, commitments: readonly Commitment[], contributions: readonly Pick<Contribution, "measureCode" | "evidenceStatus" | "value">[]): ContractProgress {
  const byTheme = new Map<string, ThemeProgress>(pack.pack.themes.map((theme) => [theme, { theme, committed: 0, delivered: 0, awaiting: 0 }]));
  const add = (code: string, field: "committed" | "delivered" | "awaiting", amount: (measure: Measure | undefined) => number) => {
    const measure = findMeasure(pack, code);
    const theme = measure?.theme ?? NOT_IN_PACK;
    let line = byTheme.get(theme);
    if (!line) {
      line = { theme, committed: 0, delivered: 0, awaiting: 0 };
      byTheme.set(theme, line);
    }
    line[field] = addPounds(line[field], amount(measure));
  };
  for (const c of commitments) add(c.measureCode, "committed", (measure) => (measure ? (valueOrNull(measure, c.quantity) ?? 0) : 0));
  for (const c of contributions) add(c.measureCode, c.evidenceStatus === "accepted" ? "delivered" : "awaiting", () => c.value ?? 0);

  const themes = [...byTheme.values()];
  const sum = (field: "committed" | "delivered" | "awaiting") => sumPounds(themes.map((line) => line[field]));
  return { themes, committed: sum("committed"), delivered: sum("delivered"), awaiting: sum("awaiting") };
}
