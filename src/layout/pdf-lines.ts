/**
 * Rebuilds lines and cells from positioned text fragments. pdf.js returns text items
 * in content-stream order, which in WPS/Word PDFs is not reading order; this puts
 * them back on lines by baseline and splits each line into cells at wide gaps.
 * Coordinates here are points with a top-left origin (y grows downwards).
 */
import type { LayoutCell, LayoutLine } from "../model/layout.js";
import { CJK_CHAR } from "./cjk.js";
import type { Rulings } from "./grid.js";
import { latticeTables } from "./pdf-lattice.js";
import { fillCutRowsFromText, joinSplitRows } from "./split-rows.js";
import type { StruckText } from "./struck-text.js";

export interface Fragment {
  text: string;
  x0: number;
  x1: number;
  /** Baseline, points from the page top. */
  baseline: number;
  /** Font size in points. */
  size: number;
}

export interface PageFragments {
  page: number;
  width: number;
  height: number;
  fragments: Fragment[];
  /** The horizontal and vertical lines the page draws (points, top-left origin). */
  rulings?: Rulings;
  /** Text printed struck through, left out of `fragments` (struck-text.ts). */
  struck?: StruckText[];
  /** The page is a scan whose text is another program's invisible OCR layer (hidden-text.ts). */
  hiddenText?: true;
}

interface DraftLine {
  baseline: number;
  size: number;
  fragments: Fragment[];
}

/** Groups fragments whose baselines lie within ~0.4 em of each other. */
function groupLines(fragments: Fragment[]): DraftLine[] {
  const sorted = [...fragments].sort((a, b) => a.baseline - b.baseline || a.x0 - b.x0);
  const lines: DraftLine[] = [];
  for (const f of sorted) {
    const last = lines.at(-1);
    if (last && Math.abs(f.baseline - last.baseline) <= 0.4 * Math.min(f.size, last.size)) {
      last.fragments.push(f);
      last.size = Math.max(last.size, f.size);
    } else {
      lines.push({ baseline: f.baseline, size: f.size, fragments: [f] });
    }
  }
  return lines;
}

/**
 * A table's label columns can stand closer together than a cell gap: a group label that
 * fills a narrow column ("不予公", "（三）") a few points left of the row's own label
 * ("8.属于行政查询", "案卷"). Where two items are visibly apart (not touching), an item that
 * opens with a row's enumerator after other text, or any item after a group's enumerator
 * standing alone, starts a cell of its own: joined, one row would carry two rows' labels.
 */
const OPENS_LABEL = /^\s*(\d{1,2}\s*[.．、]|[(（][一二三四五六七八九十]{1,3}[)）])\s*(\p{Script=Han}|$)/u;
const GROUP_ENUMERATOR = /^\s*[(（][一二三四五六七八九十]{1,3}[)）]\s*$/;
const startsCell = (text: string, next: string) => (OPENS_LABEL.test(next) && !/第\s*$/.test(text)) || GROUP_ENUMERATOR.test(text);

/**
 * Splits a line into cells where the horizontal gap exceeds ~0.9 em: table cells are
 * far apart, while the words of a cell ("增 113", "2997 万元") sit a space apart.
 */
