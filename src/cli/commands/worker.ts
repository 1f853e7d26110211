import { parseArgs } from "node:util";
import { crawlSettings } from "../../crawl/settings.js";
import { createLogger } from "../../log.js";
import { redisConnection } from "../../queue/connection.js";
import { runWorkers } from "../../queue/worker.js";
import { usageError } from "../errors.js";
import { ensureReachable, QUEUE_HELP, QUEUE_OPTIONS, settingsFrom } from "./queue-options.js";

export const help = `nianbao worker [options]

Runs a worker: takes documents and OCR pages from the queue and extracts them, each job
in a child process. Start as many as the machines have cores to spare, anywhere that
reaches the same Redis and the same data directory. SIGTERM or SIGINT: stop taking jobs,
finish the running ones, exit 0.

Each job is extracted with the options set when it was submitted (ingest --max-bytes,
--ocr, --ocr-dpi); NIANBAO_MAX_BYTES, NIANBAO_OCR and NIANBAO_OCR_DPI are the defaults
for what a job leaves unset.

With --sink postgres (or NIANBAO_SINK=postgres) each finished record also goes into
PostgreSQL as its job completes — the tables of \`export --format postgres\`, loaded the
same way and as idempotently — so a crawl or an ingest lands in the database with no
export step. The database is checked (and migrated) at start: unreachable, exit 15
(DATABASE_UNAVAILABLE). Unreachable later, a job fails and is retried with backoff; its
record stays in the store.

Crawl jobs (\`crawl --sites\`) run here too, several at once (NIANBAO_CRAWL_CONCURRENCY,
else 8): each request waits for its host's turn at the per-host gate in Redis, which
all workers share; the reports found go to the extract queue.

Options:
      --concurrency N       documents at once in this worker (default: NIANBAO_CONCURRENCY, else 1)
      --page-concurrency N  OCR pages at once in this worker (default: NIANBAO_PAGE_CONCURRENCY, else 1)
      --sink postgres       also load each finished record into PostgreSQL (default: NIANBAO_SINK, else none)
      --database-url URL    the PostgreSQL of --sink postgres (default: DATABASE_URL)
      --crawl-concurrency N sites crawled at once (default: NIANBAO_CRAWL_CONCURRENCY, else 8)
      --allow-host H        a host, address or CIDR crawls may reach although private (repeatable;
                            default: NIANBAO_CRAWL_ALLOW_HOSTS)
${QUEUE_HELP}
`;

const count = (value: string | undefined, name: string) => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw usageError(`--${name} must be a whole number ≥ 1, got ${value}`);
  return n;
};

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...QUEUE_OPTIONS,
      concurrency: { type: "string" },
      "page-concurrency": { type: "string" },
      sink: { type: "string" },
      "database-url": { type: "string" },
      "crawl-concurrency": { type: "string" },
      "allow-host": { type: "string", multiple: true },
    },
  });
  const concurrency = count(values.concurrency, "concurrency");
  const pageConcurrency = count(values["page-concurrency"], "page-concurrency");
  if (values.sink !== undefined && values.sink !== "postgres" && values.sink !== "none") throw usageError(`--sink takes postgres or none, got ${values.sink}`);
  const settings = settingsFrom(values, {
    ...(concurrency ? { concurrency } : {}),
    ...(pageConcurrency ? { pageConcurrency } : {}),
    ...(values.sink ? { sink: values.sink as "postgres" | "none" } : {}),
    ...(values["database-url"] ? { databaseUrl: values["database-url"] } : {}),
  });
  const log = createLogger({ cmd: "worker" });
  const probe = redisConnection(settings.redisUrl, "client");
  await ensureReachable(probe, settings.redisUrl);
  probe.disconnect();
  if (settings.sink === "postgres") {
    // Fails now (exit 15) rather than on every job; migrates once, before the processors start.
    const { checkDatabase } = await import("../../export/postgres/records.js");
    log.info({ database: await checkDatabase(settings.databaseUrl, log) }, "sink: PostgreSQL");
  }
  const crawlConcurrency = count(values["crawl-concurrency"], "crawl-concurrency");
  const base = crawlSettings();
  const crawl = crawlSettings(process.env, {
    ...(crawlConcurrency ? { concurrency: crawlConcurrency } : {}),
    allowHosts: [...base.allowHosts, ...(values["allow-host"] ?? [])],
  });
  const workers = runWorkers(settings, log, { crawl });
  await workers.closed;
  return 0;
}
