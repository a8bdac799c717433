import { z } from "zod";
import { addDays, dayNumber, IsoDateSchema, isValidIsoDate } from "./dates";
import type { IsoDate } from "./dates";
import { EvidenceStatusSchema, isAwaitingEvidence, isOverdue } from "./evidence";
import { NOT_IN_PACK } from "./contractProgress";
import { supplierKey } from "./model";
import type { Commitment, Contract, Contribution } from "./model";
import { findMeasure, normaliseCode } from "./pack";
import type { PackIndex } from "./pack";
import { formatMoney, fromPence, toPence } from "./money";
import { expectedDelivery, valueOrNull } from "./valuation";

/*
 * The portfolio: every contract a person may see, rolled up. All money here is whole pence
 * (integers, shared/money.ts), so totals add up exactly whatever the grouping; pounds appear only in formatPence.
 */

/** Pence as people read a roll-up: whole pounds, by the ledger's one formatter. */
export function formatPence(pence: number): string {
  return formatMoney(fromPence(pence), { wholePounds: true });
}

// ---------------------------------------------------------------------------------------------
// Running totals per contract: what the API keeps as contributions and reviews land.

/** One bucket of a contract's contributions that count the same way in every roll-up. */
export const TotalsBucketSchema = z
  .object({
    measureCode: z.string(),
    supplier: z.string(),
    periodEnd: IsoDateSchema,
    status: EvidenceStatusSchema,
    /** Only for evidence still owed (missing or rejected): whether it is overdue depends on the day asked. */
    dueDate: IsoDateSchema.optional(),
    packId: z.string(),
    packEdition: z.string(),
    count: z.number().int().nonnegative(),
    pence: z.number().int(),
  })
  .strict();
export type TotalsBucket = z.infer<typeof TotalsBucketSchema>;

/**
 * A contract's running totals. `applied` remembers, per contribution, the bucket it is counted in
 * and its pence, so applying the same contribution again changes nothing (retries are safe) and a
 * changed one moves from its old bucket to its new one (counted once).
 */
export const ContractTotalsSchema = z
  .object({
    contractId: z.string(),
    buckets: z.array(TotalsBucketSchema),
    applied: z.record(z.string(), z.tuple([z.number().int().nonnegative(), z.number().int()])),
  })
  .strict();
export type ContractTotals = z.infer<typeof ContractTotalsSchema>;

export function emptyTotals(contractId: string): ContractTotals {
  return { contractId, buckets: [], applied: {} };
}

type TotalsContribution = Pick<Contribution, "id" | "measureCode" | "supplier" | "periodEnd" | "evidenceStatus" | "evidenceDueDate" | "value" | "packId" | "packEdition">;

const bucketKey = (b: Omit<TotalsBucket, "count" | "pence">) =>
  [normaliseCode(b.measureCode), supplierKey(b.supplier), b.periodEnd, b.status, b.dueDate ?? "", b.packId, b.packEdition].join("\u0000");

/**
 * The contributions counted in their current state; undefined when `totals` already counts every
 * one of them so (nothing to write). One pass with one copy of the totals, however many are counted
 * (a recount of a whole contract), so the cost follows the contributions counted, not those held.
 */
export function applyToTotals(totals: ContractTotals, contributions: readonly TotalsContribution[]): ContractTotals | undefined {
  const buckets = totals.buckets.map((b) => ({ ...b }));
  const indexOf = new Map(buckets.map((b, i) => [bucketKey(b), i]));
  const applied = { ...totals.applied };
  let changed = false;
  for (const c of contributions) {
    const shape = {
      measureCode: normaliseCode(c.measureCode),
      supplier: c.supplier.trim().replace(/\s+/g, " "),
      periodEnd: c.periodEnd,
      status: c.evidenceStatus,
      ...(isAwaitingEvidence(c.evidenceStatus) ? { dueDate: c.evidenceDueDate } : {}),
      packId: c.packId,
      packEdition: c.packEdition,
    };
    const pence = toPence(c.value ?? 0);
    const key = bucketKey(shape);
    const previous = applied[c.id];
    if (previous && previous[0] === indexOf.get(key) && previous[1] === pence) continue;
    changed = true;
    if (previous) {
      const old = buckets[previous[0]];
      if (old) {
        old.count -= 1;
        old.pence -= previous[1];
      }
    }
    let index = indexOf.get(key);
    if (index === undefined) {
      index = buckets.length;
      buckets.push({ ...shape, count: 0, pence: 0 });
      indexOf.set(key, index);
    }
    const bucket = buckets[index];
    if (!bucket) throw new Error("bucket index out of range");
    bucket.count += 1;
    bucket.pence += pence;
    applied[c.id] = [index, pence];
  }
  return changed ? { contractId: totals.contractId, buckets, applied } : undefined;
}

