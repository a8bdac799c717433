import type { AuthenticationProvider } from "@microsoft/microsoft-graph-client";
import { GraphCaller } from "../../api/src/graph/graphCall";
import { createGraphClient } from "../../api/src/graph/graphClient";
import { DEFAULT_RETRY_POLICY, realTimer } from "../../api/src/graph/retry";
import type { RetryPolicy, Timer } from "../../api/src/graph/retry";
import { createMailer } from "../../api/src/mail/createMailer";
import { GraphMailer } from "../../api/src/mail/graphMailer";
import { loadMailSettings } from "../../api/src/settings/mail";
import type { OutgoingEmail, SendResult } from "../../api/src/mail/mailer";
import type { PacingOptions } from "../../api/src/mail/pacer";
import { SettingsError } from "../../api/src/settings/errors";
import { startFakeGraph } from "../support/fakeGraph";
import type { FakeGraph } from "../support/fakeGraph";
import { VirtualTimer } from "../support/fakeGraphClock";
import { alternatives, decodeWords, header, parseAddressList } from "../support/fakeGraphMime";

jest.setTimeout(10_000);

const SENDER = { email: "social.value@example.gov.uk", name: "Example Borough Council" };
const token: AuthenticationProvider = { getAccessToken: async () => "test-token" };

let fake: FakeGraph;
beforeEach(async () => {
  fake = await startFakeGraph();
});
afterEach(async () => {
  await fake.close();
});

function mailer(options: { timer?: Timer; pacing?: Partial<PacingOptions>; retry?: Partial<RetryPolicy>; authProvider?: AuthenticationProvider } = {}) {
  const retry = { ...DEFAULT_RETRY_POLICY, attemptTimeoutMs: 3_000, ...options.retry };
  const timer = options.timer ?? new VirtualTimer();
  const client = createGraphClient({ authProvider: options.authProvider ?? token, baseUrl: fake.baseUrl, attemptTimeoutMs: retry.attemptTimeoutMs });
  const graph = new GraphCaller(client, { retry, timer, random: () => 0.5 });
  return new GraphMailer({ graph, sender: SENDER, pacing: { messagesPerMinute: 0, maxConcurrent: 4, ...options.pacing } });
}

function email(n = 1, to = `jo${n}@supplier.example`): OutgoingEmail {
  return {
    to: [{ name: "Acme Build Ltd", email: to }],
    replyTo: { name: "Priya Shah", email: "priya.shah@example.gov.uk" },
    subject: `Evidence needed: ${n} social value item for Example Borough Council`,
    html: "<p>Evidence for <strong>SV-7K3Q9M2D</strong> is due.</p>",
    text: "Evidence for SV-7K3Q9M2D is due.",
    idempotencyKey: `chase:test:${n}`,
  };
}

/** Polls until `done()` holds, for what happens on the fake server after the client has moved on. */
async function until(done: () => boolean, withinMs = 3_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}

function expectKind<K extends SendResult["kind"]>(result: SendResult, kind: K): Extract<SendResult, { kind: K }> {
  expect(result.kind).toBe(kind);
  return result as Extract<SendResult, { kind: K }>;
}

const sendMailPath = { path: /\/sendMail$/ };

/**
 * A token provider that notes the (virtual) time each attempt starts. The client's clock is the
 * one to read: the fake server's arrival times lag behind while virtual time runs ahead of real I/O.
 */
function stampingToken(timer: Timer, starts: number[]): AuthenticationProvider {
  return {
    getAccessToken: async () => {
      starts.push(timer.now());
      return "test-token";
    },
  };
}

