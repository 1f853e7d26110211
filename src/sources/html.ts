import { parse } from "parse5";
import { struckTextIssue } from "../layout/struck-text.js";
import type { LayoutCell, LayoutLine } from "../model/layout.js";
import type { DecodedText } from "./decode.js";
import { attr, BLOCK_TAGS, children, descendants, findFirst, isElement, isHidden, isStruck, isText, type Element, type Node } from "./_internal/dom.js";
import type { HtmlPicture, SourceResult } from "./types.js";

/** The charset a page declares in its first bytes (<meta charset> or http-equiv Content-Type). */
export function declaredCharset(bytes: Uint8Array): string | null {
  const head = Buffer.from(bytes.subarray(0, 4096)).toString("latin1");
  const m = /<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)/i.exec(head);
  return m?.[1] ?? null;
}

/** Text as a reader sees it: no-break spaces are spaces, runs of whitespace collapse. */
function cleanText(s: string): string {
  return s
    .replace(/<!--\[if[^\]]*\]-->|<!--\[endif\]-->|<!\[if[^\]]*\]>|<!\[endif\]>/gi, "") // Word conditionals that leaked into text as escaped characters
    .replace(/[\u00a0\u2002\u2003\u2009\u200b\ufeff]/g, " ")
    .replace(/[ \t\r\n\f]+/g, " ");
}

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/g;

/** Characters of readable text under a node, not counting link text (navigation). */
function weigh(node: Node, weights: Map<Node, number>): number {
  let w = 0;
  if (isText(node)) {
    w = (node.value.match(CJK) ?? []).length;
  } else if (isElement(node) && (isHidden(node) || node.tagName === "a")) {
    w = 0;
  } else {
    for (const child of children(node)) w += weigh(child, weights);
  }
  weights.set(node, w);
  return w;
}

/**
 * The element holding the report: descend from <body> while one child holds at
 * least 80 % of the page's readable text. Site chrome (navigation, footers,
 * related-article lists) falls away; the article body stays whole.
 */
function mainContent(body: Element): Element {
  const weights = new Map<Node, number>();
  const total = weigh(body, weights);
  let current = body;
  for (;;) {
    const next = children(current).find((c): c is Element => isElement(c) && (weights.get(c) ?? 0) >= total * 0.8);
    if (!next || next.tagName === "p") return current;
    current = next;
  }
}

function span(el: Element, name: string): number {
  const n = Number.parseInt(attr(el, name) ?? "1", 10);
  return Number.isFinite(n) && n >= 1 ? Math.min(n, 100) : 1;
}

/** The rows of a table, not those of tables nested in it. */
function tableRows(table: Element): Element[] {
  const rows: Element[] = [];
  const walk = (node: Node) => {
    for (const child of children(node)) {
      if (!isElement(child)) continue;
      if (child.tagName === "tr") rows.push(child);
      else if (child.tagName !== "table") walk(child);
    }
  };
  walk(table);
  return rows;
}

/**
 * Cell text: fragments from separate blocks (<p>, <br>) join without a space, except
 * between two numbers. Text struck through inside it is left out, and added to `struck`.
 */
function cellText(cell: Element, struck?: string[]): string {
  const parts: string[] = [];
  let buf = "";
  const flush = () => {
    const t = buf.trim();
    if (t) parts.push(t);
    buf = "";
  };
  const walk = (node: Node) => {
    if (isText(node)) buf += cleanText(node.value);
    else if (!isElement(node) || isHidden(node)) return; // hidden text, struck or not, is no part of the print
    else if (node !== cell && isStruck(node)) struck?.push(cellText(node));
    else {
      const block = BLOCK_TAGS.has(node.tagName);
      if (block) flush();
      for (const c of children(node)) walk(c);
      if (block) flush();
    }
  };
  walk(cell);
  flush();
  let out = "";
  for (const p of parts) out += out && /\d$/.test(out) && /^\d/.test(p) ? ` ${p}` : p;
  return out;
}

/** A CSS pixel width from an <img>'s width attribute or inline style; null when it gives none. */
function cssWidth(img: Element): number | null {
  const style = /(?:^|;)\s*width\s*:\s*([\d.]+)px/i.exec(attr(img, "style") ?? "");
  const value = Number.parseFloat(style?.[1] ?? attr(img, "width") ?? "");
  return Number.isFinite(value) && value > 0 ? value : null;
}

class HtmlLayoutBuilder {
  readonly lines: LayoutLine[] = [];
  /** The <img>s of the report body, where they stand among the lines. */
  readonly pictures: HtmlPicture[] = [];
  /** Text printed struck through, left out (isStruck). */
  readonly struck: string[] = [];
  private buffer = "";
  private block = 0;
  private readonly tableIndex: Map<Element, number>;
  private readonly imageIndex: Map<Element, number>;

