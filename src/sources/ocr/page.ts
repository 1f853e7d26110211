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
import { components, looksNumeric } from "../../layout/raster/components.js";
import { estimateSkew } from "../../layout/raster/deskew.js";
import { buildGrids, type TableGrid } from "../../layout/raster/grid.js";
import { crop, downscale, inkCount, otsuThreshold, pad, rotate, toPgm, type Raster } from "../../layout/raster/raster.js";
import { findRulings } from "../../layout/raster/rulings.js";
import type { OcrPage, OcrPool } from "../_internal/tesseract.js";

export interface OcrPageContext {
  pool: OcrPool;
  /** 1-based page number. */
  page: number;
  dpi: number;
  /** Numbering of tables across the document (layout lines carry it). */
  nextTable: () => number;
}

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

async function readCell(image: Raster, threshold: number, pool: OcrPool, dpi: number): Promise<CellReading> {
  const marks = components(image, threshold);
  const padded = toPgm(pad(image, 12));
  if (looksNumeric(marks)) {
    const digits = await pool.recognize({ image: padded, lang: "eng", psm: 7, whitelist: DIGITS, dpi });
    const text = digits.text.replace(/\s+/g, "");
    if (/^\d[\d,.]*$/.test(text) && digits.confidence >= 50) return { text, confidence: digits.confidence };
  }
  const read = await pool.recognize({ image: padded, lang: "chi_sim", psm: 6, dpi });
  return { text: joinLines(read.text), confidence: read.confidence };
}

function toPoints(px: number, dpi: number): number {
  return Math.round(((px * 72) / dpi) * 10) / 10;
}

async function readGrid(r: Raster, grid: TableGrid, threshold: number, inset: number, ctx: OcrPageContext): Promise<LayoutLine[]> {
  const table = ctx.nextTable();
  const cells = await Promise.all(
    grid.cells.map(async (cell) => {
      const [x0, y0, x1, y1] = cell.box;
      const inner = crop(r, x0 + inset, y0 + inset, x1 - x0 - 2 * inset, y1 - y0 - 2 * inset);
      const ink = inkCount(inner, threshold);
      const reading = ink < Math.max(12, (ctx.dpi / 100) ** 2 * 4) ? { text: "", confidence: 100 } : await readCell(inner, threshold, ctx.pool, ctx.dpi);
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
  const page = Math.abs(skew) > (0.05 * Math.PI) / 180 ? rotate(raster, skew) : raster;
  const rulings = findRulings(page, threshold, {
    minLength: Math.round(ctx.dpi * 0.45),
    maxGap: Math.max(2, Math.round(ctx.dpi / 120)),
    maxThickness: Math.round(ctx.dpi / 25),
  });
  // Vertical rulings of one-line rows are short: keep those of a fifth of an inch and up.
  const vertical = findRulings(page, threshold, { minLength: Math.round(ctx.dpi * 0.2), maxGap: Math.max(2, Math.round(ctx.dpi / 120)), maxThickness: Math.round(ctx.dpi / 25) }).vertical;
  const grids = buildGrids({ horizontal: rulings.horizontal, vertical }, Math.round(ctx.dpi / 40));
  const inset = Math.max(3, Math.round(Math.max(0, ...rulings.horizontal.map((l) => l.thickness), ...vertical.map((l) => l.thickness)) / 2) + Math.round(ctx.dpi / 100));
  const [text, ...tables] = await Promise.all([readText(page, grids, ctx), ...grids.map((g) => readGrid(page, g, threshold, inset, ctx))]);
  const lines = [...text, ...tables.flat()].sort((a, b) => (a.top ?? 0) - (b.top ?? 0));
  return { lines, tables: grids.length, cells: grids.reduce((n, g) => n + g.cells.length, 0), skewDegrees: (skew * 180) / Math.PI };
}
