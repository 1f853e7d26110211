/**
 * Every link a page offers, and where it sits. One pass over the parse5 tree collects
 * each `<a href>` / `<area href>` — resolved against `<base href>` or the page URL, the
 * fragment removed, javascript:/mailto:/tel:/data: and bare `#` dropped, links back to
 * the page itself dropped — with its text, the list container it is an item of (for a
 * listing's other entries), and whether it sits in site chrome (header, navigation,
 * breadcrumb, footer) or in an attachment block. It also keeps the text of the inline
 * scripts (pagination calls, list configuration) and reads Hanweb JCMS `<datastore>`
 * blocks, whose list rows are HTML inside `<record><![CDATA[ … ]]></record>`: those rows
 * are parsed on their own and their links form one list.
 */
import { parse, parseFragment } from "parse5";
import { attr, children, descendants, findFirst, isElement, isText, type Element, type Node } from "../../sources/_internal/dom.js";

/** A link as found, with what the classifiers need to know about its place. */
export interface PageLink {
  /** Absolute http(s) URL, fragment removed. */
  url: string;
  /** The text to show: the anchor's text, or its title (or an image's alt) when the text is empty, cut short with an ellipsis, or only a date. */
  text: string;
  /** The anchor's own text, whitespace collapsed ("" when it has none). */
  anchorText: string;
  /** The title attribute, whitespace collapsed ("" when absent). */
  title: string;
  /** Id of the list container the link is an item of (-1: none). */
  container: number;
  /** The tag path from the container down to the anchor (`dl>dd0>a0`): items of one list share it. */
  shape: string;
  /** Inside header/navigation/breadcrumb/footer chrome. */
  chrome: boolean;
  /** Inside an attachment block (TRS `.article_attachment`, `#file_ul_fj`, …). */
  attachmentBlock: boolean;
  /** Index of the JCMS datastore the link came from, or null for the page's own markup. */
  datastore: number | null;
}

/** A Hanweb JCMS list embedded as a `<datastore>`: the first rows are in the page, the rest behind a data proxy. */
export interface Datastore {
  index: number;
  /** Rows (`<record>`) present in the page. */
  records: number;
  /** All rows of the list (`totalRecord` / `<totalrecord>`), when the page says. */
  totalRecord: number | null;
  /** Rows per page (`perPage` / `perpage=`), when the page says. */
  perPage: number | null;
  /** The data proxy's URL from `<nextgroup>`, absolute, when given. */
  proxyUrl: string | null;
  /** The list unit's id (`unitid=`), when given. */
  unitId: string | null;
}

export interface ScannedPage {
  /** The page URL, fragment removed. */
  pageUrl: string;
  /** What relative links resolve against (`<base href>` or the page URL). */
  baseUrl: string;
  links: PageLink[];
  /** The text of every inline `<script>`. */
  scripts: string[];
  datastores: Datastore[];
  /** The document's `<title>`, whitespace collapsed. */
  title: string;
  /** The channel a CMS names in its meta tags (TRS `ColumnName`, `ColumnDescription`), when given. */
  columnName: string;
  /** How many links each container holds. */
  containerSizes: Map<number, number>;
}

const DROPPED_SCHEMES = /^(?:javascript|vbscript|mailto|tel|sms|data|about|file|ftp|blob):/i;

/** An href as an absolute http(s) URL without fragment, or null when it leads nowhere a crawler goes. */
export function resolveHref(href: string | undefined, base: string): string | null {
  if (href === undefined) return null;
  const raw = href.replace(/[\t\n\r]/g, "").trim();
  if (raw === "" || raw.startsWith("#") || DROPPED_SCHEMES.test(raw)) return null;
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  url.hash = "";
  return url.href;
}

/** Whitespace (including no-break and ideographic spaces) collapsed, ends trimmed. */
export function collapse(s: string): string {
  return s.replace(/[\s\u00a0\u2002\u2003\u2009\u200b\u3000\ufeff]+/g, " ").trim();
}

/** Text with all whitespace removed, for matching labels broken by `<br>` or spaces (`政府信息<br>公开`). */
export function compact(s: string): string {
  return s.replace(/[\s\u00a0\u2002\u2003\u2009\u200b\u3000\ufeff]+/g, "");
}