// ---------------------------------------------------------------------------------------------
// Financial years and the pro-rata curve.

/** The UK financial year a date falls in, named by the calendar year it starts in (April to March). */
export function financialYear(date: IsoDate): number {
  const [y, m] = [Number(date.slice(0, 4)), Number(date.slice(5, 7))];
  return m >= 4 ? y : y - 1;
}

export const financialYearStart = (year: number): IsoDate => `${year}-04-01`;

/** "2026-27" for the year from 1 April 2026. */
export function financialYearLabel(year: number): string {
  return `${year}-${String((year + 1) % 100).padStart(2, "0")}`;
}

/** Pence of a commitment expected by the start of `date`, on TOMS.EXPECTED's curve (pro rata to the elapsed contract period). */
function expectedBy(committedPence: number, contract: Pick<Contract, "startDate" | "endDate">, date: IsoDate): number {
  return Math.round(expectedDelivery(committedPence, contract.startDate, contract.endDate, date));
}

const later = (a: IsoDate, b: IsoDate) => (dayNumber(a) >= dayNumber(b) ? a : b);
const earlier = (a: IsoDate, b: IsoDate) => (dayNumber(a) <= dayNumber(b) ? a : b);

// ---------------------------------------------------------------------------------------------
// The roll-up.

export const PORTFOLIO_GROUPINGS = ["contract", "supplier", "service", "theme", "year"] as const;
export const PortfolioGroupBySchema = z.enum(PORTFOLIO_GROUPINGS);
export type PortfolioGroupBy = z.infer<typeof PortfolioGroupBySchema>;

/**
 * Status of a contract (or any row) from delivered against expected to date. The one place the
 * thresholds live: at least `onTrack` of the expected £ delivered is on track, at least `behind`
 * is behind, less is at risk. Nothing expected yet is on track.
 */
export const STATUS_THRESHOLDS = { onTrack: 0.9, behind: 0.6 } as const;
export const PortfolioStatusSchema = z.enum(["on-track", "behind", "at-risk"]);
export type PortfolioStatus = z.infer<typeof PortfolioStatusSchema>;

export function portfolioStatus(delivered: number, expected: number): PortfolioStatus {
  if (expected <= 0) return "on-track";
  if (delivered >= expected * STATUS_THRESHOLDS.onTrack) return "on-track";
  if (delivered >= expected * STATUS_THRESHOLDS.behind) return "behind";
  return "at-risk";
}

/** A view holding more than this share of its committed or delivered £ in one contract or supplier is dominated by it. */
export const DOMINANCE_SHARE = 0.5;

const pence = z.number().int();

/** The figures of a row or a total, all in whole pence but the overdue count. */
export const PortfolioFiguresSchema = z
  .object({
    /** The commitments' £ (in the window, pro rata, when one is asked for). */
    committed: pence,
    /** What should have been delivered by the as-of date, per commitment, on TOMS.EXPECTED's curve. */
    expected: pence,
    /** Contributions whose evidence is accepted. */
    delivered: pence,
    /** Reported, evidence not yet accepted: missing or under review. */
    reported: pence,
    /** Of reported and rejected: evidence past its due date. */
    overdueCount: z.number().int().nonnegative(),
    overdue: pence,
    /** Evidence rejected and not yet sent again. */
    rejected: pence,
    /** Expected − delivered; negative when ahead. */
    gap: pence,
    /** Shortfall of earlier financial years brought into the current one (in the year view: into that year). */
    carriedIn: pence,
    /** Of that, still outstanding after the period's deliveries made up the oldest shortfall first. */
    carriedOutstanding: pence,
  })
  .strict();
