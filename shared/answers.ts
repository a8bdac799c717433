import { z } from "zod";
import type { IsoDate } from "./dates";
import { findMeasure, normaliseCode } from "./pack";
import type { Measure, PackIndex } from "./pack";
import { normalisePhrase } from "./packVocabulary";
import type { Problem } from "./problems";

/*
 * Answers as UK suppliers type them into a Microsoft Form (docs/ANSWERS.md): dates day first, money
 * with a £ sign and thousands commas, quantities with their unit, measure codes chosen from a list
 * ("J1 – Local people employed"). Each reader gives the normalised value or, when it cannot read
 * the answer, a message saying what to write instead; the submission schema turns those into
 * problems with the field's path.
 */

export type Reading<T> = { ok: true; value: T } | { ok: false; message: string };

const ok = <T>(value: T): Reading<T> => ({ ok: true, value });
const refuse = <T>(message: string): Reading<T> => ({ ok: false, message });

// ---------- dates ----------

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** Month names and the abbreviations people write, "Sept" included. */
const MONTH_BY_WORD: ReadonlyMap<string, number> = new Map(
  MONTHS.flatMap((name, i) => {
    const lower = name.toLowerCase();
    const words = [lower, lower.slice(0, 3)];
    if (lower === "september") words.push("sept");
    return words.map((w) => [w, i + 1] as const);
  }),
);

const ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const NUMERIC = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$/;
const IN_WORDS = /^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4})$/i;
const MONTH_FIRST = /^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$/i;

const EXAMPLE_DATE = "e.g. 31/03/2026 or 31 March 2026";

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const pad = (n: number) => String(n).padStart(2, "0");

/** A day, month and year that must make a real date; the refusal says why it does not. */
function calendarDate(text: string, day: number, month: number, year: number): Reading<IsoDate> {
  if (month < 1 || month > 12) {
    const swapped = day >= 1 && day <= 12 && month <= 31 ? `: did you mean ${pad(month)}/${pad(day)}/${year}?` : "";
    return refuse(`"${text}" has no month ${month}; dates are read day first (dd/mm/yyyy)${swapped}`);
  }
  if (year < 1900 || year > 2199) return refuse(`"${text}" has the year ${year}; write a year such as 2026`);
  const days = daysIn(year, month);
  if (day < 1 || day > days) {
    return refuse(`"${text}" is not a date: ${MONTHS[month - 1]} ${year} has ${days} days`);
  }
  return ok(`${year}-${pad(month)}-${pad(day)}`);
}

/**
 * A date as UK suppliers write it, always day first: 31/03/2026, 31/3/26, 31.03.2026,
 * 31 March 2026, 31 Mar 2026, 31st March 2026, or ISO 2026-03-31. Two-digit years are 20yy.
 */
export function readUkDate(text: string): Reading<IsoDate> {
  const t = text.trim().replace(/\s+/g, " ");
  const iso = ISO.exec(t);
  if (iso) return calendarDate(t, Number(iso[3]), Number(iso[2]), Number(iso[1]));
  const numeric = NUMERIC.exec(t);
  if (numeric) {
    const year = numeric[3]?.length === 2 ? 2000 + Number(numeric[3]) : Number(numeric[3]);
    return calendarDate(t, Number(numeric[1]), Number(numeric[2]), year);
  }
  const words = IN_WORDS.exec(t);
  if (words) {
    const month = MONTH_BY_WORD.get((words[2] ?? "").toLowerCase());
    if (month === undefined) return refuse(`"${t}": "${words[2]}" is not a month; write it as ${EXAMPLE_DATE}`);
    return calendarDate(t, Number(words[1]), month, Number(words[3]));
  }
  const monthFirst = MONTH_FIRST.exec(t);
  if (monthFirst && MONTH_BY_WORD.has((monthFirst[1] ?? "").toLowerCase())) {
    return refuse(`"${t}" puts the month first; write the day first, e.g. ${monthFirst[2]} ${monthFirst[1]} ${monthFirst[3]}`);
  }
  return refuse(`"${t}" is not a date; write it day first, ${EXAMPLE_DATE}`);
}

/** A date answer: the text a form sends, stored as yyyy-mm-dd. */
export const UkDateSchema = z.string({ error: (issue) => (issue.input === undefined ? "is required" : `must be a date, ${EXAMPLE_DATE}`) }).transform((v, ctx): IsoDate => {
  const read = readUkDate(v);
  if (read.ok) return read.value;
  ctx.addIssue({ code: "custom", message: read.message });
  return z.NEVER;
});

// ---------- amounts and quantities ----------

