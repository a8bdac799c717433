import type { AuthenticationProvider } from "@microsoft/microsoft-graph-client";
import { EXAMPLE_PACK, indexPack } from "../../../shared";
import type { Contract, ContractInput, IsoDate } from "../../../shared";
import type { Overrides } from "../../../api/src/app/compose";
import type { Timer } from "../../../api/src/graph/retry";
import { buildContribution, createdAudit } from "../../../api/src/ingest/contribution";
import { createMailer } from "../../../api/src/mail/createMailer";
import { loadMailSettings } from "../../../api/src/settings/mail";
import type { Mailer } from "../../../api/src/mail/mailer";
import { randomReference } from "../../../api/src/ingest/references";
import { startFakeGraph } from "../../support/fakeGraph";
import type { FakeGraph, SentMail } from "../../support/fakeGraph";
import { VirtualTimer } from "../../support/fakeGraphClock";
import { alternatives, decodeWords, header } from "../../support/fakeGraphMime";
import { exampleContract, testApp } from "../../support/harness";
import type { TestApp } from "../../support/harness";

export const SENDER = "social.value@council.example";
export const ORGANISATION = "Example County Council";
const token: AuthenticationProvider = { getAccessToken: async () => "chase-test-token" };

export interface ChaseTestBed {
  app: TestApp;
  fake: FakeGraph;
  timer: VirtualTimer;
  close(): Promise<void>;
}

/** A GraphMailer through the real Graph client to the fake Graph, with virtual time for back-off and pacing. */
export function graphMailer(fake: FakeGraph, timer: Timer, env: Record<string, string> = {}): Mailer {
  const settings = loadMailSettings({ GRAPH_BASE_URL: fake.baseUrl, MAIL_SENDER: SENDER, MAIL_MESSAGES_PER_MINUTE: "0", ...env });
  return createMailer(settings, { authProvider: token, timer, random: () => 0.5 });
}

/** The API's dependencies on the test Azurite, sending through the fake Graph. */
export async function chaseTestBed(options: { env?: Record<string, string>; mailer?: (fake: FakeGraph, timer: VirtualTimer) => Mailer; overrides?: Overrides; mailEnv?: Record<string, string> } = {}): Promise<ChaseTestBed> {
  const fake = await startFakeGraph();
  const timer = new VirtualTimer();
  const mailer = options.mailer ? options.mailer(fake, timer) : graphMailer(fake, timer, options.mailEnv);
  const app = await testApp({ env: { ORGANISATION_NAME: ORGANISATION, ...options.env }, overrides: { mailer, ...options.overrides } });
  await app.deps.ready();
  return { app, fake, timer, close: () => fake.close() };
}

export async function addContract(app: TestApp, overrides: Partial<ContractInput> = {}): Promise<Contract> {
  const input = exampleContract(overrides);
  const now = app.clock.now().toISOString();
  const contract = {
    ...input,
    escalationContacts: input.escalationContacts ?? [],
    reminderPolicy: input.reminderPolicy ?? { evidenceGraceDays: 30, remindEveryDays: 7, escalateAfterReminders: 2, lineManagerAfterReminders: 4 },
    createdAt: now,
    updatedAt: now,
  } as Contract;
  const stored = await app.deps.store.createContract(contract);
  if (!stored) throw new Error(`contract ${contract.id} exists`);
  return contract;
}

/** A contribution saved through the store as ingestion saves it, owing evidence from `periodEnd` + the grace days. */
export async function addContribution(
  app: TestApp,
  contract: Contract,
  fields: { responder: string; supplier?: string; periodEnd: IsoDate; measureCode?: string; quantity?: number; evidence?: { name: string; link: string }[] },
): Promise<string> {
  const pack = indexPack(EXAMPLE_PACK);
  const measure = pack.byCode.get(fields.measureCode ?? "J3");
  if (!measure) throw new Error("no such measure in the example pack");
  const id = randomReference();
  const c = buildContribution({
    id,
    context: { contract, pack, measure },
    report: {
      contractRef: contract.id,
      supplier: fields.supplier ?? "Acme Build Ltd",
      measureCode: measure.code,
      quantity: { amount: fields.quantity ?? 2, unit: null },
      periodStart: "2026-07-01",
      periodEnd: fields.periodEnd,
      description: "Local apprentices",
      evidence: fields.evidence ?? [],
    },
    responder: fields.responder,
    source: { kind: "manual", recordedBy: "officer@council.example" },
    submittedAt: "2026-10-01T09:00:00.000Z",
  });
  const saved = await app.deps.store.createContribution(c, createdAudit(c, c.submittedAt, "officer@council.example", "Recorded by hand"), { owner: { contractId: contract.id } });
  if (saved.outcome !== "created") throw new Error(`contribution ${id}: ${saved.outcome}`);
  return id;
}

export interface ReadMail {
  to: string;
  subject: string;
  text: string;
  replyTo: string | undefined;
  references: string[];
}

/** What a recipient would read: subject, plain text, and the contribution references it lists. */
export function readMail(mail: SentMail): ReadMail {
  if (!mail.mime) throw new Error("expected a MIME send");
  const { text } = alternatives(mail.mime);
  return {
    to: mail.recipients.join(","),
    subject: decodeWords(header(mail.mime, "subject") ?? ""),
    text: text.body,
    replyTo: header(mail.mime, "reply-to"),
    references: [...new Set(text.body.match(/SV-[0-9A-Z]{8}/g) ?? [])].sort(),
  };
}

/** Sent mail per recipient, counted. */
export function countByRecipient(sent: SentMail[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of sent) for (const r of m.recipients) counts.set(r, (counts.get(r) ?? 0) + 1);
  return counts;
}
