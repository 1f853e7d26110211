import { parseArgs } from "node:util";
import { PipelineError } from "../../errors.js";
import { createLogger } from "../../log.js";
import { usageError } from "../errors.js";
import { QUEUE_OPTIONS, QUEUE_HELP, ensureReachable, settingsFrom } from "./queue-options.js";

export const help = `nianbao crawl URL... [options]              crawl in this process (no Redis), once
nianbao crawl --sites FILE [--schedule CRON]  queue mode: the workers crawl

Finds every annual report a site publishes and extracts it. A URL may be a site's home
page (the report column is found from its links: 政府信息公开年报, 年度报告 …), the
column's listing page, or a report page. Listing pages are followed through their
pagination; report pages, the list's other entries and their attachments (.pdf, .doc,
.docx, .wps, .ofd, images) are fetched and extracted as \`ingest\` would: stored by
content, so unchanged bytes make no new record and a changed document at the same URL
makes a new one (the old kept). Records keep the URL, the page that linked them, the
link text and the fetch time (source.url, source.foundOn, source.linkText,
source.fetchedAt). Documents that are no report are remembered and not fetched again;
formats the extractor does not read yet are stored and counted.

Politeness: robots.txt (Disallow, Crawl-delay) is honoured; one request at a time per
host with at least --interval between them; 429/503 Retry-After honoured, 5xx and
timeouts retried with backoff, a host that keeps failing is left for the rest of the
run. Revisits are conditional (If-None-Match / If-Modified-Since): a 304 costs nothing.

Safety: only http and https; every address (each redirect hop too) must be public —
loopback, private, link-local, CGNAT, multicast and reserved ranges are refused unless
allowed with --allow-host or --allow-private; at most 5 redirects, never off the site.

In this process (URLs, or --sites FILE --once) records go to the store in --out
(default: DATA_DIR, else ./data) and the crawl state to its crawl/ folder; export them
with \`nianbao export --from DIR\`. With --sites FILE and no --once, each site gets a
BullMQ job scheduler (its \`schedule\`, else --schedule; re-running updates, a site
gone from the file loses its scheduler) or, without a schedule, one run now; \`nianbao
worker\` runs them and \`nianbao status\` shows each site's last run.

The sites file (JSON or YAML): a list of
  { id, name?, start: [URL…], include?: [regex], exclude?: [regex],
    pagination?: { pattern: "index_{n}.html", pages }, schedule?: CRON,
    interval?: seconds, hosts?: [host], maxPages?, allowHosts?: [host|CIDR] }

Options:
      --out DIR          the store to fill in this process (default: DATA_DIR, else ./data)
      --max-pages N      fetches per site and run (default: NIANBAO_CRAWL_MAX_PAGES, else 10000)
      --once             with --sites: crawl in this process now instead of queueing
      --sites FILE       site profiles
      --schedule CRON    with --sites: the schedule of sites that give none ("0 3 * * 1")
      --interval S       seconds between requests to one host (default 2; robots.txt may raise it)
      --allow-host H     a host, address or CIDR that may be reached although private (repeatable)
      --allow-private    every private address may be reached (an intranet)
      --contact URL      put in the User-Agent so site operators can reach you (NIANBAO_CRAWL_CONTACT)
      --timeout S        read timeout in seconds (default 30)
      --max-bytes N      largest body fetched (default 100 MiB)
      --json             print the summary as JSON
${QUEUE_HELP}

Prints one summary line per site on stdout (JSON with --json); progress is logged on
stderr. Exit code 0 when the sites were crawled (pages that failed are counted in the
summary), 16 when a site could not be crawled at all, 13 when Redis cannot be reached
(queue mode), 130 when stopped (the state learnt so far is kept).
`;

