import type { Health } from "../../../shared";
import type { Handler } from "../http/dispatch";
import { json } from "../http/respond";
import { StorageUnavailableError } from "../store/errors";

/** GET /api/health: anyone may ask; 503 when storage cannot be reached. */
export const health: Handler = async ({ deps, context }) => {
  try {
    await deps.store.ping();
    return json(200, { status: "ok", storage: "ok" } satisfies Health);
  } catch (e) {
    if (!(e instanceof StorageUnavailableError)) throw e;
    context.warn(e.message);
    return json(503, { status: "unavailable", storage: "unreachable" } satisfies Health);
  }
};
