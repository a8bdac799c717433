import { app } from "@azure/functions";
import type { HttpFunctionOptions, TimerFunctionOptions } from "@azure/functions";
import { dispatch } from "../http/dispatch";
import type { RouteSpec } from "../http/dispatch";
import { loadSettings } from "../settings/settings";
import type { Settings } from "../settings/settings";
import { dependencies } from "./compose";
import { ROUTES } from "./routes";
import { TIMERS } from "./timers";
import type { TimerSpec } from "./timers";

/*
 * The Functions app's entry point (the bundle scripts/package-api.ts builds starts here): one
 * function per route of the route table and one per timer, so the tables are the only list of
 * what the app serves.
 */

function functionOptions(route: RouteSpec): HttpFunctionOptions {
  return {
    methods: route.methods,
    route: route.route,
    authLevel: route.authLevel,
    handler: async (request, context) => dispatch(route, await dependencies(), request, context),
  };
}

/**
 * The schedule is the resolved setting rather than `%CHASE_SCHEDULE%`, so the default applies when
 * the setting is absent (the host would refuse to index a function whose %setting% is missing).
 */
function timerOptions(timer: TimerSpec, settings: Settings): TimerFunctionOptions {
  return {
    schedule: timer.schedule(settings),
    handler: async (_timer, context) => {
      const deps = await dependencies();
      await deps.ready();
      await timer.run(deps, (message) => context.log(message));
    },
  };
}

// Checked as the Functions host loads the app: missing production settings stop it here, by name,
// instead of failing on the first request.
const settings = loadSettings(process.env);
for (const route of ROUTES) app.http(route.name, functionOptions(route));
for (const timer of TIMERS) app.timer(timer.name, timerOptions(timer, settings));