const positive = (value: string | undefined, name: string, integer = false): number | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw usageError(`--${name} must be a positive ${integer ? "whole " : ""}number, got ${value}`);
  return n;
};

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...QUEUE_OPTIONS,
      out: { type: "string", short: "o" },
      "max-pages": { type: "string" },
      once: { type: "boolean", default: false },
      sites: { type: "string" },
      schedule: { type: "string" },
      interval: { type: "string" },
      "allow-host": { type: "string", multiple: true },
      "allow-private": { type: "boolean", default: false },
      contact: { type: "string" },
      timeout: { type: "string" },
      "max-bytes": { type: "string" },
      json: { type: "boolean", default: false },
      verbose: { type: "boolean", short: "v", default: false },
    },
  });
  if (values.sites && positionals.length > 0) throw usageError("give URLs or --sites FILE, not both");
  if (!values.sites && positionals.length === 0) throw usageError("crawl needs a URL or --sites FILE");
  if (values.schedule && !values.sites) throw usageError("--schedule goes with --sites FILE");
  if (values.schedule && values.once) throw usageError("--schedule and --once exclude each other");
  const { crawlSettings } = await import("../../crawl/settings.js");
  const base = crawlSettings();
  const interval = values.interval === undefined ? undefined : Number(values.interval);
  if (interval !== undefined && !(interval >= 0)) throw usageError(`--interval must be a number of seconds ≥ 0, got ${values.interval}`);
  const maxPages = positive(values["max-pages"], "max-pages", true);
  const timeout = positive(values.timeout, "timeout");
  const maxBytes = positive(values["max-bytes"], "max-bytes", true);
  const settings = crawlSettings(process.env, {
    ...(interval !== undefined ? { intervalMs: interval * 1000 } : {}),
    ...(maxPages ? { maxPages } : {}),
    ...(timeout ? { timeoutMs: timeout * 1000 } : {}),
    ...(maxBytes ? { maxBytes } : {}),
    ...(values.contact ? { contact: values.contact } : {}),
    allowHosts: [...base.allowHosts, ...(values["allow-host"] ?? [])],
    allowPrivate: base.allowPrivate || values["allow-private"],
  });
  const { readSites, profilesForUrls } = await import("../../crawl/profile.js");
  const profiles = values.sites ? await readSites(values.sites) : profilesForUrls(positionals);
  const log = createLogger({ cmd: "crawl" });

  if (values.sites && !values.once) {
    // Queue mode: register the sites; the workers crawl.
    const { Queue } = await import("bullmq");
    const { redisConnection } = await import("../../queue/connection.js");
    const { QUEUES } = await import("../../queue/jobs.js");
    const { scheduleSites } = await import("../../queue/crawl.js");
    const queue = settingsFrom(values);
    const connection = redisConnection(queue.redisUrl, "client");
    await ensureReachable(connection, queue.redisUrl);
    const crawls = new Queue(QUEUES.crawl, { connection, prefix: queue.prefix });
    try {
      const result = await scheduleSites(crawls, profiles, values.schedule);
      if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
      else {
        for (const s of result.scheduled) process.stdout.write(`scheduled ${s.site}: ${s.pattern}\n`);
        for (const s of result.queued) process.stdout.write(`queued ${s}: one run now\n`);
        for (const s of result.removed) process.stdout.write(`removed the schedule of ${s} (no longer in the file)\n`);
      }
      return 0;
    } finally {
      await crawls.close();
      connection.disconnect();
    }
  }

  // In this process.
  const { crawlLocally } = await import("../../crawl/index.js");
  const { summary } = await import("../../crawl/site-crawl.js");
  const dataDir = values.out ?? settingsFrom(values).dataDir;
  const controller = new AbortController();
  const stop = (signal: NodeJS.Signals) => {
    log.info({ signal }, "stopping: the state learnt so far is kept");
    controller.abort(new PipelineError("INTERRUPTED", `stopped by ${signal}`));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  let shown = 0;
  try {
    const runs = await crawlLocally(profiles, {
      dataDir,
      settings,
      log,
      signal: controller.signal,
      onProgress: (r) => {
        // A progress line every 25 pages (each page is also logged as it is fetched or fails).
        if (r.pagesFetched >= shown + 25) {
          shown = r.pagesFetched;
          log.info({ site: r.site, pagesFetched: r.pagesFetched, reportsFound: r.reportsFound, newReports: r.newReports, errors: r.errors }, "crawling");
        }
      },
    });
    for (const r of runs) {
      const s = summary(r);
      if (values.json) process.stdout.write(`${JSON.stringify({ ...s, unreadable: r.unreadable, failures: r.failures })}\n`);
      else {
        process.stdout.write(
          `${r.site}: ${r.status}; ${r.pagesFetched} fetched (${r.notModified} unchanged), ${r.reportsFound} reports (${r.newReports} new), ${r.notReports} not reports, ${r.unsupported} unsupported, ${r.skipped} skipped, ${r.errors} errors\n`,
        );
        for (const u of r.unreadable) process.stdout.write(`  listing pages not readable on ${u.page}: ${u.description}\n`);
        for (const f of r.failures.slice(0, 10)) process.stdout.write(`  ${f.code} ${f.url}: ${f.message}\n`);
      }
    }
    if (controller.signal.aborted) throw controller.signal.reason;
    const failed = runs.filter((r) => r.pagesFetched === 0 && r.errors > 0);
    if (failed.length > 0) throw new PipelineError("CRAWL_FAILED", `${failed.map((r) => r.site).join(", ")}: no start page could be fetched (${failed[0]!.failures[0]?.message ?? "see the log"})`);
    log.info({ dataDir }, `records are in ${dataDir}: nianbao export --from ${dataDir} …`);
    return 0;
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
}
