/*
 * A small, strict XML reader for the add-in manifest: well-formedness (one root, matched and
 * properly nested tags, quoted and unique attributes, known entities, no stray "&" or "<"),
 * namespaces resolved, line numbers kept for messages. No DTDs: a manifest has none, and refusing
 * them means no entity expansion to worry about.
 */

export interface XmlAttribute {
  /** As written, e.g. "xsi:type". */
  name: string;
  local: string;
  ns: string;
  value: string;
}

export interface XmlElement {
  name: string;
  local: string;
  ns: string;
  attributes: XmlAttribute[];
  children: XmlElement[];
  /** Text directly inside this element (entities decoded), CDATA included. */
  text: string;
  line: number;
}

export class XmlError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`line ${line}, column ${column}: ${message}`);
    this.name = "XmlError";
  }
}

const XML_NS = "http://www.w3.org/XML/1998/namespace";
const XMLNS_NS = "http://www.w3.org/2000/xmlns/";
const NAME = /^[A-Za-z_][-A-Za-z0-9_.]*(?::[A-Za-z_][-A-Za-z0-9_.]*)?$/;
const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

interface Open {
  element: XmlElement;
  /** Namespace prefixes in force inside the element ("" is the default namespace). */
  scope: Map<string, string>;
}

export function parseXml(source: string): XmlElement {
  const text = source.startsWith("\uFEFF") ? source.slice(1) : source;
  let i = 0;

  const position = (at: number) => {
    const before = text.slice(0, at).split("\n");
    return { line: before.length, column: (before[before.length - 1] ?? "").length + 1 };
  };
  // A declaration (not an arrow) so that TypeScript knows the code after a call is unreachable.
  function fail(message: string, at = i): never {
    const { line, column } = position(at);
    throw new XmlError(message, line, column);
  }

  const decode = (raw: string, at: number): string => {
    if (raw.includes("<")) fail('"<" is not allowed here; write &lt;', at + raw.indexOf("<"));
    return raw.replace(/&([^;&\s]*)(;?)/g, (whole, ref: string, semi: string, offset: number) => {
      if (!semi) fail('a bare "&" must be written &amp;', at + offset);
      if (ref in ENTITIES) return ENTITIES[ref] as string;
      const numeric = /^#(?:x([0-9A-Fa-f]+)|([0-9]+))$/.exec(ref);
      if (numeric) {
        const code = numeric[1] !== undefined ? parseInt(numeric[1], 16) : Number(numeric[2]);
        if (code > 0 && code <= 0x10ffff) return String.fromCodePoint(code);
      }
      fail(`unknown entity ${whole}`, at + offset);
    });
  };

  const resolve = (qualified: string, scope: Map<string, string>, isAttribute: boolean, at: number): { local: string; ns: string } => {
    const colon = qualified.indexOf(":");
    if (colon < 0) return { local: qualified, ns: isAttribute ? "" : (scope.get("") ?? "") };
    const prefix = qualified.slice(0, colon);
    const local = qualified.slice(colon + 1);
    if (prefix === "xml") return { local, ns: XML_NS };
    if (prefix === "xmlns") return { local, ns: XMLNS_NS };
    const ns = scope.get(prefix);
    if (ns === undefined) fail(`namespace prefix "${prefix}" is not declared`, at);
    return { local, ns };
  };

  const stack: Open[] = [];
  let root: XmlElement | undefined;

  const skipMisc = (what: string, until: string) => {
    const end = text.indexOf(until, i);
    if (end < 0) fail(`unterminated ${what}`);
    const body = text.slice(i, end);
    i = end + until.length;
    return body;
  };

  while (i < text.length) {
    const lt = text.indexOf("<", i);
    const chunkEnd = lt < 0 ? text.length : lt;
    if (chunkEnd > i) {
      const chunk = text.slice(i, chunkEnd);
      const open = stack[stack.length - 1];
      if (!open) {
        if (chunk.trim()) fail(root ? "text after the root element" : "text before the root element");
      } else {
        if (chunk.includes("]]>")) fail('"]]>" is not allowed in text', i + chunk.indexOf("]]>"));
        open.element.text += decode(chunk, i);
      }
      i = chunkEnd;
      continue;
    }
    if (text.startsWith("<!--", i)) {
      i += 4;
      const body = skipMisc("comment", "-->");
      if (body.includes("--")) fail('"--" is not allowed inside a comment', i - 3 - body.length + body.indexOf("--"));
      continue;
    }
    if (text.startsWith("<![CDATA[", i)) {
      const open = stack[stack.length - 1];
      if (!open) fail("CDATA outside the root element");
      i += 9;
      open.element.text += skipMisc("CDATA section", "]]>");
      continue;
    }
    if (text.startsWith("<!", i)) fail("DOCTYPE and other declarations are not allowed in a manifest");
    if (text.startsWith("<?", i)) {
      const at = i;
      i += 2;
      const body = skipMisc("processing instruction", "?>");
      if (/^xml\b/i.test(body) && at !== 0) fail("the XML declaration must come first", at);
      continue;
    }
    if (text.startsWith("</", i)) {
      const m = /^<\/([^\s>]+)\s*>/.exec(text.slice(i));
      if (!m) fail("malformed closing tag");
      const name = m[1] as string;
      const open = stack.pop();
      if (!open) fail(`closing tag </${name}> with nothing open`);
      if (open.element.name !== name) fail(`</${name}> closes <${open.element.name}> (line ${open.element.line})`);
      i += m[0].length;
      continue;
    }

    // A start tag.
    const tagStart = i;
    const m = /^<([^\s/>]+)/.exec(text.slice(i));
    if (!m || !NAME.test(m[1] as string)) fail("malformed start tag");
    const name = m[1] as string;
    i += m[0].length;
    const pending: { name: string; value: string; at: number }[] = [];
    let selfClosing = false;
    for (;;) {
      const ws = /^\s*/.exec(text.slice(i)) as RegExpExecArray;
      i += ws[0].length;
      if (text.startsWith("/>", i)) {
        selfClosing = true;
        i += 2;
        break;
      }
      if (text.startsWith(">", i)) {
        i += 1;
        break;
      }
      if (i >= text.length) fail(`<${name}> is never closed`, tagStart);
      if (ws[0].length === 0) fail(`attributes of <${name}> must be separated by spaces`);
      const a = /^([^\s=/>]+)\s*=\s*("([^"]*)"|'([^']*)')/.exec(text.slice(i));
      if (!a || !NAME.test(a[1] as string)) fail(`malformed attribute in <${name}> (attributes are name="value")`);
      const attrName = a[1] as string;
      if (pending.some((p) => p.name === attrName)) fail(`attribute ${attrName} appears twice in <${name}>`);
      const valueAt = i + a[0].length - (a[2] as string).length + 1;
      pending.push({ name: attrName, value: decode(a[3] ?? a[4] ?? "", valueAt), at: i });
      i += a[0].length;
    }

    const parent = stack[stack.length - 1];
    if (!parent && root) fail("a second root element", tagStart);
    const scope = new Map(parent?.scope ?? []);
    for (const p of pending) {
      if (p.name === "xmlns") scope.set("", p.value);
      else if (p.name.startsWith("xmlns:")) scope.set(p.name.slice(6), p.value);
    }
    const { line } = position(tagStart);
    const element: XmlElement = { name, ...resolve(name, scope, false, tagStart), attributes: [], children: [], text: "", line };
    for (const p of pending) element.attributes.push({ name: p.name, value: p.value, ...resolve(p.name, scope, true, p.at) });
    const seen = new Set<string>();
    for (const a of element.attributes) {
      const key = `{${a.ns}}${a.local}`;
      if (seen.has(key)) fail(`<${name}> has attribute ${a.local} twice (through two prefixes)`, tagStart);
      seen.add(key);
    }

    if (parent) parent.element.children.push(element);
    else root = element;
    if (!selfClosing) stack.push({ element, scope });
  }
  const unclosed = stack[stack.length - 1];
  if (unclosed) fail(`<${unclosed.element.name}> (line ${unclosed.element.line}) is never closed`);
  if (!root) fail("no root element");
  return root;
}

/** The value of an attribute by namespace and local name ("" for unprefixed attributes). */
export function attribute(element: XmlElement, local: string, ns = ""): string | undefined {
  return element.attributes.find((a) => a.local === local && a.ns === ns)?.value;
}

/** Every element of the tree, depth first, with its path of local names from the root. */
export function* walk(element: XmlElement, path: string[] = []): Generator<{ element: XmlElement; path: string[] }> {
  const here = [...path, element.local];
  yield { element, path: here };
  for (const child of element.children) yield* walk(child, here);
}
