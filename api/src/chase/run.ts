import { randomBytes } from "node:crypto";
import {
  digestKey,
  digestsWithDuties,
  dueSteps,
  dutiesByRecipient,
  escalateUnreachable,
  findMeasure,
  groupByRecipient,
  plural,
  portfolioView,
  rejectionNoticeStep,
  todayIn,
  weekdayOf,
  weeklyDigests,
} from "../../../shared";
import type {
  ChaseAttempt,
  ChaseItem,
  ChaseLedgerEntry,
  ChaseMessage,
  ChaseRole,
  ChaseRunResult,
  ChaseRunStatus,
  ChaseStep,
  Contract,
  Contribution,
  Digest,
  IsoDate,
  PackIndex,
  PerformanceDuty,
  QueuedRejectionNotice,
} from "../../../shared";
import type { Deps } from "../deps";
import { renderChaseMessage, renderDigest } from "../mail/chaseEmails";
import type { ChaseEmailContext, DigestPortfolio } from "../mail/chaseEmails";
import { isContractOfficer } from "../handlers/principal";
import { loadPortfolioInputs } from "../portfolio/view";
import { CircuitBreaker } from "../graph/breaker";
import type { OutgoingEmail, SendResult } from "../mail/mailer";
import { digest } from "../store/keys";
import type { KeyedAuditEntry } from "../store/ports";
import { chaseMessageId } from "../store/chaseLedgerPort";
import type { ChaseLease, ChaseLedgerStore, ChaseMessageRecord, ChaseScope, StepClaim } from "../store/chaseLedgerPort";
import { eachPage } from "../store/page";
import { mapWithLimit } from "../lib/concurrency";
import { loadPerformanceDuties } from "./performance";

/**
 * The chase run (docs/API-CONTRACT.md "Evidence and chasing"): find what is owed through the EvidenceDue
 * index and the rejection notices waiting in the ledger, read each item's history from the ledger
 * (one query per contribution), apply each contract's ladder to what was really sent, leave out
 * every step the ledger says was already sent or failed for good, and send one email per
 * recipient, each written to the ledger as `claimed` before it goes and finished after. The
 * timers and `POST /api/chase/run` all call runChase.
 *
 * The owed items are read a page of the EvidenceDue index at a time; each page's histories are
 * read and its due steps kept, the rest of the page let go (all of it on the digest weekday, when
 * the digests need every overdue item).
 *
 * One run at a time, across instances: a lease in the ledger (CHASE_LEASE_SECONDS, ETag-guarded)
 * that the running instance renews on a heartbeat every third of it. A run that crashed stops
 * renewing, so another instance may take over once it runs out. A message is claimed only when the
 * pacer has let it go and it is about to be handed to Graph, so a crash leaves at most the messages
 * really in flight unfinished. A circuit breaker stops the run when Graph fails every attempt for
 * 30 s; what was not sent is recorded `deferred` with the reason, for the next run.
 *
 * Order of sending: suppliers first (their reminders and rejection notices in one email), so a
 * supplier whose address the mail system refuses is reported to the contract manager in the same
 * run; then contract managers and line managers; then, on the digest weekday, the weekly digests.
 *
 * A message claimed and never finished (the run stopped between claiming and recording Graph's
 * answer) has an unknown fate. The next run settles it as `deferred` and sends its items again,
 * marked as a possible duplicate: a reminder sent twice is a nuisance, a reminder never sent
 * breaks the ladder's promise. The same goes for a message Graph may have accepted although its
 * answer was lost (`mayHaveBeenSent`). What the ledger records as `sent` is never sent again.
 */

export interface ChaseRunOptions {
  /** Progress and problems, for the timer's or request's log. */
  log?: (message: string) => void;
  /**
   * `rejection-notices`: only the notices rejections queued, for the frequent timer that sends
   * them minutes after the review; reminders and digests wait for the daily run.
   */
  scope?: ChaseScope;
  /** Who started it, for the run's status: the timers, or a manager (`POST /api/chase/run`). */
  trigger?: ChaseRunStatus["trigger"];
}

/** A run under way: its status as first written, and its result once it ends. */
export interface StartedChase {
  status: ChaseRunStatus;
  done: Promise<ChaseRunResult>;
}

/** Thrown from the claim when the run is stopping: the message was never handed to Graph. */
class NotHandedOver extends Error {}

/** Another run holds the lease. */
export class ChaseBusyError extends Error {
  constructor(
    readonly heldBy: string,
    readonly until: string,
  ) {
    super(`Another chase run (${heldBy}) is in progress; it holds the chase until ${until} at the latest.`);
    this.name = "ChaseBusyError";
  }
}

