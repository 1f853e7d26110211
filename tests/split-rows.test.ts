/**
 * Joining a table row a page break split (src/layout/split-rows.ts), as OCR'd pages use it:
 * the cut row at the foot of one page, the rest at the top of the next, matched by the
 * cells' extents from their table's left edge — a scan's pages lie a little differently on
 * the scanner — and only when the next table's top is open.
 */
import { describe, expect, it } from "vitest";
import type { LayoutCell, LayoutLine } from "../src/model/layout.js";
import { joinSplitRows, markCut, markOpenTop, setExtent, type PageTables } from "../src/layout/split-rows.js";

/**
 * A grid row on `page`, its table's left edge at `left`: a group column 40 pt wide, the
 * label column 80 pt, value columns 30 pt. `from` is the first column the row has a cell
 * in (a row under a group cell that spans it starts at the label).
 */
function gridRow(page: number, top: number, texts: string[], options: { left?: number; from?: number; rowSpans?: number[] } = {}): LayoutLine {
  const left = options.left ?? 50;
  const from = options.from ?? 1;
  const widths = [40, 80];
  let x = left + widths.slice(0, from).reduce((a, b) => a + b, 0);
  const cells = texts.map((text, i): LayoutCell => {
    const col = from + i;
    const width = widths[col] ?? 30;
    const cell: LayoutCell = { text, col, colSpan: 1, rowSpan: options.rowSpans?.[i] ?? 1, origin: { kind: "pdf", page, box: [x, top, x + width, top + 20] } };
    setExtent(cell, x, x + width, left);
    x += width;
    return cell;
  });
  return { cells, isTableRow: true, table: 10_000 + 100 * page, page, top, bottom: top + 20 };
}

const OCR = { tolerance: 4, quietEdges: false } as const;

function twoPages(options: { shift?: number; openTop?: boolean; cut?: boolean; rest?: string[] } = {}): PageTables[] {
  const cut = gridRow(1, 700, ["2.没有现成信息需要另行", "3", "0", "3"]);
  const before = gridRow(1, 660, ["1.本机关不掌握相关政府信息", "49", "1", "50"]);
  if (options.cut ?? true) markCut(cut);
  const rest = gridRow(2, 60, options.rest ?? ["制作", "", "", ""], { left: 50 + (options.shift ?? 0) });
  if (options.openTop ?? true) markOpenTop(rest);
  const next = gridRow(2, 80, ["3.补正后申请内容仍不明确", "0", "0", "0"], { left: 50 + (options.shift ?? 0) });
  return [
    { grid: [before, cut], text: [{ cells: [{ text: "- 7 -", origin: { kind: "pdf", page: 1, box: [280, 800, 300, 810] } }], page: 1, top: 800, bottom: 810 }] },
    { grid: [rest, next], text: [] },
  ];
}

