import { attribute, parseXml, walk, XmlError } from "./document";
import type { XmlElement } from "./document";

/*
 * Offline checks of an add-in-only Excel manifest with a shared runtime, for when Microsoft's
 * validation service (office-addin-manifest validate) cannot be reached. They follow the manifest
 * schemas (OfficeAppManifest v1.1, TaskPaneAppVersionOverrides v1.0, OfficeAppBasicTypes v1.0 in
 * [MS-OWEMXML]) and Microsoft's "How to find the proper order of manifest elements", for the
 * elements this add-in uses. They are not the full schema: an element the rules do not know is
 * reported, rather than passed unexamined.
 */

const NS = {
  app: "http://schemas.microsoft.com/office/appforoffice/1.1",
  overrides: "http://schemas.microsoft.com/office/taskpaneappversionoverrides",
  basic: "http://schemas.microsoft.com/office/officeappbasictypes/1.0",
  xsi: "http://www.w3.org/2001/XMLSchema-instance",
};

/** <OfficeApp xsi:type="TaskPaneApp"> children, in schema order. */
const OFFICE_APP_ORDER = [
  "Id",
  "AlternateId",
  "Version",
  "ProviderName",
  "DefaultLocale",
  "DisplayName",
  "Description",
  "IconUrl",
  "HighResolutionIconUrl",
  "SupportUrl",
  "AppDomains",
  "Hosts",
  "Requirements",
  "DefaultSettings",
  "Permissions",
  "Dictionary",
  "VersionOverrides",
  "ExtendedOverrides",
];
/** Required by the schema, plus what a centrally deployed add-in needs (icons, a support page, commands). */
const OFFICE_APP_REQUIRED = [
  "Id",
  "Version",
  "ProviderName",
  "DefaultLocale",
  "DisplayName",
  "Description",
  "IconUrl",
  "HighResolutionIconUrl",
  "SupportUrl",
  "Hosts",
  "Requirements",
  "DefaultSettings",
  "Permissions",
  "VersionOverrides",
];
const VERSION_OVERRIDES_ORDER = ["Description", "Requirements", "Hosts", "Resources", "WebApplicationInfo", "EquivalentAddins"];
const HOST_ORDER = ["Runtimes", "AllFormFactors", "DesktopFormFactor", "MobileFormFactor"];
const DESKTOP_ORDER = ["GetStarted", "FunctionFile", "ExtensionPoint"];
const RESOURCES_ORDER = ["Images", "Urls", "ShortStrings", "LongStrings"];
const PERMISSIONS = ["Restricted", "ReadDocument", "ReadAllDocument", "WriteDocument", "ReadWriteDocument"];
/** Sizes a command icon may come in; 16, 32 and 80 are required on desktop. */
const ICON_SIZES = [16, 20, 24, 32, 40, 48, 64, 80];
const REQUIRED_ICON_SIZES = [16, 32, 80];

const LIMITS = { short: 125, long: 250, url: 2048, id: 32 };
const UUID = /^(?:urn:uuid:)?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$|^\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}$/;
const VERSION = /^[0-9]{1,5}(\.[0-9]{1,5}){0,3}$/;
const CULTURE = /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/;

type ResourceKind = "Images" | "Urls" | "ShortStrings" | "LongStrings";

export interface ManifestCheck {
  problems: string[];
  /** What was checked, for the report. */
  checked: string[];
}

export interface CheckOptions {
  /**
   * Reads a file the manifest points at, given its path below the add-in's base URL (the folder of
   * the task pane page); undefined when there is no such file. Without it, files are not checked.
   */
  readFile?: (relativePath: string) => Buffer | undefined;
}

const childrenNamed = (element: XmlElement | undefined, local: string) => (element?.children ?? []).filter((c) => c.local === local);
const child = (element: XmlElement | undefined, local: string) => childrenNamed(element, local)[0];
const at = (element: XmlElement) => `line ${element.line}`;

/** PNG width and height from the IHDR chunk, or undefined if the data is not a PNG. */
export function pngSize(data: Buffer): { width: number; height: number } | undefined {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (data.length < 24 || !data.subarray(0, 8).equals(signature) || data.toString("latin1", 12, 16) !== "IHDR") return undefined;
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
}

