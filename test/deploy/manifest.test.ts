import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { checkManifest, pngSize } from "../../scripts/manifest/rules";

/*
 * The production add-in: the manifest `ADDIN_BASE_URL=… npm run build` writes, the task pane's
 * settings fixed by the build, and the offline manifest checks `npm run validate` falls back on.
 */

const ROOT = path.resolve(__dirname, "../..");
const BASE = "https://addin.anytown.gov.uk/svl";

const { manifestFor } = jest.requireActual<{ manifestFor(content: string, baseUrl: string): string }>("../../webpack.config.js");

/**
 * The build's task pane settings, from webpack.config.js in a plain Node process: it compiles the
 * task pane's rules (taskpane/config.ts) with tsx, which does not work inside jest's module system.
 */
function taskPaneDefinitions(env: Record<string, string>): Record<string, string> {
  const script = 'process.stdout.write(JSON.stringify(require("./webpack.config.js").taskPaneDefinitions(JSON.parse(process.argv[1]))))';
  const run = spawnSync(process.execPath, ["-e", script, JSON.stringify(env)], { cwd: ROOT, encoding: "utf8" });
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as Record<string, string>;
}

const source = readFileSync(path.join(ROOT, "manifest.xml"), "utf8");
const production = manifestFor(source, BASE);

/** What the build puts in dist/, as far as the manifest points at it. */
const builtFiles: Record<string, Buffer> = {
  "taskpane.html": Buffer.from("<!doctype html>"),
  "functions.js": Buffer.from(""),
  "functions.json": Buffer.from("{}"),
  "support.html": readFileSync(path.join(ROOT, "assets", "support.html")),
  ...Object.fromEntries([16, 32, 64, 80].map((size) => [`assets/icon-${size}.png`, readFileSync(path.join(ROOT, "assets", `icon-${size}.png`))])),
};
const readBuilt = (files: Record<string, Buffer>) => (relative: string) => files[relative];

describe("the production manifest (ADDIN_BASE_URL)", () => {
  test("every address is on the given base URL, none on localhost", () => {
    expect(production).not.toMatch(/https?:\/\/localhost/);
    const addresses = [...production.matchAll(/DefaultValue="(https?:[^"]+)"/g)].map((m) => m[1]);
    expect(addresses.length).toBeGreaterThan(5);
    for (const address of addresses) expect(address?.startsWith(`${BASE}/`)).toBe(true);
  });

  test("passes the offline checks, with every file it names built", () => {
    const result = checkManifest(production, { readFile: readBuilt(builtFiles) });
    expect(result.problems).toEqual([]);
    expect(result.checked.join("\n")).toMatch(/files below https:\/\/addin\.anytown\.gov\.uk\/svl\/ exist/);
  });

  test("the support page is a real page, not the task pane", () => {
    expect(production).toContain(`<SupportUrl DefaultValue="${BASE}/support.html"/>`);
    expect(production).toContain(`<bt:Url id="GetStarted.LearnMoreUrl" DefaultValue="${BASE}/support.html"/>`);
    const page = builtFiles["support.html"]?.toString() ?? "";
    expect(page).toMatch(/<h2>Getting help<\/h2>/);
    expect(page).toMatch(/<h2>Privacy<\/h2>/);
  });

  test("the source manifest (development addresses) passes too", () => {
    expect(checkManifest(source).problems).toEqual([]);
  });
});

