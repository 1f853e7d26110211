/**
 * Reads one ruled table of a page image: one recognition pass over the whole table
 * (rulings erased, chi_sim, word boxes) whose characters go to the cells by geometry,
 * and one line of all its number cells side by side read by the digit model (eng with a
 * digit whitelist). A number cell whose two readings agree, of the digit count its ink
 * shows, is settled; so is a text cell the pass read confidently. Only the others are
 * read again on their own (cells.ts): on huaian-2024's pages 4 and 5 scanned at 300 dpi,
 * 13 and 25 of 128 and 134 cells, where the reader before this read every cell alone.
 */
import type { LayoutCell, LayoutLine } from "../../model/layout.js";
import { typicalHeight, type NumberShape } from "../../layout/raster/components.js";
import type { TableGrid } from "../../layout/grid.js";
import { setExtent } from "../../layout/split-rows.js";
import { crop, downscale, pad, toPgm, type Raster } from "../../layout/raster/raster.js";
import type { OcrPool } from "../_internal/tesseract.js";
import {
  agreed,
  cleanCell,
  digitCount,
  DIGITS,
  inkPoint,
  isNumberCell,
  isNumberText,
  numberAfterWord,
  readDigits,
  readText,
  signed,
  SIGN_WORD,
  tidyNumber,
  UNAGREED,
  type CellReading,
  type CleanCell,
} from "./cells.js";
import { assignToCells, passLines, type Box, type PassCell } from "./words.js";

export interface TableContext {
  pool: OcrPool;
  page: number;
  dpi: number;
  threshold: number;
  /** Pixels inside the rulings that belong to them (cell crops start past them). */
  inset: number;
  /** Cells read again on their own, counted (for the log). */
  reread: { count: number };
}

/**
 * Text cells the pass read at this confidence or more are kept as read. Below it, the
 * cell is read again on its own.
 */
const TEXT_SETTLED = 60;

/** Number cells laid side by side per line read by the digit model (a long line reads as well as a short one, in one call). */
const STRIP_CELLS = 24;

/** The whole-table pass: chi_sim over the table with its rulings erased, characters assigned to the cells. */
async function tablePass(erased: Raster, grid: TableGrid, cleaned: CleanCell[], ctx: TableContext): Promise<PassCell[]> {
  const [x0, y0, x1, y1] = grid.box.map(Math.round) as Box;
  const image = crop(erased, x0, y0, x1 - x0, y1 - y0);
  // Labels read as well at ~150 dpi as at 300 (the numbers are read at full size by the
  // strips); measured on huaian-2024's pages 4 and 5: 4.3 s of CPU instead of 5.3 s.
  const factor = Math.max(1, Math.floor(ctx.dpi / 150));
  const page = await ctx.pool.recognize({ image: toPgm(pad(downscale(image, factor), 16)), lang: "chi_sim", psm: 6, dpi: ctx.dpi / factor });
  return assignToCells(
    passLines(page, x0 - 16 * factor, y0 - 16 * factor, factor),
    grid.cells.map((c, i) => ({ box: c.box, ink: cleaned[i]!.ink })),
  );
}

/**
 * The number cells' ink side by side on one line (a gap of two digit heights between
 * them), read by the digit model in one call; each word goes back to the cell it lies on.
 */
async function readStrip(cells: CleanCell[], digitHeight: number, ctx: TableContext): Promise<(CellReading | null)[]> {
  const gap = Math.max(24, 2 * digitHeight);
  // The cells' own greys, not binarised: at the page's threshold the thin diagonal of a
  // 9-point "4" breaks, and eng reads what is left as 1 (huaian-2024 at 300 dpi).
  const images = cells.map((c) => c.soft);
  const height = Math.max(...images.map((c) => c.height)) + 2 * gap;
  const width = images.reduce((w, c) => w + c.width + gap, gap);
  const line: Raster = { width, height, data: new Uint8Array(width * height).fill(255) };
  const slots: [number, number][] = [];
  let x = gap;
  for (const image of images) {
    const top = Math.floor((height - image.height) / 2);
    for (let y = 0; y < image.height; y++) line.data.set(image.data.subarray(y * image.width, (y + 1) * image.width), (top + y) * width + x);
    slots.push([x, x + image.width]);
    x += image.width + gap;
  }
  const page = await ctx.pool.recognize({ image: toPgm(line), lang: "eng", psm: 7, whitelist: DIGITS, dpi: ctx.dpi });
  // Character by character: tesseract may read neighbouring numbers as one word (it
  // does on huaian-2024's table 四 at 300 dpi), and then rates the word low, not the digits.
  const read = assignToCells(
    passLines(page, 0, 0),
    slots.map(([a, b]) => ({ box: [a - gap / 2, 0, b + gap / 2, height] as Box })),
    "symbol",
  );
  return read.map((r) => (r.symbols === 0 ? null : { text: tidyNumber(r.text), confidence: r.confidence }));
}

