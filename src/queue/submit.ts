/**
 * Submission: each input's bytes go to the store first (so nothing submitted can be
 * lost), then one job per distinct content. The job id derives from the content hash
 * and the extractor version: the same report submitted twice, or under two names,
 * makes one job and one record. `force` replaces a finished job to extract again.
 * The extract options chosen at submission travel in the job (a duplicate keeps the
 * options of the job it duplicates). An HTML page submitted with its pictures (collected
 * before, src/queue/pictures.ts) goes by the manifest of the page and its pictures: the
 * same page with other pictures is another job.
 */
import type { Queue } from "bullmq";
import type { Logger } from "../log.js";
import type { BlobStore } from "../store/types.js";
import { documentJobId, ExtractJobData, type JobExtractOptions } from "./jobs.js";
import type { Input } from "./inputs.js";
import { storeDocument } from "./pictures.js";
import type { QueueSettings } from "./settings.js";

export interface Submission {
  name: string;
  jobId: string;
  /** The input's own hash (its blob). */
  sha256: string;
  /** What its job and record go by: the input's hash, or the manifest's of a page submitted with pictures. */
  key: string;
  /** The content was already submitted (this run or before): no new job. */
  duplicate: boolean;
}

export interface SubmitContext {
  queue: Queue;
  store: BlobStore;
  settings: QueueSettings;
  version: string;
  force: boolean;
  /** Extract options chosen at submission, carried in each new job for the worker. */
  options?: JobExtractOptions;
  log: Logger;
}

/** Runs `fn` over `items` with at most `limit` at a time, results in order. */
async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

/**
 * Submits a batch of inputs: blobs first, then one round of lookups for jobs that
 * exist, then one bulk add of the new jobs (a duplicate within the batch counts once).
 */
export async function submitBatch(inputs: Input[], ctx: SubmitContext): Promise<Submission[]> {
  const stored = await mapLimited(inputs, 16, async (input) => ({ input, ...(await storeDocument(ctx.store, input.bytes, input.carried)) }));
  const ids = [...new Set(stored.map((s) => documentJobId(s.key, ctx.version)))];
  const existing = new Map(
    await mapLimited(ids, 32, async (id) => {
      const job = await ctx.queue.getJob(id);
      return [id, job ? await job.getState() : null] as const;
    }),
  );
  const replace = ctx.force ? [...existing].filter(([, state]) => state !== null && state !== "active" && state !== "waiting-children").map(([id]) => id) : [];
  for (const id of replace) {
    await (await ctx.queue.getJob(id))?.remove({ removeChildren: true });
    existing.set(id, null);
    ctx.log.info({ job: id }, "re-extracting (--force)");
  }
  const adding = new Set<string>();
  const submissions: Submission[] = [];
  const jobs: Parameters<Queue["addBulk"]>[0] = [];
  for (const s of stored) {
    const jobId = documentJobId(s.key, ctx.version);
    const duplicate = existing.get(jobId) != null || adding.has(jobId);
    submissions.push({ name: s.input.name, jobId, sha256: s.sha256, key: s.key, duplicate });
    if (duplicate) continue;
    adding.add(jobId);
    const carried = s.input.carried;
    jobs.push({
      name: "document",
      data: ExtractJobData.parse({
        blob: s.sha256,
        ...(s.key !== s.sha256 ? { key: s.key } : {}),
        ...(carried?.pictures.length ? { pictures: carried.pictures } : {}),
        ...(carried?.unavailable.length ? { unavailable: carried.unavailable } : {}),
        name: s.input.name,
        size: s.size,
        version: ctx.version,
        submittedAt: new Date().toISOString(),
        step: "read",
        options: ctx.options ?? {},
        ...(s.input.origin ? { origin: s.input.origin } : {}),
      }),
      opts: {
        jobId,
        attempts: ctx.settings.attempts,
        backoff: { type: "exponential", delay: ctx.settings.backoffMs },
        // Finished jobs stay: they are how a duplicate is recognised and how `status` reports.
        removeOnComplete: false,
        removeOnFail: false,
      },
    });
  }
  if (jobs.length > 0) await ctx.queue.addBulk(jobs);
  return submissions;
}