export type PortfolioFigures = z.infer<typeof PortfolioFiguresSchema>;

/** "example 2026.1": a pack id and edition, as every £ names them. */
export const packLabel = (packId: string, packEdition: string) => `${packId} ${packEdition}`;

export const PortfolioRowSchema = PortfolioFiguresSchema.extend({
  key: z.string(),
  label: z.string(),
  /** Valued with a pack whose values are made up (the bundled example): never added to real figures. */
  illustrative: z.boolean(),
  /** The pack editions behind this row's £. */
  packs: z.array(z.string()),
  contracts: z.number().int().nonnegative(),
  status: PortfolioStatusSchema,
}).strict();
export type PortfolioRow = z.infer<typeof PortfolioRowSchema>;

const LargestSchema = z
  .object({
    key: z.string(),
    label: z.string(),
    committedShare: z.number(),
    deliveredShare: z.number(),
    /** The view's totals without it. */
    withoutLargest: z.object({ committed: pence, delivered: pence, expected: pence }).strict(),
  })
  .strict();

export const DominanceWarningSchema = z
  .object({ by: z.enum(["contract", "supplier"]), key: z.string(), label: z.string(), measure: z.enum(["committed", "delivered"]), share: z.number(), message: z.string() })
  .strict();
export type DominanceWarning = z.infer<typeof DominanceWarningSchema>;

export const PortfolioViewSchema = z
  .object({
    groupBy: PortfolioGroupBySchema,
    asOf: IsoDateSchema,
    from: IsoDateSchema.optional(),
    to: IsoDateSchema.optional(),
    /** Rows of the view, largest committed first; their additive figures sum to `totals` (illustrative rows to `illustrativeTotals`). */
    rows: z.array(PortfolioRowSchema),
    totals: PortfolioFiguresSchema,
    /** Present when real and illustrative (example) values are both in view: the example figures, kept apart. */
    illustrativeTotals: PortfolioFiguresSchema.optional(),
    /** "none": real values only; "only": example values only; "kept-apart": both, never added together. */
    illustrative: z.enum(["none", "only", "kept-apart"]),
    packs: z.array(z.string()),
    mixedPacks: z.boolean(),
    largest: z.object({ contract: LargestSchema.optional(), supplier: LargestSchema.optional() }).strict(),
    dominance: z.array(DominanceWarningSchema),
    /** Contracts counted in the totals, by status. */
    statusCounts: z.object({ "on-track": z.number().int(), behind: z.number().int(), "at-risk": z.number().int() }).strict(),
    thresholds: z.object({ onTrack: z.number(), behind: z.number(), dominance: z.number() }).strict(),
    notes: z.array(z.string()),
  })
  .strict();
export type PortfolioView = z.infer<typeof PortfolioViewSchema>;

export const PortfolioQuerySchema = z
  .object({
    groupBy: PortfolioGroupBySchema.default("contract"),
    from: IsoDateSchema.optional(),
    to: IsoDateSchema.optional(),
  })
  .strict()
  .refine((q) => !q.from || !q.to || !isValidIsoDate(q.from) || !isValidIsoDate(q.to) || dayNumber(q.from) <= dayNumber(q.to), {
    path: ["to"],
    message: "the window must end on or after its start (from)",
  });
export type PortfolioQuery = z.infer<typeof PortfolioQuerySchema>;

/** One contract as the roll-up needs it: no people, only the organisation that supplies. */
export interface PortfolioContract {
  contract: Pick<Contract, "id" | "title" | "startDate" | "endDate" | "packId" | "packEdition" | "service">;
  commitments: readonly Commitment[];
  /** The contract's pinned pack; undefined when it cannot be found (its commitments then count £0, and a note says so). */
  pack: PackIndex | undefined;
  totals: ContractTotals;
}

