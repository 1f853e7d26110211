/**
 * Table 二 has no identities: an OCR reading of it that its reader was unsure of is
 * flagged cell by cell (OCR_UNCERTAIN), since nothing else would catch a misread digit.
 * The rows are what the OCR path hands the parser: grid rows with a confidence per cell,
 * or, for a table without rulings, positioned lines from the page pass.
 */
import { describe, expect, it } from "vitest";
import type { LayoutCell, LayoutLine } from "../src/model/layout.js";
import { parseActiveDisclosure } from "../src/templates/table2.js";
import { Collector } from "../src/templates/_shared/collector.js";
import { flowRows, positionedRows } from "../src/templates/_shared/rows.js";
import { issuesNaming } from "../src/validate/flags.js";

const row = (texts: [string, number][]): LayoutLine => ({
  isTableRow: true,
  table: 10_101,
  page: 1,
  cells: texts.map(([text, confidence], col): LayoutCell => ({ text, col, colSpan: 1, rowSpan: 1, confidence, origin: { kind: "pdf", page: 1, box: [col * 100, 0, col * 100 + 90, 20] } })),
});

/** A positioned line from the page pass: cells [text, x0, x1] on one line at `top`. */
const line = (top: number, cells: [string, number, number][]): LayoutLine => ({
  cells: cells.map(([text, x0, x1]): LayoutCell => ({ text, x0, x1, confidence: 90, origin: { kind: "pdf", page: 1, box: [x0, top, x1, top + 10] } })),
  page: 1,
  top,
  bottom: top + 10,
  x0: cells[0]![1],
});

