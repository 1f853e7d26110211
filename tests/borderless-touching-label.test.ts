/**
 * A borderless table printed in a narrow column or big type: a row's label fills its cell
 * and touches the values beside it, so the gap that separates cells is not there and the
 * label and its first values arrive as one cell ("握相关政府信" "37" "0", pingtan-2022's
 * page printed in 20 px type). The cut is made where the PDF's own text items meet, and
 * only for numbers that stand in a value column: a number ending a label that stands in
 * none ("第2") stays label text.
 */
import { describe, expect, it } from "vitest";
import { linesFromFragments, type Fragment } from "../src/layout/pdf-lines.js";
import { positionedRows } from "../src/templates/_shared/rows.js";

/** The value columns' left edges (points); each value is 7 pt wide per digit. */
const COLUMNS = [256, 278, 300, 322, 344, 366, 388];
const SIZE = 14;

const frag = (text: string, x0: number, baseline: number, width = [...text].length * SIZE): Fragment => ({ text, x0, x1: x0 + width, baseline, size: SIZE });
const values = (baseline: number, texts: string[]) => texts.map((t, i) => frag(t, COLUMNS[i]!, baseline, t.length * 7));

/** A row printed clear of its values, above the row under test: it shows where the value columns are. */
const ROW_ABOVE = [frag("7.属于行政执法案卷", 130, 100, 100), ...values(100, ["1", "0", "0", "0", "0", "0", "1"])];

function rowsOf(fragments: Fragment[]) {
  const lines = linesFromFragments([{ page: 1, width: 595, height: 842, fragments }]);
  return positionedRows(
    lines,
    lines.map((_, i) => i),
  );
}

describe("a label that touches its values in a borderless table", () => {
  it("is cut where its text items meet, each number going to the column it stands in", () => {
    const rows = rowsOf([
      ...ROW_ABOVE,
      // The label's middle line ends where the first value begins, and the second value is
      // closer to the first than a cell gap: one cell "握相关政府信37 0".
      frag("1.本机关不掌", 158, 130, 98),
      frag("握相关政府信", 158, 148, 98),
      frag("37", 256, 148, 14),
      frag("0", 278, 148, 7),
      ...values(148, ["37", "0", "0", "0", "0", "0", "37"]).slice(2),
      frag("息", 158, 166),
    ]);
    const held = rows.find((r) => r.label.includes("不掌"))!;
    expect(held.label).toBe("1.本机关不掌握相关政府信息");
    expect(held.values.map((v) => v.text)).toEqual(["37", "0", "0", "0", "0", "0", "37"]);
    expect(held.values.map((v) => v.span?.[0])).toEqual(COLUMNS);
  });

  it("keeps a number that stands in no value column as label text", () => {
    const rows = rowsOf([
      ...ROW_ABOVE,
      // "第" "2" touch, and the 2 ends at 207, left of every value column: it is part of the label.
      frag("其他第", 158, 148, 42),
      frag("2", 200, 148, 7),
      ...values(148, ["0", "0", "0", "0", "0", "0", "0"]),
    ]);
    const other = rows.find((r) => r.label.includes("其他"))!;
    expect(other.label).toBe("其他第2");
    expect(other.values.map((v) => v.text)).toEqual(["0", "0", "0", "0", "0", "0", "0"]);
  });
});
