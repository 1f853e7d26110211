/**
 * A worker process: pulls documents and OCR pages from Redis and runs each job in a
 * sandboxed child process (src workers/), so CPU-heavy parsing and OCR never block
 * the lock renewals that keep a running job from counting as stalled. Crawl jobs are
 * I/O-bound (waiting on hosts and the per-host gate) and run in this process, several
 * at once. Stops taking jobs on SIGTERM/SIGINT, lets the running ones finish, and resolves.
 */
import { hostname } from "node:os";
import { dirname, extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Queue, Worker, type Job } from "bullmq";
import { crawlSettingsEnv, type CrawlSettings } from "../crawl/settings.js";
import type { Logger } from "../log.js";
import { redisConnection } from "./connection.js";
import { processCrawl, type CrawlWorkerContext } from "./crawl.js";
import { QUEUES } from "./jobs.js";
import { settingsEnv, type QueueSettings } from "./settings.js";

/** workers/<name>.ts beside src/ when run from source, dist/workers/<name>.js when built. */
function processorFile(name: string): string {
  const here = fileURLToPath(import.meta.url);
  return join(dirname(here), "..", "..", "workers", `${name}${extname(here)}`);
}

export interface RunningWorkers {
  /** Resolves once both workers have stopped (after a signal or `stop`). */
  closed: Promise<void>;
  stop(): Promise<void>;
}

export interface WorkerOptions {
  crawl: CrawlSettings;
  /** Test hooks of the crawl's fetcher (resolver, connect). */
  fetcher?: CrawlWorkerContext["fetcher"];
}

export function runWorkers(settings: QueueSettings, log: Logger, options: WorkerOptions): RunningWorkers {
  // Sandboxed processors are child processes: they read their settings from the environment.
  Object.assign(process.env, settingsEnv(settings), crawlSettingsEnv(options.crawl));
  const common = {
    prefix: settings.prefix,
    lockDuration: settings.lockMs,
    stalledInterval: settings.stalledIntervalMs,
    maxStalledCount: 2,
    useWorkerThreads: false,
    // Stored on each job it processes (job.processedBy): which machine and process ran it.
    name: `${hostname()}:${process.pid}`,
  };
  const connections = [redisConnection(settings.redisUrl, "worker"), redisConnection(settings.redisUrl, "worker")] as const;
  const documents = new Worker(QUEUES.extract, processorFile("extract"), { ...common, connection: connections[0], concurrency: settings.concurrency });
  const pages = new Worker(QUEUES.page, processorFile("ocr-page"), { ...common, connection: connections[1], concurrency: settings.pageConcurrency });
  // Crawls: a connection for BullMQ, one for the gate, health and state, a queue for the documents found.
  const crawlConnections = [redisConnection(settings.redisUrl, "worker"), redisConnection(settings.redisUrl, "client")] as const;
  const extract = new Queue(QUEUES.extract, { connection: crawlConnections[1], prefix: settings.prefix });
  const context: CrawlWorkerContext = { queue: settings, crawl: options.crawl, redis: crawlConnections[1], extract, log, ...(options.fetcher ? { fetcher: options.fetcher } : {}) };
  const crawls = new Worker(QUEUES.crawl, (job: Job) => processCrawl(job, context), { ...common, connection: crawlConnections[0], concurrency: options.crawl.concurrency });
  for (const [kind, worker] of [["document", documents], ["page", pages], ["crawl", crawls]] as const) {
    worker.on("completed", (job: Job) => log.info({ kind, job: job.id, name: job.data?.name }, `${kind} done`));
    worker.on("failed", (job: Job | undefined, error: Error) =>
      log.warn({ kind, job: job?.id, name: job?.data?.name, attempt: job?.attemptsMade, reason: error.message }, `${kind} failed`),
    );
    worker.on("error", (error: Error) => log.error({ kind, err: error.message }, "worker error (retrying)"));
  }
  // "worker started" only once all three are connected and taking jobs: a job queued after
  // this line can go to this process.
  void Promise.all([documents, pages, crawls].map((w) => w.waitUntilReady())).then(
    () =>
      log.info(
        { name: common.name, redis: settings.redisUrl.replace(/\/\/[^@]*@/, "//***@"), dataDir: settings.dataDir, concurrency: settings.concurrency, pageConcurrency: settings.pageConcurrency, sink: settings.sink },
        "worker started",
      ),
    () => {}, // a connection that fails is reported by the workers' "error" events
  );

  let resolveClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      log.info("stopping: no new jobs; waiting for the running ones");
      await Promise.all([documents.close(), pages.close(), crawls.close()]);
      await extract.close();
      // Connections handed to BullMQ stay open after close(): they are ours to end.
      for (const c of [...connections, ...crawlConnections]) c.disconnect();
      log.info("worker stopped");
      resolveClosed();
    })();
    return stopping;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    log.info({ signal }, "signal received");
    void stop();
  };
  process.once("SIGTERM", onSignal);
  process.once("SIGINT", onSignal);
  return { closed, stop };
}
