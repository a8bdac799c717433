import { odata } from "@azure/data-tables";
import type { TableClient, TableEntity } from "@azure/data-tables";
import type { Assessment, KpiRegister, PerformanceFailure } from "../../../shared";
import { fromChunks, toChunks } from "./chunks";
import { readEntity, statusOf } from "./entities";
import type { Entity, Io } from "./entities";
import { StaleEtagError } from "./errors";
import { keyPart } from "./keys";
import type { PerformanceStore, Versioned } from "./performancePort";

const REGISTERS = "register";
const assessmentsOf = (contractId: string) => `a|${contractId}`;
const failuresOf = (contractId: string) => `f|${contractId}`;

const doc = <T>(e: Entity): T => JSON.parse(fromChunks(e, "doc")) as T;

/** The `Performance` table (api/STORAGE.md): registers in one partition, assessments and failures in one partition per contract each. */
export class PerformanceTable implements PerformanceStore {
  constructor(
    private readonly table: TableClient,
    private readonly io: Io,
  ) {}

  private async all<T>(filter: string): Promise<T[]> {
    const out: T[] = [];
    for await (const e of this.table.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) out.push(doc<T>(e));
    return out;
  }

  getRegister(contractId: string): Promise<Versioned<KpiRegister> | undefined> {
    return this.io(async () => {
      const e = await readEntity(this.table, REGISTERS, contractId);
      return e ? { value: doc<KpiRegister>(e), etag: e.etag } : undefined;
    });
  }

  putRegister(register: KpiRegister, ifMatch: string | undefined): Promise<Versioned<KpiRegister>> {
    return this.io(async () => {
      const entity: TableEntity = { partitionKey: REGISTERS, rowKey: register.contractId, kpiCount: register.kpis.length, ...toChunks("doc", JSON.stringify(register)) };
      try {
        const res = ifMatch === undefined ? await this.table.upsertEntity(entity, "Replace") : await this.table.updateEntity(entity, "Replace", { etag: ifMatch });
        return { value: register, etag: res.etag ?? "" };
      } catch (e) {
        if (ifMatch !== undefined && (statusOf(e) === 412 || statusOf(e) === 404)) throw new StaleEtagError(`The KPI register of ${register.contractId}`);
        throw e;
      }
    });
  }

  listRegisters(): Promise<KpiRegister[]> {
    return this.io(() => this.all<KpiRegister>(odata`PartitionKey eq ${REGISTERS}`));
  }

  addAssessment(assessment: Assessment): Promise<void> {
    return this.io(async () => {
      await this.table.createEntity({
        partitionKey: assessmentsOf(assessment.contractId),
        rowKey: `${assessment.periodEnd}|${assessment.id}`,
        id: assessment.id,
        ...toChunks("doc", JSON.stringify(assessment)),
      });
    });
  }

  listAssessments(contractId: string): Promise<Assessment[]> {
    return this.io(() => this.all<Assessment>(odata`PartitionKey eq ${assessmentsOf(contractId)}`));
  }

  getAssessment(contractId: string, id: string): Promise<Assessment | undefined> {
    return this.io(async () => (await this.all<Assessment>(odata`PartitionKey eq ${assessmentsOf(contractId)} and id eq ${id}`))[0]);
  }

  private failureEntity(failure: PerformanceFailure): TableEntity {
    return {
      partitionKey: failuresOf(failure.contractId),
      rowKey: `${failure.decisionDate}|${keyPart(failure.id)}`,
      id: failure.id,
      open: failure.noticePublishedOn === undefined,
      ...toChunks("doc", JSON.stringify(failure)),
    };
  }

  addFailure(failure: PerformanceFailure): Promise<void> {
    return this.io(async () => {
      await this.table.createEntity(this.failureEntity(failure));
    });
  }

  listFailures(contractId: string): Promise<PerformanceFailure[]> {
    return this.io(() => this.all<PerformanceFailure>(odata`PartitionKey eq ${failuresOf(contractId)}`));
  }

  getFailure(contractId: string, id: string): Promise<Versioned<PerformanceFailure> | undefined> {
    return this.io(async () => {
      for await (const e of this.table.listEntities<Record<string, unknown>>({ queryOptions: { filter: odata`PartitionKey eq ${failuresOf(contractId)} and id eq ${id}` } })) {
        return { value: doc<PerformanceFailure>(e), etag: e.etag };
      }
      return undefined;
    });
  }

  replaceFailure(failure: PerformanceFailure, ifMatch: string): Promise<Versioned<PerformanceFailure>> {
    return this.io(async () => {
      try {
        const res = await this.table.updateEntity(this.failureEntity(failure), "Replace", { etag: ifMatch });
        return { value: failure, etag: res.etag ?? "" };
      } catch (e) {
        if (statusOf(e) === 412) throw new StaleEtagError(`Performance failure ${failure.id}`);
        throw e;
      }
    });
  }

  listOpenFailures(): Promise<PerformanceFailure[]> {
    // Every failure partition starts with "f|"; "}" sorts right after "|".
    return this.io(() => this.all<PerformanceFailure>(odata`PartitionKey ge ${"f|"} and PartitionKey lt ${"f}"} and open eq ${true}`));
  }
}