/** 1250, 1,250, 1,250.5, 1250.50, .5: thousands commas only in threes. */
const PLAIN_NUMBER = /^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$|^\.\d+$/;
const DECIMAL_COMMA = /^\d+,\d{1,2}$|^\d+,\d{4,}$|^\d{1,3}(?:\.\d{3})+,\d+$/;
const SHORTHAND = /^(\d+(?:\.\d+)?)\s*(k|m|bn|thousand|million|billion)$/i;
const SHORTHAND_FACTOR: Readonly<Record<string, number>> = { k: 1e3, thousand: 1e3, m: 1e6, million: 1e6, bn: 1e9, billion: 1e9 };

export interface QuantityAnswer {
  amount: number;
  /** The unit written after the number ("FTE", "hours"), "£" for an amount with a £ sign, or null for a bare number. */
  unit: string | null;
}

const GB = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 10 });

/** A number as written, £ sign and thousands commas allowed; what it cannot read, it says how to write. */
function readNumber(written: string, pounds: boolean): Reading<number> {
  const t = written.replace(/\s+/g, "");
  if (PLAIN_NUMBER.test(t)) return ok(Number(t.replace(/,/g, "")));
  const sign = pounds ? "£" : "";
  const shorthand = SHORTHAND.exec(t);
  if (shorthand) {
    const full = Number(shorthand[1]) * (SHORTHAND_FACTOR[(shorthand[2] ?? "").toLowerCase()] ?? 1);
    return refuse(`"${written}" is shorthand; write the ${pounds ? "amount" : "number"} in full, e.g. ${sign}${GB.format(full)}`);
  }
  if (/^-/.test(t)) return refuse(`"${written}" is negative; a delivered quantity cannot be negative`);
  if (DECIMAL_COMMA.test(t)) {
    const asDecimal = t.replace(/\./g, "").replace(",", ".");
    return refuse(`"${written}" uses a comma for the decimal point; write ${sign}${asDecimal} (a comma only separates thousands, e.g. ${sign}1,250.50)`);
  }
  return refuse(`"${written}" is not a number; write it with digits, e.g. ${pounds ? "£1,250.00" : "2.5"}`);
}

/**
 * A quantity as a supplier types it: "2.5", "1,250", "£1,250.00", "2.5 FTE", "120 hours". The unit,
 * if any, is kept so it can be checked against the measure's; "£1.2k" is refused with the full figure.
 */
export function readQuantity(answer: number | string): Reading<QuantityAnswer> {
  if (typeof answer === "number") {
    if (!Number.isFinite(answer)) return refuse("is not a finite number");
    if (answer < 0) return refuse(`${answer} is negative; a delivered quantity cannot be negative`);
    return ok({ amount: answer, unit: null });
  }
  const t = answer.trim().replace(/\s+/g, " ");
  const pounds = /^(?:£|GBP\s?)(.*)$/i.exec(t);
  if (pounds) {
    const amount = readNumber((pounds[1] ?? "").trim(), true);
    return amount.ok ? ok({ amount: amount.value, unit: "£" }) : amount;
  }
  // The number, then optionally a unit in words: "2.5 FTE", "120 hrs", "1,250 pounds".
  const split = /^(-?[\d.,]*\d(?:\s?(?:k|m|bn)\b)?)\s*([^\d\s].*)?$/i.exec(t);
  const amount = readNumber(split?.[1] ?? t, false);
  if (!amount.ok) return amount;
  const unit = split?.[2]?.trim() ?? "";
  // "2 million" is shorthand, not a unit.
  if (SHORTHAND.test(`${split?.[1] ?? ""}${unit}`)) {
    const shorthand = readNumber(`${split?.[1] ?? ""} ${unit}`, false);
    if (!shorthand.ok) return shorthand;
  }
  return ok({ amount: amount.value, unit: unit === "" ? null : unit });
}

// ---------- units ----------

/** The words a unit is written with, by what they mean: "hrs" is hours, "tCO2e" is tonnes and CO2e. */
const UNIT_WORDS: Readonly<Record<string, readonly string[]>> = {
  "£": ["£", "gbp", "pound", "pounds", "pounds sterling", "sterling"],
  hour: ["hour", "hours", "hr", "hrs", "h"],
  week: ["week", "weeks", "wk", "wks"],
  day: ["day", "days"],
  month: ["month", "months"],
  year: ["year", "years", "yr", "yrs"],
  fte: ["fte", "ftes", "full time equivalent", "full time equivalents"],
  person: ["person", "persons", "people", "no people", "number of people"],
  tonne: ["tonne", "tonnes", "t", "ton", "tons"],
  co2e: ["co2e", "co2", "carbon"],
  mile: ["mile", "miles"],
  km: ["km", "kilometre", "kilometres", "kilometer", "kilometers"],
  attendee: ["attendee", "attendees"],
};

