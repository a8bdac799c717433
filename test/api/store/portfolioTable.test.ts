import { randomBytes } from "node:crypto";
import { APPLIED_SHARDS, PortfolioTable, shardOf } from "../../../api/src/store/portfolioTable";
import { StaleEtagError } from "../../../api/src/store/errors";
import { Tables } from "../../../api/src/store/tables";
import { applyToTotals, emptyTotals } from "../../../shared";
import type { ContractTotals } from "../../../shared";
import { testStorage } from "../../support/harness";
import { contribution, contributions } from "../../taskpane/support/syncData";

jest.setTimeout(30_000);

async function store() {
  const tables = new Tables({ connection: { connectionString: testStorage() }, tablePrefix: `t${randomBytes(5).toString("hex")}`, timeoutMs: 5000, maxConcurrentRequests: 8, warn: () => undefined });
  await tables.prepare();
  return new PortfolioTable(tables);
}

const pence = (totals: ContractTotals | undefined) => totals?.buckets.reduce((s, b) => s + b.pence, 0);
/** 300 contributions of £1 each, counted. */
const counted = () => applyToTotals(emptyTotals("C-1001"), contributions(300, 1).map((c) => ({ ...c, value: 1 }))) ?? emptyTotals("C-1001");

describe("the portfolio's record of what it counts, in shards beside the totals", () => {
  it("a counting reads and writes only its contributions' shards, and keeps every other record", async () => {
    const totals = await store();
    await totals.saveTotals(counted(), undefined);
    const one = contribution(7);
    const read = await totals.getTotals("C-1001", [one.id]);
    if (!read) throw new Error("no totals");
    expect(read.shards).toEqual([shardOf(one.id)]);
    expect(Object.keys(read.totals.applied).every((id) => shardOf(id) === shardOf(one.id))).toBe(true);
    await totals.saveTotals(applyToTotals(read.totals, [{ ...one, value: 50 }]) ?? read.totals, read);

    const all = await totals.getTotals("C-1001");
    expect(all?.shards).toHaveLength(APPLIED_SHARDS);
    expect(Object.keys(all?.totals.applied ?? {})).toHaveLength(300);
    expect(all?.totals.applied[one.id]?.[1]).toBe(5000);
    expect(pence(all?.totals)).toBe(299 * 100 + 5000);
  });

  it("a counting from totals someone changed since is refused whole: neither the totals nor a shard change", async () => {
    const totals = await store();
    await totals.saveTotals(counted(), undefined);
    const a = contribution(3);
    const first = await totals.getTotals("C-1001", [a.id]);
    const second = await totals.getTotals("C-1001", [a.id]);
    if (!first || !second) throw new Error("no totals");
    await totals.saveTotals(applyToTotals(first.totals, [{ ...a, value: 2 }]) ?? first.totals, first);
    await expect(totals.saveTotals(applyToTotals(second.totals, [{ ...a, value: 9 }]) ?? second.totals, second)).rejects.toBeInstanceOf(StaleEtagError);
    const now = await totals.getTotals("C-1001", [a.id]);
    expect(now?.totals.applied[a.id]?.[1]).toBe(200);
    expect(pence(now?.totals)).toBe(299 * 100 + 200);
    // A first write when someone else wrote the first totals is refused too.
    await expect(totals.saveTotals(counted(), undefined)).rejects.toBeInstanceOf(StaleEtagError);
  });
});
