/** Title, organ and statistics year of a report. */
import type { LayoutLine } from "../model/layout.js";
import { lineText } from "../model/layout.js";
import { tableText } from "../definition/index.js";
import { compact } from "./_shared/text.js";

export interface ReportMeta {
  title: string | null;
  organ: string | null;
  year: number | null;
  /** Year from the statistics period and from the title, when they disagree. */
  yearConflict?: { period: number; title: number };
}

/**
 * A report's title: organ, year, 政府信息公开工作年度报告 (or a variant). After 年度报 its
 * last character may be another or missing at the end of the line: OCR misreads 告 (报千,
 * on a 200-dpi scan drawn without anti-aliasing) or drops a line's last character, and
 * 工作年度报 names the report alone.
 */
const REPORT_TITLE = /^(.{0,40}?)((?:19|20)\d{2})年度?(.{0,40}?)(?:政府信息公开|政务公开|信息公开)(?:工作)?(?:年度)?(?:报告|年报|(?<=年度)报(?:\p{Script=Han}|$))/u;
/** "XX局政府信息公开工作年度报告（2020年）": the year after the title. */
const REPORT_TITLE_YEAR_AFTER = /^(.{2,40}?)(?:政府信息公开|政务公开|信息公开)(?:工作)?(?:年度)?(?:报告|年报)[(（]((?:19|20)\d{2})年?度?[)）]/;

const CHINESE_DIGITS: Record<string, string> = { 〇: "0", 零: "0", "○": "0", Ｏ: "0", O: "0", 一: "1", 二: "2", 三: "3", 四: "4", 五: "5", 六: "6", 七: "7", 八: "8", 九: "9" };

/** Years written digit by digit in Chinese numerals (二〇二〇年) → Arabic. */
export function arabicYears(text: string): string {
  return text.replace(/([〇零○ＯO一二三四五六七八九]{4})(?=年)/g, (m) => (/^[二一]/.test(m) ? [...m].map((c) => CHINESE_DIGITS[c] ?? c).join("") : m));
}

function titleMatch(text: string): { title: string; organ: string | null; year: number } | null {
  const m = REPORT_TITLE.exec(text);
  if (m) return { title: text.slice(0, m.index + m[0].length), organ: organOf(m[1]!, m[3]!), year: Number(m[2]) };
  const after = REPORT_TITLE_YEAR_AFTER.exec(text);
  if (after) return { title: text.slice(0, after.index + after[0].length), organ: organOf(after[1]!, ""), year: Number(after[2]) };
  return null;
}

/**
 * A title that a narrow page wrapped before its last character ("…工作年度报" / "告")
 * ends on the next line: 报 at the end of the match is completed by a next line opening with 告.
 */
function completed(m: NonNullable<ReturnType<typeof titleMatch>>, next: string): NonNullable<ReturnType<typeof titleMatch>> {
  return m.title.endsWith("报") && next.startsWith("告") ? { ...m, title: `${m.title}告` } : m;
}

/** The title: the page's own title hint, else the first lines joined until they name the report. */
function findTitle(lines: LayoutLine[], hint: string | undefined): ReturnType<typeof titleMatch> {
  const fromHint = hint ? titleMatch(arabicYears(compact(hint))) : null;
  if (fromHint) return fromHint;
  // Each line's compare form, made when first asked for: most titles stand in the first lines.
  const n = Math.min(200, lines.length);
  const texts: string[] = [];
  const textOf = (i: number) => (i < n ? (texts[i] ??= arabicYears(compact(lineText(lines[i]!, "")))) : "");
  let joined = "";
  for (let i = 0; i < Math.min(8, n); i++) {
    if (lines[i]!.isTableRow) continue;
    joined += textOf(i);
    const m = titleMatch(joined);
    if (m) return completed(m, textOf(i + 1));
    if (joined.length > 80) break;
  }
  // Pages whose title sits lower (after a CMS metadata block): the first short line that
  // reads as a title, or that does with the short line after it (a title wrapped once).
  for (let i = 0; i < n; i++) {
    const text = textOf(i);
    if (text.length > 60) continue;
    const next = textOf(i + 1);
    const m = titleMatch(text) ?? (next.length <= 10 ? titleMatch(text + next) : null);
    if (m) return completed(m, next);
  }
  return null;
}

