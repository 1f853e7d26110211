/**
 * A scan's resolution when its PDF misstates it: img2pdf (and other wrappers) give an
 * image with no resolution tag 96 dpi, so a 200-dpi A4 scan arrives as a page 17.2
 * inches wide. The page is read at the scan's own resolution, not upsampled threefold.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createCanvas } from "@napi-rs/canvas";
import { afterAll, describe, expect, it } from "vitest";
import { guessDpi, misstatedScanPpi } from "../src/sources/_internal/scan-resolution.js";
import { pageImage } from "../src/sources/ocr/page-image.js";

const A4 = { width: 595.28, height: 841.89 };
const dir = mkdtempSync(join(tmpdir(), "nianbao-scan-resolution-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("misstatedScanPpi", () => {
  it("believes a page of a paper's size, whatever its resolution", () => {
    expect(misstatedScanPpi({ width: 1654, height: 2339 }, A4.width, A4.height)).toBeNull();
    expect(misstatedScanPpi({ width: 2480, height: 3508 }, A4.width, A4.height)).toBeNull();
    // A coarse scan that says so: too few pixels to doubt it.
    expect(misstatedScanPpi({ width: 794, height: 1123 }, A4.width, A4.height)).toBeNull();
    // Letter at 150 dpi; A4 landscape at 200.
    expect(misstatedScanPpi({ width: 1275, height: 1650 }, 612, 792)).toBeNull();
    expect(misstatedScanPpi({ width: 2339, height: 1654 }, A4.height, A4.width)).toBeNull();
  });

  it("takes a page stated at 96 or 72 dpi with a finer scan's pixels to be A4, as an image file is", () => {
    const scan = { width: 1654, height: 2339 };
    for (const stated of [96, 72]) {
      const ppi = misstatedScanPpi(scan, (scan.width / stated) * 72, (scan.height / stated) * 72);
      expect(ppi).toBeCloseTo(200, 0);
      expect(ppi).toBeCloseTo(guessDpi(scan), 0);
    }
  });

  it("takes one with a Letter page's shape to be Letter (a browser print scanned), and Legal too", () => {
    // A Chromium print on its default Letter paper, rasterised at 300 dpi and wrapped with no resolution tag.
    const letter = { width: 2550, height: 3300 };
    expect(misstatedScanPpi(letter, (letter.width / 96) * 72, (letter.height / 96) * 72)).toBeCloseTo(300, 0);
    expect(guessDpi(letter)).toBe(300);
    const legal = { width: 1700, height: 2800 };
    expect(misstatedScanPpi(legal, (legal.width / 72) * 72, (legal.height / 72) * 72)).toBeCloseTo(200, 0);
    // Between A4 and Letter (shaped 1.35): neither, so believed.
    expect(misstatedScanPpi({ width: 1500, height: 2025 }, 1125, 1518.75)).toBeNull();
  });

  it("keeps the stated 96 dpi of an image not shaped like paper (a screenshot of a web page)", () => {
    expect(misstatedScanPpi({ width: 1920, height: 6000 }, 1440, 4500)).toBeNull();
    expect(misstatedScanPpi({ width: 1920, height: 1080 }, 1440, 810)).toBeNull();
  });
});

describe("a scan wrapped at 96 dpi by img2pdf", () => {
  it("is rendered for OCR at its own resolution", async () => {
    // A 200-dpi A4 page: a black bar an inch (200 pixels) long on white.
    const canvas = createCanvas(1654, 2339);
    const context = canvas.getContext("2d");
    context.fillStyle = "#ffffff";
    context.fillRect(0, 0, 1654, 2339);
    context.fillStyle = "#000000";
    context.fillRect(200, 400, 200, 20);
    writeFileSync(join(dir, "page.jpg"), await canvas.encode("jpeg", 90));
    await promisify(execFile)("img2pdf", ["--imgsize", "96dpi", "-o", join(dir, "page.pdf"), join(dir, "page.jpg")]);
    const { raster } = await pageImage(new Uint8Array(readFileSync(join(dir, "page.pdf"))), 1, 300);
    // At 300 dpi an A4 page is 2481 pixels wide (at its stated 96 dpi it would be 5169) …
    expect(raster.width).toBeGreaterThanOrEqual(2478);
    expect(raster.width).toBeLessThanOrEqual(2484);
    // … and the inch-long bar 300 pixels long.
    const row = raster.data.subarray(615 * raster.width, 616 * raster.width);
    const dark = [...row].filter((v) => v < 128).length;
    expect(Math.abs(dark - 300)).toBeLessThanOrEqual(3);
  });
});
