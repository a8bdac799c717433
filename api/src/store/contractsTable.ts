import { odata } from "@azure/data-tables";
import type { TableEntity } from "@azure/data-tables";
import type { Commitment, Contract } from "../../../shared";
import { fromChunks, toChunks } from "./chunks";
import { statusOf } from "./entities";
import { StaleEtagError } from "./errors";
import type { Page, PageRequest } from "./page";
import type { ContractStore, Stored } from "./ports";
import type { Tables } from "./tables";

const CONTRACT_PARTITION = "contract";
const COMMITMENTS_ROW = "current";

/** Contracts and their commitments (Contracts, Commitments), api/STORAGE.md. */
export class ContractsTable implements ContractStore {
  /** Contracts this instance read lately, for callers that accept a copy a few seconds old. */
  private readonly recentContracts = new Map<string, { at: number; stored: Stored<Contract> }>();

  constructor(private readonly t: Tables) {}

  private contractEntity(contract: Contract): TableEntity {
    return { partitionKey: CONTRACT_PARTITION, rowKey: contract.id, ...toChunks("doc", JSON.stringify(contract)) };
  }

  createContract(contract: Contract): Promise<Stored<Contract> | undefined> {
    return this.t.io(async () => {
      const etag = await this.t.insert("contracts", this.contractEntity(contract));
      return etag === undefined ? undefined : { value: contract, etag };
    });
  }

  getContract(id: string, options: { maxAgeMs?: number } = {}): Promise<Stored<Contract> | undefined> {
    const cached = this.recentContracts.get(id);
    if (cached && options.maxAgeMs !== undefined && Date.now() - cached.at <= options.maxAgeMs) return Promise.resolve(cached.stored);
    return this.t.io(async () => {
      const e = await this.t.read("contracts", CONTRACT_PARTITION, id);
      if (!e) return undefined;
      const stored = { value: JSON.parse(fromChunks(e, "doc")) as Contract, etag: e.etag };
      this.remember(stored);
      return stored;
    });
  }

  private remember(stored: Stored<Contract>): void {
    if (this.recentContracts.size >= 1000) this.recentContracts.clear();
    this.recentContracts.set(stored.value.id, { at: Date.now(), stored });
  }

  listContracts(request: PageRequest): Promise<Page<Contract>> {
    return this.t.io(() =>
      this.t.page("contracts", odata`PartitionKey eq ${CONTRACT_PARTITION}`, request, (e) => JSON.parse(fromChunks(e, "doc")) as Contract),
    );
  }

  replaceContract(contract: Contract, ifMatch: string): Promise<Stored<Contract>> {
    return this.t.io(async () => {
      try {
        const res = await this.t.clients.contracts.updateEntity(this.contractEntity(contract), "Replace", { etag: ifMatch });
        const stored = { value: contract, etag: res.etag ?? "" };
        this.remember(stored);
        return stored;
      } catch (e) {
        if (statusOf(e) === 412) throw new StaleEtagError(`Contract ${contract.id}`);
        throw e;
      }
    });
  }

  getCommitments(contractId: string): Promise<Commitment[]> {
    return this.t.io(async () => {
      const e = await this.t.read("commitments", contractId, COMMITMENTS_ROW);
      return e ? (JSON.parse(fromChunks(e, "doc")) as Commitment[]) : [];
    });
  }

  allCommitments(): Promise<Map<string, Commitment[]>> {
    return this.t.io(async () => {
      const rows = await this.t.all("commitments", odata`RowKey eq ${COMMITMENTS_ROW}`);
      return new Map(rows.map((e) => [e.partitionKey ?? "", JSON.parse(fromChunks(e, "doc")) as Commitment[]]));
    });
  }

  putCommitments(contractId: string, commitments: Commitment[]): Promise<void> {
    return this.t.io(async () => {
      // One entity holds the whole list, so a replace is atomic however many commitments there are.
      await this.t.clients.commitments.upsertEntity(
        { partitionKey: contractId, rowKey: COMMITMENTS_ROW, ...toChunks("doc", JSON.stringify(commitments)) },
        "Replace",
      );
    });
  }
}
