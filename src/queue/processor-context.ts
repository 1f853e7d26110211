/**
 * What a sandboxed processor process needs, built once per process from its
 * environment (the worker passes its settings down as environment variables).
 */
import { Queue } from "bullmq";
import { createLogger } from "../log.js";
import type { ReportRecord } from "../model/record.js";
import { LocalStore } from "../store/local.js";
import { redisConnection } from "./connection.js";
import { QUEUES } from "./jobs.js";
import type { ProcessorContext } from "./processors.js";
import { queueSettings } from "./settings.js";

export function processorContext(role: string): ProcessorContext {
  // If the worker process dies (SIGKILL), its processors must not live on as orphans:
  // the job's lock lapses and another worker takes the job over.
  process.on("disconnect", () => process.exit(1));
  const settings = queueSettings();
  let pages: Queue | undefined;
  const log = createLogger({ role });
  // The PostgreSQL code is loaded only by workers that load into it.
  let records: Promise<{ put(record: ReportRecord): Promise<void> }> | undefined;
  const postgres = () => (records ??= import("../export/postgres/records.js").then(({ PostgresRecords }) => new PostgresRecords(settings.databaseUrl, log)));
  return {
    settings,
    store: new LocalStore(settings.dataDir),
    log,
    pages: () => (pages ??= new Queue(QUEUES.page, { connection: redisConnection(settings.redisUrl, "client"), prefix: settings.prefix })),
    records: settings.sink === "postgres" ? { put: async (record) => (await postgres()).put(record) } : undefined,
  };
}
