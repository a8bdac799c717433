import { z } from "zod";

/**
 * Calendar dates are ISO `yyyy-mm-dd` strings; arithmetic goes through day numbers
 * (days since 1970-01-01, UTC) so no time zone or daylight-saving shift can move a date.
 */
export type IsoDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;
/** Excel's 1900 date system: serial 25569 is 1970-01-01 (Excel's fictitious 1900-02-29 sits below it). */
export const EXCEL_EPOCH_OFFSET = 25569;

export function isValidIsoDate(text: string): boolean {
  const m = ISO_DATE.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

export const IsoDateSchema = z.string().refine(isValidIsoDate, { message: "must be a date written yyyy-mm-dd" });

export function dayNumber(date: IsoDate): number {
  if (!isValidIsoDate(date)) throw new RangeError(`"${date}" is not a date written yyyy-mm-dd`);
  return Math.round(Date.parse(`${date}T00:00:00Z`) / MS_PER_DAY);
}

export function fromDayNumber(day: number): IsoDate {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return fromDayNumber(dayNumber(date) + days);
}

export function daysBetween(from: IsoDate, to: IsoDate): number {
  return dayNumber(to) - dayNumber(from);
}

export function excelSerialToIsoDate(serial: number): IsoDate {
  return fromDayNumber(Math.floor(serial) - EXCEL_EPOCH_OFFSET);
}

export function isoDateToExcelSerial(date: IsoDate): number {
  return dayNumber(date) + EXCEL_EPOCH_OFFSET;
}

/** One formatter per time zone: building one costs far more than formatting with it, and ingestion asks for every submission. */
const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar date of an instant as people in `timeZone` see it (e.g. Europe/London). */
export function dateInTimeZone(instant: Date, timeZone: string): IsoDate {
  let format = dateFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    dateFormats.set(timeZone, format);
  }
  const parts = format.formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${get("year")}-${get("month")}-${get("day")}`;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-GB", { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** A date given as an Excel serial number or as ISO text (what a cell may hold). */
export function dateFromCell(value: unknown): IsoDate | undefined {
  if (typeof value === "number" && Number.isFinite(value) && value > 0) return excelSerialToIsoDate(value);
  if (typeof value === "string") {
    const text = value.trim();
    if (isValidIsoDate(text)) return text;
    // Date.parse rolls an impossible date over ("2026-02-30T10:00" is 2 March), so the date part is checked on its own.
    if (/^\d{4}-\d{2}-\d{2}T/.test(text) && isValidIsoDate(text.slice(0, 10)) && !Number.isNaN(Date.parse(text))) return text.slice(0, 10);
  }
  return undefined;
}