describe("table 二 read by OCR", () => {
  it("flags each cell read with low confidence, and only those", () => {
    const lines = [
      row([["信息内容", 90], ["本年制发件数", 91], ["本年废止件数", 92], ["现行有效件数", 90]]),
      row([["规章", 93], ["0", 96], ["0", 95], ["0", 97]]),
      row([["行政规范性文件", 88], ["77", 41], ["132", 93], ["470", 90]]),
      row([["行政许可", 91], ["2629", 92]]),
      row([["行政处罚", 90], ["1330", 45]]),
      row([["行政强制", 90], ["54", 55]]),
      row([["行政事业性收费", 89], ["5949.088667", 90]]),
    ];
    const out = new Collector();
    const result = parseActiveDisclosure(flowRows(lines, lines.map((_, i) => i)), "本年制发件数 本年废止件数 现行有效件数 本年处理决定数量 本年收费金额（单位：万元）", out);
    expect(result?.version).toBe("2021");
    const uncertain = out.issues.filter((i) => i.code === "OCR_UNCERTAIN").map((i) => [i.path, i.actual]);
    expect(uncertain).toEqual([
      ["activeDisclosure.normativeDocuments.issued", "77"],
      ["activeDisclosure.penalty.decisions", "1330"],
    ]);
    expect(issuesNaming("activeDisclosure.penalty.decisions", out.issues)).toHaveLength(1);
    expect(out.provenance["activeDisclosure.normativeDocuments.issued"]?.confidence).toBe(41);
  });

  it("flags an amount in 万元 read larger than any can be: a decimal point lost", () => {
    const lines = [
      row([["信息内容", 90], ["本年制发件数", 91], ["本年废止件数", 92], ["现行有效件数", 90]]),
      row([["规章", 93], ["0", 96], ["0", 95], ["0", 97]]),
      row([["行政事业性收费", 89], ["24252311082", 90]]),
    ];
    const out = new Collector();
    parseActiveDisclosure(flowRows(lines, lines.map((_, i) => i)), "本年收费金额（单位：万元）", out);
    expect(out.issues.filter((i) => i.code === "OCR_UNCERTAIN").map((i) => [i.path, i.actual])).toEqual([["activeDisclosure.fees.amountWanYuan", "24252311082"]]);
  });

  it("places a decimal point the ink shows and no reader read in an amount, and nowhere else", () => {
    // A 200-dpi scan: 行政事业性收费 7.2 read "72" by every reader; the cell's ink has a point after its first digit.
    const withPoint = (l: LayoutLine, col: number, after: number): LayoutLine => {
      l.cells[col]!.inkPoint = after;
      return l;
    };
    const lines = [
      row([["信息内容", 90], ["本年制发件数", 91], ["本年废止件数", 92], ["现行有效件数", 90]]),
      withPoint(row([["行政规范性文件", 88], ["54", 40], ["1", 93], ["9", 90]]), 1, 1),
      withPoint(row([["行政事业性收费", 89], ["72", 40]]), 1, 1),
    ];
    const out = new Collector();
    const result = parseActiveDisclosure(flowRows(lines, lines.map((_, i) => i)), "本年制发件数 本年废止件数 现行有效件数 本年收费金额（单位：万元）", out);
    const table = result && "table" in result ? result.table : null;
    // A count takes no point: the mark is a speck there, and "54" stays 54 (flagged by its confidence).
    expect(table).toMatchObject({ normativeDocuments: { issued: 54 }, fees: { amountWanYuan: 7.2 } });
    const fees = out.issues.filter((i) => i.path === "activeDisclosure.fees.amountWanYuan");
    expect(fees.map((i) => i.code)).toEqual(["OCR_UNCERTAIN", "OCR_UNCERTAIN"]);
    expect(fees[1]).toMatchObject({ actual: "72", expected: 7.2, message: expect.stringContaining("decimal point its ink shows after 1 digit") });
    expect(out.provenance["activeDisclosure.fees.amountWanYuan"]?.raw).toBe("72");
  });

  it("joins a note the page pass read as a cell of its own to the number it follows", () => {
    // yunxi-2023 printed by wkhtmltopdf without borders, scanned at 200 dpi: the space in
    // "15 （含修订2件）" split it into two cells, and the row had 4 values for 3 columns.
    const lines = [
      line(448, [["信息内容", 24, 64], ["本年制发件数", 110, 170], ["本年废止件数", 180, 240], ["现行有效件数", 215, 274]]),
      line(478, [["规章", 25, 42], ["0", 121, 125], ["0", 182, 188], ["0", 253, 258]]),
      line(506, [["行政规范性文件", 25, 96], ["2", 120, 125], ["1", 183, 187], ["15", 221, 231], ["( 含修订2件)", 238, 288]]),
    ];
    const out = new Collector();
    const result = parseActiveDisclosure(positionedRows(lines, lines.map((_, i) => i)), "本年制发件数 本年废止件数 现行有效件数", out);
    expect(result?.version).toBe("2021");
    expect(result && "table" in result ? result.table : null).toMatchObject({ normativeDocuments: { issued: 2, repealed: 1, inForce: 15 } });
    expect(out.issues.filter((i) => i.code === "CELLS_AMBIGUOUS")).toEqual([]);
    expect(out.issues.filter((i) => i.code === "CELL_NOTE").map((i) => i.path)).toEqual(["activeDisclosure.normativeDocuments.inForce"]);
  });

  it("joins a sign word the page pass read as a cell of its own to the number after it", () => {
    // qinghe-2020's page printed without borders in Noto Sans CJK, scanned at 200 dpi:
    // "减 12" came out as "减" "12", and the row had 4 values for 3 columns.
    const lines = [
      line(100, [["信息内容", 24, 64], ["上一年项目数量，本年增/减", 150, 300], ["处理决定数量", 380, 440]]),
      line(130, [["行政许可", 25, 65], ["418", 180, 195], ["增 35", 240, 265], ["15207", 395, 420]]),
      line(160, [["其他对外管理服务事项", 25, 125], ["96", 183, 193], ["减", 240, 250], ["12", 255, 265], ["3361", 397, 418]]),
    ];
    const out = new Collector();
    const result = parseActiveDisclosure(positionedRows(lines, lines.map((_, i) => i)), "上一年项目数量 本年增/减 处理决定数量", out);
    expect(result?.version).toBe("2019");
    expect(result && "table" in result ? result.table : null).toMatchObject({ licensing: { previousYear: 418, change: 35, decisions: 15207 }, otherServices: { previousYear: 96, change: -12, decisions: 3361 } });
    expect(out.issues.filter((i) => i.code === "CELLS_AMBIGUOUS")).toEqual([]);
  });
});
