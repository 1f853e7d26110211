/**
 * A listing's other pages. Shapes read:
 * - TRS WCM static pages whose count is only in a script call, `createPageHTML(21, 0,
 *   "index", "html")` (pages, current index, base name, extension → `index.html`,
 *   `index_1.html` … `index_20.html` beside the listing) and `createPage(…)`; other
 *   argument lists (a leading element id, a trailing record count, variables set in the
 *   same script) are read when those four values stand in that order, else ignored;
 * - 下一页/上一页/首页/尾页 and numbered page links, `?page=N`, `pageNum=N`, `pageIndex=N`
 *   (and `pageNo`, `curPage` …) or `list_N.html`: where the page numbers follow one
 *   pattern, the whole range up to the last (尾页) is listed;
 * - pages that need the site's scripts are reported as unreadable, with how many: a TRS
 *   "动静结合" list (`list2.trsapi` with `maxStaticIndex`, `recordCount`, `prepage`) whose
 *   later pages come from a JS API, and a Hanweb JCMS `<datastore>` holding fewer rows
 *   than its `totalRecord` (the rest come from its data proxy).
 * The page itself is never among its listings.
 */
import type { Link } from "../types.js";
import { compact, type Datastore, type PageLink, type ScannedPage } from "./links.js";
import { sameSite } from "./column.js";

/** The most pages one pagination shape may list; a larger claim is listed up to this and reported. */
export const MAX_PAGES = 1000;

export interface Unreadable {
  description: string;
  pages: number | null;
}

export interface Pagination {
  listings: Link[];
  unreadable: Unreadable[];
}

export type PaginationKind = "next" | "prev" | "first" | "last" | "number";

/** What a pagination link's text says it is (`下一页`, `尾页`, `3`, `»`), or null. */
export function paginationKind(text: string): PaginationKind | null {
  const t = compact(text).toLowerCase();
  if (/^(?:>|>>|›|»|＞|→)$/.test(t)) return "next";
  if (/^(?:<|<<|‹|«|＜|←)$/.test(t)) return "prev";
  const word = t.replace(/[<>«»‹›＜＞[\]【】()（）|.·:：→←]/g, "");
  if (/^(?:下一?页|后一?页|next|nextpage)$/.test(word)) return "next";
  if (/^(?:上一?页|前一?页|prev|previous|prevpage)$/.test(word)) return "prev";
  if (/^(?:首页|第一页|first|firstpage)$/.test(word)) return "first";
  if (/^(?:尾页|末页|最后一?页|last|lastpage)$/.test(word)) return "last";
  if (/^第?\d{1,4}页?$/.test(word) && /\d/.test(word)) return "number";
  return null;
}

// ---------------------------------------------------------------------------------------
// URLs carrying a page number

const PAGE_PARAM = /^(?:page|pageno|pagenum|pagenumber|pageindex|page_no|page_num|page_index|curpage|currpage|currentpage|cpage|pagecurrent)$/i;
const PAGED_FILE = /^(.+?)_(\d{1,4})\.(s?html?|jsp|php|aspx?)$/i;
const NUMBER_SLOT = "__PAGE_NUMBER__";

interface Numbered {
  /** The URL with the page number replaced by {n}. */
  template: string;
  n: number;
  /** For `name_N.ext`: the unnumbered first page, `name.ext`. */
  base: string | null;
}

/** Where a URL carries a page number (`?page=3`, `index_3.html`), or null. */
export function pageNumberOf(url: string): Numbered | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  for (const [key, value] of u.searchParams) {
    if (!PAGE_PARAM.test(key) || !/^\d{1,5}$/.test(value)) continue;
    const t = new URL(u.href);
    t.searchParams.set(key, NUMBER_SLOT);
    return { template: t.href.replace(NUMBER_SLOT, "{n}"), n: Number(value), base: null };
  }
  const slash = u.pathname.lastIndexOf("/");
  const file = u.pathname.slice(slash + 1);
  const m = PAGED_FILE.exec(file);
  if (m) {
    const dir = `${u.origin}${u.pathname.slice(0, slash + 1)}`;
    return { template: `${dir}${m[1]}_{n}.${m[3]}${u.search}`, n: Number(m[2]), base: `${dir}${m[1]}.${m[3]}${u.search}` };
  }
  return null;
}

