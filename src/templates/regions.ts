/**
 * Where each template table lies. HTML tables are classified by their own content;
 * in text and PDF the tables are found inside their chapters (or, without chapter
 * headings, between their own header cues), starting at the table's header so that
 * numbers in the narrative above never read as table rows.
 */
import type { LayoutLine } from "../model/layout.js";
import { lineText } from "../model/layout.js";
import { chapterRanges, type Heading } from "./chapters.js";
import { ACTIVE_HEADER, APPLICATIONS_HEADER, REVIEW_HEADER, TABLE_TEXT, type ChapterKind, type TableId } from "./labels.js";
import { compact } from "./_shared/text.js";

export type { TableId } from "./labels.js";

/** The line indices of a table, in document order. */
export type Region = number[];

const HEADER: Record<TableId, RegExp> = { active: ACTIVE_HEADER, applications: APPLICATIONS_HEADER, review: REVIEW_HEADER };

/** Weaker cues: enough to recognise the continuation of a table begun on the previous page. */
const CONTINUATION_TEXT: Record<TableId, RegExp> = {
  active: /行政许可|行政处罚|行政强制|事业性收费|集中采购/,
  applications: /不予公开|无法提供|不予处理|其他处理|总计|结转下年|重复申请|信访/,
  review: /维持|纠正|审结/,
};

/**
 * Tables ruled in HTML or read from a page image by OCR: the ones whose text makes
 * them this template table, and the ones that continue it (a table broken by a page
 * break: the part on the next page names no header). A table can be more than one
 * (a Word export that ran tables 三 and 四 together): each parser then reads the rows
 * that are its own.
 */
function gridTables(lines: LayoutLine[], headings: Heading[], id: TableId): Region {
  const byTable = new Map<number, number[]>();
  lines.forEach((l, i) => {
    if (l.isTableRow && l.table !== undefined) byTable.set(l.table, [...(byTable.get(l.table) ?? []), i]);
  });
  const region: Region = [];
  let previous: number[] | undefined;
  for (const indices of byTable.values()) {
    const text = compact(indices.map((i) => lineText(lines[i]!, "")).join(""));
    const headingBetween = previous !== undefined && headings.some((h) => h.line > previous!.at(-1)! && h.line < indices[0]!);
    const continues = previous !== undefined && region.includes(previous[0]!) && !headingBetween && CONTINUATION_TEXT[id].test(text);
    if (TABLE_TEXT[id](text) || continues) region.push(...indices);
    previous = indices;
  }
  return region;
}

/** Lines from the first header cue to the end of the range. */
function fromHeader(lines: LayoutLine[], [start, end]: [number, number], id: TableId): Region {
  for (let i = start; i < end; i++) {
    if (HEADER[id].test(compact(lineText(lines[i]!, "")))) return Array.from({ length: end - i }, (_, k) => i + k);
  }
  return [];
}

const CHAPTER_OF: Record<TableId, ChapterKind> = { active: "active", applications: "applications", review: "review" };

/** Text/PDF without usable chapter headings: between one table's header cue and the next's. */
function byCues(lines: LayoutLine[], id: TableId): Region {
  const texts = lines.map((l) => compact(lineText(l, "")));
  const firstOf = (re: RegExp, from = 0) => {
    for (let i = from; i < texts.length; i++) if (re.test(texts[i]!)) return i;
    return -1;
  };
  const t2 = firstOf(/第二十条|信息内容/);
  const t3 = firstOf(/申请人情况|本年新收/);
  const t4 = firstOf(/行政复议/, t3 >= 0 ? t3 + 1 : 0);
  const n = texts.length;
  const ranges: Record<TableId, [number, number]> = {
    active: [t2, t3 > t2 ? t3 : n],
    applications: [t3, t4 > t3 ? t4 : n],
    review: [t4, n],
  };
  const [start, end] = ranges[id];
  return start >= 0 && end > start ? Array.from({ length: end - start }, (_, k) => start + k) : [];
}

/**
 * Candidate regions for a table, best first. Several candidates arise when a chapter
 * occurs twice (main text and a statistics appendix): the caller takes the first that
 * yields rows.
 */
export function findRegions(lines: LayoutLine[], headings: Heading[], id: TableId): Region[] {
  const candidates: Region[] = [];
  const html = gridTables(lines, headings, id);
  if (html.length > 0) candidates.push(html);
  for (const range of chapterRanges(headings, lines.length, CHAPTER_OF[id])) {
    const region = fromHeader(lines, range, id).filter((i) => !lines[i]!.isTableRow || html.length === 0);
    if (region.length > 0) candidates.push(region);
  }
  const cues = byCues(lines, id).filter((i) => !lines[i]!.isTableRow || html.length === 0);
  if (cues.length > 0) candidates.push(cues);
  return candidates;
}
