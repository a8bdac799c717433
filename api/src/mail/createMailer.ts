import { connectGraph } from "../graph/connect";
import type { GraphOverrides } from "../graph/connect";
import { GraphMailer } from "./graphMailer";
import type { Mailer } from "./mailer";
import type { MailSettings } from "../settings/mail";
import { OutboxMailer } from "./outboxMailer";

/** Graph when a credential is configured (client secret, or managed identity in Azure); the outbox otherwise. */
export function createMailer(settings: MailSettings, overrides: GraphOverrides & { now?: () => Date } = {}): Mailer {
  const graph = connectGraph(settings.graph, overrides);
  if (graph) return new GraphMailer({ graph, sender: settings.sender, pacing: settings.pacing });
  return new OutboxMailer({ dir: settings.outboxDir, sender: settings.sender, ...(overrides.now ? { now: overrides.now } : {}) });
}
