/**
 * The way to the report column. From a home page or a 政务公开 / 政府信息公开 section page:
 * links named for the column — 政府信息公开年报, then 政府信息公开工作年度报告, then
 * 年度报告, then 年报 (ranked in that order; a link naming a year is one report, not the
 * column) — followed, at a lower rank, by links to the 政务公开 / 政府信息公开 section
 * pages themselves, so the crawl finds a column that sits two steps in. Both stay on the
 * page's site (same registrable domain: www.x.gov.cn and 12345.x.gov.cn are one site).
 */
import type { Link } from "../types.js";
import { compact, type ScannedPage } from "./links.js";
import { isAttachmentUrl, reportYear } from "./reports.js";

/** Second-level suffixes under which a domain is registered (x.gov.cn, x.com.cn, x.bj.cn). */
const SECOND_LEVEL = new Set([
  "gov", "com", "net", "org", "edu", "ac", "mil",
  "bj", "sh", "tj", "cq", "he", "sx", "nm", "ln", "jl", "hl", "js", "zj", "ah", "fj", "jx", "sd", "ha", "hb", "hn",
  "gd", "gx", "hi", "sc", "gz", "yn", "xz", "sn", "gs", "qh", "nx", "xj", "tw", "hk", "mo",
]);

/** The registrable domain of a host: `www.pingtan.gov.cn` → `pingtan.gov.cn`, `a.b.example.com` → `example.com`; an IP stays itself. */
export function registrableDomain(host: string): string {
  const h = host.toLowerCase().replace(/\.$/, "");
  if (/^[\d.]+$/.test(h) || h.includes(":") || h.startsWith("[")) return h;
  const labels = h.split(".");
  if (labels.length <= 2) return h;
  const keep = labels.length >= 3 && SECOND_LEVEL.has(labels[labels.length - 2]!) && labels[labels.length - 1]!.length === 2 ? 3 : 2;
  return labels.slice(-keep).join(".");
}

/** Whether two URLs belong to one site (same registrable domain). */
export function sameSite(a: string, b: string): boolean {
  try {
    return registrableDomain(new URL(a).hostname) === registrableDomain(new URL(b).hostname);
  } catch {
    return false;
  }
}

/** Ranks of column names, best first. */
const COLUMN_NAMES: RegExp[] = [/信息公开年报|政务公开年报/, /信息公开(?:工作)?年度(?:工作)?报告/, /年度报告/, /年报/];
/** A column's name is short; a longer text is an article's title. */
const MAX_COLUMN_NAME = 30;

/** How well a link text names the report column: 0 (政府信息公开年报) … 3 (年报), or null when it does not, or names one report (a year). */
export function columnRank(text: string): number | null {
  const t = compact(text.normalize("NFKC"));
  if (t.length === 0 || t.length > MAX_COLUMN_NAME || reportYear(t) !== null) return null;
  const rank = COLUMN_NAMES.findIndex((re) => re.test(t));
  return rank < 0 ? null : rank;
}

/**
 * Whether a link text names a 政务公开 / 政府信息公开 section (`政府信息公开`, `政务公开专栏`,
 * `XX县人民政府信息公开`), not one of its parts (`政府信息公开指南`, `重点领域信息公开`).
 */
export function isSectionTitle(text: string): boolean {
  const t = compact(text.normalize("NFKC"));
  const m = /^(.*?)(?:政务公开|政府信息公开|信息公开)(?:专栏|专题|平台|目录|网|门户|主页)?$/.exec(t);
  if (!m || t.length > 24) return false;
  const prefix = m[1] ?? "";
  return prefix === "" || /(?:人民政府|政府|县|区|市|州|盟|旗|镇|乡|街道|局|委员会|委|办公室|办|厅|部|院|中心)$/.test(prefix);
}

/** Column links (best rank first, then page order), then section links (page order); on the page's site, once each. */
export function findColumns(scan: ScannedPage): Link[] {
  const columns: { link: Link; rank: number; at: number }[] = [];
  const sections: Link[] = [];
  const seen = new Set<string>();
  scan.links.forEach((link, at) => {
    if (seen.has(link.url) || link.datastore !== null || !sameSite(link.url, scan.pageUrl) || isAttachmentUrl(link.url)) return;
    const texts = [link.text, link.anchorText, link.title].filter(Boolean);
    // A text that names a year is one report's title: neither column nor section.
    if (texts.some((t) => reportYear(t) !== null)) return;
    const ranks = texts.map(columnRank).filter((r): r is number => r !== null);
    if (ranks.length > 0) {
      seen.add(link.url);
      columns.push({ link: { url: link.url, text: link.text }, rank: Math.min(...ranks), at });
    } else if (texts.some(isSectionTitle)) {
      seen.add(link.url);
      sections.push({ url: link.url, text: link.text });
    }
  });
  columns.sort((a, b) => a.rank - b.rank || a.at - b.at);
  return [...columns.map((c) => c.link), ...sections];
}
