export interface PortfolioSettings {
  /**
   * AGGREGATE_ONLY (true/false, default false): contributions' descriptions and responders are shown
   * only to the contract's own officers (its contract manager and escalation contacts); everyone
   * else sees the figures without them. The portfolio and the cabinet report never carry people either way.
   */
  aggregateOnly: boolean;
  /** PORTFOLIO_REPORT_URL: where people open the cabinet report (the API's /api/portfolio/report behind sign-in); the weekly digest links to it. */
  reportUrl?: string;
}

export function readPortfolioSettings(env: NodeJS.ProcessEnv, problems: string[]): PortfolioSettings {
  const flag = (env.AGGREGATE_ONLY?.trim() || "false").toLowerCase();
  if (flag !== "true" && flag !== "false") problems.push(`AGGREGATE_ONLY "${env.AGGREGATE_ONLY}" must be true or false`);
  const reportUrl = env.PORTFOLIO_REPORT_URL?.trim() || undefined;
  if (reportUrl && !/^https?:\/\/[^\s]+$/.test(reportUrl)) problems.push(`PORTFOLIO_REPORT_URL "${reportUrl}" is not a web address (e.g. https://func-svl.azurewebsites.net/api/portfolio/report)`);
  return { aggregateOnly: flag === "true", ...(reportUrl ? { reportUrl } : {}) };
}
