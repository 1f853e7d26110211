/**
 * A borderless table read by OCR's page pass comes back as positioned lines: labels and
 * values by their x. A short mark OCR reads among a label's characters ("，_") looks like
 * a misread digit; it is one only where it stands in a value column. Taken for a value,
 * it made a row of its own out of a label fragment — pingtan-2023's borderless print
 * scanned at 200 dpi (pdf.js): the fragment "理结果" of 三、本年度办理结果 with "，_" as its
 * one value took row （一）予以公开, whose 22 … 22 went to no row.
 */
import { describe, expect, it } from "vitest";
import { flatLabels, TEMPLATES } from "../src/definition/index.js";
import type { LayoutCell, LayoutLine } from "../src/model/layout.js";
import { Collector } from "../src/templates/_shared/collector.js";
import { flowRows, positionedRows } from "../src/templates/_shared/rows.js";
import { parseApplications } from "../src/templates/table3.js";

/** The value columns' x-extents (points), as the scan prints them. */
const COLUMNS: [number, number][] = [
  [293, 304],
  [335, 341],
  [370, 375],
  [405, 410],
  [440, 445],
  [475, 481],
  [511, 522],
];

const cell = (text: string, x0: number, x1: number, top: number, confidence = 90): LayoutCell => ({ text, x0, x1, confidence, origin: { kind: "pdf", page: 1, box: [x0, top, x1, top + 12] } });

const line = (top: number, cells: LayoutCell[]): LayoutLine => ({ cells, page: 1, top, bottom: top + 12, x0: cells[0]!.x0! });

/** A row line: its label at the left, then its values in their columns. */
const rowLine = (top: number, label: LayoutCell[], values: string[]): LayoutLine => line(top, [...label, ...values.map((v, i) => cell(v, COLUMNS[i]![0], COLUMNS[i]![1], top))]);

const ZEROS = ["0", "0", "0", "0", "0", "0", "0"];
const TWENTY_TWO = ["22", "0", "0", "0", "0", "0", "22"];

