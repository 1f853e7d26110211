/**
 * Table rows a page break split, joined again — for grids read from PDF rulings
 * (pdf-lattice.ts) and from page images (sources/ocr/page.ts) alike.
 *
 * A browser breaks a tall row across pages: its cells start at the bottom of one page
 * and go on at the top of the next ("结果维" / "持", "2.没有现成信息需要另行" / "制作"),
 * with no ruling under the first part (a whole row's bottom border is drawn on its page).
 * The grid readers close such an open end (grid.ts, closeOpenEnds) and mark the row
 * above it as cut, and give each cell its extent across the table (LayoutLine.openEdge,
 * LayoutCell.gridExtent: plain data, as OCR'd pages come from other processes in a queue). A table that ends a
 * page with a cut row, and a table that starts the next page with a row that has a cell
 * in the place of every cell of the cut one (and nothing in the others but cells that
 * span rows below): that row is the rest of the cut one — its text is appended, cell by
 * cell, and the two tables are one.
 */
import type { LayoutCell, LayoutLine } from "../model/layout.js";

/** Records a grid cell's extent: its left and right edge and its table's left edge, in points. */
export function setExtent(cell: LayoutCell, x0: number, x1: number, tableLeft: number): void {
  cell.gridExtent = [x0 - tableLeft, x1 - tableLeft];
}

const mark = (line: LayoutLine, edge: "below" | "above") => {
  line.openEdge = line.openEdge === undefined || line.openEdge === edge ? edge : "both";
};
const open = (line: LayoutLine, edge: "below" | "above") => line.openEdge === edge || line.openEdge === "both";

/** Marks the last row of a table whose bottom edge the page does not rule (a page break cut it). */
export function markCut(line: LayoutLine): void {
  mark(line, "below");
}

/** Marks the first row of a table whose top edge the page does not rule. */
export function markOpenTop(line: LayoutLine): void {
  mark(line, "above");
}

/**
 * How much of the line at `at` (from `from` to `to`) the rulings given cover, in the
 * units of the rulings: the test for an edge the page really draws.
 */
export function ruledLength(rulings: readonly { at: number; from: number; to: number }[], at: number, from: number, to: number, tolerance: number): number {
  return rulings.filter((l) => Math.abs(l.at - at) <= tolerance).reduce((covered, l) => covered + Math.max(0, Math.min(l.to, to) - Math.max(l.from, from)), 0);
}

/** A page's grid rows and the text lines beside them. */
export interface PageTables {
  grid: LayoutLine[];
  text: LayoutLine[];
}

export interface JoinOptions {
  /** How far (points) two cells' extents may differ and still be one column. */
  tolerance: number;
  /**
   * Text lines around the break stop the join: nothing may follow the cut row on its page
   * or precede the rest on the next (a PDF's text, its page furniture dropped first).
   * Off for OCR'd pages, whose text has specks and running heads no furniture pass
   * removes; there the next table's top must be open instead.
   */
  quietEdges: boolean;
}

