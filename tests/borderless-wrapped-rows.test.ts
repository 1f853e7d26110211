/**
 * Two ways a browser's print of a borderless table pulls a row apart, both seen in
 * pingtan-2021's page printed narrow (A5, a narrow column) and in 9 px type:
 *  - a number wraps digit by digit in a cell too narrow for it, its first line indented
 *    by Word's text-indent: "3" above the row's values line and "0" below it, an em apart;
 *  - a page break pushes a row down and leaves its label four line heights above its
 *    values, further than any wrapped label's lines are apart.
 * Each is put together only where that is the one reading; the tests also show where not.
 */
import { describe, expect, it } from "vitest";
import { linesFromFragments, type Fragment } from "../src/layout/pdf-lines.js";
import { positionedRows } from "../src/templates/_shared/rows.js";

const SIZE = 14;
/** The seven value columns' left edges (points), as in the narrow print. */
const COLUMNS = [290, 315, 336, 361, 392, 417, 441];

const frag = (text: string, x0: number, baseline: number, width = [...text].length * SIZE, size = SIZE): Fragment => ({ text, x0, x1: x0 + width, baseline, size });
const values = (baseline: number, texts: (string | null)[], size = SIZE) =>
  texts.flatMap((t, i) => (t === null ? [] : [frag(t, COLUMNS[i]!, baseline, t.length * size * 0.5, size)]));

function rowsOf(fragments: Fragment[]) {
  const lines = linesFromFragments([{ page: 1, width: 595, height: 842, fragments }]);
  return positionedRows(
    lines,
    lines.map((_, i) => i),
  );
}

const texts = (row: { values: { text: string }[] } | undefined) => row?.values.map((v) => v.text);

describe("a number wrapped digit by digit in a borderless table", () => {
  /** 二、上年结转 printed on one line with its values: it shows where the columns are. */
  const ROW_ABOVE = [frag("二、上年结转", 146, 200, 84), ...values(200, ["0", "0", "0", "0", "0", "0", "0"])];

  it("is joined around its row's values line, the empty slot of its column", () => {
    const rows = rowsOf([
      ...ROW_ABOVE,
      // The label's first line and the "3" (indented an em) share a line; the values line
      // is between it and the label's second line with the "0".
      frag("三、（一）予以公", 146, 243.4, 137),
      frag("3", 455, 243.4, 7),
      ...values(254.7, ["27", "0", "0", "2", "0", "1", null]),
      frag("本年开", 146, 265.2, 54),
      frag("0", 441, 265.2, 7),
    ]);
    const granted = rows.find((r) => r.label.includes("予以公"));
    expect(granted?.label).toBe("三、（一）予以公本年开");
    expect(texts(granted)).toEqual(["27", "0", "0", "2", "0", "1", "30"]);
  });

  it("is joined when its wrapped line starts two ems left of the indented first (the cell's edge)", () => {
    const rows = rowsOf([
      ...ROW_ABOVE,
      frag("一、本年新收", 146, 243.4, 84),
      frag("6", 290, 243.4, 7),
      ...values(254.7, [null, "0", "0", "2", "0", "4", "70"]),
      frag("数量", 146, 265.2, 28),
      frag("4", 262, 265.2, 7),
    ]);
    expect(texts(rows.find((r) => r.label.includes("本年新收")))).toEqual(["64", "0", "0", "2", "0", "4", "70"]);
  });

  it("is joined when its first digit touches the label (one text item run together with it)", () => {
    const rows = rowsOf([
      ...ROW_ABOVE,
      // "一、本年新收政府" and "6" arrive as one cell; so do "信息公开申请数量" and "4".
      frag("一、本年新收政府", 166, 243.4, 113),
      frag("6", 287, 243.4, 7),
      ...values(254.7, [null, "0", "0", "2", "0", "4", "70"]),
      frag("信息公开申请数量", 166, 265.2, 113),
      frag("4", 287, 265.2, 7),
    ]);
    const row = rows.find((r) => r.label.includes("本年新收"));
    expect(row?.label).toBe("一、本年新收政府信息公开申请数量");
    expect(texts(row)).toEqual(["64", "0", "0", "2", "0", "4", "70"]);
  });

  it("stays apart where its column is already filled on the values line", () => {
    const rows = rowsOf([
      ...ROW_ABOVE,
      frag("三、（一）予以公", 146, 243.4, 137),
      frag("3", 455, 243.4, 7),
      ...values(254.7, ["27", "0", "0", "2", "0", "1", "30"]),
      frag("本年开", 146, 265.2, 54),
      frag("0", 441, 265.2, 7),
    ]);
    const granted = rows.find((r) => texts(r)?.[0] === "27");
    expect(texts(granted)).toEqual(["27", "0", "0", "2", "0", "1", "30"]);
    // The stray digits are not made into a 30 of anyone's.
    expect(rows.flatMap((r) => r.values.map((v) => v.text)).filter((t) => t === "30")).toHaveLength(1);
  });

  it("is never made of numbers that print beside their rows' other values (rows at line spacing)", () => {
    const rows = rowsOf([
      ...ROW_ABOVE,
      frag("1.属于", 146, 214, 84),
      ...values(214, ["3", "0", "0", "0", "0", "0", "3"]),
      frag("2.其他", 146, 228, 84),
      ...values(228, ["0", "0", "0", "0", "0", "0", "0"]),
    ]);
    expect(texts(rows.find((r) => r.label === "1.属于"))).toEqual(["3", "0", "0", "0", "0", "0", "3"]);
    expect(texts(rows.find((r) => r.label === "2.其他"))).toEqual(["0", "0", "0", "0", "0", "0", "0"]);
  });
});

