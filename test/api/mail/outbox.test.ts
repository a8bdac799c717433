import { spawnSync } from "node:child_process";
import { promises as fs, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { GraphCaller } from "../../../api/src/graph/graphCall";
import { createGraphClient } from "../../../api/src/graph/graphClient";
import { DEFAULT_RETRY_POLICY } from "../../../api/src/graph/retry";
import { createMailer } from "../../../api/src/mail/createMailer";
import { GraphMailer } from "../../../api/src/mail/graphMailer";
import { loadMailSettings } from "../../../api/src/settings/mail";
import type { OutgoingEmail, SendResult, Sent } from "../../../api/src/mail/mailer";
import { OutboxMailer } from "../../../api/src/mail/outboxMailer";
import { startFakeGraph } from "../../support/fakeGraph";
import { VirtualTimer } from "../../support/fakeGraphClock";
import { alternatives, decodeWords, header, parseAddressList, parseMime } from "../../support/fakeGraphMime";

jest.setTimeout(10_000);

const SENDER = { email: "social.value@example.gov.uk", name: "Example Borough Council" };
const AT = new Date("2026-11-24T07:00:00.123Z");

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "svl-outbox-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const email = (over: Partial<OutgoingEmail> = {}): OutgoingEmail => ({
  to: [{ name: "Zoë O'Brien, Acme Build Ltd", email: "zoe@acme.example" }],
  replyTo: { name: "Priya Shah", email: "priya.shah@example.gov.uk" },
  subject: "Evidence needed: 2 social value items for Ynys Môn County Council – “urgent”",
  text: "Line one.\nA long line that goes on and on, well past seventy-six characters, so quoted-printable must break it softly = twice perhaps.\nLast line with trailing space \n£1,234.50",
  html: '<p lang="cy">Diolch — £1,234.50 &amp; more</p>\n<table><tr><th scope="col">Ref</th></tr></table>',
  idempotencyKey: "chase:abc123",
  ...over,
});

const outbox = (now = () => AT) => new OutboxMailer({ dir, sender: SENDER, now });

function sent(result: SendResult): Sent {
  if (result.kind !== "sent") throw new Error(`expected sent, got ${JSON.stringify(result)}`);
  return result;
}

