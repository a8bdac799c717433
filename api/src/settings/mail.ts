import path from "node:path";
import { readGraphSettings } from "./graph";
import type { GraphSettings } from "./graph";
import { SettingsError } from "./errors";
import { isSendableAddress } from "../mail/mime";
import type { Mailbox } from "../mail/mime";
import { DEFAULT_PACING } from "../mail/pacer";
import type { PacingOptions } from "../mail/pacer";

export interface MailSettings {
  graph: GraphSettings;
  /** MAIL_SENDER (and MAIL_SENDER_NAME): the organisation's mailbox the chase sends from. */
  sender: Mailbox;
  /** MAIL_OUTBOX_DIR: where .eml files go when Graph is not configured. */
  outboxDir: string;
  pacing: PacingOptions;
}

/** Sender shown in outbox files when MAIL_SENDER is not set locally; `.invalid` can never be delivered to. */
export const LOCAL_SENDER = "chase@social-value-ledger.invalid";

function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, problems: string[]): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) {
    problems.push(`${name} must be a whole number, at least ${min} (got "${raw}")`);
    return fallback;
  }
  return n;
}

/** Reads the mail and Graph settings; throws SettingsError naming every problem. */
export function loadMailSettings(env: NodeJS.ProcessEnv, cwd = process.cwd()): MailSettings {
  const problems: string[] = [];
  const settings = readMailSettings(env, problems, cwd);
  if (problems.length > 0) throw new SettingsError(problems);
  return settings;
}

/** Collects problems instead of throwing, so the app's settings can report everything at once. */
export function readMailSettings(env: NodeJS.ProcessEnv, problems: string[], cwd = process.cwd()): MailSettings {
  const graph = readGraphSettings(env, problems);
  const senderEmail = env.MAIL_SENDER?.trim().toLowerCase() ?? "";
  if (graph.credential && !senderEmail) problems.push("MAIL_SENDER is missing (the mailbox the chase sends from, e.g. social.value@example.gov.uk)");
  if (senderEmail && !isSendableAddress(senderEmail)) problems.push(`MAIL_SENDER "${senderEmail}" is not an email address`);
  const name = env.MAIL_SENDER_NAME?.trim();
  const sender: Mailbox = { email: senderEmail || LOCAL_SENDER, ...(name ? { name } : {}) };
  const pacing: PacingOptions = {
    messagesPerMinute: wholeNumber(env, "MAIL_MESSAGES_PER_MINUTE", DEFAULT_PACING.messagesPerMinute, 0, problems),
    maxConcurrent: wholeNumber(env, "MAIL_MAX_CONCURRENT", DEFAULT_PACING.maxConcurrent, 1, problems),
  };
  const outboxDir = path.resolve(cwd, env.MAIL_OUTBOX_DIR?.trim() || path.join(".data", "outbox"));
  return { graph, sender, outboxDir, pacing };
}
