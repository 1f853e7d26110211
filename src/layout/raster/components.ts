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

/** Whether the ink looks like a number: ≤ 14 narrow marks of about one height, on one line. */
export function looksNumeric(marks: Component[]): boolean {
  if (marks.length === 0 || marks.length > 14) return false;
  const height = Math.max(...marks.map((m) => m.y1 - m.y0 + 1));
  // Decimal points and thousands separators are small; everything else is a digit.
  const digits = marks.filter((m) => m.y1 - m.y0 + 1 > height * 0.45);
  if (digits.length === 0) return false;
  const mid = digits.map((m) => (m.y0 + m.y1) / 2);
  const oneLine = Math.max(...mid) - Math.min(...mid) < height * 0.35;
  const narrow = digits.every((m) => m.x1 - m.x0 + 1 <= (m.y1 - m.y0 + 1) * 0.9);
  const sameHeight = digits.every((m) => m.y1 - m.y0 + 1 >= height * 0.7);
  return oneLine && narrow && sameHeight;
}
