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
import { createRaster, type Raster } from "../src/layout/raster/raster.js";

/** A white image with black boxes [x0, y0, x1, y1) of ink. */
function ink(width: number, height: number, boxes: [number, number, number, number][]): Raster {
  const r = createRaster(width, height);
  for (const [x0, y0, x1, y1] of boxes) for (let y = y0; y < y1; y++) r.data.fill(0, y * width + x0, y * width + x1);
  return r;
}

const shapeOf = (r: Raster) => numberShape(components(r, 128), r);

describe("number-shaped ink", () => {
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
});
