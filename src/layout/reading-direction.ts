/**
 * A page whose text runs sideways or upside down as displayed (a /Rotate the content does
 * not compensate — a portrait page turned for a landscape table, a page rotated by a
 * tool): its coordinates are turned a quarter turn at a time until the text reads left to
 * right, top to bottom, so that lines, tables and rulings come out as on an upright page.
 * Decided by the direction most of the page's text runs in.
 */
import { multiply, type Matrix } from "./pdf-rulings.js";

/** A text item's direction as displayed (its baseline vector in viewport space), and its length in characters. */
export interface TextDirection {
  dx: number;
  dy: number;
  chars: number;
}

export interface UprightFrame {
  /** Viewport coordinates (points, top-left origin) → upright ones. */
  matrix: Matrix;
  width: number;
  height: number;
  /** Quarter turns applied, counter-clockwise: 0 for a page that already reads upright. */
  turns: 0 | 1 | 2 | 3;
}

/** Which way a baseline runs as displayed: 0 right, 1 down, 2 left, 3 up (y grows downward). */
function heading({ dx, dy }: TextDirection): 0 | 1 | 2 | 3 {
  if (Math.abs(dx) >= Math.abs(dy)) return dx >= 0 ? 0 : 2;
  return dy > 0 ? 1 : 3;
}

/**
 * The frame in which the page reads upright: `viewport` (pdf.js's viewport transform) turned
 * by the quarter turns that bring the prevailing text direction — that of more than half
 * the page's characters — to left-to-right.
 */
export function uprightFrame(viewport: Matrix, width: number, height: number, directions: TextDirection[]): UprightFrame {
  const chars = [0, 0, 0, 0];
  for (const d of directions) chars[heading(d)]! += d.chars;
  const total = chars.reduce((a, b) => a + b, 0);
  const turns = chars.findIndex((n) => n * 2 > total);
  // Text running down (1): x' = y, y' = W − x; upside down (2): x' = W − x, y' = H − y; up (3): x' = H − y, y' = x.
  const turn: Record<1 | 2 | 3, Matrix> = { 1: [0, -1, 1, 0, 0, width], 2: [-1, 0, 0, -1, width, height], 3: [0, 1, -1, 0, height, 0] };
  if (turns <= 0) return { matrix: viewport, width, height, turns: 0 };
  const t = turns as 1 | 2 | 3;
  return { matrix: multiply(turn[t], viewport), width: t === 2 ? width : height, height: t === 2 ? height : width, turns: t };
}
