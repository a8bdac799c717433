import { indexPack, totalsByTheme } from "../../../shared";
import type { Commitment, Contribution, FrameworkPack } from "../../../shared";

export interface ThemeLine {
  theme: string;
  committed: number;
  delivered: number;
}

export interface SocialValueSummary {
  lines: ThemeLine[];
  committed: number;
  delivered: number;
}

const column = <T,>(rows: readonly T[], pick: (row: T) => unknown) => rows.map((row) => [pick(row)]);

/**
 * Committed against delivered social value by theme, both valued with the contract's pinned pack.
 * Delivered counts accepted contributions only: evidence not yet accepted is not yet delivered.
 */
export function socialValueByTheme(pack: FrameworkPack, commitments: readonly Commitment[], accepted: readonly Contribution[]): SocialValueSummary {
  const index = indexPack(pack);
  const committed = totalsByTheme(index, column(commitments, (c) => c.measureCode), column(commitments, (c) => c.quantity));
  const delivered = totalsByTheme(index, column(accepted, (c) => c.measureCode), column(accepted, (c) => c.quantity));
  const lines = committed.map((line, i) => ({ theme: line.theme, committed: line.value, delivered: delivered[i]?.value ?? 0 }));
  return {
    lines,
    committed: lines.reduce((sum, l) => sum + l.committed, 0),
    delivered: lines.reduce((sum, l) => sum + l.delivered, 0),
  };
}
