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
    name: "formsPullTimer",
    schedule: (settings) => settings.formsPull.schedule,
    run: async (deps, log) => {
      if (deps.settings.formsPull.sources.length === 0) return;
      await pullFormsResponses(deps, { log });
    },
  },
];
