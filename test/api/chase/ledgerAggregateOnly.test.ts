import { ChaseLedgerEntrySchema, pageOf } from "../../../shared";
import type { ChaseLedgerEntry } from "../../../shared";
import { runChase } from "../../../api/src/chase/run";
import { invoke } from "../../support/harness";
import { addContract, addContribution, chaseTestBed } from "./support";
import type { ChaseTestBed } from "./support";

jest.setTimeout(60_000);

/**
 * GET /api/chase/ledger under AGGREGATE_ONLY=true: the suppliers' people the chase emailed are named
 * only to officers of a contract they report on, as contributions' responders are; the council's own
 * staff (contract managers) stay named to everyone who may read the ledger.
 */

const JO = "jo@acme.example"; // reports on C-1001 only; the mail system refuses the address
const KIM = "kim@other.example"; // reports on both contracts
const SAM = "sam.patel@council.example"; // officer of C-1001
const PRIYA = "priya.shah@council.example"; // officer of C-2002
const LedgerPage = pageOf(ChaseLedgerEntrySchema);

interface Bed {
  bed: ChaseTestBed;
  headers: Record<"sam" | "priya" | "manager", Record<string, string>>;
}

/** Two contracts, three overdue contributions, one chase run on 26 Nov 2026. */
async function chased(env: Record<string, string>): Promise<Bed> {
  const bed = await chaseTestBed({ env });
  const one = await addContract(bed.app, { id: "C-1001" });
  const two = await addContract(bed.app, { id: "C-2002", contractManager: { name: "Priya Shah", email: PRIYA } });
  await addContribution(bed.app, one, { responder: JO, periodEnd: "2026-10-20" });
  await addContribution(bed.app, one, { responder: KIM, supplier: "Other Ltd", periodEnd: "2026-10-20" });
  await addContribution(bed.app, two, { responder: KIM, supplier: "Other Ltd", periodEnd: "2026-10-20" });
  bed.fake.rejectRecipients([JO]);
  bed.app.clock.set("2026-11-26T07:00:00Z");
  await runChase(bed.app.deps, bed.app.clock.now());
  const bearer = async (email: string, roles: ("Officer" | "Manager")[] = ["Officer"]) => ({ authorization: `Bearer ${await bed.app.token({ roles, email })}` });
  return { bed, headers: { sam: await bearer(SAM), priya: await bearer(PRIYA), manager: await bearer("head.of.procurement@council.example", ["Manager"]) } };
}

async function ledger({ bed, headers }: Bed, who: keyof Bed["headers"], contractId?: string): Promise<ChaseLedgerEntry[]> {
  const answer = await invoke(bed.app.deps, "chaseLedger", { path: `chase/ledger${contractId ? `?contractId=${contractId}` : ""}`, headers: headers[who] });
  expect(answer.status).toBe(200);
  return LedgerPage.parse(answer.body).items;
}

const suppliersEmails = (items: ChaseLedgerEntry[]) => items.filter((e) => e.role === "supplier");
const recipients = (items: ChaseLedgerEntry[]) => items.map((e) => e.recipient.email).sort();

describe("with AGGREGATE_ONLY=true", () => {
  let on: Bed;
  beforeAll(async () => {
    on = await chased({ AGGREGATE_ONLY: "true" });
  });
  afterAll(() => on.bed.close());

  it("the contract's own officer sees the supplier's people it emailed, and the mail system's words about a refused address", async () => {
    const items = await ledger(on, "sam");
    expect(recipients(suppliersEmails(items))).toEqual([JO, KIM]);
    const refused = items.find((e) => e.recipient.email === JO);
    expect(refused).toMatchObject({ outcome: "failed", recipient: { name: "Acme Build Ltd", email: JO } });
    expect(refused?.failure).toContain(`Recipient "${JO}" isn't resolved`);
    // The contract manager told the supplier cannot be reached is council staff, named to everyone.
    expect(items.find((e) => e.role === "contract-manager")?.recipient.email).toBe(SAM);
  });

  it("an officer of another contract sees only the people who report on theirs: Kim, not Jo, not even in the failure", async () => {
    const items = await ledger(on, "priya");
    expect(suppliersEmails(items)).toHaveLength(2);
    expect(recipients(suppliersEmails(items))).toEqual(["", KIM]);
    const hidden = suppliersEmails(items).find((e) => e.recipient.email === "");
    expect(hidden).toMatchObject({ recipient: { name: "the supplier", email: "" }, outcome: "failed", contractIds: ["C-1001"] });
    expect(hidden?.failure).toMatch(/^ErrorInvalidRecipients: .*isn't resolved/);
    expect(JSON.stringify(items)).not.toMatch(/jo@acme|Acme Build/i);
    expect(JSON.stringify(await ledger(on, "priya", "C-1001"))).not.toMatch(/jo@acme/i);
  });

  it("a manager sees every email with its outcome and contracts, and no supplier's person", async () => {
    const items = await ledger(on, "manager");
    expect(items.map((e) => [e.role, e.outcome, e.contractIds]).sort()).toEqual((await ledger(on, "sam")).map((e) => [e.role, e.outcome, e.contractIds]).sort());
    expect(suppliersEmails(items).map((e) => e.recipient)).toEqual([
      { name: "the supplier", email: "" },
      { name: "the supplier", email: "" },
    ]);
    expect(JSON.stringify(items)).not.toMatch(/jo@acme|kim@other/i);
    // Ids stay one per email, in four parts ending with the run (the pane picks a run's emails by it).
    const [runId] = items.map((e) => e.id.split("|")[3]);
    expect(suppliersEmails(items).map((e) => e.id.split("|"))).toEqual([
      ["2026-11-26", expect.stringMatching(/^supplier-[0-9a-f]{16}$/), "reminder", runId],
      ["2026-11-26", expect.stringMatching(/^supplier-[0-9a-f]{16}$/), "reminder", runId],
    ]);
    expect(new Set(items.map((e) => e.id)).size).toBe(items.length);
    expect(items.find((e) => e.role === "contract-manager")?.recipient.email).toBe(SAM);
  });
});

describe("without the setting", () => {
  let off: Bed;
  beforeAll(async () => {
    off = await chased({});
  });
  afterAll(() => off.bed.close());

  it("everyone who may read the ledger sees whom it emailed", async () => {
    for (const who of ["sam", "priya", "manager"] as const) {
      const items = await ledger(off, who);
      expect(recipients(suppliersEmails(items))).toEqual([JO, KIM]);
      expect(items.find((e) => e.recipient.email === JO)?.failure).toContain(`Recipient "${JO}" isn't resolved`);
    }
    expect(off.bed.app.deps.settings.portfolio.aggregateOnly).toBe(false);
  });
});
