/**
 * Connected components of ink, used to tell a cell of digits from a cell of Chinese
 * before reading it (digits go to a digit-only reader, which is more accurate and
 * faster): digits are narrow marks of one height on one line; Chinese characters are
 * made of many marks of every shape and size.
 */
import type { Raster } from "./raster.js";

export interface Component {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  area: number;
}

export function components(r: Raster, threshold: number, minArea = 4): Component[] {
  const seen = new Uint8Array(r.width * r.height);
  const out: Component[] = [];
  const stack: number[] = [];
  for (let start = 0; start < r.data.length; start++) {
    if (seen[start] || r.data[start]! >= threshold) continue;
    seen[start] = 1;
    stack.push(start);
    const c: Component = { x0: Infinity, y0: Infinity, x1: -1, y1: -1, area: 0 };
    while (stack.length > 0) {
      const p = stack.pop()!;
      const x = p % r.width;
      const y = (p - x) / r.width;
      c.area++;
      if (x < c.x0) c.x0 = x;
      if (x > c.x1) c.x1 = x;
      if (y < c.y0) c.y0 = y;
      if (y > c.y1) c.y1 = y;
      const neighbours = [x > 0 ? p - 1 : -1, x < r.width - 1 ? p + 1 : -1, y > 0 ? p - r.width : -1, y < r.height - 1 ? p + r.width : -1];
      for (const q of neighbours) {
        if (q >= 0 && !seen[q] && r.data[q]! < threshold) {
          seen[q] = 1;
          stack.push(q);
        }
      }
    }
    if (c.area >= minArea) out.push(c);
  }
  return out;
}

/**
 * Marks that overlap horizontally belong to one glyph (thin strokes of a scanned "2"
 * break into pieces; a Chinese character is made of several radicals). Marks that share
 * a single column, or stand at most one blank column apart, are one glyph only when
 * together they are no wider than a digit: a serif "0" whose thin top and bottom strokes
 * a scan without anti-aliasing broke leaves two halves that meet, or nearly
 * (Ghostscript's black-and-white scan of a print: "201973" counted seven digits, and the
 * digit reader, asked for seven, read 1201973; "409.13" was read 1409.13), while two
 * digits that close together are wider than that (narrow ones, a "1", stand further apart).
 */
export function glyphs(marks: Component[]): Component[] {
  const sorted = [...marks].sort((a, b) => a.x0 - b.x0);
  const out: Component[] = [];
  const oneDigitWide = (a: Component, b: Component) => Math.max(a.x1, b.x1) - a.x0 + 1 <= 0.8 * (Math.max(a.y1, b.y1) - Math.min(a.y0, b.y0) + 1);
  for (const m of sorted) {
    const last = out.at(-1);
    if (last && (m.x0 <= last.x1 - 1 || (m.x0 <= last.x1 + 2 && oneDigitWide(last, m)))) {
      last.x1 = Math.max(last.x1, m.x1);
      last.y0 = Math.min(last.y0, m.y0);
      last.y1 = Math.max(last.y1, m.y1);
      last.area += m.area;
    } else out.push({ ...m });
  }
  return out;
}

/** The shape of ink that may be a number: its digit glyphs and their height. */
export interface NumberShape {
  digits: number;
  height: number;
  /** A minus sign (-, −, －) before the digits. */
  negative: boolean;
  /**
   * A decimal point between the digits: a small round mark whose bottom sits on the digits'
   * baseline (a thousands comma hangs below it). A reading without a point is then wrong.
   */
  point: boolean;
  /** Where that point stands: after how many digits (null without one). */
  pointAfter: number | null;
}

/**
 * Whether the ink is shaped like a number: at most 14 glyphs, narrow (digits are about
 * half as wide as tall, Chinese characters square), of one height, on one line.
 * Returns the digit count and height, or null.
 */
