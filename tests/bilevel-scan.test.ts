/**
 * Bilevel scans (CCITT G4, JBIG2: black and white only, as archives and fax-mode
 * scanners store them) are read softened: the recogniser, trained on anti-aliased type,
 * misread their staircase edges. qinghe-2020's page printed borderless in Noto Sans CJK,
 * thresholded at 300 dpi and coded G4: 186 -> 201/201 cells.
 *
 * A shaded cell comes out of such a scan as a dither. Poppler's (`pdftoppm -mono`) is a
 * lattice of lone dots whose rows, resampled to OCR's resolution, passed for rulings:
 * huaian-2024's table 二, under its grey 第二十条 bands, was not found (192/202 at 200
 * dpi). Lone dots are cleared before the page is resampled: 202/202.
 */
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { clearLoneDots, createRaster, isBilevel, otsuThreshold, soften } from "../src/layout/raster/raster.js";
import { closeSharedOcrPool } from "../src/sources/_internal/tesseract.js";
import { CORPUS, extractScored, itCorpus, tempDir } from "./helpers.js";

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

describe("dithered shading in a bilevel scan", () => {
  afterAll(closeSharedOcrPool);

  it("clears lone dots and keeps every mark of two pixels or more", () => {
    const r = createRaster(40, 20);
    const black = (x: number, y: number) => (r.data[y * 40 + x] = 0);
    // An ordered dither of a light grey: a dot every other pixel on every third row.
    for (let y = 0; y < 9; y += 3) for (let x = 0; x < 40; x += 2) black(x, y);
    // A stroke, a point of two pixels, two dots touching at a corner.
    for (let x = 5; x < 30; x++) black(x, 14);
    black(35, 12);
    black(36, 12);
    black(2, 17);
    black(3, 18);
    const clean = clearLoneDots(r);
    const ink = (y0: number, y1: number) => [...clean.data.subarray(y0 * 40, y1 * 40)].filter((v) => v === 0).length;
    expect(ink(0, 10)).toBe(0);
    expect(ink(10, 20)).toBe(25 + 2 + 2);
  });

  itCorpus("huaian-2024 scanned black and white by poppler at 200 dpi: table 二 found under its dithered bands, every cell right", async () => {
    const dir = tempDir("bilevel-dither-");
    // 1-bit pages saved as PNG (poppler writes them as RGB of black and white), wrapped by img2pdf.
    execFileSync("pdftoppm", ["-r", "200", "-mono", "-png", join(CORPUS, "huaian-2024.pdf"), join(dir, "page")]);
    const pages = readdirSync(dir).filter((f) => f.endsWith(".png")).sort().map((f) => join(dir, f));
    const pdf = join(dir, "huaian-2024.pdf");
    execFileSync("img2pdf", [...pages, "-o", pdf]);
    const { score } = await extractScored(pdf, {}, join(CORPUS, "huaian-2024.truth.json"));
    expect(score.wrong).toEqual([]);
  }, 180_000);
});
