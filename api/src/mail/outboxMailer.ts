import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import type { Mailer, OutgoingEmail, SendControl, SendResult } from "./mailer";
import { buildMimeMessage, InvalidAddressError, messageIdFor, sha256Hex } from "./mime";
import type { Mailbox } from "./mime";

export interface OutboxMailerOptions {
  /** MAIL_OUTBOX_DIR, default `.data/outbox`. */
  dir: string;
  sender: Mailbox;
  now?: () => Date;
}

/** `20261124T070000123Z`: sorts by time in a file listing. */
function stamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, "").replace(".", "");
}

/** Letters, digits and `@._-` only, so the name is safe on every file system. */
function safePart(text: string, max: number): string {
  return text.toLowerCase().replace(/[^a-z0-9@._-]+/g, "_").slice(0, max) || "unknown";
}

/**
 * With no Graph credentials (the local default) each message becomes one RFC 5322 .eml file, built
 * by the same MIME builder as the Graph send, so opening it shows exactly what Graph would get.
 * Every send writes a file, repeats included: the outbox must show a double send if there is one.
 */
export class OutboxMailer implements Mailer {
  readonly transport = "outbox";

  constructor(private readonly options: OutboxMailerOptions) {}

  async send(email: OutgoingEmail, control: SendControl = {}): Promise<SendResult> {
    const { sender, dir } = this.options;
    const date = (this.options.now ?? (() => new Date()))();
    const messageId = messageIdFor(email.idempotencyKey, sender);
    let mime: string;
    try {
      mime = await buildMimeMessage(email, { from: sender, date, messageId });
    } catch (error) {
      if (!(error instanceof InvalidAddressError)) throw error;
      return { kind: "failed", status: null, code: "InvalidAddress", message: error.message, requestId: null, senderProblem: error.address === sender.email, attempts: 0 };
    }
    await control.beforeHandOver?.();
    const base = `${stamp(date)}_${safePart(email.to[0]?.email ?? "", 60)}_${sha256Hex(email.idempotencyKey).slice(0, 12)}`;
    try {
      const file = await this.writeAtomically(base, mime);
      return { kind: "sent", messageId, requestId: null, clientRequestId: null, outboxFile: file, attempts: 1, possibleDuplicate: false };
    } catch (error) {
      return { kind: "deferred", reason: `could not write to the outbox ${dir}: ${(error as Error).message}`, attempts: 1, mayHaveBeenSent: false };
    }
  }

  /**
   * Writes a temporary file then links it under its final name: a reader never sees half a
   * message, and a name already taken (same key, same millisecond) gets a counter instead of
   * being overwritten.
   */
  private async writeAtomically(base: string, content: string): Promise<string> {
    const dir = this.options.dir;
    await fs.mkdir(dir, { recursive: true });
    const temp = path.join(dir, `.${base}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
    await fs.writeFile(temp, content, { encoding: "utf8", flag: "wx" });
    try {
      for (let n = 0; ; n++) {
        const file = path.join(dir, n === 0 ? `${base}.eml` : `${base}-${n}.eml`);
        try {
          await fs.link(temp, file);
          return file;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== "EEXIST" || n >= 99) throw error;
        }
      }
    } finally {
      await fs.unlink(temp);
    }
  }
}
