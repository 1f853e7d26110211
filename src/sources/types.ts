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
  /** Where the document says it comes from (a crawler dump's header): `source.url` and `publishedAt` unless a crawl set them. */
  origin?: SourceOrigin;
  /** HTML: the <img>s of the report body, read by OCR when the page's tables are missing (html-images.ts). */
  pictures?: HtmlPicture[];
}

/** An <img> of an HTML report body. */
export interface HtmlPicture {
  /** 0-based index among the document's <img>s (document.querySelectorAll("img")[n]). */
  image: number;
  /** As the page writes it: a relative path, a URL, a data: URL. */
  src: string;
  /** The width the page shows it at, in CSS px (width attribute or style), if it says. */
  cssWidth: number | null;
  /** Index of the layout line it stands before. */
  line: number;
}

export interface SourceOrigin {
  /** An http(s) URL. */
  url?: string;
  /** ISO 8601: a date, or a local date-time as printed (no zone is guessed). */
  publishedAt?: string;
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

