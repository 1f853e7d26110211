/**
 * Cleaning a ruled table's cell before it is read (src/sources/ocr/cells.ts): what is
 * left of the rulings inside the crop goes, the writing stays — also a digit that touches
 * the crop's edge because its cell has no padding and its row is as tight as its type
 * (wkhtmltopdf prints; pingtan-2022 so printed and scanned at 200 dpi lost its 0s and read
 * 21 as 1, the digits taken for ruling remnants).
 */
import { describe, expect, it } from "vitest";
import { createRaster, type Raster } from "../src/layout/raster/raster.js";
import { cleanCell } from "../src/sources/ocr/cells.js";

/** A white page with black boxes [x0, y0, x1, y1) of ink. */
function page(width: number, height: number, boxes: [number, number, number, number][]): Raster {
  const r = createRaster(width, height);
  for (const [x0, y0, x1, y1] of boxes) for (let y = y0; y < y1; y++) r.data.fill(0, y * width + x0, y * width + x1);
  return r;
}

/** A "0" as a ring: outer box [x0, y0, x1, y1), strokes 4 pixels wide. */
const zero = (x0: number, y0: number, x1: number, y1: number): [number, number, number, number][] => [
  [x0, y0, x1, y0 + 4],
  [x0, y1 - 4, x1, y1],
  [x0, y0, x0 + 4, y1],
  [x1 - 4, y0, x1, y1],
];

// A cell of 200 × 60 pixels at 300 dpi, read inside an inset of 5: the crop is x 5–194, y 5–54.
const BOX: [number, number, number, number] = [0, 0, 200, 60];
const INSET = 5;

describe("a table cell's crop, cleaned", () => {
  it("keeps a digit that touches the crop's edge in a tight row", () => {
    // The 0 starts at the crop's left edge and is 42 of its 50 rows high.
    const cell = cleanCell(page(200, 60, zero(5, 9, 28, 51)), BOX, INSET, 128, 300);
    expect(cell.marks).toHaveLength(1);
    expect(cell.shape).toMatchObject({ digits: 1 });
  });

  it("removes a ruling's remnant: thin along an edge, or as long as the crop", () => {
    const remnants: [number, number, number, number][] = [
      [192, 5, 195, 55], // the right ruling's inner edge, the crop's full height
      [5, 5, 195, 7], // the top ruling's, its full width
      [5, 20, 8, 55], // a sliver of the left ruling over 70 % of the height: thin
    ];
    const cell = cleanCell(page(200, 60, [...zero(90, 12, 113, 48), ...remnants]), BOX, INSET, 128, 300);
    expect(cell.marks).toHaveLength(1);
    expect(cell.marks[0]).toMatchObject({ x0: 85, x1: 107 });
  });
});
