/**
 * One table cell at a time: cleaning a cell's crop, and reading it on its own — the
 * careful (and slow) way, used only for the cells the table's whole pass left unsure
 * (see table.ts). Digits go to the eng model with a digit whitelist, up to three
 * attempts; anything else to chi_sim.
 */
import { components, glyphs, numberShape, type Component, type NumberShape } from "../../layout/raster/components.js";
import { crop, pad, toPgm, upscale, type Raster } from "../../layout/raster/raster.js";
import type { OcrLanguage, OcrPool } from "../_internal/tesseract.js";

export const DIGITS = "0123456789.,-";

export interface CellReading {
  text: string;
  confidence: number;
  /** The ink shows a decimal point after this many digits that the reading lacks (see inkPoint). */
  inkPoint?: number;
}

/** A cell's crop, cleaned, and what its ink looks like. */
export interface CleanCell {
  /** Black on white, rulings' slivers and dust removed, cut to the ink (with a margin). */
  image: Raster;
  /** The same box from the grey page. */
  grey: Raster;
  /** The grey box with the slivers and dust whited out: the writing in its own greys, thin strokes kept. */
  soft: Raster;
  marks: Component[];
  /** Every mark kept, small ones too, as boxes in page pixels: where the cell's writing is. */
  ink: [number, number, number, number][];
  shape: NumberShape | null;
  /** Where `marks` are measured from: the page pixel of their (0, 0). */
  offset: [number, number];
}

/**
 * Cleans a cell crop for reading: long marks touching the crop's edge are remnants of the
 * rulings (a residual skew leaves slivers of them inside the inset), and marks smaller
 * than a dot are scanner noise. Both are whited out; what is left is the writing, in
 * pure black on white — on a noisy scan tesseract misreads lone digits in grey (a "2"
 * as 7 at 37 % confidence) and reads them right once binarised (2 at 94 %).
 *
 * A remnant is thin, or runs (nearly) the crop's length. A digit of a cell without
 * padding touches the crop's edge too, and in a row as tight as its type (wkhtmltopdf
 * prints) it is most of the crop's height: it is neither, and is kept.
 */
function cleanMarks(image: Raster, threshold: number, dpi: number): { image: Raster; soft: Raster; marks: Component[]; kept: Component[] } {
  const speck = 3; // single pixels and pairs: dust
  const dot = Math.max(6, Math.round((dpi / 100) ** 2 * 2)); // smaller marks do not decide what kind of text this is
  const thin = Math.max(3, Math.round(dpi / 60)); // a ruling's width, and more: a digit's stroke is no thinner
  const out: Raster = { ...image, data: image.data.map((v) => (v < threshold ? 0 : 255)) };
  const soft: Raster = { ...image, data: new Uint8Array(image.data) };
  const marks: Component[] = [];
  const kept: Component[] = [];
  for (const m of components(image, threshold, 1)) {
    const touches = m.x0 <= 1 || m.y0 <= 1 || m.x1 >= image.width - 2 || m.y1 >= image.height - 2;
    const [w, h] = [m.x1 - m.x0 + 1, m.y1 - m.y0 + 1];
    const sliver = touches && ((w > image.width * 0.5 && (h <= thin || w >= image.width * 0.9)) || (h > image.height * 0.6 && (w <= thin || h >= image.height * 0.9)));
    if (sliver || m.area <= speck) {
      for (let y = m.y0; y <= m.y1; y++) for (let x = m.x0; x <= m.x1; x++) out.data[y * out.width + x] = soft.data[y * out.width + x] = 255;
    } else {
      kept.push(m);
      if (m.area >= dot) marks.push(m);
    }
  }
  return { image: out, soft, marks, kept };
}

/** The box around the marks, widened by `margin` (x, y, width, height), or null when there are none. */
function inkBox(marks: Component[], image: Raster, margin: number): [number, number, number, number] | null {
  if (marks.length === 0) return null;
  const x0 = Math.max(0, Math.min(...marks.map((m) => m.x0)) - margin);
  const y0 = Math.max(0, Math.min(...marks.map((m) => m.y0)) - margin);
  const x1 = Math.min(image.width, Math.max(...marks.map((m) => m.x1)) + 1 + margin);
  const y1 = Math.min(image.height, Math.max(...marks.map((m) => m.y1)) + 1 + margin);
  return [x0, y0, x1 - x0, y1 - y0];
}

