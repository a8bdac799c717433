import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { InvocationContext } from "@azure/functions";
import type { Timer, TimerHandler } from "@azure/functions";
import { addDays, todayIn, weekdayOf } from "../../../shared";
import { systemClock } from "../../../api/src/lib/clock";
import { connectGraph } from "../../../api/src/graph/connect";
import type { GraphCaller } from "../../../api/src/graph/graphCall";
import { loadGraphSettings } from "../../../api/src/settings/graph";
import { startLocalTimers } from "../../../api/src/dev/localTimers";
import { CronSyntaxError, nextOccurrence, parseNcrontab } from "../../../api/src/lib/ncrontab";
import { sourceKey } from "../../../api/src/ingest/formsPull";
import { SettingsError } from "../../../api/src/settings/errors";
import { startFakeGraph } from "../../support/fakeGraph";
import { fakeFunctionsCore, loadFunctionsApp } from "../../support/functionsCore";
import type { Registered } from "../../support/functionsCore";
import { INGEST_SECRET, testApp, testStorage } from "../../support/harness";
import { addContract, addContribution } from "../chase/support";

jest.setTimeout(30_000);

const registry: Record<string, Registered<TimerHandler>> = {};
jest.mock("@azure/functions-core", () => fakeFunctionsCore(registry), { virtual: true });

/** The Functions app with its timers, loaded with `env` as its settings (the schedule settings unset unless `env` names them). */
const loadTimers = (env: Record<string, string>) => loadFunctionsApp(env, ["CHASE_SCHEDULE", "FORMS_PULL_SCHEDULE", "FORMS_PULL_SOURCES"]);

const devEnv = () => ({ AUTH_MODE: "dev", AUTH_DEV_DIR: mkdtempSync(path.join(os.tmpdir(), "svl-timers-")), STORAGE_CONNECTION_STRING: testStorage(), INGEST_SECRET });
const schedule = (name: string) => Object.values(registry[name]?.meta.bindings ?? {}).find((b) => b.type === "timerTrigger")?.schedule;

describe("the timer functions (v4 model)", () => {
  it("register with the default schedules when the settings are absent", () => {
    loadTimers({ ...devEnv(), TABLE_PREFIX: "ttimer1" })();
    expect(schedule("chaseTimer")).toBe("0 0 7 * * 1-5");
    expect(schedule("rejectionNoticeTimer")).toBe("0 */5 * * * *");
    expect(schedule("formsPullTimer")).toBe("0 */15 * * * *");
  });

  it("register with CHASE_SCHEDULE and FORMS_PULL_SCHEDULE when they are set", () => {
    loadTimers({ ...devEnv(), TABLE_PREFIX: "ttimer2", CHASE_SCHEDULE: "0 30 6 * * MON-FRI", FORMS_PULL_SCHEDULE: "0 0 * * * *" })();
    expect(schedule("chaseTimer")).toBe("0 30 6 * * MON-FRI");
    expect(schedule("formsPullTimer")).toBe("0 0 * * * *");
  });

  it("refuse to load with a schedule that is not NCRONTAB, naming the setting", () => {
    // The app loads its own copy of the settings module, so the error is recognised by name.
    expect(() => loadTimers({ ...devEnv(), TABLE_PREFIX: "ttimer3", CHASE_SCHEDULE: "0 7 * * 1-5" })()).toThrow(
      expect.objectContaining({ name: new SettingsError([]).name, message: expect.stringMatching(/CHASE_SCHEDULE: "0 7 \* \* 1-5" is not an NCRONTAB schedule .* it has 5 fields, not 6/) }),
    );
  });

  it("the chase timer's handler runs the chase; without Graph credentials the mail goes to the outbox as .eml files", async () => {
    const outbox = mkdtempSync(path.join(os.tmpdir(), "svl-outbox-"));
    // The timer runs on the real clock: evidence due yesterday, and no digest today.
    const today = todayIn("Europe/London", new Date());
    const env = {
      ...devEnv(),
      TABLE_PREFIX: `ttimer${Date.now() % 100000}`,
      MAIL_OUTBOX_DIR: outbox,
      ORGANISATION_NAME: "Example County Council",
      CHASE_DIGEST_WEEKDAY: weekdayOf(today) === "sunday" ? "monday" : "sunday",
    };
    const seedApp = await testApp({ env });
    await seedApp.deps.ready();
    const contract = await addContract(seedApp);
    await addContribution(seedApp, contract, { responder: "jo@acme.example", periodEnd: addDays(today, -31) });
    const restore = loadTimers(env);
    try {
      await registry.chaseTimer?.handler({ isPastDue: false } as Timer, new InvocationContext({ functionName: "chaseTimer", logHandler: () => undefined }));
    } finally {
      restore();
    }
    const files = readdirSync(outbox).filter((f) => f.endsWith(".eml"));
    expect(files).toHaveLength(1);
    const eml = readFileSync(path.join(outbox, files[0] as string), "utf8");
    expect(eml).toContain("To: Acme Build Ltd <jo@acme.example>");
    expect(eml).toContain("Subject: Evidence needed: 1 social value item for Example County Council");
  });
});

