/**
 * Whether ink is shaped like a number (src/layout/raster/components.ts numberShape) decides
 * whether a cell is read by the digit model. Characters printed one above the other (a
 * vertical header, 结/果) merge into one narrow glyph that only the blank rows between them
 * give away; a digit whose stroke broke on a noisy scan has blank rows too — the bar of a
 * 7 apart from its stem (huaian-2024 scanned at 300 dpi by poppler: 447 of table 三 was
 * taken for text, read "4和全", and its row lost the value) — but one part is short.
 */
import { describe, expect, it } from "vitest";
import { components, numberShape } from "../src/layout/raster/components.js";
import { inkPoint, numberAfterWord, settleReadings, type CleanCell } from "../src/sources/ocr/cells.js";
import { createRaster, type Raster } from "../src/layout/raster/raster.js";
import { inkDisagrees } from "../src/sources/ocr/table.js";

/** A white image with black boxes [x0, y0, x1, y1) of ink. */
function ink(width: number, height: number, boxes: [number, number, number, number][]): Raster {
  const r = createRaster(width, height);
  for (const [x0, y0, x1, y1] of boxes) for (let y = y0; y < y1; y++) r.data.fill(0, y * width + x0, y * width + x1);
  return r;
}

const shapeOf = (r: Raster) => numberShape(components(r, 128), r);

