/**
 * OCR of whole documents: page images go through the worker pool in parallel, each
 * under a time cap; what a page could not give becomes an issue, not a failure.
 */
import type { Issue } from "../../model/issue.js";
import type { LayoutLine } from "../../model/layout.js";
import type { Raster } from "../../layout/raster/raster.js";
import { sharedOcrPool } from "../_internal/tesseract.js";
import type { SourceContext } from "../types.js";
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

/** Numbers tables across a document, continuing after `start` (tables of text pages come first). */
export function tableCounter(start = 1000): () => number {
  let next = start;
  return () => next++;
}

function timeout(ms: number, page: number): Promise<never> {
  return new Promise((_, reject) => {
    const timer = setTimeout(() => reject(new Error(`page ${page} took more than ${ms} ms to OCR`)), ms);
    timer.unref();
  });
}

export async function ocrImages(images: AsyncIterable<PageImage> | Iterable<PageImage>, ctx: SourceContext): Promise<OcrResult> {
  const pool = sharedOcrPool();
  const nextTable = tableCounter();
  const pending: Promise<{ page: number; lines: LayoutLine[] } | { page: number; error: string }>[] = [];
  for await (const image of images) {
    const started = performance.now();
    pending.push(
      Promise.race([ocrPage(image.raster, { pool, page: image.page, dpi: image.dpi, nextTable }), timeout(ctx.ocr.pageTimeoutMs, image.page)]).then(
        (result) => {
          ctx.log.info({ page: image.page, tables: result.tables, cells: result.cells, skew: Number(result.skewDegrees.toFixed(2)), ms: Math.round(performance.now() - started) }, "page read by OCR");
          return { page: image.page, lines: result.lines };
        },
        (error: unknown) => ({ page: image.page, error: error instanceof Error ? error.message : String(error) }),
      ),
    );
  }
  const results = await Promise.all(pending);
  const issues: Issue[] = [];
  const lines: LayoutLine[] = [];
  for (const r of results.sort((a, b) => a.page - b.page)) {
    if ("error" in r) issues.push({ code: "OCR_FAILED", severity: "error", path: null, message: `page ${r.page} could not be read by OCR: ${r.error}` });
    else lines.push(...r.lines);
  }
  return { lines, issues };
}
