import { parseArgs } from "node:util";
import { Queue } from "bullmq";
import { createLogger } from "../../log.js";
import { redisConnection } from "../../queue/connection.js";
import { QUEUES } from "../../queue/jobs.js";
import { ensureReachable, QUEUE_HELP, QUEUE_OPTIONS, settingsFrom } from "./queue-options.js";

export const help = `nianbao retry-failed [options]

Puts every failed document back in the queue (with its stored input) for the workers.

Options:
${QUEUE_HELP}
`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { ...QUEUE_OPTIONS } });
  const settings = settingsFrom(values);
  const log = createLogger({ cmd: "retry-failed" });
  const connection = redisConnection(settings.redisUrl, "client");
  await ensureReachable(connection, settings.redisUrl);
  const queue = new Queue(QUEUES.extract, { connection, prefix: settings.prefix });
  try {
    const failed = await queue.getFailed(0, -1);
    for (const job of failed) await job.retry("failed");
    log.info({ retried: failed.length }, "failed documents queued again");
    process.stdout.write(`queued again: ${failed.length}\n`);
    return 0;
  } finally {
    await queue.close();
    connection.disconnect();
  }
}
