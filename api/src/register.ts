import type { HttpFunctionOptions } from "@azure/functions";
import { dependencies } from "./compose";
import { dispatch } from "./http/dispatch";
import { routeNamed } from "./routes";
import { loadSettings } from "./settings";

// Checked as the Functions host loads the app: missing production settings stop it here, by name,
// instead of failing on the first request.
loadSettings(process.env);

/** The app.http options of one route of the route table. */
export function functionOptions(name: string): HttpFunctionOptions {
  const route = routeNamed(name);
  return {
    methods: route.methods,
    route: route.route,
    authLevel: route.authLevel,
    handler: async (request, context) => dispatch(route, await dependencies(), request, context),
  };
}