/** Every number cell's strip reading, STRIP_CELLS to a line. */
export async function readStrips(cells: CleanCell[], digitHeight: number, ctx: TableContext): Promise<(CellReading | null)[]> {
  const chunks: CleanCell[][] = [];
  for (let i = 0; i < cells.length; i += STRIP_CELLS) chunks.push(cells.slice(i, i + STRIP_CELLS));
  return (await Promise.all(chunks.map((chunk) => readStrip(chunk, digitHeight, ctx)))).flat();
}

/** A number cell: settled when the pass and the strip agree on a number of the ink's digit count, else read on its own. */
export async function settleNumber(cell: CleanCell & { shape: { digits: number } }, pass: PassCell, strip: CellReading | null, ctx: TableContext): Promise<CellReading | null> {
  const readings: CellReading[] = [];
  if (!pass.straddles && pass.symbols > 0) readings.push({ text: tidyNumber(pass.text), confidence: pass.confidence });
  if (strip) readings.push(strip);
  const fitting = readings.filter((r) => isNumberText(r.text) && digitCount(r.text) === cell.shape.digits && r.text.includes(".") === cell.shape.point);
  const done = agreed(fitting);
  if (done) return done;
  ctx.reread.count++;
  // The pass and the strip agreeing on another count of digits than the ink's: the ink may be wrong (a broken glyph, a speck).
  const otherwise = agreed(readings.filter((r) => isNumberText(r.text)));
  const again = await readDigits(cell, cell.shape.digits, ctx.pool, ctx.dpi, readings);
  // The ink shows a decimal point the reading lacks ("12.6" read as 126 by every reader),
  // or two readers agreed on a number the re-reading overrules: unsure.
  const unsure = again && (again.text.includes(".") !== cell.shape.point || (otherwise !== undefined && otherwise.text !== again.text));
  const point = again ? inkPoint(again.text, cell.shape) : undefined;
  return unsure ? { ...again, confidence: Math.min(again.confidence, UNAGREED), ...(point === undefined ? {} : { inkPoint: point }) } : again;
}

/**
 * Nothing but punctuation ("。", "，", "|"): what tesseract makes of the fragments of a
 * digit it cannot read, and never a reading of ink shaped like digits. Dashes and slashes
 * are left out: tables print them for blanks, and a slash is shaped much like a digit.
 */
const marksOnly = (text: string) => /^[\s\p{P}\p{S}]*$/u.test(text) && !/[-—–－―_/／\\×*＊]/u.test(text);

/** A cell's text: the pass's when sure, else read again on its own. */
async function settleCell(cell: CleanCell, pass: PassCell, strip: CellReading | null | undefined, digitHeight: number | null, ctx: TableContext): Promise<CellReading> {
  if (cell.marks.length === 0) return { text: "", confidence: 100 };
  const numberInk = isNumberCell(cell, digitHeight);
  if (numberInk) {
    const number = await settleNumber(cell, pass, strip ?? null, ctx);
    if (number) return { ...number, text: signed(number.text, cell.shape) };
  }
  // The sign of a number is taken from the ink (a speck reads as "-" too).
  if (pass.symbols > 0 && !pass.straddles && !pass.partial && pass.confidence >= TEXT_SETTLED && !(numberInk && marksOnly(pass.text))) {
    return inkDisagrees(cell.shape, { text: signed(tidyNumber(pass.text), cell.shape), confidence: pass.confidence });
  }
  ctx.reread.count++;
  const again = await readText(cell, ctx.pool, ctx.dpi);
  // Ink shaped like a number at the table's digit height that no reader made more of than
  // nothing or a mark ("。", which a table prints for a blank): a token, not a blank
  // (CELL_UNPARSED downstream), so the null is never silent.
  if (numberInk && marksOnly(again.text)) return { text: "?", confidence: 0 };
  return inkDisagrees(cell.shape, { text: signed(again.text, cell.shape), confidence: again.confidence });
}

/**
 * A plain number read from ink that is not shaped like one is unsure, however sure its
 * reader: nothing checked its digits against the ink. Grey type scanned black and white
 * by Ghostscript comes out as dots; of "69" in such a cell chi_sim read "9" at 55, and
 * table 二, which has no identity to catch it, kept it with no issue.
 */
export function inkDisagrees(shape: NumberShape | null, reading: CellReading): CellReading {
  return shape === null && isNumberText(reading.text) ? { ...reading, confidence: Math.min(reading.confidence, UNAGREED) } : reading;
}

/**
 * A cell of table 二's 本年增/减 that prints a sign word before its number ("减 7"): chi_sim
 * reads the whole cell, and reads its digits as it reads Chinese ("减了"). The ink after
 * the word, where it is shaped like a number, is read again as a number cell is — by the
 * digit readers, until two agree — and the cell becomes the word and that number, with
 * the number's confidence. Null where the cell is not such a cell.
 */