/** A cell opening with a number as a value prints it ("12", "12（含…", "-3"), not as a label's enumerator ("2.没有…"). */
const startsWithNumber = (text: string) => /^[-−－]?[0-9０-９][0-9０-９.,，]*(?:$|\s|[（(])/.test(text.trim());

/** The lowest and the highest of a page's lines. */
const lowest = (lines: LayoutLine[]) => lines.reduce((x, y) => ((y.bottom ?? 0) > (x.bottom ?? 0) ? y : x));
const highest = (lines: LayoutLine[]) => lines.reduce((x, y) => ((y.top ?? 0) < (x.top ?? 0) ? y : x));

export function joinSplitRows(pages: PageTables[], options: JoinOptions): void {
  for (let i = 0; i + 1 < pages.length; i++) {
    const a = pages[i]!;
    const b = pages[i + 1]!;
    if (a.grid.length === 0 || b.grid.length === 0) continue;
    const last = lowest(a.grid);
    const first = highest(b.grid);
    if (last.page === undefined || first.page !== last.page + 1) continue;
    if (options.quietEdges) {
      // Nothing after the table on its page, nothing before the next one on its own.
      if (a.text.some((l) => (l.top ?? 0) >= (last.bottom ?? 0) - 1) || b.text.some((l) => (l.bottom ?? 0) <= (first.top ?? 0) + 1)) continue;
    } else if (!open(first, "above")) continue;
    // A row cut by the break has no ruling under it on its first page: its border comes where the row ends.
    if (!open(last, "below")) continue;
    // Cells are matched by where they stand: grid columns are counted page by page. The
    // two parts' grids may start at different columns (a column of group labels ruled on
    // one page and not the other): then they are matched from the table's right edge.
    const right = (l: LayoutLine) => Math.max(...l.cells.map((c) => c.gridExtent?.[1] ?? -Infinity));
    let shift = 0;
    const same = (c: LayoutCell, d: LayoutCell) => {
      const [e, f] = [c.gridExtent, d.gridExtent];
      return e !== undefined && f !== undefined && Math.abs(e[0] - (f[0] - shift)) <= options.tolerance && Math.abs(e[1] - (f[1] - shift)) <= options.tolerance;
    };
    const partner = (c: LayoutCell) => first.cells.find((d) => same(c, d));
    // A cell of the cut row may stand left of the whole next grid: a group's label whose
    // column the next page does not rule at all (its lines cross no ruling there).
    const firstLeft = Math.min(...first.cells.map((c) => c.gridExtent?.[0] ?? Infinity));
    const beyond = (c: LayoutCell) => shift !== 0 && c.gridExtent !== undefined && c.gridExtent[1] + shift <= firstLeft + options.tolerance;
    const matched = () => last.cells.every((c) => partner(c) !== undefined || beyond(c)) && last.cells.some((c) => partner(c) !== undefined);
    if (!matched()) {
      shift = right(first) - right(last);
      if (!Number.isFinite(shift) || !matched()) continue;
    }
    // A cell that spans the rows below (a group's label going on) is not the cut row's.
    if (first.cells.some((d) => d.text !== "" && (d.rowSpan ?? 1) === 1 && !last.cells.some((c) => same(c, d)))) continue;
    // A break between two whole rows, where Chromium rules neither the one's bottom nor the
    // other's top: both print values in the same columns. A cut row prints its values once,
    // on one side of the break (one value may wrap across it: "12（含补正后" / "3件）").
    if (last.cells.filter((c) => startsWithNumber(c.text) && startsWithNumber(partner(c)?.text ?? "")).length >= 2) continue;
    for (const c of last.cells) {
      const rest = partner(c)?.text;
      if (rest) c.text = c.text && /\d$/.test(c.text) && /^\d/.test(rest) ? `${c.text} ${rest}` : c.text + rest;
    }
    const from = first.table;
    const partners = new Set(last.cells.map(partner));
    // The rest's own cells go; a spanning cell with text stays, as the first cell of its rows.
    const kept = first.cells.filter((d) => !partners.has(d) && d.text !== "");
    if (kept.length === 0) b.grid.splice(b.grid.indexOf(first), 1);
    else first.cells = kept;
    for (const l of b.grid) if (l.table === from) l.table = last.table;
  }
}

/**
 * A row a page break cut whose text the printer set at the top of the next page outside
 * any ruling (wkhtmltopdf: the row's frame stays on the first page, empty and open below;
 * "行政事业性收费  7.2" is a plain line above the next chapter's heading). The line is taken
 * into the cut row when nothing stands between them — nothing after the table on its page,
 * nothing above the line on the next — it has two cells or more, and each lies within a
 * different empty cell of the cut row, as wide as that column allows.
 */
export function fillCutRowsFromText(pages: PageTables[], tolerance: number): void {
  for (let i = 0; i + 1 < pages.length; i++) {
    const a = pages[i]!;
    const b = pages[i + 1]!;
    if (a.grid.length === 0 || b.text.length === 0) continue;
    const last = lowest(a.grid);
    if (!open(last, "below") || last.page === undefined || a.text.some((l) => (l.top ?? 0) >= (last.bottom ?? 0) - 1)) continue;
    const line = highest(b.text);
    if (line.page !== last.page + 1 || b.grid.some((g) => (g.top ?? 0) <= (line.top ?? 0)) || line.cells.length < 2) continue;
    // Grid extents count from the table's left edge, where its rows start.
    const left = last.x0 ?? 0;
    const within = (c: LayoutCell, d: LayoutCell) => d.gridExtent !== undefined && c.x0 !== undefined && c.x1 !== undefined && c.x0 - left >= d.gridExtent[0] - tolerance && c.x1 - left <= d.gridExtent[1] + tolerance;
    const homes = line.cells.map((c) => last.cells.filter((d) => d.text.trim() === "" && within(c, d)));
    if (homes.some((h) => h.length !== 1) || new Set(homes.map((h) => h[0])).size !== homes.length) continue;
    line.cells.forEach((c, k) => (homes[k]![0]!.text = c.text));
    b.text.splice(b.text.indexOf(line), 1);
  }
}