export function checkManifest(xml: string, options: CheckOptions = {}): ManifestCheck {
  const problems: string[] = [];
  const checked: string[] = [];
  const problem = (element: XmlElement | undefined, message: string) => problems.push(element ? `${at(element)}: ${message}` : message);

  let root: XmlElement;
  try {
    root = parseXml(xml);
  } catch (e) {
    if (e instanceof XmlError) return { problems: [`not well-formed XML: ${e.message}`], checked: ["well-formed XML"] };
    throw e;
  }
  checked.push("well-formed XML");

  /** Children in the given order, with nothing unknown among them and the required ones present. */
  const checkOrder = (parent: XmlElement, order: readonly string[], required: readonly string[], ns: string, otherNs: Record<string, string> = {}) => {
    let last = -1;
    for (const c of parent.children) {
      const index = order.indexOf(c.local);
      if (index < 0 || c.ns !== (otherNs[c.local] ?? ns)) problem(c, `<${c.name}> is not an element these rules know inside <${parent.name}> (expected, in order: ${order.join(", ")})`);
      else if (index < last) problem(c, `<${c.local}> is out of order inside <${parent.local}>: the order is ${order.join(", ")}`);
      else if (index === last && c.local !== "ExtensionPoint") problem(c, `<${c.local}> appears twice inside <${parent.local}>`);
      else last = index;
    }
    for (const name of required) if (!child(parent, name)) problem(parent, `<${parent.local}> lacks <${name}>`);
  };
  const length = (element: XmlElement, value: string | undefined, max: number, what: string) => {
    if (value === undefined || value.length === 0) problem(element, `${what} is empty`);
    else if (value.length > max) problem(element, `${what} is ${value.length} characters; at most ${max} are allowed`);
  };
  const httpsUrl = (element: XmlElement, value: string | undefined, what: string) => {
    length(element, value, LIMITS.url, what);
    if (!value) return;
    let url: URL | undefined;
    try {
      url = new URL(value);
    } catch {
      problem(element, `${what} "${value}" is not an absolute URL`);
    }
    if (url && url.protocol !== "https:") problem(element, `${what} "${value}" must use https`);
  };
  /** DefaultValue and each <Override Value> of a locale-aware setting. */
  const localeAware = (element: XmlElement | undefined, check: (el: XmlElement, value: string | undefined, what: string) => void) => {
    if (!element) return;
    check(element, attribute(element, "DefaultValue"), `<${element.local}> DefaultValue`);
    for (const o of childrenNamed(element, "Override")) check(o, attribute(o, "Value"), `<${element.local}> Override for ${attribute(o, "Locale") ?? "?"}`);
  };

  // --- <OfficeApp> ---------------------------------------------------------------------------
  if (root.local !== "OfficeApp" || root.ns !== NS.app) {
    problems.push(`the root element is <${root.name}> in "${root.ns}"; an add-in manifest is <OfficeApp xmlns="${NS.app}">`);
    return { problems, checked };
  }
  if (attribute(root, "type", NS.xsi) !== "TaskPaneApp") problem(root, `<OfficeApp> must have xsi:type="TaskPaneApp" (a task pane add-in), not "${attribute(root, "type", NS.xsi) ?? ""}"`);
  checkOrder(root, OFFICE_APP_ORDER, OFFICE_APP_REQUIRED, NS.app, { VersionOverrides: NS.overrides });
  checked.push("OfficeApp elements present and in schema order");

  const id = child(root, "Id");
  if (id && !UUID.test(id.text.trim())) problem(id, `<Id> "${id.text.trim()}" is not a GUID`);
  const version = child(root, "Version");
  if (version && !VERSION.test(version.text.trim())) problem(version, `<Version> "${version.text.trim()}" must be one to four numbers of up to five digits, e.g. 1.0.0.0`);
  const provider = child(root, "ProviderName");
  if (provider) length(provider, provider.text.trim(), LIMITS.short, "<ProviderName>");
  const locale = child(root, "DefaultLocale");
  if (locale && !CULTURE.test(locale.text.trim())) problem(locale, `<DefaultLocale> "${locale.text.trim()}" is not a culture name like en-GB`);
  localeAware(child(root, "DisplayName"), (el, v, what) => length(el, v, LIMITS.short, what));
  localeAware(child(root, "Description"), (el, v, what) => length(el, v, LIMITS.long, what));
  for (const name of ["IconUrl", "HighResolutionIconUrl", "SupportUrl"]) localeAware(child(root, name), httpsUrl);
  const permissions = child(root, "Permissions");
  if (permissions && !PERMISSIONS.includes(permissions.text.trim())) problem(permissions, `<Permissions> "${permissions.text.trim()}" is not one of ${PERMISSIONS.join(", ")}`);
  checked.push("Id is a GUID, Version format, string lengths (ShortString ≤ 125, LongString ≤ 250, URL ≤ 2048), https URLs");

  const hosts = childrenNamed(child(root, "Hosts"), "Host");
  if (!hosts.some((h) => attribute(h, "Name") === "Workbook")) problem(child(root, "Hosts") ?? root, 'no <Host Name="Workbook"/>: the add-in would not load in Excel');
  const sets = childrenNamed(child(child(root, "Requirements"), "Sets"), "Set");
  if (!sets.some((s) => attribute(s, "Name") === "SharedRuntime")) problem(child(root, "Requirements") ?? root, '<Requirements> lacks <Set Name="SharedRuntime">: the task pane and the functions would run apart');
  const taskPanePage = attribute(child(child(root, "DefaultSettings"), "SourceLocation") ?? root, "DefaultValue");
  if (!taskPanePage) problem(child(root, "DefaultSettings") ?? root, "<DefaultSettings> lacks <SourceLocation DefaultValue=…>");
  else httpsUrl(child(child(root, "DefaultSettings"), "SourceLocation") as XmlElement, taskPanePage, "<DefaultSettings><SourceLocation> DefaultValue");
  const support = child(root, "SupportUrl");
  if (support && taskPanePage && attribute(support, "DefaultValue") === taskPanePage) {
    problem(support, "<SupportUrl> is the task pane page; it must be a page that says how to get help (support.html)");
  }
  checked.push('Excel host, SharedRuntime requirement, SupportUrl present and not the task pane page');

  // --- <VersionOverrides> --------------------------------------------------------------------
  const overrides = child(root, "VersionOverrides");
  if (!overrides) return { problems, checked };
  if (overrides.ns !== NS.overrides || attribute(overrides, "type", NS.xsi) !== "VersionOverridesV1_0") {
    problem(overrides, `<VersionOverrides> must be in "${NS.overrides}" with xsi:type="VersionOverridesV1_0"`);
    return { problems, checked };
  }
  checkOrder(overrides, VERSION_OVERRIDES_ORDER, ["Hosts", "Resources"], NS.overrides);

  // Resources: ids unique per kind, lengths, https.
  const resources = new Map<ResourceKind, Map<string, { element: XmlElement; value: string }>>();
  const resourcesElement = child(overrides, "Resources");
  if (resourcesElement) {
    checkOrder(resourcesElement, RESOURCES_ORDER, [], NS.basic);
    for (const kind of RESOURCES_ORDER as ResourceKind[]) {
      const entries = new Map<string, { element: XmlElement; value: string }>();
      resources.set(kind, entries);
      const itemName = kind === "Images" ? "Image" : kind === "Urls" ? "Url" : "String";
      for (const item of childrenNamed(child(resourcesElement, kind), itemName)) {
        const resid = attribute(item, "id") ?? "";
        length(item, resid, LIMITS.id, `resource id "${resid}"`);
        if (entries.has(resid)) problem(item, `resource id "${resid}" is defined twice in ${kind}`);
        const value = attribute(item, "DefaultValue") ?? "";
        entries.set(resid, { element: item, value });
        const check = kind === "ShortStrings" ? (el: XmlElement, v: string | undefined, what: string) => length(el, v, LIMITS.short, what)
          : kind === "LongStrings" ? (el: XmlElement, v: string | undefined, what: string) => length(el, v, LIMITS.long, what)
          : httpsUrl;
        localeAware(item, (el, v, what) => check(el, v, `${what} of ${kind} "${resid}"`));
      }
    }
  }

  // Every resid refers to a defined resource of the kind the referring element needs.
  const kindOf = (element: XmlElement, path: string[]): ResourceKind | undefined => {
    if (element.local === "Image") return "Images";
    if (["SourceLocation", "Runtime", "FunctionFile", "LearnMoreUrl"].includes(element.local)) return "Urls";
    if (["Label", "Title", "Namespace"].includes(element.local)) return "ShortStrings";
    if (element.local === "Description" && path.includes("VersionOverrides")) return "LongStrings";
    return undefined;
  };
  const resolveUrl = (resid: string | undefined) => (resid ? resources.get("Urls")?.get(resid)?.value : undefined);
  for (const { element, path } of walk(overrides)) {
    const resid = attribute(element, "resid");
    if (resid === undefined || path.includes("Resources")) continue;
    length(element, resid, LIMITS.id, `resid "${resid}" of <${element.local}>`);
    const kind = kindOf(element, path);
    if (!kind) {
      if (![...resources.values()].some((m) => m.has(resid))) problem(element, `resid "${resid}" of <${element.local}> is not defined under <Resources>`);
    } else if (!resources.get(kind)?.has(resid)) {
      problem(element, `resid "${resid}" of <${element.local}> is not defined in <bt:${kind}>`);
    }
  }
  checked.push("VersionOverrides order, resource ids unique and ≤ 32 characters, every resid defined with the right kind");

  // Hosts: the Excel host with one shared runtime that the functions and the task pane use.
  const overrideHosts = childrenNamed(child(overrides, "Hosts"), "Host");
  const workbook = overrideHosts.find((h) => attribute(h, "type", NS.xsi) === "Workbook");
  if (!workbook) {
    problem(child(overrides, "Hosts") ?? overrides, '<VersionOverrides><Hosts> lacks <Host xsi:type="Workbook">');
    return { problems, checked };
  }
  checkOrder(workbook, HOST_ORDER, ["Runtimes", "AllFormFactors", "DesktopFormFactor"], NS.overrides);
  const runtime = child(child(workbook, "Runtimes"), "Runtime");
  const runtimeResid = runtime ? attribute(runtime, "resid") : undefined;
  if (!runtime || !runtimeResid) problem(workbook, "<Runtimes> lacks <Runtime resid=…>: no shared runtime");
  else if (attribute(runtime, "lifetime") !== "long") problem(runtime, '<Runtime> needs lifetime="long" so the functions keep running while the task pane is closed');
  const customFunctions = childrenNamed(child(workbook, "AllFormFactors"), "ExtensionPoint").find((e) => attribute(e, "type", NS.xsi) === "CustomFunctions");
  if (!customFunctions) problem(workbook, '<AllFormFactors> lacks <ExtensionPoint xsi:type="CustomFunctions">');
  else {
    for (const part of ["Script", "Page", "Metadata"]) {
      if (!attribute(child(child(customFunctions, part), "SourceLocation") ?? customFunctions, "resid")) problem(customFunctions, `custom functions lack <${part}><SourceLocation resid=…>`);
    }
    if (!attribute(child(customFunctions, "Namespace") ?? customFunctions, "resid")) problem(customFunctions, "custom functions lack <Namespace resid=…>");
  }
  const desktop = child(workbook, "DesktopFormFactor");
  if (desktop) checkOrder(desktop, DESKTOP_ORDER, ["FunctionFile"], NS.overrides);
  // In a shared runtime the functions' page, the function file and the task pane are all the runtime's page.
  const samePage: [string, XmlElement | undefined][] = [
    ["<CustomFunctions><Page><SourceLocation>", child(child(customFunctions, "Page"), "SourceLocation")],
    ["<FunctionFile>", child(desktop, "FunctionFile")],
    ...[...walk(desktop ?? workbook)]
      .filter(({ element }) => element.local === "Action" && attribute(element, "type", NS.xsi) === "ShowTaskpane")
      .map(({ element }): [string, XmlElement | undefined] => ["<Action xsi:type=\"ShowTaskpane\"><SourceLocation>", child(element, "SourceLocation")]),
  ];
  for (const [what, element] of samePage) {
    if (element && runtimeResid && attribute(element, "resid") !== runtimeResid) problem(element, `${what} must use the runtime's resid "${runtimeResid}" (shared runtime)`);
  }
  const learnMore = [...walk(desktop ?? workbook)].find(({ element }) => element.local === "LearnMoreUrl")?.element;
  if (learnMore && taskPanePage && resolveUrl(attribute(learnMore, "resid")) === taskPanePage) problem(learnMore, "<LearnMoreUrl> is the task pane page; point it at a page about the add-in (support.html)");
  checked.push("shared runtime: lifetime long, custom functions, task pane and function file on the runtime's page");

  // Commands: unique ids, and icons in the sizes Office asks for.
  const ids = new Map<string, XmlElement>();
  for (const { element } of walk(desktop ?? workbook)) {
    if (!["Group", "Control"].includes(element.local)) continue;
    const controlId = attribute(element, "id") ?? "";
    length(element, controlId, LIMITS.short, `<${element.local}> id`);
    if (ids.has(controlId)) problem(element, `<${element.local}> id "${controlId}" is also used on line ${ids.get(controlId)?.line}`);
    ids.set(controlId, element);
  }
  const images = resources.get("Images") ?? new Map<string, { element: XmlElement; value: string }>();
  for (const { element } of walk(desktop ?? workbook)) {
    if (element.local !== "Icon") continue;
    const sizes = childrenNamed(element, "Image").map((img) => Number(attribute(img, "size")));
    for (const size of sizes) if (!ICON_SIZES.includes(size)) problem(element, `icon size ${size} is not one of ${ICON_SIZES.join(", ")}`);
    for (const size of REQUIRED_ICON_SIZES) if (!sizes.includes(size)) problem(element, `<Icon> lacks the ${size}×${size} image Office needs on desktop`);
  }
  checked.push("command ids unique, icon sizes 16/32/80");

  // Files: each address below the add-in's base URL exists, and images have the sizes they claim.
  if (options.readFile && taskPanePage) {
    const base = taskPanePage.slice(0, taskPanePage.lastIndexOf("/") + 1);
    const fileAt = (url: string) => (url.startsWith(base) ? options.readFile?.(decodeURIComponent(url.slice(base.length).split(/[?#]/)[0] ?? "")) : undefined);
    const addresses = new Map<string, XmlElement>();
    for (const { element } of walk(root)) {
      for (const name of ["DefaultValue", "Value"]) {
        const value = attribute(element, name);
        if (value?.startsWith(base)) addresses.set(value, element);
      }
    }
    for (const [url, element] of addresses) if (!fileAt(url)) problem(element, `${url} is not among the built files`);
    const expectSize = (url: string | undefined, size: number, what: string, element: XmlElement) => {
      const data = url ? fileAt(url) : undefined;
      if (!data) return;
      const png = pngSize(data);
      if (!png) problem(element, `${what} ${url} is not a PNG`);
      else if (png.width !== size || png.height !== size) problem(element, `${what} ${url} is ${png.width}×${png.height}; it must be ${size}×${size}`);
    };
    for (const [name, size] of [["IconUrl", 32], ["HighResolutionIconUrl", 64]] as const) {
      const element = child(root, name);
      if (element) expectSize(attribute(element, "DefaultValue"), size, `<${name}>`, element);
    }
    for (const { element } of walk(desktop ?? workbook)) {
      if (element.local !== "Image" || element.ns !== NS.basic) continue;
      const image = images.get(attribute(element, "resid") ?? "");
      if (image) expectSize(image.value, Number(attribute(element, "size")), `the ${attribute(element, "size")}px icon`, element);
    }
    checked.push(`files below ${base} exist; icons are PNGs of the sizes they are used at`);
  }

  return { problems, checked };
}