async function signedByWord(page: Raster, box: Box, cell: CleanCell, reading: CellReading, digitHeight: number | null, ctx: TableContext): Promise<CellReading | null> {
  // Not "is the ink number-shaped": 增 is two narrow parts side by side (土 and 曾), and passes for digits.
  const word = SIGN_WORD.exec(reading.text);
  if (!word && !isNumberText(reading.text)) return null;
  const cut = numberAfterWord(cell, digitHeight);
  if (cut === null) return null;
  const digits = cleanCell(page, [cut - ctx.inset, box[1], box[2], box[3]], ctx.inset, ctx.threshold, ctx.dpi);
  if (!isNumberCell(digits, digitHeight)) return null;
  // The word read as digits ("增 566" as 11566 on a black-and-white scan, "增 4" as 34 by
  // Ghostscript's): what stands before the number is read on its own, and must be a sign word.
  const sign = word ? { word: word[1]!, sure: true } : await wordBefore(page, box, cut, ctx);
  if (sign === null) return null;
  const rest = word ? tidyNumber(reading.text.slice(word[0].length)) : "";
  const earlier = isNumberText(rest) ? [{ text: rest, confidence: reading.confidence }] : [];
  const number = await readDigits(digits, digits.shape.digits, ctx.pool, ctx.dpi, earlier);
  if (!number) return null;
  ctx.reread.count++;
  return { text: `${sign.word} ${number.text}`, confidence: sign.sure ? number.confidence : Math.min(number.confidence, UNAGREED) };
}

/**
 * The sign word a cell prints before its number (which starts at `cut`), read on its
 * own; null unless it reads as one. Below TEXT_SETTLED it is not sure (chi_sim rates a
 * lone 增 it reads right at 0 on Ghostscript's scans): 增 and 减 are not look-alikes, but
 * the value then says it is unsure.
 */
async function wordBefore(page: Raster, box: Box, cut: number, ctx: TableContext): Promise<{ word: string; sure: boolean } | null> {
  const head = cleanCell(page, [box[0], box[1], cut + ctx.inset, box[3]], ctx.inset, ctx.threshold, ctx.dpi);
  if (head.marks.length === 0) return null;
  ctx.reread.count++;
  const read = await readText(head, ctx.pool, ctx.dpi);
  const word = SIGN_WORD_ALONE.exec(read.text);
  return word ? { word: word[1]!, sure: read.confidence >= TEXT_SETTLED } : null;
}

/** A sign word and nothing after it. */
const SIGN_WORD_ALONE = new RegExp(`${SIGN_WORD.source}$`, "u");

function toPoints(px: number, dpi: number): number {
  return Math.round(((px * 72) / dpi) * 10) / 10;
}

/** The table's rows as layout lines (grid rows, cells with their grid column and spans). */
export async function readTable(page: Raster, erased: Raster, grid: TableGrid, table: number, ctx: TableContext): Promise<LayoutLine[]> {
  const cleaned = grid.cells.map((cell) => cleanCell(page, cell.box, ctx.inset, ctx.threshold, ctx.dpi));
  const digitHeight = typicalHeight(cleaned.map((c) => c.shape));
  const numbers = cleaned.flatMap((c, i) => (c.marks.length > 0 && isNumberCell(c, digitHeight) ? [i] : []));
  const [pass, strips] = await Promise.all([
    tablePass(erased, grid, cleaned, ctx),
    numbers.length > 0 && digitHeight !== null ? readStrips(numbers.map((i) => cleaned[i]!), digitHeight, ctx) : Promise.resolve([]),
  ]);
  const stripOf = new Map(numbers.map((cellIndex, k) => [cellIndex, strips[k] ?? null]));
  const readings = await Promise.all(
    grid.cells.map(async (cell, i) => {
      const reading = await settleCell(cleaned[i]!, pass[i]!, stripOf.get(i), digitHeight, ctx);
      return (await signedByWord(page, cell.box, cleaned[i]!, reading, digitHeight, ctx)) ?? reading;
    }),
  );
  const rows = new Map<number, LayoutCell[]>();
  grid.cells.forEach((cell, i) => {
    const [x0, y0, x1, y1] = cell.box.map((v) => toPoints(v, ctx.dpi)) as Box;
    const reading = readings[i]!;
    const layout: LayoutCell = { text: reading.text, col: cell.col, colSpan: cell.colSpan, rowSpan: cell.rowSpan, confidence: reading.confidence, origin: { kind: "pdf", page: ctx.page, box: [x0, y0, x1, y1] } };
    if (reading.inkPoint !== undefined) layout.inkPoint = reading.inkPoint;
    setExtent(layout, x0, x1, toPoints(grid.box[0], ctx.dpi));
    rows.set(cell.row, [...(rows.get(cell.row) ?? []), layout]);
  });
  const lines: LayoutLine[] = [];
  for (let row = 0; row < grid.ys.length - 1; row++) {
    const cells = rows.get(row);
    if (cells) lines.push({ cells, isTableRow: true, table, page: ctx.page, top: toPoints(grid.ys[row]!, ctx.dpi), bottom: toPoints(grid.ys[row + 1]!, ctx.dpi) });
  }
  return lines;
}