function directoryOf(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname.slice(0, u.pathname.lastIndexOf("/") + 1)}`;
}

/** Whether `url` is the page itself: the same URL, or a directory URL's index file. */
function isSelf(url: string, pageUrl: string): boolean {
  if (url === pageUrl) return true;
  const page = new URL(pageUrl);
  const u = new URL(url);
  if (!page.pathname.endsWith("/") || page.search !== u.search || page.origin !== u.origin) return false;
  return u.pathname.startsWith(page.pathname) && /^(?:index|default)\.s?html?$/i.test(u.pathname.slice(page.pathname.length));
}

// ---------------------------------------------------------------------------------------
// TRS createPageHTML / createPage

type Arg = { kind: "number"; value: number } | { kind: "string"; value: string } | { kind: "other" };

function literal(raw: string): Arg {
  const s = raw.trim();
  if (/^\d+$/.test(s)) return { kind: "number", value: Number(s) };
  const q = /^(["'])([^"']*)\1$/.exec(s);
  if (q) return /^\d+$/.test(q[2]!) ? { kind: "number", value: Number(q[2]) } : { kind: "string", value: q[2]! };
  return { kind: "other" };
}

/** An argument's value: a literal, or a variable assigned a literal in the same script. */
function argValue(raw: string, script: string): Arg {
  const lit = literal(raw);
  if (lit.kind !== "other") return lit;
  const name = raw.trim();
  if (!/^[A-Za-z_$][\w$]*$/.test(name)) return lit;
  const escaped = name.replace(/\$/g, "\\$");
  const assigned = new RegExp(`(?:^|[^\\w$.])${escaped}\\s*=\\s*("[^"]*"|'[^']*'|\\d+)(?=[ \\t]*(?:[;,\\r\\n]|//|$))`).exec(script);
  return assigned ? literal(assigned[1]!) : lit;
}

const PAGE_CALL = /(?<!function\s*)\bcreatePage(?:HTML)?\s*\(([^()]*)\)/g;
const PAGE_EXT = /^\.?(s?html?|jsp|php|aspx?)$/i;

interface StaticPages {
  count: number;
  current: number;
  prefix: string;
  ext: string;
}

