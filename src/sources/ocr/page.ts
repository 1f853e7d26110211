/**
 * Reads one page image with OCR. Tables are read from the page's ruling grid, cell by
 * cell — whole-page OCR reads table numbers poorly (measured on a 300-dpi page of
 * huaian-2024.pdf: 12 of 94 numbers right), while one cell at a time, digits with a
 * digit-only model, reads them almost all right. Text outside the tables is read as
 * a page with the tables whited out.
 *
 * The page raster is deskewed first; boxes are reported in points in the deskewed
 * frame (within a page's 2° of skew, that is within a few points of the printed place).
 */
import type { LayoutCell, LayoutLine } from "../../model/layout.js";
import { components, numberShape, typicalHeight, type Component } from "../../layout/raster/components.js";
import { estimateSkew } from "../../layout/raster/deskew.js";
import { buildGrids, type TableGrid } from "../../layout/grid.js";
import { crop, downscale, inkCount, otsuThreshold, pad, rotate, toPgm, type Raster } from "../../layout/raster/raster.js";
import { findRulings } from "../../layout/raster/rulings.js";
import type { OcrPage, OcrPool } from "../_internal/tesseract.js";

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
  skewDegrees: number;
}

const DIGITS = "0123456789.,-";

/** Tesseract's text of a cell: lines joined without separators, except between two numbers. */
function joinLines(text: string): string {
  const parts = text.split(/\n+/).map((l) => l.trim()).filter(Boolean);
  let out = "";
  for (const p of parts) out += out && /\d$/.test(out) && /^\d/.test(p) ? ` ${p}` : p;
  return out;
}

interface CellReading {
  text: string;
  confidence: number;
}

/**
 * Cleans a cell crop for reading: marks touching the crop's edge are remnants of the
 * rulings (a residual skew leaves slivers of them inside the inset), and marks smaller
 * than a dot are scanner noise. Both are whited out; what is left is the writing, in
 * pure black on white — on a noisy scan tesseract misreads lone digits in grey (a "2"
 * as 7 at 37 % confidence) and reads them right once binarised (2 at 94 %).
 */
function cleanCell(image: Raster, threshold: number, dpi: number): { image: Raster; marks: Component[] } {
  const speck = 3; // single pixels and pairs: dust
  const dot = Math.max(6, Math.round((dpi / 100) ** 2 * 2)); // smaller marks do not decide what kind of text this is
  const out: Raster = { ...image, data: image.data.map((v) => (v < threshold ? 0 : 255)) };
  const marks: Component[] = [];
  for (const m of components(image, threshold, 1)) {
    const touches = m.x0 <= 1 || m.y0 <= 1 || m.x1 >= image.width - 2 || m.y1 >= image.height - 2;
    const sliver = touches && (m.x1 - m.x0 > image.width * 0.5 || m.y1 - m.y0 > image.height * 0.6);
    if (sliver || m.area <= speck) {
      for (let y = m.y0; y <= m.y1; y++) for (let x = m.x0; x <= m.x1; x++) out.data[y * out.width + x] = 255;
    } else if (m.area >= dot) marks.push(m);
  }
  return { image: out, marks };
}

/**
 * Reads a cell of digits. The ink says how many digits to expect; the cell is read
 * again (in line mode, then from the grey image) unless the first reading is confident
 * and of that length; of the readings of the expected length, two that agree win, else
 * the most confident.
 */
async function readDigits(binary: Raster, grey: Raster, expected: number, pool: OcrPool, dpi: number): Promise<CellReading | null> {
  // Raw-line mode (13) skips tesseract's layout analysis, which on a tightly cropped
  // cell sometimes discards a lone digit as noise and returns nothing (measured: eight
  // of eight such "0"/"4"/"5" cells empty in modes 7 and 10, all read in mode 13).
  const attempts: { image: Raster; psm: 7 | 13 }[] = [
    { image: binary, psm: 13 },
    { image: binary, psm: 7 },
    { image: grey, psm: 13 },
  ];
  const readings: CellReading[] = [];
  for (const { image, psm } of attempts) {
    const read = await pool.recognize({ image: toPgm(pad(image, 12)), lang: "eng", psm, whitelist: DIGITS, dpi });
    const text = tidyNumber(read.text.trim());
    if (!/^\d[\d,.]*$/.test(text)) continue;
    readings.push({ text, confidence: read.confidence });
    // A confident first reading of the expected length needs no second opinion.
    if (readings.length === 1 && read.confidence >= 80 && digitCount(text) === expected) break;
  }
  const fitting = readings.filter((r) => digitCount(r.text) === expected);
  const best = (rs: CellReading[]) => [...rs].sort((a, b) => b.confidence - a.confidence)[0];
  return agreed(fitting) ?? best(fitting) ?? best(readings.filter((r) => r.confidence >= 50)) ?? null;
}

