/**
 * What a second print engine does to a report page that Chromium does not: wkhtmltopdf
 * (Qt WebKit) paints a bold run twice, a third of a point apart, when the font has no
 * bold face; sets a table's group label a few points from the row's own label; with every
 * cell bottom-aligned, prints some of a row's values a line above the rest with no label
 * beside them; and where a page break cuts a table, draws the cut row's whole frame, off
 * the page, and sets a row's label cell lower than its values. fixtures/wkhtmltopdf holds
 * two prints of a fixture page (made once by scripts/gen-wk-prints.ts); the cases are also
 * built here from fragments and lines, with the readings that must not be made.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dropOverprints } from "../src/layout/overprint.js";
import { linesFromFragments, type Fragment } from "../src/layout/pdf-lines.js";
import { clipToPage } from "../src/layout/pdf-rulings.js";
import { fillCutRowsFromText } from "../src/layout/split-rows.js";
import type { LayoutCell, LayoutLine } from "../src/model/layout.js";
import { flowRows, positionedRows } from "../src/templates/_shared/rows.js";
import { extractScored, FIXTURES } from "./helpers.js";

const SIZE = 10.9;
const frag = (text: string, x0: number, baseline: number, width = [...text].length * SIZE, size = SIZE): Fragment => ({ text, x0, x1: x0 + width, baseline, size });
const linesOf = (fragments: Fragment[]) => linesFromFragments([{ page: 1, width: 595, height: 842, fragments }]);
const cellTexts = (fragments: Fragment[]) => linesOf(fragments).map((l) => l.cells.map((c) => c.text));

describe("text painted twice (a synthesised bold)", () => {
  it("is read once", () => {
    const heading = "三、收到和处理政府信息公开申请情况";
    const kept = dropOverprints([frag(heading, 32.8, 224.7), frag(heading, 32.5, 224.7), frag("申请人情况", 306.6, 274.3)]);
    expect(kept.map((f) => f.text)).toEqual([heading, "申请人情况"]);
    expect(cellTexts(kept)).toEqual([[heading], ["申请人情况"]]);
  });

  it("keeps the same text printed again anywhere else: the next column, the next line, another size", () => {
    const zeros = [frag("0", 185, 300, 7), frag("0", 205, 300, 7), frag("0", 185, 315.5, 7), frag("0", 185.2, 300, 7, 14)];
    expect(dropOverprints(zeros)).toEqual(zeros);
  });
});

describe("a group label set close to its row's label", () => {
  it("is a cell of its own where the row's label opens with its enumerator", () => {
    // "8." and the rest of the label are two items; the group column ends 5 pt before them.
    expect(cellTexts([frag("不予公", 72.2, 538.8, 32.4), frag("8.", 109.8, 538.8, 10.2), frag("属于行政查询", 119.8, 538.8, 64.5)])).toEqual([["不予公", "8.属于行政查询"]]);
  });

  it("is a cell of its own where it is a group's enumerator alone", () => {
    expect(cellTexts([frag("（三）", 72.2, 521, 32.4), frag("案卷", 109.8, 521, 21.8), frag("1", 185, 521, 7)])).toEqual([["（三）", "案卷", "1"]]);
  });

  it("stays one cell where the items touch, or an article's item number follows 第", () => {
    expect(cellTexts([frag("（三）", 72.2, 521, 32.4), frag("不予公开", 104.6, 521, 43.6)])).toEqual([["（三）不予公开"]]);
    expect(cellTexts([frag("第二十条第", 260, 557, 54.5), frag("（一）项", 318, 557, 43.6)])).toEqual([["第二十条第（一）项"]]);
  });
});

describe("values printed a line off their row, with no label", () => {
  // Table 二 (2021): 本年制发件数, 本年废止件数, 现行有效件数.
  const COLUMNS = [251, 324, 434];
  const values = (baseline: number, texts: (string | null)[]) => texts.flatMap((t, i) => (t === null ? [] : [frag(t, COLUMNS[i]!, baseline, t.length * 5.5)]));
  const rowsOf = (fragments: Fragment[]) => {
    const lines = linesOf(fragments);
    return positionedRows(
      lines,
      lines.map((_, i) => i),
    );
  };
  const byLabel = (rows: ReturnType<typeof rowsOf>, label: string) => rows.find((r) => r.label === label)?.values.map((v) => v.text);

  it("are the row's that prints nothing in their columns, its neighbour filling them", () => {
    const rows = rowsOf([frag("规章", 144, 605), ...values(605, ["0", "0", "0"]), ...values(626, ["69", null, "665"]), frag("行政规范性文件", 126, 641), ...values(641, [null, "3", null])]);
    expect(byLabel(rows, "行政规范性文件")).toEqual(["69", "3", "665"]);
    expect(byLabel(rows, "规章")).toEqual(["0", "0", "0"]);
    expect(rows.filter((r) => r.label === "")).toEqual([]);
    // Its provenance names the line the values were printed on.
    expect(rows.find((r) => r.label === "行政规范性文件")?.lines).toHaveLength(2);
  });

  it("stay a row of their own when either neighbour could take them", () => {
    const rows = rowsOf([frag("规章", 144, 605), ...values(605, [null, "0", null]), ...values(620, ["69", null, "665"]), frag("行政规范性文件", 126, 635), ...values(635, [null, "3", null])]);
    expect(rows.find((r) => r.label === "")?.values.map((v) => v.text)).toEqual(["69", "665"]);
    expect(byLabel(rows, "行政规范性文件")).toEqual(["3"]);
  });

  it("stay a row of their own when another such line is near (a number wrapped above and below its row)", () => {
    // "12" in a cell too narrow for it: "1" a line above the row, "2" a line below.
    const rows = rowsOf([...values(590, [null, "1", null]), frag("行政规范性文件", 126, 605), ...values(605, ["0", null, "0"]), ...values(620, [null, "2", null])]);
    expect(byLabel(rows, "行政规范性文件")).toEqual(["0", "0"]);
    expect(rows.filter((r) => r.label === "")).toHaveLength(2);
  });
});

describe("a table a page break cuts", () => {
  it("is ruled as the page shows it: rulings off the page dropped, the rest clipped to it", () => {
    const at = (y: number, from = 14, to = 580) => ({ at: y, from, to, thickness: 0.5 });
    const clipped = clipToPage({ horizontal: [at(-117.9), at(41.2), at(862.9), at(20, -5, 600)], vertical: [at(14.6, -118, 873), at(600, 0, 100)] }, 595, 842);
    expect(clipped.horizontal).toEqual([at(41.2), at(20, 0, 595)]);
    expect(clipped.vertical).toEqual([at(14.6, 0, 842)]);
  });

  const cell = (text: string, col: number, rowSpan = 1): LayoutCell => ({ text, col, colSpan: 1, rowSpan, origin: { kind: "pdf", page: 3, box: [0, 0, 0, 0] } });
  const row = (cells: LayoutCell[]): LayoutLine => ({ cells, isTableRow: true, page: 3, table: 20301 });
  const rowsOf = (lines: LayoutLine[]) => flowRows(
    lines,
    lines.map((_, i) => i),
  );
  const VALUES = ["151", "3", "0", "0", "0", "0", "154"];

  it("gives the values of cells that reach into the next row that row's label", () => {
    const rows = rowsOf([
      row([cell("", 0), ...VALUES.map((v, i) => cell(v, i + 3, 2))]),
      row([cell("一、本年新收政府信息公开申请数量", 0)]),
      row([cell("二、上年结转政府信息公开申请数量", 0), ...VALUES.map((_, i) => cell("0", i + 3))]),
    ]);
    expect(rows.map((r) => [r.label, r.values.filter((v) => v.text !== "").map((v) => v.text), r.lines])).toEqual([
      ["一、本年新收政府信息公开申请数量", VALUES, [0, 1]],
      ["二、上年结转政府信息公开申请数量", VALUES.map(() => "0"), [2]],
    ]);
  });

  it("does not where the values stop at their own row, or the next row prints values of its own", () => {
    const own = rowsOf([row([cell("", 0), ...VALUES.map((v, i) => cell(v, i + 3))]), row([cell("一、本年新收政府信息公开申请数量", 0)])]);
    expect(own.find((r) => r.values.some((v) => v.text === "151"))?.label).toBe("");
    const valued = rowsOf([row([cell("", 0), ...VALUES.map((v, i) => cell(v, i + 3, 2))]), row([cell("一、本年新收政府信息公开申请数量", 0), cell("7", 3)])]);
    expect(valued.find((r) => r.values.some((v) => v.text === "151"))?.label).toBe("");
  });
});

describe("a row cut by a page break, its text set on the next page outside any ruling", () => {
  const grid = (cells: [string, number, number][], extra: Partial<LayoutLine> = {}): LayoutLine => ({
    isTableRow: true,
    page: 1,
    top: 813,
    bottom: 842,
    x0: 14.6,
    openEdge: "below",
    cells: cells.map(([text, a, b]): LayoutCell => ({ text, gridExtent: [a, b], origin: { kind: "pdf", page: 1, box: [0, 0, 0, 0] } })),
    ...extra,
  });
  const text = (cells: [string, number, number][], top = 10): LayoutLine => ({ page: 2, top, bottom: top + 9, x0: cells[0]![1], cells: cells.map(([t, x0, x1]): LayoutCell => ({ text: t, x0, x1, origin: { kind: "pdf", page: 2, box: [0, 0, 0, 0] } })) });
  const FEES: [string, number, number][] = [["行政事业性收费", 19.1, 83.6], ["7.2", 177, 191.7]];

  it("fills the empty cut row when each of the line's cells lies within one of its cells", () => {
    const cut = grid([["", 0, 73.2], ["", 73.2, 266.2]]);
    const pages = [{ grid: [cut], text: [] }, { grid: [], text: [text(FEES), text([["三、收到和处理政府信息公开申请情况", 32.8, 189.6]], 40)] }];
    fillCutRowsFromText(pages, 3);
    expect(cut.cells.map((c) => c.text)).toEqual(["行政事业性收费", "7.2"]);
    expect(pages[1]!.text.map((l) => l.cells[0]!.text)).toEqual(["三、收到和处理政府信息公开申请情况"]);
  });

  it("leaves them apart when the row is closed, holds text, or the line crosses a column or has one cell", () => {
    const cases: [LayoutLine, LayoutLine][] = [
      [grid([["", 0, 73.2], ["", 73.2, 266.2]], { openEdge: undefined }), text(FEES)],
      [grid([["行政强制", 0, 73.2], ["", 73.2, 266.2]]), text(FEES)],
      [grid([["", 0, 73.2], ["", 73.2, 266.2]]), text([["行政事业性收费7.2", 19.1, 191.7], ["x", 200, 210]])],
      [grid([["", 0, 73.2], ["", 73.2, 266.2]]), text([["三、收到和处理", 32.8, 80]])],
    ];
    for (const [cut, line] of cases) {
      const before = cut.cells.map((c) => c.text);
      fillCutRowsFromText([{ grid: [cut], text: [] }, { grid: [], text: [line] }], 3);
      expect(cut.cells.map((c) => c.text)).toEqual(before);
    }
  });
});

describe("a wkhtmltopdf print (fixtures/wkhtmltopdf)", () => {
  it("qinghe-2020, borderless, cells bottom-aligned: every cell right and no unknown row", async () => {
    const { record, score } = await extractScored(join(FIXTURES, "wkhtmltopdf", "qinghe-2020-borderless-vbottom.pdf"), { provenance: true });
    expect(score.wrong).toEqual([]);
    // 减 12 is printed a line above 其他对外管理服务事项's other values.
    expect(record.activeDisclosure).toMatchObject({ otherServices: { previousYear: 96, change: -12, decisions: 3361 } });
    // Its headings are painted twice: read once, each table starts where it should.
    expect(record.issues.filter((i) => i.code === "UNKNOWN_LABEL")).toEqual([]);
    expect(record.meta.title).toBe("青禾县人民政府2020年政府信息公开工作年度报告");
  }, 120_000);

  it("a random report, ruled: the row a page break cut, its text on the next page outside any ruling, is read into its frame", async () => {
    const { record, score } = await extractScored(join(FIXTURES, "wkhtmltopdf", "random-2-ruled.pdf"));
    expect(score.wrong).toEqual([]);
    expect(record.activeDisclosure).toMatchObject({ fees: { amountWanYuan: 7.2 } });
    expect(record.issues.filter((i) => i.severity === "error")).toEqual([]);
  }, 120_000);

  it("qinghe-2020, ruled, its table 60 % wide: every cell right across the page breaks", async () => {
    const { record, score } = await extractScored(join(FIXTURES, "wkhtmltopdf", "qinghe-2020-ruled-narrow.pdf"), { provenance: true });
    expect(score.wrong).toEqual([]);
    expect(record.issues).toEqual([]);
  }, 120_000);
});
