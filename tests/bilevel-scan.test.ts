/**
 * Bilevel scans (CCITT G4, JBIG2: black and white only, as archives and fax-mode
 * scanners store them) are read softened: the recogniser, trained on anti-aliased type,
 * misread their staircase edges. qinghe-2020's page printed borderless in Noto Sans CJK,
 * thresholded at 300 dpi and coded G4: 186 -> 201/201 cells.
 */
import { describe, expect, it } from "vitest";
import { createRaster, isBilevel, otsuThreshold, soften } from "../src/layout/raster/raster.js";

/** A white page with a black bar 6 pixels thick. */
function bar(): ReturnType<typeof createRaster> {
  const r = createRaster(60, 40);
  for (let y = 17; y < 23; y++) for (let x = 10; x < 50; x++) r.data[y * 60 + x] = 0;
  return r;
}

describe("bilevel scans", () => {
  it("tells a black-and-white raster from a grey one", () => {
    const r = bar();
    expect(isBilevel(r)).toBe(true);
    r.data[5] = 128;
    expect(isBilevel(r)).toBe(false);
  });

  it("softens edges to grey and keeps the shape where a threshold cuts it", () => {
    const soft = soften(bar());
    expect(isBilevel(soft)).toBe(false);
    // Inside stays black, far outside white, the edge rows grey.
    expect(soft.data[20 * 60 + 30]).toBe(0);
    expect(soft.data[5 * 60 + 30]).toBe(255);
    expect(soft.data[16 * 60 + 30]).toBeGreaterThan(0);
    expect(soft.data[16 * 60 + 30]).toBeLessThan(255);
    const threshold = otsuThreshold(soft);
    const ink = (r: ReturnType<typeof createRaster>) => [...r.data].filter((v) => v < threshold).length;
    expect(ink(soft)).toBe(ink(bar()));
  });
});