  constructor(root: Node) {
    // Tables and images are numbered in document order over the whole page, so a reviewer
    // can find one with document.querySelectorAll("table")[n] (or "img").
    this.tableIndex = new Map();
    this.imageIndex = new Map();
    for (const node of descendants(root)) {
      if (isElement(node) && node.tagName === "table") this.tableIndex.set(node, this.tableIndex.size);
      if (isElement(node) && node.tagName === "img") this.imageIndex.set(node, this.imageIndex.size);
    }
  }

  private picture(img: Element): void {
    const src = (attr(img, "src") ?? attr(img, "data-src") ?? "").trim();
    if (!src) return;
    this.flush();
    this.pictures.push({ image: this.imageIndex.get(img) ?? 0, src, cssWidth: cssWidth(img), line: this.lines.length });
  }

  private flush(): void {
    const text = this.buffer.trim();
    this.buffer = "";
    if (!text) return;
    this.lines.push({ cells: [{ text, origin: { kind: "html-text", block: this.block++ } }] });
  }

  walk(node: Node): void {
    if (isText(node)) {
      this.buffer += cleanText(node.value);
      return;
    }
    if (!isElement(node) || isHidden(node)) return;
    if (isStruck(node)) {
      this.struck.push(cellText(node));
      return;
    }
    if (node.tagName === "img") {
      this.picture(node);
      return;
    }
    if (node.tagName === "table" && !tableRows(node).some((tr) => [...descendants(tr)].some((d) => isElement(d) && d.tagName === "table"))) {
      this.flush();
      this.table(node);
      return;
    }
    const block = BLOCK_TAGS.has(node.tagName);
    if (block) this.flush();
    for (const child of children(node)) this.walk(child);
    if (block) this.flush();
  }

  /** A data table: one line per row, cells placed on the grid (rowspan/colspan resolved). */
  private table(table: Element): void {
    const index = this.tableIndex.get(table) ?? 0;
    const occupied: boolean[][] = [];
    tableRows(table).forEach((tr, r) => {
      const cells: LayoutCell[] = [];
      let col = 0;
      const taken = (occupied[r] ??= []);
      for (const td of children(tr)) {
        if (!isElement(td) || (td.tagName !== "td" && td.tagName !== "th") || isHidden(td)) continue;
        while (taken[col]) col++;
        const colSpan = span(td, "colspan");
        const rowSpan = span(td, "rowspan");
        for (let dr = 0; dr < rowSpan; dr++) {
          const row = (occupied[r + dr] ??= []);
          for (let dc = 0; dc < colSpan; dc++) row[col + dc] = true;
        }
        const struck = isStruck(td);
        if (struck) this.struck.push(cellText(td));
        cells.push({ text: struck ? "" : cellText(td, this.struck), origin: { kind: "html", table: index, row: r, col }, col, colSpan, rowSpan });
        col += colSpan;
      }
      if (cells.length > 0) this.lines.push({ cells, table: index, isTableRow: true });
    });
  }
}

/** What the page says its title is: the CMS's ArticleTitle, an <h1>, or <title> without the site suffix. */
function titleHint(doc: Node): string | undefined {
  for (const node of descendants(doc)) {
    if (isElement(node) && node.tagName === "meta" && /^(articletitle|title|dc\.title)$/i.test(attr(node, "name") ?? "")) {
      const content = attr(node, "content")?.trim();
      if (content) return content;
    }
  }
  const h1 = findFirst(doc, "h1");
  if (h1) {
    const t = cellText(h1).trim();
    if (t) return t;
  }
  const title = findFirst(doc, "title");
  if (title) return cellText(title).split(/[_|]| - /)[0]?.trim() || undefined;
  return undefined;
}

export function htmlToLayout(html: string): { lines: LayoutLine[]; title: string | undefined; pictures: HtmlPicture[]; struck: string[] } {
  const doc = parse(html);
  const body = findFirst(doc, "body");
  const builder = new HtmlLayoutBuilder(doc);
  if (body) builder.walk(mainContent(body));
  return { lines: builder.lines, title: titleHint(doc), pictures: builder.pictures, struck: builder.struck.filter(Boolean) };
}

export function readHtml({ text, encoding }: DecodedText): SourceResult {
  const { lines, title, pictures, struck } = htmlToLayout(text);
  const issues = struck.map((t) => struckTextIssue(t));
  return {
    ...(issues.length > 0 ? { issues } : {}),
    layout: { kind: "flow", lines, hints: { title } },
    mediaType: "text/html",
    textSource: "html",
    pages: null,
    encoding,
    ...(pictures.length > 0 ? { pictures } : {}),
  };
}
