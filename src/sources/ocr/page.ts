/**
 * Reads one page image with OCR. The page raster is deskewed, its ruling grids found;
 * each ruled table is read by table.ts (one pass over the table, cells assigned by
 * geometry, only unsure cells read again one by one). The text outside the tables is
 * read in one pass over the page with the tables whited out, and comes back as
 * positioned lines — one cell per group of words, as the PDF text path gives them — so
 * that a borderless table's values keep their columns.
 *
 * Boxes are reported in points in the deskewed frame (within a page's 2° of skew, that
 * is within a few points of the printed place).
 */
import type { LayoutLine } from "../../model/layout.js";
import { estimateSkew } from "../../layout/raster/deskew.js";
import { buildGrids, type TableGrid } from "../../layout/grid.js";
import { components, numberShape } from "../../layout/raster/components.js";
import { crop, downscale, greyHistogram, inkCount, inkFraction, isBilevel, otsuThreshold, rotate, soften, toPgm, type Raster } from "../../layout/raster/raster.js";
import { eraseRulings, findRulings, gridRulings } from "../../layout/raster/rulings.js";
import { markCut, markOpenTop, ruledLength } from "../../layout/split-rows.js";
import type { OcrPool } from "../_internal/tesseract.js";
import { digitCount, inkPoint, UNAGREED } from "./cells.js";
import { rereadGarbled } from "./garbled.js";
import { isSpeck, SIGNED } from "./specks.js";
import { settleLooseNumbers } from "./loose-numbers.js";
import { readTable } from "./table.js";
import { passLines, positionedLines, type OcrWord } from "./words.js";

export interface OcrPageContext {
  pool: OcrPool;
  /** 1-based page number. */
  page: number;
  dpi: number;
}

/** Tables of OCR'd pages are numbered by page (10000 + 100·page + n), whatever order pages are read in. */
export const ocrTableNumber = (page: number, n: number) => 10_000 + 100 * page + n;

export interface OcrPageResult {
  lines: LayoutLine[];
  tables: number;
  cells: number;
  /** Table cells the whole-table pass left unsure, read again one by one. */
  reread: number;
  skewDegrees: number;
  /** The share of the page's pixels that are ink (before levelling). */
  ink: number;
}

/** The page's text outside the tables (whited out first), as positioned lines. */
async function readOutside(erased: Raster, grids: TableGrid[], threshold: number, ctx: OcrPageContext): Promise<LayoutLine[]> {
  const masked: Raster = grids.length === 0 ? erased : { ...erased, data: new Uint8Array(erased.data) };
  for (const g of grids) {
    const [x0, y0, x1, y1] = g.box.map(Math.round) as [number, number, number, number];
    for (let y = Math.max(0, y0 - 4); y < Math.min(erased.height, y1 + 4); y++) masked.data.fill(255, y * erased.width + Math.max(0, x0 - 4), y * erased.width + Math.min(erased.width, x1 + 4));
  }
  if (inkCount(masked, 128) < 200) return [];
  // Body text reads as well at ~150 dpi as at 300, in a quarter of the time.
  const factor = Math.max(1, Math.floor(ctx.dpi / 150));
  // One block (psm 6), not a page's layout analysis (psm 3): that cuts a borderless table
  // into column blocks and drops its lone digits as noise (pingtan-2023 printed without
  // rulings, scanned at 200 dpi: row 一 of table 三 read with none of its 7 numbers; as one
  // block, all 7, each in its column), and reads narrative text the same.
  const small = downscale(masked, factor);
  const read = await ctx.pool.recognize({ image: toPgm(small), lang: "chi_sim", psm: 6, dpi: ctx.dpi / factor });
  const lines = await settleLooseNumbers(passLines(read, 0, 0, factor), masked, factor, { pool: ctx.pool, page: ctx.page, dpi: ctx.dpi, threshold });
  await rereadGarbled(lines, masked, { pool: ctx.pool, dpi: ctx.dpi, threshold });
  for (const word of lines.flatMap((l) => l.words)) checkNumber(word, masked, threshold);
  for (const line of lines) line.words = [...line.words].sort((a, b) => a.box[0] - b.box[0]).filter((w, i, words) => !isSpeck(w, words[i - 1], words[i + 1], line, masked, threshold, ctx.dpi));
  // A line of specks alone is no line.
  return positionedLines(lines.filter((l) => l.words.length > 0), { page: ctx.page, dpi: ctx.dpi });
}

/**
 * A number read outside a ruled table (a borderless table's value), checked against its
 * ink: the sign the ink shows (tesseract reads a minus as -, －, — or 一, and a speck
 * before a number as a minus too; the marks in the word's box decide), and, where the ink
 * shows a decimal point the reading lacks (12.6 read as 126) or has another count of
 * digits than the reading (84 read as 4), the reading's confidence lowered to UNAGREED so
 * that the cell it lands in is flagged. Table 二 has no identity to catch either.
 */
