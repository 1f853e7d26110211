/**
 * A page scanned turned (sideways, upside down) reads as noise; its reading is seen to
 * have failed, a probe finds the turn that makes it read, and the page is read again
 * upright. Real tesseract.js on a real scan: qinghe-2020.pdf's table 三 page, degraded
 * at 200 dpi by scripts/fixtures/scan.ts, turned in memory.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRaster, rotateQuarter, type Raster } from "../src/layout/raster/raster.js";
import { decodeImageGrey } from "../src/sources/_internal/render.js";
import { OcrPool } from "../src/sources/_internal/tesseract.js";
import { readPageImage } from "../src/sources/ocr/index.js";
import { confidentChinese, readingFailed, uprightTurns } from "../src/sources/ocr/orientation.js";
import { ocrPage } from "../src/sources/ocr/page.js";
import type { SourceContext } from "../src/sources/types.js";
import { scanPdf } from "../scripts/fixtures/scan.js";
import { FIXTURES } from "./helpers.js";

const DPI = 200;
const pool = new OcrPool(1);
const ctx = { name: "turned.pdf", log: pino({ level: "silent" }), ocr: { mode: "auto", dpi: DPI, pageTimeoutMs: 300_000, workers: 1 } } as unknown as SourceContext;
let page: Raster;
let upright: Awaited<ReturnType<typeof ocrPage>>;

beforeAll(async () => {
  const pdf = new Uint8Array(readFileSync(join(FIXTURES, "generated/qinghe-2020.pdf")));
  const scan = await scanPdf(pdf, { dpi: DPI, skewDegrees: 0.6, noise: 6, jpegQuality: 70, seed: 7, pngPages: [3], wrapper: "img2pdf" });
  page = await decodeImageGrey(scan.pngs[0]!);
  upright = await ocrPage(page, { pool, page: 3, dpi: DPI });
}, 300_000);

afterAll(() => pool.close());

describe("quarter turns of a raster", () => {
  it("move every pixel exactly, and four make the raster again", () => {
    const r = createRaster(3, 2);
    r.data.set([1, 2, 3, 4, 5, 6]);
    // Counter-clockwise: the right column becomes the top row.
    expect([...rotateQuarter(r, 1).data]).toEqual([3, 6, 2, 5, 1, 4]);
    expect([...rotateQuarter(r, 2).data]).toEqual([6, 5, 4, 3, 2, 1]);
    expect([...rotateQuarter(r, 3).data]).toEqual([4, 1, 5, 2, 6, 3]);
    let back = r;
    for (let k = 0; k < 4; k++) back = rotateQuarter(back, 1);
    expect(back).toEqual(r);
  });
});

describe("a page scanned turned", () => {
  it("reads as failed sideways, and not upright", async () => {
    expect(readingFailed(upright.lines, upright.ink)).toBe(false);
    const sideways = rotateQuarter(page, 3);
    const turned = await ocrPage(sideways, { pool, page: 3, dpi: DPI });
    expect(readingFailed(turned.lines, turned.ink)).toBe(true);
  }, 300_000);

  it("is probed for the turn that brings it upright", async () => {
    expect(await uprightTurns(rotateQuarter(page, 1), DPI, pool)).toBe(3);
    expect(await uprightTurns(rotateQuarter(page, 2), DPI, pool)).toBe(2);
    expect(await uprightTurns(page, DPI, pool)).toBe(0);
  }, 300_000);

  it("is read again upright: its table comes back", async () => {
    const turned = await readPageImage({ page: 3, raster: rotateQuarter(page, 1), dpi: DPI }, pool, ctx);
    if (!("lines" in turned)) throw new Error(`the turned page was not read: ${turned.error}`);
    const numbers = (lines: typeof turned.lines) => lines.filter((l) => l.isTableRow).flatMap((l) => l.cells.filter((c) => /^\d+$/.test(c.text))).length;
    expect(numbers(turned.lines)).toBeGreaterThan(40);
    expect(numbers(turned.lines)).toBe(numbers(upright.lines));
    expect(confidentChinese(turned.lines)).toBeGreaterThan(100);
  }, 300_000);
});