/** The cell box `box` of the page, cleaned and cut to its ink. */
export function cleanCell(page: Raster, box: [number, number, number, number], inset: number, threshold: number, dpi: number): CleanCell {
  const [x0, y0, x1, y1] = box;
  const [left, top] = [Math.max(0, Math.floor(x0 + inset)), Math.max(0, Math.floor(y0 + inset))];
  const grey = crop(page, left, top, x1 - x0 - 2 * inset, y1 - y0 - 2 * inset);
  const { image, soft, marks, kept } = cleanMarks(grey, threshold, dpi);
  const ink = kept.map((m): [number, number, number, number] => [m.x0 + left, m.y0 + top, m.x1 + left + 1, m.y1 + top + 1]);
  const shape = numberShape(marks, image);
  // Tesseract finds a small number in a wide empty cell badly: read just the ink, with a margin.
  const cut = inkBox(marks, image, Math.round(dpi / 30));
  const cutOut = (r: Raster) => (cut ? crop(r, ...cut) : r);
  return { image: cutOut(image), grey: cutOut(grey), soft: cutOut(soft), marks, ink, shape, offset: [left, top] };
}

/** A sign word table 二's 本年增/减 prints before its number ("增 113", "减少 7"). */
export const SIGN_WORD = /^\s*(增加|减少|增|减)\s*/u;

/**
 * Where the number after a sign word begins, in page pixels: midway between the last
 * glyph not shaped like a digit (wider than 0.9 of its height, or of another height than
 * the table's digits) and the first of the digit glyphs that end the cell — with the
 * small marks between them (the comma of 1,234, a decimal point), which belong to the
 * number. Null when the cell does not end in such a run, or nothing stands before it.
 * The height must match closely: a Chinese character's narrow part (曾 of 增) is some 1.3
 * digits tall.
 */
export function numberAfterWord(cell: CleanCell, digitHeight: number | null): number | null {
  if (digitHeight === null) return null;
  const all = glyphs(cell.marks);
  const height = (g: Component) => g.y1 - g.y0 + 1;
  const digitLike = (g: Component) => g.x1 - g.x0 + 1 <= height(g) * 0.9 && Math.abs(height(g) - digitHeight) <= digitHeight * 0.15;
  const mark = (g: Component) => height(g) <= digitHeight * 0.45;
  let first = all.length;
  while (first > 0 && (digitLike(all[first - 1]!) || mark(all[first - 1]!))) first--;
  while (first < all.length && mark(all[first]!)) first++; // a mark before the first digit is no part of the number
  if (first === 0 || first === all.length) return null;
  return cell.offset[0] + Math.round((all[first - 1]!.x1 + all[first]!.x0) / 2);
}

/** Tesseract's text of a cell: lines joined without separators, except between two numbers. */
export function joinLines(text: string): string {
  const parts = text.split(/\n+/).map((l) => l.trim()).filter(Boolean);
  let out = "";
  for (const p of parts) out += out && /\d$/.test(out) && /^\d/.test(p) ? ` ${p}` : p;
  return out;
}

/**
 * "1 9", "0.", ".5", "-13", "－13": spaces, stray dots, and specks read as dashes around
 * the digits of a number cell. A minus sign goes too: `signed` puts it back where the ink
 * has one.
 */
export function tidyNumber(read: string): string {
  const text = read.replace(/^[−－–—](?=\s*\d)/u, "-");
  const stray = /^(\d[\d,.]*)\s+\S$/.exec(text); // "471  四": a number and one stray mark after a gap
  if (stray) return stray[1]!;
  return /^[\d\s.,-]+$/.test(text) && /\d/.test(text) ? text.replace(/\s+/g, "").replace(/^[-.,]+|[-.,]+$/g, "") : text;
}

export const digitCount = (text: string) => text.replace(/[^\d]/g, "").length;

/** A reading that is a plain number (digits, separators; no sign: the sign comes from the ink). */
export const isNumberText = (text: string) => /^\d[\d,.]*$/.test(text);

/**
 * Two readings that agree outvote a more confident third (measured: "190" read twice at
 * 47 %, "120" once at 80 %) — unless they are guesses: "961716" twice at 13 % and 0 %
 * against "96171.6" at 90 % is tesseract missing the point, twice.
 */
export function agreed(readings: CellReading[]): CellReading | undefined {
  const votes = new Map<string, CellReading[]>();
  for (const r of readings) if (r.confidence >= 40) votes.set(r.text, [...(votes.get(r.text) ?? []), r]);
  const [winner] = [...votes.values()].filter((rs) => rs.length >= 2);
  return winner ? { text: winner[0]!.text, confidence: Math.max(...winner.map((r) => r.confidence)) } : undefined;
}

/**
 * Cells read at under 250 dpi are read at twice the size: tesseract's digit model reads a
 * 200-dpi 9-point digit (about 20 px tall) worse than the same digit doubled.
 */
function sized(image: Raster, dpi: number): { image: Raster; dpi: number } {
  return dpi < 250 ? { image: upscale(image, 2), dpi: dpi * 2 } : { image, dpi };
}

