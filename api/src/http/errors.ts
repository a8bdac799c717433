import type { Problem } from "../../../shared";

/** A request the API refuses or cannot serve; becomes `{error:{code,message,details?}}` with `status`. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Problem[],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiFailure";
  }
}

export const invalid = (message: string, details?: Problem[]) => new ApiFailure(400, "invalid-request", message, details);
export const notFound = (message: string) => new ApiFailure(404, "not-found", message);
export const conflict = (code: string, message: string) => new ApiFailure(409, code, message);

export function errorBody(code: string, message: string, details?: Problem[]) {
  return { error: details && details.length > 0 ? { code, message, details } : { code, message } };
}
