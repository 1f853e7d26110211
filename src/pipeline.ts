/**
 * The extractor, stage by stage: read the source into a layout document, parse the
 * template tables, validate, assemble the record. One report in, one record out.
 */
import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { basename } from "node:path";
import { PipelineError } from "./errors.js";
import type { ReportRecord } from "./model/record.js";
import { resolveOptions, type ExtractOptions } from "./options.js";
import type { PictureFetcher } from "./sources/html-images.js";
import { readSource, type SourceContext, type SourceResult } from "./sources/index.js";
import { parseReport, type ParsedReport } from "./templates/index.js";
import { looksLikeReport } from "./templates/meta.js";
import { validateRecord } from "./validate/index.js";
import { repairOcrReadings } from "./validate/repair.js";
import { EXTRACTOR } from "./version.js";
import { createLogger } from "./log.js";

export interface ReportInput {
  bytes: Uint8Array;
  /** File name or URL: names the input in the record and in errors. */
  name: string;
  /** Where a crawl fetched it: kept in the record's source. */
  origin?: ReportOrigin | undefined;
  /** HTML: where the page's pictures are fetched from (its saved folder, a crawl), should its tables be pictures. */
  pictures?: PictureFetcher | undefined;
}

/** A fetched input's origin (`source.url`, `fetchedAt`, `foundOn`, `linkText` in the record). */
export interface ReportOrigin {
  url: string;
  fetchedAt: string;
  foundOn?: string | undefined;
  linkText?: string | undefined;
}

const silent = createLogger({}, "silent");

export async function extractReport(input: ReportInput, options: ExtractOptions = {}): Promise<ReportRecord> {
  const opts = resolveOptions(options);
  const log = (opts.log ?? silent).child({ input: input.name });
  if (input.bytes.length > opts.maxBytes) {
    throw new PipelineError("INPUT_TOO_LARGE", `the input is ${input.bytes.length} bytes, over the limit of ${opts.maxBytes}`, { input: input.name });
  }
  const started = performance.now();
  const ctx: SourceContext = {
    name: input.name,
    log,
    ocr: { mode: opts.ocr, dpi: opts.ocrDpi, pageTimeoutMs: opts.ocrPageTimeoutMs },
    ocrPages: opts.ocrPages,
  };
  let source = await readSource(input.bytes, ctx);
  log.debug({ stage: "source", lines: source.layout.lines.length, ms: Math.round(performance.now() - started) }, "source read");
  // A page whose tables are pictures may show nothing of a report in its text but its title.
  const title = source.pictures && source.layout.hints.title ? [{ cells: [{ text: source.layout.hints.title, origin: { kind: "html-text" as const, block: 0 } }] }] : [];
  if (!looksLikeReport([...source.layout.lines, ...title])) {
    throw new PipelineError("NOT_A_REPORT", "the document does not read as a government information-disclosure annual report", { input: input.name });
  }
  let parsed = parseReport(source.layout);
  if (source.pictures && tablesMissing(parsed)) ({ source, parsed } = await withPictures(source, parsed, input.pictures, ctx));
  // OCR readings only: a failed identity in a text layer or a page is the source's own.
  if (source.textSource === "ocr" || source.textSource === "mixed") {
    const repaired = repairOcrReadings(parsed, parsed.provenance, undefined, parsed.issues);
    parsed.issues.push(...repaired.issues);
  }
  const record = {
    schemaVersion: 1,
    source: {
      name: input.name,
      sha256: createHash("sha256").update(input.bytes).digest("hex"),
      mediaType: source.mediaType,
      pages: source.pages,
      textSource: source.textSource,
      encoding: source.encoding,
      bytes: input.bytes.length,
      // What the document says of itself first: what the crawl saw (url …) wins.
      ...source.origin,
      ...(input.origin ? originFields(input.origin) : {}),
    },
    meta: parsed.meta,
    activeDisclosure: parsed.activeDisclosure,
    applications: parsed.applications,
    reviewLitigation: parsed.reviewLitigation,
    sections: parsed.sections,
    issues: [...(source.issues ?? []), ...parsed.issues],
    ...(opts.provenance ? { provenance: parsed.provenance } : {}),
    extractor: { ...EXTRACTOR },
  } as ReportRecord;
  record.issues.push(...validateRecord(record));
  log.debug({ stage: "done", issues: record.issues.length, ms: Math.round(performance.now() - started) }, "record built");
  return record;
}

/** Whether a template table was not found (or none was, in a page that does not say its year). */
function tablesMissing(parsed: ParsedReport): boolean {
  const none = !parsed.activeDisclosure && !parsed.applications && !parsed.reviewLitigation;
  return parsed.issues.some((i) => i.code === "TABLE_MISSING") || (none && parsed.meta.year === null);
}

/**
 * An HTML page whose tables are missing, read again with its pictures read by OCR. The
 * tables still missing name the pictures that could not be read, and why.
 */
async function withPictures(source: SourceResult, parsed: ParsedReport, fetch: PictureFetcher | undefined, ctx: SourceContext): Promise<{ source: SourceResult; parsed: ParsedReport }> {
  const { pictureName, readPictures } = await import("./sources/html-images.js");
  const reading = await readPictures(source, fetch, ctx);
  const after = reading.read > 0 ? parseReport(reading.source.layout) : parsed;
  if (reading.unread.length > 0) {
    const unread = reading.unread.map((u) => `${pictureName(u.picture)}: ${u.reason}`).join("; ");
    for (const issue of after.issues) if (issue.code === "TABLE_MISSING") issue.message += ` — the page's pictures that could not be read: ${unread}`;
  }
  ctx.log.debug({ stage: "pictures", pictures: source.pictures?.length ?? 0, read: reading.read, unread: reading.unread.length }, "pictures read");
  return { source: reading.source, parsed: after };
}

/** The origin as the record's source fields, the unset ones left out. */
function originFields(origin: ReportOrigin): Pick<ReportRecord["source"], "url" | "fetchedAt" | "foundOn" | "linkText"> {
  return {
    url: origin.url,
    fetchedAt: origin.fetchedAt,
    ...(origin.foundOn ? { foundOn: origin.foundOn } : {}),
    ...(origin.linkText ? { linkText: origin.linkText } : {}),
  };
}

/**
 * Reads a file (refusing what is missing, unreadable or too large before reading it) and
 * extracts it. An HTML page's pictures are taken from beside it (`<page>_files/`) and
 * from `files.assets`.
 */
export async function extractFile(path: string, options: ExtractOptions = {}, files: { assets?: string | undefined } = {}): Promise<ReportRecord> {
  const opts = resolveOptions(options);
  let bytes: Uint8Array;
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new PipelineError("INPUT_UNREADABLE", "the path is a directory, not a file", { input: path });
    if (info.size > opts.maxBytes) {
      throw new PipelineError("INPUT_TOO_LARGE", `the file is ${info.size} bytes, over the limit of ${opts.maxBytes}`, { input: path });
    }
    bytes = await readFile(path);
  } catch (error) {
    if (error instanceof PipelineError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") throw new PipelineError("INPUT_NOT_FOUND", "no such file", { input: path, cause: error });
    throw new PipelineError("INPUT_UNREADABLE", `the file cannot be read (${code ?? String(error)})`, { input: path, cause: error });
  }
  // Loaded only if a page's pictures are asked for.
  const pictures: PictureFetcher = async (src) => (await import("./sources/picture-files.js")).localPictures(path, files.assets)(src);
  return extractReport({ bytes, name: basename(path), pictures }, opts);
}
