import { formatMoney as formatPounds } from "../../shared";
import { ORGANISATION_TIME_ZONE } from "../config";

/**
 * How the pane writes money and dates: British English, day month year, times in the organisation's
 * time zone, and pounds through the product's one £ formatter (shared/money.ts), to the penny.
 */

const NUMBER = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 2 });
const PERCENT = new Intl.NumberFormat("en-GB", { style: "percent", maximumFractionDigits: 1 });
// A calendar date names a day, not an instant: read and written in UTC it stays the day it says.
const DATE = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
const DATE_TIME = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", timeZone: ORGANISATION_TIME_ZONE });

/** To the penny, without ".00" on whole pounds: "£5,000", "£6,422.79". */
export function formatMoney(value: number): string {
  return formatPounds(value, { dropZeroPence: true });
}

/** For narrow columns: to the penny below £1m, then "£1.25m" (the full figure goes in a tooltip and the details). */
export function formatMoneyShort(value: number): string {
  return formatPounds(value, { dropZeroPence: true, compactFrom: 1_000_000 });
}

export function formatNumber(value: number): string {
  return NUMBER.format(value);
}

export function formatPercent(fraction: number): string {
  return PERCENT.format(fraction);
}

/** A calendar date (yyyy-mm-dd) as "20 Nov 2026". */
export function formatDate(isoDate: string): string {
  return DATE.format(new Date(`${isoDate}T00:00:00Z`));
}

/** An instant as the organisation's clocks show it (SVL_TIME_ZONE), e.g. "20 Nov 2026, 10:15". */
export function formatDateTime(iso: string): string {
  return DATE_TIME.format(new Date(iso));
}

/** A quantity in its measure's unit: "2 FTE", "12.5 tonnes CO2e"; pounds come first, as people read them: "£5,000". */
export function formatQuantity(quantity: number, unit: string | undefined): string {
  const trimmed = unit?.trim() ?? "";
  if (trimmed === "£") return formatMoney(quantity);
  return trimmed === "" ? formatNumber(quantity) : `${formatNumber(quantity)} ${trimmed}`;
}
