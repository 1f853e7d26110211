/**
 * Errors for input the pipeline cannot turn into a record. Each carries a stable
 * string code and the process exit code the CLI uses for it, so scripts can tell
 * "fix your input" from "this is our bug" without parsing messages.
 *
 * Anything thrown that is not a PipelineError is a defect (exit 1).
 */
export const ERROR_CODES = {
  USAGE: { exit: 2, summary: "bad command-line usage" },
  INPUT_NOT_FOUND: { exit: 3, summary: "the input file does not exist" },
  INPUT_UNREADABLE: { exit: 4, summary: "the input exists but cannot be read (permissions, a directory, I/O error)" },
  INPUT_EMPTY: { exit: 5, summary: "the input has no content (0 bytes, or no text at all)" },
  INPUT_TOO_LARGE: { exit: 6, summary: "the input is larger than --max-bytes" },
  UNSUPPORTED_FORMAT: { exit: 7, summary: "the bytes are not text, HTML or PDF (binary, archive, unknown)" },
  NOT_A_REPORT: { exit: 8, summary: "the document is readable but is not a government information-disclosure annual report" },
  PDF_ENCRYPTED: { exit: 9, summary: "the PDF is password-protected" },
  PDF_CORRUPT: { exit: 10, summary: "the PDF is damaged or truncated and cannot be parsed" },
  OCR_REQUIRED: { exit: 11, summary: "the document is a scan or image and OCR is turned off (--ocr never)" },
  INGEST_FAILED: { exit: 12, summary: "ingest: some inputs failed or could not be submitted (the summary lists them)" },
  QUEUE_UNAVAILABLE: { exit: 13, summary: "Redis cannot be reached (REDIS_URL)" },
  EXPORT_PARTIAL: { exit: 14, summary: "export: some record files could not be read and were skipped (stderr names them); the rest was exported" },
  DATABASE_UNAVAILABLE: { exit: 15, summary: "PostgreSQL cannot be reached or refused the connection (DATABASE_URL)" },
  CRAWL_FAILED: { exit: 16, summary: "crawl: a site could not be crawled at all (none of its start pages could be fetched); the summary says why" },
  DOCUMENT_CORRUPT: { exit: 17, summary: "a Word (DOCX, DOC, WPS) or OFD file is damaged, truncated or lacks a part it needs, and cannot be read" },
  DOCUMENT_ENCRYPTED: { exit: 18, summary: "the Word (DOCX, DOC, WPS) or OFD file is password-protected" },
  ZIP_BOMB: { exit: 19, summary: "a DOCX or OFD file unpacks to too much: a part over the byte limit, too many parts, or a compression ratio of a zip bomb" },
  INTERRUPTED: { exit: 130, summary: "stopped by Ctrl-C or TERM; no partial output was left" },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class PipelineError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: number;
  /** The file or URL the error is about, when known. */
  readonly input: string | undefined;

  constructor(code: ErrorCode, message: string, options: { input?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "PipelineError";
    this.code = code;
    this.exitCode = ERROR_CODES[code].exit;
    this.input = options.input;
  }

  /** Permanent errors will fail the same way on every retry (queues use this). */
  get permanent(): boolean {
    return this.code !== "INPUT_UNREADABLE" && this.code !== "DATABASE_UNAVAILABLE" && this.code !== "QUEUE_UNAVAILABLE";
  }
}

export function isPipelineError(error: unknown): error is PipelineError {
  return error instanceof PipelineError;
}