const ORGAN_SUFFIX = /(人民政府|政府|委员会|管委会|办公室|办公厅|局|厅|部|署|院|委|中心|实验区|新区|开发区|街道|街道办事处|乡|镇|区|县|市|省)$/;

/** The organ named before the year ("XX县人民政府2020年…"), else after it ("2020年XX局…"). */
function organOf(before: string, after: string): string | null {
  const b = before.replace(/^[“"《【[]+|[”"》】\]]+$/g, "").replace(/关于$/, "");
  if (b) return b;
  const a = after.replace(/^[“"《]+|[”"》]+$/g, "");
  return a && ORGAN_SUFFIX.test(a) ? a : a || null;
}

/** "本报告由XX编制/根据…" in the preface names the organ when the title does not. */
function organFromPreface(text: string): string | null {
  const m = /由(.{2,30}?)(?:根据|依据|按照|编制|发布)/.exec(text);
  return m ? m[1]! : null;
}

/** 统计期限/期间 …自 2024 年 1 月 1 日至 2024 年 12 月 31 日. */
function periodYear(text: string): number | null {
  // 日 may be missing: OCR drops a line's last character, and the next line follows.
  const m = /((?:19|20)\d{2})年1月1日(?:起)?(?:至|到|—|-|～|~)(?:((?:19|20)\d{2})年)?12月31(?!\d)/.exec(text);
  if (!m) return null;
  const start = Number(m[1]);
  const end = m[2] ? Number(m[2]) : start;
  return start === end ? start : null;
}

export function readMeta(lines: LayoutLine[], hint: string | undefined): ReportMeta {
  const title = findTitle(lines, hint);
  const head = arabicYears(compact(lines.slice(0, 60).map((l) => lineText(l, "")).join("")));
  const period = periodYear(head) ?? periodYear(arabicYears(compact(lines.map((l) => lineText(l, "")).join(""))));
  const meta: ReportMeta = {
    title: title?.title ?? null,
    organ: title?.organ ?? organFromPreface(head),
    year: period ?? title?.year ?? null,
  };
  if (period !== null && title && period !== title.year) meta.yearConflict = { period, title: title.year };
  return meta;
}

/** A report's title anywhere in a line: the year, then 信息公开…报告 (a menu link "政府信息公开年报" has no year). */
const TITLE_ANYWHERE = /(?:19|20)\d{2}年度?.{0,40}?(?:信息公开|政务公开).{0,4}?(?:报告|年报)|(?:信息公开|政务公开)(?:工作)?(?:年度)?(?:报告|年报)[(（](?:19|20)\d{2}/;
/** The preface most reports open with: "根据《中华人民共和国政府信息公开条例》……编制本报告". */
const PREFACE = /信息公开条例.{0,120}?(?:本报告|本年度报告|年度报告)/;

/**
 * Whether the text is a government information-disclosure report at all: it has the
 * template's tables, the usual preface, or a title with its year (on one line or split
 * over up to three, as titles often are). Words alone are not enough: every page of a
 * government site links to its 政府信息公开年报 from the menu.
 */
export function looksLikeReport(lines: LayoutLine[]): boolean {
  const texts = lines.map((l) => arabicYears(compact(lineText(l, ""))));
  const text = texts.join("");
  if (tableText("applications", text) || tableText("reviewLitigation", text) || PREFACE.test(text)) return true;
  return texts.some((_, i) => TITLE_ANYWHERE.test(texts.slice(i, i + 3).join("")));
}
