import { z } from "zod";
import { ValidationError, problemsFromZod } from "./problems";

export const VALUATION_KINDS = ["proxy", "face-value", "record-only", "qualitative"] as const;
export const ValuationKindSchema = z.enum(VALUATION_KINDS);
export type ValuationKind = z.infer<typeof ValuationKindSchema>;

/** Measure codes are compared without case or surrounding spaces: "nt1 " is NT1. */
export function normaliseCode(code: string): string {
  return code.trim().toUpperCase();
}

export const MeasureSchema = z
  .object({
    code: z.string().trim().min(1, "a measure needs a code"),
    theme: z.string().trim().min(1, "a measure needs a theme"),
    outcome: z.string().trim().default(""),
    description: z.string().trim().min(1, "a measure needs a description"),
    unit: z.string().trim().min(1, "a measure needs a unit"),
    kind: ValuationKindSchema,
    /**
     * £ per unit; only `proxy` measures carry one. A proxy measure with `null` is one whose table
     * does not give its £ value (a register of measures, or "proxy (value not shown)"): it is
     * recorded, and valuing it says where to get the value.
     */
    proxy: z.number().finite().nonnegative("a proxy value cannot be negative").nullable(),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (m.kind !== "proxy" && m.proxy !== null) {
      ctx.addIssue({ code: "custom", path: ["proxy"], message: `measure ${m.code} is ${m.kind} and cannot carry a proxy value` });
    }
  });
export type Measure = z.infer<typeof MeasureSchema>;

export const PACK_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** An edition names stored values for years and is part of storage keys, so it stays short. */
export const MAX_PACK_EDITION_LENGTH = 100;

export const FrameworkPackSchema = z
  .object({
    id: z.string().regex(PACK_ID, "a pack id is lower-case letters, digits and dashes, e.g. toms-2025"),
    name: z.string().trim().min(1),
    edition: z
      .string()
      .trim()
      .min(1, "a pack needs an edition, e.g. 2025")
      .max(MAX_PACK_EDITION_LENGTH, `an edition is at most ${MAX_PACK_EDITION_LENGTH} characters, e.g. 2025`),
    currencyBaseYear: z.number().int().min(1990).max(2100).optional(),
    licence: z.string().trim().min(1, "say under which licence the values are used"),
    source: z.string().trim().min(1, "say where the values come from"),
    /** True for packs whose values are made up (the bundled example): never for real evaluations. */
    illustrative: z.boolean().default(false),
    themes: z.array(z.string().trim().min(1)).min(1),
    measures: z.array(MeasureSchema).min(1, "a pack needs at least one measure"),
  })
  .strict()
  .superRefine((pack, ctx) => {
    const seen = new Map<string, number>();
    pack.measures.forEach((m, i) => {
      const code = normaliseCode(m.code);
      const first = seen.get(code);
      if (first !== undefined) {
        ctx.addIssue({ code: "custom", path: ["measures", i, "code"], message: `duplicate code ${m.code} (also measure ${first + 1})` });
      } else {
        seen.set(code, i);
      }
      if (!pack.themes.includes(m.theme)) {
        ctx.addIssue({ code: "custom", path: ["measures", i, "theme"], message: `theme "${m.theme}" is not one of the pack's themes` });
      }
    });
  });
export type FrameworkPack = z.infer<typeof FrameworkPackSchema>;
export type FrameworkPackInput = z.input<typeof FrameworkPackSchema>;

/** The facts about a pack other than its measures (what a table of measures does not carry). */
export type PackMetadata = Omit<FrameworkPack, "measures" | "themes">;

/** A validated pack with its measures indexed by normalised code. */
export interface PackIndex {
  readonly pack: FrameworkPack;
  readonly byCode: ReadonlyMap<string, Measure>;
  /** "id edition", e.g. "example 2026-illustrative": how values name the pack that produced them. */
  readonly label: string;
}

export function indexPack(pack: FrameworkPack): PackIndex {
  const byCode = new Map<string, Measure>();
  for (const m of pack.measures) byCode.set(normaliseCode(m.code), m);
  return { pack, byCode, label: `${pack.id} ${pack.edition}` };
}

/** A measure valued by proxy whose pack does not give the £ value (the table published the measure, not the licensed proxy). */
export function proxyValueMissing(measure: Measure): boolean {
  return measure.kind === "proxy" && measure.proxy === null;
}

/** Why a proxy measure without a £ value cannot be valued, and where the value comes from. */
export function missingProxyMessage(measure: Measure, packLabel: string): string {
  return (
    `Measure ${measure.code} is valued by proxy, but pack ${packLabel} has no £ value for it (its table lists the measure, not the proxy). ` +
    "Take the proxy value from your licensed edition of the framework (for National TOMs, from the Social Value Portal; for a local variant, from the council that publishes it) and add it in a Proxy Value (£) column."
  );
}

export function findMeasure(index: PackIndex, code: string): Measure | undefined {
  return index.byCode.get(normaliseCode(code));
}

/** Validates a pack given as data, listing every problem. */
export function validatePack(input: unknown): FrameworkPack {
  const result = FrameworkPackSchema.safeParse(input);
  if (!result.success) throw new ValidationError("The framework pack", problemsFromZod(result.error.issues));
  return result.data;
}
