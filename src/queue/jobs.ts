/**
 * Queue contracts: names and zod schemas of job data and results, checked when a job is
 * added and when it is processed. Payloads carry store keys, never file bytes.
 */
import { z } from "zod";
import { MAX_PICTURES } from "../sources/html-images.js";

export const QUEUES = { extract: "extract", page: "ocr-page", crawl: "crawl" } as const;

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);

export const OcrMode = z.enum(["auto", "always", "never"]);
/** The range `extract --ocr-dpi` accepts. */
export const OcrDpi = z.number().min(72).max(600);

/**
 * Extract options chosen at submission (`ingest --max-bytes/--ocr/--ocr-dpi`). Each one
 * set wins over the worker's own defaults (its environment); one left out is the
 * worker's to choose.
 */
export const JobExtractOptions = z.strictObject({
  maxBytes: z.number().positive().optional(),
  ocr: OcrMode.optional(),
  ocrDpi: OcrDpi.optional(),
});
export type JobExtractOptions = z.infer<typeof JobExtractOptions>;

/** A picture submitted with its page: the src as the page writes it, and its bytes' blob in the store. */
export const CarriedPicture = z.object({ src: z.string().min(1).max(8192), blob: Sha256, size: z.number().int().positive() });
export type CarriedPicture = z.infer<typeof CarriedPicture>;

/** A picture the page shows that could not be had at submission, and why (the record's TABLE_MISSING says it). */
export const MissingPicture = z.object({ src: z.string().min(1), reason: z.string() });
export type MissingPicture = z.infer<typeof MissingPicture>;

export const ExtractJobData = z.object({
  /** The input's blob in the store. */
  blob: Sha256,
  /**
   * What the job and its record go by when it is not the input's blob: an HTML page
   * submitted with its pictures is the manifest of the page and its pictures, a blob of
   * its own (src/queue/pictures.ts). Absent: the input's blob.
   */
  key: Sha256.optional(),
  /** An HTML page's pictures, submitted with it: what extraction reads when its tables are pictures. */
  pictures: z.array(CarriedPicture).max(MAX_PICTURES).optional(),
  /** The pictures it shows that could not be had when it was submitted, and why. */
  unavailable: z.array(MissingPicture).max(MAX_PICTURES).optional(),
  /** The name it was submitted under (file name, or archive!entry). */
  name: z.string().min(1),
  size: z.number().int().nonnegative(),
  /** Extractor version the record is keyed by. */
  version: z.string(),
  submittedAt: z.string(),
  /** Options set at submission; jobs submitted before options were carried have none. */
  options: JobExtractOptions.default({}),
  /** Where a crawl fetched it (kept in the record's source). */
  origin: z
    .object({ url: z.string(), fetchedAt: z.string(), foundOn: z.string().optional(), linkText: z.string().optional() })
    .optional(),
  /** Second step of a document whose pages were sent out for OCR. */
  step: z.enum(["read", "assemble"]).default("read"),
  /** The pages sent out, in the assemble step. */
  pages: z.array(z.number().int().positive()).optional(),
});
export type ExtractJobData = z.infer<typeof ExtractJobData>;

export const ExtractJobResult = z.object({
  record: z.object({ sha256: Sha256, version: z.string() }),
  template: z.enum(["2019", "2021"]).nullable(),
  issues: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  ocrPages: z.number().int().nonnegative(),
});
export type ExtractJobResult = z.infer<typeof ExtractJobResult>;

export const PageJobData = z.object({
  blob: Sha256,
  name: z.string(),
  page: z.number().int().positive(),
  /** Rendering resolution and OCR mode of the page's document (its job's options, else the worker's). */
  dpi: OcrDpi,
  ocr: OcrMode.optional(),
});
export type PageJobData = z.infer<typeof PageJobData>;

/** A job id may not contain ":" (BullMQ's key separator): hash and version joined by "@". */
export function documentJobId(sha256: string, version: string): string {
  return `${sha256}@${version}`;
}

export function pageJobId(documentId: string, page: number): string {
  return `${documentId}#p${page}`;
}
