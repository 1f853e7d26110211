/** Title, organ and statistics year of a report. */
import type { LayoutLine } from "../model/layout.js";
import { lineText } from "../model/layout.js";
import { compact } from "./_shared/text.js";

export interface ReportMeta {
  title: string | null;
  organ: string | null;
  year: number | null;
  /** Year from the statistics period and from the title, when they disagree. */
  yearConflict?: { period: number; title: number };
}

const REPORT_TITLE = /^(.{0,40}?)((?:19|20)\d{2})年度?(.{0,40}?)(?:政府信息公开|政务公开|信息公开)(?:工作)?(?:年度)?(?:报告|年报)/;

/** The title: the page's own title hint, else the first lines joined until they name the report. */
function findTitle(lines: LayoutLine[], hint: string | undefined): string | null {
  if (hint && REPORT_TITLE.test(compact(hint))) return compact(hint);
  let joined = "";
  for (const line of lines.slice(0, 8)) {
    if (line.isTableRow) continue;
    joined += compact(lineText(line, ""));
    const m = REPORT_TITLE.exec(joined);
    if (m) return joined.slice(0, m.index + m[0].length);
    if (joined.length > 80) break;
  }
  // Pages whose title sits lower (after a CMS metadata block): the first short line that reads as a title.
  for (const line of lines.slice(0, 200)) {
    const text = compact(lineText(line, ""));
    if (text.length <= 60 && REPORT_TITLE.test(text)) return text.slice(0, REPORT_TITLE.exec(text)!.index + REPORT_TITLE.exec(text)![0].length);
  }
  return null;
}

const ORGAN_SUFFIX = /(人民政府|政府|委员会|管委会|办公室|办公厅|局|厅|部|署|院|委|中心|实验区|新区|开发区|街道|街道办事处|乡|镇|区|县|市|省)$/;

function organFromTitle(title: string): string | null {
  const m = REPORT_TITLE.exec(title);
  if (!m) return null;
  const before = m[1]!.replace(/^[“"《【[]+|[”"》】\]]+$/g, "").replace(/关于$/, "");
  if (before) return before;
  const after = m[3]!.replace(/^[“"《]+|[”"》]+$/g, "");
  return after && ORGAN_SUFFIX.test(after) ? after : after || null;
}

/** "本报告由XX编制/根据…" in the preface names the organ when the title does not. */
function organFromPreface(text: string): string | null {
  const m = /由(.{2,30}?)(?:根据|依据|按照|编制|发布)/.exec(text);
  return m ? m[1]! : null;
}

/** 统计期限/期间 …自 2024 年 1 月 1 日至 2024 年 12 月 31 日. */
function periodYear(text: string): number | null {
  const m = /((?:19|20)\d{2})年1月1日(?:起)?(?:至|到|—|-|～|~)(?:((?:19|20)\d{2})年)?12月31日/.exec(text);
  if (!m) return null;
  const start = Number(m[1]);
  const end = m[2] ? Number(m[2]) : start;
  return start === end ? start : null;
}

export function readMeta(lines: LayoutLine[], hint: string | undefined): ReportMeta {
  const title = findTitle(lines, hint);
  const head = compact(
    lines
      .slice(0, 60)
      .map((l) => lineText(l, ""))
      .join(""),
  );
  const all = head.length > 0 ? compact(lines.map((l) => lineText(l, "")).join("")) : "";
  const titleYear = title ? Number(REPORT_TITLE.exec(title)?.[2]) || null : null;
  const period = periodYear(head) ?? periodYear(all);
  const meta: ReportMeta = {
    title,
    organ: (title ? organFromTitle(title) : null) ?? organFromPreface(head),
    year: period ?? titleYear,
  };
  if (period !== null && titleYear !== null && period !== titleYear) meta.yearConflict = { period, title: titleYear };
  return meta;
}

/** Whether the text is a government information-disclosure report at all. */
export function looksLikeReport(lines: LayoutLine[]): boolean {
  const text = compact(lines.map((l) => lineText(l, "")).join(""));
  const aboutDisclosure = /政府信息公开|政务公开|信息公开/.test(text);
  const isReport = /年度报告|年报|工作报告/.test(text);
  const hasTable = /本年新收/.test(text) && /予以公开/.test(text);
  return (aboutDisclosure && isReport) || hasTable;
}
