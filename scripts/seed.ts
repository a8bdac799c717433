import { addDays, ContractInputSchema, EXAMPLE_PACK, todayIn } from "../shared";
import type { AuditEntry, Commitment, Contract, ContractInput, Contribution, ContributionReport } from "../shared";
import type { Deps } from "../api/src/deps";
import { buildContribution, createdAudit } from "../api/src/ingest/contribution";
import { formReference } from "../api/src/ingest/references";
import { recountContract } from "../api/src/portfolio/totals";

const SEED_FORM = "svl-example-seed";
const CONTRACT_ID = "C-1001";
const OFFICER = "sam.patel@council.example";

interface SeedRow {
  supplier: string;
  responder: string;
  measureCode: string;
  quantity: number;
  /** Days before today that the reported period ended. */
  endedDaysAgo: number;
  periodDays: number;
  description: string;
  state: "missing" | "submitted" | "accepted" | "rejected";
  /** For rejections: days before today that the officer rejected the evidence. */
  reviewedDaysAgo?: number;
}

/** Several suppliers, every evidence state, some overdue (grace is 30 days after the period ends). */
const ROWS: SeedRow[] = [
  { supplier: "Acme Build Ltd", responder: "jo@acme.example", measureCode: "J3", quantity: 52, endedDaysAgo: 150, periodDays: 90, description: "Two local apprentices, 26 weeks each", state: "accepted", reviewedDaysAgo: 100 },
  { supplier: "Acme Build Ltd", responder: "jo@acme.example", measureCode: "J1", quantity: 2, endedDaysAgo: 60, periodDays: 90, description: "Two local hires on the resurfacing crew", state: "missing" },
  { supplier: "Acme Build Ltd", responder: "jo@acme.example", measureCode: "S2", quantity: 5000, endedDaysAgo: 70, periodDays: 90, description: "Donation to the Riverside food bank", state: "submitted" },
  { supplier: "Brightway Civils", responder: "priya@brightway.example", measureCode: "G1", quantity: 250000, endedDaysAgo: 45, periodDays: 90, description: "Spend with local SMEs (quarry, plant hire)", state: "submitted" },
  { supplier: "Brightway Civils", responder: "priya@brightway.example", measureCode: "S1", quantity: 120, endedDaysAgo: 100, periodDays: 90, description: "Staff volunteering at the community centre", state: "rejected", reviewedDaysAgo: 40 },
  { supplier: "Brightway Civils", responder: "priya@brightway.example", measureCode: "J4", quantity: 200, endedDaysAgo: 5, periodDays: 30, description: "Careers talks at two secondary schools", state: "rejected", reviewedDaysAgo: 2 },
  { supplier: "Greenleaf Landscapes", responder: "tom@greenleaf.example", measureCode: "E4", quantity: 300, endedDaysAgo: 10, periodDays: 60, description: "Volunteer days on Millbrook park", state: "missing" },
  { supplier: "Greenleaf Landscapes", responder: "tom@greenleaf.example", measureCode: "E3", quantity: 45, endedDaysAgo: 90, periodDays: 90, description: "Green waste composted instead of landfilled", state: "accepted", reviewedDaysAgo: 50 },
  { supplier: "Northgate Haulage", responder: "ana@northgate.example", measureCode: "E1", quantity: 12.5, endedDaysAgo: 35, periodDays: 90, description: "Two electric tippers replacing diesel", state: "missing" },
  { supplier: "Northgate Haulage", responder: "ana@northgate.example", measureCode: "G3", quantity: 40, endedDaysAgo: 20, periodDays: 90, description: "Drivers paid the real Living Wage", state: "missing" },
];

const COMMITMENTS: Commitment[] = [
  { measureCode: "J1", quantity: 10, note: "Local hires across the three years" },
  { measureCode: "J3", quantity: 520 },
  { measureCode: "G1", quantity: 2_000_000 },
  { measureCode: "S1", quantity: 1500, supplier: "Brightway Civils" },
  { measureCode: "E1", quantity: 120 },
  { measureCode: "E3", quantity: 400 },
];

const at = (date: string, hour = 10) => `${date}T${String(hour).padStart(2, "0")}:00:00.000Z`;

/**
 * Example data for the local stack: contract C-1001 pinned to the example pack, its commitments,
 * and ten contributions. Runs on first start only (it looks for the last contribution it makes);
 * every step is insert-if-absent, so an interrupted seed completes on the next start.
 */
