/**
 * Crawls through the queue: `crawl --sites FILE` registers the sites, two real worker
 * processes crawl them against the fixture sites on 127.0.0.0/8 through a Redis of the
 * test's own, and the reports found are extracted by the workers' extract jobs. The
 * TRS server's own log proves the per-host gate held across both workers; the
 * schedulers are registered once however often the file is registered.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisCrawlState } from "../src/crawl/state.js";
import type { ReportRecord } from "../src/model/record.js";
import { extractReport } from "../src/pipeline.js";
import { EXTRACTOR } from "../src/version.js";
import { pictureFetcher, startFixtureSites, type FixtureSites, type RequestLogEntry } from "./crawl-site/server.js";
import { ROOT, runCli, tempDir } from "./helpers.js";
import { RedisServer } from "./redis-server.js";

interface Worker {
  child: ChildProcess;
  log: () => string;
  exited: Promise<number | null>;
}

function spawnWorker(env: NodeJS.ProcessEnv): Worker {
  const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "src/cli/index.ts"), "worker"], { env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  child.stderr!.on("data", (c: Buffer) => (log += c.toString()));
  return { child, log: () => log, exited: new Promise((resolve) => child.once("exit", (code) => resolve(code))) };
}

async function waitFor(check: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function storedRecords(dir: string): ReportRecord[] {
  const walk = (d: string): string[] => (existsSync(d) ? readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)])) : []);
  return walk(join(dir, "records", EXTRACTOR.version)).map((f) => JSON.parse(readFileSync(f, "utf8")) as ReportRecord);
}

describe("crawl through the queue with two workers", () => {
  let sites: FixtureSites;
  let redis: RedisServer;
  let base: string;
  const prefix = "crawlq";
  const env = (data: string): NodeJS.ProcessEnv => ({
    REDIS_URL: redis.url,
    DATA_DIR: data,
    NIANBAO_QUEUE_PREFIX: prefix,
    NIANBAO_CRAWL_ALLOW_HOSTS: sites.addresses.join(","),
    NIANBAO_CRAWL_CONCURRENCY: "1",
    NIANBAO_CRAWL_TIMEOUT_MS: "3000",
    NIANBAO_BACKOFF_MS: "200",
    LOG_LEVEL: "info",
  });

  beforeAll(async () => {
    base = tempDir("crawl-queue-");
    mkdirSync(join(base, "redis"));
    [sites, redis] = await Promise.all([startFixtureSites({ pingtan: false }), RedisServer.start(join(base, "redis"))]);
  }, 120_000);
  afterAll(async () => {
    await sites?.close();
    await redis?.down();
  });

  it("registers one scheduler per site however often the file is given, and drops a site taken out of it", () => {
    const data = join(base, "sched-data");
    const file = join(base, "sites.yaml");
    const profile = (id: string, start: string) => `- id: ${id}\n  start: [${JSON.stringify(start)}]\n  schedule: "0 3 * * 1"\n`;
    writeFileSync(file, profile("trs", sites.trs.home) + profile("faults", sites.faults.listing));
    for (let i = 0; i < 2; i++) {
      const r = runCli(["crawl", "--sites", file, "--json"], { env: env(data) });
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ scheduled: [{ site: "trs" }, { site: "faults" }], removed: [] });
    }
    writeFileSync(file, profile("trs", sites.trs.home));
    const r = runCli(["crawl", "--sites", file, "--json"], { env: env(data) });
    expect(JSON.parse(r.stdout)).toMatchObject({ scheduled: [{ site: "trs", pattern: "0 3 * * 1" }], removed: ["faults"] });
    const status = runCli(["status", "--json"], { env: env(data) });
    const sitesShown = (JSON.parse(status.stdout) as { sites: { site: string; schedule: string | null }[] }).sites;
    expect(sitesShown).toEqual([expect.objectContaining({ site: "trs", schedule: "0 3 * * 1" })]);
  }, 120_000);

  it("crawls two sites on one host with two workers, one request at a time and the interval apart, and extracts what they find", async () => {
    const data = join(base, "data");
    const file = join(base, "run.json");
    // Two sites on the TRS host: its home page, and its column entered on page 2.
    const interval = 0.3;
    writeFileSync(
      file,
      JSON.stringify([
        { id: "trs-home", start: [sites.trs.home], interval },
        { id: "trs-page2", start: [sites.trs.listings[1]], interval },
      ]),
    );
    // Clear the schedulers of the test before (same prefix): one-off runs here.
    const c = new Redis(redis.url);
    const crawlQueue = new Queue("crawl", { connection: c, prefix });
    for (const s of await crawlQueue.getJobSchedulers(0, -1)) await crawlQueue.removeJobScheduler(s.key ?? s.id!);
    const from = sites.log.length;
    const workers = [spawnWorker(env(data)), spawnWorker(env(data))];
    try {
      await waitFor(() => workers.every((w) => w.log().includes("worker started")), 60_000, "workers to start");
      const r = runCli(["crawl", "--sites", file, "--json"], { env: env(data) });
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ queued: ["trs-home", "trs-page2"] });
      const state = new RedisCrawlState(c, prefix);
      const extract = new Queue("extract", { connection: c, prefix });
      await waitFor(
        async () => {
          const runs = await Promise.all(["trs-home", "trs-page2"].map((s) => state.lastRun(s)));
          if (!runs.every((run) => run?.status === "finished")) return false;
          const counts = await extract.getJobCounts("waiting", "active", "delayed", "waiting-children");
          return Object.values(counts).every((n) => n === 0);
        },
        240_000,
        "both site runs and their extractions",
      );
      // Each site crawled once, at the first attempt, by one of the two workers (named on the
      // job). Which worker takes which is BullMQ's affair: on a busy machine one worker may
      // finish a short crawl and take the other before the second fetches — the gate across
      // processes is proven by the host's log below and by crawl-politeness.test.ts.
      const names = workers.map((w) => /"name":"([^"]+)"[^\n]*worker started/.exec(w.log())?.[1]);
      const crawled = await crawlQueue.getCompleted();
      expect(crawled.map((j) => (j.data as { site: { id: string } }).site.id).sort(), workers.map((w) => w.log()).join("\n")).toEqual(["trs-home", "trs-page2"]);
      for (const job of crawled) {
        expect(job.attemptsMade).toBe(1);
        expect(names).toContain(job.processedBy);
      }
      const runs = await Promise.all(["trs-home", "trs-page2"].map((s) => state.lastRun(s)));
      for (const run of runs) expect(run).toMatchObject({ errors: 0, notReports: 0 });
      // The host's log: never two requests at once, and the interval (robots.txt's Crawl-delay, the longer) between them.
      const requests = sites.log.slice(from).filter((e) => e.site === "trs");
      const spacing = Math.max(interval, sites.trs.robots.crawlDelaySeconds) * 1000;
      expect(requests.length).toBeGreaterThan(30);
      for (let i = 1; i < requests.length; i++) {
        const [a, b] = [requests[i - 1]!, requests[i]!] as [RequestLogEntry, RequestLogEntry];
        expect(b.time - a.time, `${a.path} → ${b.path}`).toBeGreaterThanOrEqual(spacing - 5);
        expect(a.end ?? Infinity, `${a.path} still running when ${b.path} came`).toBeLessThanOrEqual(b.time);
      }
      // Every report of the site extracted once, as extract makes it, with where it came from.
      const records = storedRecords(data);
      for (const report of sites.trs.reports) {
        const found = records.filter((rec) => rec.source.sha256 === report.sha256);
        expect(found, report.url).toHaveLength(1);
        expect(found[0]!.source.url).toBe(report.url);
        expect([report.linkText, report.title]).toContain(found[0]!.source.linkText);
        const { url: _u, fetchedAt: _f, foundOn: _o, linkText: _l, name: _n, ...source } = found[0]!.source;
        // A page whose table is a picture: the crawl worker fetched it and the extract job read it from the store.
        const expected = await extractReport({ bytes: report.bytes, name: report.url, pictures: report.pictures ? pictureFetcher(report.url) : undefined });
        const { name: _m, ...expectedSource } = expected.source;
        expect({ ...found[0]!, source }).toEqual({ ...expected, source: expectedSource });
      }
      // The pictured page's job carries its picture (by blob), and its record goes by the page with it.
      const pictured = sites.trs.reports.filter((rep) => rep.pictures);
      expect(pictured).toHaveLength(1);
      for (const report of pictured) {
        const [job] = (await extract.getCompleted()).filter((j) => j.data.blob === report.sha256);
        expect(job?.data.pictures).toHaveLength(report.pictures!.length);
        expect(job!.id).toBe(`${job!.data.key}@${EXTRACTOR.version}`);
        expect(records.find((rec) => rec.source.sha256 === report.sha256)!.source.textSource).toBe("mixed");
      }
      const status = runCli(["status", "--json"], { env: env(data) });
      const shown = (JSON.parse(status.stdout) as { sites: { site: string; lastRun: { reportsFound: number } | null }[] }).sites;
      expect(shown.map((s) => s.site)).toEqual(["trs-home", "trs-page2"]);

      // Run again: every request conditional and answered 304, nothing new to extract, and
      // the notice — found by a worker's extract job to be no report — not asked again.
      const first = (await state.lastRun("trs-home"))!.runId;
      const again = join(base, "again.json");
      writeFileSync(again, JSON.stringify([{ id: "trs-home", start: [sites.trs.home], interval }]));
      const second = sites.log.length;
      const jobsBefore = (await extract.getJobCounts("completed", "failed")) as Record<string, number>;
      expect(runCli(["crawl", "--sites", again], { env: env(data) }).status).toBe(0);
      await waitFor(async () => (await state.lastRun("trs-home"))?.runId !== first && (await state.lastRun("trs-home"))?.status === "finished", 120_000, "the second run");
      const revisits = sites.log.slice(second).filter((e) => e.site === "trs" && e.path !== "/robots.txt");
      expect(revisits.length).toBeGreaterThan(20);
      expect(revisits.every((e) => e.status === 304 && (e.ifNoneMatch !== null || e.ifModifiedSince !== null))).toBe(true);
      for (const notice of sites.trs.notices) expect(revisits.some((e) => e.path === new URL(notice).pathname)).toBe(false);
      expect(await state.lastRun("trs-home")).toMatchObject({ newReports: 0, errors: 0, skipped: expect.any(Number) });
      expect(await extract.getJobCounts("completed", "failed")).toEqual(jobsBefore);
      await extract.close();
    } finally {
      for (const w of workers) w.child.kill("SIGTERM");
      await Promise.all(workers.map((w) => w.exited));
      await crawlQueue.close();
      c.disconnect();
    }
  }, 360_000);
});

