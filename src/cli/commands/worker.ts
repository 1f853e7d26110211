import { parseArgs } from "node:util";
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

Options:
      --concurrency N       documents at once in this worker (default: NIANBAO_CONCURRENCY, else 1)
      --page-concurrency N  OCR pages at once in this worker (default: NIANBAO_PAGE_CONCURRENCY, else 1)
${QUEUE_HELP}
`;

const count = (value: string | undefined, name: string) => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw usageError(`--${name} must be a whole number ≥ 1, got ${value}`);
  return n;
};

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { ...QUEUE_OPTIONS, concurrency: { type: "string" }, "page-concurrency": { type: "string" } } });
  const concurrency = count(values.concurrency, "concurrency");
  const pageConcurrency = count(values["page-concurrency"], "page-concurrency");
  const settings = settingsFrom(values, { ...(concurrency ? { concurrency } : {}), ...(pageConcurrency ? { pageConcurrency } : {}) });
  const log = createLogger({ cmd: "worker" });
  const probe = redisConnection(settings.redisUrl, "client");
  await ensureReachable(probe, settings.redisUrl);
  probe.disconnect();
  const workers = runWorkers(settings, log);
  await workers.closed;
  return 0;
}
