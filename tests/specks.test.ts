/**
 * ocr/specks.ts: which words of a page pass are specks of the scan among a row's values.
 * The page is a white raster at 200 dpi with ink drawn where a test puts it: a digit-sized
 * block, a dot of dust, or nothing.
 */
import { describe, expect, it } from "vitest";
import type { Raster } from "../src/layout/raster/raster.js";
import { isDust, isSpeck } from "../src/sources/ocr/specks.js";
import type { OcrWord } from "../src/sources/ocr/words.js";

const DPI = 200;
const THRESHOLD = 128;

function page(inks: [x: number, y: number, w: number, h: number][]): Raster {
  const width = 600;
  const height = 100;
  const data = new Uint8Array(width * height).fill(255);
  for (const [x, y, w, h] of inks) for (let r = y; r < y + h; r++) data.fill(0, r * width + x, r * width + x + w);
  return { width, height, data };
}

const word = (text: string, x0: number, x1: number): OcrWord => ({ text, confidence: 80, box: [x0, 30, x1, 60], symbols: [] });
const line = { box: [0, 30, 600, 60] };

/** A row of three words with ink under the outer two (digits 18 px tall) and what `middleInk` puts under the middle one. */
function row(middle: string, middleInk: [number, number, number, number][], left = "12", right = "0") {
  const words = [word(left, 100, 130), word(middle, 200, 230), word(right, 300, 330)];
  const raster = page([[105, 35, 20, 20], [305, 35, 20, 20], ...middleInk]);
  return { words, raster, speck: isSpeck(words[1]!, words[0], words[2], line, raster, THRESHOLD, DPI) };
}

describe("specks among a row's values", () => {
  it("punctuation between two numbers is a speck", () => {
    expect(row("，", [[212, 50, 3, 3]]).speck).toBe(true);
    expect(row("”", []).speck).toBe(true);
  });

  it("a character read over dust, or over no ink at all, beside a number is a speck", () => {
    expect(row("入", [[213, 44, 2, 2]]).speck).toBe(true);
    // A faint smudge the threshold drops (pingtan-2022's table 四 printed without rulings: 全).
    expect(row("全", []).speck).toBe(true);
  });

  it("a character over ink of a character's size is no speck", () => {
    expect(row("入", [[205, 35, 20, 20]]).speck).toBe(false);
  });

  it("a number is never a speck, even boxed beside its ink", () => {
    expect(row("1", []).speck).toBe(false);
    expect(row("-3", [[213, 44, 2, 2]]).speck).toBe(false);
  });

  it("a word between words that are not numbers is prose, whatever it is read over", () => {
    expect(row("，", [], "公开", "申请").speck).toBe(false);
    expect(row("入", [], "公开", "申请").speck).toBe(false);
  });

  it("a word close to its neighbour belongs to it", () => {
    const words = [word("12", 100, 195), word("，", 200, 206), word("0", 300, 330)];
    const raster = page([[105, 35, 80, 20], [305, 35, 20, 20]]);
    expect(isSpeck(words[1]!, words[0], words[2], line, raster, THRESHOLD, DPI)).toBe(false);
  });

  it("dust is ink no mark of which reaches a fortieth of an inch", () => {
    const raster = page([[10, 10, 4, 4], [50, 10, 5, 2], [90, 10, 2, 12]]);
    expect(isDust([8, 8, 20, 20], raster, THRESHOLD, DPI)).toBe(true);
    expect(isDust([48, 8, 60, 20], raster, THRESHOLD, DPI)).toBe(false);
    expect(isDust([88, 8, 96, 30], raster, THRESHOLD, DPI)).toBe(false);
    expect(isDust([200, 8, 220, 30], raster, THRESHOLD, DPI)).toBe(true);
  });
});