/**
 * Reads a cell of digits. The ink says how many digits to expect; the cell is read
 * until two readings of that length agree — counting `earlier` ones, the table pass's
 * (chi_sim) and the strip's (eng) — else the most confident of that length wins, unsure
 * (UNAGREED); two that agree against a more confident third are unsure too. The
 * first attempt is chi_sim's, with a digit whitelist: the two models misread different
 * digits (on huaian-2024 scanned at 300 dpi, eng reads its "4" as 1 at 98 %, chi_sim
 * reads it right), so a third eng reading would only repeat eng's mistake.
 */
export async function readDigits(cell: CleanCell, expected: number, pool: OcrPool, dpi: number, earlier: CellReading[] = []): Promise<CellReading | null> {
  // Raw-line mode (13) skips tesseract's layout analysis, which on a tightly cropped
  // cell sometimes discards a lone digit as noise and returns nothing (measured: eight
  // of eight such "0"/"4"/"5" cells empty in modes 7 and 10, all read in mode 13).
  const attempts: { image: Raster; psm: 7 | 13; lang: OcrLanguage }[] = [
    { image: cell.soft, psm: 13, lang: "chi_sim" },
    { image: cell.image, psm: 13, lang: "eng" },
    { image: cell.soft, psm: 7, lang: "eng" },
    { image: cell.grey, psm: 13, lang: "eng" },
  ];
  const readings = earlier.filter((r) => isNumberText(r.text));
  const fits = (rs: CellReading[]) => rs.filter((r) => digitCount(r.text) === expected);
  for (const { image, psm, lang } of attempts) {
    if (agreed(fits(readings))) break;
    const input = sized(image, dpi);
    const read = await pool.recognize({ image: toPgm(pad(input.image, 12)), lang, psm, whitelist: DIGITS, dpi: input.dpi });
    const text = tidyNumber(read.text.trim());
    if (isNumberText(text)) readings.push({ text, confidence: read.confidence });
  }
  return settleReadings(readings, expected);
}

/** What a number cell's readings (plain numbers) settle on, `expected` digits long (see readDigits). */
export function settleReadings(readings: CellReading[], expected: number): CellReading | null {
  const fitting = readings.filter((r) => digitCount(r.text) === expected);
  const best = (rs: CellReading[]) => [...rs].sort((a, b) => b.confidence - a.confidence)[0];
  const unsure = (r: CellReading | undefined) => r && { ...r, confidence: Math.min(r.confidence, UNAGREED) };
  const winner = agreed(fitting);
  // Two readings agreeing outvote a more confident third, but do not make it go away: the
  // cell is disputed (49396 read 14939 at 49 and 57 by eng, 49396 at 69 by another reader).
  if (winner) return fitting.some((r) => r.text !== winner.text && r.confidence > winner.confidence) ? unsure(winner)! : winner;
  return unsure(best(fitting)) ?? unsure(best(readings.filter((r) => r.confidence >= 50))) ?? null;
}

/**
 * The confidence a number gets when no two of its readings agreed: at most this, however
 * sure the one reader was (eng reads a "4" as 1 at 98 %).
 */
export const UNAGREED = 40;

/** Reads a cleaned cell as Chinese text (a block: it may hold several lines). */
export async function readText(cell: CleanCell, pool: OcrPool, dpi: number): Promise<CellReading> {
  const input = sized(cell.image, dpi);
  const read = await pool.recognize({ image: toPgm(pad(input.image, 12)), lang: "chi_sim", psm: 6, dpi: input.dpi });
  return { text: tidyNumber(joinLines(read.text)), confidence: read.confidence };
}

/** Whether the ink is a number printed at the table's digit height (stacked header text such as 结/果/维/持 is narrow too, but twice as tall). */
export function isNumberCell(cell: CleanCell, digitHeight: number | null): cell is CleanCell & { shape: NumberShape } {
  return cell.shape !== null && digitHeight !== null && Math.abs(cell.shape.height - digitHeight) <= digitHeight * 0.3;
}

/**
 * Where the ink shows a decimal point a plain number's reading lacks ("7.2" read as 72
 * by every reader), after how many of its digits: only when the reading has the ink's
 * count of digits and the point stands between two of them. The reading is kept; the
 * parser uses the place only in a column that takes decimals (layout.ts LayoutCell.inkPoint).
 */
export function inkPoint(text: string, shape: NumberShape | null): number | undefined {
  if (!shape?.point || shape.pointAfter === null || !/^\d+$/.test(text)) return undefined;
  return text.length === shape.digits && shape.pointAfter >= 1 && shape.pointAfter < shape.digits ? shape.pointAfter : undefined;
}

/** The shape's sign in front of a number read without one. */
export function signed(text: string, shape: NumberShape | null): string {
  return shape?.negative && isNumberText(text) ? `-${text}` : text;
}