/** Units written as one word that mean two: "tCO2e" is tonnes of CO2e. */
const COMPOUND_UNITS: Readonly<Record<string, readonly string[]>> = { tco2e: ["tonne", "co2e"], tco2: ["tonne", "co2e"] };

const UNIT_BY_WORD: ReadonlyMap<string, readonly string[]> = new Map([
  ...Object.entries(UNIT_WORDS).flatMap(([unit, words]) => words.map((w) => [w, [unit]] as const)),
  ...Object.entries(COMPOUND_UNITS),
]);

/** Words that carry no unit: "no. people", "tonnes of CO2e", "hours each". */
const FILLER = new Set(["no", "of", "per", "each", "number", "in", "the", "a"]);

/** What a unit means, as a set of canonical words: "no. people FTE" is {person, fte}; "tCO2e" is {tonne, co2e}. */
function unitMeaning(unit: string): Set<string> {
  const phrase = normalisePhrase(unit.replace(/£/g, " pounds "));
  const whole = UNIT_BY_WORD.get(phrase);
  if (whole) return new Set(whole);
  return new Set(phrase.split(" ").filter((w) => w !== "" && !FILLER.has(w)).flatMap((w) => UNIT_BY_WORD.get(w) ?? [w.replace(/s$/, "")]));
}

/** Whether the unit a supplier wrote is the measure's: every word they wrote means something in the measure's unit. */
export function unitMatches(written: string, measureUnit: string): boolean {
  const mine = unitMeaning(written);
  const theirs = unitMeaning(measureUnit);
  return mine.size > 0 && [...mine].every((w) => theirs.has(w));
}

// ---------- measure codes and contract references ----------

/** "J1 – Local people employed", "NT1 - Local people", "NT1: ...": a choice answer that starts with its code. */
const CHOICE = /^([A-Za-z]{1,8}\s?\d+[A-Za-z0-9.]*)\s*[-–—:|]\s*\S/;

/** The measure code a supplier gave: the code itself, or a choice answer that starts with it. */
export function readMeasureCode(answer: string): string {
  const t = answer.trim();
  const choice = CHOICE.exec(t);
  return normaliseCode((choice?.[1] ?? t).replace(/\s+/g, ""));
}

/**
 * The measure an answer names in the contract's pack: its code (as `readMeasureCode` reads it),
 * or, for a choice list that gives descriptions only, its description word for word.
 */
export function findMeasureByAnswer(pack: PackIndex, answer: string): Measure | undefined {
  const byCode = findMeasure(pack, readMeasureCode(answer));
  if (byCode) return byCode;
  const phrase = normalisePhrase(answer);
  const byDescription = pack.pack.measures.filter((m) => normalisePhrase(m.description) === phrase);
  return byDescription.length === 1 ? byDescription[0] : undefined;
}

// ---------- checks that need the measure ----------

/** What a report says about its figure, before the measure is known. */
export interface FigureAnswer {
  quantity?: QuantityAnswer | undefined;
  description: string;
}

const unitWords = (m: Measure) => (m.unit.trim() === "£" ? "£" : m.unit);
const example = (m: Measure) => (unitMatches("£", m.unit) ? "£1,250.00" : `2.5 or 2.5 ${m.unit.trim()}`);

/**
 * The answers that only make sense against the measure: the unit written with the quantity is the
 * measure's, a quantity is given unless the measure is qualitative, and a qualitative measure has a
 * description. Paths are inside the report, as the schema's are.
 */
export function checkAgainstMeasure(answer: FigureAnswer, measure: Measure): Problem[] {
  const problems: Problem[] = [];
  if (measure.kind === "qualitative") {
    if (answer.description.trim() === "") {
      problems.push({ path: ["description"], message: `measure ${measure.code} is qualitative: describe what you delivered (${measure.description.toLowerCase()}); no quantity is needed` });
    }
  } else if (answer.quantity === undefined) {
    problems.push({ path: ["quantity"], message: `is required: measure ${measure.code} is counted in ${unitWords(measure)}; write how many, e.g. ${example(measure)}` });
  }
  const unit = answer.quantity?.unit;
  if (unit && !unitMatches(unit, measure.unit)) {
    problems.push({ path: ["quantity"], message: `measure ${measure.code} is counted in ${unitWords(measure)}, not "${unit}"; write the quantity in ${unitWords(measure)}, e.g. ${example(measure)}` });
  }
  return problems;
}