const ELLIPSIS = /(?:\.{2,}|…+|。{2,}|\.\s*\.\s*\.)\s*$/;
/** An anchor text that is only a date or number (`2022-01-20`), where the title says what the link is. */
const DATE_ONLY = /^[\d\s\-/.:年月日[\]()（）]+$/;

function textOf(node: Node, out: string[]): void {
  for (const child of children(node)) {
    if (isText(child)) out.push(child.value);
    else if (isElement(child)) {
      if (child.tagName === "script" || child.tagName === "style") continue;
      if (child.tagName === "br") out.push(" ");
      else textOf(child, out);
      out.push(BLOCKISH.has(child.tagName) ? " " : "");
    }
  }
}
const BLOCKISH = new Set(["p", "div", "li", "td", "th", "dd", "dt", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "ul", "ol", "dl"]);

function altOf(el: Element): string {
  for (const child of children(el)) {
    if (!isElement(child)) continue;
    if (child.tagName === "img") {
      const alt = collapse(attr(child, "alt") ?? "");
      if (alt) return alt;
    }
    const inner = altOf(child);
    if (inner) return inner;
  }
  return "";
}

/** The text a link shows, with the title standing in for an empty or truncated anchor text. */
function linkTexts(a: Element): { text: string; anchorText: string; title: string } {
  const parts: string[] = [];
  textOf(a, parts);
  // Inline markup inside a title (`<span>政府信息</span>公开`) must not split words: join, then
  // collapse; a break between two Chinese characters (`政府信息<br>公开`) is no space either.
  const anchorText = collapse(parts.join("")).replace(/(?<=[\u3400-\u9fff]) (?=[\u3400-\u9fff])/g, "");
  const title = collapse(attr(a, "title") ?? "");
  let text = anchorText;
  if (!text) text = title || altOf(a);
  else if (title && ELLIPSIS.test(text) && compact(title).length > compact(text).length) text = title;
  else if (title && DATE_ONLY.test(text)) text = title;
  return { text, anchorText, title };
}

const CHROME_TAGS = new Set(["nav", "header", "footer"]);
const CHROME_ROLES = new Set(["navigation", "banner", "contentinfo", "menubar", "menu"]);
const CHROME_TOKENS = new Set([
  "nav", "navs", "navbar", "navigation", "menu", "menus", "submenu", "header", "footer", "foot", "breadcrumb", "breadcrumbs",
  "crumb", "crumbs", "position", "location", "dqwz", "weizhi", "copyright", "yqlj", "friendlink", "friendlinks", "sitemap",
  "toolbar", "topbar",
]);

function tokens(el: Element): string[] {
  return `${attr(el, "class") ?? ""} ${attr(el, "id") ?? ""}`.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
}

/** Site chrome: header, navigation, breadcrumb, footer — by tag, ARIA role or class/id words. */
export function isChromeElement(el: Element): boolean {
  if (CHROME_TAGS.has(el.tagName)) return true;
  const role = attr(el, "role")?.toLowerCase();
  if (role && CHROME_ROLES.has(role)) return true;
  return tokens(el).some((t) => CHROME_TOKENS.has(t));
}

/** An attachment block: TRS `.article_attachment` / `#file_ul_fj`, and the like (`attach…`, `fujian`, `fj`). */
export function isAttachmentBlock(el: Element): boolean {
  const words = tokens(el);
  if (words.includes("fj") || words.includes("fujian") || words.includes("fjxz") || words.includes("xgfj")) return true;
  return words.some((t) => t.startsWith("attach"));
}

/** Containers that are lists themselves: an item's row never climbs past one. */
const LIST_TAGS = new Set(["ul", "ol", "menu", "table", "tbody", "thead", "tfoot"]);
/** A row holding at most this many links (title plus a category or download link) may be one item of a bigger list. */
const MAX_ROW_LINKS = 4;

interface Found {
  a: Element;
  url: string;
  /** Ancestors from the root down to the anchor's parent. */
  path: Element[];
  datastore: number | null;
}

/**
 * Places each link in its list: the item is the highest ancestor holding no other link
 * (a `<li>`, a `<dl>` row, a `<tr>`), the container its parent; a small row that repeats
 * among its siblings (`<tr>` with a title and a download link) is itself the item.
 */
