import type { TimerFunctionOptions } from "@azure/functions";
import { ChaseBusyError, runChase } from "./chase/run";
import { dependencies } from "./compose";
import type { Deps } from "./compose";
import { pullFormsResponses } from "./formsPull/pull";
import { loadSettings } from "./settings";
import type { Settings } from "./settings";

/**
 * The timer-triggered work, read by the Functions registrations (functions/chaseTimer.ts,
 * functions/formsPullTimer.ts) and by the local host's timers (localTimers.ts), so both run the
 * same code on the same schedule.
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

export function timerNamed(name: string): TimerSpec {
  const timer = TIMERS.find((t) => t.name === name);
  if (!timer) throw new Error(`No timer named ${name}`);
  return timer;
}

/**
 * The app.timer options of one timer. The schedule is the resolved setting rather than
 * `%CHASE_SCHEDULE%`, so the default applies when the setting is absent (the host would refuse
 * to index a function whose %setting% is missing).
 */
export function timerOptions(name: string): TimerFunctionOptions {
  const timer = timerNamed(name);
  return {
    schedule: timer.schedule(loadSettings(process.env)),
    handler: async (_timer, context) => {
      const deps = await dependencies();
      await deps.ready();
      await timer.run(deps, (message) => context.log(message));
    },
  };
}