/** Messages handled at once; the mailer paces what reaches Graph (4 per mailbox by default). */
const RUN_CONCURRENCY = 8;
const OWED_PAGE_SIZE = 1000;
const LOOKUP_CONCURRENCY = 8;

const UNKNOWN_FATE =
  "The run that claimed this message stopped before Graph's answer was recorded, so whether it went is unknown. Its items are sent again by the next run, marked as a possible duplicate.";

const RUNG: Record<ChaseRole, number> = { rejection: 0, supplier: 1, "contract-manager": 2, "line-manager": 3 };
/** The steps that go to the supplier's responder, in the run's first phase. */
const TO_SUPPLIER: ReadonlySet<ChaseRole> = new Set(["supplier", "rejection"]);

/** One email ready to go: its ledger entry, its steps, and its words. */
interface Outgoing {
  entry: ChaseLedgerEntry;
  steps: StepClaim[];
  email: OutgoingEmail;
  /** The ladder steps it carries (none for a digest), for audit entries and unreachable suppliers. */
  chaseSteps: ChaseStep[];
  /** The rejection notices it carries, taken off the queue once it went or failed for good. */
  notices: QueuedRejectionNotice[];
}

/** What the ledger already says about a step. */
type StepState = { done: true } | { done: false; mayHaveBeenSent: boolean };

class ChaseRun {
  private readonly ledger: ChaseLedgerStore;
  private readonly handled: ChaseLedgerEntry[] = [];
  /** "chased" audit entries of this phase's messages, written together at its end (one transaction per partition). */
  private audits: KeyedAuditEntry[] = [];
  private readonly states = new Map<string, StepState>();
  private stopReason: string | undefined;
  private crash: { error: unknown } | undefined;
  private alreadyDone = 0;
  /** Steps of today's items that an earlier run today already sent or saw fail for good. */
  private doneToday = 0;
  /** When the lease was last renewed, by this process's own clock (Date.now: a test's fixed clock does not move). */
  private renewedAt = Date.now();
  private leaseLost = false;
  private heartbeat: NodeJS.Timeout | undefined;
  private beating = false;
  /** Status writes go one after another, so an older one never overwrites a newer. */
  private statusWrites: Promise<void> = Promise.resolve();
  private readonly breaker = new CircuitBreaker();
  private readonly leaseMs: number;
  private readonly contracts = new Map<string, Contract>();
  private readonly log: (message: string) => void;
  private readonly scope: ChaseScope;
  /** Message entries read for the items' histories, by id (many items share one email). */
  private readonly messages = new Map<string, Promise<ChaseMessageRecord | undefined>>();
  /** The queued notice behind each rejection step, by step key. */
  private readonly noticeOf = new Map<string, QueuedRejectionNotice>();

  constructor(
    private readonly deps: Deps,
    private lease: ChaseLease,
    private readonly today: IsoDate,
    private readonly runId: string,
    private status: ChaseRunStatus,
    options: ChaseRunOptions,
  ) {
    this.ledger = deps.store.chase;
    this.leaseMs = deps.settings.chase.leaseMs;
    this.log = options.log ?? (() => undefined);
    this.scope = options.scope ?? "everything";
  }

  /** Writes the run's first status and marks the run it took over from as abandoned. */
  async begin(): Promise<void> {
    await this.ledger.saveRun(this.status);
    const previous = this.status.tookOverFrom ? await this.ledger.getRun(this.status.tookOverFrom) : undefined;
    if (previous?.state === "running") await this.ledger.saveRun({ ...previous, state: "abandoned" });
  }

  /** Runs it to the end with the heartbeat going; the final status says how it ended. */
  async complete(): Promise<ChaseRunResult> {
    this.heartbeat = setInterval(() => void this.beat(), Math.floor(this.leaseMs / 3));
    this.heartbeat.unref();
    let result: ChaseRunResult;
    try {
      result = await this.execute();
    } catch (error) {
      clearInterval(this.heartbeat);
      // The run's own failure is what the caller must hear; the status and lease are best efforts (the lease runs out anyway).
      await this.saveStatus({ state: "failed", finishedAt: this.nowIso(), error: error instanceof Error ? error.message : String(error) }).catch((e: unknown) => this.log(`Could not record the failed run's status: ${String(e)}`));
      await this.release().catch((e: unknown) => this.log(`Could not release the chase lease after the run failed: ${String(e)}`));
      throw error;
    }
    clearInterval(this.heartbeat);
    await this.saveStatus({ state: "finished", finishedAt: this.nowIso(), ...(result.stoppedEarly ? { stoppedEarly: result.stoppedEarly } : {}) });
    await this.release();
    return result;
  }