function placeLinks(found: Found[], firstContainerId: number, containerIds: Map<Element, number>, containerSizes: Map<number, number>): PageLink[] {
  const counts = new Map<Element, number>();
  for (const f of found) {
    counts.set(f.a, (counts.get(f.a) ?? 0) + 1);
    for (const el of f.path) counts.set(el, (counts.get(el) ?? 0) + 1);
  }
  const count = (el: Element | undefined) => (el ? (counts.get(el) ?? 0) : 0);
  const parentOf = new Map<Element, Element>();
  for (const f of found) {
    const chain = [...f.path, f.a];
    for (let i = 1; i < chain.length; i++) parentOf.set(chain[i]!, chain[i - 1]!);
  }
  const repeats = (el: Element): boolean => {
    const parent = parentOf.get(el);
    if (!parent) return false;
    let same = 0;
    for (const sib of children(parent)) if (isElement(sib) && sib.tagName === el.tagName && count(sib) > 0) same++;
    return same >= 2;
  };

  let nextId = firstContainerId;
  const out: PageLink[] = [];
  for (const f of found) {
    const chain = [...f.path, f.a];
    let i = chain.length - 1;
    while (i > 0 && count(chain[i - 1]) === 1) i--;
    while (i > 1) {
      const container = chain[i - 1]!;
      if (LIST_TAGS.has(container.tagName) || count(container) > MAX_ROW_LINKS || !repeats(container)) break;
      i--;
    }
    const container = i > 0 ? chain[i - 1]! : undefined;
    let id = -1;
    if (container) {
      id = containerIds.get(container) ?? nextId++;
      containerIds.set(container, id);
      containerSizes.set(id, (containerSizes.get(id) ?? 0) + 1);
    }
    const shape = chain
      .slice(i)
      .map((el, k) => (k === 0 ? el.tagName : `${el.tagName}${siblingIndex(el, parentOf.get(el))}`))
      .join(">");
    const { text, anchorText, title } = linkTexts(f.a);
    out.push({
      url: f.url,
      text,
      anchorText,
      title,
      container: id,
      shape,
      chrome: chain.some(isChromeElement),
      attachmentBlock: chain.some(isAttachmentBlock),
      datastore: f.datastore,
    });
  }
  return out;
}

function siblingIndex(el: Element, parent: Element | undefined): number {
  if (!parent) return 0;
  let n = 0;
  for (const sib of children(parent)) {
    if (sib === el) return n;
    if (isElement(sib) && sib.tagName === el.tagName) n++;
  }
  return n;
}

function collect(root: Node, base: string, self: string, datastore: number | null, found: Found[], scripts: string[] | null): void {
  const path: Element[] = [];
  const walk = (node: Node): void => {
    for (const child of children(node)) {
      if (!isElement(child)) continue;
      const tag = child.tagName;
      if (tag === "script") {
        if (scripts && attr(child, "src") === undefined) {
          const text = children(child).map((n) => (isText(n) ? n.value : "")).join("");
          if (text.trim()) scripts.push(text);
        }
        continue;
      }
      if (tag === "style" || tag === "template") continue;
      if ((tag === "a" || tag === "area") && attr(child, "href") !== undefined) {
        const url = resolveHref(attr(child, "href"), base);
        if (url !== null && url !== self) found.push({ a: child, url, path: [...path], datastore });
      }
      path.push(child);
      walk(child);
      path.pop();
    }
  };
  walk(root);
}

const DATASTORE = /<datastore\b[^>]*>([\s\S]*?)<\/datastore\s*>/gi;
const RECORD = /<record\b[^>]*>\s*(?:<!\[CDATA\[([\s\S]*?)\]\]>|([\s\S]*?))\s*<\/record\s*>/gi;
const NEXTGROUP = /<nextgroup\b[^>]*>\s*(?:<!\[CDATA\[([\s\S]*?)\]\]>|([\s\S]*?))\s*<\/nextgroup\s*>/i;

function firstNumber(text: string, patterns: RegExp[]): number | null {
  for (const re of patterns) {
    const m = re.exec(text);
    if (m?.[1]) {
      const n = Number(m[1]);
      if (Number.isSafeInteger(n)) return n;
    }
  }
  return null;
}

interface RawDatastore {
  start: number;
  end: number;
  body: string;
}

