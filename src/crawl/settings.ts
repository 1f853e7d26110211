/**
 * Crawl settings, from the environment (what a deployment sets) with CLI and profile
 * overrides: who the crawler says it is, how gently and how far it goes, and which
 * private addresses it may reach (none unless said).
 */
import { EXTRACTOR } from "../version.js";

export interface CrawlSettings {
  /** NIANBAO_CRAWL_CONTACT: a URL or address site operators can reach the crawl's operator at, put in the User-Agent. */
  contact: string | undefined;
  /** NIANBAO_CRAWL_INTERVAL_MS: minimum gap between requests to one host. @defaultValue 2000 */
  intervalMs: number;
  /** NIANBAO_CRAWL_MAX_PAGES: fetches per site and run. @defaultValue 10000 */
  maxPages: number;
  /** NIANBAO_CRAWL_MAX_BYTES: largest body fetched (compressed or not). @defaultValue 104857600 (100 MiB) */
  maxBytes: number;
  /** NIANBAO_CRAWL_TIMEOUT_MS: read timeout (no byte for this long); connect gets a third of it. @defaultValue 30000 */
  timeoutMs: number;
  /** NIANBAO_CRAWL_ALLOW_HOSTS: hosts, addresses or CIDRs (comma-separated) reachable although private. */
  allowHosts: string[];
  /** NIANBAO_CRAWL_ALLOW_PRIVATE=1: every private address reachable (an intranet deployment). @defaultValue false */
  allowPrivate: boolean;
  /** NIANBAO_CRAWL_CONCURRENCY: sites one worker crawls at once (I/O-bound). @defaultValue 8 */
  concurrency: number;
  /** NIANBAO_CRAWL_RETRIES: retries of a request failing for a transient reason. @defaultValue 3 */
  retries: number;
}

const number = (value: string | undefined, fallback: number, name: string, min = 0): number => {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min) throw new RangeError(`${name} must be a number ≥ ${min}, got ${value}`);
  return n;
};

export function crawlSettings(env: NodeJS.ProcessEnv = process.env, overrides: Partial<CrawlSettings> = {}): CrawlSettings {
  return {
    contact: env.NIANBAO_CRAWL_CONTACT || undefined,
    intervalMs: number(env.NIANBAO_CRAWL_INTERVAL_MS, 2000, "NIANBAO_CRAWL_INTERVAL_MS"),
    maxPages: number(env.NIANBAO_CRAWL_MAX_PAGES, 10_000, "NIANBAO_CRAWL_MAX_PAGES", 1),
    maxBytes: number(env.NIANBAO_CRAWL_MAX_BYTES, 100 * 2 ** 20, "NIANBAO_CRAWL_MAX_BYTES", 1),
    timeoutMs: number(env.NIANBAO_CRAWL_TIMEOUT_MS, 30_000, "NIANBAO_CRAWL_TIMEOUT_MS", 1),
    allowHosts: (env.NIANBAO_CRAWL_ALLOW_HOSTS ?? "").split(",").map((s) => s.trim()).filter(Boolean),
    allowPrivate: env.NIANBAO_CRAWL_ALLOW_PRIVATE === "1" || env.NIANBAO_CRAWL_ALLOW_PRIVATE === "true",
    concurrency: number(env.NIANBAO_CRAWL_CONCURRENCY, 8, "NIANBAO_CRAWL_CONCURRENCY", 1),
    retries: number(env.NIANBAO_CRAWL_RETRIES, 3, "NIANBAO_CRAWL_RETRIES"),
    ...overrides,
  };
}

/** The settings as environment variables (for worker processes started from these settings). */
export function crawlSettingsEnv(s: CrawlSettings): Record<string, string> {
  return {
    ...(s.contact ? { NIANBAO_CRAWL_CONTACT: s.contact } : {}),
    NIANBAO_CRAWL_INTERVAL_MS: String(s.intervalMs),
    NIANBAO_CRAWL_MAX_PAGES: String(s.maxPages),
    NIANBAO_CRAWL_MAX_BYTES: String(s.maxBytes),
    NIANBAO_CRAWL_TIMEOUT_MS: String(s.timeoutMs),
    NIANBAO_CRAWL_ALLOW_HOSTS: s.allowHosts.join(","),
    NIANBAO_CRAWL_ALLOW_PRIVATE: s.allowPrivate ? "1" : "0",
    NIANBAO_CRAWL_CONCURRENCY: String(s.concurrency),
    NIANBAO_CRAWL_RETRIES: String(s.retries),
  };
}

/** The User-Agent: the project, its version, and the operator's contact when set. */
export function userAgent(s: CrawlSettings): string {
  return `nianbao/${EXTRACTOR.version} (government annual-report crawler${s.contact ? `; +${s.contact}` : ""})`;
}
