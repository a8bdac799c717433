import { daysOverdue, findMeasure, isOverdue, supplierKey } from "../../../shared";
import type { Contribution, EvidenceStatus, IsoDate, PackIndex } from "../../../shared";

/** One row of the Contributions grid: the contribution plus what the grid filters and sorts by. */
export interface ContributionRow {
  contribution: Contribution;
  /** The measure's theme in the contract's pack; undefined for a code the pack does not have. */
  theme: string | undefined;
  unit: string | undefined;
  /** Days past the due date with evidence still owed; 0 when not overdue. */
  overdueDays: number;
}

export type SortKey = "id" | "supplier" | "value" | "due";
export type SortDirection = "ascending" | "descending";
export interface Sort {
  key: SortKey;
  direction: SortDirection;
}

export const ALL = "all";

export interface Filters {
  status: EvidenceStatus | typeof ALL;
  /** A supplierKey, so "Acme  Build ltd" and "Acme Build Ltd" are one supplier. */
  supplier: string;
  theme: string;
  overdueOnly: boolean;
  /** Only contributions with warnings (docs/WARNINGS.md). */
  needsLookOnly: boolean;
}

export const NO_FILTERS: Filters = { status: ALL, supplier: ALL, theme: ALL, overdueOnly: false, needsLookOnly: false };

export function toRows(contributions: readonly Contribution[], pack: PackIndex, today: IsoDate): ContributionRow[] {
  return contributions.map((contribution) => toRow(contribution, pack, today));
}

export function toRow(contribution: Contribution, pack: PackIndex, today: IsoDate): ContributionRow {
  const measure = findMeasure(pack, contribution.measureCode);
  const overdue = isOverdue(contribution.evidenceStatus, contribution.evidenceDueDate, today);
  return {
    contribution,
    theme: measure?.theme,
    unit: measure?.unit,
    overdueDays: overdue ? daysOverdue(contribution.evidenceDueDate, today) : 0,
  };
}

export function applyFilters(rows: readonly ContributionRow[], filters: Filters): ContributionRow[] {
  return rows.filter(
    (row) =>
      (filters.status === ALL || row.contribution.evidenceStatus === filters.status) &&
      (filters.supplier === ALL || supplierKey(row.contribution.supplier) === filters.supplier) &&
      (filters.theme === ALL || row.theme === filters.theme) &&
      (!filters.overdueOnly || row.overdueDays > 0) &&
      (!filters.needsLookOnly || row.contribution.warnings.length > 0),
  );
}

/** Each supplier once (by supplierKey), named as first written, in alphabetical order. */
export function suppliersOf(rows: readonly ContributionRow[]): { key: string; name: string }[] {
  const byKey = new Map<string, string>();
  for (const row of rows) {
    const key = supplierKey(row.contribution.supplier);
    if (!byKey.has(key)) byKey.set(key, row.contribution.supplier.trim());
  }
  return [...byKey].map(([key, name]) => ({ key, name })).sort((a, b) => COLLATOR.compare(a.name, b.name));
}

const COLLATOR = new Intl.Collator("en-GB", { sensitivity: "base", numeric: true });

function compareValues(a: number | null, b: number | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  return a - b;
}

/** Ascending order for each key; a contribution with no £ value (record-only, qualitative) counts below any valued one. */
const COMPARE: Record<SortKey, (a: ContributionRow, b: ContributionRow) => number> = {
  id: (a, b) => COLLATOR.compare(a.contribution.id, b.contribution.id),
  supplier: (a, b) => COLLATOR.compare(supplierKey(a.contribution.supplier), supplierKey(b.contribution.supplier)),
  value: (a, b) => compareValues(a.contribution.value, b.contribution.value),
  due: (a, b) => (a.contribution.evidenceDueDate < b.contribution.evidenceDueDate ? -1 : a.contribution.evidenceDueDate > b.contribution.evidenceDueDate ? 1 : 0),
};

/** A sorted copy; ties keep the reference order so rows do not jump about between sorts. */
export function sortRows(rows: readonly ContributionRow[], sort: Sort): ContributionRow[] {
  const compare = COMPARE[sort.key];
  const sign = sort.direction === "ascending" ? 1 : -1;
  return [...rows].sort((a, b) => sign * compare(a, b) || COMPARE.id(a, b));
}

/** Clicking the sorted column turns it round; another column sorts ascending. */
export function nextSort(current: Sort, key: SortKey): Sort {
  if (current.key === key) return { key, direction: current.direction === "ascending" ? "descending" : "ascending" };
  return { key, direction: "ascending" };
}