  private counts(): Pick<ChaseRunStatus, "sent" | "failed" | "deferred" | "alreadyDone"> {
    const count = (outcome: ChaseLedgerEntry["outcome"]) => this.handled.filter((e) => e.outcome === outcome).length;
    return { sent: count("sent"), failed: count("failed"), deferred: count("deferred"), alreadyDone: this.alreadyDone };
  }

  private saveStatus(change: Partial<ChaseRunStatus>): Promise<void> {
    this.status = { ...this.status, ...this.counts(), ...change };
    const snapshot = this.status;
    const write = this.statusWrites.then(() => this.ledger.saveRun(snapshot));
    this.statusWrites = write.catch(() => undefined);
    return write;
  }

  /** Renews the lease and records progress; a lease another run has taken, or one not renewed in time, stops this run. */
  private async beat(): Promise<void> {
    if (this.beating || this.leaseLost) return;
    this.beating = true;
    try {
      const now = this.deps.clock.now();
      const renewed = await this.ledger.renewLease(this.lease, now, this.leaseMs);
      if (!renewed) {
        this.loseLease("another chase run took over after this run's lease ran out");
        return;
      }
      this.lease = renewed;
      this.renewedAt = Date.now();
      await this.saveStatus({ heartbeatAt: now.toISOString() });
    } catch (error) {
      // Storage blinked: the next beat tries again. Sending stops if the lease is not renewed in time (checkLease).
      this.log(`Could not renew the chase lease: ${String(error)}`);
    } finally {
      this.beating = false;
    }
  }

  private loseLease(reason: string): void {
    this.leaseLost = true;
    this.stopReason ??= reason;
  }

  /** Before a message is handed over: a lease not renewed within its duration may be another run's by now. */
  private checkLease(): void {
    if (!this.leaseLost && Date.now() - this.renewedAt >= this.leaseMs) this.loseLease("this run could not renew its lease in time, so another run may have taken over");
  }

  private nowIso(): string {
    return this.deps.clock.now().toISOString();
  }

  async execute(): Promise<ChaseRunResult> {
    await this.settleUnfinished();
    const everything = this.scope === "everything";
    const digestDay = everything && weekdayOf(this.today) === this.deps.settings.chase.digestWeekday;
    const noticeSteps = await this.loadNotices();
    const ladder: ChaseStep[] = [];
    const digestItems: ChaseItem[] = [];
    if (everything) {
      for await (const items of this.owedPages()) {
        const histories = await this.loadHistories(items);
        for (const item of items) ladder.push(...dueSteps(item, histories.get(item.contribution.id) ?? [], this.today));
        if (digestDay) digestItems.push(...items);
      }
    }
    const steps = [...noticeSteps, ...ladder];
    // Procurement Act duties ride in the contract managers' emails of phase 2 (shared/performanceChase.ts).
    const { duties, toldToday } = everything ? await loadPerformanceDuties(this.deps, this.today) : { duties: [], toldToday: 0 };
    this.doneToday += toldToday;
    const digests = digestDay ? digestsWithDuties(weeklyDigests(digestItems, this.today), duties) : [];
    await this.loadStates(steps, digests.map((d) => d.recipient.email), duties);

    const context = await this.emailContext([...steps.map((s) => s.item), ...digestItems]);
    const pending = steps.filter((s) => this.isPending(s.key));
    await this.dropDoneNotices(noticeSteps.filter((s) => !this.isPending(s.key)));
    const pendingDigests = digests.filter((d) => this.isPending(digestKey(this.today, d.recipient.email)));
    const pendingDuties = duties.filter((d) => this.isPending(d.key));
    this.alreadyDone = this.doneToday + steps.length - pending.length + digests.length - pendingDigests.length + duties.length - pendingDuties.length;
    const supplierRecipients = new Set(pending.filter((s) => TO_SUPPLIER.has(s.role)).map((s) => s.recipient.email.toLowerCase()));
    const messages = groupByRecipient(pending);
    const first = messages.filter((m) => supplierRecipients.has(m.recipient.email));

    // Phase 1: everyone who is chased as a supplier.
    const unreachable = await this.sendAll(first.map((m) => this.reminder(m, context)));

    // Phase 2: managers, told at once about suppliers the mail system refused in phase 1.
    // Keyed by item and recipient: a manager the ladder tells about an item today hears of the refusal in that same line.
    const itemFor = (s: ChaseStep) => `${s.item.contribution.id}|${s.recipient.email.toLowerCase()}`;
    const managerSteps = new Map(pending.filter((s) => !supplierRecipients.has(s.recipient.email.toLowerCase())).map((s) => [itemFor(s), s]));
    for (const step of unreachable) {
      // Someone chased as a supplier has had their one email this run; the ladder tells them later.
      if (supplierRecipients.has(step.recipient.email.toLowerCase()) || !this.isPending(step.key)) continue;
      const ladder = managerSteps.get(itemFor(step));
      managerSteps.set(itemFor(step), ladder ? { ...ladder, unreachableSupplier: true, unreachableReason: step.unreachableReason } : step);
    }
    // Someone chased as a supplier has had their one email; their duties wait for the next run.
    const dutiesOf = dutiesByRecipient(pendingDuties.filter((d) => !supplierRecipients.has(d.recipient.email)));
    const managerMessages = groupByRecipient([...managerSteps.values()]).map((m) => {
      const mine = dutiesOf.get(m.recipient.email) ?? [];
      dutiesOf.delete(m.recipient.email);
      return this.reminder(m, context, mine);
    });
    const dutyOnly = [...dutiesOf.values()].map((mine) => this.reminder({ recipient: (mine[0] as PerformanceDuty).recipient, steps: [] }, context, mine));
    await this.sendAll([...managerMessages, ...dutyOnly]);

    // Phase 3: the weekly digests, each with its recipient's portfolio in a few figures.
    const portfolio = pendingDigests.length > 0 ? await this.digestPortfolios() : undefined;
    await this.sendAll(pendingDigests.map((d) => this.digestMessage(d, (buyer) => ({ ...context(buyer), portfolio }))));

    if (this.crash) throw this.crash.error;
    return {
      runDate: this.today,
      ...this.counts(),
      messages: this.handled,
      ...(this.stopReason ? { stoppedEarly: this.stopReason } : {}),
    };
  }

