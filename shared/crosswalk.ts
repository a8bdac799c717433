import { z } from "zod";
import { cellText, findHeaderRow, isBlankCell } from "./cells";
import type { HeaderSpec } from "./cells";
import { normaliseCode, PACK_ID } from "./pack";
import { parseCsv } from "./packLoaders";
import type { Problem } from "./problems";
import { ValidationError } from "./problems";

/*
 * A crosswalk between frameworks: (pack, code) in one framework to (pack, code) in another, with a
 * factor for the quantity (1 unless the units differ). A council reports the same delivery in
 * National TOMs, a local variant and the Social Value Model (docs/PROCUREMENT-ACT.md, PPN 002: the
 * product ships no metric list; a crosswalk names whatever codes the organisation's packs use).
 */

export const MAX_CROSSWALK_MAPPINGS = 5000;

export const CrosswalkIdSchema = z.string().regex(PACK_ID, "a crosswalk id is lower-case letters, digits and '-', e.g. toms-to-svm");

export const CrosswalkMappingSchema = z
  .object({
    fromPack: z.string().regex(PACK_ID, "not a pack id"),
    fromCode: z.string().trim().min(1, "a mapping needs the code it maps from").max(40),
    toPack: z.string().regex(PACK_ID, "not a pack id"),
    toCode: z.string().trim().min(1, "a mapping needs the code it maps to").max(40),
    /** Quantity in the target's unit per unit of the source. */
    factor: z.number().finite().positive("a factor is more than 0").default(1),
  })
  .strict();
export type CrosswalkMapping = z.infer<typeof CrosswalkMappingSchema>;

/** What `PUT /api/crosswalks/{id}` takes. */
export const CrosswalkInputSchema = z
  .object({
    name: z.string().trim().min(1, "a crosswalk needs a name").max(200),
    mappings: z.array(CrosswalkMappingSchema).max(MAX_CROSSWALK_MAPPINGS),
  })
  .strict()
  .superRefine((body, ctx) => {
    const seen = new Set<string>();
    body.mappings.forEach((m, i) => {
      const key = [m.fromPack, normaliseCode(m.fromCode), m.toPack, normaliseCode(m.toCode)].join("\u0000");
      if (seen.has(key)) ctx.addIssue({ code: "custom", path: ["mappings", i], message: `${m.fromPack} ${m.fromCode} → ${m.toPack} ${m.toCode} is mapped twice` });
      seen.add(key);
    });
  });
export type CrosswalkInput = z.input<typeof CrosswalkInputSchema>;

export const CrosswalkSchema = z
  .object({ id: CrosswalkIdSchema, name: z.string(), mappings: z.array(CrosswalkMappingSchema), updatedAt: z.iso.datetime(), updatedBy: z.string() })
  .strict();
export type Crosswalk = z.infer<typeof CrosswalkSchema>;

export const CrosswalkSummarySchema = CrosswalkSchema.omit({ mappings: true }).extend({ mappings: z.number().int() }).strict();
export type CrosswalkSummary = z.infer<typeof CrosswalkSummarySchema>;

type Field = "fromPack" | "fromCode" | "toPack" | "toCode" | "factor";

const HEADERS: HeaderSpec<Field> = {
  aliases: {
    frompack: "fromPack",
    sourcepack: "fromPack",
    fromframework: "fromPack",
    fromcode: "fromCode",
    sourcecode: "fromCode",
    fromref: "fromCode",
    topack: "toPack",
    targetpack: "toPack",
    toframework: "toPack",
    tocode: "toCode",
    targetcode: "toCode",
    toref: "toCode",
    factor: "factor",
    conversionfactor: "factor",
  },
  labels: { fromPack: "From pack", fromCode: "From code", toPack: "To pack", toCode: "To code", factor: "Factor" },
  required: ["fromCode", "toCode"],
};

/**
 * A crosswalk from a range or a CSV file's rows, as a pack is read: a header row below any title,
 * blank rows skipped, and every problem with its row and column. `packs` fills a pack column that
 * is missing (a table of codes between two packs the officer names once).
 */
