/** Options of the extractor, with their defaults in one place. */
import type { Logger } from "./log.js";
import type { OcrPagesProvider } from "./sources/types.js";

export interface ExtractOptions {
  /**
   * Include the per-cell `provenance` map (page and box, table/row/column or line,
   * and the raw text of every value).
   * @defaultValue true
   */
  provenance?: boolean;
  /**
   * Inputs larger than this many bytes are refused with INPUT_TOO_LARGE.
   * @defaultValue 268435456 (256 MiB)
   */
  maxBytes?: number;
  /**
   * When to read pages with OCR: "auto" for pages without a usable text layer (none,
   * or garbage) and for image inputs; "always" for every page; "never" refuses what
   * needs it (OCR_REQUIRED).
   * @defaultValue "auto"
   */
  ocr?: "auto" | "always" | "never";
  /**
   * Resolution pages are rendered at for OCR.
   * @defaultValue 300
   */
  ocrDpi?: number;
  /**
   * Longest time one page may take to OCR; a page over it is skipped with an issue.
   * @defaultValue 120000
   */
  ocrPageTimeoutMs?: number;
  /** Logger for progress and diagnostics; silent when omitted. */
  log?: Logger;
  /**
   * Reads OCR pages elsewhere instead of in this process (the queue workers fan pages out
   * as jobs). Receives the 1-based page numbers that need OCR.
   */
  ocrPages?: OcrPagesProvider;
}

export const DEFAULTS = {
  provenance: true,
  maxBytes: 256 * 1024 * 1024,
  ocr: "auto",
  ocrDpi: 300,
  ocrPageTimeoutMs: 120_000,
} as const satisfies Required<Omit<ExtractOptions, "log" | "ocrPages">>;

export type ResolvedOptions = Required<Omit<ExtractOptions, "log" | "ocrPages">> & Pick<ExtractOptions, "log" | "ocrPages">;

export function resolveOptions(options: ExtractOptions = {}): ResolvedOptions {
  const resolved = { ...DEFAULTS, ...options };
  if (!Number.isFinite(resolved.maxBytes) || resolved.maxBytes <= 0) throw new RangeError(`maxBytes must be a positive number, got ${resolved.maxBytes}`);
  if (!["auto", "always", "never"].includes(resolved.ocr)) throw new RangeError(`ocr must be auto, always or never, got ${resolved.ocr}`);
  if (!(resolved.ocrDpi >= 72 && resolved.ocrDpi <= 600)) throw new RangeError(`ocrDpi must be between 72 and 600, got ${resolved.ocrDpi}`);
  if (!(resolved.ocrPageTimeoutMs > 0)) throw new RangeError(`ocrPageTimeoutMs must be positive, got ${resolved.ocrPageTimeoutMs}`);
  return resolved;
}
