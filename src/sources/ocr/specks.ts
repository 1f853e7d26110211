/**
 * Specks of a scan that the page pass reads as words among a borderless table's values.
 * Left in, they shift a row's values by a column or turn them into label text.
 */
import { components } from "../../layout/raster/components.js";
import { crop, type Raster } from "../../layout/raster/raster.js";
import type { OcrWord } from "./words.js";

/** A value as the page pass reads it: digits, separators, a sign (a minus read as 一 among them). */
export const SIGNED = /^[-−－–—一]?\s*(\d[\d,.]*)$/u;

/** Marks a speck of a scan reads as: a quote, comma, colon or stop — never a value, and a text token where a value stands. */
const SPECK = /^[，,、'"“”‘’`:：;；·]+$/u;

/**
 * A word that is a speck of the scan among a row's values: read as punctuation, or read
 * as anything (入, 和) over ink no bigger than dust, apart from the words beside it, one of
 * which is a number. In a borderless table such a word left the row null (chengjiang-2022
 * printed without rulings, scanned at 200 dpi: a ” before 11 made eight values of a
 * seven-column row, a ， between two 0s turned the row's values into label text;
 * minghu-2021's table 四 read 入 and 和 over dust among its fifteen values). A digit's ink
 * is never dust, and loose-numbers.ts has settled number-shaped marks already; the prose's
 * punctuation, between words, stays.
 */
export function isSpeck(word: OcrWord, before: OcrWord | undefined, after: OcrWord | undefined, line: { box: readonly number[] }, page: Raster, threshold: number, dpi: number): boolean {
  const em = Math.max(1, line.box[3]! - line.box[1]!);
  const apart = (gap: number) => gap > 0.3 * em;
  if (before && !apart(word.box[0] - before.box[2])) return false;
  if (after && !apart(after.box[0] - word.box[2])) return false;
  const number = (w: OcrWord | undefined) => w !== undefined && SIGNED.test(w.text);
  // A number is a value, whatever its box holds: tesseract puts a box beside its ink at
  // times (a 1 of pingtan-2023's table 三 boxed 2 px wide, on no ink).
  if (number(word) || (!number(before) && !number(after))) return false;
  return SPECK.test(word.text) || isDust(word.box, page, threshold, dpi);
}

/** Ink no mark of which is a fortieth of an inch tall or wide (5 px at 200 dpi), or none that the threshold keeps: no character, digit or dash is so small. */
export function isDust(box: readonly number[], page: Raster, threshold: number, dpi: number): boolean {
  const [x0, y0, x1, y1] = box.map(Math.round) as [number, number, number, number];
  const marks = components(crop(page, x0 - 1, y0 - 1, x1 - x0 + 2, y1 - y0 + 2), threshold, 1);
  const limit = dpi / 40;
  return marks.every((m) => m.x1 - m.x0 + 1 < limit && m.y1 - m.y0 + 1 < limit);
}

