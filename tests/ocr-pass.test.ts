/**
 * Page OCR by whole passes, with the real tesseract.js on a real scan (qinghe-2020.pdf,
 * a project fixture, degraded by scripts/fixtures/scan.ts at 200 dpi, JPEG quality 60):
 * a ruled table is read in one pass with few cells read again; the same table with its
 * rulings erased — a borderless table — comes back as word-positioned lines whose number
 * cells sit in the columns the ruled reading found; scanned PDF pages are taken from
 * the decoder as they are; a minus sign before digits is seen in the ink.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createCanvas } from "@napi-rs/canvas";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildGrids } from "../src/layout/grid.js";
import { components, numberShape } from "../src/layout/raster/components.js";
import { estimateSkew } from "../src/layout/raster/deskew.js";
import { greyFromRgba, otsuThreshold, rotate, type Raster } from "../src/layout/raster/raster.js";
import { eraseRulings, findRulings, gridRulings } from "../src/layout/raster/rulings.js";
import type { LayoutLine } from "../src/model/layout.js";
import { withPdfDocument } from "../src/sources/_internal/pdfjs.js";
import { decodeImageGrey, renderPageGrey } from "../src/sources/_internal/render.js";
import { OcrPool } from "../src/sources/_internal/tesseract.js";
import { ocrPage, type OcrPageResult } from "../src/sources/ocr/page.js";
import { assignToCells, type Box } from "../src/sources/ocr/words.js";
import { scanPdf, type Scan } from "../scripts/fixtures/scan.js";
import { FIXTURES } from "./helpers.js";

const DPI = 200;
const pool = new OcrPool(1);
let scan: Scan;
let page: Raster;
let ruled: OcrPageResult;

beforeAll(async () => {
  const pdf = new Uint8Array(readFileSync(join(FIXTURES, "generated/qinghe-2020.pdf")));
  scan = await scanPdf(pdf, { dpi: DPI, skewDegrees: 0.9, noise: 9, jpegQuality: 60, seed: 21, pngPages: [3], wrapper: "img2pdf" });
  page = await decodeImageGrey(scan.pngs[0]!);
  ruled = await ocrPage(page, { pool, page: 3, dpi: DPI });
}, 300_000);

afterAll(() => pool.close());

const numbers = (lines: LayoutLine[]) => lines.flatMap((l) => l.cells).filter((c) => /^\d+$/.test(c.text));
const centre = (box: number[]) => (box[0]! + box[2]!) / 2;

describe("a ruled table, read in one pass", () => {
  it("gives every cell a confidence, and reads few cells again one by one", () => {
    const cells = ruled.lines.filter((l) => l.isTableRow).flatMap((l) => l.cells);
    expect(ruled.tables).toBeGreaterThan(0);
    expect(cells.length).toBe(ruled.cells);
    expect(cells.every((c) => c.confidence !== undefined && c.confidence >= 0 && c.confidence <= 100)).toBe(true);
    expect(numbers(ruled.lines.filter((l) => l.isTableRow)).length).toBeGreaterThan(40);
    // The old reader read every cell on its own; the pass settles most of them (at 200 dpi
    // about half: lone "0"s the pass misses, stacked headers; at 300 dpi nine in ten).
    expect(ruled.reread).toBeLessThan(ruled.cells * 0.6);
  });
});

describe("a borderless table (the same page, its rulings erased)", () => {
  it("comes back as word-positioned lines, numbers in their columns", async () => {
    const threshold = otsuThreshold(page);
    const level = rotate(page, -estimateSkew(page, threshold));
    const rulings = findRulings(level, threshold, { minLength: { horizontal: 90, vertical: 40 }, maxGap: 2, maxThickness: 8 });
    const grids = buildGrids(rulings, 5);
    expect(grids.length).toBeGreaterThan(0);
    const borderless = eraseRulings(level, gridRulings(rulings, grids, 5), 3);
    const read = await ocrPage(borderless, { pool, page: 3, dpi: DPI });
    expect(read.tables).toBe(0);
    expect(read.lines.some((l) => l.isTableRow)).toBe(false);
    const wide = read.lines.filter((l) => l.cells.length >= 5);
    expect(wide.length).toBeGreaterThan(5);
    for (const line of wide) {
      const xs = line.cells.map((c) => c.x0!);
      expect(xs).toEqual([...xs].sort((a, b) => a - b));
      expect(line.cells.every((c) => c.x1! > c.x0! && c.confidence !== undefined && c.origin.kind === "pdf")).toBe(true);
    }
    // Each number read without rulings lies inside the column of a number cell the ruled reading found.
    const columns = numbers(ruled.lines.filter((l) => l.isTableRow)).map((c) => (c.origin.kind === "pdf" ? c.origin.box : [0, 0, 0, 0]));
    const found = numbers(wide);
    expect(found.length).toBeGreaterThan(30);
    const placed = found.filter((c) => columns.some((b) => centre([c.x0!, 0, c.x1!, 0]) > b[0]! && centre([c.x0!, 0, c.x1!, 0]) < b[2]!));
    expect(placed.length / found.length).toBeGreaterThan(0.95);
  }, 120_000);
});

describe("scanned PDF pages", () => {
  it("are the embedded image's pixels, without drawing them", async () => {
    const jpeg = await decodeImageGrey(scan.jpegs[2]!);
    const rendered = await withPdfDocument(new Uint8Array(scan.pdf), async (doc) => renderPageGrey(await doc.getPage(3), DPI));
    expect([rendered.width, rendered.height]).toEqual([jpeg.width, jpeg.height]);
    let diff = 0;
    for (let i = 0; i < jpeg.data.length; i++) diff += Math.abs(jpeg.data[i]! - rendered.data[i]!);
    // Two JPEG decoders (pdf.js's and Skia's) round a little differently, nothing more.
    expect(diff / jpeg.data.length).toBeLessThan(2);
  }, 60_000);
});

describe("signed numbers", () => {
  /** A number as printed in a table cell, black on white, at 300 dpi and 9 points. */
  function printed(text: string): Raster {
    const canvas = createCanvas(240, 60);
    const ctx = canvas.getContext("2d");
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, 240, 60);
    ctx.fillStyle = "#000";
    ctx.font = "38px WenQuanYi Zen Hei";
    ctx.fillText(text, 20, 45);
    return greyFromRgba(ctx.getImageData(0, 0, 240, 60).data, 240, 60);
  }
  const shapeOf = (r: Raster) => numberShape(components(r, 128), r);

  // (U+2212 − is not in the font: it draws a box.)
  it("sees the minus of －18 and -18, and none in 18", () => {
    for (const text of ["－18", "-18"]) expect(shapeOf(printed(text))).toMatchObject({ digits: 2, negative: true });
    expect(shapeOf(printed("18"))).toMatchObject({ digits: 2, negative: false });
  });

  // A reading that drops the point ("12.6" read as 126, by every reader, on a 200-dpi scan) is then unsure.
  it("sees the decimal point of 12.6, and none in 126 or in the thousands comma of 1,234", () => {
    expect(shapeOf(printed("12.6"))).toMatchObject({ digits: 3, point: true });
    expect(shapeOf(printed("126"))).toMatchObject({ digits: 3, point: false });
    expect(shapeOf(printed("1,234"))).toMatchObject({ digits: 4, point: false });
  });
});

