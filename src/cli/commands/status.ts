import { parseArgs } from "node:util";
import { Queue } from "bullmq";
import { RedisCrawlState } from "../../crawl/state.js";
import { redisConnection } from "../../queue/connection.js";
import { QUEUES } from "../../queue/jobs.js";
import { ensureReachable, QUEUE_HELP, QUEUE_OPTIONS, settingsFrom } from "./queue-options.js";

export const help = `nianbao status [options]

Counts of jobs per state in each queue, the latest failures with their reasons, and
each crawled site's last run (pages fetched, reports found and new, errors, listing
pages that could not be read) and schedule.

Options:
      --json           print as JSON
      --failures N     how many latest failures to list (default 10)
${QUEUE_HELP}
`;

const STATES = ["waiting", "active", "waiting-children", "delayed", "prioritized", "completed", "failed"] as const;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { ...QUEUE_OPTIONS, json: { type: "boolean", default: false }, failures: { type: "string", default: "10" } } });
  const settings = settingsFrom(values);
  const connection = redisConnection(settings.redisUrl, "client");
  await ensureReachable(connection, settings.redisUrl);
  const queues = Object.values(QUEUES).map((name) => new Queue(name, { connection, prefix: settings.prefix }));
  try {
    const report = [];
    for (const queue of queues) {
      const counts = await queue.getJobCounts(...STATES);
      const failed = await queue.getFailed(0, Math.max(0, Number(values.failures) - 1));
      report.push({
        queue: queue.name,
        counts,
        latestFailures: failed
          .sort((a, b) => (b.finishedOn ?? 0) - (a.finishedOn ?? 0))
          .map((j) => ({ id: j.id, name: (j.data as { name?: string }).name, reason: j.failedReason, attempts: j.attemptsMade, at: j.finishedOn ? new Date(j.finishedOn).toISOString() : null, input: (j.data as { blob?: string }).blob })),
      });
    }
    const crawls = queues.find((q) => q.name === QUEUES.crawl)!;
    const state = new RedisCrawlState(connection, settings.prefix);
    const schedules = new Map((await crawls.getJobSchedulers(0, -1)).map((s) => [(s.key ?? s.id ?? "").replace(/^site:/, ""), s]));
    const sites = [];
    for (const site of [...new Set([...(await state.sites()), ...schedules.keys()])].sort()) {
      const run = await state.lastRun(site);
      const schedule = schedules.get(site);
      sites.push({ site, schedule: schedule?.pattern ?? null, nextRun: schedule?.next ? new Date(schedule.next).toISOString() : null, lastRun: run });
    }
    if (values.json) process.stdout.write(`${JSON.stringify({ queues: report, sites }, null, 2)}\n`);
    else {
      const lines: string[] = [];
      for (const r of report) {
        lines.push(`${r.queue}: ${STATES.map((s) => `${s} ${r.counts[s] ?? 0}`).join(", ")}`);
        for (const f of r.latestFailures) lines.push(`  failed ${f.at ?? ""} ${f.name ?? f.id}: ${f.reason}`);
      }
      for (const s of sites) {
        const r = s.lastRun;
        lines.push(
          `site ${s.site}: ${s.schedule ? `schedule ${s.schedule}, next ${s.nextRun ?? "?"}; ` : ""}${
            r
              ? `last run ${r.startedAt} ${r.status}: ${r.pagesFetched} fetched (${r.notModified} unchanged), ${r.reportsFound} reports (${r.newReports} new), ${r.notReports} not reports, ${r.unsupported} unsupported, ${r.errors} errors`
              : "not run yet"
          }`,
        );
        for (const u of r?.unreadable ?? []) lines.push(`  listing pages not readable on ${u.page}: ${u.description}`);
      }
      process.stdout.write(`${lines.join("\n")}\n`);
    }
    return 0;
  } finally {
    await Promise.all(queues.map((q) => q.close()));
    connection.disconnect();
  }
}
