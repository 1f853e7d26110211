/**
 * Queue settings, from the environment (what a deployment sets) with CLI overrides.
 * Defaults are for one machine; docker-compose and the README show several.
 */
import { resolve } from "node:path";
import { DEFAULTS } from "../options.js";

export interface QueueSettings {
  /** REDIS_URL @defaultValue redis://127.0.0.1:6379 */
  redisUrl: string;
  /** DATA_DIR: the shared store of inputs and records. @defaultValue ./data */
  dataDir: string;
  /** NIANBAO_QUEUE_PREFIX: Redis key prefix, to keep several deployments apart. @defaultValue nianbao */
  prefix: string;
  /** NIANBAO_CONCURRENCY: documents one worker process works on at once. @defaultValue 1 (extraction is CPU-bound) */
  concurrency: number;
  /** NIANBAO_PAGE_CONCURRENCY: OCR pages one worker process works on at once. @defaultValue 1 */
  pageConcurrency: number;
  /** NIANBAO_ATTEMPTS: tries of a job that fails for a transient reason. @defaultValue 5 */
  attempts: number;
  /** NIANBAO_BACKOFF_MS: first retry delay, doubled at each retry. @defaultValue 2000 */
  backoffMs: number;
  /** NIANBAO_LOCK_MS: how long a job stays locked without a heartbeat before it counts as stalled. @defaultValue 30000 */
  lockMs: number;
  /** NIANBAO_STALLED_INTERVAL_MS: how often workers look for stalled jobs. @defaultValue 30000 */
  stalledIntervalMs: number;
  /** NIANBAO_OCR: when to OCR (auto, always, never). @defaultValue auto */
  ocr: "auto" | "always" | "never";
  /** NIANBAO_OCR_DPI @defaultValue 300 */
  ocrDpi: number;
  /** NIANBAO_PAGE_TIMEOUT_MS: time cap of one OCR page. @defaultValue 120000 */
  pageTimeoutMs: number;
  /** NIANBAO_MAX_BYTES: largest input ingest submits and a worker extracts, unless the job says otherwise (`ingest --max-bytes`). @defaultValue 268435456 (256 MiB) */
  maxBytes: number;
  /** NIANBAO_SINK: where a finished record goes besides the store — `postgres` loads it into DATABASE_URL as it completes. @defaultValue none */
  sink: "none" | "postgres";
  /** DATABASE_URL: the PostgreSQL of `sink: postgres` (unset: libpq's PG* variables and defaults). */
  databaseUrl: string | undefined;
}

const int = (value: string | undefined, fallback: number, name: string, min = 1): number => {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new RangeError(`${name} must be a whole number ≥ ${min}, got ${value}`);
  return n;
};

export function queueSettings(env: NodeJS.ProcessEnv = process.env, overrides: Partial<QueueSettings> = {}): QueueSettings {
  const ocr = env.NIANBAO_OCR ?? "auto";
  if (ocr !== "auto" && ocr !== "always" && ocr !== "never") throw new RangeError(`NIANBAO_OCR must be auto, always or never, got ${ocr}`);
  const sink = env.NIANBAO_SINK || "none";
  if (sink !== "none" && sink !== "postgres") throw new RangeError(`NIANBAO_SINK must be none or postgres, got ${sink}`);
  return {
    redisUrl: env.REDIS_URL ?? "redis://127.0.0.1:6379",
    dataDir: resolve(env.DATA_DIR ?? "data"),
    prefix: env.NIANBAO_QUEUE_PREFIX ?? "nianbao",
    concurrency: int(env.NIANBAO_CONCURRENCY, 1, "NIANBAO_CONCURRENCY"),
    pageConcurrency: int(env.NIANBAO_PAGE_CONCURRENCY, 1, "NIANBAO_PAGE_CONCURRENCY"),
    attempts: int(env.NIANBAO_ATTEMPTS, 5, "NIANBAO_ATTEMPTS"),
    backoffMs: int(env.NIANBAO_BACKOFF_MS, 2000, "NIANBAO_BACKOFF_MS", 0),
    lockMs: int(env.NIANBAO_LOCK_MS, 30_000, "NIANBAO_LOCK_MS", 1000),
    stalledIntervalMs: int(env.NIANBAO_STALLED_INTERVAL_MS, 30_000, "NIANBAO_STALLED_INTERVAL_MS", 1000),
    ocr,
    ocrDpi: int(env.NIANBAO_OCR_DPI, 300, "NIANBAO_OCR_DPI", 72),
    pageTimeoutMs: int(env.NIANBAO_PAGE_TIMEOUT_MS, 120_000, "NIANBAO_PAGE_TIMEOUT_MS"),
    maxBytes: int(env.NIANBAO_MAX_BYTES, DEFAULTS.maxBytes, "NIANBAO_MAX_BYTES"),
    sink,
    databaseUrl: env.DATABASE_URL || undefined,
    ...overrides,
  };
}

/** The settings as environment variables, for processes started from these settings (sandboxed processors). */
export function settingsEnv(s: QueueSettings): Record<string, string> {
  return {
    REDIS_URL: s.redisUrl,
    DATA_DIR: s.dataDir,
    NIANBAO_QUEUE_PREFIX: s.prefix,
    NIANBAO_ATTEMPTS: String(s.attempts),
    NIANBAO_BACKOFF_MS: String(s.backoffMs),
    NIANBAO_OCR: s.ocr,
    NIANBAO_OCR_DPI: String(s.ocrDpi),
    NIANBAO_PAGE_TIMEOUT_MS: String(s.pageTimeoutMs),
    NIANBAO_MAX_BYTES: String(s.maxBytes),
    NIANBAO_SINK: s.sink,
    ...(s.databaseUrl ? { DATABASE_URL: s.databaseUrl } : {}),
  };
}
