import { createHash } from "node:crypto";
import MailComposer from "nodemailer/lib/mail-composer";
import type { OutgoingEmail } from "./mailer";

/**
 * RFC 5322 / MIME messages, composed by nodemailer's MailComposer: multipart/alternative with a
 * plain-text and an HTML part, both UTF-8 quoted-printable, CRLF line endings. The same bytes go
 * to Graph (base64, `Content-Type: text/plain`) and to the outbox, so the .eml a person opens
 * locally is what Graph would have been given. What stays ours: which addresses we send to, that
 * header text stays on one line, and a boundary and Message-ID that repeat for the same message.
 */

export interface Mailbox {
  email: string;
  name?: string;
}

export interface MimeEnvelope {
  from: Mailbox;
  date: Date;
  messageId: string;
}

/** An address we will not put in a header: Graph would refuse it, and it could break the header. */
export class InvalidAddressError extends Error {
  constructor(readonly address: string) {
    super(`"${address}" is not an email address that can be sent to`);
    this.name = "InvalidAddressError";
  }
}

// Dot-atom local part and a dotted domain, ASCII only: anything else would need quoting or SMTPUTF8.
const ADDRESS = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export function isSendableAddress(address: string): boolean {
  return address.length <= 254 && ADDRESS.test(address);
}

/** Header text on one line: line breaks and control characters would start a new header. */
function oneLine(text: string): string {
  const visible = Array.from(text, (c) => (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f ? " " : c)).join("");
  return visible.replace(/\s+/g, " ").trim();
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

function mailbox(box: Mailbox): { name: string; address: string } {
  const address = box.email.trim();
  if (!isSendableAddress(address)) throw new InvalidAddressError(box.email);
  return { name: oneLine(box.name ?? ""), address };
}

/** A Message-ID that is the same for the same idempotency key, in the sender's domain. */
export function messageIdFor(idempotencyKey: string, sender: Mailbox): string {
  const domain = sender.email.split("@")[1] ?? "localhost";
  return `<svl.${sha256Hex(idempotencyKey).slice(0, 32)}@${domain}>`;
}

/** The whole message, CRLF line endings, 7-bit clean. Throws InvalidAddressError for an address that cannot be used. */
export async function buildMimeMessage(email: OutgoingEmail, envelope: MimeEnvelope): Promise<string> {
  if (email.to.length === 0) throw new RangeError("an email needs at least one recipient");
  const composer = new MailComposer({
    from: mailbox(envelope.from),
    to: email.to.map(mailbox),
    ...(email.replyTo ? { replyTo: mailbox(email.replyTo) } : {}),
    subject: oneLine(email.subject),
    date: envelope.date,
    messageId: envelope.messageId,
    text: email.text,
    html: email.html,
    headers: {
      // RFC 3834: tells mail servers and out-of-office rules this was sent by a program.
      "Auto-Submitted": "auto-generated",
      "Content-Language": "en-GB",
    },
    // The same message at the same time gets the same boundary, so Graph's copy and the outbox's match byte for byte.
    baseBoundary: sha256Hex(`${email.idempotencyKey}\u0000${envelope.date.toISOString()}`).slice(0, 24),
    textEncoding: "quoted-printable",
    newline: "windows",
    // The bodies are our own strings: nothing is ever read from a file or a URL.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  const bytes = await composer.compile().build();
  return bytes.toString("utf8");
}