  async release(): Promise<void> {
    if (!(await this.ledger.releaseLease(this.lease))) this.log("The chase lease had already been taken by another run; it was left to that run.");
  }

  /** Claims left open by a run that stopped: their fate is unknown, so they become deferred and their items go again. */
  private async settleUnfinished(): Promise<void> {
    const open = await this.ledger.openClaims();
    let settled = 0;
    for (const id of open) {
      const record = await this.ledger.getMessage(id);
      if (record?.entry.outcome === "claimed") {
        await this.ledger.finish({ ...record.entry, outcome: "deferred", finishedAt: this.nowIso(), failure: UNKNOWN_FATE }, true);
        settled++;
      } else {
        // Finished but the marker outlived it, or the run stopped before writing the message at all.
        await this.ledger.closeClaim(id);
      }
    }
    if (settled > 0) this.log(`Settled ${plural(settled, "message")} left unfinished by an earlier run; their items are sent again.`);
  }

  /** Everything owing evidence due on or before today, a page of the EvidenceDue index at a time, each with its contract (read once per run). */
  private async *owedPages(): AsyncGenerator<ChaseItem[]> {
    for await (const owed of eachPage((page) => this.deps.store.listEvidenceOwed(this.today, page), OWED_PAGE_SIZE)) yield await this.withContracts(owed);
  }

  private async withContracts(owed: Contribution[]): Promise<ChaseItem[]> {
    const missing = [...new Set(owed.map((c) => c.contractId))].filter((id) => !this.contracts.has(id));
    await mapWithLimit(missing, LOOKUP_CONCURRENCY, async (id) => {
      const stored = await this.deps.store.getContract(id);
      // Contracts are never deleted, so a contribution without one is a fault to look into, not something to skip.
      if (!stored) throw new Error(`Contribution(s) on contract ${id} owe evidence, but the contract cannot be found`);
      this.contracts.set(id, stored.value);
    });
    const formUrl = this.deps.settings.chase.formUrl;
    return owed.map((contribution) => {
      const contract = this.contracts.get(contribution.contractId) as Contract;
      return { contribution, contract: { ...contract, formUrl: contract.formUrl ?? formUrl } };
    });
  }