describe("number-shaped ink", () => {
  it("a decimal point on the baseline says after how many digits it stands", () => {
    // Three digit bars 8 px wide, 20 tall (rows 10–29), 4 px apart; a 3×3 dot on their baseline after the first, and again after the second.
    const digits: [number, number, number, number][] = [
      [10, 10, 18, 30],
      [26, 10, 34, 30],
      [42, 10, 50, 30],
    ];
    const first = shapeOf(ink(70, 40, [...digits, [20, 27, 23, 30]]));
    expect(first).toMatchObject({ digits: 3, point: true, pointAfter: 1 });
    expect(shapeOf(ink(70, 40, [...digits, [36, 27, 39, 30]]))).toMatchObject({ digits: 3, point: true, pointAfter: 2 });
    expect(shapeOf(ink(70, 40, digits))).toMatchObject({ digits: 3, point: false, pointAfter: null });
    // A reading of the ink's digits without the point gets its place; one with it, or with another count of digits, none.
    expect(inkPoint("724", first)).toBe(1);
    expect(inkPoint("7.24", first)).toBeUndefined();
    expect(inkPoint("72", first)).toBeUndefined();
  });

  it("the number after a sign word starts at its first digit, its comma and point included", () => {
    const box = (x0: number, y0: number, x1: number, y1: number) => ({ x0, y0, x1, y1, area: (x1 - x0 + 1) * (y1 - y0 + 1) });
    const cellOf = (marks: ReturnType<typeof box>[]) => ({ marks, offset: [100, 50] }) as unknown as CleanCell;
    // 减 (one wide glyph, 41×43), then "1,234" in 30-px digits: the comma is small and low.
    const jian = box(0, 0, 40, 42);
    const digits = [box(50, 6, 61, 35), box(66, 31, 69, 38), box(74, 6, 89, 35), box(94, 6, 109, 35), box(114, 6, 129, 35)];
    expect(numberAfterWord(cellOf([jian, ...digits]), 30)).toBe(100 + Math.round((40 + 50) / 2));
    // 增: two narrow halves, 土 of a digit's height and 曾 1.3 digits tall; then "7".
    const zeng = [box(0, 4, 15, 36), box(17, 0, 41, 39)];
    expect(numberAfterWord(cellOf([...zeng, box(52, 6, 67, 35)]), 30)).toBe(100 + Math.round((41 + 52) / 2));
    // Digits alone, or no digits at the end: no cut.
    expect(numberAfterWord(cellOf(digits), 30)).toBeNull();
    expect(numberAfterWord(cellOf([jian]), 30)).toBeNull();
  });

  it("a 7 whose bar broke from its stem is still a digit", () => {
    // Bar: rows 10–12; stem: rows 17–30, under the bar's right end; 4 blank rows between.
    const seven = ink(40, 40, [
      [10, 10, 22, 13],
      [17, 17, 20, 31],
    ]);
    expect(shapeOf(seven)).toMatchObject({ digits: 1 });
  });

  it("two characters stacked one above the other, cut by blank rows, are not", () => {
    // Two square-ish characters, 12 px each, 4 blank rows apart, joined by nothing: one narrow glyph.
    const stacked = ink(40, 50, [
      [10, 10, 22, 12],
      [15, 12, 17, 22],
      [10, 20, 22, 22],
      [10, 26, 22, 28],
      [15, 28, 17, 38],
      [10, 36, 22, 38],
    ]);
    expect(shapeOf(stacked)).toBeNull();
  });

  // minghu-2021's print scanned at 200 dpi by Ghostscript (no anti-aliasing): the 0 of 3870
  // broke at its thin top and bottom strokes into halves that meet in one column; counted as
  // two digits, the digit reader was asked for five and made 13870 of it.
  it("a 0 broken into halves that share a column is one digit", () => {
    const zero = ink(60, 50, [
      // The left half: its stroke, and a nib that reaches column 17 halfway down.
      [10, 12, 14, 40],
      [14, 25, 18, 26],
      // The right half: top, right side and bottom, from column 17 on.
      [17, 10, 33, 12],
      [30, 10, 33, 42],
      [17, 40, 33, 42],
    ]);
    expect(components(zero, 128)).toHaveLength(2);
    expect(shapeOf(zero)).toMatchObject({ digits: 1 });
  });

  it("a 0 broken into halves in adjacent columns, or one blank column apart, is one digit", () => {
    // Ghostscript's black-and-white scan of a print: the halves of "0" in columns 43–50 and 51–65.
    const zero = ink(80, 50, [
      [10, 12, 18, 40],
      [18, 10, 30, 13],
      [26, 12, 30, 40],
      [18, 38, 30, 41],
    ]);
    // Left half in columns 10–17 (its nibs reach column 17 at rows 12–13 and 38–39), right
    // half from column `right` on (its arcs at rows 9–10 and 42–43): no pixel of one touches the other.
    const halves = (right: number) =>
      ink(80, 50, [
        [10, 12, 14, 40],
        [14, 12, 18, 14],
        [14, 38, 18, 40],
        [right, 9, right + 12, 11],
        [right + 8, 9, right + 12, 44],
        [right, 42, right + 12, 44],
      ]);
    expect(shapeOf(zero)).toMatchObject({ digits: 1 });
    expect(components(halves(18), 128)).toHaveLength(2);
    expect(shapeOf(halves(18))).toMatchObject({ digits: 1 });
    // The halves one blank column apart (column 18) are one digit still.
    expect(shapeOf(halves(19))).toMatchObject({ digits: 1 });
    // Two digits a blank column apart are two: together they are wider than a digit.
    const pair = ink(80, 50, [
      [10, 10, 22, 41],
      [23, 10, 35, 41],
    ]);
    expect(shapeOf(pair)).toMatchObject({ digits: 2 });
    // Two narrow ones ("11") stand further apart than that.
    const ones = ink(80, 50, [
      [10, 10, 15, 41],
      [19, 10, 24, 41],
    ]);
    expect(shapeOf(ones)).toMatchObject({ digits: 2 });
  });

  it("two digits side by side that meet in one column are still two", () => {
    const pair = ink(60, 50, [
      // A 7: its bar (one pixel of it reaching column 25) and its stem.
      [10, 10, 25, 13],
      [25, 10, 26, 11],
      [14, 13, 17, 41],
      // A block of a digit from column 26 on, lower, with a foot in column 25.
      [26, 14, 41, 41],
      [25, 40, 26, 41],
    ]);
    expect(components(pair, 128)).toHaveLength(2);
    expect(shapeOf(pair)).toMatchObject({ digits: 2 });
  });

  it("a plain number read from ink that is not shaped like one is unsure, however sure its reader", () => {
    // Grey type scanned black and white by Ghostscript: "69" as dots, of which chi_sim read "9" at 55.
    const dots: [number, number, number, number][] = [];
    for (let y = 10; y < 30; y += 3) for (let x = 10; x < 40; x += 3) if ((x + y) % 2 === 0) dots.push([x, y, x + 2, y + 1]);
    const dotted = shapeOf(ink(60, 40, dots));
    expect(dotted).toBeNull();
    expect(inkDisagrees(dotted, { text: "9", confidence: 55 }).confidence).toBe(40);
    expect(inkDisagrees(dotted, { text: "9", confidence: 30 }).confidence).toBe(30);
    // Digits whose ink is shaped like digits, and text, keep their reader's confidence.
    const two = shapeOf(ink(40, 40, [[10, 10, 18, 30], [22, 10, 30, 30]]));
    expect(two).toMatchObject({ digits: 2 });
    expect(inkDisagrees(two, { text: "69", confidence: 92 }).confidence).toBe(92);
    expect(inkDisagrees(dotted, { text: "不适用", confidence: 70 }).confidence).toBe(70);
  });

  it("two readings that agree outvote a more confident third, unsure; uncontested, they stand", () => {
    // Ghostscript's black-and-white scan: 49396 read 14939 at 49 and 57 by eng, 49396 at 69 (and as guesses at 22 and 0).
    const disputed = [
      { text: "49396", confidence: 22 },
      { text: "49396", confidence: 0 },
      { text: "14939", confidence: 49 },
      { text: "49396", confidence: 69 },
      { text: "14939", confidence: 57 },
    ];
    expect(settleReadings(disputed, 5)).toEqual({ text: "14939", confidence: 40 });
    expect(settleReadings([{ text: "190", confidence: 47 }, { text: "190", confidence: 45 }, { text: "120", confidence: 30 }], 3)).toEqual({ text: "190", confidence: 47 });
    // A reading of another count of digits contests nothing; one alone is unsure.
    expect(settleReadings([{ text: "190", confidence: 47 }, { text: "190", confidence: 45 }, { text: "1900", confidence: 90 }], 3)).toEqual({ text: "190", confidence: 47 });
    expect(settleReadings([{ text: "72", confidence: 91 }], 2)).toEqual({ text: "72", confidence: 40 });
  });
});