export const NO_SERVICE = "No service named";
export const NO_SUPPLIER = "Supplier not named";

type Dimension = Exclude<PortfolioGroupBy, "year">;

/** The finest grain: one contract, one supplier, one theme, one financial year. */
interface Fact {
  contractId: string;
  labels: Record<Dimension, string>;
  keys: Record<Dimension, string>;
  year: number;
  illustrative: boolean;
  pack: string;
  figures: PortfolioFigures;
}

export const emptyFigures = (): PortfolioFigures => ({ committed: 0, expected: 0, delivered: 0, reported: 0, overdueCount: 0, overdue: 0, rejected: 0, gap: 0, carriedIn: 0, carriedOutstanding: 0 });
const zero = emptyFigures;

const FIGURES = Object.keys(zero()) as (keyof PortfolioFigures)[];

function addInto(target: PortfolioFigures, source: PortfolioFigures): void {
  for (const f of FIGURES) target[f] += source[f];
}

/** Rows' figures added up (every figure; carry-forward adds up across contracts, not across years). */
export function sumFigures(rows: readonly PortfolioFigures[]): PortfolioFigures {
  const total = zero();
  for (const r of rows) addInto(total, r);
  return total;
}

/** The charts' series, in the order and colours the report and the task pane both use (contrast ≥ 3:1 on white). */
export const PORTFOLIO_CHART_SERIES = [
  { key: "committed", label: "Committed", colour: "#1f4e79" },
  { key: "expected", label: "Expected to date", colour: "#8a6d00" },
  { key: "delivered", label: "Delivered", colour: "#2e7d32" },
] as const;

export interface PortfolioOptions {
  groupBy: PortfolioGroupBy;
  asOf: IsoDate;
  from?: IsoDate;
  to?: IsoDate;
}

/** The window's half-open day range [start, end), or the whole of time. */
interface Window {
  start?: IsoDate;
  end?: IsoDate;
}

const clip = (a: IsoDate, b: IsoDate, w: Window): [IsoDate, IsoDate] | undefined => {
  const start = w.start ? later(a, w.start) : a;
  const end = w.end ? earlier(b, w.end) : b;
  return dayNumber(start) < dayNumber(end) ? [start, end] : undefined;
};

const inWindow = (date: IsoDate, w: Window) => (!w.start || dayNumber(date) >= dayNumber(w.start)) && (!w.end || dayNumber(date) < dayNumber(w.end));