  /**
   * The rejection notices waiting, each checked against its contribution as it is now: a notice
   * for a contribution that has moved on (new evidence, another review, a newer rejection) or whose
   * supplier cannot be emailed is taken off the queue unsent.
   */
  private async loadNotices(): Promise<ChaseStep[]> {
    const queued = await this.ledger.queuedRejectionNotices();
    const contracts = new Map<string, Promise<Contract | undefined>>();
    const contractOf = (id: string) => {
      const known = contracts.get(id) ?? this.deps.store.getContract(id).then((stored) => stored?.value);
      contracts.set(id, known);
      return known;
    };
    const formUrl = this.deps.settings.chase.formUrl;
    const steps = await mapWithLimit(queued, LOOKUP_CONCURRENCY, async (notice) => {
      const [stored, contract] = await Promise.all([this.deps.store.getContribution(notice.contractId, notice.contributionId), contractOf(notice.contractId)]);
      // A notice is queued for a contribution that exists, and contracts are never deleted: a fault to look into.
      if (!stored || !contract) throw new Error(`A rejection notice is queued for ${notice.contributionId} on ${notice.contractId}, which cannot be found`);
      const step = rejectionNoticeStep({ contribution: stored.value, contract: { ...contract, formUrl: contract.formUrl ?? formUrl } }, notice, this.today);
      if (!step) {
        await this.ledger.dropRejectionNotice(notice);
        return undefined;
      }
      this.noticeOf.set(step.key, notice);
      return step;
    });
    return steps.filter((s): s is ChaseStep => s !== undefined);
  }

  /** Notices the ledger shows were sent already (a run stopped before taking them off the queue). */
  private async dropDoneNotices(done: ChaseStep[]): Promise<void> {
    await mapWithLimit(done, LOOKUP_CONCURRENCY, async (s) => {
      const notice = this.noticeOf.get(s.key);
      if (notice) await this.ledger.dropRejectionNotice(notice);
    });
  }

  private message(id: string): Promise<ChaseMessageRecord | undefined> {
    const known = this.messages.get(id) ?? this.ledger.getMessage(id);
    this.messages.set(id, known);
    return known;
  }

  /**
   * What the ledger shows for each item's current due date: one query of the item's own history
   * partition, then each message it names (read once however many items it carried).
   */
  private async loadHistories(items: ChaseItem[]): Promise<Map<string, ChaseAttempt[]>> {
    const histories = new Map<string, ChaseAttempt[]>();
    await mapWithLimit(items, LOOKUP_CONCURRENCY, async (item) => {
      const c = item.contribution;
      const records = await this.ledger.history(c.id, c.evidenceDueDate);
      const attempts: ChaseAttempt[] = [];
      for (const r of records) {
        const message = await this.message(r.messageId);
        // A history record written ahead of a message entry that never was: nothing was tried.
        if (!message) continue;
        const { runDate, outcome } = message.entry;
        attempts.push({ role: r.role, recipient: r.recipient, dueDate: r.dueDate, date: runDate, outcome });
        // Done today by an earlier run: the ladder does not offer it again, and the answer says so.
        if (runDate === this.today && (outcome === "sent" || outcome === "failed")) this.doneToday++;
      }
      histories.set(c.id, attempts);
    });
    return histories;
  }

  /** What the ledger says about today's steps: one read of each recipient's step records, then each message they name. */
  private async loadStates(steps: ChaseStep[], digestRecipients: string[], duties: readonly PerformanceDuty[] = []): Promise<void> {
    const from = new Map<string, IsoDate>();
    const widen = (email: string, date: IsoDate) => {
      const current = from.get(email);
      if (current === undefined || date < current) from.set(email, date);
    };
    for (const s of steps) widen(s.recipient.email.toLowerCase(), s.windowStart);
    for (const email of digestRecipients) widen(email.toLowerCase(), this.today);
    for (const d of duties) widen(d.recipient.email, d.windowStart);

    const records = (await mapWithLimit([...from], LOOKUP_CONCURRENCY, ([email, date]) => this.ledger.stepRecords(email, date))).flat();
    const messageIds = [...new Set(records.map((r) => r.messageId))];
    const outcomes = new Map<string, StepState>();
    await mapWithLimit(messageIds, LOOKUP_CONCURRENCY, async (id) => {
      const record = await this.message(id);
      if (!record) return; // a step record written ahead of a message entry that never was: the step is not done
      const { outcome } = record.entry;
      outcomes.set(id, outcome === "sent" || outcome === "failed" ? { done: true } : { done: false, mayHaveBeenSent: record.mayHaveBeenSent || outcome === "claimed" });
    });
    for (const r of records) {
      const state = outcomes.get(r.messageId);
      if (state) this.states.set(r.stepKey, state);
    }
  }

  /** Not yet sent, nor failed for good. */
  private isPending(key: string): boolean {
    return this.states.get(key)?.done !== true;
  }

  private mayHaveBeenSentBefore(keys: string[]): boolean {
    return keys.some((k) => {
      const state = this.states.get(k);
      return state !== undefined && !state.done && state.mayHaveBeenSent;
    });
  }

