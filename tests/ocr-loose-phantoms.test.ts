/**
 * A borderless table's numbers are read from their own runs of ink (loose-numbers.ts), and
 * the page pass's words over that ink go. Tesseract also boxes a number it read badly
 * beside its ink — a sliver just right of a "1" — or across two numbers and the gap
 * between them (人 over "0 … 1"): kept, such a word is the number read twice, a phantom
 * value that gave its row 8 values for 7 columns (pingtan-2023's borderless print scanned
 * at 200 dpi: rows （五）2 and （六）1 of table 三 left null). A word that holds no ink
 * outside the settled numbers' zones goes; one with ink of its own stays.
 */
import { describe, expect, it } from "vitest";
import { createRaster, type Raster } from "../src/layout/raster/raster.js";
import { readsOnlyPlaced } from "../src/sources/ocr/loose-numbers.js";
import type { Box, OcrWord } from "../src/sources/ocr/words.js";

/** A white page with black boxes of ink. */
function page(ink: Box[]): Raster {
  const r = createRaster(400, 80);
  for (const [x0, y0, x1, y1] of ink) for (let y = y0; y < y1; y++) r.data.fill(0, y * r.width + x0, y * r.width + x1);
  return r;
}

const word = (text: string, box: Box): OcrWord => ({ text, confidence: 80, box, symbols: [{ text, confidence: 80, wordConfidence: 80, box, word: 0 }] });

/** Two numbers settled from their ink, at x 100–110 and 200–212, 30 px high; their zones grown by a quarter of that. */
const DIGITS: Box[] = [
  [100, 20, 110, 50],
  [200, 20, 212, 50],
];
const zones = DIGITS.map((b) => ({ zone: [b[0] - 8, b[1] - 8, b[2] + 8, b[3] + 8] as Box, height: b[3] - b[1] }));

describe("the page pass's words over settled numbers", () => {
  it("a word boxed just beside a number, on no ink, is that number read again", () => {
    expect(readsOnlyPlaced(word("1", [119, 22, 121, 48]), zones, page(DIGITS), 128, 4)).toBe(true);
  });

  it("a word boxed across two numbers and the blank between them is a reading of them", () => {
    expect(readsOnlyPlaced(word("人", [100, 20, 212, 50]), zones, page(DIGITS), 128, 4)).toBe(true);
  });

  it("a word with ink of its own beside a number stays", () => {
    expect(readsOnlyPlaced(word("人", [119, 22, 140, 48]), zones, page([...DIGITS, [125, 25, 135, 45]]), 128, 4)).toBe(false);
  });

  it("a word far from every number stays, ink or none", () => {
    expect(readsOnlyPlaced(word("”", [20, 22, 30, 48]), zones, page(DIGITS), 128, 4)).toBe(false);
  });

  it("a number read from its own ink is never dropped", () => {
    expect(readsOnlyPlaced({ ...word("0", DIGITS[0]!), alone: true }, zones, page(DIGITS), 128, 4)).toBe(false);
  });
});
