/**
 * Table 二 has no identities: an OCR reading of it that its reader was unsure of is
 * flagged cell by cell (OCR_UNCERTAIN), since nothing else would catch a misread digit.
 * The rows are what the OCR path hands the parser: grid rows with a confidence per cell.
 */
import { describe, expect, it } from "vitest";
import type { LayoutCell, LayoutLine } from "../src/model/layout.js";
import { parseActiveDisclosure } from "../src/templates/table2.js";
import { Collector } from "../src/templates/_shared/collector.js";
import { flowRows } from "../src/templates/_shared/rows.js";
import { issuesNaming } from "../src/validate/flags.js";

const row = (texts: [string, number][]): LayoutLine => ({
  isTableRow: true,
  table: 10_101,
  page: 1,
  cells: texts.map(([text, confidence], col): LayoutCell => ({ text, col, colSpan: 1, rowSpan: 1, confidence, origin: { kind: "pdf", page: 1, box: [col * 100, 0, col * 100 + 90, 20] } })),
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
});