describe("NCRONTAB schedules", () => {
  const next = (text: string, after: string) => nextOccurrence(parseNcrontab(text), new Date(after)).toISOString();

  it("finds the next time a six-field schedule fires, in UTC", () => {
    expect(next("0 0 7 * * 1-5", "2026-11-27T08:00:00Z")).toBe("2026-11-30T07:00:00.000Z"); // Friday after 7 → Monday
    expect(next("0 0 7 * * 1-5", "2026-11-26T06:59:59Z")).toBe("2026-11-26T07:00:00.000Z");
    expect(next("0 0 7 * * 1-5", "2026-11-26T07:00:00Z")).toBe("2026-11-27T07:00:00.000Z"); // strictly after
    expect(next("0 */15 * * * *", "2026-11-26T10:07:30Z")).toBe("2026-11-26T10:15:00.000Z");
    expect(next("30 5/20 9-17 * * *", "2026-11-26T09:45:31Z")).toBe("2026-11-26T10:05:30.000Z");
    expect(next("0 0 9 1 JAN,jul *", "2026-11-26T00:00:00Z")).toBe("2027-01-01T09:00:00.000Z");
    expect(next("0 0 12 * * SUN", "2026-11-26T00:00:00Z")).toBe("2026-11-29T12:00:00.000Z");
    expect(next("0 0 12 * * 7", "2026-11-26T00:00:00Z")).toBe("2026-11-29T12:00:00.000Z");
    expect(next("0 0 0 29 2 *", "2026-03-01T00:00:00Z")).toBe("2028-02-29T00:00:00.000Z");
    // Day of the month AND day of the week, as NCrontab reads them (Unix cron would take either).
    expect(next("0 0 9 13 * FRI", "2026-01-01T00:00:00Z")).toBe("2026-02-13T09:00:00.000Z");
    expect(next("0 0 7 * * 1-5", "2026-11-26T07:00:00.500Z")).toBe("2026-11-27T07:00:00.000Z");
  });

  it("refuses what is not a schedule, saying why", () => {
    for (const [text, why] of [
      ["0 0 7 * *", "it has 5 fields, not 6"],
      ["0 60 7 * * *", "Invalid value for minute: 60"],
      ["0 0 7 * * 1-8", "Invalid value for dayOfWeek: 8"],
      ["0 0 7-5 * * *", "From value is larger than to value: '7-5'"],
      ["0 0 7 * * MO", "(MO) contains illegal characters"],
      ["0 0 7 31 2 *", "it never fires"],
    ]) {
      expect(() => parseNcrontab(text as string)).toThrow(CronSyntaxError);
      expect(() => parseNcrontab(text as string)).toThrow(why as string);
    }
  });
});

describe("the local host's timers", () => {
  it("run on their schedule with the same code as in Azure, and stop with the server", async () => {
    const fake = await startFakeGraph();
    const server = http.createServer();
    try {
      const source = {
        formId: "form-local",
        driveId: "b!local",
        itemId: "01LOCAL",
        columns: { ID: "responseId", "Completion time": "submittedAt", Email: "responder", "Contract reference": "contractRef" },
      };
      fake.addWorkbook("/drives/b!local/items/01LOCAL", [{ id: "{T}", name: "Table1", worksheet: "Sheet1", headers: ["ID", "Completion time", "Email", "Contract reference"], rows: [[1, 46351.5, "jo@acme.example", "C-404"]] }]);
      const graph = connectGraph(loadGraphSettings({ GRAPH_BASE_URL: fake.baseUrl }), { authProvider: { getAccessToken: async () => "t" } }) as GraphCaller;
      const app = await testApp({ env: { FORMS_PULL_SCHEDULE: "* * * * * *", FORMS_PULL_SOURCES: JSON.stringify([source]) }, overrides: { graph, clock: systemClock } });
      await app.deps.ready();
      startLocalTimers(app.deps, server, { quiet: true, env: {} });
      const key = sourceKey(app.deps.settings.formsPull.sources[0]!);
      const deadline = Date.now() + 5_000;
      while (!(await app.deps.store.formsPull.getWatermark(key))) {
        if (Date.now() > deadline) throw new Error("the pull timer did not run within 5 s");
        await new Promise((r) => setTimeout(r, 100));
      }
      // The row lacks the figures: quarantined with its reasons, never lost.
      const [kept] = (await app.deps.store.listQuarantine({ pageSize: 5 })).items;
      expect(kept).toMatchObject({ formId: "form-local", responseId: "1" });
      expect(kept?.reasons.map((r) => r.path.join("."))).toContain("answers.supplier");
      server.emit("close");
      await new Promise((r) => setTimeout(r, 300)); // a pull already under way finishes
      const after = fake.requests.length;
      await new Promise((r) => setTimeout(r, 1_500));
      expect(fake.requests.length).toBe(after);
    } finally {
      await fake.close();
    }
  });

  it("are left out with LOCAL_TIMERS=off", async () => {
    const app = await testApp({ env: { FORMS_PULL_SCHEDULE: "* * * * * *" }, overrides: { clock: systemClock } });
    const server = http.createServer();
    const listeners = server.listenerCount("close");
    startLocalTimers(app.deps, server, { quiet: true, env: { LOCAL_TIMERS: "off" } });
    expect(server.listenerCount("close")).toBe(listeners);
  });
});