describe("a borderless table read by OCR: marks among a label's characters", () => {
  const labels = flatLabels(TEMPLATES["2021"].tables.applications);
  const granted = labels.findIndex((l) => l.includes("予以公开"));
  // Every row printed on one line, 40 points apart; row （一） as the scan read it: its group
  // label 三、本年度办理结果 wrapped over three lines, the first garbled with 予以公开 into
  // "ET", the last read with a mark "，_" beside it, left of every value column.
  // 22 applications received, all granted: 一、本年新收, （一）予以公开 and （七）总计 print 22 … 22.
  const total = labels.findIndex((l) => l.includes("总计"));
  const lines = labels.flatMap((label, i): LayoutLine[] => {
    const top = 100 + 40 * i;
    if (i !== granted) return [rowLine(top, [cell(label, 67, 272, top)], i === 0 || i === total ? TWENTY_TWO : ZEROS)];
    return [rowLine(top, [cell("ET", 67, 193, top, 18)], TWENTY_TWO), line(top + 15, [cell("年度办", 67, 104, top + 15)]), line(top + 31, [cell("理结果", 67, 109, top + 31, 76), cell("，_", 123, 132, top + 31, 32)])];
  });
  const rows = positionedRows(
    lines,
    lines.map((_, i) => i),
  );

  /** Table 三 parsed from the lines as the page pass would hand them over. */
  function parsed(printed: LayoutLine[]) {
    const out = new Collector();
    const result = parseApplications(
      positionedRows(
        printed,
        printed.map((_, i) => i),
      ),
      out,
      "2021",
    );
    return { result, out };
  }

  it("a misread standing in no value column is part of the label, not a value", () => {
    expect(rows.filter((r) => r.values.some((v) => v.text === "，_"))).toEqual([]);
    const garbled = rows.find((r) => r.label.startsWith("ET"))!;
    expect(garbled.values.map((v) => v.text)).toEqual(TWENTY_TWO);
  });

  it("the row whose label OCR garbled takes, by its order, the one template row left between its neighbours", () => {
    const out = new Collector();
    const result = parseApplications(rows, out, "2021");
    expect(result?.table.granted).toMatchObject({ naturalPerson: 22, total: 22 });
    expect(out.issues.filter((i) => i.code === "CELLS_AMBIGUOUS" || i.code === "UNKNOWN_LABEL" || i.code === "ROW_MISSING")).toEqual([]);
  });

  it("two rows no label names, for the one template row between their neighbours: the column totals decide, and say so", () => {
    // The fragment "理结果" read with a row of values of its own: order alone cannot tell
    // which row is （一）; only the 22 … 22 row makes （七）总计 the sum of the outcome rows.
    const twice = lines.map((l) => (l.cells[0]!.text === "理结果" ? rowLine(l.top!, [l.cells[0]!], ZEROS) : l));
    const { result, out } = parsed(twice);
    expect(result?.table.granted).toMatchObject({ naturalPerson: 22, total: 22 });
    expect(result?.table.partiallyGranted).toMatchObject({ naturalPerson: 0, total: 0 });
    expect(out.issues.filter((i) => i.code === "CELLS_PLACED").map((i) => [i.path, i.actual])).toEqual([["applications.granted", "22 0 0 0 0 0 22 | 0 0 0 0 0 0 0"]]);
    expect(out.issues.filter((i) => i.code === "CELLS_AMBIGUOUS")).toEqual([]);
  });

  it("two rows no label names, and no total to check them by: neither is placed, the row is flagged", () => {
    // As above, with （七）总计 printed blank: no identity can tell the two rows apart.
    const twice = lines.map((l) =>
      l.cells[0]!.text === "理结果" ? rowLine(l.top!, [l.cells[0]!], ZEROS) : l.cells[0]!.text.includes("总计") ? line(l.top!, [l.cells[0]!]) : l,
    );
    const { result, out } = parsed(twice);
    expect(result?.table.granted).toMatchObject({ naturalPerson: null, total: null });
    expect(out.issues.filter((i) => i.code === "CELLS_AMBIGUOUS").map((i) => [i.path, i.actual])).toEqual([["applications.granted", "22 0 0 0 0 0 22 | 0 0 0 0 0 0 0"]]);
  });

  it("a misread in a value column still stands for its value (flagged where it lands)", () => {
    const top = 100;
    const rows = positionedRows(
      [rowLine(top, [cell("一、本年新收政府信息公开申请数量", 67, 272, top)], ["80", "1", "0", "0", "0", "0", "81"]), rowLine(top + 40, [cell("二、上年结转政府信息公开申请数量", 67, 272, top + 40)], ["0", "0", "0", "站", "0", "0", "0"])],
      [0, 1],
    );
    expect(rows.map((r) => r.values.length)).toEqual([7, 7]);
  });
});

describe("a grid row of an OCR'd table whose last value is digits with a stray mark", () => {
  // A random report scanned at 150 dpi: （七）总计's total 218784 read "2”18748" (7 characters). Taken for
  // label text, it made the whole row a label with no values, and the row went missing (ROW_MISSING).
  it("keeps the cell in its value column, so the row keeps its label and its values", () => {
    const texts = ["(七)总计", "127903", "1401", "79356", "1", "9806", "317", "2”18748"];
    const row: LayoutLine = {
      isTableRow: true,
      table: 10_301,
      page: 3,
      cells: texts.map((text, col): LayoutCell => ({ text, col, colSpan: 1, rowSpan: 1, confidence: col === 7 ? 60 : 95, origin: { kind: "pdf", page: 3, box: [col * 60, 0, col * 60 + 50, 20] } })),
    };
    const [parsed] = flowRows([row], [0]);
    expect(parsed?.label).toBe("(七)总计");
    expect(parsed?.values.map((v) => v.text)).toEqual(texts.slice(1));
  });
});
