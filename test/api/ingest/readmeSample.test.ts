import { readFileSync } from "node:fs";
import path from "node:path";
import { exampleContract, INGEST_SECRET, invoke, testApp } from "../../support/harness";
import type { TestApp } from "../../support/harness";

jest.setTimeout(30_000);

/**
 * api/README.md's sample Forms submission and its answers ("A sample submission and the answers it
 * gets"): each request block is posted as written, and each answer block must be what came back.
 */

const README = readFileSync(path.join(__dirname, "../../../api/README.md"), "utf8");

interface HttpBlock {
  /** "POST /api/forms/responses" or "HTTP/1.1 201 Created". */
  startLine: string;
  headers: Record<string, string>;
  body: unknown;
}

/** The ```http block after `<!-- sample:name -->`. */
function sample(name: string): HttpBlock {
  const match = new RegExp(`<!-- sample:${name} -->\\n\`\`\`http\\n([\\s\\S]*?)\\n\`\`\``).exec(README);
  if (!match?.[1]) throw new Error(`api/README.md has no "sample:${name}" block`);
  const [head, ...rest] = match[1].split("\n\n");
  const [startLine, ...headerLines] = (head ?? "").split("\n");
  const headers = Object.fromEntries(
    headerLines.map((line) => {
      const colon = line.indexOf(":");
      return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
    }),
  );
  return { startLine: startLine ?? "", headers, body: JSON.parse(rest.join("\n\n")) as unknown };
}

let app: TestApp;

beforeAll(async () => {
  app = await testApp();
  const officer = { authorization: `Bearer ${await app.token()}` };
  expect((await invoke(app.deps, "contractsCreate", { body: exampleContract(), headers: officer })).status).toBe(201);
});

async function post(request: HttpBlock) {
  expect(request.startLine).toBe("POST /api/forms/responses");
  const headers = { ...request.headers, "x-ingest-secret": INGEST_SECRET };
  return invoke(app.deps, "formsResponses", { body: request.body, headers });
}

function expectAnswer(answer: Awaited<ReturnType<typeof post>>, expected: HttpBlock) {
  const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(expected.startLine)?.[1]);
  expect({ status: answer.status, body: answer.body }).toEqual({ status, body: expected.body });
  for (const [name, value] of Object.entries(expected.headers)) expect(answer.headers.get(name)).toBe(value);
}

describe("api/README.md's sample Forms submission", () => {
  it("is answered 201 with the contribution the README shows", async () => {
    expectAnswer(await post(sample("request")), sample("created"));
  });

  it("is answered 200 duplicate when it comes again", async () => {
    expectAnswer(await post(sample("request")), sample("duplicate"));
  });

  it("with mistakes, is answered 400 with every problem the README lists, and quarantined", async () => {
    const answer = await post(sample("refused-request"));
    expectAnswer(answer, sample("refused"));
    expect(answer.headers.get("x-quarantine-id")).toMatch(/\S/);
  });
});
