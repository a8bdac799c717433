import { ChaseLedgerEntrySchema, ChaseRunResultSchema, pageOf } from "../../../shared";
import { client, startHost } from "../../support/harness";
import type { RunningHost } from "../../support/harness";
import { addContract, addContribution, chaseTestBed, countByRecipient } from "./support";
import type { ChaseTestBed } from "./support";

jest.setTimeout(60_000);

/** POST /api/chase/run and GET /api/chase/ledger through the local host, as the task pane calls them. */

const LedgerPage = pageOf(ChaseLedgerEntrySchema);

let bed: ChaseTestBed;
let host: RunningHost;
let manager: ReturnType<typeof client>;
let officer: ReturnType<typeof client>;
const suppliers = Array.from({ length: 5 }, (_, i) => `supplier${i}@acme${i}.example`);

beforeAll(async () => {
  bed = await chaseTestBed();
  const one = await addContract(bed.app, { id: "C-1001" });
  const two = await addContract(bed.app, { id: "C-2002", contractManager: { name: "Priya Shah", email: "priya.shah@council.example" } });
  for (const [i, email] of suppliers.entries()) await addContribution(bed.app, i < 3 ? one : two, { responder: email, supplier: `Supplier ${i}`, periodEnd: "2026-10-20" });
  bed.app.clock.set("2026-11-26T07:00:00Z");
  host = await startHost(bed.app.deps);
  manager = client(host.url, { authorization: `Bearer ${await bed.app.token({ roles: ["Manager"], email: "manager@council.example" })}` });
  officer = client(host.url, { authorization: `Bearer ${await bed.app.token({ roles: ["Officer"] })}` });
});
afterAll(async () => {
  await host.close();
  await bed.close();
});

describe("POST /api/chase/run", () => {
  it("is for managers only", async () => {
    const refused = await officer("POST", "/api/chase/run", {});
    expect(refused.status).toBe(403);
    expect(bed.fake.sent).toHaveLength(0);
  });

  it("refuses a body that asks for anything", async () => {
    const refused = await manager("POST", "/api/chase/run", { date: "2026-01-01" });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details[0].path).toEqual([]);
  });

  it("runs the chase and answers what it did; two presses at once send each email once", async () => {
    const [a, b] = await Promise.all([manager("POST", "/api/chase/run", {}), manager("POST", "/api/chase/run", "")]);
    const statuses = [a.status, b.status].sort();
    expect([[200, 200], [200, 409]]).toContainEqual(statuses);
    const ran = [a, b].find((r) => r.status === 200 && r.body.sent > 0) ?? a;
    const result = ChaseRunResultSchema.parse(ran.body);
    expect(result).toMatchObject({ runDate: "2026-11-26", sent: 5, failed: 0, deferred: 0 });
    expect(result.messages.map((m) => m.recipient.email).sort()).toEqual([...suppliers].sort());
    const busy = [a, b].find((r) => r.status === 409);
    if (busy) expect(busy.body.error.code).toBe("chase-running");
    expect([...countByRecipient(bed.fake.sent).values()].every((n) => n === 1)).toBe(true);
  });
});

describe("GET /api/chase/ledger", () => {
  it("pages through everyone's chasing newest first, for officers and managers", async () => {
    // A week on: the second reminders. The first run was the suppliers' first reminder, however
    // overdue they were, so nobody is escalated yet.
    bed.app.clock.set("2026-12-03T07:00:00Z");
    const second = await manager("POST", "/api/chase/run");
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ sent: 5 });
    expect(second.body.messages.every((m: { role: string }) => m.role === "supplier")).toBe(true);
    // Two reminders really sent: the third, and the escalations to both managers.
    bed.app.clock.set("2026-12-10T07:00:00Z");
    const third = await manager("POST", "/api/chase/run");
    expect(third.body.sent).toBe(7);

    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await officer("GET", `/api/chase/ledger?pageSize=4${token ? `&continuationToken=${encodeURIComponent(token)}` : ""}`);
      expect(page.status).toBe(200);
      const parsed = LedgerPage.parse(page.body);
      seen.push(...parsed.items.map((e) => `${e.claimedAt} ${e.id}`));
      token = parsed.continuationToken;
    } while (token);
    expect(seen).toHaveLength(17);
    expect([...seen].sort().reverse().map((s) => s.slice(0, 10))).toEqual(seen.map((s) => s.slice(0, 10)));
    expect(seen[0]?.startsWith("2026-12-10")).toBe(true);
  });

  it("shows one contract's chasing only", async () => {
    const page = await manager("GET", "/api/chase/ledger?contractId=C-2002");
    expect(page.status).toBe(200);
    const items = LedgerPage.parse(page.body).items;
    expect(items.length).toBe(7); // two suppliers three times, and Priya once
    expect(items.every((e) => e.contractIds.includes("C-2002"))).toBe(true);
    expect(items.find((e) => e.role === "contract-manager")?.recipient.email).toBe("priya.shah@council.example");
  });

  it("refuses a token from another query and a contract reference that is not one", async () => {
    const first = await officer("GET", "/api/chase/ledger?pageSize=1");
    const other = await officer("GET", `/api/chase/ledger?contractId=C-1001&continuationToken=${encodeURIComponent(first.body.continuationToken)}`);
    expect(other.status).toBe(400);
    expect((await officer("GET", "/api/chase/ledger?contractId=' or 1 eq 1")).status).toBe(400);
  });
});
