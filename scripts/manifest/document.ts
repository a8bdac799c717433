import { SaxesParser } from "saxes";
import type { SaxesTagNS } from "saxes";

/*
 * The manifest as a tree of elements, read by saxes: a strict XML 1.0 parser with namespaces
 * (one root, matched tags, unique attributes, declared prefixes, known entities, no bare "&" or
 * "<"), which stops at the first error with its line and column. DOCTYPEs are refused: a manifest
 * has none, and refusing them leaves no entity expansion to worry about.
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
  /** Where the start tag begins. */
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

export function parseXml(source: string): XmlElement {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const open: XmlElement[] = [];
  let root: XmlElement | undefined;
  let startLine = 1;
  const fail = (message: string): never => {
    // saxes columns are zero-based and its messages start with "line:column: ".
    throw new XmlError(message.replace(/^\d+:\d+: /, "").replace(/\.$/, ""), parser.line, parser.column + 1);
  };

  parser.on("error", (e) => fail(e.message));
  parser.on("doctype", () => fail("DOCTYPE and other declarations are not allowed in a manifest"));
  parser.on("opentagstart", () => {
    startLine = parser.line;
  });
  parser.on("opentag", (tag: SaxesTagNS) => {
    const element: XmlElement = {
      name: tag.name,
      local: tag.local,
      ns: tag.uri,
      attributes: Object.values(tag.attributes).map((a) => ({ name: a.name, local: a.local, ns: a.uri, value: a.value })),
      children: [],
      text: "",
      line: startLine,
    };
    const parent = open[open.length - 1];
    if (parent) parent.children.push(element);
    else root = element;
    open.push(element);
  });
  parser.on("closetag", () => {
    open.pop();
  });
  const addText = (text: string) => {
    const current = open[open.length - 1];
    if (current) current.text += text;
  };
  parser.on("text", addText);
  parser.on("cdata", addText);

  parser.write(source.startsWith("\uFEFF") ? source.slice(1) : source).close();
  if (!root) return fail("no root element");
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