  /** The organisation's name and the measures' words, from the contracts' pinned packs. */
  private async emailContext(items: ChaseItem[]): Promise<(buyer: string) => ChaseEmailContext> {
    const packs = new Map<string, PackIndex>();
    const contracts = new Map(items.map((i) => [i.contract.id, i.contract as Contract]));
    await mapWithLimit([...contracts.values()], LOOKUP_CONCURRENCY, async (contract) => {
      const pack = await this.deps.packs.get(contract.packId, contract.packEdition);
      if (!pack) throw new Error(`Contract ${contract.id} is pinned to pack ${contract.packId} ${contract.packEdition}, which is not stored`);
      packs.set(contract.id, pack);
    });
    const organisation = this.deps.settings.chase.organisationName;
    return (buyer) => ({
      organisation: organisation ?? buyer,
      today: this.today,
      measure: (contractId, code) => {
        const pack = packs.get(contractId);
        const measure = pack ? findMeasure(pack, code) : undefined;
        return measure ? { description: measure.description, unit: measure.unit } : undefined;
      },
    });
  }

  private reminder(message: ChaseMessage, context: (buyer: string) => ChaseEmailContext, duties: readonly PerformanceDuty[] = []): Outgoing {
    const steps = message.steps;
    const first = steps[0];
    // A message of duties alone goes to a contract manager.
    const role = steps.reduce<ChaseRole>((top, s) => (RUNG[s.role] > RUNG[top] ? s.role : top), first?.role ?? "contract-manager");
    const email = renderChaseMessage(message, context(first?.item.contract.buyer ?? duties[0]?.contract.buyer ?? ""), duties);
    const keys = [...steps.map((s) => s.key), ...duties.map((d) => d.key)];
    return {
      entry: this.entry({
        kind: "reminder",
        recipient: message.recipient,
        role,
        subject: email.subject,
        contractIds: [...new Set([...steps.map((s) => s.item.contract.id), ...duties.map((d) => d.contract.id)])].sort(),
        contributionIds: [...new Set(steps.map((s) => s.item.contribution.id))],
        possibleDuplicate: this.mayHaveBeenSentBefore(keys),
      }),
      steps: [
        ...steps.map((s) => ({ key: s.key, windowStart: s.windowStart, item: { contributionId: s.item.contribution.id, dueDate: s.item.contribution.evidenceDueDate, role: s.role } })),
        ...duties.map((d) => ({ key: d.key, windowStart: d.windowStart })),
      ],
      email,
      chaseSteps: steps,
      notices: steps.flatMap((s) => this.noticeOf.get(s.key) ?? []),
    };
  }

  /** Each digest recipient's contracts rolled up, from one read of the running totals. */
  private async digestPortfolios(): Promise<(email: string) => DigestPortfolio | undefined> {
    const { contracts, asOf } = await loadPortfolioInputs(this.deps, { subject: "chase", roles: ["Manager"] });
    const reportUrl = this.deps.settings.portfolio.reportUrl;
    return (email) => {
      const theirs = contracts.filter((c) => isContractOfficer({ subject: email, email, roles: ["Officer"] }, c.contract));
      if (theirs.length === 0) return undefined;
      const view = portfolioView(theirs, { groupBy: "contract", asOf });
      const { committed, expected, delivered, gap } = view.totals;
      return { contracts: theirs.length, committed, expected, delivered, gap, statusCounts: view.statusCounts, ...(reportUrl ? { reportUrl } : {}) };
    };
  }

  private digestMessage(d: Digest, context: (buyer: string) => ChaseEmailContext): Outgoing {
    const key = digestKey(this.today, d.recipient.email);
    const email = renderDigest(d, context(d.lines[0]?.item.contract.buyer ?? ""));
    return {
      entry: this.entry({
        kind: "digest",
        recipient: d.recipient,
        role: "digest",
        subject: email.subject,
        contractIds: [...new Set(d.lines.map((l) => l.item.contract.id))].sort(),
        contributionIds: d.lines.map((l) => l.item.contribution.id),
        possibleDuplicate: this.mayHaveBeenSentBefore([key]),
      }),
      steps: [{ key, windowStart: this.today }],
      email,
      chaseSteps: [],
      notices: [],
    };
  }

  private entry(fields: Pick<ChaseLedgerEntry, "kind" | "recipient" | "role" | "subject" | "contractIds" | "contributionIds"> & { possibleDuplicate: boolean }): ChaseLedgerEntry {
    const { possibleDuplicate, ...rest } = fields;
    return {
      id: chaseMessageId(this.today, fields.recipient.email, fields.kind, this.runId),
      runDate: this.today,
      ...rest,
      recipient: { name: fields.recipient.name, email: fields.recipient.email.toLowerCase() },
      outcome: "claimed",
      claimedAt: this.nowIso(),
      ...(possibleDuplicate ? { possibleDuplicate: true } : {}),
    };
  }