const digitCount = (text: string) => text.replace(/[^\d]/g, "").length;

/**
 * Two readings that agree outvote a more confident third (measured: "190" read twice at
 * 47 %, "120" once at 80 %) — unless they are guesses: "961716" twice at 13 % and 0 %
 * against "96171.6" at 90 % is tesseract missing the point, twice.
 */
function agreed(readings: CellReading[]): CellReading | undefined {
  const votes = new Map<string, CellReading[]>();
  for (const r of readings) if (r.confidence >= 40) votes.set(r.text, [...(votes.get(r.text) ?? []), r]);
  const [winner] = [...votes.values()].filter((rs) => rs.length >= 2);
  return winner ? { text: winner[0]!.text, confidence: Math.max(...winner.map((r) => r.confidence)) } : undefined;
}

/**
 * Reads one cleaned cell: as digits when its ink is shaped like a number printed at the
 * table's digit height (stacked header text such as 结/果/维/持 is narrow too, but
 * twice as tall), else as Chinese.
 */
async function readCell(cell: CleanCell, digitHeight: number | null, pool: OcrPool, dpi: number): Promise<CellReading> {
  if (cell.marks.length === 0) return { text: "", confidence: 100 };
  const shape = cell.shape;
  if (shape && digitHeight !== null && Math.abs(shape.height - digitHeight) <= digitHeight * 0.3) {
    const digits = await readDigits(cell.image, cell.grey, shape.digits, pool, dpi);
    if (digits) return digits;
  }
  const read = await pool.recognize({ image: toPgm(pad(cell.image, 12)), lang: "chi_sim", psm: 6, dpi });
  return { text: tidyNumber(joinLines(read.text)), confidence: read.confidence };
}

