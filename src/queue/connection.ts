/**
 * Redis connections for BullMQ. Workers need `maxRetriesPerRequest: null` (blocking
 * commands must not time out); every connection retries forever with a capped backoff,
 * so a Redis restart is waited out rather than fatal.
 */
import { Redis, type RedisOptions } from "ioredis";

export function redisConnection(url: string, role: "worker" | "client"): Redis {
  const options: RedisOptions = {
    maxRetriesPerRequest: role === "worker" ? null : 20,
    enableReadyCheck: true,
    retryStrategy: (times) => Math.min(200 * times, 2000),
    // A short name in CLIENT LIST helps when many machines share one Redis.
    connectionName: `nianbao-${role}-${process.pid}`,
  };
  const redis = new Redis(url, options);
  // Without a listener ioredis prints every failed reconnect attempt to stderr; the
  // retry strategy already waits Redis out, and BullMQ reports what matters.
  redis.on("error", () => {});
  return redis;
}
