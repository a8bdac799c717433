import { OfficeMockObject } from "office-addin-mock";
import { PINNED_PACK_CHANGED_EVENT, PINNED_PACK_SETTING } from "../../shared";
import { followPinnedPackSetting, OFFICE_JS_MISSING, OfficeUnavailableError, PinnedPackListener } from "../../functions/workbook";

/** Office.js as office-addin-mock fakes it: onReady and the document's settings. */
function installOffice(options: { settings: Record<string, unknown>; onReady?: () => Promise<unknown>; brokenSettings?: Error }) {
  const asked: string[] = [];
  const office = new OfficeMockObject({
    onReady: options.onReady ?? (async () => ({ host: "Excel" })),
    context: {
      document: {
        settings: {
          get: (name: string) => {
            asked.push(name);
            if (options.brokenSettings) throw options.brokenSettings;
            return options.settings[name] ?? null;
          },
        },
      },
    },
  });
  const window = new EventTarget();
  Object.assign(globalThis, { Office: office, window });
  return { asked, window };
}

function recordingListener() {
  const loads: unknown[] = [];
  const failures: unknown[] = [];
  const listener: PinnedPackListener = { load: (s) => loads.push(s), loadFailed: (e) => failures.push(e) };
  return { listener, loads, failures };
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

test("reads the pinned-pack setting once Office is ready", async () => {
  const settings: Record<string, unknown> = { [PINNED_PACK_SETTING]: '{"id":"x"}' };
  const { asked } = installOffice({ settings });
  const { listener, loads, failures } = recordingListener();
  followPinnedPackSetting(listener);
  expect(loads).toEqual([]);
  await settled();
  expect(asked).toEqual([PINNED_PACK_SETTING]);
  expect(loads).toEqual(['{"id":"x"}']);
  expect(failures).toEqual([]);
});

test("reads it again, at once, whenever the task pane announces a new pin", async () => {
  const settings: Record<string, unknown> = {};
  const { window } = installOffice({ settings });
  const { listener, loads } = recordingListener();
  followPinnedPackSetting(listener);
  await settled();
  settings[PINNED_PACK_SETTING] = "new";
  window.dispatchEvent(new Event(PINNED_PACK_CHANGED_EVENT));
  expect(loads).toEqual([null, "new"]);
});

test("reports a host that fails to start", async () => {
  installOffice({ settings: {}, onReady: () => Promise.reject(new Error("no host")) });
  const { listener, loads, failures } = recordingListener();
  followPinnedPackSetting(listener);
  await settled();
  expect(loads).toEqual([]);
  expect(failures).toEqual([new Error("no host")]);
});

test("reports settings that cannot be read", async () => {
  installOffice({ settings: {}, brokenSettings: new Error("settings unavailable") });
  const { listener, failures } = recordingListener();
  followPinnedPackSetting(listener);
  await settled();
  expect(failures).toEqual([new Error("settings unavailable")]);
});

test("without Office.js, says at once that the setting cannot be read, and why", () => {
  const saved = (globalThis as { Office?: unknown }).Office;
  delete (globalThis as { Office?: unknown }).Office;
  try {
    const { listener, loads, failures } = recordingListener();
    followPinnedPackSetting(listener);
    expect(loads).toEqual([]);
    expect(failures).toEqual([new OfficeUnavailableError(OFFICE_JS_MISSING)]);
  } finally {
    (globalThis as { Office?: unknown }).Office = saved;
  }
});
