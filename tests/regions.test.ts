/**
 * Where table 三 lies when a print breaks it over pages (src/templates/regions.ts): a part
 * on the next page belongs to the table when it follows the previous part and ends in the
 * same value columns, though the page rules fewer columns (a group's label column whose
 * cell goes on across the break: Chromium rules it on neither page, and its label
 * "（六）其他处理" stands outside both grids).
 */
import { describe, expect, it } from "vitest";
import { findRegions } from "../src/templates/regions.js";
import type { LayoutCell, LayoutLine } from "../src/model/layout.js";

/** A grid row on `page`: cells of the given widths (points) from the table's left edge, texts in order. */
function gridRow(page: number, table: number, texts: string[], widths: number[]): LayoutLine {
  let x = 0;
  const cells = texts.map((text, i): LayoutCell => {
    const cell: LayoutCell = { text, col: i, colSpan: 1, origin: { kind: "pdf", page, box: [x, 0, x + widths[i]!, 20] }, gridExtent: [x, x + widths[i]!] };
    x += widths[i]!;
    return cell;
  });
  return { cells, isTableRow: true, table, page };
}
const text = (page: number, t: string): LayoutLine => ({ cells: [{ text: t, origin: { kind: "pdf", page, box: [0, 0, 10, 10] } }], page });

const VALUES = [30, 30, 30, 30, 30, 30, 34];
const seven = (...v: number[]) => v.map(String);

function brokenTable(nextWidths: number[]): LayoutLine[] {
  const wide = [20, 40, 80, ...VALUES];
  return [
    text(5, "三、收到和处理政府信息公开申请情况"),
    gridRow(5, 20500, ["", "", "申请人情况", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"], wide),
    gridRow(5, 20500, ["", "", "一、本年新收政府信息公开申请数量", ...seven(2, 0, 0, 0, 0, 0, 2)], wide),
    gridRow(6, 20600, ["", "", "5.要求行政机关确认或重新出具已获取信息", ...seven(0, 0, 0, 0, 0, 0, 0)], wide),
    // Page 7 rules the label column and the values only; the group's label is text beside its rows.
    gridRow(7, 20700, ["1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", ...seven(3, 0, 0, 0, 0, 0, 3)], nextWidths),
    text(7, "（六）"),
    text(7, "其他处理"),
    gridRow(7, 20700, ["2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", ...seven(0, 0, 0, 0, 0, 0, 0)], nextWidths),
    gridRow(8, 20800, ["", "", "3.其他", ...seven(1, 1, 0, 0, 0, 0, 2)], wide),
    gridRow(8, 20800, ["", "（七）总计", "", ...seven(80, 12, 1, 0, 3, 0, 96)], wide),
  ];
}

describe("table 三 across pages", () => {
  it("takes a part that rules fewer columns than the page before, by its value columns", () => {
    const lines = brokenTable([80, ...VALUES]);
    const [region] = findRegions(lines, [], "applications");
    expect(region).toEqual([1, 2, 3, 4, 7, 8, 9]);
  });

  it("does not take a part whose columns differ from the table's", () => {
    const lines = brokenTable([80, 60, 20, 20, 40, 20, 20, 34]);
    const [region] = findRegions(lines, [], "applications");
    expect(region).toEqual([1, 2, 3]);
  });
});