describe("OutboxMailer", () => {
  test("writes one .eml that reads back with every header and both parts", async () => {
    const result = sent(await outbox().send(email()));
    const file = result.outboxFile!;
    expect(path.dirname(file)).toBe(dir);
    expect(path.basename(file)).toMatch(/^20261124T070000123Z_zoe@acme\.example_[0-9a-f]{12}\.eml$/);
    expect(result).toMatchObject({ requestId: null, clientRequestId: null, attempts: 1 });

    const raw = readFileSync(file, "utf8");
    const message = parseMime(raw);
    expect(parseAddressList(header(message, "from")!)).toEqual([SENDER]);
    expect(parseAddressList(header(message, "to")!)).toEqual([{ name: "Zoë O'Brien, Acme Build Ltd", email: "zoe@acme.example" }]);
    expect(parseAddressList(header(message, "reply-to")!)).toEqual([{ name: "Priya Shah", email: "priya.shah@example.gov.uk" }]);
    // RFC 2047 encoded words (MailComposer picks Q or B by the text).
    expect(header(message, "subject")).toMatch(/^=\?UTF-8\?[BQ]\?/);
    expect(decodeWords(header(message, "subject")!)).toBe(email().subject);
    expect(header(message, "date")).toBe("Tue, 24 Nov 2026 07:00:00 +0000");
    expect(header(message, "message-id")).toBe(result.messageId);
    expect(result.messageId).toMatch(/^<svl\.[0-9a-f]{32}@example\.gov\.uk>$/);
    expect(header(message, "mime-version")).toBe("1.0");
    expect(message.contentType).toBe("multipart/alternative");
    expect(message.parts.map((p) => p.contentType)).toEqual(["text/plain", "text/html"]);
    const { text, html } = alternatives(message);
    for (const part of [text, html]) {
      expect(part.params.charset).toBe("utf-8");
      expect(header(part, "content-transfer-encoding")).toBe("quoted-printable");
    }
    expect(text.body).toBe(email().text.replace(/\n/g, "\r\n"));
    expect(html.body).toBe(email().html.replace(/\n/g, "\r\n"));
  });

  test("the file is 7-bit, CRLF only, headers within 78 characters and body lines within 76", async () => {
    const longName = "Ministry of Very Long Names for Testing Header Folding Across Lines Limited";
    const long = email({ to: [{ name: longName, email: "a@b.example" }, { name: "Second", email: "c@d.example" }], subject: `${"Evidence needed ".repeat(8)}now` });
    const accented = email({ subject: `${"Tystiolaeth sydd ei hangen — ".repeat(4)}Môn`, to: [{ name: "Ŵyn ".repeat(20).trim(), email: "w@acme.example" }] });
    for (const message of [email(), long, accented]) {
      const raw = readFileSync(sent(await outbox().send(message)).outboxFile!, "utf8");
      expect([...raw].every((c) => c.charCodeAt(0) < 0x80)).toBe(true);
      expect(raw.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
      const [head, ...rest] = raw.split("\r\n\r\n");
      for (const line of head!.split("\r\n")) expect(line.length).toBeLessThanOrEqual(78);
      for (const line of rest.join("\r\n\r\n").split("\r\n")) expect(line.length).toBeLessThanOrEqual(76);
      const parsed = parseMime(raw);
      expect(parseAddressList(header(parsed, "to")!)).toEqual(message.to);
      expect(decodeWords(header(parsed, "subject")!)).toBe(message.subject);
    }
  });

  test("line breaks in a subject or name cannot add headers", async () => {
    const result = sent(await outbox().send(email({ subject: "Hello\r\nBcc: everyone@example.gov.uk", to: [{ name: "Jo\nBcc: x@y.example", email: "jo@acme.example" }] })));
    const message = parseMime(readFileSync(result.outboxFile!, "utf8"));
    expect(message.headers.has("bcc")).toBe(false);
    expect(decodeWords(header(message, "subject")!)).toBe("Hello Bcc: everyone@example.gov.uk");
  });

  test("every send is a new file, even the same key in the same millisecond; no temporary files remain", async () => {
    const mailer = outbox();
    const [a, b] = await Promise.all([mailer.send(email()), mailer.send(email())]);
    const files = [sent(a!).outboxFile!, sent(b!).outboxFile!];
    expect(new Set(files).size).toBe(2);
    expect((await fs.readdir(dir)).sort()).toEqual(files.map((f) => path.basename(f)).sort());
  });

  test("an address that is not one fails without a file; an unwritable outbox defers", async () => {
    const bad = await outbox().send(email({ to: [{ name: "X", email: "not an address" }] }));
    expect(bad).toMatchObject({ kind: "failed", status: null, code: "InvalidAddress" });
    expect(await fs.readdir(dir)).toEqual([]);

    const blocked = path.join(dir, "blocked");
    await fs.writeFile(blocked, "a file where the outbox folder should be");
    const result = await new OutboxMailer({ dir: blocked, sender: SENDER }).send(email());
    expect(result).toMatchObject({ kind: "deferred", mayHaveBeenSent: false });
    expect((result as { reason: string }).reason).toMatch(/could not write to the outbox/);
  });

  test("with no Graph credentials the app's mailer is the outbox, in MAIL_OUTBOX_DIR", async () => {
    const settings = loadMailSettings({ MAIL_OUTBOX_DIR: dir, MAIL_SENDER_NAME: "Example Borough Council" });
    const mailer = createMailer(settings, { now: () => AT });
    expect(mailer.transport).toBe("outbox");
    const result = sent(await mailer.send(email()));
    const from = parseAddressList(header(parseMime(readFileSync(result.outboxFile!, "utf8")), "from")!);
    expect(from).toEqual([{ name: "Example Borough Council", email: "chase@social-value-ledger.invalid" }]);
  });

  test("the outbox file is byte for byte what Graph is sent for the same message and time", async () => {
    const fake = await startFakeGraph();
    try {
      const client = createGraphClient({ authProvider: { getAccessToken: async () => "t" }, baseUrl: fake.baseUrl, attemptTimeoutMs: 3_000 });
      const graph = new GraphCaller(client, { retry: DEFAULT_RETRY_POLICY, timer: new VirtualTimer(AT.getTime()) });
      await new GraphMailer({ graph, sender: SENDER, pacing: { messagesPerMinute: 0, maxConcurrent: 4 } }).send(email());
      const file = sent(await outbox().send(email())).outboxFile!;
      expect(fake.sent[0]!.rawMime).toBe(readFileSync(file, "utf8"));
    } finally {
      await fake.close();
    }
  });

  const python = spawnSync("python3", ["--version"]).status === 0;
  (python ? test : test.skip)("Python's email package (an independent reader) sees the same message", async () => {
    const file = sent(await outbox().send(email())).outboxFile!;
    const script = [
      "import email, email.policy, json, sys",
      "m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)",
      "parts = [p for p in m.walk() if not p.is_multipart()]",
      "print(json.dumps({'from': str(m['From']), 'to': [a.display_name + '|' + a.addr_spec for a in m['To'].addresses],",
      " 'reply_to': str(m['Reply-To']), 'subject': str(m['Subject']), 'type': m.get_content_type(), 'defects': [str(d) for d in m.defects] + [str(d) for p in parts for d in p.defects],",
      " 'parts': [[p.get_content_type(), p.get_content()] for p in parts]}))",
    ].join("\n");
    const run = spawnSync("python3", ["-c", script, file], { encoding: "utf8" });
    expect(run.stderr).toBe("");
    const seen = JSON.parse(run.stdout) as { from: string; to: string[]; reply_to: string; subject: string; type: string; defects: string[]; parts: string[][] };
    expect(seen).toEqual({
      from: "Example Borough Council <social.value@example.gov.uk>",
      to: ["Zoë O'Brien, Acme Build Ltd|zoe@acme.example"],
      reply_to: "Priya Shah <priya.shah@example.gov.uk>",
      subject: email().subject,
      type: "multipart/alternative",
      defects: [],
      parts: [
        ["text/plain", email().text],
        ["text/html", email().html],
      ],
    });
  });
});
