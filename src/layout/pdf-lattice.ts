/**
 * Ruled tables of a PDF read by their grid (lattice): the rulings the page draws make
 * a cell grid (grid.ts, the code the OCR path uses on pixels), every text fragment goes
 * to the cell its centre lies in, and the table becomes grid rows — one line per grid
 * row, one cell per grid cell with its column and spans, blank cells included — as an
 * HTML table or an OCR'd one does. The template parsers read such rows by grid column,
 * so a value goes to the column it sits under and a blank stays blank.
 *
 * Only grids that look like tables are read this way (at least two rows and two
 * columns, and text in more than one cell); the rest of the page, and pages without
 * such grids, are rebuilt from text positions as before.
 */
import type { LayoutCell, LayoutLine } from "../model/layout.js";
import { CJK_CHAR } from "./cjk.js";
import { buildGrids, type Ruling, type Rulings, type TableGrid } from "./grid.js";
import { markCut, ruledLength, setExtent } from "./split-rows.js";
import type { Fragment, PageFragments } from "./pdf-lines.js";

/** Rulings closer than this (points) are one boundary: a double border, a 1 px offset. */
const TOLERANCE = 3.5;

/** Vector tables are numbered by page (20000 + 100·page + n), apart from HTML's and OCR's. */
export const vectorTableNumber = (page: number, n: number) => 20_000 + 100 * page + n;

const round = (n: number) => Math.round(n * 10) / 10;
const top = (f: Fragment) => f.baseline - f.size * 0.88;
const bottom = (f: Fragment) => f.baseline + f.size * 0.12;
const centre = (f: Fragment): [number, number] => [(f.x0 + f.x1) / 2, f.baseline - f.size * 0.38];

/** Whether a point lies in a box, widened by `margin`. */
const inside = ([x, y]: [number, number], [x0, y0, x1, y1]: [number, number, number, number], margin = 0) =>
  x >= x0 - margin && x <= x1 + margin && y >= y0 - margin && y <= y1 + margin;

/**
 * A fragment that runs over column boundaries with several numbers ("12 0 3", numbers of
 * neighbouring cells drawn as one text item) → one fragment per number, placed by its
 * share of the fragment's width.
 */
function splitAcross(f: Fragment, xs: number[]): Fragment[] {
  const crossed = xs.filter((x) => x > f.x0 + 1 && x < f.x1 - 1).length;
  const words = f.text.trim().split(/\s+/);
  if (crossed === 0 || words.length < 2 || !words.every((w) => /^[\d.,]+$/.test(w))) return [f];
  const perChar = (f.x1 - f.x0) / Math.max(1, f.text.length);
  const out: Fragment[] = [];
  let offset = 0;
  for (const word of words) {
    const at = f.text.indexOf(word, offset);
    offset = at + word.length;
    out.push({ ...f, text: word, x0: f.x0 + at * perChar, x1: f.x0 + offset * perChar });
  }
  return out;
}

/** One printed line of a cell: fragments left to right, CJK joined directly, words a space apart. */
function joinLine(fragments: Fragment[]): string {
  let text = "";
  let last: Fragment | undefined;
  for (const f of [...fragments].sort((a, b) => a.x0 - b.x0)) {
    if (!last) text = f.text;
    else {
      const gap = f.x0 - last.x1;
      const joinCjk = CJK_CHAR.test(text.at(-1) ?? "") && CJK_CHAR.test(f.text[0] ?? "");
      text += gap > 0.2 * f.size && !joinCjk ? ` ${f.text}` : f.text;
    }
    last = f;
  }
  return text.trim();
}

/**
 * A cell's text: its lines top to bottom, joined without a separator except between two
 * numbers (as HTML cells are) — unless the line before is full: a number too wide for
 * its cell wraps ("3" / "0" in a narrow column is 30), and the next line's first
 * character would not have fitted after it.
 */
function cellText(fragments: Fragment[], [cellX0, , cellX1]: [number, number, number, number]): string {
  const lines: { baseline: number; size: number; fragments: Fragment[] }[] = [];
  for (const f of [...fragments].sort((a, b) => a.baseline - b.baseline || a.x0 - b.x0)) {
    const line = lines.find((l) => Math.abs(l.baseline - f.baseline) <= 0.4 * Math.min(l.size, f.size));
    if (line) line.fragments.push(f);
    else lines.push({ baseline: f.baseline, size: f.size, fragments: [f] });
  }
  // The text's right limit: the cell's right edge less the padding seen on its left.
  const padding = Math.max(0, Math.min(...fragments.map((f) => f.x0)) - cellX0);
  const right = cellX1 - padding;
  let out = "";
  let previous: Fragment[] | undefined;
  for (const line of lines.sort((a, b) => a.baseline - b.baseline)) {
    const part = joinLine(line.fragments);
    if (!part) continue;
    const first = [...line.fragments].sort((a, b) => a.x0 - b.x0)[0]!;
    const charWidth = (first.x1 - first.x0) / Math.max(1, first.text.length);
    const full = previous !== undefined && Math.max(...previous.map((f) => f.x1)) + charWidth > right + 0.5;
    out += out && !full && /\d$/.test(out) && /^\d/.test(part) ? ` ${part}` : part;
    previous = line.fragments;
  }
  return out;
}

