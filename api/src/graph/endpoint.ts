export const GRAPH_SCOPE = "https://graph.microsoft.com/.default";
/** Where the SDK addresses every request; the auth handler only attaches tokens to Graph hosts like this one. */
export const PUBLIC_GRAPH_BASE_URL = "https://graph.microsoft.com/v1.0";