export function crosswalkFromRows(rows: readonly (readonly unknown[])[], packs: { fromPack?: string; toPack?: string } = {}): CrosswalkMapping[] {
  const header = findHeaderRow(rows, HEADERS);
  if (Array.isArray(header)) throw new ValidationError("The crosswalk table", header);
  const problems: Problem[] = [];
  const mappings: CrosswalkMapping[] = [];
  const at = (row: readonly unknown[], field: Field) => {
    const c = header.columns.get(field);
    return c === undefined ? undefined : row[c];
  };
  for (let r = header.index + 1; r < rows.length; r++) {
    const row = rows[r] ?? [];
    if (row.every(isBlankCell)) continue;
    const factorCell = at(row, "factor");
    const factorText = cellText(factorCell).replace(/,/g, "");
    const candidate = {
      fromPack: cellText(at(row, "fromPack")) || packs.fromPack || "",
      fromCode: cellText(at(row, "fromCode")),
      toPack: cellText(at(row, "toPack")) || packs.toPack || "",
      toCode: cellText(at(row, "toCode")),
      ...(isBlankCell(factorCell) ? {} : { factor: typeof factorCell === "number" ? factorCell : Number(factorText === "" ? Number.NaN : factorText) }),
    };
    const parsed = CrosswalkMappingSchema.safeParse(candidate);
    if (parsed.success) mappings.push(parsed.data);
    else {
      for (const issue of parsed.error.issues) {
        const field = String(issue.path[0]) as Field;
        const column = header.columns.get(field);
        problems.push({ path: [r, column ?? 0], row: r + 1, column: HEADERS.labels[field] ?? field, message: issue.message });
      }
    }
  }
  if (problems.length > 0) throw new ValidationError("The crosswalk table", problems);
  return mappings;
}

export function crosswalkFromCsv(text: string, packs: { fromPack?: string; toPack?: string } = {}): CrosswalkMapping[] {
  return crosswalkFromRows(parseCsv(text), packs);
}

export const CrosswalkReportQuerySchema = z.object({ crosswalk: CrosswalkIdSchema }).strict();

const ReportLineSchema = z.object({ pack: z.string(), code: z.string(), quantity: z.number(), value: z.number() }).strict();

/** What `GET /api/contracts/{id}/report?crosswalk=` answers. */
export const CrosswalkReportSchema = z
  .object({
    contractId: z.string(),
    crosswalkId: z.string(),
    fromPack: z.string(),
    /** Delivered (accepted evidence) in the other frameworks' codes: quantity × factor, and the £ as valued in the contract's pack. */
    lines: z.array(ReportLineSchema),
    /** The contract's codes the crosswalk has no mapping for, with what was delivered on them: listed, never dropped. */
    unmapped: z.array(ReportLineSchema),
  })
  .strict();
export type CrosswalkReport = z.infer<typeof CrosswalkReportSchema>;

const pence = (pounds: number) => Math.round(pounds * 100);

/**
 * A contract's accepted delivery in other frameworks' codes. The £ of a source code is its value in
 * the contract's pinned pack, shown on each target it maps to (the target framework's own proxies
 * are not applied); quantities are multiplied by the factor.
 */
export function crosswalkReport(
  contract: { id: string; packId: string },
  crosswalk: Pick<Crosswalk, "id" | "mappings">,
  delivered: readonly { measureCode: string; quantity: number; value: number | null }[],
): CrosswalkReport {
  const bySource = new Map<string, CrosswalkMapping[]>();
  for (const m of crosswalk.mappings) {
    if (m.fromPack !== contract.packId) continue;
    const key = normaliseCode(m.fromCode);
    bySource.set(key, [...(bySource.get(key) ?? []), m]);
  }
  const totals = new Map<string, { pack: string; code: string; quantity: number; pence: number }>();
  const unmapped = new Map<string, { pack: string; code: string; quantity: number; pence: number }>();
  const add = (into: typeof totals, pack: string, code: string, quantity: number, value: number | null) => {
    const key = `${pack}\u0000${normaliseCode(code)}`;
    const line = into.get(key) ?? { pack, code, quantity: 0, pence: 0 };
    line.quantity += quantity;
    line.pence += pence(value ?? 0);
    into.set(key, line);
  };
  for (const d of delivered) {
    const targets = bySource.get(normaliseCode(d.measureCode));
    if (!targets) add(unmapped, contract.packId, d.measureCode, d.quantity, d.value);
    else for (const t of targets) add(totals, t.toPack, t.toCode, d.quantity * t.factor, d.value);
  }
  const out = (lines: typeof totals) =>
    [...lines.values()].map((l) => ({ pack: l.pack, code: l.code, quantity: l.quantity, value: l.pence / 100 })).sort((a, b) => a.pack.localeCompare(b.pack) || a.code.localeCompare(b.code));
  return { contractId: contract.id, crosswalkId: crosswalk.id, fromPack: contract.packId, lines: out(totals), unmapped: out(unmapped) };
}
