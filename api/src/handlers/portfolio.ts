import { portfolioView, PortfolioQuerySchema } from "../../../shared";
import { parseWith, queryObject } from "../http/body";
import type { Handler } from "../http/dispatch";
import { json } from "../http/respond";
import { renderReport } from "../portfolio/report";
import { loadPortfolio, loadPortfolioInputs } from "../portfolio/view";

/** GET /api/portfolio?groupBy&from&to: the roll-up of every contract the caller may see. */
export const getPortfolio: Handler = async ({ request, deps, principal }) => {
  const query = parseWith(PortfolioQuerySchema, queryObject(request), "The query");
  return json(200, await loadPortfolio(deps, principal, query));
};

/** GET /api/portfolio/report: the cabinet report, one printable HTML page with everything inline. */
export const getPortfolioReport: Handler = async ({ deps, principal }) => {
  const { contracts, asOf } = await loadPortfolioInputs(deps, principal);
  const view = (groupBy: "contract" | "theme" | "year") => portfolioView(contracts, { groupBy, asOf });
  const html = renderReport(
    { byContract: view("contract"), byTheme: view("theme"), byYear: view("year") },
    {
      organisation: deps.settings.chase.organisationName ?? "Social Value Ledger",
      scope: principal?.roles.includes("Manager") ? "every contract" : "the contracts you manage",
      generatedAt: deps.clock.now(),
    },
  );
  return {
    status: 200,
    body: html,
    // Self-contained: nothing loads from anywhere, and no script runs.
    headers: { "content-type": "text/html; charset=utf-8", "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:" },
  };
};
