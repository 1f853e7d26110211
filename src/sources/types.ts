import type { LayoutDocument } from "../model/layout.js";
import type { TextSource } from "../model/record.js";
import type { Issue } from "../model/issue.js";
import type { Logger } from "../log.js";

/** What a source backend returns: the layout plus what it knows about the input. */
export interface SourceResult {
  layout: LayoutDocument;
  mediaType: string;
  textSource: TextSource;
  pages: number | null;
  encoding: string | null;
  /** What the source met that the record should say (pages OCR could not read …). */
  issues?: Issue[];
}

export interface OcrSettings {
  mode: "auto" | "always" | "never";
  dpi: number;
  pageTimeoutMs: number;
}

/** Reads the given pages (1-based) by OCR; the queue replaces local OCR with page jobs. */
export type OcrPagesProvider = (pages: number[]) => Promise<import("./ocr/index.js").OcrResult>;

export interface SourceContext {
  /** The file name or URL, for messages. */
  name: string;
  log: Logger;
  ocr: OcrSettings;
  /** Where OCR'd pages come from; local OCR when absent. */
  ocrPages?: OcrPagesProvider | undefined;
}