  /**
   * Sends each message (claim, send, finish), a few at a time. Returns the escalation steps for
   * suppliers whose address was refused. Once the run is stopping, messages not yet started are
   * recorded as deferred; after an unexpected error nothing more is written (as if the process died).
   */
  private async sendAll(outgoing: Outgoing[]): Promise<ChaseStep[]> {
    const escalations: ChaseStep[] = [];
    await mapWithLimit(outgoing, RUN_CONCURRENCY, async (message) => {
      if (this.crash) return;
      try {
        this.checkLease();
        if (this.stopReason !== undefined) return await this.recordUnsent(message);
        escalations.push(...(await this.deliver(message)));
      } catch (error) {
        this.crash ??= { error };
      }
    });
    // Many messages share a contribution partition, so a phase's audit entries take far fewer
    // transactions together than message by message. The ledger stays the record of what was sent;
    // a run that dies mid-phase leaves these entries out.
    if (!this.crash && this.audits.length > 0) {
      const audits = this.audits;
      this.audits = [];
      await this.deps.store.addAuditEntries(audits);
    }
    return escalations;
  }

  /** A message never handed to Graph, recorded deferred with why, for the ledger to show; the next run sends it. */
  private async recordUnsent(message: Outgoing, reason?: string): Promise<void> {
    const why = this.stopReason !== undefined ? `the run stopped early because ${this.stopReason}` : (reason ?? "it could not be handed to the mail system");
    const entry: ChaseLedgerEntry = { ...message.entry, claimedAt: this.nowIso(), outcome: "deferred", finishedAt: this.nowIso(), failure: `Not sent: ${why}. The next run sends it.` };
    await this.ledger.recordUnsent(entry, message.steps.map((s) => s.key));
    this.handled.push(entry);
  }

  private async deliver(message: Outgoing): Promise<ChaseStep[]> {
    // Claimed only once the pacer lets the message go, just before Graph gets it (see the file's comment).
    const handover: { claimed?: ChaseLedgerEntry } = {};
    const claim = async (): Promise<ChaseLedgerEntry> => {
      const claimed: ChaseLedgerEntry = { ...message.entry, claimedAt: this.nowIso() };
      await this.ledger.claim(claimed, message.steps);
      handover.claimed = claimed;
      return claimed;
    };
    let result: SendResult;
    try {
      result = await this.deps.mailer.send(message.email, {
        breaker: this.breaker,
        beforeHandOver: async () => {
          this.checkLease();
          if (this.stopReason !== undefined) throw new NotHandedOver(this.stopReason);
          await claim();
        },
      });
    } catch (error) {
      if (!(error instanceof NotHandedOver)) throw error;
      await this.recordUnsent(message);
      return [];
    }
    if (this.breaker.reason) this.stopReason ??= `Graph is unreachable or failing: ${this.breaker.reason}`;
    // Never handed over: deferred by the breaker or the pacer before any attempt, or refused before sending (an address that is not one).
    if (!handover.claimed && result.kind === "deferred") {
      await this.recordUnsent(message, result.reason);
      return [];
    }
    const { entry, mayHaveBeenSent } = this.outcome(handover.claimed ?? (await claim()), result);
    await this.ledger.finish(entry, mayHaveBeenSent);
    this.handled.push(entry);
    if (entry.outcome === "sent" || entry.outcome === "failed") {
      this.audits.push(...this.auditEntries(message, entry));
      // The message entry says what became of each notice (the contribution's detail shows it); the queue is done with them.
      await mapWithLimit(message.notices, LOOKUP_CONCURRENCY, (n) => this.ledger.dropRejectionNotice(n));
    }
    // A refused supplier address (not a fault of the sending mailbox): the contract manager hears of it now.
    return result.kind === "failed" && !result.senderProblem ? escalateUnreachable(message.chaseSteps, `${result.code}: ${result.message}`) : [];
  }

