/**
 * Waiting for submitted jobs: polls their states (robust to Redis restarts: a failed
 * poll is retried), reports progress, and gathers each job's outcome.
 */
import type { Queue } from "bullmq";
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

export async function waitForJobs(queue: Queue, ids: string[], onProgress: (outcomes: Map<string, Outcome>) => void, log: Logger, pollMs = 250): Promise<Map<string, Outcome>> {
  const outcomes = new Map<string, Outcome>();
  let redisDown = false;
  while (outcomes.size < ids.length) {
    const pending = ids.filter((id) => !outcomes.has(id));
    try {
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
      if (redisDown) log.info("Redis is back");
      redisDown = false;
    } catch (error) {
      if (!redisDown) log.warn({ err: error instanceof Error ? error.message : String(error) }, "cannot reach Redis; waiting for it");
      redisDown = true;
    }
    onProgress(outcomes);
    if (outcomes.size < ids.length) await new Promise((r) => setTimeout(r, pollMs));
  }
  return outcomes;
}