/** The facts of one contract: commitments split by financial year, contributions by their period's year. */
function contractFacts(pc: PortfolioContract, asOf: IsoDate, window: Window, notes: Set<string>): Fact[] {
  const { contract, pack } = pc;
  const illustrative = pack?.pack.illustrative ?? false;
  const packName = packLabel(contract.packId, contract.packEdition);
  if (!pack) notes.add(`Contract ${contract.id}'s pack ${packName} is not known to the API: its commitments count £0.`);
  const service = contract.service?.trim() || NO_SERVICE;
  const facts = new Map<string, Fact>();
  const fact = (supplier: string, theme: string, year: number, packOfFigure: string, flag: boolean) => {
    const sKey = supplier === NO_SUPPLIER ? "" : supplierKey(supplier);
    const key = [sKey, theme, year, packOfFigure, flag].join("\u0000");
    let f = facts.get(key);
    if (!f) {
      f = {
        contractId: contract.id,
        labels: { contract: `${contract.id} ${contract.title}`, supplier, service, theme },
        keys: { contract: contract.id, supplier: sKey, service: service.toLowerCase(), theme },
        year,
        illustrative: flag,
        pack: packOfFigure,
        figures: zero(),
      };
      facts.set(key, f);
    }
    return f.figures;
  };
  const themeOf = (code: string) => (pack ? (findMeasure(pack, code)?.theme ?? NOT_IN_PACK) : NOT_IN_PACK);

  // Which commitment a contribution counts against: the same measure and supplier, else the same measure with no supplier named.
  const commitmentKey = (code: string, supplier: string | undefined) => `${normaliseCode(code)}\u0000${supplier ? supplierKey(supplier) : ""}`;
  const committedKeys = new Set(pc.commitments.map((c) => commitmentKey(c.measureCode, c.supplier)));
  const matchOf = (code: string, supplier: string) =>
    committedKeys.has(commitmentKey(code, supplier)) ? commitmentKey(code, supplier) : committedKeys.has(commitmentKey(code, undefined)) ? commitmentKey(code, undefined) : undefined;

  // Delivered pence per commitment per financial year (by the period's end), for carry-forward.
  const deliveredByCommitment = new Map<string, Map<number, number>>();
  const today = asOf;
  for (const b of pc.totals.buckets) {
    if (b.count === 0 && b.pence === 0) continue;
    const year = financialYear(b.periodEnd);
    if (b.status === "accepted") {
      const match = matchOf(b.measureCode, b.supplier);
      if (match) {
        const years = deliveredByCommitment.get(match) ?? new Map<number, number>();
        years.set(year, (years.get(year) ?? 0) + b.pence);
        deliveredByCommitment.set(match, years);
      }
    }
    if (!inWindow(b.periodEnd, window)) continue;
    const bucketPack = packLabel(b.packId, b.packEdition);
    const f = fact(b.supplier, themeOf(b.measureCode), year, bucketPack, illustrative);
    if (b.status === "accepted") f.delivered += b.pence;
    else if (b.status === "rejected") f.rejected += b.pence;
    else f.reported += b.pence;
    if (b.dueDate && isOverdue(b.status, b.dueDate, today)) {
      f.overdueCount += b.count;
      f.overdue += b.pence;
    }
    if (b.status === "accepted") f.gap -= b.pence;
  }

  const currentYear = financialYear(asOf);
  const lastYear = financialYear(addDays(contract.endDate, -1));
  for (const c of pc.commitments) {
    const measure = pack ? findMeasure(pack, c.measureCode) : undefined;
    const committedPence = measure ? toPence(valueOrNull(measure, c.quantity) ?? 0) : 0;
    const theme = themeOf(c.measureCode);
    const supplier = c.supplier?.trim() || NO_SUPPLIER;
    const delivered = deliveredByCommitment.get(commitmentKey(c.measureCode, c.supplier)) ?? new Map<number, number>();
    let deliveredBefore = 0;
    for (let year = financialYear(contract.startDate); year <= lastYear; year++) {
      const yearStart = later(financialYearStart(year), contract.startDate);
      const yearEnd = earlier(financialYearStart(year + 1), addDays(contract.endDate, 1));
      const slice = clip(yearStart, yearEnd, window);
      const yearInView = clip(financialYearStart(year), financialYearStart(year + 1), window) !== undefined;
      if (slice) {
        const f = fact(supplier, theme, year, packName, illustrative);
        f.committed += expectedBy(committedPence, contract, slice[1]) - expectedBy(committedPence, contract, slice[0]);
        const dueEnd = earlier(slice[1], asOf);
        if (dayNumber(dueEnd) > dayNumber(slice[0])) {
          const expected = expectedBy(committedPence, contract, dueEnd) - expectedBy(committedPence, contract, slice[0]);
          f.expected += expected;
          f.gap += expected;
        }
      }
      // Carry-forward: the shortfall at the year's start (everything expected before it, less everything
      // delivered for earlier periods); this year's deliveries make up the oldest shortfall first.
      const deliveredIn = delivered.get(year) ?? 0;
      if (yearInView && year <= currentYear && year > financialYear(contract.startDate)) {
        const carried = Math.max(0, expectedBy(committedPence, contract, financialYearStart(year)) - deliveredBefore);
        if (carried > 0) {
          const f = fact(supplier, theme, year, packName, illustrative);
          f.carriedIn += carried;
          f.carriedOutstanding += Math.max(0, carried - deliveredIn);
        }
      }
      deliveredBefore += deliveredIn;
    }
  }
  return [...facts.values()];
}

