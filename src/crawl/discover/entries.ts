/**
 * A listing's other entries: the items of the list that holds the report links (a
 * letter, a notice, a report whose title does not say so), which the crawl fetches too
 * and lets the extractor judge. A list is the container whose items the report links
 * are (links/placeLinks; a JCMS datastore's rows are one list); it counts when it holds
 * two report links, or one among at most four items. Its entries are the items shaped like its report
 * links or linking an article-like URL (TRS `./YYYYMM/tYYYYMMDD_N.htm`, JCMS
 * `art/Y/M/D/art_C_N.html`, `content_N.htm`, a file). A paginated listing without report
 * titles (a later page of a mixed channel) offers the lists of two or more article-like
 * links instead. Chrome, pagination, "more" links and other sites never become entries.
 */
import type { Link } from "../types.js";
import { sameSite } from "./column.js";
import type { PageLink, ScannedPage } from "./links.js";
import { paginationKind } from "./listing.js";
import { isAttachmentUrl, reportTitleOf } from "./reports.js";

const ARTICLE_URL: RegExp[] = [
  /\/t\d{8}_\d+(?:_\d+)?\.s?html?$/i, // TRS WCM: ./202603/t20260313_105587.htm
  /\/art\/\d{4}\/\d{1,2}\/\d{1,2}\/art_\d+_\d+\.html$/i, // Hanweb JCMS
  /\/(?:content|post|art|article|info|detail|news)_\d+\.s?html?$/i,
  /\/info\/\d+\/\d+\.s?html?$/i, // VSB
  /\/(?:19|20)\d{2}-?[01]\d(?:-?[0-3]\d)?\/(?:[0-3]\d\/)?[\w-]+\.s?html?$/i, // a dated folder: /202301/abc.shtml, /2023-01/05/x.html
];
const ARTICLE_QUERY = /\/(?:detail|content|article|show|view|info|news)\w*\.(?:jsp|do|aspx?|php|s?html?)$/i;
const MORE = /^(?:更多|查看更多|更多内容|more|查看全部|全部)$/i;

/** Whether a URL looks like one article (a document page or a file), not a channel. */
export function isArticleUrl(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (ARTICLE_URL.some((re) => re.test(u.pathname))) return true;
  if (ARTICLE_QUERY.test(u.pathname) && /[?&](?:id|docid|articleid|infoid|contentid|newsid|aid|artid)=\w+/i.test(u.search)) return true;
  return isAttachmentUrl(url);
}

/** At most this many items beside a single report link still make a list of that report's kind. */
const ITEMS_PER_LONE_REPORT = 4;

interface ListOf {
  links: PageLink[];
  shapes: Set<string>;
}

function lists(scan: ScannedPage): Map<number, PageLink[]> {
  const out = new Map<number, PageLink[]>();
  for (const link of scan.links) {
    if (link.container < 0) continue;
    const list = out.get(link.container) ?? [];
    list.push(link);
    out.set(link.container, list);
  }
  return out;
}

/** The lists of a page that are report lists (or, on a paginated listing without report titles, article lists). */
function reportLists(scan: ScannedPage, paginated: boolean): ListOf[] {
  const found: ListOf[] = [];
  const all = lists(scan);
  for (const links of all.values()) {
    const reports = links.filter((l) => reportTitleOf(l) !== null);
    if (reports.length === 0) continue;
    const shapes = new Set(reports.map((l) => l.shape));
    const items = links.filter((l) => shapes.has(l.shape)).length;
    if (reports.length >= 2 || items <= ITEMS_PER_LONE_REPORT) found.push({ links, shapes });
  }
  if (found.length > 0 || !paginated) return found;
  for (const links of all.values()) {
    const articles = links.filter((l) => !l.chrome && isArticleUrl(l.url));
    if (articles.length >= 2) found.push({ links, shapes: new Set(articles.map((l) => l.shape)) });
  }
  return found;
}

/**
 * The other items of the page's report lists, once each, in page order.
 * `exclude`: URLs already taken as reports or listings; `paginated`: the page is a listing
 * page with further pages (a later page of the channel may hold no report titles).
 */
export function findEntries(scan: ScannedPage, exclude: Set<string>, paginated: boolean): Link[] {
  const out = new Map<string, Link>();
  for (const list of reportLists(scan, paginated)) {
    for (const link of list.links) {
      if (out.has(link.url) || exclude.has(link.url) || link.chrome) continue;
      if (reportTitleOf(link) !== null || !sameSite(link.url, scan.pageUrl)) continue;
      if (paginationKind(link.text) !== null || MORE.test(link.text.replace(/[\s>»]+/g, ""))) continue;
      if (!list.shapes.has(link.shape) && !isArticleUrl(link.url)) continue;
      out.set(link.url, { url: link.url, text: link.text });
    }
  }
  // Page order: a page's lists were visited list by list.
  const order = new Map(scan.links.map((l, i) => [l.url, i] as const).reverse());
  return [...out.values()].sort((a, b) => (order.get(a.url) ?? 0) - (order.get(b.url) ?? 0));
}
