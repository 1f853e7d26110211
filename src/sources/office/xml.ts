/**
 * XML parts of DOCX and OFD packages, parsed with @xmldom/xmldom (a W3C DOM with
 * namespaces), and the few DOM walks the readers need. Elements are matched by local
 * name: Word writes `w:`, OFD writers `ofd:` or no prefix at all, for the same elements.
 */
import { DOMParser, onErrorStopParsing, type Document, type Element, type Node } from "@xmldom/xmldom";
import { PipelineError } from "../../errors.js";

export type { Element };

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const CDATA_SECTION_NODE = 4;

/** Parses a part; malformed XML is DOCUMENT_CORRUPT (`what` names the part in the message). */
export function parseXml(bytes: Buffer, input: string, what: string): Document {
  // A UTF-8 BOM is common in OFD parts written by Chinese software.
  const text = bytes.toString("utf8").replace(/^\ufeff/, "");
  try {
    return new DOMParser({ onError: onErrorStopParsing }).parseFromString(text, "text/xml");
  } catch (error) {
    throw new PipelineError("DOCUMENT_CORRUPT", `the ${what} is not well-formed XML (${error instanceof Error ? error.message.split("\n")[0] : String(error)})`, { input, cause: error });
  }
}

export const isElement = (node: Node | null | undefined): node is Element => node?.nodeType === ELEMENT_NODE;

/** An element's local name (`w:tbl` → `tbl`). */
export const local = (el: Element): string => el.localName ?? el.nodeName.replace(/^.*:/, "");

/** The element children of a node, optionally only those of one local name. */
export function childElements(node: Node, name?: string): Element[] {
  const out: Element[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) if (isElement(c) && (name === undefined || local(c) === name)) out.push(c);
  return out;
}

export const firstChild = (node: Node, name: string): Element | undefined => childElements(node, name)[0];

/** Every element of a local name under a node, in document order. */
export function descendantsNamed(node: Node, name: string): Element[] {
  const out: Element[] = [];
  const walk = (n: Node) => {
    for (let c = n.firstChild; c; c = c.nextSibling) {
      if (!isElement(c)) continue;
      if (local(c) === name) out.push(c);
      walk(c);
    }
  };
  walk(node);
  return out;
}

/** An attribute by local name, whatever its prefix (`w:val`, `val`). */
export function attribute(el: Element, name: string): string | undefined {
  const attrs = el.attributes;
  for (let i = 0; i < attrs.length; i++) {
    const a = attrs.item(i)!;
    if ((a.localName ?? a.name.replace(/^.*:/, "")) === name) return a.value;
  }
  return undefined;
}

/** The text content of a node (text and CDATA), as stored. */
export function textContent(node: Node): string {
  let out = "";
  for (let c = node.firstChild; c; c = c.nextSibling) {
    if (c.nodeType === TEXT_NODE || c.nodeType === CDATA_SECTION_NODE) out += c.nodeValue ?? "";
    else if (c.nodeType === ELEMENT_NODE) out += textContent(c);
  }
  return out;
}
