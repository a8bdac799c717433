import { createHash } from "node:crypto";
import type { OutgoingEmail } from "./mailer";

/**
 * RFC 5322 / MIME messages: multipart/alternative with a plain-text and an HTML part, both UTF-8
 * quoted-printable. The same bytes go to Graph (base64, `Content-Type: text/plain`) and to the
 * outbox, so the .eml a person opens locally is what Graph would have been given.
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

const CRLF = "\r\n";
// Dot-atom local part and a dotted domain, ASCII only: anything else would need quoting or SMTPUTF8.
const ADDRESS = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const ATOM_PHRASE = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~ -]+$/;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

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

/**
 * RFC 2047 "B" encoded words, never splitting a character. 39 bytes make a 64-character word, so a
 * header line holding one stays within 78 characters.
 */
function encodedWords(text: string): string[] {
  const words: string[] = [];
  let chunk = "";
  for (const char of text) {
    if (Buffer.byteLength(chunk + char, "utf8") > 39) {
      words.push(`=?UTF-8?B?${Buffer.from(chunk, "utf8").toString("base64")}?=`);
      chunk = "";
    }
    chunk += char;
  }
  if (chunk) words.push(`=?UTF-8?B?${Buffer.from(chunk, "utf8").toString("base64")}?=`);
  return words;
}

/** Folds at spaces so lines stay within 78 characters where a space allows it. */
function foldAtSpaces(name: string, value: string): string {
  const words = value.split(" ");
  const lines: string[] = [];
  let line = `${name}:`;
  for (const word of words) {
    if (line.length + 1 + word.length > 78 && line.length > name.length + 1) {
      lines.push(line);
      line = ` ${word}`;
    } else {
      line += ` ${word}`;
    }
  }
  lines.push(line);
  return lines.join(CRLF);
}

/** An unstructured header such as Subject: plain when it is printable ASCII, encoded words otherwise. */
function unstructuredHeader(name: string, value: string): string {
  const text = oneLine(value);
  if (PRINTABLE_ASCII.test(text) && !/=\?/.test(text)) return foldAtSpaces(name, text);
  return foldAtSpaces(name, encodedWords(text).join(" "));
}

/** `Name <address>` with the name as an atom phrase, a quoted string or encoded words, as it needs. */
function formatMailbox(mailbox: Mailbox): string {
  const address = mailbox.email.trim();
  if (!isSendableAddress(address)) throw new InvalidAddressError(mailbox.email);
  const name = oneLine(mailbox.name ?? "");
  if (!name) return address;
  let phrase: string;
  if (ATOM_PHRASE.test(name)) phrase = name;
  else if (PRINTABLE_ASCII.test(name) && !/=\?/.test(name)) phrase = `"${name.replace(/(["\\])/g, "\\$1")}"`;
  else phrase = encodedWords(name).join(" ");
  return `${phrase} <${address}>`;
}

/** Folded where a space allows: between addresses and between the words of a name, never inside an address. */
function addressHeader(name: string, mailboxes: Mailbox[]): string {
  return foldAtSpaces(name, mailboxes.map(formatMailbox).join(", "));
}

/** RFC 5322 date in UTC, e.g. "Tue, 24 Nov 2026 07:00:00 +0000". */
function rfc5322Date(date: Date): string {
  const days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const two = (n: number) => String(n).padStart(2, "0");
  return `${days[date.getUTCDay()]}, ${two(date.getUTCDate())} ${months[date.getUTCMonth()]} ${date.getUTCFullYear()} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`;
}

/** Quoted-printable (RFC 2045 §6.7) of UTF-8 text, lines at most 76 characters, CRLF line breaks. */
function quotedPrintable(text: string): string {
  return text
    .replace(/\r\n|\r|\n/g, "\n")
    .split("\n")
    .map((line) => {
      const bytes = Buffer.from(line, "utf8");
      const tokens: string[] = [];
      bytes.forEach((b, i) => {
        const last = i === bytes.length - 1;
        const literal = (b >= 33 && b <= 126 && b !== 61) || ((b === 32 || b === 9) && !last);
        tokens.push(literal ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase().padStart(2, "0")}`);
      });
      const out: string[] = [];
      let current = "";
      for (const token of tokens) {
        if (current.length + token.length > 75) {
          out.push(`${current}=`);
          current = "";
        }
        current += token;
      }
      out.push(current);
      return out.join(CRLF);
    })
    .join(CRLF);
}

/** A Message-ID that is the same for the same idempotency key, in the sender's domain. */
export function messageIdFor(idempotencyKey: string, sender: Mailbox): string {
  const domain = sender.email.split("@")[1] ?? "localhost";
  return `<svl.${sha256Hex(idempotencyKey).slice(0, 32)}@${domain}>`;
}

/** The whole message, CRLF line endings, 7-bit clean. Throws InvalidAddressError for an address that cannot be used. */
export function buildMimeMessage(email: OutgoingEmail, envelope: MimeEnvelope): string {
  if (email.to.length === 0) throw new RangeError("an email needs at least one recipient");
  // Quoted-printable always writes "=" as "=3D", so a boundary starting "=_" can never occur in a body.
  const boundary = `=_svl_${sha256Hex(`${email.idempotencyKey}\u0000${envelope.date.toISOString()}`).slice(0, 24)}`;
  const headers = [
    addressHeader("From", [envelope.from]),
    addressHeader("To", email.to),
    ...(email.replyTo ? [addressHeader("Reply-To", [email.replyTo])] : []),
    unstructuredHeader("Subject", email.subject),
    `Date: ${rfc5322Date(envelope.date)}`,
    `Message-ID: ${envelope.messageId}`,
    "MIME-Version: 1.0",
    // RFC 3834: tells mail servers and out-of-office rules this was sent by a program.
    "Auto-Submitted: auto-generated",
    "Content-Language: en-GB",
    `Content-Type: multipart/alternative;${CRLF} boundary="${boundary}"`,
  ];
  const part = (type: string, body: string) =>
    [`--${boundary}`, `Content-Type: ${type}; charset=utf-8`, "Content-Transfer-Encoding: quoted-printable", "", quotedPrintable(body)].join(CRLF);
  return [...headers, "", "This is a message in MIME format: plain text, then HTML.", part("text/plain", email.text), part("text/html", email.html), `--${boundary}--`, ""].join(CRLF);
}
