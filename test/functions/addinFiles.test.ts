import { readDist } from "./dist";

/* What Excel reads before any script runs: the manifest and the shared-runtime page. */

const OFFICE_JS = "https://appsforoffice.microsoft.com/lib/1/hosted/office.js";

describe("dist/manifest.xml", () => {
  let manifest: string;
  beforeAll(() => {
    manifest = readDist("manifest.xml");
  });

  const url = (id: string) => new RegExp(`<bt:Url id="${id.replace(".", "\\.")}" DefaultValue="([^"]+)"`).exec(manifest)?.[1];

  test("asks for the shared runtime, kept alive while the task pane is closed", () => {
    expect(manifest).toContain('<Set Name="SharedRuntime" MinVersion="1.1"/>');
    expect(manifest).toMatch(/<Runtimes>\s*(<!--.*-->\s*)?<Runtime resid="Taskpane\.Url" lifetime="long"\/>\s*<\/Runtimes>/);
  });

  test("declares the TOMS functions on the same page as the task pane", () => {
    const extension = /<ExtensionPoint xsi:type="CustomFunctions">([\s\S]*?)<\/ExtensionPoint>/.exec(manifest)?.[1] ?? "";
    expect(extension).toMatch(/<Script>\s*<SourceLocation resid="Functions\.Script\.Url"\/>/);
    expect(extension).toMatch(/<Page>\s*<SourceLocation resid="Taskpane\.Url"\/>/);
    expect(extension).toMatch(/<Metadata>\s*<SourceLocation resid="Functions\.Metadata\.Url"\/>/);
    expect(manifest).toContain('<bt:String id="Functions.Namespace" DefaultValue="TOMS"/>');
    expect(url("Taskpane.Url")).toMatch(/^https:\/\/.+\/taskpane\.html$/);
    expect(url("Functions.Script.Url")).toMatch(/^https:\/\/.+\/functions\.js$/);
    expect(url("Functions.Metadata.Url")).toMatch(/^https:\/\/.+\/functions\.json$/);
  });

  test("opens the task pane from a ribbon button, and may write document settings", () => {
    expect(manifest).toMatch(/<Action xsi:type="ShowTaskpane">[\s\S]*?<SourceLocation resid="Taskpane\.Url"\/>/);
    expect(manifest).toContain("<Permissions>ReadWriteDocument</Permissions>");
  });

  test("every address is https, on one base URL, with no doubled slashes", () => {
    const addresses = [...manifest.matchAll(/DefaultValue="(https?:[^"]+)"/g)].map((m) => m[1] ?? "");
    expect(addresses.length).toBeGreaterThan(5);
    const bases = new Set(addresses.map((a) => a.replace(/\/(assets\/)?[^/]+$/, "")));
    expect(bases.size).toBe(1);
    for (const a of addresses) expect(a).toMatch(/^https:\/\/[^/]+(\/[^/]+)*$/);
  });
});

describe("dist/taskpane.html", () => {
  test("loads Office.js from Microsoft's CDN, then the functions, then the task pane", () => {
    const html = readDist("taskpane.html");
    const scripts = [...html.matchAll(/<script\b[^>]*\bsrc=["']?([^"' >]+)/g)].map((m) => m[1]);
    expect(scripts).toEqual([OFFICE_JS, "functions.js", "taskpane.js"]);
  });

  test("is built with the icons the manifest names", () => {
    for (const size of [16, 32, 64, 80]) expect(() => readDist(`assets/icon-${size}.png`)).not.toThrow();
  });
});

describe("ADDIN_BASE_URL", () => {
  const { addinBaseUrl } = jest.requireActual<{ addinBaseUrl: (value: string | undefined) => string }>("../../webpack.config.js");

  test("defaults to the development address", () => {
    expect(addinBaseUrl(undefined)).toBe("https://localhost:3000");
    expect(addinBaseUrl("  ")).toBe("https://localhost:3000");
  });

  test("is used without trailing or doubled slashes, with or without a path", () => {
    expect(addinBaseUrl("https://addin.example.gov.uk/")).toBe("https://addin.example.gov.uk");
    expect(addinBaseUrl(" https://cdn.example.gov.uk//svl/addin// ")).toBe("https://cdn.example.gov.uk/svl/addin");
  });

  test("must be a plain https address", () => {
    expect(() => addinBaseUrl("http://addin.example.gov.uk")).toThrow(/must start with https:\/\//);
    expect(() => addinBaseUrl("addin.example.gov.uk")).toThrow(/is not a URL/);
    expect(() => addinBaseUrl("https://addin.example.gov.uk/?v=2")).toThrow(/without a query/);
  });
});