function cellsOf(line: DraftLine, page: number): LayoutCell[] {
  const frags = [...line.fragments].sort((a, b) => a.x0 - b.x0);
  const cells: LayoutCell[] = [];
  let cur: { text: string; x0: number; x1: number; top: number; bottom: number; size: number; pieces: Fragment[] } | undefined;
  const push = () => {
    if (!cur) return;
    cells.push({
      text: cur.text,
      x0: cur.x0,
      x1: cur.x1,
      origin: { kind: "pdf", page, box: [round(cur.x0), round(cur.top), round(cur.x1), round(cur.bottom)] },
      ...(cur.pieces.length > 1 ? { pieces: cur.pieces.map((p) => ({ text: p.text, x0: p.x0, x1: p.x1 })) } : {}),
    });
  };
  for (const f of frags) {
    const top = f.baseline - f.size * 0.88;
    const bottom = f.baseline + f.size * 0.12;
    const gap = cur ? f.x0 - cur.x1 : Infinity;
    if (cur && gap <= 0.9 * Math.max(f.size, cur.size) && !(gap > 0.2 * f.size && startsCell(cur.text, f.text))) {
      const joinCjk = CJK_CHAR.test(cur.text.at(-1) ?? "") && CJK_CHAR.test(f.text[0] ?? "");
      cur.text += gap > 0.2 * f.size && !joinCjk ? ` ${f.text}` : f.text;
      cur.x1 = Math.max(cur.x1, f.x1);
      cur.top = Math.min(cur.top, top);
      cur.bottom = Math.max(cur.bottom, bottom);
      cur.pieces.push(f);
    } else {
      push();
      cur = { text: f.text, x0: f.x0, x1: f.x1, top, bottom, size: f.size, pieces: [f] };
    }
  }
  push();
  return cells;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

/** Page numbers as printed in footers and headers: "-4-", "— 3 —", "第 2 页", "2 / 6", "- 4 -". */
const PAGE_NUMBER = /^[\s\-—–－―~·]*(第\s*)?[0-9０-９]{1,4}(\s*页)?(\s*[/／]\s*[0-9]{1,4}|\s*共\s*[0-9]{1,4}\s*页)?[\s\-—–－―~·]*$/;
/** A page number printed bare ("5"), which a table's value may look like too. */
const BARE_NUMBER = /^\s*[0-9０-９]{1,4}\s*$/;

/**
 * Drops running headers, footers and page numbers: lines in the top or bottom band of
 * a page that are page numbers, or whose text (digits ignored) repeats on many pages.
 * They must never enter a table that continues across a page break.
 */
function dropPageFurniture(pages: { page: PageFragments; lines: LayoutLine[] }[]): void {
  const band = (p: PageFragments, l: LayoutLine) => (l.top ?? 0) < p.height * 0.08 || (l.bottom ?? 0) > p.height * 0.9;
  const key = (l: LayoutLine) => l.cells.map((c) => c.text).join("").replace(/[0-9０-９\s]/g, "");
  const repeats = new Map<string, number>();
  for (const { page, lines } of pages) {
    for (const k of new Set(lines.filter((l) => band(page, l)).map(key))) if (k) repeats.set(k, (repeats.get(k) ?? 0) + 1);
  }
  const minRepeats = Math.max(3, Math.ceil(pages.length / 2));
  // A bare number ("5") in the band is a page number when it follows the document's page
  // numbering: its offset from the page's index is one that other pages' numbers share,
  // or, where no two pages agree on one, it is the index or just below it (an unnumbered
  // cover). Otherwise it is text — a table's value that a page break put at a page's top.
  const textOf = (l: LayoutLine) => l.cells.map((c) => c.text).join(" ");
  const bareValue = (l: LayoutLine) => (BARE_NUMBER.test(textOf(l)) ? Number(textOf(l).normalize("NFKC").trim()) : undefined);
  const pagesAt = new Map<number, Set<number>>();
  for (const { page, lines } of pages) {
    for (const l of lines) {
      const v = band(page, l) ? bareValue(l) : undefined;
      if (v !== undefined) pagesAt.set(v - page.page, (pagesAt.get(v - page.page) ?? new Set()).add(page.page));
    }
  }
  const shared = [...pagesAt].filter(([, on]) => on.size >= 2).map(([offset]) => offset);
  const isPageNumber = (page: PageFragments, l: LayoutLine) => {
    if (!PAGE_NUMBER.test(textOf(l))) return false;
    const v = bareValue(l);
    if (v === undefined) return true;
    return shared.length > 0 ? shared.includes(v - page.page) : page.page - v >= 0 && page.page - v <= 2;
  };
  for (const entry of pages) {
    entry.lines = entry.lines.filter((l) => {
      if (!band(entry.page, l)) return true;
      if (isPageNumber(entry.page, l)) return false;
      return (repeats.get(key(l)) ?? 0) < minRepeats;
    });
  }
}

/**
 * All pages → lines in reading order (page by page, top to bottom). Ruled tables (where
 * the page draws a grid) become grid rows (pdf-lattice.ts); the rest of the page is
 * rebuilt from text positions.
 */
export function linesFromFragments(pages: PageFragments[]): LayoutLine[] {
  const perPage = pages.map((whole) => {
    const lattice = latticeTables(whole);
    const page = { ...whole, fragments: lattice.rest };
    const lines: LayoutLine[] = groupLines(page.fragments.filter((f) => f.text.trim() !== "")).map((d) => {
      const cells = cellsOf(d, page.page);
      return {
        cells,
        page: page.page,
        top: Math.min(...d.fragments.map((f) => f.baseline - f.size * 0.88)),
        bottom: Math.max(...d.fragments.map((f) => f.baseline + f.size * 0.12)),
        x0: Math.min(...cells.map((c) => c.x0 ?? 0)),
      };
    });
    return { page, lines, grid: lattice.lines };
  });
  // Table rows are never page furniture: they join the page's lines after it is dropped.
  dropPageFurniture(perPage);
  const tables = perPage.map((p) => ({ grid: p.grid, text: p.lines }));
  joinSplitRows(tables, { tolerance: 3, quietEdges: true });
  fillCutRowsFromText(tables, 3);
  return perPage.flatMap(({ lines, grid }) => (grid.length === 0 ? lines : [...lines, ...grid].sort((a, b) => (a.top ?? 0) - (b.top ?? 0))));
}