function rowKeyOf(fact: Fact, groupBy: PortfolioGroupBy): { key: string; label: string } {
  if (groupBy === "year") return { key: String(fact.year), label: financialYearLabel(fact.year) };
  return { key: fact.keys[groupBy], label: fact.labels[groupBy] };
}

/** Carry-forward belongs to the year it is carried into: outside the year view only the current year's counts, so nothing is counted twice. */
function factFigures(fact: Fact, groupBy: PortfolioGroupBy, currentYear: number): PortfolioFigures {
  if (groupBy === "year" || fact.year === currentYear) return fact.figures;
  return { ...fact.figures, carriedIn: 0, carriedOutstanding: 0 };
}

interface Group {
  key: string;
  label: string;
  figures: PortfolioFigures;
}

/** Groups for dominance: commitments that name no supplier are many suppliers, never one that dominates. */
function groupsOf(facts: Fact[], by: "contract" | "supplier", currentYear: number): Group[] {
  const groups = new Map<string, Group>();
  for (const f of facts) {
    const key = f.keys[by];
    if (by === "supplier" && key === "") continue;
    const g = groups.get(key) ?? { key, label: f.labels[by], figures: zero() };
    addInto(g.figures, factFigures(f, "contract", currentYear));
    groups.set(key, g);
  }
  return [...groups.values()];
}

const share = (part: number, whole: number) => (whole > 0 ? part / whole : 0);

/** The largest by committed £ (then delivered), with the view's totals without it; none when there is only one. */
function largestOf(groups: Group[], totals: PortfolioFigures): z.infer<typeof LargestSchema> | undefined {
  if (groups.length < 2) return undefined;
  const g = groups.reduce((best, next) => (next.figures.committed > best.figures.committed || (next.figures.committed === best.figures.committed && next.figures.delivered > best.figures.delivered) ? next : best));
  return {
    key: g.key,
    label: g.label,
    committedShare: share(g.figures.committed, totals.committed),
    deliveredShare: share(g.figures.delivered, totals.delivered),
    withoutLargest: { committed: totals.committed - g.figures.committed, delivered: totals.delivered - g.figures.delivered, expected: totals.expected - g.figures.expected },
  };
}

function dominanceOf(groups: Group[], by: "contract" | "supplier", totals: PortfolioFigures): DominanceWarning[] {
  if (groups.length < 2) return [];
  const warnings: DominanceWarning[] = [];
  for (const measure of ["committed", "delivered"] as const) {
    for (const g of groups) {
      const part = share(g.figures[measure], totals[measure]);
      if (part <= DOMINANCE_SHARE) continue;
      warnings.push({
        by,
        key: g.key,
        label: g.label,
        measure,
        share: part,
        message: `${by === "contract" ? "Contract" : "Supplier"} ${g.label} holds ${Math.round(part * 100)}% of the ${measure} £; without it the view has ${formatPence(totals[measure] - g.figures[measure])} ${measure}.`,
      });
    }
  }
  return warnings;
}

/**
 * The portfolio view: the rows of one grouping, their totals (always the sum of the rows), the
 * pack editions behind them, the dominance warnings and each contract's status. Example-pack
 * figures are rows of their own and are never added to real ones: with both in view they have
 * their own totals.
 */
