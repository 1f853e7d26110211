/**
 * OCR of whole documents: page images go through the worker pool in parallel, each
 * under a time cap; what a page could not give becomes an issue, not a failure.
 */
import type { Issue } from "../../model/issue.js";
import type { LayoutLine } from "../../model/layout.js";
import { rotateQuarter, type Raster } from "../../layout/raster/raster.js";
import { joinSplitRows, type PageTables } from "../../layout/split-rows.js";
import { sharedOcrPool, type OcrPool } from "../_internal/tesseract.js";
import type { SourceContext } from "../types.js";
import { readingFailed, uprightTurns } from "./orientation.js";
import { ocrPage } from "./page.js";

export interface PageImage {
  page: number;
  raster: Raster;
  dpi: number;
}

export interface OcrResult {
  lines: LayoutLine[];
  issues: Issue[];
}

/** The page's OCR, or a rejection once it has taken more than `ms` (the engine's work is not cancelled). */
function capped<T>(work: Promise<T>, ms: number, page: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const cap = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`page ${page} took more than ${ms} ms to OCR`)), ms);
  });
  return Promise.race([work, cap]).finally(() => clearTimeout(timer));
}

/** What OCR made of one page: its lines, or why it could not read it. */
export type PageOutcome = { page: number; lines: LayoutLine[] } | { page: number; error: string };

/** Reads one page image under the time cap; a failure is an outcome, not an exception. */
export async function readPageImage(image: PageImage, pool: OcrPool, ctx: SourceContext): Promise<PageOutcome> {
  const started = performance.now();
  try {
    const read = (raster: Raster) => capped(ocrPage(raster, { pool, page: image.page, dpi: image.dpi }), ctx.ocr.pageTimeoutMs, image.page);
    let result = await read(image.raster);
    let turns: 0 | 1 | 2 | 3 = 0;
    // A page scanned turned reads as noise: probed, and read again upright (orientation.ts).
    const probed = readingFailed(result.lines, result.ink);
    if (probed) {
      turns = await uprightTurns(image.raster, image.dpi, pool);
      if (turns !== 0) result = await read(rotateQuarter(image.raster, turns));
    }
    const ms = Math.round(performance.now() - started);
    ctx.log.info({ page: image.page, tables: result.tables, cells: result.cells, reread: result.reread, skew: Number(result.skewDegrees.toFixed(2)), ...(probed ? { turns } : {}), ms }, "page read by OCR");
    return { page: image.page, lines: result.lines };
  } catch (error) {
    return { page: image.page, error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * How far two grid cells' extents may differ (points) and still be one column across a
 * page break: a scan's pages are levelled one by one, each within a point or two.
 */
const JOIN_TOLERANCE = 4;

/**
 * Page outcomes → the document's OCR result, in page order; unread pages become issues.
 * A table row a page break split is joined again (split-rows.ts).
 */
export function combineOutcomes(outcomes: PageOutcome[]): OcrResult {
  const issues: Issue[] = [];
  const pages: PageTables[] = [];
  for (const r of [...outcomes].sort((a, b) => a.page - b.page)) {
    if ("error" in r) issues.push({ code: "OCR_FAILED", severity: "error", path: null, message: `page ${r.page} could not be read by OCR: ${r.error}` });
    else {
      // A copy: the join changes rows, and a queue's page outcomes may be combined again.
      const lines = structuredClone(r.lines);
      pages.push({ grid: lines.filter((l) => l.isTableRow), text: lines.filter((l) => !l.isTableRow) });
    }
  }
  joinSplitRows(pages, { tolerance: JOIN_TOLERANCE, quietEdges: false });
  const lines = pages.flatMap((p) => [...p.text, ...p.grid].sort((a, b) => (a.top ?? 0) - (b.top ?? 0)));
  return { lines, issues };
}

/**
 * Reads page images in parallel through the shared pool. `pages`, the number of images
 * to come (known for arrays), decides how many workers start ahead of need.
 */
export async function ocrImages(
  images: AsyncIterable<PageImage> | Iterable<PageImage>,
  ctx: SourceContext,
  pages = Array.isArray(images) ? images.length : 1,
): Promise<OcrResult> {
  const pool = sharedOcrPool();
  // The workers a report will use start while its first page renders: one chi_sim per
  // page up to the pool's size, and an eng worker (table digits) for a report of pages.
  const ready = Promise.all([pool.warm("chi_sim", Math.min(pool.size, pages)), pages > 1 ? pool.warm("eng") : undefined]);
  let first = true;
  const pending: Promise<PageOutcome>[] = [];
  // As many pages in flight as the pool has slots: every page held costs ~40 MB at 300 dpi
  // (its raster, levelled, erased and masked copies, cell crops). One more, rendered ahead,
  // was no faster on 2 cores (huaian-2024 degraded: 16.2 s against 15.7 s) and raised the
  // peak RSS by ~50 MB, over 1 GB.
  const inFlight = new Set<Promise<PageOutcome>>();
  for await (const image of images) {
    while (inFlight.size >= pool.size) await Promise.race(inFlight);
    const outcome = readPageImage(image, pool, ctx);
    inFlight.add(outcome);
    void outcome.then(() => inFlight.delete(outcome));
    pending.push(outcome);
    // A worker starts through messages this thread answers, so rendering the next page
    // (pdf.js decodes a scan's JPEG in one go: ~0.5 s at 300 dpi) would hold its start-up
    // back: the first page's request waited 2 s for a worker that starts in 0.4 s.
    if (first) {
      first = false;
      await ready;
    }
  }
  return combineOutcomes(await Promise.all(pending));
}
