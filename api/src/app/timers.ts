import { ChaseBusyError, runChase } from "../chase/run";
import type { Deps } from "../deps";
import { pullFormsResponses } from "../ingest/formsPull";
import type { Settings } from "../settings/settings";

/**
 * The timer-triggered work, registered with the Functions host by app/register.ts and run by the
 * local host's timers (dev/localTimers.ts), so both run the same code on the same schedule.
 */
export interface TimerSpec {
  name: string;
  /** The NCRONTAB schedule, with its default already applied. */
  schedule(settings: Settings): string;
  run(deps: Deps, log: (message: string) => void): Promise<void>;
}

/** Every five minutes (UTC): a rejection's notice reaches the supplier within minutes of the review. */
export const REJECTION_NOTICE_SCHEDULE = "0 */5 * * * *";

export const TIMERS: readonly TimerSpec[] = [
  {
    name: "chaseTimer",
    schedule: (settings) => settings.chase.schedule,
    run: async (deps, log) => {
      try {
        await runChase(deps, deps.clock.now(), { log });
      } catch (e) {
        // Someone pressed "Run the chase now" just before: that run does today's work.
        if (!(e instanceof ChaseBusyError)) throw e;
        log(`Skipped: ${e.message}`);
      }
    },
  },
  {
    // A rejection's notice goes minutes after the review, not with the next morning's reminders. The
    // Functions host has no long-lived in-process timers, so a frequent timer looks for queued
    // notices (one row read) and runs the chase for them only when there are some.
    // It also finishes the work of a run that stopped part-way (its lease ran out unreleased: the
    // instance crashed or was recycled), so a manual run's recipients are not left until tomorrow.
    name: "rejectionNoticeTimer",
    schedule: () => REJECTION_NOTICE_SCHEDULE,
    run: async (deps, log) => {
      const abandoned = await deps.store.chase.expiredLease(deps.clock.now());
      if (!abandoned && !(await deps.store.chase.hasQueuedRejectionNotices())) return;
      try {
        await runChase(deps, deps.clock.now(), { log, scope: abandoned?.scope ?? "rejection-notices" });
      } catch (e) {
        // The run holding the lease sends the queued notices too, or the next tick does.
        if (!(e instanceof ChaseBusyError)) throw e;
        log(`Skipped: ${e.message}`);
      }
    },
  },
  {
    name: "formsPullTimer",
    schedule: (settings) => settings.formsPull.schedule,
    run: async (deps, log) => {
      if (deps.settings.formsPull.sources.length === 0) return;
      await pullFormsResponses(deps, { log });
    },
  },
];
