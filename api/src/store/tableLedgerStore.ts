import type { ChaseLedgerStore } from "./chaseLedgerPort";
import { TableChaseLedger } from "./chaseLedgerTable";
import { ContractsTable } from "./contractsTable";
import type { CrosswalkStore } from "./crosswalkPort";
import { CrosswalksTable } from "./crosswalksTable";
import { ContributionsTable } from "./contributionsTable";
import type { FormsPullStore } from "./formsPullPort";
import { TableFormsPullStore } from "./formsPullTable";
import { InboxTable } from "./inboxTable";
import { PacksTable } from "./packsTable";
import type { PerformanceStore } from "./performancePort";
import { PerformanceTable } from "./performanceTable";
import type { ClaimsIndexUpkeep, ContractStore, InboxStore, LedgerStore, PackStore } from "./ports";
import type { PortfolioTotalsStore } from "./portfolioPort";
import { PortfolioTable } from "./portfolioTable";
import { Tables } from "./tables";
import type { TableStoreOptions } from "./tables";

/**
 * The ledger in Table Storage: one adapter per aggregate over one set of tables, so every storage
 * call shares one deadline policy and one bounded queue (api/STORAGE.md says how each is keyed).
 */
export class TableLedgerStore implements LedgerStore {
  private readonly tables: Tables;
  private readonly inbox: InboxStore;
  private readonly packs: PackStore;
  private readonly contracts: ContractStore;
  private readonly contributions: ContributionsTable;
  readonly chase: ChaseLedgerStore;
  readonly formsPull: FormsPullStore;
  readonly performance: PerformanceStore;
  readonly crosswalks: CrosswalkStore;
  readonly portfolio: PortfolioTotalsStore;
  readonly claimsIndexUpkeep: ClaimsIndexUpkeep;

  constructor(options: TableStoreOptions) {
    const tables = new Tables(options);
    const io = <T>(operation: () => Promise<T>) => tables.io(operation);
    this.tables = tables;
    this.inbox = new InboxTable(tables);
    this.packs = new PacksTable(tables);
    this.contracts = new ContractsTable(tables);
    this.contributions = new ContributionsTable(tables);
    this.chase = new TableChaseLedger(tables.clients.chaseLedger, io);
    this.formsPull = new TableFormsPullStore(tables.clients.formsPull, io);
    this.performance = new PerformanceTable(tables.clients.performance, io);
    this.crosswalks = new CrosswalksTable(tables.clients.crosswalks, io);
    this.portfolio = new PortfolioTable(tables);
    this.claimsIndexUpkeep = this.contributions.claimsIndex;
  }

  prepare: LedgerStore["prepare"] = () => this.tables.prepare();
  ping: LedgerStore["ping"] = () => this.tables.ping();

  storeRaw: LedgerStore["storeRaw"] = (...a) => this.inbox.storeRaw(...a);
  storeRawMany: LedgerStore["storeRawMany"] = (...a) => this.inbox.storeRawMany(...a);
  addToQuarantine: LedgerStore["addToQuarantine"] = (...a) => this.inbox.addToQuarantine(...a);
  listQuarantine: LedgerStore["listQuarantine"] = (...a) => this.inbox.listQuarantine(...a);
  resolveQuarantine: LedgerStore["resolveQuarantine"] = (...a) => this.inbox.resolveQuarantine(...a);

  listPacks: LedgerStore["listPacks"] = () => this.packs.listPacks();
  getPack: LedgerStore["getPack"] = (...a) => this.packs.getPack(...a);
  addPack: LedgerStore["addPack"] = (...a) => this.packs.addPack(...a);

  createContract: LedgerStore["createContract"] = (...a) => this.contracts.createContract(...a);
  getContract: LedgerStore["getContract"] = (...a) => this.contracts.getContract(...a);
  listContracts: LedgerStore["listContracts"] = (...a) => this.contracts.listContracts(...a);
  replaceContract: LedgerStore["replaceContract"] = (...a) => this.contracts.replaceContract(...a);
  getCommitments: LedgerStore["getCommitments"] = (...a) => this.contracts.getCommitments(...a);
  putCommitments: LedgerStore["putCommitments"] = (...a) => this.contracts.putCommitments(...a);
  allCommitments: LedgerStore["allCommitments"] = () => this.contracts.allCommitments();

  findReference: LedgerStore["findReference"] = (...a) => this.contributions.findReference(...a);
  createContribution: LedgerStore["createContribution"] = (...a) => this.contributions.createContribution(...a);
  getContribution: LedgerStore["getContribution"] = (...a) => this.contributions.getContribution(...a);
  auditTrail: LedgerStore["auditTrail"] = (...a) => this.contributions.auditTrail(...a);
  updateContribution: LedgerStore["updateContribution"] = (...a) => this.contributions.updateContribution(...a);
  wasApplied: LedgerStore["wasApplied"] = (...a) => this.contributions.wasApplied(...a);
  listContributions: LedgerStore["listContributions"] = (...a) => this.contributions.listContributions(...a);
  acceptedValues: LedgerStore["acceptedValues"] = (...a) => this.contributions.acceptedValues(...a);
  countOverdue: LedgerStore["countOverdue"] = (...a) => this.contributions.countOverdue(...a);
  listEvidenceOwed: LedgerStore["listEvidenceOwed"] = (...a) => this.contributions.listEvidenceOwed(...a);
  addAuditEntries: LedgerStore["addAuditEntries"] = (...a) => this.contributions.addAuditEntries(...a);

  similarClaims: LedgerStore["similarClaims"] = (...a) => this.contributions.claimsIndex.similarClaims(...a);
  evidenceUsers: LedgerStore["evidenceUsers"] = (...a) => this.contributions.claimsIndex.evidenceUsers(...a);
}
