import { PortfolioQuerySchema } from "../../../shared";
import { parseWith, queryObject } from "../http/body";
import type { Handler } from "../http/dispatch";
import { json } from "../http/respond";
import { loadPortfolio } from "../portfolio/view";

/** GET /api/portfolio?groupBy&from&to: the roll-up of every contract the caller may see. */
export const getPortfolio: Handler = async ({ request, deps, principal }) => {
  const query = parseWith(PortfolioQuerySchema, queryObject(request), "The query");
  return json(200, await loadPortfolio(deps, principal, query));
};
