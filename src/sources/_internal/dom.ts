/** Small helpers over parse5's default tree, so the HTML backend reads like DOM code. */
import type { DefaultTreeAdapterTypes } from "parse5";

export type Node = DefaultTreeAdapterTypes.Node;
export type Element = DefaultTreeAdapterTypes.Element;
export type ParentNode = DefaultTreeAdapterTypes.ParentNode;

export function isElement(node: Node): node is Element {
  return "tagName" in node;
}

export function isText(node: Node): node is DefaultTreeAdapterTypes.TextNode {
  return node.nodeName === "#text";
}

export function children(node: Node): Node[] {
  return "childNodes" in node ? (node.childNodes as Node[]) : [];
}

export function attr(el: Element, name: string): string | undefined {
  return el.attrs.find((a) => a.name === name)?.value;
}

export function* descendants(node: Node): Generator<Node> {
  for (const child of children(node)) {
    yield child;
    yield* descendants(child);
  }
}

export function findFirst(node: Node, tag: string): Element | undefined {
  for (const n of descendants(node)) if (isElement(n) && n.tagName === tag) return n;
  return undefined;
}

/** Elements that never render text a reader sees. */
const INVISIBLE = new Set(["script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math", "head", "select", "option", "textarea", "button", "input", "canvas", "audio", "video", "map"]);

export function isHidden(el: Element): boolean {
  if (INVISIBLE.has(el.tagName)) return true;
  if (attr(el, "hidden") !== undefined) return true;
  const style = attr(el, "style");
  return style !== undefined && /display\s*:\s*none|visibility\s*:\s*hidden/i.test(style);
}

/**
 * Text struck through: deleted, not part of what the page says. Word's HTML keeps a
 * tracked deletion as <del>; editors strike text with <s>, <strike> or a line-through style.
 */
export function isStruck(el: Element): boolean {
  if (el.tagName === "del" || el.tagName === "s" || el.tagName === "strike") return true;
  const style = attr(el, "style");
  return style !== undefined && /text-decoration(?:-line)?\s*:[^;]*line-through/i.test(style);
}

/** Block-level elements: entering or leaving one ends a line of text. */
export const BLOCK_TAGS = new Set([
  "address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dialog", "dir", "div", "dl", "dt",
  "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr",
  "li", "main", "menu", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "thead", "tfoot", "tr", "td", "th",
  "ul", "caption", "br", "html",
]);