/** The TRS page calls of the scripts: (pages, current index, base name, extension) in that order. */
export function trsPageCalls(scripts: string[]): StaticPages[] {
  const out: StaticPages[] = [];
  for (const script of scripts) {
    for (const m of script.matchAll(PAGE_CALL)) {
      const args = (m[1] ?? "").split(",").map((a) => argValue(a, script));
      for (let i = 0; i + 3 < args.length; i++) {
        const [count, current, prefix, ext] = args.slice(i, i + 4) as [Arg, Arg, Arg, Arg];
        if (count.kind !== "number" || current.kind !== "number" || prefix.kind !== "string" || ext.kind !== "string") continue;
        if (!/^[\w.-]+$/.test(prefix.value) || !PAGE_EXT.test(ext.value)) continue;
        if (count.value < 1 || current.value < 0 || current.value >= count.value) continue;
        out.push({ count: count.value, current: current.value, prefix: prefix.value, ext: ext.value.replace(/^\./, "") });
        break;
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------

class Collector {
  readonly listings: Link[] = [];
  readonly unreadable: Unreadable[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly pageUrl: string) {}

  add(url: string, text: string): void {
    if (this.seen.has(url) || isSelf(url, this.pageUrl)) return;
    this.seen.add(url);
    this.listings.push({ url, text });
  }
}

function addStaticPages(scan: ScannedPage, out: Collector): void {
  for (const call of trsPageCalls(scan.scripts)) {
    const shown = Math.min(call.count, MAX_PAGES);
    for (let k = 0; k < shown; k++) {
      if (k === call.current) continue;
      const file = k === 0 ? `${call.prefix}.${call.ext}` : `${call.prefix}_${k}.${call.ext}`;
      out.add(new URL(file, scan.baseUrl).href, `第${k + 1}页`);
    }
    if (call.count > MAX_PAGES) out.unreadable.push({ description: `the page script claims ${call.count} pages (${call.prefix}_N.${call.ext}); only the first ${MAX_PAGES} are listed`, pages: call.count - MAX_PAGES });
  }
}

interface Group {
  template: string;
  base: string | null;
  numbers: Set<number>;
  texts: Map<number, string>;
}

function addLinkedPages(scan: ScannedPage, out: Collector): void {
  const pageDir = directoryOf(scan.pageUrl);
  const groups = new Map<string, Group>();
  const loose: PageLink[] = [];
  const bases = new Set<string>();
  const candidates: { link: PageLink; kind: PaginationKind | null; numbered: Numbered | null }[] = [];

  for (const link of scan.links) {
    if (link.datastore !== null || !sameSite(link.url, scan.pageUrl)) continue;
    const kind = paginationKind(link.text) ?? paginationKind(link.title);
    const numbered = pageNumberOf(link.url);
    const near = directoryOf(link.url) === pageDir;
    // 下一页/上一页/尾页 say what they are; a number or a bare page parameter must also stay
    // beside the page; so must 首页, and outside the chrome (where it is the site's home
    // page) unless its URL carries a page number. A pager's class may read as chrome (`page-nav`).
    let wanted: boolean;
    if (kind === "next" || kind === "prev" || kind === "last") wanted = true;
    else if (kind === "first") wanted = near && (!link.chrome || numbered !== null);
    else if (kind === "number") wanted = near;
    else wanted = near && numbered !== null && numbered.base === null;
    if (!wanted) continue;
    candidates.push({ link, kind, numbered });
    if (numbered?.base) bases.add(numbered.base);
  }
  for (const { link, kind, numbered } of candidates) {
    if (kind === "number" && numbered === null && !bases.has(link.url) && !isSelf(link.url, scan.pageUrl)) {
      // A numbered link without a number in its URL is the unnumbered first page, or noise.
      const first = Number(/\d+/.exec(link.text)?.[0] ?? "0");
      if (first > 1) continue;
    }
    if (numbered === null) {
      loose.push(link);
      continue;
    }
    const group = groups.get(numbered.template) ?? { template: numbered.template, base: numbered.base, numbers: new Set(), texts: new Map() };
    group.numbers.add(numbered.n);
    if (kind === "number" && !group.texts.has(numbered.n)) group.texts.set(numbered.n, link.text);
    groups.set(numbered.template, group);
  }

  const current = pageNumberOf(scan.pageUrl);
  for (const group of groups.values()) {
    const c = current?.template === group.template ? current.n : null;
    const numbers = [...group.numbers, ...(c === null ? [] : [c])];
    const hi = Math.max(...numbers);
    // Between two pages of one pattern every page exists; on a later page, so do the first ones.
    const lo = c === null ? Math.min(...numbers) : Math.min(...numbers, 1);
    if (group.base && c !== null) out.add(group.base, "第1页");
    const last = Math.min(hi, lo + MAX_PAGES - 1);
    // `name_N.ext` is page N+1 (`name.ext` is the first); `?page=N` is page N.
    const label = (n: number) => group.texts.get(n) ?? `第${group.base ? n + 1 : n}页`;
    for (let n = lo; n <= last; n++) if (n !== c) out.add(group.template.replace("{n}", String(n)), label(n));
    if (hi > last) out.unreadable.push({ description: `the pagination links reach page ${hi} (${group.template}); only ${MAX_PAGES} pages are listed`, pages: hi - last });
  }
  for (const link of loose) out.add(link.url, link.text);
}

function ceilDiv(a: number, b: number): number {
  return Math.ceil(a / b);
}

function numberIn(scripts: string, name: string): number | null {
  const m = new RegExp(`\\b${name}\\s*:\\s*["']?(\\d+)["']?`, "i").exec(scripts);
  return m ? Number(m[1]) : null;
}

/** A TRS "动静结合" list: static pages first, the rest only through the list2.trsapi JS API. */
function trsDynamicList(scan: ScannedPage, out: Collector): void {
  // A list configuration, not just the module loaded (detail pages load list2.trsapi too).
  const script = scan.scripts.find((s) => /\b(?:maxStaticIndex|quickMode|listArgs|pagebar)\s*:/.test(s) && /list2\.trsapi|maxStaticIndex|动静结合/.test(s));
  if (!script) return;
  const staticPages = numberIn(script, "maxStaticIndex");
  const records = numberIn(script, "recordCount");
  const perPage = numberIn(script, "prepage") ?? numberIn(script, "pageSize") ?? numberIn(script, "perPage");
  if (records === null || perPage === null || perPage === 0) {
    out.unreadable.push({ description: "TRS list loaded by the list2.trsapi JS API: further pages need the site's scripts, and the page does not say how many records there are", pages: null });
    return;
  }
  const total = ceilDiv(records, perPage);
  const readable = Math.min(staticPages ?? 1, total);
  if (total <= readable) return;
  const more = total - readable;
  const moreRecords = records - readable * perPage;
  out.unreadable.push({
    description:
      `TRS "动静结合" list (list2.trsapi): ${records} records at ${perPage} per page = ${total} pages, ` +
      `${readable} of them static HTML${staticPages === null ? " (assumed: no maxStaticIndex)" : ""}; ` +
      `${more} more page${more === 1 ? "" : "s"} (${moreRecords} more records) only through the site's JS API`,
    pages: more,
  });
}

/** A Hanweb JCMS datastore with fewer rows than its list: the rest come from a data proxy the page's script calls. */
function jcmsDatastore(ds: Datastore, out: Collector): void {
  // Plain `?uid=…&pageNum=N` links, where the page has them, are read as pagination instead.
  if (out.listings.some((l) => /[?&]pageNum=\d+/i.test(l.url) && (ds.unitId === null || l.url.includes(`uid=${ds.unitId}`)))) return;
  const where = ds.proxyUrl ? ` from its data proxy ${ds.proxyUrl}` : " from its data proxy";
  const unit = ds.unitId ? ` (unit ${ds.unitId})` : "";
  if (ds.totalRecord === null) {
    if (ds.proxyUrl) out.unreadable.push({ description: `Hanweb JCMS list${unit}: ${ds.records} records in the page; any further ones come${where}, and the page does not say how many`, pages: null });
    return;
  }
  if (ds.records >= ds.totalRecord) return;
  const missing = ds.totalRecord - ds.records;
  const pages = ds.perPage ? ceilDiv(ds.totalRecord, ds.perPage) - ceilDiv(ds.records, ds.perPage) : null;
  const perPage = ds.perPage ? `, ${ds.perPage} per page` : "";
  out.unreadable.push({
    description: `Hanweb JCMS list${unit}: ${ds.totalRecord} records${perPage}, ${ds.records} in the page; the other ${missing}${pages === null ? "" : ` (${pages} page${pages === 1 ? "" : "s"})`} come${where}`,
    pages,
  });
}

/**
 * The listing's other pages, in order, and the pages it has that cannot be read without
 * its scripts. `scriptLists: false` leaves out the script-driven lists (TRS list2.trsapi,
 * JCMS datastores): on a home page those are news lists, not the report column.
 */
export function findPagination(scan: ScannedPage, options: { scriptLists?: boolean } = {}): Pagination {
  const out = new Collector(scan.pageUrl);
  addStaticPages(scan, out);
  addLinkedPages(scan, out);
  if (options.scriptLists ?? true) {
    trsDynamicList(scan, out);
    for (const ds of scan.datastores) jcmsDatastore(ds, out);
  }
  return { listings: out.listings, unreadable: out.unreadable };
}
