/**
 * What the queue workers do with a job. Documents are extracted with the same
 * `extractReport` as the CLI; a document with pages to OCR sends them out as child
 * jobs (one per page) and waits for them, then assembles its record from their
 * results — the same record the CLI makes in one process.
 */
import { Queue, UnrecoverableError, WaitingChildrenError, type SandboxedJob } from "bullmq";
import { isPipelineError } from "../errors.js";
import type { Logger } from "../log.js";
import type { ReportRecord } from "../model/record.js";
import { extractReport } from "../pipeline.js";
import { sharedOcrPool } from "../sources/_internal/tesseract.js";
import { combineOutcomes, readPageImage, type PageOutcome } from "../sources/ocr/index.js";
import { pageImage } from "../sources/ocr/page-image.js";
import type { Store } from "../store/types.js";
import { ExtractJobData, type ExtractJobResult, PageJobData, QUEUES, pageJobId } from "./jobs.js";
import { storedPictures } from "./pictures.js";
import type { QueueSettings } from "./settings.js";

export interface ProcessorContext {
  settings: QueueSettings;
  store: Store;
  log: Logger;
  /** The OCR page queue (children are added to it). */
  pages: () => Queue;
  /** Where a finished record also goes (`--sink postgres`), after the store. */
  records?: { put(record: ReportRecord): Promise<void> } | undefined;
}

/** Bad input fails once and for all; anything else is retried with backoff. */
function classify(error: unknown): Error {
  if (isPipelineError(error)) {
    // Failed reasons carry the code, whether the job is retried or not.
    return error.permanent ? new UnrecoverableError(`${error.code}: ${error.message}`) : new Error(`${error.code}: ${error.message}`, { cause: error });
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** Thrown through extractReport to stop it where pages need OCR. */
class FanOut extends Error {
  constructor(readonly pages: number[]) {
    super("pages to OCR");
  }
}

async function inputOf(data: ExtractJobData | PageJobData, store: Store): Promise<Uint8Array> {
  try {
    return await store.getBlob(data.blob);
  } catch (error) {
    // A missing input is not going to appear by retrying.
    throw new UnrecoverableError(`INPUT_MISSING: the input ${data.blob} of ${data.name} is not in the store (${String(error)})`);
  }
}

export async function processDocument(job: SandboxedJob, token: string | undefined, ctx: ProcessorContext): Promise<ExtractJobResult> {
  const parsed = ExtractJobData.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`BAD_JOB: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  const data = parsed.data;
  const bytes = await inputOf(data, ctx.store);
  // The pictures submitted with a page are read when its tables turn out to be pictures; a lost one will not come back by retrying.
  for (const picture of data.pictures ?? []) {
    if (!(await ctx.store.hasBlob(picture.blob))) throw new UnrecoverableError(`INPUT_MISSING: the picture ${picture.src} (${picture.blob}) submitted with ${data.name} is not in the store`);
  }
  const pictures = data.pictures || data.unavailable ? storedPictures(data, ctx.store) : undefined;
  /** What the record is stored under: the input's blob, or the manifest of a page and its pictures. */
  const recordKey = data.key ?? data.blob;
  const log = ctx.log.child({ job: job.id, input: data.name });
  // The options set at submission win over the worker's own (its environment).
  const chosen = data.options;
  const options = {
    maxBytes: chosen.maxBytes ?? ctx.settings.maxBytes,
    ocr: chosen.ocr ?? ctx.settings.ocr,
    ocrDpi: chosen.ocrDpi ?? ctx.settings.ocrDpi,
    ocrPageTimeoutMs: ctx.settings.pageTimeoutMs,
    log,
  };
  const finish = async (record: Awaited<ReturnType<typeof extractReport>>, ocrPages: number): Promise<ExtractJobResult> => {
    await ctx.store.putRecord({ sha256: recordKey, version: data.version }, record);
    // Into the database as it completes; unreachable → DATABASE_UNAVAILABLE, retried with backoff (the record stays stored).
    if (ctx.records) await ctx.records.put(record);
    return {
      record: { sha256: recordKey, version: data.version },
      template: record.meta.template,
      issues: record.issues.length,
      errors: record.issues.filter((i) => i.severity === "error").length,
      ocrPages,
    };
  };

  if (data.step === "read") {
    let pages: number[];
    try {
      const record = await extractReport({ bytes, name: data.name, origin: data.origin, pictures }, { ...options, ocrPages: async (p) => Promise.reject(new FanOut(p)) });
      return await finish(record, 0);
    } catch (error) {
      if (!(error instanceof FanOut)) throw classify(error);
      pages = error.pages;
    }
    // One child job per page; ids derive from the document's, so a retried step adds none twice.
    await ctx.pages().addBulk(
      pages.map((page) => ({
        name: "page",
        data: PageJobData.parse({ blob: data.blob, name: data.name, page, dpi: options.ocrDpi, ocr: options.ocr }),
        opts: {
          jobId: pageJobId(String(job.id), page),
          parent: { id: String(job.id), queue: job.queueQualifiedName },
          attempts: ctx.settings.attempts,
          backoff: { type: "exponential", delay: ctx.settings.backoffMs },
          // A page that cannot be read must not hold its document forever: it becomes an OCR_FAILED issue.
          ignoreDependencyOnFailure: true,
        },
      })),
    );
    await job.updateData({ ...data, step: "assemble", pages });
    log.info({ pages: pages.length }, "pages sent out for OCR");
    if (await job.moveToWaitingChildren(token)) throw new WaitingChildrenError();
    data.pages = pages;
  }

  // Assemble: every page has either a result or a recorded failure.
  const pages = data.pages ?? [];
  const values = await job.getChildrenValues<PageOutcome>();
  const failures = await job.getIgnoredChildrenFailures();
  const byId = (page: number, entries: Record<string, unknown>) => Object.entries(entries).find(([key]) => key.endsWith(`:${pageJobId(String(job.id), page)}`))?.[1];
  const outcomes: PageOutcome[] = [];
  for (const page of pages) {
    const value = byId(page, values) as PageOutcome | undefined;
    const failure = byId(page, failures) as string | undefined;
    if (value) outcomes.push(value);
    else if (failure !== undefined) outcomes.push({ page, error: failure });
  }
  if (outcomes.length < pages.length) {
    // Some children are still running (this step was re-entered after a crash): wait again.
    if (await job.moveToWaitingChildren(token)) throw new WaitingChildrenError();
  }
  try {
    const record = await extractReport({ bytes, name: data.name, origin: data.origin, pictures }, { ...options, ocrPages: async (wanted) => combineOutcomes(outcomes.filter((o) => wanted.includes(o.page))) });
    log.info({ pages: pages.length }, "record assembled from OCR pages");
    return await finish(record, pages.length);
  } catch (error) {
    throw classify(error);
  }
}

export async function processPage(job: SandboxedJob, ctx: ProcessorContext): Promise<PageOutcome> {
  const parsed = PageJobData.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`BAD_JOB: ${parsed.error.message}`);
  const data = parsed.data;
  const bytes = await inputOf(data, ctx.store);
  const log = ctx.log.child({ job: job.id, input: data.name, page: data.page });
  const image = await pageImage(bytes, data.page, data.dpi);
  // A page the engine could not read in time is an outcome (an issue on the record), as in the CLI.
  return readPageImage(image, sharedOcrPool(), { name: data.name, log, ocr: { mode: data.ocr ?? ctx.settings.ocr, dpi: data.dpi, pageTimeoutMs: ctx.settings.pageTimeoutMs } });
}

export { QUEUES };