function checkNumber(word: OcrWord, page: Raster, threshold: number): void {
  const number = SIGNED.exec(word.text);
  if (!number) return;
  const digits = digitCount(number[1]!);
  const [x0, y0, x1, y1] = word.box.map(Math.round) as [number, number, number, number];
  const box = crop(page, x0 - 2, y0 - 2, x1 - x0 + 4, y1 - y0 + 4);
  const shape = numberShape(components(box, threshold), box);
  if (shape) word.text = `${shape.negative ? "-" : ""}${number[1]!}`;
  if (shape && (number[1]!.includes(".") !== shape.point || digits !== shape.digits)) word.confidence = Math.min(word.confidence, UNAGREED);
  const point = inkPoint(number[1]!, shape);
  if (point !== undefined) word.inkPoint = point;
  // A digit the reading dropped may lie in or just outside its box (84 read as 4, boxed
  // over the 4 and a sliver of the 8; a small scan's digits touch, one blot): the ink that
  // meets the box, a digit's width around it, is wider than the digits read can be.
  const reach = Math.round((y1 - y0) * 0.8);
  const wider = crop(page, x0 - reach, y0 - 2, x1 - x0 + 2 * reach, y1 - y0 + 4);
  const inBox = [reach, reach + x1 - x0] as const;
  const ink = components(wider, threshold).filter((m) => m.x1 >= inBox[0] && m.x0 <= inBox[1] && m.y1 - m.y0 + 1 >= 0.5 * (y1 - y0));
  if (ink.length === 0) return;
  const width = Math.max(...ink.map((m) => m.x1)) - Math.min(...ink.map((m) => m.x0)) + 1;
  const height = Math.max(...ink.map((m) => m.y1 - m.y0 + 1));
  // A digit's ink is about 0.64 of its height wide, and advances about 0.71 of it.
  if (width > (0.71 * digits + 0.45) * height) word.confidence = Math.min(word.confidence, UNAGREED);
}

export async function ocrPage(scanned: Raster, ctx: OcrPageContext): Promise<OcrPageResult> {
  // A bilevel scan (fax-coded, JBIG2) is read softened: the recogniser misreads its staircase edges.
  const raster = isBilevel(scanned) ? soften(scanned) : scanned;
  const histogram = greyHistogram(raster);
  const threshold = otsuThreshold(histogram);
  const skew = estimateSkew(raster, threshold);
  // estimateSkew measures the angle of the lines; rotating by its opposite levels them.
  const page = Math.abs(skew) > (0.05 * Math.PI) / 180 ? rotate(raster, -skew) : raster;
  const rulings = findRulings(page, threshold, {
    // Vertical rulings of one-line rows are short: keep those of a fifth of an inch and up.
    minLength: { horizontal: Math.round(ctx.dpi * 0.45), vertical: Math.round(ctx.dpi * 0.2) },
    maxGap: Math.max(2, Math.round(ctx.dpi / 120)),
    maxThickness: Math.round(ctx.dpi / 25),
  });
  const inset = Math.max(3, Math.round(Math.max(0, ...rulings.horizontal.map((l) => l.thickness), ...rulings.vertical.map((l) => l.thickness)) / 2) + Math.round(ctx.dpi / 100));
  const tolerance = Math.round(ctx.dpi / 40);
  // Open ends closed as the PDF lattice closes them: a table a page break cut has no ruling
  // at the break. The row above an open bottom is marked cut, and joined to the rest of it
  // at the top of the next page once every page is read (ocr/index.ts, split-rows.ts). A
  // grid narrower than an inch is a box or an icon of the page, never a report's table.
  const grids = buildGrids(rulings, tolerance, { closeOpenEnds: true }).filter((g) => g.box[2] - g.box[0] >= ctx.dpi);
  const open = (g: TableGrid, y: number) => ruledLength(rulings.horizontal, y, g.box[0], g.box[2], tolerance) < 0.5 * (g.box[2] - g.box[0]);
  const erased = grids.length === 0 ? page : eraseRulings(page, gridRulings(rulings, grids, tolerance), Math.max(1, Math.round(ctx.dpi / 150)));
  const tableCtx = { pool: ctx.pool, page: ctx.page, dpi: ctx.dpi, threshold, inset, reread: { count: 0 } };
  const [text, ...tables] = await Promise.all([readOutside(erased, grids, threshold, ctx), ...grids.map((g, n) => readTable(page, erased, g, ocrTableNumber(ctx.page, n), tableCtx))]);
  tables.forEach((rows, n) => {
    const grid = grids[n]!;
    if (rows.length === 0) return;
    if (open(grid, grid.box[3])) markCut(rows.at(-1)!);
    if (open(grid, grid.box[1])) markOpenTop(rows[0]!);
  });
  const lines = [...text, ...tables.flat()].sort((a, b) => (a.top ?? 0) - (b.top ?? 0));
  const cells = grids.reduce((n, g) => n + g.cells.length, 0);
  return { lines, tables: grids.length, cells, reread: tableCtx.reread.count, skewDegrees: (skew * 180) / Math.PI, ink: inkFraction(histogram, threshold) };
}
