import { preflight } from "../http/cors";
import type { Handler } from "../http/dispatch";

/** OPTIONS on any route: the browser asks before the add-in calls with a token. */
export const corsPreflight: Handler = async ({ request, deps }) => preflight(request, deps.settings.corsOrigins);
