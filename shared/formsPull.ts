import { z } from "zod";
import { isBlankCell as isBlank } from "./cells";
import { EXCEL_EPOCH_OFFSET, excelSerialToIsoDate, isValidTimeZone } from "./dates";
import { ANONYMOUS_RESPONDER } from "./model";
import type { Problem } from "./problems";

/**
 * Pulling Forms responses from the response workbook Forms keeps (infra/forms/FLOW.md, part 2):
 * the per-form column mapping, and how one workbook row becomes the canonical submission of
 * `POST /api/forms/responses`. Columns are matched by header text, never by position, because
 * Forms can put them out of question order.
 */

/** What a workbook column can become: the submission's own fields, the answer names of docs/API-CONTRACT.md, and a pasted link. */
export const PULL_TARGETS = [
  "responseId",
  "submittedAt",
  "responder",
  "contractRef",
  "supplier",
  "measureCode",
  "quantity",
  "periodStart",
  "periodEnd",
  "description",
  "evidence",
  "evidenceLink",
  "evidenceFor",
] as const;
export type PullTarget = (typeof PULL_TARGETS)[number];

/** Headers are compared without case or surrounding spaces: " Completion Time" is "Completion time". */
export function headerKey(header: string): string {
  return header.trim().replace(/\s+/g, " ").toLowerCase();
}