/** A cell holding more text than this is a text box (a page laid out in a ruled frame), not a table cell. */
const MAX_CELL_TEXT = 160;

/**
 * Whether a grid is a table to read by cells: text in more than one cell, none of them
 * a paragraph, and two rows and two columns at least — or one row of two cells or more
 * (the last row of a table that a page break put on a page of its own).
 */
function isTable(grid: TableGrid, texts: string[]): boolean {
  const rows = grid.ys.length - 1;
  const cols = grid.xs.length - 1;
  const filled = texts.filter((t) => t !== "").length;
  if (filled < 2 || texts.some((t) => t.length > MAX_CELL_TEXT)) return false;
  return (rows >= 2 && cols >= 2 && grid.cells.length >= 4) || (rows === 1 && grid.cells.length >= 2);
}

export interface LatticeResult {
  /** Grid rows of the page's ruled tables, top to bottom. */
  lines: LayoutLine[];
  /** The fragments outside those tables, for the line-by-line reading. */
  rest: Fragment[];
}

/**
 * The rulings without the underlines of text: a horizontal line right under a text line's
 * baseline (an underline sits a tenth of an em below it; a cell border lies below the
 * descenders and the cell's padding) and covered by that text along most of its length.
 * A cell's underlined label (LibreOffice draws <u> as a line under each wrapped line)
 * would otherwise cut its cell into one row per line.
 */
function withoutUnderlines(rulings: Rulings, fragments: Fragment[]): Rulings {
  const underline = (h: Ruling) => {
    const above = fragments.filter((f) => h.at >= f.baseline - 0.05 * f.size && h.at <= f.baseline + 0.2 * f.size && f.x1 > h.from && f.x0 < h.to);
    const covered = above.reduce((sum, f) => sum + Math.min(f.x1, h.to) - Math.max(f.x0, h.from), 0);
    return above.length > 0 && covered >= 0.8 * (h.to - h.from);
  };
  const horizontal = rulings.horizontal.filter((h) => !underline(h));
  return horizontal.length === rulings.horizontal.length ? rulings : { ...rulings, horizontal };
}

/** The ruled tables of a page as grid rows, and the fragments left for the positional reading. */
export function latticeTables(page: PageFragments): LatticeResult {
  const rulings = page.rulings;
  // One line across two (a row a page break left alone, its top edge not drawn) can be a table already.
  if (!rulings || rulings.horizontal.length + rulings.vertical.length < 3) return { lines: [], rest: page.fragments };
  const grids = buildGrids(withoutUnderlines(rulings, page.fragments), TOLERANCE, { closeOpenEnds: true });
  if (grids.length === 0) return { lines: [], rest: page.fragments };
  let rest = page.fragments;
  const lines: LayoutLine[] = [];
  let n = 0;
  for (const grid of grids) {
    const mine: Fragment[] = [];
    const others: Fragment[] = [];
    for (const f of rest) (inside(centre(f), grid.box) ? mine : others).push(f);
    const byCell = new Map<number, Fragment[]>();
    for (const f of mine.flatMap((m) => splitAcross(m, grid.xs))) {
      const c = centre(f);
      let index = grid.cells.findIndex((cell) => inside(c, cell.box));
      if (index < 0) index = grid.cells.findIndex((cell) => inside(c, cell.box, TOLERANCE));
      if (index < 0) continue;
      byCell.set(index, [...(byCell.get(index) ?? []), f]);
    }
    const texts = grid.cells.map((cell, i) => cellText(byCell.get(i) ?? [], cell.box));
    if (!isTable(grid, texts)) continue;
    rest = others;
    const table = vectorTableNumber(page.page, n++);
    for (let row = 0; row < grid.ys.length - 1; row++) {
      const cells: LayoutCell[] = [];
      grid.cells.forEach((cell, i) => {
        if (cell.row !== row) return;
        const fragments = byCell.get(i) ?? [];
        // Provenance: the printed text's box, or the blank cell's own.
        const box: [number, number, number, number] =
          fragments.length > 0
            ? [round(Math.min(...fragments.map((f) => f.x0))), round(Math.min(...fragments.map(top))), round(Math.max(...fragments.map((f) => f.x1))), round(Math.max(...fragments.map(bottom)))]
            : [round(cell.box[0]), round(cell.box[1]), round(cell.box[2]), round(cell.box[3])];
        const layout: LayoutCell = { text: texts[i]!, col: cell.col, colSpan: cell.colSpan, rowSpan: cell.rowSpan, origin: { kind: "pdf", page: page.page, box } };
        setExtent(layout, cell.box[0], cell.box[2], grid.xs[0]!);
        cells.push(layout);
      });
      if (cells.length === 0) continue;
      lines.push({ cells, isTableRow: true, table, page: page.page, top: grid.ys[row]!, bottom: grid.ys[row + 1]!, x0: grid.xs[0]! });
    }
    // A table whose bottom the page does not rule was cut by the page break inside its last row.
    const edge = grid.ys.at(-1)!;
    if (ruledLength(rulings.horizontal, edge, grid.box[0], grid.box[2], TOLERANCE) < 0.5 * (grid.box[2] - grid.box[0]) && lines.length > 0) markCut(lines.at(-1)!);
  }
  return { lines, rest };
}
