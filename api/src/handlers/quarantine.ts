import { PageQuerySchema } from "../../../shared";
import { parseWith, queryObject } from "../http/body";
import type { Handler } from "../http/dispatch";
import { unwrapToken, wrapToken } from "../http/paging";
import { json } from "../http/respond";

/** GET /api/quarantine: refused submissions, newest first, with the raw body and every reason. */
export const listQuarantine: Handler = async ({ request, deps }) => {
  const query = parseWith(PageQuerySchema, queryObject(request), "The query");
  const scope = "quarantine";
  // Raw bodies can be up to 256 KiB each, so pages are small unless asked otherwise.
  const page = await deps.store.listQuarantine({ pageSize: query.pageSize ?? 50, continuationToken: unwrapToken(query.continuationToken, scope) });
  return json(200, { items: page.items, continuationToken: wrapToken(page.continuationToken, scope) });
};
