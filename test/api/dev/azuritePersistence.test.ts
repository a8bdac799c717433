import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort, startAzurite } from "../../../scripts/azurite";
import type { RunningAzurite } from "../../../scripts/azurite";
import { INGEST_SECRET, invoke, submission, testApp } from "../../support/harness";
import type { TestApp } from "../../support/harness";
import { addContract } from "../chase/support";

jest.setTimeout(90_000);

/**
 * What `npm start`'s Azurite keeps when it dies. Its Table service holds everything in a LokiJS
 * store in memory and writes the whole store to disk every 5 s when something changed (autosave),
 * and on SIGINT. So a stop with SIGINT (what `npm start` now sends) keeps every acknowledged write;
 * a SIGKILL loses what was acknowledged in the last 5 s. Then the flow's retry (or resubmitting the
 * run in Power Automate, or the Forms pull) makes the same contribution, with the same reference,
 * once: ingestion is idempotent on formId + responseId.
 */

const AUTOSAVE_MS = 5000;

let location: string;
let port: number;
let azurite: RunningAzurite;
let app: TestApp;

beforeEach(async () => {
  location = mkdtempSync(path.join(os.tmpdir(), "svl-azurite-"));
  port = await freePort();
  azurite = await startAzurite({ port, location });
  app = await testApp({ storage: azurite.connectionString });
  await app.deps.ready();
  await addContract(app);
  // Tables and the contract on disk before each case: a stop with SIGINT saves the store.
  await azurite.stop();
  azurite = await startAzurite({ port, location });
});

afterEach(async () => {
  await azurite.stop();
});

const post = (body: Record<string, unknown>) => invoke(app.deps, "formsResponses", { headers: { "x-ingest-secret": INGEST_SECRET }, body });

async function contributionsOf(): Promise<string[]> {
  return (await app.deps.store.listContributions({ contractId: "C-1001" }, { pageSize: 100 })).items.map((c) => c.id);
}

function kill(): Promise<void> {
  return new Promise((resolve) => {
    azurite.child.once("exit", () => resolve());
    azurite.child.kill("SIGKILL");
  });
}

it("a stop with SIGINT straight after a 201 keeps the write", async () => {
  const created = await post(submission());
  expect(created.status).toBe(201);
  await azurite.stop();
  azurite = await startAzurite({ port, location });
  expect(await contributionsOf()).toEqual([created.body.id]);
});

it("SIGKILL straight after a 201 may lose the write; the flow's retry makes the same contribution once", async () => {
  const body = submission();
  const created = await post(body);
  expect(created.status).toBe(201);
  await kill();
  azurite = await startAzurite({ port, location });
  const survived = await contributionsOf();
  // Lost unless an autosave happened to fall between the write and the kill.
  expect([[], [created.body.id]]).toContainEqual(survived);

  const retried = await post(body);
  expect(retried.status).toBe(survived.length === 0 ? 201 : 200);
  expect(retried.body.id).toBe(created.body.id);
  expect(await contributionsOf()).toEqual([created.body.id]);
});

it("a write older than the autosave interval survives SIGKILL", async () => {
  const created = await post(submission());
  expect(created.status).toBe(201);
  await new Promise((r) => setTimeout(r, AUTOSAVE_MS + 2000));
  await kill();
  azurite = await startAzurite({ port, location });
  expect(await contributionsOf()).toEqual([created.body.id]);
});
