import type { Server } from "node:http";
import type { Deps } from "../deps";
import { nextOccurrence, parseNcrontab } from "../lib/ncrontab";
import { TIMERS } from "../app/timers";

/**
 * The local host's stand-in for the Functions host's timers: each timer of app/timers.ts runs on its
 * own NCRONTAB schedule (in UTC, as on Flex Consumption), with the same code as in Azure. A run
 * that is still going when the next one is due is not started twice; the next is skipped. They
 * stop when the server closes. `LOCAL_TIMERS=off` leaves them out (e.g. for load tests).
 */

/** setTimeout holds at most about 24.8 days; longer waits are taken in steps. */
const MAX_WAIT_MS = 2 ** 31 - 1;

export interface LocalTimerOptions {
  /** No progress lines (failures are still printed). */
  quiet?: boolean;
  env?: NodeJS.ProcessEnv;
}

export function startLocalTimers(deps: Deps, server: Server, options: LocalTimerOptions = {}): void {
  if ((options.env ?? process.env).LOCAL_TIMERS?.trim().toLowerCase() === "off") return;
  const handles = new Set<NodeJS.Timeout>();
  let closed = false;
  server.once("close", () => {
    closed = true;
    for (const handle of handles) clearTimeout(handle);
  });

  for (const timer of TIMERS) {
    const schedule = parseNcrontab(timer.schedule(deps.settings));
    const say = (message: string) => {
      if (!options.quiet) console.log(`[timer] ${timer.name}: ${message}`);
    };
    let running = false;
    const arm = () => {
      if (closed) return;
      const due = nextOccurrence(schedule, deps.clock.now());
      const wait = () => {
        const handle = setTimeout(() => {
          handles.delete(handle);
          if (deps.clock.now().getTime() < due.getTime()) return wait();
          fire();
          arm();
        }, Math.min(MAX_WAIT_MS, Math.max(0, due.getTime() - deps.clock.now().getTime())));
        // A pending timer alone does not keep the process alive; the server does.
        handle.unref();
        handles.add(handle);
      };
      wait();
    };
    const fire = () => {
      if (running) {
        say("still running from last time; this occurrence is skipped");
        return;
      }
      running = true;
      deps
        .ready()
        .then(() => timer.run(deps, say))
        .catch((error: unknown) => console.error(`[timer] ${timer.name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`))
        .finally(() => {
          running = false;
        });
    };
    say(`scheduled "${schedule.text}" (UTC); next at ${nextOccurrence(schedule, deps.clock.now()).toISOString()}`);
    arm();
  }
}
