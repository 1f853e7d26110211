/**
 * Submission: each input's bytes go to the store first (so nothing submitted can be
 * lost), then one job per distinct content. The job id derives from the content hash
 * and the extractor version: the same report submitted twice, or under two names,
 * makes one job and one record. `force` replaces a finished job to extract again.
 */
import type { Queue } from "bullmq";
import type { Logger } from "../log.js";
import type { BlobStore } from "../store/types.js";
import { documentJobId, ExtractJobData } from "./jobs.js";
import type { Input } from "./inputs.js";
import type { QueueSettings } from "./settings.js";

export interface Submission {
  name: string;
  jobId: string;
  sha256: string;
  /** The content was already submitted (this run or before): no new job. */
  duplicate: boolean;
}

export interface SubmitContext {
  queue: Queue;
  store: BlobStore;
  settings: QueueSettings;
  version: string;
  force: boolean;
  log: Logger;
}

export async function submit(input: Input, ctx: SubmitContext): Promise<Submission> {
  const { sha256, size } = await ctx.store.putBlob(input.bytes);
  const jobId = documentJobId(sha256, ctx.version);
  const existing = await ctx.queue.getJob(jobId);
  if (existing) {
    const state = await existing.getState();
    if (!ctx.force || state === "active" || state === "waiting-children") return { name: input.name, jobId, sha256, duplicate: true };
    await existing.remove({ removeChildren: true });
    ctx.log.info({ job: jobId, name: input.name, was: state }, "re-extracting (--force)");
  }
  const data = ExtractJobData.parse({ blob: sha256, name: input.name, size, version: ctx.version, submittedAt: new Date().toISOString(), step: "read" });
  await ctx.queue.add("document", data, {
    jobId,
    attempts: ctx.settings.attempts,
    backoff: { type: "exponential", delay: ctx.settings.backoffMs },
    // Finished jobs stay: they are how a duplicate is recognised and how `status` reports.
    removeOnComplete: false,
    removeOnFail: false,
  });
  return { name: input.name, jobId, sha256, duplicate: false };
}
