/** Options every queue command takes, and the connection check they share. */
import type { Redis } from "ioredis";
import { PipelineError } from "../../errors.js";
import { queueSettings, type QueueSettings } from "../../queue/settings.js";

export const QUEUE_OPTIONS = {
  redis: { type: "string" },
  data: { type: "string" },
  prefix: { type: "string" },
} as const;

export const QUEUE_HELP = `  --redis URL      Redis to use (default: REDIS_URL, else redis://127.0.0.1:6379)
  --data DIR       the shared store of inputs and records (default: DATA_DIR, else ./data)
  --prefix NAME    Redis key prefix (default: NIANBAO_QUEUE_PREFIX, else nianbao)`;

export function settingsFrom(values: { redis?: string | undefined; data?: string | undefined; prefix?: string | undefined }, extra: Partial<QueueSettings> = {}): QueueSettings {
  const env = { ...process.env };
  if (values.redis) env.REDIS_URL = values.redis;
  if (values.data) env.DATA_DIR = values.data;
  if (values.prefix) env.NIANBAO_QUEUE_PREFIX = values.prefix;
  return queueSettings(env, extra);
}

/** Fails with QUEUE_UNAVAILABLE if Redis does not answer within `ms`. */
export async function ensureReachable(connection: Redis, url: string, ms = 10_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      connection.ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
      }),
    ]);
  } catch (error) {
    connection.disconnect();
    throw new PipelineError("QUEUE_UNAVAILABLE", `Redis at ${url} cannot be reached (${error instanceof Error ? error.message : String(error)})`);
  } finally {
    clearTimeout(timer);
  }
}
