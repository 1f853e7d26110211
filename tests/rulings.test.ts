/**
 * Ruling lines found on rasters drawn here: a levelled low-resolution scan leaves its
 * one-pixel table lines as staircases, which must still be whole rulings.
 */
import { describe, expect, it } from "vitest";
import { createRaster, otsuThreshold, type Raster } from "../src/layout/raster/raster.js";
import { findRulings } from "../src/layout/raster/rulings.js";

const OPTIONS = { minLength: 135, maxGap: 3, maxThickness: 12 };

/** A one-pixel horizontal line from x0 to x1 that steps down a pixel every `step` pixels. */
function staircase(r: Raster, y: number, x0: number, x1: number, step: number): void {
  for (let x = x0; x <= x1; x++) r.data[(y + Math.floor((x - x0) / step)) * r.width + x] = 0;
}

describe("findRulings", () => {
  it("takes a one-pixel line stepping every 140 pixels as one ruling, not as short pieces", () => {
    const r = createRaster(1000, 200);
    staircase(r, 50, 20, 980, 140);
    const { horizontal } = findRulings(r, 128, OPTIONS);
    expect(horizontal).toHaveLength(1);
    expect(horizontal[0]).toMatchObject({ from: 20, to: 980 });
    expect(horizontal[0]!.at).toBeGreaterThan(50);
    expect(horizontal[0]!.at).toBeLessThan(57);
  });

  it("keeps two rulings a few pixels apart apart, and drops text-like short runs", () => {
    const r = createRaster(1000, 200);
    staircase(r, 40, 20, 980, 10_000);
    staircase(r, 46, 20, 980, 10_000);
    for (let x = 100; x < 200; x += 12) for (let y = 100; y < 110; y++) r.data[y * r.width + x] = 0; // glyph stems
    const { horizontal, vertical } = findRulings(r, 128, OPTIONS);
    expect(horizontal.map((l) => Math.round(l.at))).toEqual([40, 46]);
    expect(vertical).toEqual([]);
  });

  it("treats a thick block as ink, not a ruling", () => {
    const r = createRaster(600, 200);
    for (let y = 50; y < 80; y++) for (let x = 10; x < 590; x++) r.data[y * r.width + x] = 0;
    expect(findRulings(r, 128, OPTIONS).horizontal).toEqual([]);
  });
});

describe("otsuThreshold", () => {
  it("puts ink below the threshold on a bilevel page (only 0 and 255) as on a grey one", () => {
    const bilevel = createRaster(100, 100);
    for (let i = 0; i < 800; i++) bilevel.data[i * 7] = 0;
    const t = otsuThreshold(bilevel);
    expect(0 < t && t <= 255).toBe(true);
    const grey = createRaster(100, 100);
    for (let i = 0; i < 800; i++) grey.data[i * 7] = 40 + (i % 30);
    for (let i = 0; i < 500; i++) grey.data[i * 11 + 3] = 230;
    const g = otsuThreshold(grey);
    expect(g).toBeGreaterThan(69);
    expect(g).toBeLessThanOrEqual(230);
  });
});