export function numberShape(marks: Component[], image?: Raster, threshold = 128): NumberShape | null {
  const all = glyphs(marks);
  if (all.length === 0 || all.length > 14) return null;
  const height = Math.max(...all.map((m) => m.y1 - m.y0 + 1));
  // Decimal points and thousands separators are small; everything else is a digit.
  const digits = all.filter((m) => m.y1 - m.y0 + 1 > height * 0.45);
  if (digits.length === 0) return null;
  const mid = digits.map((m) => (m.y0 + m.y1) / 2);
  const oneLine = Math.max(...mid) - Math.min(...mid) < height * 0.35;
  const narrow = digits.every((m) => m.x1 - m.x0 + 1 <= (m.y1 - m.y0 + 1) * 0.9);
  const sameHeight = digits.every((m) => m.y1 - m.y0 + 1 >= height * 0.7);
  if (!(oneLine && narrow && sameHeight)) return null;
  // Characters printed one above the other (a vertical header 结/果/维/持) merge into one
  // narrow, tall glyph; blank rows inside it give them away. A digit has none.
  if (image && digits.some((g) => hasBlankBand(image, g, threshold))) return null;
  const point = pointMark(all, digits, height);
  return { digits: digits.length, height, negative: isMinus(all[0]!, digits), point: point !== undefined, pointAfter: point ? digits.filter((d) => d.x1 < point.x0).length : null };
}

/** A small round mark between the first and the last digit, on their baseline (see NumberShape.point). */
function pointMark(all: Component[], digits: Component[], height: number): Component | undefined {
  const bottom = Math.max(...digits.map((d) => d.y1));
  const [first, last] = [digits[0]!, digits.at(-1)!];
  return all.find((m) => {
    if (digits.includes(m) || m.x0 <= first.x1 || m.x1 >= last.x0) return false;
    const [w, h] = [m.x1 - m.x0 + 1, m.y1 - m.y0 + 1];
    return h <= height * 0.3 && w <= 2 * h && h <= 2 * w && Math.abs(m.y1 - bottom) <= Math.max(1, height * 0.12);
  });
}

/**
 * Whether `first` is a minus sign in front of the digits: a flat bar (at least twice as
 * wide as thick, a third of a digit long or more), left of them, at their middle height.
 */
function isMinus(first: Component, digits: Component[]): boolean {
  const lead = digits[0]!;
  if (first === lead || first.x1 >= lead.x0) return false;
  const top = Math.min(...digits.map((d) => d.y0));
  const bottom = Math.max(...digits.map((d) => d.y1));
  const height = bottom - top + 1;
  const width = first.x1 - first.x0 + 1;
  const thick = first.y1 - first.y0 + 1;
  const middle = (first.y0 + first.y1) / 2;
  return width >= 2 * thick && width >= height * 0.3 && thick <= height * 0.25 && middle > top + height * 0.3 && middle < top + height * 0.75;
}

/**
 * Whether a run of ink-free rows (a tenth of the glyph's height or more) cuts the glyph
 * into characters: each part a third of its height or more, as stacked characters are. A
 * digit whose stroke broke on a noisy scan leaves a short part (the bar of a 7 apart from
 * its stem: huaian-2024 scanned at 300 dpi, 447 of table 三 read as text) and stays a digit.
 */
function hasBlankBand(image: Raster, g: Component, threshold: number): boolean {
  const height = g.y1 - g.y0 + 1;
  const need = Math.max(3, Math.round(height * 0.1));
  const inkRow = (y: number) => {
    for (let x = g.x0; x <= g.x1; x++) if (image.data[y * image.width + x]! < threshold) return true;
    return false;
  };
  let run = 0;
  for (let y = g.y0 + 1; y < g.y1; y++) {
    if (!inkRow(y)) {
      run++;
      continue;
    }
    // The band ended at y: the part above it runs from g.y0 to its start, the part below from y.
    if (run >= need && y - run - g.y0 >= height / 3 && g.y1 - y + 1 >= height / 3) return true;
    run = 0;
  }
  return false;
}

/** The median of the heights: in a table, the height its digits are printed at. */
export function typicalHeight(shapes: (NumberShape | null)[]): number | null {
  const heights = shapes.filter((s): s is NumberShape => s !== null).map((s) => s.height).sort((a, b) => a - b);
  return heights.length === 0 ? null : heights[Math.floor(heights.length / 2)]!;
}