describe("rows a page break split, on OCR'd pages", () => {
  it("joins the rest to the cut row though the next page lies 3 pt further right and a page number follows the table", () => {
    const pages = twoPages({ shift: 3 });
    joinSplitRows(pages, OCR);
    expect(pages[0]!.grid.at(-1)!.cells.map((c) => c.text)).toEqual(["2.没有现成信息需要另行制作", "3", "0", "3"]);
    expect(pages[1]!.grid.map((l) => l.cells[0]!.text)).toEqual(["3.补正后申请内容仍不明确"]);
    // The rest of the table is the cut one's.
    expect(pages[1]!.grid[0]!.table).toBe(pages[0]!.grid[0]!.table);
  });

  it("does not join when the next table's top is ruled, the cut row's bottom is ruled, or the columns differ", () => {
    for (const options of [{ openTop: false }, { cut: false }, { shift: 0, rest: ["制作", "", ""] }]) {
      const pages = twoPages(options);
      joinSplitRows(pages, OCR);
      expect(pages[0]!.grid.at(-1)!.cells[0]!.text).toBe("2.没有现成信息需要另行");
      expect(pages[1]!.grid).toHaveLength(2);
    }
  });

  // Chromium rules neither edge where a page break falls between two rows of a collapsed
  // table: both look cut. A cut row prints its values once, on one side of the break.
  it("keeps apart two whole rows that a break separated, each printing its values", () => {
    for (const options of [OCR, { tolerance: 1, quietEdges: true }]) {
      const pages = twoPages({ rest: ["3.补正后申请内容仍不明确", "4", "0", "4"] });
      joinSplitRows(pages, options);
      expect(pages[0]!.grid.at(-1)!.cells.map((c) => c.text)).toEqual(["2.没有现成信息需要另行", "3", "0", "3"]);
      expect(pages[1]!.grid.map((l) => l.cells[0]!.text)).toEqual(["3.补正后申请内容仍不明确", "3.补正后申请内容仍不明确"]);
    }
    // One value wrapped across the break ("12（含补正后" / "3件）") is still one row's.
    const pages = twoPages({ rest: ["制作", "3件）", "", ""] });
    pages[0]!.grid.at(-1)!.cells[1]!.text = "12（含补正后";
    joinSplitRows(pages, OCR);
    expect(pages[0]!.grid.at(-1)!.cells.map((c) => c.text)).toEqual(["2.没有现成信息需要另行制作", "12（含补正后3件）", "0", "3"]);
  });

  it("does not join a next row that prints a cell where the cut row has none", () => {
    const pages = twoPages();
    const extra = gridRow(2, 60, ["制作", "", "", "", "9"]);
    markOpenTop(extra);
    pages[1]!.grid[0] = extra;
    joinSplitRows(pages, OCR);
    expect(pages[0]!.grid.at(-1)!.cells[0]!.text).toBe("2.没有现成信息需要另行");
  });

  it("keeps a cell that spans the rows below (a group's label going on) as the first cell of its rows", () => {
    const pages = twoPages();
    // The next page's first row: the group column's cell (spanning two rows), then the row's own cells.
    const rest = gridRow(2, 60, ["供", "制作", "", "", ""], { from: 0, rowSpans: [2] });
    markOpenTop(rest);
    pages[1]!.grid[0] = rest;
    joinSplitRows(pages, OCR);
    expect(pages[0]!.grid.at(-1)!.cells[0]!.text).toBe("2.没有现成信息需要另行制作");
    expect(pages[1]!.grid[0]!.cells.map((c) => c.text)).toEqual(["供"]);
  });

  it("matches the parts from the table's right edge when one page's grid has a column of group labels the other lacks", () => {
    // A narrow table printed by Chromium (chengjiang-2022's page, table width 60 %): the cut
    // page's grid starts at the label column, the next page's at the group column before it.
    const pages = twoPages();
    for (const line of pages[0]!.grid) for (const c of line.cells) if (c.origin.kind === "pdf") setExtent(c, c.origin.box[0], c.origin.box[2], 90);
    const rest = gridRow(2, 60, ["", "制作", "", "", ""], { from: 0 });
    markOpenTop(rest);
    pages[1]!.grid[0] = rest;
    joinSplitRows(pages, OCR);
    expect(pages[0]!.grid.at(-1)!.cells.map((c) => c.text)).toEqual(["2.没有现成信息需要另行制作", "3", "0", "3"]);
    expect(pages[1]!.grid.map((l) => l.cells[0]!.text)).toEqual(["3.补正后申请内容仍不明确"]);
  });

  it("joins when the cut row starts a group whose column the next page does not rule", () => {
    // pingtan-2021's page in a table 40 % wide: "（三）不予公开" "1. 属于国" cut, "家秘密" on
    // the next page, whose grid starts at the label column (the group column's lines
    // cross no ruling there).
    const cut = gridRow(1, 700, ["（三）不予公开", "1.属于国", "0", "0", "0"], { from: 0 });
    markCut(cut);
    const rest = gridRow(2, 60, ["家秘密", "", "", ""]);
    markOpenTop(rest);
    const next = gridRow(2, 80, ["2.其他法律行政法规禁止公开", "0", "0", "0"]);
    // The next page's grid begins at the label column (x = 90).
    for (const line of [rest, next]) for (const c of line.cells) if (c.origin.kind === "pdf") setExtent(c, c.origin.box[0], c.origin.box[2], 90);
    const pages: PageTables[] = [
      { grid: [cut], text: [] },
      { grid: [rest, next], text: [] },
    ];
    joinSplitRows(pages, OCR);
    expect(pages[0]!.grid[0]!.cells.map((c) => c.text)).toEqual(["（三）不予公开", "1.属于国家秘密", "0", "0", "0"]);
    expect(pages[1]!.grid.map((l) => l.cells[0]!.text)).toEqual(["2.其他法律行政法规禁止公开"]);
  });

  it("survives being carried as JSON (a queue's page jobs): the marks are plain data", () => {
    const pages = JSON.parse(JSON.stringify(twoPages())) as PageTables[];
    joinSplitRows(pages, OCR);
    expect(pages[0]!.grid.at(-1)!.cells[0]!.text).toBe("2.没有现成信息需要另行制作");
  });
});
