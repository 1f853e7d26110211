/**
 * Chapters (一、总体情况 … 六、其他需要报告的事项) found by what their headings say,
 * not by their numbers: reports reword them, and appendices renumber the tables.
 */
import type { LayoutLine } from "../model/layout.js";
import { lineText } from "../model/layout.js";
import type { Sections } from "../model/record.js";
import { CHAPTER_HEADING, CHAPTER_KINDS, chapterCues, type ChapterKind } from "../definition/index.js";
import { compact, tidyCjkSpaces } from "./_shared/text.js";

export interface Heading {
  kind: ChapterKind;
  line: number;
}

const CUES = chapterCues();

/** Every line that reads as a chapter heading, in document order. */
export function findHeadings(lines: LayoutLine[]): Heading[] {
  const headings: Heading[] = [];
  lines.forEach((line, index) => {
    if (line.isTableRow) return;
    const text = compact(lineText(line, ""));
    const m = CHAPTER_HEADING.exec(text);
    if (!m) return;
    const title = m[1]!;
    const kind = CHAPTER_KINDS.find((k) => CUES[k].test(title));
    if (kind) headings.push({ kind, line: index });
  });
  return headings;
}

/** Line ranges [start, end) of each occurrence of a chapter, body only (heading excluded). */
export function chapterRanges(headings: Heading[], lineCount: number, kind: ChapterKind): [number, number][] {
  const ranges: [number, number][] = [];
  headings.forEach((h, i) => {
    if (h.kind !== kind) return;
    const next = headings[i + 1];
    ranges.push([h.line + 1, next ? next.line : lineCount]);
  });
  return ranges;
}

const SENTENCE_END = /[。！？!?：:；;）)」”]$/;
const ITEM_START = /^(（[一二三四五六七八九十\d]+）|[一二三四五六七八九十]+是|\d+[.、．]|[一二三四五六七八九十]+、)/;

/**
 * Joins the visual lines of a chapter into paragraphs. HTML blocks are paragraphs
 * already; PDF and text lines wrap, so a line continues the previous one unless that
 * one ended a sentence short of the full width, or this one is indented or numbered.
 */
export function paragraphs(chapterLines: LayoutLine[]): string {
  const lines = chapterLines.filter((l) => !l.isTableRow);
  const texts = lines.map((l) => tidyCjkSpaces(lineText(l, " ").trim()));
  if (lines.some((l) => l.cells[0]?.origin.kind === "html-text")) return texts.filter(Boolean).join("\n");
  const full = Math.max(0, ...texts.map((t) => t.length));
  const left = Math.min(...lines.map((l) => l.x0 ?? 0));
  const out: string[] = [];
  texts.forEach((text, i) => {
    const prev = i > 0 ? texts[i - 1]! : undefined;
    const indented = (lines[i]!.x0 ?? left) - left > 12;
    const breaks = prev === undefined || indented || ITEM_START.test(text) || (SENTENCE_END.test(prev) && prev.length < full * 0.9);
    if (breaks || out.length === 0) out.push(text);
    else out[out.length - 1] += /[A-Za-z0-9]$/.test(out.at(-1)!) && /^[A-Za-z0-9]/.test(text) ? ` ${text}` : text;
  });
  return out.join("\n");
}

/** Site chrome that can follow the last chapter on a web page when the body was not isolated. */
const PAGE_CHROME = /^(主办单位|承办单位|主办|版权所有|网站标识码|网站地图|联系我们|打印本页|【?打印】?|【?关闭】?|关闭窗口|分享到|扫一扫|相关链接|上一篇|下一篇|附件[:：]?$)|ICP备|公网安备/;

export function extractSections(lines: LayoutLine[], headings: Heading[]): Sections {
  const section = (kind: ChapterKind): string | null => {
    const range = chapterRanges(headings, lines.length, kind)[0];
    if (!range) return null;
    let end = range[1];
    for (let i = range[0]; i < end; i++) if (PAGE_CHROME.test(compact(lineText(lines[i]!, "")))) end = i;
    const text = paragraphs(lines.slice(range[0], end));
    return text.trim() === "" ? null : text;
  };
  return { overview: section("overview"), problems: section("problems"), other: section("other") };
}
