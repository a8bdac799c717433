/**
 * The six-field NCRONTAB schedules Azure Functions timers use: `{second} {minute} {hour} {day}
 * {month} {day-of-week}`, e.g. `0 0 7 * * 1-5` (07:00:00 on weekdays). Each field takes `*`, a
 * number, a range `a-b`, a step `*\/n` or `a-b/n` or `a/n`, and lists of those; months and days
 * of the week also take names (JAN, MON). Day of the month and day of the week must both match,
 * as in NCrontab. Times are UTC: Flex Consumption runs timers in UTC (docs/DEPLOY.md).
 */

export interface CronSchedule {
  text: string;
  seconds: ReadonlySet<number>;
  minutes: ReadonlySet<number>;
  hours: ReadonlySet<number>;
  days: ReadonlySet<number>;
  months: ReadonlySet<number>;
  /** 0 = Sunday. */
  weekdays: ReadonlySet<number>;
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

interface Field {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const FIELDS: readonly Field[] = [
  { name: "second", min: 0, max: 59 },
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"] },
  // 7 is Sunday as well, as in most cron dialects.
  { name: "day-of-week", min: 0, max: 7, names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] },
];

function value(text: string, field: Field, schedule: string): number {
  const named = field.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return named + (field.name === "month" ? 1 : 0);
  if (!/^\d+$/.test(text)) throw new CronSyntaxError(schedule, `"${text}" is not a ${field.name}`);
  const n = Number(text);
  if (n < field.min || n > field.max) throw new CronSyntaxError(schedule, `${field.name} ${n} is outside ${field.min}-${field.max}`);
  return n;
}

function parseField(text: string, field: Field, schedule: string): Set<number> {
  const out = new Set<number>();
  for (const part of text.split(",")) {
    const [range = "", stepText, extra] = part.split("/");
    if (extra !== undefined || range === "") throw new CronSyntaxError(schedule, `"${part}" is not a ${field.name} pattern`);
    const step = stepText === undefined ? 1 : value(stepText, { ...field, min: 1, max: field.max || 1 }, schedule);
    let from: number;
    let to: number;
    if (range === "*") {
      from = field.min;
      to = field.max;
    } else if (range.includes("-")) {
      const [a = "", b = ""] = range.split("-");
      from = value(a, field, schedule);
      to = value(b, field, schedule);
      if (from > to) throw new CronSyntaxError(schedule, `the ${field.name} range ${range} runs backwards`);
    } else {
      from = value(range, field, schedule);
      // "5/15" means from 5 to the end every 15, as in NCrontab.
      to = stepText === undefined ? from : field.max;
    }
    for (let n = from; n <= to; n += step) out.add(field.name === "day-of-week" && n === 7 ? 0 : n);
  }
  return out;
}

export function parseNcrontab(text: string): CronSchedule {
  const parts = text.trim().split(/\s+/);
  if (parts.length !== 6) throw new CronSyntaxError(text, `it has ${parts.length} field${parts.length === 1 ? "" : "s"}, not 6`);
  const [seconds, minutes, hours, days, months, weekdays] = parts.map((p, i) => parseField(p, FIELDS[i] as Field, text)) as [
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
  ];
  const schedule = { text: text.trim(), seconds, minutes, hours, days, months, weekdays };
  // A schedule such as "0 0 7 31 2 *" (31 February) parses but never fires; say so now, not never.
  nextOccurrence(schedule, new Date(Date.UTC(2000, 0, 1)));
  return schedule;
}

const HORIZON_MS = 8 * 366 * 86_400_000;

/** The first time strictly after `after` that the schedule fires (UTC). */
export function nextOccurrence(schedule: CronSchedule, after: Date): Date {
  let t = Math.floor(after.getTime() / 1000) * 1000 + 1000;
  const limit = after.getTime() + HORIZON_MS;
  while (t <= limit) {
    const d = new Date(t);
    const [y, mo, day, h, mi] = [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes()];
    if (!schedule.months.has(mo + 1) || !schedule.days.has(day) || !schedule.weekdays.has(d.getUTCDay())) t = Date.UTC(y, mo, day + 1);
    else if (!schedule.hours.has(h)) t = Date.UTC(y, mo, day, h + 1);
    else if (!schedule.minutes.has(mi)) t = Date.UTC(y, mo, day, h, mi + 1);
    else if (!schedule.seconds.has(d.getUTCSeconds())) t += 1000;
    else return d;
  }
  throw new CronSyntaxError(schedule.text, "it never fires (no such date)");
}