describe("GraphMailer through the real Graph client against the fake Graph", () => {
  test("posts base64 MIME to /users/{sender}/sendMail with the token, and returns Graph's request ids", async () => {
    const result = expectKind(await mailer().send(email()), "sent");

    expect(fake.sent).toHaveLength(1);
    const call = fake.sent[0]!;
    expect(call.mailbox).toBe(SENDER.email);
    expect(call.authorization).toBe("Bearer test-token");
    expect(call.format).toBe("mime");
    expect(fake.requests[0]!.headers["content-type"]).toMatch(/^text\/plain/);
    expect(fake.requests[0]!.path).toBe(`/v1.0/users/${encodeURIComponent(SENDER.email)}/sendMail`);
    expect(result.requestId).toBe(call.requestId);
    expect(result.clientRequestId).toBe(call.clientRequestId);
    expect(result.clientRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(result).toMatchObject({ attempts: 1, possibleDuplicate: false });

    const mime = call.mime!;
    expect(parseAddressList(header(mime, "from")!)).toEqual([SENDER]);
    expect(parseAddressList(header(mime, "to")!)).toEqual([{ name: "Acme Build Ltd", email: "jo1@supplier.example" }]);
    expect(parseAddressList(header(mime, "reply-to")!)).toEqual([{ name: "Priya Shah", email: "priya.shah@example.gov.uk" }]);
    expect(decodeWords(header(mime, "subject")!)).toBe("Evidence needed: 1 social value item for Example Borough Council");
    expect(header(mime, "message-id")).toBe(result.messageId);
    const { text, html } = alternatives(mime);
    expect(text.body).toBe("Evidence for SV-7K3Q9M2D is due.");
    expect(html.body).toBe("<p>Evidence for <strong>SV-7K3Q9M2D</strong> is due.</p>");
  });

  test("a storm of 429s then success: every Retry-After is waited out, then the message is sent once", async () => {
    const timer = new VirtualTimer();
    const starts: number[] = [];
    fake.failNext(Array.from({ length: 5 }, () => ({ kind: "throttle" as const, retryAfter: "2" })), sendMailPath);

    const result = expectKind(await mailer({ timer, authProvider: stampingToken(timer, starts) }).send(email()), "sent");

    expect(result).toMatchObject({ attempts: 6, possibleDuplicate: false });
    expect(fake.requests.map((r) => r.outcome)).toEqual([429, 429, 429, 429, 429, 202]);
    expect(starts.slice(1).map((t, i) => t - starts[i]!)).toEqual([2_000, 2_000, 2_000, 2_000, 2_000]);
    expect(fake.sent).toHaveLength(1);
  });

  test("Retry-After: 1 is honoured in real time", async () => {
    fake.failNext({ kind: "throttle", retryAfter: "1" }, sendMailPath);
    const started = Date.now();
    expectKind(await mailer({ timer: realTimer }).send(email()), "sent");
    const [first, second] = fake.requests;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(990);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  test("Retry-After as an HTTP date, and a fractional one, are both honoured", async () => {
    const timer = new VirtualTimer(Date.now());
    const starts: number[] = [];
    fake.failNext([{ kind: "throttle", retryAfter: new Date(timer.now() + 5_000).toUTCString() }, { kind: "throttle", retryAfter: "2.128" }], sendMailPath);
    expectKind(await mailer({ timer, authProvider: stampingToken(timer, starts) }).send(email()), "sent");
    const [a, b, c] = starts;
    expect(b! - a!).toBeGreaterThanOrEqual(4_000);
    expect(b! - a!).toBeLessThanOrEqual(5_000);
    expect(c! - b!).toBe(2_128);
  });

  test("503 and 504 are retried; a 504 marks the message as possibly sent twice", async () => {
    fake.failNext([{ kind: "unavailable" }], sendMailPath);
    expect(expectKind(await mailer().send(email(1)), "sent")).toMatchObject({ attempts: 2, possibleDuplicate: false });
    fake.failNext([{ kind: "gateway-timeout" }], sendMailPath);
    expect(expectKind(await mailer().send(email(2)), "sent")).toMatchObject({ attempts: 2, possibleDuplicate: true });
  });

  test("a dropped connection is retried", async () => {
    fake.failNext({ kind: "drop" }, sendMailPath);
    const result = expectKind(await mailer().send(email()), "sent");
    expect(result).toMatchObject({ attempts: 2, possibleDuplicate: true });
    expect(fake.requests.map((r) => r.outcome)).toEqual(["dropped", 202]);
  });

  test("a slow answer past the request timeout is retried; Graph may have sent it, so it is flagged", async () => {
    fake.failNext({ kind: "slow", delayMs: 1_500 }, sendMailPath);
    const result = expectKind(await mailer({ retry: { attemptTimeoutMs: 300 } }).send(email()), "sent");
    expect(result).toMatchObject({ attempts: 2, possibleDuplicate: true });
    // The slow request went through on the server after the client gave up on it: the real risk a flag is for.
    await until(() => fake.sent.length === 2);
  });

  test("throttled beyond the bound: deferred with when to come back, nothing lost", async () => {
    const timer = new VirtualTimer();
    fake.failAlways({ kind: "throttle", retryAfter: "30" }, sendMailPath);
    const started = Date.now();
    const result = expectKind(await mailer({ timer, retry: { giveUpAfterMs: 120_000 } }).send(email()), "deferred");
    expect(result.attempts).toBe(5);
    expect(result.mayHaveBeenSent).toBe(false);
    expect(result.reason).toMatch(/429 TooManyRequests; gave up after 5 attempts over 120 s/);
    expect(result.retryAfter?.getTime()).toBe(timer.now() + 30_000);
    expect(fake.sent).toHaveLength(0);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  test("without Retry-After the back-off grows exponentially with jitter, within the bound", async () => {
    const timer = new VirtualTimer();
    fake.failAlways({ kind: "unavailable" }, sendMailPath);
    const result = expectKind(await mailer({ timer, retry: { giveUpAfterMs: 20_000, firstDelayMs: 1_000, maxDelayMs: 8_000 } }).send(email()), "deferred");
    // random() = 0.5 gives three quarters of each step: 1 s, 2 s, 4 s, 8 s, 8 s…
    expect(timer.sleeps).toEqual([750, 1_500, 3_000, 6_000, 6_000]);
    expect(result.attempts).toBe(6);
    expect(result.mayHaveBeenSent).toBe(false);
  });

  test("400 ErrorInvalidRecipients fails permanently with Graph's own message", async () => {
    fake.rejectRecipients(["nobody@supplier.example"]);
    const result = expectKind(await mailer().send(email(1, "nobody@supplier.example")), "failed");
    expect(result).toMatchObject({ status: 400, code: "ErrorInvalidRecipients", senderProblem: false, attempts: 1 });
    expect(result.message).toBe(
      'At least one recipient isn\'t valid., Recipient "nobody@supplier.example" isn\'t resolved. All recipients must be resolved before a message can be submitted.',
    );
    expect(result.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  test("403 and 404 on the sender's mailbox fail as sender problems; a 500 is deferred, not failed", async () => {
    fake.failNext({ kind: "error", status: 403, code: "ErrorAccessDenied", message: "Access to OData is disabled: [RAOP] : Blocked by tenant configured AppOnly AccessPolicy settings." }, sendMailPath);
    expect(expectKind(await mailer().send(email(1)), "failed")).toMatchObject({ status: 403, code: "ErrorAccessDenied", senderProblem: true });
    fake.failNext({ kind: "error", status: 404, code: "MailboxNotEnabledForRESTAPI", message: "The mailbox is either inactive, soft-deleted, or is hosted on-premise." }, sendMailPath);
    expect(expectKind(await mailer().send(email(2)), "failed")).toMatchObject({ status: 404, senderProblem: true, message: "The mailbox is either inactive, soft-deleted, or is hosted on-premise." });
    fake.failNext({ kind: "server-error", status: 500, code: "InternalServerError" }, sendMailPath);
    expect(expectKind(await mailer().send(email(3)), "deferred")).toMatchObject({ attempts: 1, mayHaveBeenSent: true });
  });

  test("an address that is not one is refused before calling Graph", async () => {
    const result = expectKind(await mailer().send(email(1, "jo@supplier.example>\r\nBcc: all@example.gov.uk")), "failed");
    expect(result).toMatchObject({ status: null, code: "InvalidAddress", attempts: 0 });
    expect(fake.requests).toHaveLength(0);
  });

  test("no token: deferred with the credential's error, nothing sent", async () => {
    const failing: AuthenticationProvider = {
      getAccessToken: async () => {
        throw Object.assign(new Error("AADSTS7000215: Invalid client secret provided."), { name: "AuthenticationError" });
      },
    };
    const result = expectKind(await mailer({ authProvider: failing }).send(email()), "deferred");
    expect(result.reason).toMatch(/could not call Graph \(AuthenticationError\): AADSTS7000215/);
    expect(fake.requests).toHaveLength(0);
  });
});

describe("pacing", () => {
  test("never more than 4 requests in flight to the mailbox", async () => {
    fake.setLatency(300);
    const m = mailer({ timer: realTimer, pacing: { messagesPerMinute: 0, maxConcurrent: 4 } });
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => m.send(email(i))));
    expect(results.every((r) => r.kind === "sent")).toBe(true);
    expect(fake.maxInFlight()).toBe(4);
    expect(fake.sent).toHaveLength(12);
  });

  test.each([30, 90])("at %i a minute, no 60-second window holds more starts than that", async (perMinute) => {
    const timer = new VirtualTimer();
    const starts: number[] = [];
    const m = mailer({ timer, pacing: { messagesPerMinute: perMinute, maxConcurrent: 4 }, authProvider: stampingToken(timer, starts) });
    const count = perMinute + 10;
    const results = await Promise.all(Array.from({ length: count }, (_, i) => m.send(email(i))));
    expect(results.every((r) => r.kind === "sent")).toBe(true);
    expect(starts).toHaveLength(count);
    const busiest = Math.max(...starts.map((t) => starts.filter((s) => s > t - 60_000 && s <= t).length));
    expect(busiest).toBe(perMinute);
    expect(starts[starts.length - 1]! - starts[0]!).toBeGreaterThanOrEqual(((count - 1) * 60_000) / perMinute - 1);
  });

  test("a Retry-After holds the whole mailbox, not just the throttled message", async () => {
    const starts: number[] = [];
    const sleeps: number[] = [];
    // Real time, but noting sleeps: the first one means the 429 has been read and the hold set.
    const timer: Timer = { now: () => Date.now(), sleep: (ms) => (sleeps.push(ms), realTimer.sleep(ms)) };
    fake.failNext({ kind: "throttle", retryAfter: "1" }, sendMailPath);
    const m = mailer({ timer, pacing: { messagesPerMinute: 0, maxConcurrent: 4 }, authProvider: stampingToken(timer, starts) });
    const first = m.send(email(1));
    // The others start after the first met its 429 and before its retry: slots are free, but the mailbox is held.
    await until(() => sleeps.length === 1);
    const results = await Promise.all([first, m.send(email(2)), m.send(email(3))]);
    expect(results.map((r) => r.kind)).toEqual(["sent", "sent", "sent"]);
    expect(fake.requests[0]!.outcome).toBe(429);
    expect(starts).toHaveLength(4);
    for (const later of starts.slice(1)) expect(later).toBeGreaterThanOrEqual(starts[0]! + 1_000);
  });

  test("while the mailbox is held past the bound, further messages are deferred at once", async () => {
    const timer = new VirtualTimer();
    fake.failNext({ kind: "throttle", retryAfter: "600" }, sendMailPath);
    const m = mailer({ timer, retry: { giveUpAfterMs: 60_000 } });
    expect(expectKind(await m.send(email(1)), "deferred").attempts).toBe(1);
    const next = expectKind(await m.send(email(2)), "deferred");
    expect(next.attempts).toBe(0);
    expect(next.reason).toMatch(/throttled by Exchange until/);
    expect(fake.requests).toHaveLength(1);
  });
});

describe("settings and wiring", () => {
  const base = { MAIL_SENDER: SENDER.email, MAIL_SENDER_NAME: SENDER.name };

  test("createMailer with GRAPH_BASE_URL re-targets the real client and keeps the Authorization header", async () => {
    const settings = loadMailSettings({ ...base, GRAPH_BASE_URL: fake.baseUrl, MAIL_MESSAGES_PER_MINUTE: "0" });
    const m = createMailer(settings, { authProvider: token });
    expect(m.transport).toBe("graph");
    expectKind(await m.send(email()), "sent");
    expect(fake.sent[0]!.authorization).toBe("Bearer test-token");
  });

  test("no credentials locally: the outbox; a client secret: Graph; in Azure: managed identity", () => {
    expect(loadMailSettings({}).graph.credential).toBeNull();
    expect(loadMailSettings({ ...base, GRAPH_TENANT_ID: "t", GRAPH_CLIENT_ID: "c", GRAPH_CLIENT_SECRET: "s" }).graph.credential).toEqual({
      kind: "client-secret",
      tenantId: "t",
      clientId: "c",
      clientSecret: "s",
    });
    expect(loadMailSettings({ ...base, WEBSITE_INSTANCE_ID: "abc" }).graph.credential).toEqual({ kind: "managed-identity" });
    const defaults = loadMailSettings({}, "/srv/app");
    expect(defaults.pacing).toEqual({ messagesPerMinute: 30, maxConcurrent: 4 });
    expect(defaults.outboxDir).toBe("/srv/app/.data/outbox");
    expect(defaults.graph.retry.giveUpAfterMs).toBe(120_000);
  });

  test("bad settings are named, all at once", () => {
    let error: unknown;
    try {
      loadMailSettings({ GRAPH_TENANT_ID: "t", GRAPH_BASE_URL: "http://graph.example.org/v1.0", MAIL_MAX_CONCURRENT: "0", GRAPH_GIVE_UP_AFTER_SECONDS: "soon" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SettingsError);
    const problems = (error as SettingsError).problems.join("\n");
    expect(problems).toMatch(/GRAPH_CLIENT_ID, GRAPH_CLIENT_SECRET are missing/);
    expect(problems).toMatch(/GRAPH_BASE_URL must use https/);
    expect(problems).toMatch(/MAIL_MAX_CONCURRENT must be a whole number, at least 1/);
    expect(problems).toMatch(/GRAPH_GIVE_UP_AFTER_SECONDS must be a whole number of seconds/);
  });

  test("Graph credentials without MAIL_SENDER stop the app", () => {
    expect(() => loadMailSettings({ WEBSITE_INSTANCE_ID: "abc" })).toThrow(/MAIL_SENDER is missing/);
  });
});
