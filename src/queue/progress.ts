/**
 * Waiting for submitted jobs: polls their states (robust to Redis restarts: a failed
 * poll is retried), reports progress, and gathers each job's outcome.
 */
import type { Queue, QueueEvents } from "bullmq";
import type { Logger } from "../log.js";
import { ExtractJobResult } from "./jobs.js";

export type Outcome =
  | { state: "completed"; result: ExtractJobResult }
  | { state: "failed"; reason: string; attempts: number };

export interface Tally {
  total: number;
  done: number;
  withIssues: number;
  failed: number;
}

export function tally(outcomes: Map<string, Outcome>, total: number): Tally {
  const t: Tally = { total, done: 0, withIssues: 0, failed: 0 };
  for (const o of outcomes.values()) {
    if (o.state === "failed") t.failed++;
    else if (o.result.errors > 0) t.withIssues++;
    else t.done++;
  }
  return t;
}

/** A progress line on a terminal, or a log line now and then elsewhere. */
export function progressReporter(log: Logger): (t: Tally) => void {
  let last = 0;
  return (t) => {
    const finished = t.done + t.withIssues + t.failed;
    if (process.stderr.isTTY) {
      const width = 30;
      const filled = t.total ? Math.round((finished / t.total) * width) : width;
      process.stderr.write(`\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${finished}/${t.total}  done ${t.done}  with issues ${t.withIssues}  failed ${t.failed}${finished === t.total ? "\n" : ""}`);
    } else if (Date.now() - last > 2000 || finished === t.total) {
      last = Date.now();
      log.info({ progress: `${finished}/${t.total}`, done: t.done, withIssues: t.withIssues, failed: t.failed }, "ingest progress");
    }
  };
}

/**
 * Waits for the jobs to finish. Completions arrive as queue events; a full check of the
 * unfinished jobs runs at the start (jobs finished before we listened), after a few
 * seconds without events, and whenever Redis comes back (events sent while it was
 * away are lost).
 */
export async function waitForJobs(queue: Queue, events: QueueEvents, ids: string[], onProgress: (outcomes: Map<string, Outcome>) => void, log: Logger, checkEveryMs = 3000): Promise<Map<string, Outcome>> {
  const wanted = new Set(ids);
  const outcomes = new Map<string, Outcome>();
  let wake: () => void = () => {};
  const onCompleted = ({ jobId, returnvalue }: { jobId: string; returnvalue: unknown }) => {
    if (!wanted.has(jobId) || outcomes.has(jobId)) return;
    const parsed = ExtractJobResult.safeParse(typeof returnvalue === "string" ? JSON.parse(returnvalue) : returnvalue);
    if (parsed.success) outcomes.set(jobId, { state: "completed", result: parsed.data });
    lastEvent = Date.now();
    wake();
  };
  const onFailed = ({ jobId }: { jobId: string }) => {
    // The event does not say whether retries remain: read that job.
    if (wanted.has(jobId) && !outcomes.has(jobId)) void check(queue, [jobId], outcomes).then(() => wake(), () => {});
  };
  events.on("completed", onCompleted);
  events.on("failed", onFailed);
  let redisDown = false;
  let lastCheck = 0;
  let lastEvent = Date.now();
  let checkNow = true;
  try {
    while (outcomes.size < ids.length) {
      // While events flow they say it all; a quiet spell (or a reconnect) calls for reading the jobs.
      if (checkNow || (Date.now() - lastCheck > checkEveryMs && Date.now() - lastEvent > checkEveryMs)) {
        checkNow = false;
        lastCheck = Date.now();
        try {
          await check(queue, ids.filter((id) => !outcomes.has(id)), outcomes);
          if (redisDown) {
            log.info("Redis is back");
            checkNow = true;
          }
          redisDown = false;
        } catch (error) {
          if (!redisDown) log.warn({ err: error instanceof Error ? error.message : String(error) }, "cannot reach Redis; waiting for it");
          redisDown = true;
        }
      }
      onProgress(outcomes);
      if (outcomes.size >= ids.length) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 500);
      });
    }
    onProgress(outcomes);
    return outcomes;
  } finally {
    events.off("completed", onCompleted);
    events.off("failed", onFailed);
  }
}

/** Reads the state of each unfinished job (200 at a time). */
async function check(queue: Queue, pending: string[], outcomes: Map<string, Outcome>): Promise<void> {
  for (let i = 0; i < pending.length; i += 200) {
    await Promise.all(
      pending.slice(i, i + 200).map(async (id) => {
        const state = await queue.getJobState(id);
        if (state !== "completed" && state !== "failed") return;
        const job = await queue.getJob(id);
        if (!job) return;
        if (state === "completed") outcomes.set(id, { state, result: ExtractJobResult.parse(job.returnvalue) });
        else outcomes.set(id, { state, reason: job.failedReason, attempts: job.attemptsMade });
      }),
    );
  }
}
