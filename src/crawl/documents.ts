/**
 * Where a fetched report candidate goes: through the same extract path as `ingest`,
 * content-addressed and idempotent. In-process (`nianbao crawl`), the bytes go to the
 * store and are extracted at once; in queue mode they go to the store and an extract
 * job, which a worker runs like any other. Either way the input is kept whatever
 * becomes of it, and its origin (URL, listing page, link text, fetch time) rides
 * along into the record.
 *
 * An HTML page whose tables are pictures has them fetched by the crawl (under its
 * rules) and stored with it before it is extracted, in this process or by a worker,
 * and the page with its pictures is one document (src/queue/pictures.ts): the same in
 * both modes, so a worker reads what the crawl fetched, and a page whose pictures
 * change is extracted again.
 */
import type { Queue } from "bullmq";
import { isPipelineError } from "../errors.js";
import type { Logger } from "../log.js";
import { DEFAULTS, type ExtractOptions } from "../options.js";
import type { ReportOrigin } from "../pipeline.js";
import type { PictureFetcher } from "../sources/html-images.js";
import { documentJobId, type JobExtractOptions } from "../queue/jobs.js";
import { collectPictures, storeDocument, storedPictures } from "../queue/pictures.js";
import type { QueueSettings } from "../queue/settings.js";
import type { Store } from "../store/types.js";

export interface FetchedDocument {
  bytes: Uint8Array;
  origin: ReportOrigin;
  /**
   * An HTML page's pictures, fetched by the crawl under its rules, should its tables be
   * pictures (asked only then): had and stored with the page before it is extracted.
   */
  pictures?: PictureFetcher | undefined;
}

export type DocumentOutcome =
  | { kind: "report"; sha256: string; created: boolean }
  | { kind: "submitted"; sha256: string; duplicate: boolean }
  | { kind: "not-a-report"; sha256: string }
  | { kind: "unsupported"; sha256: string }
  | { kind: "failed"; sha256: string; code: string; message: string };

export interface DocumentSink {
  handle(doc: FetchedDocument): Promise<DocumentOutcome>;
  /**
   * What became of content handed over earlier, if known now: queue mode asks the
   * extract job, so a non-report found by a worker is remembered by the next crawl.
   */
  settled?(sha256: string): Promise<"not-a-report" | "unsupported" | "report" | null>;
}

/** Extracts in this process into the store (the embedded default). */
export class StoreDocuments implements DocumentSink {
  constructor(
    private readonly store: Store,
    private readonly version: string,
    private readonly options: ExtractOptions,
    private readonly log: Logger,
  ) {}

  async handle(doc: FetchedDocument): Promise<DocumentOutcome> {
    const maxBytes = this.options.maxBytes ?? DEFAULTS.maxBytes;
    const carried = doc.pictures ? await collectPictures({ bytes: doc.bytes, name: doc.origin.url }, doc.pictures, { store: this.store, maxBytes, log: this.log }) : null;
    // The record goes by the page's hash, or by its manifest with its pictures (the outcome's sha256 is that key).
    const { key: sha256 } = await storeDocument(this.store, doc.bytes, carried);
    const key = { sha256, version: this.version };
    if (await this.store.hasRecord(key)) return { kind: "report", sha256, created: false };
    // Loaded when first needed: a crawl that only finds nothing new never loads the extractor.
    const { extractReport } = await import("../pipeline.js");
    try {
      const pictures = carried ? storedPictures(carried, this.store) : undefined;
      const record = await extractReport({ bytes: doc.bytes, name: doc.origin.url, origin: doc.origin, pictures }, this.options);
      await this.store.putRecord(key, record);
      this.log.info({ url: doc.origin.url, template: record.meta.template, organ: record.meta.organ, year: record.meta.year }, "report extracted");
      return { kind: "report", sha256, created: true };
    } catch (error) {
      if (!isPipelineError(error)) {
        // A defect in the extractor on one document must not end the crawl: its input is
        // stored; it is counted and logged for a fix, and read again when the URL is.
        this.log.error({ url: doc.origin.url, sha256, err: error instanceof Error ? error.stack : String(error) }, "extraction failed with an internal error");
        return { kind: "failed", sha256, code: "INTERNAL_ERROR", message: error instanceof Error ? error.message : String(error) };
      }
      if (error.code === "NOT_A_REPORT") return { kind: "not-a-report", sha256 };
      if (error.code === "UNSUPPORTED_FORMAT") return { kind: "unsupported", sha256 };
      return { kind: "failed", sha256, code: error.code, message: error.message };
    }
  }
}

/** Submits an extract job per new content (queue mode); a worker extracts it. */
export class QueueDocuments implements DocumentSink {
  constructor(
    private readonly queue: Queue,
    private readonly store: Store,
    private readonly settings: QueueSettings,
    private readonly version: string,
    private readonly log: Logger,
    private readonly options: JobExtractOptions = {},
  ) {}

  async handle(doc: FetchedDocument): Promise<DocumentOutcome> {
    const { submitBatch } = await import("../queue/submit.js");
    // The pictures are fetched here, by the crawl under its rules: a worker has no crawl to ask.
    const maxBytes = this.options.maxBytes ?? this.settings.maxBytes;
    const carried = doc.pictures ? await collectPictures({ bytes: doc.bytes, name: doc.origin.url }, doc.pictures, { store: this.store, maxBytes, log: this.log }) : null;
    const [submission] = await submitBatch([{ name: doc.origin.url, bytes: doc.bytes, origin: doc.origin, carried }], {
      queue: this.queue,
      store: this.store,
      settings: this.settings,
      version: this.version,
      force: false,
      options: this.options,
      log: this.log,
    });
    // The key its job goes by: what `settled` asks about.
    return { kind: "submitted", sha256: submission!.key, duplicate: submission!.duplicate };
  }

  async settled(sha256: string): Promise<"not-a-report" | "unsupported" | "report" | null> {
    const job = await this.queue.getJob(documentJobId(sha256, this.version));
    if (!job) return null;
    if (job.finishedOn && job.returnvalue) return "report";
    const reason = job.failedReason ?? "";
    if (reason.startsWith("NOT_A_REPORT")) return "not-a-report";
    if (reason.startsWith("UNSUPPORTED_FORMAT")) return "unsupported";
    return null;
  }
}
