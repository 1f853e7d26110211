/**
 * Pages scanned sideways or upside down (a landscape table fed in turned, a sheet put in
 * the wrong way round). Tesseract reads such a page as noise, so a page whose reading
 * came out with hardly any confident Chinese is probed: a square from its middle, at
 * 100 dpi, is read in each of the four quarter turns, and the page is read again turned the way
 * that gives clearly the most confident Chinese characters. Upright pages pay nothing: the
 * probe runs only after a reading that failed.
 */
import type { LayoutLine } from "../../model/layout.js";
import { crop, downscale, rotateQuarter, toPgm, type Raster } from "../../layout/raster/raster.js";
import type { OcrPool } from "../_internal/tesseract.js";
import { passLines } from "./words.js";

const CJK_CHAR = /[\u3400-\u9fff]/g;
/** A confident reading: tesseract's word confidence, 0–100. */
const CONFIDENT = 60;
/** Fewer confident Chinese characters than this on a page with ink, and its reading failed. */
const FAILED_BELOW = 30;
/**
 * Or fewer than this per unit of the page's ink fraction: measured on a scanned report's
 * pages at 200 dpi, upright ones read 5,500 (a page of tables) to 9,300 (text); a table
 * page turned sideways still gave 1,150 (single characters in cells), text pages turned 0.
 */
const FAILED_DENSITY = 2500;

const cjkCount = (text: string) => text.match(CJK_CHAR)?.length ?? 0;

/** Confident Chinese characters in a page's OCR lines. */
export function confidentChinese(lines: LayoutLine[]): number {
  return lines.flatMap((l) => l.cells).reduce((n, c) => n + ((c.confidence ?? 100) >= CONFIDENT ? cjkCount(c.text) : 0), 0);
}

/**
 * Whether a page reading found too little confident Chinese for the ink on the page (a
 * turned page, or a page that is mostly image); `ink` is the share of the page's pixels
 * that are ink.
 */
export function readingFailed(lines: LayoutLine[], ink: number): boolean {
  // A page with less ink than a few lines of text has nothing to find.
  if (ink <= 0.01) return false;
  const chinese = confidentChinese(lines);
  return chinese < FAILED_BELOW || chinese / ink < FAILED_DENSITY;
}

/**
 * The quarter turns (counter-clockwise) that bring the page upright: the turn whose probe
 * reads at least twice as many confident Chinese characters as any other, and twenty at
 * least; 0 when no turn does.
 */
export async function uprightTurns(raster: Raster, dpi: number, pool: OcrPool): Promise<0 | 1 | 2 | 3> {
  const factor = Math.max(1, Math.floor(dpi / 100));
  const small = downscale(raster, factor);
  // A square from the middle, half the page's shorter side: it reads the same size turned either way.
  const side = Math.round(Math.min(small.width, small.height) / 2);
  const band = crop(small, (small.width - side) / 2, (small.height - side) / 2, side, side);
  const scores: number[] = [];
  for (const turns of [0, 1, 2, 3] as const) {
    const read = await pool.recognize({ image: toPgm(rotateQuarter(band, turns)), lang: "chi_sim", psm: 6, dpi: dpi / factor });
    const words = passLines(read, 0, 0).flatMap((l) => l.words);
    scores.push(words.reduce((n, w) => n + (w.confidence >= CONFIDENT ? cjkCount(w.text) : 0), 0));
  }
  const best = scores.indexOf(Math.max(...scores));
  const rest = Math.max(...scores.filter((_, k) => k !== best));
  return scores[best]! >= 20 && scores[best]! >= 2 * rest ? (best as 0 | 1 | 2 | 3) : 0;
}
