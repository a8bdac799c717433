import { ChaseLedgerEntrySchema, ChaseRunStatusSchema, pageOf } from "../../../shared";
import type { ChaseRunStatus } from "../../../shared";
import { client, startHost } from "../../support/harness";
import type { RunningHost } from "../../support/harness";
import { addContract, addContribution, chaseTestBed, countByRecipient } from "./support";
import type { ChaseTestBed } from "./support";

jest.setTimeout(60_000);

/** POST /api/chase/run, GET /api/chase/runs/{runId} and GET /api/chase/ledger through the local host, as the task pane calls them. */

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

  it("answers 202 with the run's id at once; the run is followed through GET /api/chase/runs/{runId}; two presses at once send each email once", async () => {
    const [a, b] = await Promise.all([manager("POST", "/api/chase/run", {}), manager("POST", "/api/chase/run", "")]);
    const statuses = [a.status, b.status].sort();
    // The second press finds the lease held, unless the first run was over by then (it then has nothing to send).
    expect([[202, 202], [202, 409]]).toContainEqual(statuses);
    const started = [a, b].filter((r) => r.status === 202).map((r) => ChaseRunStatusSchema.parse(r.body));
    for (const [i, s] of started.entries()) {
      expect(s).toMatchObject({ runDate: "2026-11-26", trigger: "manual", scope: "everything" });
      expect([a, b].filter((r) => r.status === 202)[i]?.headers.get("location")).toBe(`/api/chase/runs/${s.runId}`);
    }
    const ended = await Promise.all(started.map((s) => followRun(s.runId)));
    expect(ended.every((s) => s.state === "finished")).toBe(true);
    expect(ended.reduce((n, s) => n + s.sent, 0)).toBe(5);
    expect(ended.reduce((n, s) => n + s.failed + s.deferred, 0)).toBe(0);
    const busy = [a, b].find((r) => r.status === 409);
    if (busy) expect(busy.body.error.code).toBe("chase-running");
    expect([...countByRecipient(bed.fake.sent).keys()].sort()).toEqual([...suppliers].sort());
    expect([...countByRecipient(bed.fake.sent).values()].every((n) => n === 1)).toBe(true);
  });

  it("GET /api/chase/runs/{runId}: managers only, 404 for a run that is not one", async () => {
    expect((await manager("GET", "/api/chase/runs/0badf00d")).status).toBe(404);
    expect((await manager("GET", "/api/chase/runs/x'%20or%20'1")).status).toBe(404);
    expect((await officer("GET", "/api/chase/runs/0badf00d")).status).toBe(403);
  });
});

/** Polls the run's status until it is no longer running (bounded: 20 s). */
async function followRun(runId: string): Promise<ChaseRunStatus> {
  const until = Date.now() + 20_000;
  for (;;) {
    const answer = await manager("GET", `/api/chase/runs/${runId}`);
    expect(answer.status).toBe(200);
    const status = ChaseRunStatusSchema.parse(answer.body);
    if (status.state !== "running") return status;
    if (Date.now() > until) throw new Error(`run ${runId} still running after 20 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function runAndFollow(): Promise<ChaseRunStatus> {
  const answer = await manager("POST", "/api/chase/run");
  expect(answer.status).toBe(202);
  return followRun(ChaseRunStatusSchema.parse(answer.body).runId);
}

describe("GET /api/chase/ledger", () => {
  it("pages through everyone's chasing newest first, for officers and managers", async () => {
    // A week on: the second reminders. The first run was the suppliers' first reminder, however
    // overdue they were, so nobody is escalated yet.
    bed.app.clock.set("2026-12-03T07:00:00Z");
    const second = await runAndFollow();
    expect(second).toMatchObject({ state: "finished", sent: 5 });
    const newest = LedgerPage.parse((await officer("GET", "/api/chase/ledger?pageSize=5")).body).items;
    expect(newest.every((m) => m.role === "supplier" && m.runDate === "2026-12-03")).toBe(true);
    // Two reminders really sent: the third, and the escalations to both managers.
    bed.app.clock.set("2026-12-10T07:00:00Z");
    const third = await runAndFollow();
    expect(third.sent).toBe(7);

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