export function portfolioView(contracts: readonly PortfolioContract[], options: PortfolioOptions): PortfolioView {
  const { groupBy, asOf } = options;
  const window: Window = { start: options.from, end: options.to ? addDays(options.to, 1) : undefined };
  const notes = new Set<string>();
  const facts = contracts.flatMap((pc) => contractFacts(pc, asOf, window, notes));
  const currentYear = financialYear(asOf);

  const hasReal = facts.some((f) => !f.illustrative);
  const hasExample = facts.some((f) => f.illustrative);
  const illustrative = hasReal && hasExample ? "kept-apart" : hasExample ? "only" : "none";
  const counted = facts.filter((f) => f.illustrative === (illustrative === "only"));

  const rows = new Map<string, PortfolioRow & { contractIds: Set<string> }>();
  for (const f of facts) {
    const { key, label } = rowKeyOf(f, groupBy);
    const rowKey = `${key}\u0000${f.illustrative}`;
    let row = rows.get(rowKey);
    if (!row) {
      row = { key, label, illustrative: f.illustrative, packs: [], contracts: 0, status: "on-track", ...zero(), contractIds: new Set() };
      rows.set(rowKey, row);
    }
    addInto(row, factFigures(f, groupBy, currentYear));
    if (!row.packs.includes(f.pack)) row.packs.push(f.pack);
    row.contractIds.add(f.contractId);
  }
  const sum = (which: Fact[]) => {
    const t = zero();
    for (const f of which) addInto(t, factFigures(f, groupBy, currentYear));
    // Carry-forward is additive across contracts and commitments, not across years: the year view's total is the current year's.
    if (groupBy === "year") {
      const current = which.filter((f) => f.year === currentYear);
      t.carriedIn = current.reduce((s, f) => s + f.figures.carriedIn, 0);
      t.carriedOutstanding = current.reduce((s, f) => s + f.figures.carriedOutstanding, 0);
    }
    return t;
  };
  const totals = sum(counted);

  const statusCounts = { "on-track": 0, behind: 0, "at-risk": 0 };
  const byContract = new Map<string, PortfolioFigures>();
  for (const f of counted) {
    const t = byContract.get(f.contractId) ?? zero();
    addInto(t, f.figures);
    byContract.set(f.contractId, t);
  }
  for (const t of byContract.values()) statusCounts[portfolioStatus(t.delivered, t.expected)]++;

  const contractGroups = groupsOf(counted, "contract", currentYear);
  const supplierGroups = groupsOf(counted, "supplier", currentYear);
  const largest = { contract: largestOf(contractGroups, totals), supplier: largestOf(supplierGroups, totals) };
  const dominance = [...dominanceOf(contractGroups, "contract", totals), ...dominanceOf(supplierGroups, "supplier", totals)];
  const quiet = contracts.length - new Set(facts.map((f) => f.contractId)).size;
  if (quiet > 0) notes.add(`${quiet === 1 ? "1 contract has" : `${quiet} contracts have`} nothing committed or reported yet and ${quiet === 1 ? "is" : "are"} not in the rows.`);

  const packs = [...new Set(facts.map((f) => f.pack))].sort();
  if (illustrative === "kept-apart") notes.add("Some contracts are valued with the bundled example pack, whose values are made up: their figures are shown apart and never added to real ones.");
  if (illustrative === "only") notes.add("Every figure comes from the bundled example pack, whose values are made up: they are not National TOMs figures.");
  if (packs.length > 1) notes.add(`The view mixes ${packs.length} pack editions (${packs.join(", ")}); their proxy values differ, so compare figures across them with care.`);

  const ordered = [...rows.values()]
    .map(({ contractIds, ...row }) => ({ ...row, contracts: contractIds.size, status: portfolioStatus(row.delivered, row.expected), packs: row.packs.sort() }))
    .sort((a, b) => (groupBy === "year" ? Number(a.key) - Number(b.key) : b.committed - a.committed || a.label.localeCompare(b.label)));
  return {
    groupBy,
    asOf,
    ...(options.from ? { from: options.from } : {}),
    ...(options.to ? { to: options.to } : {}),
    rows: ordered,
    totals,
    ...(illustrative === "kept-apart" ? { illustrativeTotals: sum(facts.filter((f) => f.illustrative)) } : {}),
    illustrative,
    packs,
    mixedPacks: packs.length > 1,
    largest: Object.fromEntries(Object.entries(largest).filter(([, v]) => v !== undefined)),
    dominance,
    statusCounts,
    thresholds: { onTrack: STATUS_THRESHOLDS.onTrack, behind: STATUS_THRESHOLDS.behind, dominance: DOMINANCE_SHARE },
    notes: [...notes],
  };
}
