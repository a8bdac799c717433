import type { Assessment, KpiRegister, PerformanceFailure } from "../../../shared";

/** A document with the ETag to write it back under (kept apart from ports.ts's Stored, which imports this file). */
export interface Versioned<T> {
  value: T;
  etag: string;
}

/**
 * Contract performance under the Procurement Act (api/STORAGE.md, "Performance"): each contract's
 * KPI register, its assessments and its breach and poor-performance decisions.
 */
export interface PerformanceStore {
  getRegister(contractId: string): Promise<Versioned<KpiRegister> | undefined>;
  /**
   * Replaces the register. With `ifMatch` it is written only over that version (StaleEtagError
   * otherwise, also when there is no register yet); without, whatever is stored is replaced.
   */
  putRegister(register: KpiRegister, ifMatch: string | undefined): Promise<Versioned<KpiRegister>>;
  /** Every contract's register: one partition, a council has hundreds of contracts (the chase reads it). */
  listRegisters(): Promise<KpiRegister[]>;

  addAssessment(assessment: Assessment): Promise<void>;
  /** A contract's assessments, oldest period first. */
  listAssessments(contractId: string): Promise<Assessment[]>;
  getAssessment(contractId: string, id: string): Promise<Assessment | undefined>;

  addFailure(failure: PerformanceFailure): Promise<void>;
  /** A contract's failures, oldest decision first. */
  listFailures(contractId: string): Promise<PerformanceFailure[]>;
  getFailure(contractId: string, id: string): Promise<Versioned<PerformanceFailure> | undefined>;
  /** Throws StaleEtagError when the failure changed since `ifMatch` was read. */
  replaceFailure(failure: PerformanceFailure, ifMatch: string): Promise<Versioned<PerformanceFailure>>;
  /** Failures across contracts whose notice is not recorded as published yet (the chase reads these). */
  listOpenFailures(): Promise<PerformanceFailure[]>;
}
