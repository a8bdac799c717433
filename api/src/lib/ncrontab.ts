import { Cron } from "croner";

/**
 * The six-field NCRONTAB schedules Azure Functions timers use: `{second} {minute} {hour} {day}
 * {month} {day-of-week}`, e.g. `0 0 7 * * 1-5` (07:00:00 on weekdays), read by croner. Its options
 * are set to NCrontab's rules: exactly six fields, seconds first; `5/15` means "from 5 every 15";
 * day of the month and day of the week must both match; 7 is Sunday as well as 0. Times are UTC:
 * Flex Consumption runs timers in UTC (docs/DEPLOY.md).
 */

export interface CronSchedule {
  text: string;
  cron: Cron;
}

export class CronSyntaxError extends Error {
  constructor(
    readonly schedule: string,
    reason: string,
  ) {
    super(`"${schedule}" is not an NCRONTAB schedule like "0 0 7 * * 1-5" (second minute hour day month day-of-week): ${reason}`);
    this.name = "CronSyntaxError";
  }
}

function never(text: string): CronSyntaxError {
  return new CronSyntaxError(text, "it never fires (no such date)");
}

export function parseNcrontab(text: string): CronSchedule {
  const trimmed = text.trim();
  const fields = trimmed.split(/\s+/).length;
  // Said in our words: a five-field Unix cron line is the mistake people make most.
  if (fields !== 6) throw new CronSyntaxError(text, `it has ${fields} field${fields === 1 ? "" : "s"}, not 6`);
  let cron: Cron;
  try {
    cron = new Cron(trimmed, { mode: "6-part", sloppyRanges: true, domAndDow: true, timezone: "UTC" });
  } catch (error) {
    throw new CronSyntaxError(text, (error instanceof Error ? error.message : String(error)).replace(/^CronPattern: /, ""));
  }
  // A schedule such as "0 0 7 31 2 *" (31 February) parses but never fires; say so now, not never.
  if (cron.nextRun(new Date(Date.UTC(2000, 0, 1))) === null) throw never(text);
  return { text: trimmed, cron };
}

/** The first time strictly after `after` that the schedule fires (UTC). */
export function nextOccurrence(schedule: CronSchedule, after: Date): Date {
  const next = schedule.cron.nextRun(after);
  if (!next) throw never(schedule.text);
  return next;
}