describe("a cell the pass read a character short", () => {
  // 规章 read as "规" boxed over both characters (huaian-2024 scanned at 200 dpi by mupdf):
  // the cell is read again on its own, or its label matches no row.
  const ink: Box[] = [
    [0, 0, 36, 38],
    [42, 0, 78, 38],
  ];
  const symbol = (text: string, box: Box, word = 0) => ({ text, confidence: 90, box, word, wordConfidence: 90 });
  const cell = { box: [-10, -10, 200, 50] as Box, ink };
  it("marks a character boxed over the ink of two as partial", () => {
    const [read] = assignToCells([{ box: [0, 0, 78, 38], words: [{ text: "规", confidence: 90, box: [0, 0, 78, 38], symbols: [symbol("规", [0, 0, 78, 38])] }] }], [cell]);
    expect(read).toMatchObject({ text: "规", partial: true });
  });
  it("takes two characters over the same ink as whole, and a character that drops the other's ink too", () => {
    const both = [symbol("规", [0, 0, 36, 38]), symbol("章", [42, 0, 78, 38])];
    expect(assignToCells([{ box: [0, 0, 78, 38], words: [{ text: "规章", confidence: 90, box: [0, 0, 78, 38], symbols: both }] }], [cell])[0]).toMatchObject({ text: "规章", partial: false });
    // Boxed over its own ink only, the other character's ink is left uncovered.
    const one = [symbol("规", [0, 0, 36, 38])];
    expect(assignToCells([{ box: [0, 0, 36, 38], words: [{ text: "规", confidence: 90, box: [0, 0, 36, 38], symbols: one }] }], [cell])[0]).toMatchObject({ partial: true });
  });
});
