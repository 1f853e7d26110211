/**
 * Crawls as queue jobs: one job is one run over one site, taken by any worker. Runs are
 * scheduled per site with BullMQ job schedulers (one per site, upserted: registering a
 * sites file again updates, never duplicates, and a site gone from the file loses its
 * scheduler). Every request of every worker passes the per-host gate in Redis, so the
 * interval to a host holds however many workers crawl; documents go to the extract
 * queue like ingested files.
 */
import { Queue, UnrecoverableError, type Job } from "bullmq";
import type { Redis } from "ioredis";
import { z } from "zod";
import { QueueDocuments } from "../crawl/documents.js";
import { RedisHostGate, RedisHostHealth, RedisRobotsStore } from "../crawl/politeness/index.js";
import { sitePorts, type PortsContext } from "../crawl/ports.js";
import { SiteProfile } from "../crawl/profile.js";
import type { CrawlSettings } from "../crawl/settings.js";
import { crawlSite, summary } from "../crawl/site-crawl.js";
import { RedisCrawlState } from "../crawl/state.js";
import type { Logger } from "../log.js";
import { LocalStore } from "../store/local.js";
import { EXTRACTOR } from "../version.js";
import { QUEUES } from "./jobs.js";
import type { QueueSettings } from "./settings.js";

export const CrawlJobData = z.object({ site: SiteProfile });
export type CrawlJobData = z.infer<typeof CrawlJobData>;

/** A site's scheduler id: one per site, so upserting replaces. */
const schedulerId = (site: string) => `site:${site}`;

export interface ScheduleResult {
  scheduled: { site: string; pattern: string }[];
  removed: string[];
  /** Sites without a schedule (none in the profile, none given): run once now. */
  queued: string[];
}

/**
 * Registers the sites: a job scheduler per site with a schedule (its own, else
 * `defaultPattern`), one run now for a site without; schedulers of sites no longer
 * in the list are removed.
 */
export async function scheduleSites(queue: Queue, sites: SiteProfile[], defaultPattern: string | undefined): Promise<ScheduleResult> {
  const result: ScheduleResult = { scheduled: [], removed: [], queued: [] };
  for (const site of sites) {
    const pattern = site.schedule ?? defaultPattern;
    if (pattern) {
      await queue.upsertJobScheduler(schedulerId(site.id), { pattern }, { name: "site", data: CrawlJobData.parse({ site }), opts: { removeOnComplete: 100, removeOnFail: 100 } });
      result.scheduled.push({ site: site.id, pattern });
    } else {
      await queue.add("site", CrawlJobData.parse({ site }), { jobId: `run:${site.id}:${Date.now()}`, removeOnComplete: 100, removeOnFail: 100 });
      result.queued.push(site.id);
    }
  }
  const wanted = new Set(result.scheduled.map((s) => schedulerId(s.site)));
  const existing = await queue.getJobSchedulers(0, -1);
  for (const scheduler of existing) {
    const id = scheduler.key ?? scheduler.id;
    if (id && id.startsWith("site:") && !wanted.has(id)) {
      await queue.removeJobScheduler(id);
      result.removed.push(id.slice("site:".length));
    }
  }
  return result;
}

export interface CrawlWorkerContext {
  queue: QueueSettings;
  crawl: CrawlSettings;
  /** A plain connection (gate, health, robots, state); not BullMQ's blocking one. */
  redis: Redis;
  /** The extract queue documents go to. */
  extract: Queue;
  log: Logger;
  fetcher?: PortsContext["fetcher"];
}

/** Runs one crawl job: the site's run, its documents submitted for extraction. */
export async function processCrawl(job: Job, ctx: CrawlWorkerContext): Promise<Record<string, unknown>> {
  const parsed = CrawlJobData.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`BAD_JOB: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  const profile = parsed.data.site;
  const prefix = ctx.queue.prefix;
  const log = ctx.log.child({ job: job.id });
  const ports = sitePorts(profile, {
    settings: ctx.crawl,
    gate: new RedisHostGate({ redis: ctx.redis, prefix: `${prefix}:crawl:host:`, onLeaseTrouble: (host, problem) => log.warn({ host, problem: String(problem) }, "host lease trouble") }),
    // Parked for a day at most: a host that keeps failing is left alone by every worker.
    health: new RedisHostHealth({ redis: ctx.redis, prefix: `${prefix}:crawl:health:${job.id}:`, ttlMs: 24 * 3600 * 1000 }),
    robotsStore: new RedisRobotsStore({ redis: ctx.redis, prefix: `${prefix}:crawl:robots:` }),
    state: new RedisCrawlState(ctx.redis, prefix),
    documents: new QueueDocuments(ctx.extract, new LocalStore(ctx.queue.dataDir), ctx.queue, EXTRACTOR.version, log),
    log,
    ...(ctx.fetcher ? { fetcher: ctx.fetcher } : {}),
  });
  let last = 0;
  const run = await crawlSite(profile, ports, {
    runId: String(job.id),
    intervalMs: ctx.crawl.intervalMs,
    maxPages: ctx.crawl.maxPages,
    onProgress: (r) => {
      // Progress now and then (it is a Redis write): pages fetched and reports found.
      if (Date.now() - last < 2000) return;
      last = Date.now();
      void job.updateProgress({ pagesFetched: r.pagesFetched, reportsFound: r.reportsFound, errors: r.errors });
    },
  });
  return summary(run);
}

export { QUEUES };