/** "1 9", "0.", ".5", "-13": spaces, stray dots and specks read as dashes around the digits of a number cell. */
function tidyNumber(text: string): string {
  const stray = /^(\d[\d,.]*)\s+\S$/.exec(text); // "471  四": a number and one stray mark after a gap
  if (stray) return stray[1]!;
  return /^[\d\s.,-]+$/.test(text) && /\d/.test(text) ? text.replace(/\s+/g, "").replace(/^[-.,]+|[-.,]+$/g, "") : text;
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

interface CleanCell {
  image: Raster;
  grey: Raster;
  marks: Component[];
  shape: ReturnType<typeof numberShape>;
}

function toPoints(px: number, dpi: number): number {
  return Math.round(((px * 72) / dpi) * 10) / 10;
}

async function readGrid(r: Raster, grid: TableGrid, table: number, threshold: number, inset: number, ctx: OcrPageContext): Promise<LayoutLine[]> {
  const cleaned = grid.cells.map((cell) => {
    const [x0, y0, x1, y1] = cell.box;
    const grey = crop(r, x0 + inset, y0 + inset, x1 - x0 - 2 * inset, y1 - y0 - 2 * inset);
    const { image, marks } = cleanCell(grey, threshold, ctx.dpi);
    const shape = numberShape(marks, image);
    // Tesseract finds a small number in a wide empty cell badly: read just the ink, with a margin.
    const ink = inkBox(marks, image, Math.round(ctx.dpi / 30));
    return { image: ink ? crop(image, ...ink) : image, grey: ink ? crop(grey, ...ink) : grey, marks, shape };
  });
  const digitHeight = typicalHeight(cleaned.map((c) => c.shape));
  const cells = await Promise.all(
    grid.cells.map(async (cell, i) => {
      const [x0, y0, x1, y1] = cell.box;
      const reading = await readCell(cleaned[i]!, digitHeight, ctx.pool, ctx.dpi);
      const layout: LayoutCell = {
        text: reading.text,
        col: cell.col,
        colSpan: cell.colSpan,
        rowSpan: cell.rowSpan,
        confidence: reading.confidence,
        origin: { kind: "pdf", page: ctx.page, box: [toPoints(x0, ctx.dpi), toPoints(y0, ctx.dpi), toPoints(x1, ctx.dpi), toPoints(y1, ctx.dpi)] },
      };
      return { row: cell.row, layout };
    }),
  );
  const lines: LayoutLine[] = [];
  for (let row = 0; row < grid.ys.length - 1; row++) {
    const rowCells = cells.filter((c) => c.row === row).map((c) => c.layout);
    if (rowCells.length === 0) continue;
    lines.push({ cells: rowCells, isTableRow: true, table, page: ctx.page, top: toPoints(grid.ys[row]!, ctx.dpi), bottom: toPoints(grid.ys[row + 1]!, ctx.dpi) });
  }
  return lines;
}

/** The page's text outside the tables, line by line (tables whited out first). */
async function readText(r: Raster, grids: TableGrid[], ctx: OcrPageContext): Promise<LayoutLine[]> {
  const masked: Raster = { ...r, data: new Uint8Array(r.data) };
  for (const g of grids) {
    const [x0, y0, x1, y1] = g.box.map(Math.round) as [number, number, number, number];
    for (let y = Math.max(0, y0 - 4); y < Math.min(r.height, y1 + 4); y++) masked.data.fill(255, y * r.width + Math.max(0, x0 - 4), y * r.width + Math.min(r.width, x1 + 4));
  }
  if (inkCount(masked, 128) < 200) return [];
  // Body text reads as well at ~150 dpi as at 300, in a quarter of the time.
  const factor = Math.max(1, Math.floor(ctx.dpi / 150));
  const dpi = ctx.dpi / factor;
  const page: OcrPage = await ctx.pool.recognize({ image: toPgm(downscale(masked, factor)), lang: "chi_sim", psm: 3, dpi });
  const lines: LayoutLine[] = [];
  for (const block of page.blocks ?? []) {
    for (const paragraph of block.paragraphs) {
      for (const line of paragraph.lines) {
        const text = line.text.trim();
        if (!text) continue;
        const [x0, y0, x1, y1] = [line.bbox.x0, line.bbox.y0, line.bbox.x1, line.bbox.y1].map((v) => toPoints(v, dpi)) as [number, number, number, number];
        lines.push({
          cells: [{ text, confidence: line.confidence, x0, x1, origin: { kind: "pdf", page: ctx.page, box: [x0, y0, x1, y1] } }],
          page: ctx.page,
          top: y0,
          bottom: y1,
          x0,
        });
      }
    }
  }
  return lines;
}

export async function ocrPage(raster: Raster, ctx: OcrPageContext): Promise<OcrPageResult> {
  const threshold = otsuThreshold(raster);
  const skew = estimateSkew(raster, threshold);
  // estimateSkew measures the angle of the lines; rotating by its opposite levels them.
  const page = Math.abs(skew) > (0.05 * Math.PI) / 180 ? rotate(raster, -skew) : raster;
  const rulings = findRulings(page, threshold, {
    // Vertical rulings of one-line rows are short: keep those of a fifth of an inch and up.
    minLength: { horizontal: Math.round(ctx.dpi * 0.45), vertical: Math.round(ctx.dpi * 0.2) },
    maxGap: Math.max(2, Math.round(ctx.dpi / 120)),
    maxThickness: Math.round(ctx.dpi / 25),
  });
  const grids = buildGrids(rulings, Math.round(ctx.dpi / 40));
  const inset = Math.max(3, Math.round(Math.max(0, ...rulings.horizontal.map((l) => l.thickness), ...rulings.vertical.map((l) => l.thickness)) / 2) + Math.round(ctx.dpi / 100));
  const [text, ...tables] = await Promise.all([readText(page, grids, ctx), ...grids.map((g, n) => readGrid(page, g, ocrTableNumber(ctx.page, n), threshold, inset, ctx))]);
  const lines = [...text, ...tables.flat()].sort((a, b) => (a.top ?? 0) - (b.top ?? 0));
  return { lines, tables: grids.length, cells: grids.reduce((n, g) => n + g.cells.length, 0), skewDegrees: (skew * 180) / Math.PI };
}