const GraphId = (what: string) =>
  z
    .string({ error: `${what} is required` })
    .trim()
    .min(1, `${what} is required`)
    .max(400)
    .regex(/^[^/\\?#\s]+$/, `${what} is one id as Graph Explorer shows it, without slashes, spaces, ? or #`);

export const FormsPullSourceSchema = z
  .object({
    /** The form id the Power Automate flow sends too, so a response that arrives both ways is one contribution. */
    formId: z.string({ error: "formId is required" }).trim().min(1, "formId is required").max(200),
    driveId: GraphId("driveId"),
    itemId: GraphId("itemId"),
    worksheet: z.string().trim().min(1).max(31).optional(),
    /** The table's name; found by listing the workbook's tables when left out. */
    table: z.string().trim().min(1).max(255).optional(),
    /** Header text as it appears in the workbook → what the column becomes. */
    columns: z.record(z.string(), z.string()),
  })
  .strict()
  // The targets are checked here rather than by an enum, so a wrong target and a missing one are reported together.
  .superRefine((source, ctx) => {
    const seen = new Map<string, string>();
    const targets = new Map<PullTarget, string[]>();
    for (const [header, given] of Object.entries(source.columns)) {
      const target = PULL_TARGETS.find((t) => t === given);
      if (!target) {
        ctx.addIssue({ code: "custom", path: ["columns", header], message: `"${given}" is not a field; use one of ${PULL_TARGETS.join(", ")}` });
        continue;
      }
      const key = headerKey(header);
      if (key === "") ctx.addIssue({ code: "custom", path: ["columns", header], message: "a header cannot be empty" });
      const earlier = seen.get(key);
      if (earlier !== undefined) ctx.addIssue({ code: "custom", path: ["columns", header], message: `"${header}" is the same header as "${earlier}" (case and spaces are ignored)` });
      seen.set(key, header);
      targets.set(target, [...(targets.get(target) ?? []), header]);
    }
    for (const target of PULL_TARGETS) {
      const headers = targets.get(target) ?? [];
      // Several columns may hold the responder (Forms' Email, or a typed address on anonymous forms); anything else is one column.
      if (target !== "responder" && headers.length > 1) {
        ctx.addIssue({ code: "custom", path: ["columns", headers[1] as string], message: `${headers.join(" and ")} both map to ${target}; map one column to it` });
      }
    }
    for (const required of ["responseId", "submittedAt"] as const) {
      if (!targets.has(required)) ctx.addIssue({ code: "custom", path: ["columns"], message: `no column maps to ${required} (${required === "responseId" ? "the ID column" : "the Completion time column"})` });
    }
    if (!targets.has("contractRef") && !targets.has("evidenceFor")) {
      ctx.addIssue({ code: "custom", path: ["columns"], message: "no column maps to contractRef or evidenceFor, so no response could be ingested" });
    }
  })
  .transform((source) => source as Omit<typeof source, "columns"> & { columns: Record<string, PullTarget> });
export type FormsPullSource = z.infer<typeof FormsPullSourceSchema>;

export const FormsPullSourcesSchema = z.array(FormsPullSourceSchema).superRefine((sources, ctx) => {
  const items = new Set<string>();
  sources.forEach((s, i) => {
    const item = `${s.driveId}/${s.itemId}`;
    if (items.has(item)) ctx.addIssue({ code: "custom", path: [i, "itemId"], message: `workbook ${item} is listed twice` });
    items.add(item);
  });
});

/** The Graph path of the source's workbook. */
export function sourceItemPath(source: Pick<FormsPullSource, "driveId" | "itemId">): string {
  return `/drives/${encodeURIComponent(source.driveId)}/items/${encodeURIComponent(source.itemId)}`;
}

/**
 * The wall-clock time an Excel serial number holds in `timeZone` (Forms writes Completion time in
 * the owner's local time), as a UTC instant. Rounded to the second, as Forms records it. A time
 * that does not exist locally (the hour skipped when clocks go forward) is read with the offset
 * from before the change, so it lands after it (01:30 on the day London goes to BST is 02:30 BST);
 * a time that happens twice (clocks going back) is read as the first.
 */
export function excelSerialToInstant(serial: number, timeZone: string): string {
  const wall = Math.round((serial - EXCEL_EPOCH_OFFSET) * 86_400) * 1000;
  // No zone changes its offset twice within two days: the offsets a day either side are the candidates.
  const before = zoneOffsetMs(wall - 86_400_000, timeZone);
  const after = zoneOffsetMs(wall + 86_400_000, timeZone);
  // The larger offset gives the earlier instant, so trying it first reads a repeated time as its first occurrence.
  for (const offset of before >= after ? [before, after] : [after, before]) {
    if (zoneOffsetMs(wall - offset, timeZone) === offset) return new Date(wall - offset).toISOString();
  }
  return new Date(wall - before).toISOString();
}

/** Building a formatter costs far more than using one, and a pull converts thousands of times. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-GB", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** How far `timeZone`'s clocks are ahead of UTC at the instant `utcMs`. */
function zoneOffsetMs(utcMs: number, timeZone: string): number {
  const parts = formatterFor(timeZone).formatToParts(new Date(utcMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? "0");
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

/** Which workbook column holds each mapped field, found once per read from the header row. */
export interface ColumnPlan {
  /** Target → the workbook's own header text, in mapping order (several for responder). */
  columns: Map<PullTarget, string[]>;
  /** Mapped headers the workbook does not have (e.g. "Your email address" on a form that records names). */
  unmatched: string[];
}

/** Matches the mapping to the workbook's headers. Problems: a required column is missing, so no row can be read. */
export function planColumns(source: FormsPullSource, headers: readonly string[]): { plan: ColumnPlan; problems: Problem[] } {
  const byKey = new Map(headers.map((h) => [headerKey(h), h]));
  const columns = new Map<PullTarget, string[]>();
  const unmatched: string[] = [];
  for (const [header, target] of Object.entries(source.columns)) {
    const actual = byKey.get(headerKey(header));
    if (actual === undefined) {
      unmatched.push(header);
      continue;
    }
    columns.set(target, [...(columns.get(target) ?? []), actual]);
  }
  const problems: Problem[] = [];
  for (const required of ["responseId", "submittedAt"] as const) {
    if (!columns.has(required)) {
      const header = Object.entries(source.columns).find(([, t]) => t === required)?.[0] ?? required;
      problems.push({ path: ["columns", header], column: header, message: `the workbook has no column "${header}" (its headers: ${headers.join(", ")})` });
    }
  }
  return { plan: { columns, unmatched }, problems };
}

export type MappedRow =
  /** A row with nothing in it: not a response. */
  | { kind: "blank" }
  | { kind: "submission"; submission: { formId: string; responseId: string | number; submittedAt: string; responder: string; answers: Record<string, unknown> } }
  | { kind: "refused"; formId: string; responseId?: string; problems: Problem[] };

/** Forms writes a multi-select answer as "A;B;" (with the trailing semicolon). */
const MULTI_SELECT = /^([^;]+;)+$/;
/** Fields a choice question may fill, so "NT1;" is read as the one answer NT1. Free text is never split. */
const CHOICE_TARGETS = new Set<PullTarget>(["contractRef", "supplier", "measureCode", "evidenceFor"]);

/** The last part of a link's path, as a file name to show ("payroll_Jo.pdf"); shared/ has no URL class. */
function fileName(link: string): string {
  const path = link.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, "").split(/[?#]/)[0] ?? "";
  const last = path.split("/").filter((s) => s !== "").pop();
  if (!last) return "Evidence";
  try {
    return decodeURIComponent(last);
  } catch {
    return last; // a stray % in the name: show it as written
  }
}

/**
 * The evidence cell: the JSON list a file-upload answer gives through Power Automate, or links
 * separated by ";" or line breaks (what the workbook holds for uploads is unconfirmed, so both are read).
 */
function evidenceList(value: string): unknown[] {
  const text = value.trim();
  if (text.startsWith("[")) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) return parsed;
    } catch {
      // Not JSON after all: read it as links below, and let validation say what is wrong with them.
    }
  }
  return text
    .split(/[;\r\n]+/)
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map((link) => ({ name: fileName(link), link }));
}

/**
 * One workbook row as the canonical submission. Blank cells mean "not answered"; dates and the
 * completion time arrive as Excel serial numbers (local time in `timeZone`); a choice answer may
 * carry Forms' trailing ";". Problems here are about the row itself (no ID, two answers where one
 * is expected); the submission is then validated like any other.
 */
export function mapWorkbookRow(source: FormsPullSource, plan: ColumnPlan, row: { index: number; values: Record<string, unknown> }, timeZone: string): MappedRow {
  if (!formatters.has(timeZone) && !isValidTimeZone(timeZone)) throw new RangeError(`"${timeZone}" is not a time zone`);
  if (Object.values(row.values).every(isBlank)) return { kind: "blank" };
  const problems: Problem[] = [];
  const sheetRow = row.index + 2; // the header is row 1 of the table as a person sees it
  const cell = (target: PullTarget): { header: string; value: unknown } | undefined => {
    const header = plan.columns.get(target)?.[0];
    return header === undefined ? undefined : { header, value: row.values[header] };
  };
  const refuse = (target: PullTarget, header: string, message: string) => problems.push({ path: [target], row: sheetRow, column: header, message });

  const id = cell("responseId");
  let responseId: string | number | undefined;
  if (!id || isBlank(id.value)) refuse("responseId", id?.header ?? "ID", "the response has no ID");
  else if (typeof id.value === "number" || typeof id.value === "string") responseId = typeof id.value === "string" ? id.value.trim() : id.value;
  else refuse("responseId", id.header, `the ID is ${JSON.stringify(id.value)}, not a number`);

  const completed = cell("submittedAt");
  let submittedAt: string | undefined;
  if (!completed || isBlank(completed.value)) refuse("submittedAt", completed?.header ?? "Completion time", "the response has no completion time");
  else if (typeof completed.value === "number" && Number.isFinite(completed.value) && completed.value > 0) submittedAt = excelSerialToInstant(completed.value, timeZone);
  else if (typeof completed.value === "string") submittedAt = completed.value.trim();
  else refuse("submittedAt", completed.header, `the completion time is ${JSON.stringify(completed.value)}, not a date and time`);

  // The first responder column with a real address wins; Forms writes "anonymous" when it recorded none.
  const responderValues = (plan.columns.get("responder") ?? []).map((h) => row.values[h]).filter((v): v is string => typeof v === "string" && v.trim() !== "");
  const responder = responderValues.find((v) => v.trim().toLowerCase() !== ANONYMOUS_RESPONDER)?.trim() ?? ANONYMOUS_RESPONDER;

  const answers: Record<string, unknown> = {};
  const evidence: unknown[] = [];
  for (const [target, headers] of plan.columns) {
    if (["responseId", "submittedAt", "responder"].includes(target)) continue;
    const header = headers[0] as string;
    const value = row.values[header];
    if (isBlank(value)) continue;
    switch (target) {
      case "periodStart":
      case "periodEnd":
        answers[target] = typeof value === "number" ? excelSerialToIsoDate(value) : String(value).trim();
        break;
      case "quantity":
        answers[target] = typeof value === "number" ? value : String(value).trim();
        break;
      case "evidence":
        evidence.push(...(typeof value === "string" ? evidenceList(value) : [value]));
        break;
      case "evidenceLink":
        evidence.push({ name: "Evidence link", link: String(value).trim() });
        break;
      default: {
        const text = String(value).trim();
        if (CHOICE_TARGETS.has(target) && MULTI_SELECT.test(text)) {
          const chosen = text.split(";").filter((s) => s.trim() !== "");
          if (chosen.length > 1) refuse(target, header, `${chosen.length} answers were chosen (${chosen.join(", ")}) where one is expected`);
          else answers[target] = (chosen[0] as string).trim();
        } else {
          answers[target] = text;
        }
      }
    }
  }
  if (evidence.length > 0) answers.evidence = evidence;

  if (problems.length > 0 || responseId === undefined || submittedAt === undefined) {
    return { kind: "refused", formId: source.formId, ...(responseId !== undefined ? { responseId: String(responseId) } : {}), problems };
  }
  return { kind: "submission", submission: { formId: source.formId, responseId, submittedAt, responder, answers } };
}
