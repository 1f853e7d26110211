/**
 * Words of the page pass read far too short for their box, read again on their own. On a
 * borderless table a row's label that wraps onto two lines, its values printed between
 * them, is cut into lines badly by the page pass: qinghe-2020 printed without rulings and
 * scanned at 200 dpi read 2.其他法律行政法规禁止公开 as "2", boxed over both lines, and the
 * row matched none of the template's. Read alone, as a cell of a ruled table is, the same
 * ink reads right.
 */
import { components } from "../../layout/raster/components.js";
import { crop, type Raster } from "../../layout/raster/raster.js";
import type { OcrPool } from "../_internal/tesseract.js";
import { cleanCell, readText } from "./cells.js";
import { grow, overlaps, type Box, type OcrLine, type OcrWord } from "./words.js";

export interface GarbledContext {
  pool: OcrPool;
  dpi: number;
  threshold: number;
}

/** Characters a word may lack for its box before it is read again: the box is wider than its characters by more than this many. */
const SLACK = 2;

/** A reading of the word's box alone is taken when it is at least this sure. */
const SURE = 60;

/**
 * The height of a line of the page's text: the median height of the pass's lines (a
 * wrapped label read as one line is taller, but is one among many).
 */
function lineHeight(lines: OcrLine[]): number {
  const heights = lines.map((l) => l.box[3] - l.box[1]).sort((a, b) => a - b);
  return heights[Math.floor(heights.length / 2)] ?? 0;
}

const characters = (word: OcrWord) => [...word.text.replace(/\s+/g, "")].length;

/** A word whose box is much wider than its characters (a character is about as wide as a line is high, a digit half that). */
function tooWide(word: OcrWord, line: number): boolean {
  return !word.alone && word.box[2] - word.box[0] > (characters(word) + SLACK) * line;
}

/**
 * Whether much of the ink in the word's box is read by no word of the pass: neither by
 * this word's own characters (as wide as they can be, from its left edge) nor by another
 * word over it. Tesseract boxes Chinese words and characters loosely — a 第 boxed over
 * 第二十条第, the other four read as words of their own over the same ink — so what a
 * box spans does not say what was read; what no word reads does.
 */
function inkUnread(word: OcrWord, others: Box[], line: number, page: Raster, ctx: GarbledContext): boolean {
  const [x0, y0, x1, y1] = word.box.map(Math.round) as Box;
  const ink = components(crop(page, x0, y0, x1 - x0, y1 - y0), ctx.threshold, DUST).map((m): Box => [m.x0 + x0, m.y0 + y0, m.x1 + x0 + 1, m.y1 + y0 + 1]);
  const own: Box = [x0, y0, x0 + (characters(word) + 1) * line, y1];
  const readers = [own, ...others.filter((b) => overlaps(b, word.box))].map((b) => grow(b, 2));
  const area = (b: Box) => Math.max(1, b[2] - b[0]) * Math.max(1, b[3] - b[1]);
  const total = ink.reduce((n, m) => n + area(m), 0);
  const unread = ink.filter((m) => !readers.some((r) => overlaps(r, m))).reduce((n, m) => n + area(m), 0);
  return total > 0 && unread / total > UNREAD;
}

/** More of the ink than this (by area) read by no word: the word was read short. */
const UNREAD = 0.25;

/** Marks smaller than this (pixels) are dust, not writing a reading missed. */
const DUST = 6;

/** Reads again, in place, the words of `lines` (boxes in `page` pixels) whose text is far too short for their box. */
export async function rereadGarbled(lines: OcrLine[], page: Raster, ctx: GarbledContext): Promise<void> {
  const line = lineHeight(lines);
  if (line <= 0) return;
  const words = lines.flatMap((l) => l.words);
  const garbled = words.filter((w) => tooWide(w, line) && inkUnread(w, words.filter((o) => o !== w).map((o) => o.box), line, page, ctx));
  await Promise.all(
    garbled.map(async (word) => {
      const [x0, y0, x1, y1] = grow(word.box, Math.round(line / 4));
      const cell = cleanCell(page, [x0, y0, x1, y1], 0, ctx.threshold, ctx.dpi);
      if (cell.marks.length === 0) return;
      const again = await readText(cell, ctx.pool, ctx.dpi);
      const longer = [...again.text.replace(/\s+/g, "")].length > characters(word);
      if (longer && again.confidence >= SURE) {
        word.text = again.text;
        word.confidence = again.confidence;
      }
    }),
  );
}