describe("a label a page break left far above its values", () => {
  const SMALL = 6.8;
  const ROW = ["1", "0", "0", "0", "0", "0", "1"];

  it("names the values when it is the line just before them and they print no label", () => {
    const rows = rowsOf([frag("8.属于行政查询事项", 177, 90, 59, SMALL), ...values(118.5, ROW, SMALL), frag("1.本机关不掌握", 177, 177.5, 86, SMALL), ...values(177.5, ROW, SMALL)]);
    const query = rows.find((r) => r.label === "8.属于行政查询事项");
    expect(texts(query)).toEqual(ROW);
    expect(query?.alone).toBeUndefined();
  });

  it("stays a row printed alone when a label nearer the values names them", () => {
    const rows = rowsOf([
      frag("8.属于行政查询事项", 177, 80, 59, SMALL),
      frag("（四）无法提供", 114, 100, 47, SMALL),
      ...values(118.5, ROW, SMALL),
      frag("1.本机关不掌握", 177, 177.5, 86, SMALL),
      ...values(177.5, ROW, SMALL),
    ]);
    expect(rows.find((r) => r.label === "8.属于行政查询事项")?.alone).toBe(true);
  });

  it("stays a row printed alone when the values have a label of their own", () => {
    const rows = rowsOf([frag("8.属于行政查询事项", 177, 90, 59, SMALL), frag("9.其他", 177, 118.5, 20, SMALL), ...values(118.5, ROW, SMALL)]);
    expect(rows.find((r) => r.label === "8.属于行政查询事项")?.alone).toBe(true);
    expect(texts(rows.find((r) => r.label === "9.其他"))).toEqual(ROW);
  });
});

describe("a label whose lines are set far apart (line-height 2, a paragraph break in its cell)", () => {
  const ROW = ["6", "0", "0", "0", "0", "0", "6"];

  it("is opened by its enumerated first line, just above the rest", () => {
    // Lines 28 pt apart for 14 pt type: further than a continuation line may be.
    const rows = rowsOf([frag("7.属于行政执法案", 146, 200, 112), frag("卷", 146, 228, 14), ...values(228, ROW)]);
    expect(rows.map((r) => r.label)).toEqual(["7.属于行政执法案卷"]);
    expect(texts(rows[0])).toEqual(ROW);
  });

  it("takes the lines left over between its first line and the rest", () => {
    const rows = rowsOf([
      frag("2.申请人逾期未按收费", 146, 200, 140),
      frag("求缴纳费用、", 146, 216, 84),
      frag("行政机关不再处理其政府", 146, 244, 140),
      frag("公开申请", 146, 260, 56),
      ...values(260, ROW),
    ]);
    expect(rows.map((r) => r.label)).toEqual(["2.申请人逾期未按收费求缴纳费用、行政机关不再处理其政府公开申请"]);
  });

  it("is not taken from a row printed alone above a row whose own label opens with its enumerator", () => {
    const rows = rowsOf([frag("8.属于行政查询事项", 146, 200, 126), frag("1.本机关不掌握", 146, 228, 98), ...values(228, ROW)]);
    expect(rows.find((r) => r.label === "8.属于行政查询事项")?.alone).toBe(true);
    expect(texts(rows.find((r) => r.label === "1.本机关不掌握"))).toEqual(ROW);
  });
});

describe("a value cell whose note wraps, in cells aligned to the top", () => {
  it("joins the row's values line, not the line of its middle fragment", () => {
    const rows = rowsOf([
      frag("2.没有现成信息", 146, 200, 98),
      frag("12（含补", 290, 200, 21),
      // (商业企业 blank: the note's first line is wider than its column.)
      ...values(200, [null, null, "0", "0", "0", "0", "12"]),
      frag("正后3", 290, 216, 21),
      frag("件）", 290, 232, 21),
    ]);
    const row = rows.find((r) => r.label.includes("现成"));
    expect(texts(row)).toEqual(["12（含补正后3件）", "0", "0", "0", "0", "12"]);
  });
});

describe("a label a page break cut", () => {
  const ROW = ["3", "0", "0", "0", "0", "0", "3"];
  const onPage = (page: number, fragments: Fragment[]) => linesFromFragments([{ page, width: 595, height: 842, fragments }]);

  it("goes on at the next page's top, above its first row, with the label of the page's last row", () => {
    const first = onPage(5, [frag("6.属于四类", 146, 600, 70), ...values(600, ["2", "0", "0", "0", "0", "0", "2"]), frag("7.属于行政执", 146, 700, 84), ...values(700, ROW)]);
    const next = onPage(6, [frag("法案", 146, 40, 28), frag("卷", 146, 56, 14), frag("8.属于行政查询事项", 146, 120, 126), ...values(120, ["1", "0", "0", "0", "0", "0", "1"])]);
    const lines = [...first, ...next];
    const rows = positionedRows(
      lines,
      lines.map((_, i) => i),
    );
    expect(rows.map((r) => r.label)).toEqual(["6.属于四类", "7.属于行政执法案卷", "8.属于行政查询事项"]);
    expect(texts(rows[1])).toEqual(ROW);
  });

  it("is not continued by a label that opens with its own enumerator (a row printed alone)", () => {
    const first = onPage(5, [frag("7.属于行政执法案卷", 146, 700, 126), ...values(700, ROW)]);
    const next = onPage(6, [frag("8.属于行政查询事项", 146, 40, 126), frag("1.本机关不掌握", 146, 120, 98), ...values(120, ROW)]);
    const lines = [...first, ...next];
    const rows = positionedRows(
      lines,
      lines.map((_, i) => i),
    );
    expect(rows.find((r) => r.label === "8.属于行政查询事项")?.alone).toBe(true);
  });
});