export async function seedExampleData(deps: Deps): Promise<"seeded" | "already"> {
  await deps.ready();
  const lastRef = formReference(SEED_FORM, String(ROWS.length), 0);
  if (await deps.store.getContribution(CONTRACT_ID, lastRef)) return "already";

  const today = todayIn(deps.settings.timeZone, deps.clock.now());
  const start = addDays(today, -240);
  const input: ContractInput = {
    id: CONTRACT_ID,
    title: "Highways maintenance and minor works",
    buyer: "Example County Council",
    packId: EXAMPLE_PACK.id,
    packEdition: EXAMPLE_PACK.edition,
    value: 12_000_000,
    startDate: start,
    endDate: addDays(start, 3 * 365),
    contractManager: { name: "Sam Patel", email: OFFICER, lineManager: { name: "Alex Reid", email: "alex.reid@council.example" } },
    escalationContacts: [{ name: "Social Value Team", email: "social.value@council.example" }],
    reminderPolicy: { evidenceGraceDays: 30, remindEveryDays: 7, escalateAfterReminders: 2, lineManagerAfterReminders: 4 },
    formUrl: "https://forms.office.com/r/example-social-value",
  };
  const now = deps.clock.now().toISOString();
  const contract: Contract = { ...ContractInputSchema.parse(input), createdAt: now, updatedAt: now };
  if (await deps.store.createContract(contract)) await deps.store.putCommitments(contract.id, COMMITMENTS);
  const pack = await deps.packs.get(contract.packId, contract.packEdition);
  if (!pack) throw new Error("The example pack is missing from the registry");

  for (const [i, row] of ROWS.entries()) {
    const id = formReference(SEED_FORM, String(i + 1), 0);
    const periodEnd = addDays(today, -row.endedDaysAgo);
    const report: ContributionReport = {
      contractRef: contract.id,
      supplier: row.supplier,
      measureCode: row.measureCode,
      quantity: { amount: row.quantity, unit: null },
      periodStart: addDays(periodEnd, -row.periodDays + 1),
      periodEnd,
      description: row.description,
      evidence: row.state === "missing" ? [] : [{ name: `${row.measureCode.toLowerCase()}-evidence.pdf`, link: `https://example.sharepoint.com/sites/suppliers/${id}.pdf` }],
    };
    const measure = pack.byCode.get(row.measureCode);
    if (!measure) throw new Error(`Seed measure ${row.measureCode} is not in the example pack`);
    const submittedAt = at(addDays(periodEnd, 3));
    let contribution: Contribution = buildContribution({
      id,
      context: { contract, pack, measure },
      report,
      responder: row.responder,
      source: { kind: "form", formId: SEED_FORM, responseId: String(i + 1) },
      submittedAt,
    });
    const audit: AuditEntry[] = createdAudit(contribution, submittedAt, row.responder, `Example data (form ${SEED_FORM} response ${i + 1})`);
    if (row.reviewedDaysAgo !== undefined && (row.state === "accepted" || row.state === "rejected")) {
      const reviewed = addDays(today, -row.reviewedDaysAgo);
      contribution = { ...contribution, evidenceStatus: row.state, reviewedBy: OFFICER, reviewedAt: at(reviewed, 14) };
      if (row.state === "rejected") {
        const reason = "The timesheets are not signed by the community centre; please send signed copies.";
        contribution = { ...contribution, rejectionReason: reason, evidenceDueDate: addDays(reviewed, contract.reminderPolicy.evidenceGraceDays) };
        audit.push({ at: at(reviewed, 14), actor: OFFICER, action: "rejected", detail: `Evidence rejected: ${reason} New evidence due ${contribution.evidenceDueDate}.` });
      } else {
        audit.push({ at: at(reviewed, 14), actor: OFFICER, action: "accepted", detail: "Evidence accepted." });
      }
    }
    // Insert-if-absent: an interrupted seed completes the rows it had not saved and leaves the rest.
    await deps.store.createContribution(contribution, audit, { owner: { contractId: contract.id, formId: SEED_FORM, responseId: String(i + 1) } });
  }
  // Saved straight into the store, so counted in the portfolio here.
  await recountContract(deps, contract.id);
  return "seeded";
}