describe("the task pane's settings, fixed at build time", () => {
  test("unset means local mode: every name defined as undefined, so the bundle never reads `process`", () => {
    expect(taskPaneDefinitions({})).toEqual({
      "process.env.SVL_API_BASE_URL": "undefined",
      "process.env.SVL_AUTH_MODE": "undefined",
      "process.env.SVL_CLIENT_ID": "undefined",
      "process.env.SVL_API_SCOPE": "undefined",
      "process.env.SVL_TENANT_ID": "undefined",
      "process.env.SVL_TIME_ZONE": "undefined",
    });
  });

  test("an Entra build carries its values into the bundle", () => {
    const definitions = taskPaneDefinitions({
      SVL_API_BASE_URL: " https://func-svl.azurewebsites.net/api ",
      SVL_AUTH_MODE: "entra",
      SVL_CLIENT_ID: "11111111-2222-4333-8444-555555555555",
      SVL_API_SCOPE: "api://66666666-7777-4888-9999-000000000000/access_as_user",
      OTHER: "not for the bundle",
    });
    expect(definitions).toEqual({
      "process.env.SVL_API_BASE_URL": '"https://func-svl.azurewebsites.net/api"',
      "process.env.SVL_AUTH_MODE": '"entra"',
      "process.env.SVL_CLIENT_ID": '"11111111-2222-4333-8444-555555555555"',
      "process.env.SVL_API_SCOPE": '"api://66666666-7777-4888-9999-000000000000/access_as_user"',
      "process.env.SVL_TENANT_ID": "undefined",
      "process.env.SVL_TIME_ZONE": "undefined",
    });
  });

  test("an Entra build without the client id and scope fails, naming both", () => {
    expect(() => taskPaneDefinitions({ SVL_AUTH_MODE: "entra" })).toThrow(/SVL_CLIENT_ID .*SVL_API_SCOPE/);
    expect(() => taskPaneDefinitions({ SVL_AUTH_MODE: "entra", SVL_CLIENT_ID: "x" })).toThrow(/SVL_API_SCOPE/);
    expect(() => taskPaneDefinitions({ SVL_AUTH_MODE: "Entra ID" })).toThrow(/must be "local" or "entra"/);
  });
});

