/**
 * Report links and attachments. A link reads as an annual report when its title names
 * 信息公开 (政府信息公开, 政务信息公开 …), an annual report (年度报告, 年报, 年度工作报告,
 * 信息公开工作报告) and a year (2020, ２０２０, 二〇二〇) — and is not a notice about the
 * reports (编制, 报送, 通报, 评估) or a reading of one (解读, 图解). The crawl confirms by
 * content. Attachments are the files a report page links: by the URL's extension (query
 * strings allowed, and a pdf.js viewer's `?file=` unwrapped), by a link text naming a file,
 * by sitting in an attachment block (TRS `.article_attachment`, `#file_ul_fj`), or listed in
 * the `apps`/`apps1` arrays TRS detail pages fill their attachment block from.
 */
import type { Link } from "../types.js";
import { collapse, compact, resolveHref, type PageLink, type ScannedPage } from "./links.js";

const CN_DIGIT: Record<string, number> = {
  "〇": 0, "○": 0, "零": 0, O: 0, o: 0, "0": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
  "1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "6": 6, "7": 7, "8": 8, "9": 9,
};
const ARABIC_YEAR = /(?<![0-9])((?:19|20)[0-9]{2})(?![0-9])/g;
const CHINESE_YEAR = /([一二][〇○零Oo0一二三四五六七八九0-9]{3})(?=\s*年)/g;

/**
 * The year a title names (`2020年度…` → 2020, `二〇二〇年…` → 2020), or null. Where a title
 * names several, a year followed by 年度 wins, then one followed by 年, then the first.
 */
export function reportYear(text: string): number | null {
  const t = text.normalize("NFKC");
  const found: { year: number; at: number; rank: number }[] = [];
  const rankAfter = (end: number) => {
    const rest = t.slice(end).trimStart();
    return rest.startsWith("年度") ? 0 : rest.startsWith("年") ? 1 : 2;
  };
  for (const m of t.matchAll(ARABIC_YEAR)) found.push({ year: Number(m[1]), at: m.index, rank: rankAfter(m.index + m[0].length) });
  for (const m of t.matchAll(CHINESE_YEAR)) {
    const digits = [...(m[1] ?? "")].map((c) => CN_DIGIT[c]);
    if (digits.some((d) => d === undefined)) continue;
    const year = Number(digits.join(""));
    if (year >= 1900 && year <= 2099) found.push({ year, at: m.index, rank: rankAfter(m.index + m[0].length) });
  }
  found.sort((a, b) => a.rank - b.rank || a.at - b.at);
  return found[0]?.year ?? null;
}

const ANNUAL_REPORT = /年度报告|年报|年度工作报告|信息公开工作报告/;
/** Titles about the reports, not reports: notices on compiling or checking them, readings of them. */
const ABOUT_REPORTS = /编制|报送|做好|填报|模板|格式|评估|评议|考核|通报|检查|解读|图解|一图|读懂|问答|答记者问|培训/;
/** A link text longer than this is a sentence, not a title. */
const MAX_TITLE = 100;

/** Whether a link's title reads as an information-disclosure annual report. */
export function looksLikeReportTitle(text: string): boolean {
  const t = compact(text.normalize("NFKC"));
  if (t.length === 0 || t.length > MAX_TITLE) return false;
  if (!t.includes("信息公开") || !ANNUAL_REPORT.test(t)) return false;
  if (ABOUT_REPORTS.test(t)) return false;
  return reportYear(t) !== null;
}

const ATTACHMENT_EXT = /\.(?:pdf|docx?|wps|ofd|jpe?g|png|gif|tiff?|webp)$/i;
const FILE_IN_TEXT = /\.(?:pdf|docx?|wps|ofd|jpe?g|png|gif|tiff?|webp)(?=$|[\s)）\]】,，;；])/i;

function decoded(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** A query value naming a file (`download.jsp?file=/up/a.pdf`), or undefined. */
function fileParam(url: URL): string | undefined {
  for (const value of url.searchParams.values()) {
    const path = value.split(/[?#]/)[0] ?? "";
    if (ATTACHMENT_EXT.test(path.trim())) return value.trim();
  }
  return undefined;
}

/** Whether a URL is a file a report may be published as: its path (or a query value) ends in .pdf .doc(x) .wps .ofd or an image type. */
export function isAttachmentUrl(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return ATTACHMENT_EXT.test(url.split(/[?#]/)[0] ?? "");
  }
  return ATTACHMENT_EXT.test(decoded(u.pathname)) || fileParam(u) !== undefined;
}

/** The file behind an attachment link: a pdf.js viewer's `?file=` target, else the URL itself. */
export function attachmentTarget(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url;
  }
  if (ATTACHMENT_EXT.test(decoded(u.pathname)) || !/\/viewer\.html?$/i.test(u.pathname)) return url;
  const file = fileParam(u);
  return (file !== undefined && resolveHref(file, url)) || url;
}

/** Whether a link text names a file (`附件：2023年年报.pdf`). */
export function namesAFile(text: string): boolean {
  return FILE_IN_TEXT.test(text.trim());
}

/** The title under which a link reads as a report (its text, else its title attribute), or null. */
export function reportTitleOf(link: Pick<PageLink, "text" | "anchorText" | "title">): string | null {
  for (const t of [link.text, link.anchorText, link.title]) if (t && looksLikeReportTitle(t)) return t;
  return null;
}

/** Links whose title reads as an annual report, once each (first place on the page). */
export function findReports(scan: ScannedPage): Link[] {
  const out = new Map<string, Link>();
  for (const link of scan.links) {
    if (out.has(link.url)) continue;
    const title = reportTitleOf(link);
    if (title !== null) out.set(link.url, { url: link.url, text: title });
  }
  return [...out.values()];
}

/** Attachments a page links, outside its chrome, once each. */
export function findAttachments(scan: ScannedPage): Link[] {
  const out = new Map<string, Link>();
  const add = (url: string, text: string) => {
    const target = attachmentTarget(url);
    if (target !== scan.pageUrl && !out.has(target)) out.set(target, { url: target, text });
  };
  for (const link of scan.links) {
    if (link.chrome || link.datastore !== null) continue;
    if (link.attachmentBlock || isAttachmentUrl(link.url) || namesAFile(link.anchorText) || namesAFile(link.title)) add(link.url, link.text);
  }
  for (const app of trsApps(scan.scripts, scan.baseUrl)) add(app.url, app.text);
  return [...out.values()];
}

/** The attachments a TRS detail page lists in its `apps`/`apps1` script arrays (`{ url: "…", name: "…" }`). */
function trsApps(scripts: string[], base: string): Link[] {
  const out: Link[] = [];
  for (const script of scripts) {
    for (const m of script.matchAll(/\bapps\d*\s*=\s*\[([\s\S]*?)\]/g)) {
      for (const obj of (m[1] ?? "").matchAll(/\{[^{}]*\}/g)) {
        const href = /\burl\s*:\s*["']([^"']+)["']/.exec(obj[0])?.[1];
        const url = href ? resolveHref(href, base) : null;
        if (url) out.push({ url, text: collapse(/\bname\s*:\s*["']([^"']*)["']/.exec(obj[0])?.[1] ?? "") });
      }
    }
  }
  return out;
}
