import { WEEKDAYS } from "../../../shared";
import type { Weekday } from "../../../shared";
import { CronSyntaxError, parseNcrontab } from "../lib/ncrontab";

export interface ChaseSettings {
  /** CHASE_SCHEDULE (NCRONTAB, UTC): when the timer runs the chase. */
  schedule: string;
  /** CHASE_DIGEST_WEEKDAY: the day managers get their weekly digest. */
  digestWeekday: Weekday;
  /** ORGANISATION_NAME: who the emails are from; without it, the buyer named on the contract. */
  organisationName?: string;
  /** FORM_URL: the form suppliers send evidence through, for contracts that do not name their own. */
  formUrl?: string;
  /**
   * CHASE_LEASE_SECONDS (5–60, default 45): how long a run's lease lasts unless renewed. The running
   * instance renews it every third of that; another instance may take over this long after a crash.
   */
  leaseMs: number;
}

export const DEFAULT_CHASE_LEASE_SECONDS = 45;

export const DEFAULT_CHASE_SCHEDULE = "0 0 7 * * 1-5";

/** A schedule setting, or its default when the setting is absent or empty (the Bicep template writes "" for "not set"). */
export function scheduleSetting(env: NodeJS.ProcessEnv, name: string, fallback: string, problems: string[]): string {
  const schedule = env[name]?.trim() || fallback;
  try {
    parseNcrontab(schedule);
  } catch (e) {
    if (!(e instanceof CronSyntaxError)) throw e;
    problems.push(`${name}: ${e.message}`);
  }
  return schedule;
}

export function readChaseSettings(env: NodeJS.ProcessEnv, problems: string[]): ChaseSettings {
  const schedule = scheduleSetting(env, "CHASE_SCHEDULE", DEFAULT_CHASE_SCHEDULE, problems);
  const day = (env.CHASE_DIGEST_WEEKDAY?.trim() || "monday").toLowerCase();
  const digestWeekday = WEEKDAYS.find((w) => w === day || w.slice(0, 3) === day);
  if (!digestWeekday) problems.push(`CHASE_DIGEST_WEEKDAY "${env.CHASE_DIGEST_WEEKDAY}" is not a day of the week (e.g. Monday)`);
  const organisationName = env.ORGANISATION_NAME?.trim() || undefined;
  if (organisationName && organisationName.length > 200) problems.push("ORGANISATION_NAME is longer than 200 characters");
  const formUrl = env.FORM_URL?.trim() || undefined;
  if (formUrl && !/^https:\/\/[^\s]+$/.test(formUrl)) problems.push(`FORM_URL "${formUrl}" is not an https address (the form's link for suppliers, e.g. https://forms.office.com/r/...)`);
  const leaseText = env.CHASE_LEASE_SECONDS?.trim();
  const leaseSeconds = leaseText ? Number(leaseText) : DEFAULT_CHASE_LEASE_SECONDS;
  if (!Number.isInteger(leaseSeconds) || leaseSeconds < 5 || leaseSeconds > 60) problems.push(`CHASE_LEASE_SECONDS must be a whole number from 5 to 60 (got "${leaseText}")`);
  return {
    schedule,
    leaseMs: (Number.isInteger(leaseSeconds) && leaseSeconds >= 5 && leaseSeconds <= 60 ? leaseSeconds : DEFAULT_CHASE_LEASE_SECONDS) * 1000,
    digestWeekday: digestWeekday ?? "monday",
    ...(organisationName ? { organisationName } : {}),
    ...(formUrl ? { formUrl } : {}),
  };
}