  /** The ledger entry for Graph's answer; stops the run when the mailbox itself cannot send. */
  private outcome(claimed: ChaseLedgerEntry, result: SendResult): { entry: ChaseLedgerEntry; mayHaveBeenSent: boolean } {
    const finishedAt = this.nowIso();
    switch (result.kind) {
      case "sent":
        return {
          entry: {
            ...claimed,
            outcome: "sent",
            finishedAt,
            ...(result.requestId ? { graphRequestId: result.requestId } : {}),
            ...(claimed.possibleDuplicate || result.possibleDuplicate ? { possibleDuplicate: true } : {}),
          },
          mayHaveBeenSent: false,
        };
      case "failed":
        if (result.senderProblem) {
          // Not this message's fault: it waits for the set-up to be fixed, and so does everything after it.
          this.stopReason ??= `the sending mailbox or the app's permission is at fault (${result.code}: ${result.message})`;
          return { entry: { ...claimed, outcome: "deferred", finishedAt, failure: `${result.code}: ${result.message}` }, mayHaveBeenSent: false };
        }
        return { entry: { ...claimed, outcome: "failed", finishedAt, failure: `${result.code}: ${result.message}` }, mayHaveBeenSent: false };
      case "deferred":
        // Exchange asked the whole mailbox to wait longer than a message may: every other message would wait too.
        if (result.retryAfter) this.stopReason ??= `Exchange is throttling the mailbox until ${result.retryAfter.toISOString()}`;
        return { entry: { ...claimed, outcome: "deferred", finishedAt, failure: result.reason }, mayHaveBeenSent: result.mayHaveBeenSent };
    }
  }

  /** A "chased" entry on the audit trail of each contribution in a reminder that went, or failed for good. */
  private auditEntries(message: Outgoing, entry: ChaseLedgerEntry): KeyedAuditEntry[] {
    const byContribution = new Map<string, ChaseStep>();
    for (const s of message.chaseSteps) byContribution.set(s.item.contribution.id, s);
    const key = digest(entry.id).slice(0, 12);
    const words: Record<ChaseRole, string> = {
      rejection: "Rejection notice",
      supplier: "Reminder",
      "contract-manager": "Escalation to the contract manager",
      "line-manager": "Escalation to the line manager",
    };
    return [...byContribution.values()].map((s) => ({
      contractId: s.item.contract.id,
      contributionId: s.item.contribution.id,
      key,
      entry: {
        at: entry.finishedAt ?? entry.claimedAt,
        actor: "chase",
        action: "chased" as const,
        detail:
          (s.role === "rejection" ? `${words[s.role]} (new evidence due ${s.item.contribution.evidenceDueDate}) ` : `${words[s.role]} ${s.reminderNumber} (${s.daysOverdue} days overdue) `) +
          (entry.outcome === "sent" ? `sent to ${entry.recipient.email}` : `to ${entry.recipient.email} failed: ${entry.failure ?? ""}`) +
          `; chase ledger message ${entry.id}`,
      },
    }));
  }
}

/**
 * Takes the lease and starts the chase for the day `now` falls on in TIME_ZONE; resolves as soon as
 * the run's status is written, with `done` for its result. Throws ChaseBusyError when another run
 * holds the lease. `done` rejects with any storage or mailer error that stopped the run (what was
 * done is in the ledger, and the run's status says it failed).
 */
export async function startChase(deps: Deps, now: Date, options: ChaseRunOptions = {}): Promise<StartedChase> {
  const today = todayIn(deps.settings.timeZone, now);
  const runId = randomBytes(4).toString("hex");
  const scope = options.scope ?? "everything";
  const answer = await deps.store.chase.acquireLease(runId, deps.clock.now(), deps.settings.chase.leaseMs, scope);
  if (!answer.held) throw new ChaseBusyError(answer.heldBy, answer.expiresAt);
  const startedAt = deps.clock.now().toISOString();
  const status: ChaseRunStatus = {
    runId,
    runDate: today,
    scope,
    trigger: options.trigger ?? "timer",
    state: "running",
    startedAt,
    heartbeatAt: startedAt,
    sent: 0,
    failed: 0,
    deferred: 0,
    alreadyDone: 0,
    ...(answer.tookOverFrom ? { tookOverFrom: answer.tookOverFrom } : {}),
  };
  const run = new ChaseRun(deps, answer.lease, today, runId, status, options);
  try {
    await run.begin();
  } catch (error) {
    await run.release().catch((releaseError: unknown) => options.log?.(`Could not release the chase lease: ${String(releaseError)}`));
    throw error;
  }
  if (answer.tookOverFrom) options.log?.(`Took over from chase run ${answer.tookOverFrom}, whose lease ran out unreleased.`);
  const done = run.complete().then((result) => {
    const stopped = result.stoppedEarly ? ` Stopped early: ${result.stoppedEarly}.` : "";
    options.log?.(`Chase ${runId} for ${today}: ${result.sent} sent, ${result.failed} failed, ${result.deferred} deferred, ${result.alreadyDone} steps already done.${stopped}`);
    return result;
  });
  return { status, done };
}

/** Runs the chase to the end (the timers): startChase, then its result. */
export async function runChase(deps: Deps, now: Date, options: ChaseRunOptions = {}): Promise<ChaseRunResult> {
  return (await startChase(deps, now, options)).done;
}
