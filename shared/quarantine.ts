import { parseJson } from "./json";
import { ContractRefSchema } from "./model";
import type { Problem } from "./problems";

/** Who sent a refused submission and for which contract, as far as its raw body can be read. */
export interface QuarantineSender {
  supplier?: string;
  responder?: string;
  contractRef?: string;
}

const MAX_SHOWN = 200;

function text(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const trimmed = value.trim();
  return trimmed === "" ? undefined : trimmed.slice(0, MAX_SHOWN);
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/**
 * Reads the supplier, the responder and the contract reference from a refused body, so an officer
 * sees who to contact before any field names. A body that is not JSON, or lacks a field, gives
 * nothing for it: these are hints for a person, never used to value anything.
 */
export function readSender(raw: string): QuarantineSender {
  const json = parseJson(raw);
  const body = json.ok ? record(json.value) : undefined;
  if (!body) return {};
  const answers = record(body.answers) ?? {};
  const responder = text(body.responder);
  const supplier = text(answers.supplier);
  const written = text(answers.contractRef);
  const parsed = written === undefined ? undefined : ContractRefSchema.safeParse(written);
  const contractRef = parsed?.success ? parsed.data : written;
  return {
    ...(supplier ? { supplier } : {}),
    ...(responder && responder.toLowerCase() !== "anonymous" ? { responder } : {}),
    ...(contractRef ? { contractRef } : {}),
  };
}

/** The answers a supplier types, named as the form asks for them. */
const ANSWER_LABELS: Record<string, string> = {
  contractRef: "The contract reference",
  supplier: "The supplier's name",
  measureCode: "The measure",
  quantity: "The quantity",
  periodStart: "The start of the period",
  periodEnd: "The end of the period",
  description: "The description",
  evidence: "The evidence",
  evidenceFor: "The reference of the contribution the evidence is for",
};

/** Fields the form's flow fills in, not the supplier. */
const FLOW_LABELS: Record<string, string> = {
  formId: "The form's id",
  responseId: "The response number",
  submittedAt: "The time the form was submitted",
  responder: "The responder's email",
  answers: "The answers",
};

/** One reason a submission was refused, as a sentence, and who can put it right. */
export interface QuarantineReason {
  sentence: string;
  /** `supplier`: their answer was wrong, they can send it again; `flow`: the form's flow sent something the ledger cannot read. */
  fixedBy: "supplier" | "flow";
}

function sentenceCase(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function withStop(s: string): string {
  return /[.!?]$/.test(s) ? s : `${s}.`;
}

/** Says a refusal reason as a sentence an officer can pass on, e.g. "The quantity: "lots" is not a number." */
export function quarantineReason(problem: Problem): QuarantineReason {
  const [head, field] = problem.path;
  const answer = head === "answers" && typeof field === "string" ? ANSWER_LABELS[field] : undefined;
  const label = answer ?? (typeof head === "string" ? FLOW_LABELS[head] : undefined);
  const fixedBy = answer ? "supplier" : "flow";
  const message = problem.message.trim();
  if (!label) return { sentence: withStop(sentenceCase(message)), fixedBy };
  // "is required", "must be a date…" read on from the field's name; anything else follows a colon.
  const joined = /^(is|are|must|should|needs?|cannot|has|was)\b/.test(message) ? `${label} ${message}` : `${label}: ${message}`;
  return { sentence: withStop(joined), fixedBy };
}
