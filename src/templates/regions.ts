/**
 * Where each template table lies. HTML tables are classified by their own content;
 * in text and PDF the tables are found inside their chapters (or, without chapter
 * headings, between their own header cues), starting at the table's header so that
 * numbers in the narrative above never read as table rows.
 */
import { TABLE_KEYS, TEMPLATES, tableText, type TableKey } from "../definition/index.js";
import type { LayoutCell, LayoutLine } from "../model/layout.js";
import { lineText } from "../model/layout.js";
import { chapterRanges, type Heading } from "./chapters.js";
import { compact } from "./_shared/text.js";

/** The line indices of a table, in document order. */
export type Region = number[];

/** How a table is found: both versions print the same cues. */
const cuesOf = (id: TableKey) => TEMPLATES["2021"].tables[id].cues;

/**
 * Tables ruled in HTML or read from a page image by OCR: the ones whose text makes
 * them this template table, and the ones that continue it (a table broken by a page
 * break: the part on the next page names no header). A table can be more than one
 * (a Word export that ran tables 三 and 四 together): each parser then reads the rows
 * that are its own.
 */
function gridTables(lines: LayoutLine[], headings: Heading[], id: TableKey): Region {
  const byTable = new Map<number, number[]>();
  lines.forEach((l, i) => {
    if (l.isTableRow && l.table !== undefined) byTable.set(l.table, [...(byTable.get(l.table) ?? []), i]);
  });
  const region: Region = [];
  let previous: number[] | undefined;
  for (const indices of byTable.values()) {
    const text = compact(indices.map((i) => lineText(lines[i]!, "")).join(""));
    const headingBetween = previous !== undefined && headings.some((h) => h.line > previous!.at(-1)! && h.line < indices[0]!);
    // A part that starts right after the previous part with the same number of columns
    // continues it even when it names nothing (table 四's row of numbers alone on the next page).
    const sameGrid = previous !== undefined && indices[0] === previous.at(-1)! + 1 && (gridWidth(lines, indices) === gridWidth(lines, previous) || sameValueColumns(lines[previous.at(-1)!]!, lines[indices[0]!]!));
    const continues = previous !== undefined && region.includes(previous[0]!) && !headingBetween && (sameGrid || cuesOf(id).continuation.test(text));
    if (tableText(id, text) || continues) region.push(...indices);
    previous = indices;
  }
  return region;
}

/**
 * Whether two grid rows end in the same columns: their last three cells or more (the
 * value columns) as wide as each other. A page may rule fewer columns of a table than
 * the page before (a group's label column whose cell goes on across the break, ruled
 * on neither page), so column counts differ while the value columns stay.
 */
function sameValueColumns(a: LayoutLine, b: LayoutLine): boolean {
  const n = Math.min(a.cells.length, b.cells.length);
  if (n < 3) return false;
  const width = (c: LayoutCell) => (c.gridExtent ? c.gridExtent[1] - c.gridExtent[0] : NaN);
  return a.cells.slice(-n).every((c, i) => {
    const [wa, wb] = [width(c), width(b.cells[b.cells.length - n + i]!)];
    return Math.abs(wa - wb) <= Math.max(1.5, 0.03 * wa);
  });
}

/** The number of grid columns a table's rows span. */
function gridWidth(lines: LayoutLine[], indices: number[]): number {
  return Math.max(...indices.flatMap((i) => lines[i]!.cells.map((c) => (c.col ?? 0) + (c.colSpan ?? 1))));
}

/** Lines from the first header cue to the end of the range. */
function fromHeader(lines: LayoutLine[], [start, end]: [number, number], id: TableKey): Region {
  for (let i = start; i < end; i++) {
    if (cuesOf(id).header.test(compact(lineText(lines[i]!, "")))) return Array.from({ length: end - i }, (_, k) => i + k);
  }
  return [];
}

/** Text/PDF without usable chapter headings: between one table's header cue and the next's. */
function byCues(lines: LayoutLine[], id: TableKey): Region {
  const texts = lines.map((l) => compact(lineText(l, "")));
  const firstOf = (re: RegExp, from = 0) => {
    for (let i = from; i < texts.length; i++) if (re.test(texts[i]!)) return i;
    return -1;
  };
  // Each table starts at its own cue; table 四's (行政复议) is also said in the text before
  // table 三, so it is looked for after table 三's start.
  const starts: number[] = [];
  for (const key of TABLE_KEYS) {
    const previous = starts.at(-1) ?? -1;
    starts.push(firstOf(cuesOf(key).start, previous >= 0 && key === "reviewLitigation" ? previous + 1 : 0));
  }
  const n = texts.length;
  const index = TABLE_KEYS.indexOf(id);
  const start = starts[index]!;
  const next = starts[index + 1];
  const end = next !== undefined && next > start ? next : n;
  return start >= 0 && end > start ? Array.from({ length: end - start }, (_, k) => start + k) : [];
}

/**
 * Candidate regions for a table, best first. Several candidates arise when a chapter
 * occurs twice (main text and a statistics appendix): the caller takes the first that
 * yields rows.
 */
export function findRegions(lines: LayoutLine[], headings: Heading[], id: TableKey): Region[] {
  const candidates: Region[] = [];
  const html = gridTables(lines, headings, id);
  if (html.length > 0) candidates.push(html);
  for (const range of chapterRanges(headings, lines.length, TEMPLATES["2021"].tables[id].chapter)) {
    const region = fromHeader(lines, range, id).filter((i) => !lines[i]!.isTableRow || html.length === 0);
    if (region.length > 0) candidates.push(region);
  }
  const cues = byCues(lines, id).filter((i) => !lines[i]!.isTableRow || html.length === 0);
  if (cues.length > 0) candidates.push(cues);
  return candidates;
}
