/**
 * Link discovery: what one fetched HTML page offers the crawl, as pure functions of the
 * page's decoded HTML and its URL. `readPage` gives the PageLinks contract (types.ts):
 * - `columns`: the report column by link text (政府信息公开年报 > 政府信息公开工作年度报告 >
 *   年度报告 > 年报), then — lower in the list — the 政务公开 / 政府信息公开 section pages
 *   the column may sit in (column.ts); same site only;
 * - `listings`: the listing's other pages (listing.ts);
 * - `reports`: links titled as annual reports (reports.ts);
 * - `entries`: the other items of the list holding the reports (entries.ts);
 * - `attachments`: files the page links (reports.ts) — meaningful on a report page;
 * - `unreadable`: listing pages that exist but need the site's scripts (listing.ts).
 * Which of these the crawl follows depends on the page's role; see site-crawl.ts.
 */
import type { Link, PageLinks } from "../types.js";
import { columnRank, findColumns } from "./column.js";
import { findEntries } from "./entries.js";
import { scanPage, type ScannedPage } from "./links.js";
import { findPagination } from "./listing.js";
import { findAttachments, findReports } from "./reports.js";

export { columnRank, isSectionTitle, registrableDomain, sameSite } from "./column.js";
export { isArticleUrl } from "./entries.js";
export { collapse, compact, resolveHref, scanPage, type Datastore, type PageLink, type ScannedPage } from "./links.js";
export { MAX_PAGES, pageNumberOf, paginationKind, trsPageCalls, type Pagination, type PaginationKind, type Unreadable } from "./listing.js";
export { attachmentTarget, isAttachmentUrl, looksLikeReportTitle, namesAFile, reportYear } from "./reports.js";

/** The parts of a page title (`政府信息公开年报_政府信息公开_某县人民政府`). */
const TITLE_PARTS = /\s*[_|｜–—]\s*|\s+-\s+/;

/**
 * Whether the page may be the report column's listing rather than a home or section page
 * that leads to it: it lists reports, or its title or channel meta names the column, or it
 * links no column or section to go on to.
 */
function mayBeColumn(scan: ScannedPage, reports: Link[], columns: Link[]): boolean {
  if (reports.length > 0 || columns.length === 0) return true;
  return [scan.columnName, ...scan.title.split(TITLE_PARTS).slice(0, 2)].some((t) => t !== "" && columnRank(t) !== null);
}

/**
 * Everything a page offers the crawl. `pageUrl` is the URL the HTML came from (after
 * redirects). On a page that leads to the column (a home or section page that lists no
 * reports), script-driven lists are news lists: they give no unreadable pages and no entries.
 */
export function readPage(html: string, pageUrl: string): PageLinks {
  const scan = scanPage(html, pageUrl);
  const reports = findReports(scan);
  const reportUrls = new Set(reports.map((l) => l.url));
  const allColumns = findColumns(scan).filter((l) => !reportUrls.has(l.url));
  const column = mayBeColumn(scan, reports, allColumns);
  const { listings, unreadable } = findPagination(scan, { scriptLists: column });
  const listingUrls = new Set(listings.map((l) => l.url));
  const exclude = new Set([...reportUrls, ...listingUrls]);
  const entries = findEntries(scan, exclude, column && (listings.length > 0 || unreadable.length > 0));
  return {
    columns: allColumns.filter((l) => !listingUrls.has(l.url)),
    listings,
    reports,
    entries,
    attachments: findAttachments(scan),
    unreadable,
  };
}