describe("the offline manifest checks find what is wrong", () => {
  /** The production manifest with one text replaced; the replacement must happen. */
  const broken = (from: string | RegExp, to: string) => {
    const changed = production.replace(from, to);
    if (changed === production) throw new Error(`${String(from)} is not in the manifest`);
    return changed;
  };
  const problemsOf = (xml: string, files = builtFiles) => checkManifest(xml, { readFile: readBuilt(files) }).problems.join("\n");

  test.each([
    ["an unclosed element", broken("<Permissions>ReadWriteDocument</Permissions>", "<Permissions>ReadWriteDocument"), /not well-formed XML: line \d+, column \d+/],
    ["a bare ampersand", broken("Social Value Ledger</ProviderName>", "Social Value & Co</ProviderName>"), /not well-formed XML: line \d+, column \d+: unclosed tag: ProviderName/],
    ["an undeclared prefix", broken("<bt:Images>", "<zz:Images>"), /not well-formed XML: line \d+, column \d+: unbound namespace prefix: "zz"/],
    ["a DOCTYPE", broken(/^(<\?xml[^>]*\?>)/, '$1<!DOCTYPE OfficeApp [<!ENTITY name "Social Value Ledger">]>'), /DOCTYPE and other declarations are not allowed in a manifest/],
    ["an attribute given twice", broken('<Runtime resid="Taskpane.Url" lifetime="long"/>', '<Runtime resid="Taskpane.Url" lifetime="long" lifetime="short"/>'), /not well-formed XML: .*duplicate attribute: lifetime/],
    ["elements out of order", broken(/(<Version>[^<]*<\/Version>)\s*(<ProviderName>[^<]*<\/ProviderName>)/, "$2$1"), /<Version> is out of order inside <OfficeApp>/],
    ["no SupportUrl", broken(/<SupportUrl [^>]*\/>/, ""), /<OfficeApp> lacks <SupportUrl>/],
    ["SupportUrl on the task pane page", broken(`<SupportUrl DefaultValue="${BASE}/support.html"/>`, `<SupportUrl DefaultValue="${BASE}/taskpane.html"/>`), /<SupportUrl> is the task pane page/],
    ["LearnMoreUrl on the task pane page", broken(`id="GetStarted.LearnMoreUrl" DefaultValue="${BASE}/support.html"`, `id="GetStarted.LearnMoreUrl" DefaultValue="${BASE}/taskpane.html"`), /<LearnMoreUrl> is the task pane page/],
    ["an http address", broken(`<IconUrl DefaultValue="${BASE}/`, `<IconUrl DefaultValue="http://addin.anytown.gov.uk/svl/`), /<IconUrl> DefaultValue "http:\/\/.*" must use https/],
    ["an Id that is not a GUID", broken(/<Id>[^<]+<\/Id>/, "<Id>social-value-ledger</Id>"), /<Id> "social-value-ledger" is not a GUID/],
    ["a five-part Version", broken(/<Version>[^<]+<\/Version>/, "<Version>1.0.0.0.1</Version>"), /<Version> "1\.0\.0\.0\.1" must be one to four numbers/],
    ["a ShortString over 125 characters", broken('DefaultValue="Social Value Ledger is ready"', `DefaultValue="${"x".repeat(126)}"`), /126 characters; at most 125/],
    ["a LongString over 250 characters", broken(/(<bt:String id="OpenTaskpane\.Tooltip" DefaultValue=")[^"]*"/, `$1${"y".repeat(251)}"`), /251 characters; at most 250/],
    ["a DisplayName over 125 characters", broken('<DisplayName DefaultValue="Social Value Ledger"/>', `<DisplayName DefaultValue="${"z".repeat(130)}"/>`), /<DisplayName> DefaultValue is 130 characters/],
    ["a duplicated resource id", broken('<bt:String id="Group.Label"', '<bt:String id="GetStarted.Title"'), /resource id "GetStarted\.Title" is defined twice in ShortStrings/],
    ["a resid that is not defined", broken('<Label resid="Group.Label"/>', '<Label resid="Group.Caption"/>'), /resid "Group\.Caption" of <Label> is not defined in <bt:ShortStrings>/],
    ["a resid of the wrong kind", broken('<Title resid="GetStarted.Title"/>', '<Title resid="Taskpane.Url"/>'), /resid "Taskpane\.Url" of <Title> is not defined in <bt:ShortStrings>/],
    ["a resource id over 32 characters", broken(/Functions\.Metadata\.Url/g, "Functions.Metadata.Url.For.The.TOMS.Namespace"), /at most 32/],
    ["no 80px icon", broken(/\s*<bt:Image size="80" resid="Icon\.80x80"\/>/, ""), /<Icon> lacks the 80×80 image/],
    ["no shared runtime requirement", broken(/<Set Name="SharedRuntime"[^>]*\/>/, '<Set Name="CustomFunctionsRuntime" MinVersion="1.1"/>'), /lacks <Set Name="SharedRuntime">/],
    ["a short-lived runtime", broken('<Runtime resid="Taskpane.Url" lifetime="long"/>', '<Runtime resid="Taskpane.Url" lifetime="short"/>'), /lifetime="long"/],
    ["the task pane on another page", broken(/(<TaskpaneId>[^<]*<\/TaskpaneId>\s*<SourceLocation resid=")Taskpane\.Url"/, '$1Functions.Script.Url"'), /ShowTaskpane.*must use the runtime's resid "Taskpane\.Url"/],
    ["a duplicated control id", broken('<Group id="SocialValueLedger.Group">', '<Group id="SocialValueLedger.OpenTaskpane">'), /id "SocialValueLedger\.OpenTaskpane" is also used/],
  ])("%s", (_name, xml, expected) => {
    expect(problemsOf(xml)).toMatch(expected);
  });

  test("a file the manifest names that the build did not make", () => {
    const { "support.html": _support, ...withoutSupport } = builtFiles;
    expect(problemsOf(production, withoutSupport)).toMatch(/\/support\.html is not among the built files/);
  });

  test("an icon file of the wrong size", () => {
    const files = { ...builtFiles, "assets/icon-16.png": builtFiles["assets/icon-32.png"] as Buffer };
    expect(problemsOf(production, files)).toMatch(/icon-16\.png is 32×32; it must be 16×16/);
    expect(pngSize(builtFiles["assets/icon-80.png"] as Buffer)).toEqual({ width: 80, height: 80 });
  });

  test("a manifest with no problems reports what it checked", () => {
    const { checked } = checkManifest(production, { readFile: readBuilt(builtFiles) });
    expect(checked).toEqual(
      expect.arrayContaining([
        "well-formed XML",
        "OfficeApp elements present and in schema order",
        expect.stringMatching(/ShortString ≤ 125/),
        expect.stringMatching(/every resid defined/),
        expect.stringMatching(/icon sizes/),
      ]),
    );
  });
});

test("npm run validate says what to do when there is no built manifest", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "svl-validate-"));
  const run = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts", "validate-manifest.ts"), path.join(dir, "manifest.xml")], { cwd: ROOT, encoding: "utf8" });
  rmSync(dir, { recursive: true, force: true });
  expect(run.status).toBe(1);
  expect(run.stderr).toMatch(/does not exist: run `npm run build` first/);
});
