import { randomBytes } from "node:crypto";
import { ClaimsIndexTable, CLAIMS_KEPT } from "../../../api/src/store/claimsIndexTable";
import { Tables } from "../../../api/src/store/tables";
import { MAX_RELATED } from "../../../shared";
import type { Contribution } from "../../../shared";
import { testStorage } from "../../support/harness";
import { contribution } from "../../taskpane/support/syncData";

jest.setTimeout(30_000);

/** The index over real tables on the test Azurite; the contributions it names are "saved" in a map, the seam the adapter is built with. */
async function index() {
  const tables = new Tables({ connection: { connectionString: testStorage() }, tablePrefix: `t${randomBytes(5).toString("hex")}`, timeoutMs: 5000, maxConcurrentRequests: 8, warn: () => undefined });
  await tables.prepare();
  const saved = new Map<string, Contribution>();
  const checked: string[] = [];
  /** Another API instance on the same tables: it remembers lists of its own. */
  const instance = () =>
    new ClaimsIndexTable(tables, async (contractId, id) => {
      checked.push(id);
      return saved.get(id)?.contractId === contractId;
    });
  const claims = instance();
  const save = async (c: Contribution, on = claims) => {
    await on.write(c);
    saved.set(c.id, c);
    return c;
  };
  return { claims, saved, save, instance, checked };
}

const claim = (n: number, overrides: Partial<Contribution> = {}) =>
  contribution(n, { supplier: "Index Test Ltd", measureCode: "J3", quantity: 4, periodStart: "2026-04-01", periodEnd: "2026-06-30", ...overrides });

describe("the claims index", () => {
  it("20 different contributions written at once are all found: writers of one key take turns, and those waiting are written together", async () => {
    const { claims, save } = await index();
    const written = await Promise.all(Array.from({ length: 20 }, (_, i) => save(claim(i + 1))));
    const found = await claims.similarClaims(claim(99));
    // A look-up reads at most MAX_RELATED + 2, every one a real candidate.
    expect(found).toHaveLength(MAX_RELATED + 2);
    for (const c of found) expect(written.map((w) => w.id)).toContain(c.id);
  });

  it("finds only the same quantity with an overlapping period, and skips entries whose contribution was never saved", async () => {
    const { claims, save, saved } = await index();
    const q2 = await save(claim(1, { periodStart: "2026-04-01", periodEnd: "2026-06-30" }));
    await save(claim(2, { periodStart: "2026-07-01", periodEnd: "2026-09-30" }));
    await save(claim(3, { quantity: 5 }));
    const lost = await save(claim(4, { periodStart: "2026-05-01", periodEnd: "2026-05-31" }));
    saved.delete(lost.id); // written to the index, then the transaction never landed
    expect((await claims.similarClaims(claim(9, { periodStart: "2026-06-01", periodEnd: "2026-06-30" }))).map((c) => c.id)).toEqual([q2.id]);
  });

  it(`keeps the ${CLAIMS_KEPT} claims with the latest periods when a key grows past that`, async () => {
    const { claims, save } = await index();
    // An old quarter, then a key filled with later ones: the old one makes room.
    const old = await save(claim(1, { periodStart: "2020-01-01", periodEnd: "2020-03-31" }));
    expect((await claims.similarClaims(claim(5000, { periodStart: "2020-02-01", periodEnd: "2020-02-28" }))).map((c) => c.id)).toEqual([old.id]);
    for (let start = 0; start < CLAIMS_KEPT; start += 100) {
      await Promise.all(Array.from({ length: 100 }, (_, i) => save(claim(10 + start + i, { periodStart: "2026-04-01", periodEnd: "2026-06-30" }))));
    }
    expect(await claims.similarClaims(claim(5000, { periodStart: "2020-02-01", periodEnd: "2020-02-28" }))).toEqual([]);
    expect(await claims.similarClaims(claim(5001))).toHaveLength(MAX_RELATED + 2);
    // Written again (a rebuild meets it), the old claim is still the one to make room: nothing changes.
    expect(await claims.write(old)).toBe(false);
    expect(await claims.similarClaims(claim(5000, { periodStart: "2020-02-01", periodEnd: "2020-02-28" }))).toEqual([]);
  });

  it("a file keeps its first users only, so a file used a thousand times costs one small read", async () => {
    const { claims, save } = await index();
    const link = { name: "payroll.pdf", link: "https://contoso.sharepoint.com/x/payroll.pdf" };
    const first = [];
    for (let n = 1; n <= MAX_RELATED + 2; n++) first.push(await save(contribution(n, { evidence: [link] })));
    await Promise.all(Array.from({ length: 10 }, (_, i) => save(contribution(100 + i, { evidence: [{ ...link, link: `${link.link}?web=1` }] }))));
    const users = await claims.evidenceUsers([link]);
    expect(users.map((c) => c.id).sort()).toEqual(first.map((c) => c.id).sort());
  });

  it("a write from a list another instance changed since it was read is refused by the ETag and made again", async () => {
    const { claims, save, instance } = await index();
    const other = instance();
    const link = { name: "register.xlsx", link: "https://acme.example/register.xlsx" };
    // This instance reads the lists (and remembers them); the other writes to both; then this one writes.
    expect(await claims.similarClaims(claim(1))).toEqual([]);
    expect(await claims.evidenceUsers([link])).toEqual([]);
    const theirs = await save(claim(2, { evidence: [link] }), other);
    const ours = await save(claim(1, { evidence: [link] }));
    expect((await claims.similarClaims(claim(3))).map((c) => c.id).sort()).toEqual([ours.id, theirs.id].sort());
    expect((await other.evidenceUsers([link])).map((c) => c.id).sort()).toEqual([ours.id, theirs.id].sort());
  });

  it("checks that a contribution named is saved once per instance, and one not saved yet every time", async () => {
    const { claims, save, saved, checked } = await index();
    const done = await save(claim(1));
    const saving = await save(claim(2));
    saved.delete(saving.id); // its transaction has not landed yet
    for (let i = 0; i < 3; i++) expect((await claims.similarClaims(claim(3))).map((c) => c.id)).toEqual([done.id]);
    expect(checked.filter((id) => id === done.id)).toHaveLength(1);
    expect(checked.filter((id) => id === saving.id)).toHaveLength(3);
    saved.set(saving.id, saving);
    expect((await claims.similarClaims(claim(3))).map((c) => c.id).sort()).toEqual([done.id, saving.id].sort());
  });

  it("a retry writes nothing new, and undo takes back only that contribution's entries", async () => {
    const { claims, save } = await index();
    const link = { name: "timesheets.pdf", link: "https://acme.example/timesheets.pdf" };
    const a = await save(claim(1, { evidence: [link] }));
    const b = await save(claim(2, { evidence: [link] }));
    expect(await claims.write(a)).toBe(false);
    expect(await claims.write(claim(3, { evidence: [{ ...link, link: "https://acme.example/other.pdf" }] }))).toBe(true);
    expect((await claims.similarClaims(claim(3))).map((c) => c.id).sort()).toEqual([a.id, b.id].sort());
    await claims.undo(b);
    expect((await claims.similarClaims(claim(3))).map((c) => c.id)).toEqual([a.id]);
    expect((await claims.evidenceUsers([link])).map((c) => c.id)).toEqual([a.id]);
  });
});
