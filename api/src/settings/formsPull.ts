import { describeProblem, FormsPullSourcesSchema, problemsFromZod } from "../../../shared";
import type { FormsPullSource } from "../../../shared";
import { scheduleSetting } from "./chase";

export interface FormsPullSettings {
  /** FORMS_PULL_SCHEDULE (NCRONTAB, UTC), every 15 minutes unless set. */
  schedule: string;
  /** FORMS_PULL_SOURCES: the response workbooks to read; none means the pull does nothing. */
  sources: FormsPullSource[];
  /** FORMS_PULL_PAGE_SIZE: rows asked of Graph per request; the watermark moves after each page. */
  pageSize: number;
}

export const DEFAULT_FORMS_PULL_SCHEDULE = "0 */15 * * * *";

export function readFormsPullSettings(env: NodeJS.ProcessEnv, problems: string[]): FormsPullSettings {
  const schedule = scheduleSetting(env, "FORMS_PULL_SCHEDULE", DEFAULT_FORMS_PULL_SCHEDULE, problems);
  const rawPage = env.FORMS_PULL_PAGE_SIZE?.trim();
  const pageSize = rawPage ? Number(rawPage) : 500;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 5000) problems.push(`FORMS_PULL_PAGE_SIZE must be a whole number of rows from 1 to 5000 (got "${rawPage}")`);

  const text = env.FORMS_PULL_SOURCES?.trim();
  let sources: FormsPullSource[] = [];
  if (text) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      problems.push(`FORMS_PULL_SOURCES is not JSON (${(e as Error).message}); write it as in infra/forms/column-mapping.example.json`);
    }
    if (parsed !== undefined) {
      const result = FormsPullSourcesSchema.safeParse(parsed);
      if (result.success) sources = result.data;
      else {
        for (const p of problemsFromZod(result.error.issues)) {
          const [entry, ...rest] = p.path;
          const form = typeof entry === "number" && Array.isArray(parsed) ? (parsed[entry] as { formId?: unknown } | undefined)?.formId : undefined;
          const where = typeof entry === "number" ? `entry ${entry + 1}${typeof form === "string" ? ` (form ${form})` : ""}` : "the list";
          problems.push(`FORMS_PULL_SOURCES ${where}: ${describeProblem({ path: rest, message: p.message })}`);
        }
      }
    }
  }
  return { schedule, sources, pageSize: Number.isInteger(pageSize) && pageSize >= 1 && pageSize <= 5000 ? pageSize : 500 };
}