/** Finds the JCMS datastores of the raw page, their rows and list settings. */
function readDatastores(html: string, base: string, self: string, found: Found[]): { datastores: Datastore[]; stripped: string } {
  const raws: RawDatastore[] = [];
  for (const m of html.matchAll(DATASTORE)) raws.push({ start: m.index, end: m.index + m[0].length, body: m[1] ?? "" });
  if (raws.length === 0) return { datastores: [], stripped: html };
  const datastores: Datastore[] = [];
  raws.forEach((raw, index) => {
    let records = 0;
    for (const r of raw.body.matchAll(RECORD)) {
      records++;
      const fragment = parseFragment(r[1] ?? r[2] ?? "");
      collect(fragment, base, self, index, found, null);
    }
    const next = NEXTGROUP.exec(raw.body);
    const nextHtml = next ? (next[1] ?? next[2] ?? "") : "";
    const proxyHref = /href\s*=\s*["']([^"']+)["']/i.exec(nextHtml)?.[1];
    const proxyUrl = proxyHref ? resolveHref(proxyHref.replace(/&amp;/g, "&"), base) : null;
    // The list's settings sit in the datastore or in the script that follows it (jpage options).
    const after = html.slice(raw.end, raws[index + 1]?.start ?? Math.min(html.length, raw.end + 6000));
    const around = `${raw.body}\n${after}`;
    const totalRecord = firstNumber(around, [/<totalrecord>\s*(\d+)\s*</i, /totalRecord\s*[:=]\s*["']?(\d+)/i]);
    const perPage = firstNumber(`${around}\n${proxyUrl ?? ""}`, [/perPage\s*[:=]\s*["']?(\d+)/i, /[?&]perpage=(\d+)/i]);
    const unitId = /[?&]unitid=(\d+)/i.exec(proxyUrl ?? "")?.[1] ?? /unitid\s*[:=]\s*["']?(\d+)/i.exec(around)?.[1] ?? null;
    datastores.push({ index, records, totalRecord, perPage: perPage && perPage > 0 ? perPage : null, proxyUrl, unitId });
  });
  // The page is parsed without them: outside a script, the CDATA would break the markup.
  let stripped = "";
  let at = 0;
  for (const raw of raws) {
    stripped += html.slice(at, raw.start);
    at = raw.end;
  }
  stripped += html.slice(at);
  return { datastores, stripped };
}

/** Reads a page's links, inline scripts and JCMS datastores. */
export function scanPage(html: string, pageUrl: string): ScannedPage {
  const page = new URL(pageUrl);
  page.hash = "";
  const self = page.href;
  const found: Found[] = [];

  // <base href> decides what relative links mean; find it before reading any link.
  let baseUrl = self;
  const baseHref = /<base\b[^>]*\bhref\s*=\s*["']?([^"'\s>]+)/i.exec(html)?.[1];
  if (baseHref) baseUrl = resolveHref(baseHref.replace(/&amp;/g, "&"), self) ?? self;

  const { datastores, stripped } = readDatastores(html, baseUrl, self, found);
  const recordLinks = found.splice(0);
  const scripts: string[] = [];
  const doc = parse(stripped);
  collect(doc, baseUrl, self, null, found, scripts);
  const titleEl = findFirst(doc, "title");
  const title = titleEl ? collapse(children(titleEl).map((n) => (isText(n) ? n.value : "")).join("")) : "";
  let columnName = "";
  for (const n of descendants(doc)) {
    if (!isElement(n) || n.tagName !== "meta") continue;
    if (/^column(?:name|description)$/i.test(attr(n, "name") ?? "") && (attr(n, "content") ?? "").trim()) {
      columnName = collapse(attr(n, "content") ?? "");
      break;
    }
  }

  const containerIds = new Map<Element, number>();
  const containerSizes = new Map<number, number>();
  const links = placeLinks(found, 0, containerIds, containerSizes);
  // Each datastore is one list: its rows are the items, whatever each row's markup.
  let nextId = containerSizes.size === 0 ? 0 : Math.max(...containerSizes.keys()) + 1;
  for (const ds of datastores) {
    const rows = recordLinks.filter((f) => f.datastore === ds.index);
    const id = nextId++;
    const placed = placeLinks(rows, 0, new Map(), new Map()).map((l) => ({ ...l, container: id, shape: `record>${l.shape}` }));
    containerSizes.set(id, placed.length);
    links.push(...placed);
  }
  return { pageUrl: self, baseUrl, links, scripts, datastores, title, columnName, containerSizes };
}
