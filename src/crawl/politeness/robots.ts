/**
 * robots.txt, honoured: each origin's (scheme, host, port) `/robots.txt` is fetched once
 * per crawl — once per cache lifetime, at most a day (RFC 9309 §2.4) — through the
 * crawl's own fetch function, and read with robots-parser for our product token
 * (`nianbao`; the `*` group when no group names us).
 *
 * What a fetch outcome means (RFC 9309 §2.3.1):
 * - 2xx: the rules, of at most the first 500 KiB (§2.5: crawlers must read at least that
 *   much; the rest is cut at the last whole line within the cap and ignored).
 * - 4xx (404 and the other "unavailable" statuses): no rules — everything is allowed.
 *   Except 429, which asks us to slow down: treated as unreachable, below.
 * - 5xx, 429, or no answer at all (connection refused, timeout, DNS, an address the
 *   guard refuses): unreachable — the RFC says to assume complete disallow, and so we
 *   do for the rest of this crawl (the cache's lifetime): nothing on the origin is
 *   requested. The next crawl asks again.
 * - anything else (a redirect chain the fetcher gave up on, 1xx): unavailable, allow all.
 *
 * `Crawl-delay` (seconds, fractions allowed) of our group raises the per-host interval;
 * a value over `maxCrawlDelayMs` (default 60 s) is held to that (robots.txt files with
 * `Crawl-delay: 86400` exist). `/robots.txt` itself is always allowed.
 *
 * The fetch function should go through the host gate like any request (the robots.txt
 * request is a request to the host); it should follow redirects (up to five) itself.
 */
import { createRequire } from "node:module";
import type { Redis } from "ioredis";

// robots-parser is CommonJS (module.exports = the parser); its types declare an ES
// default export, which NodeNext reads as `.default` — not there at run time. So it is
// required, typed with its own declaration.
const robotsParser = createRequire(import.meta.url)("robots-parser") as (typeof import("robots-parser"))["default"];

/** Our product token in robots.txt `User-agent` lines. */
export const ROBOTS_USER_AGENT = "nianbao";
/** How much of a robots.txt is read (RFC 9309 §2.5: at least 500 KiB). */
export const ROBOTS_MAX_BYTES = 500 * 1024;
/** How long a robots.txt outcome is used (RFC 9309 §2.4: no longer than 24 hours). */
export const ROBOTS_MAX_AGE_MS = 24 * 3600 * 1000;
/** The longest Crawl-delay honoured as given; longer ones are held to this. */
export const MAX_CRAWL_DELAY_MS = 60_000;

/** Fetches a URL (following redirects) and gives the final status and the body as text; throws when there is no answer. */
export type RobotsFetch = (url: string) => Promise<{ status: number; body: string }>;

/** A fetch outcome as kept (and shared through a RobotsStore): the status and body, or why there was none. */
export interface RobotsSnapshot {
  /** The HTTP status, or null when the fetch failed. */
  status: number | null;
  /** The body (cut to the cap), "" when not 2xx. */
  body: string;
  /** Why the fetch failed, when it did. */
  error?: string | undefined;
  /** Whether the body was cut at the cap. */
  truncated: boolean;
  /** When it was fetched (ms since the epoch). */
  fetchedAt: number;
}

export type RobotsKind = "rules" | "allow-all" | "disallow-all";

/** What an origin's robots.txt says to us. */
export interface RobotsRules {
  /** `scheme://host[:port]`. */
  readonly origin: string;
  /** "rules" (a 2xx robots.txt), "allow-all" (4xx: none), "disallow-all" (5xx, 429, unreachable). */
  readonly kind: RobotsKind;
  /** Why, in words: `HTTP 200`, `HTTP 404: no robots.txt, all allowed`, … */
  readonly reason: string;
  readonly snapshot: RobotsSnapshot;
  /** The Crawl-delay for us, in ms (held to the cap), or null when none is given. */
  readonly crawlDelayMs: number | null;
  /** Sitemap URLs the file lists. */
  readonly sitemaps: readonly string[];
  /** Whether we may fetch the URL (of this origin; any other origin's URL is false). */
  isAllowed(url: string): boolean;
}

/** A place for robots.txt outcomes that several workers share, so a host's robots.txt is fetched once per crawl, not once per worker. */
export interface RobotsStore {
  get(origin: string): Promise<RobotsSnapshot | null>;
  set(origin: string, snapshot: RobotsSnapshot): Promise<void>;
}

export interface RobotsOptions {
  /** Our product token. @defaultValue "nianbao" */
  userAgent?: string;
  /** @defaultValue 500 KiB */
  maxBytes?: number;
  /** @defaultValue 60000 */
  maxCrawlDelayMs?: number;
}

export interface RobotsCacheOptions extends RobotsOptions {
  fetch: RobotsFetch;
  /** How long an origin's outcome is used before it is fetched again. @defaultValue 24 h */
  maxAgeMs?: number;
  /** Origins kept at most (the least recently used go first). @defaultValue 10000 */
  maxEntries?: number;
  /** Shares outcomes between processes (RedisRobotsStore). */
  store?: RobotsStore;
  /** The clock, ms since the epoch. @defaultValue Date.now */
  now?: () => number;
}

/** The origin (`scheme://host[:port]`, default port left out) of an http(s) URL or origin; throws on anything else. */
export function robotsOrigin(url: string | URL): string {
  const u = typeof url === "string" ? new URL(url) : url;
  if (u.protocol !== "http:" && u.protocol !== "https:") throw new TypeError(`robots.txt: not an http(s) URL: ${u.href}`);
  return u.origin;
}

/** Cuts a text to at most maxBytes of UTF-8, at the end of its last whole line within them. */
export function capRobotsBody(body: string, maxBytes: number): { body: string; truncated: boolean } {
  const bytes = Buffer.from(body, "utf8");
  if (bytes.length <= maxBytes) return { body, truncated: false };
  const head = bytes.subarray(0, maxBytes);
  const cut = Math.max(head.lastIndexOf(0x0a), head.lastIndexOf(0x0d));
  return { body: cut < 0 ? "" : head.subarray(0, cut + 1).toString("utf8"), truncated: true };
}

/** The snapshot of a fetch outcome: the body capped, a failure kept as its message. */
export async function fetchRobots(fetch: RobotsFetch, origin: string, options: { maxBytes?: number; now?: () => number } = {}): Promise<RobotsSnapshot> {
  const fetchedAt = (options.now ?? Date.now)();
  try {
    const response = await fetch(`${origin}/robots.txt`);
    const ok = response.status >= 200 && response.status < 300;
    const capped = ok ? capRobotsBody(response.body, options.maxBytes ?? ROBOTS_MAX_BYTES) : { body: "", truncated: false };
    return { status: response.status, body: capped.body, truncated: capped.truncated, fetchedAt };
  } catch (error) {
    return { status: null, body: "", error: error instanceof Error ? error.message : String(error), truncated: false, fetchedAt };
  }
}

function classify(snapshot: RobotsSnapshot): { kind: RobotsKind; reason: string } {
  const s = snapshot.status;
  if (s === null) return { kind: "disallow-all", reason: `unreachable (${snapshot.error ?? "no answer"}): all disallowed for this crawl` };
  if (s >= 200 && s < 300) return { kind: "rules", reason: `HTTP ${s}${snapshot.truncated ? ", cut at the size cap" : ""}` };
  if (s === 429 || s >= 500) return { kind: "disallow-all", reason: `HTTP ${s}: unreachable, all disallowed for this crawl` };
  return { kind: "allow-all", reason: `HTTP ${s}: no robots.txt, all allowed` };
}

/** Reads a snapshot for an origin (pure: no fetching). */
export function robotsRules(origin: string, snapshot: RobotsSnapshot, options: RobotsOptions = {}): RobotsRules {
  const agent = options.userAgent ?? ROBOTS_USER_AGENT;
  const maxDelay = options.maxCrawlDelayMs ?? MAX_CRAWL_DELAY_MS;
  const robotsUrl = `${origin}/robots.txt`;
  const { kind, reason } = classify(snapshot);
  const ofOrigin = (url: string): URL | null => {
    try {
      const u = new URL(url);
      return u.origin === origin ? u : null;
    } catch {
      return null;
    }
  };
  if (kind !== "rules") {
    return {
      origin,
      kind,
      reason,
      snapshot,
      crawlDelayMs: null,
      sitemaps: [],
      isAllowed: (url) => {
        const u = ofOrigin(url);
        return u !== null && (kind === "allow-all" || u.pathname === "/robots.txt");
      },
    };
  }
  // A BOM would hide the first line's field name from the parser.
  const parsed = robotsParser(robotsUrl, snapshot.body.replace(/^\uFEFF/, ""));
  const delaySeconds = parsed.getCrawlDelay(agent);
  const crawlDelayMs = delaySeconds !== undefined && Number.isFinite(delaySeconds) && delaySeconds > 0 ? Math.min(Math.ceil(delaySeconds * 1000), maxDelay) : null;
  return {
    origin,
    kind,
    reason,
    snapshot,
    crawlDelayMs,
    sitemaps: parsed.getSitemaps(),
    isAllowed: (url) => {
      const u = ofOrigin(url);
      if (u === null) return false;
      if (u.pathname === "/robots.txt") return true;
      return parsed.isAllowed(u.href, agent) !== false;
    },
  };
}

/**
 * robots.txt for a crawl: fetched once per origin (concurrent askers share the fetch),
 * kept for maxAgeMs; through a RobotsStore, shared by every worker.
 */
export class RobotsCache {
  private readonly entries = new Map<string, { rules: Promise<RobotsRules>; at: number }>();
  private readonly options: RobotsCacheOptions;
  private readonly maxAgeMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: RobotsCacheOptions) {
    this.options = options;
    this.maxAgeMs = options.maxAgeMs ?? ROBOTS_MAX_AGE_MS;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** The rules of a URL's origin (fetching its robots.txt when not known yet). */
  rules(url: string | URL): Promise<RobotsRules> {
    const origin = robotsOrigin(url);
    const now = this.now();
    const entry = this.entries.get(origin);
    if (entry && now - entry.at < this.maxAgeMs) {
      // Least recently used goes first: move to the end.
      this.entries.delete(origin);
      this.entries.set(origin, entry);
      return entry.rules;
    }
    const rules = this.load(origin);
    this.entries.delete(origin);
    this.entries.set(origin, { rules, at: now });
    rules.catch(() => {
      if (this.entries.get(origin)?.rules === rules) this.entries.delete(origin);
    });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    return rules;
  }

  /** Whether robots.txt lets us fetch the URL (false for anything not http(s)). */
  async isAllowed(url: string): Promise<boolean> {
    let origin: string;
    try {
      origin = robotsOrigin(url);
    } catch {
      return false;
    }
    return (await this.rules(origin)).isAllowed(url);
  }

  /** The Crawl-delay of the URL's (or origin's) robots.txt for us, in ms, or null. */
  async crawlDelayMs(url: string | URL): Promise<number | null> {
    return (await this.rules(url)).crawlDelayMs;
  }

  /** Forgets every origin (a new crawl). */
  clear(): void {
    this.entries.clear();
  }

  private async load(origin: string): Promise<RobotsRules> {
    const { store } = this.options;
    let snapshot = store ? await store.get(origin) : null;
    if (snapshot && this.now() - snapshot.fetchedAt >= this.maxAgeMs) snapshot = null;
    if (!snapshot) {
      snapshot = await fetchRobots(this.options.fetch, origin, { maxBytes: this.options.maxBytes ?? ROBOTS_MAX_BYTES, now: this.now });
      if (store) await store.set(origin, snapshot);
    }
    return robotsRules(origin, snapshot, this.options);
  }
}

/** Robots.txt outcomes in Redis (`<prefix><origin>`, JSON, expiring after maxAgeMs), shared by the workers of a queue deployment. */
export class RedisRobotsStore implements RobotsStore {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly ttlMs: number;

  constructor(options: { redis: Redis; prefix?: string; ttlMs?: number }) {
    this.redis = options.redis;
    this.prefix = options.prefix ?? "nianbao:crawl:robots:";
    this.ttlMs = options.ttlMs ?? ROBOTS_MAX_AGE_MS;
  }

  async get(origin: string): Promise<RobotsSnapshot | null> {
    const text = await this.redis.get(this.prefix + origin);
    if (text === null) return null;
    try {
      const v = JSON.parse(text) as RobotsSnapshot;
      return typeof v.body === "string" && typeof v.fetchedAt === "number" && (v.status === null || typeof v.status === "number") ? v : null;
    } catch {
      return null;
    }
  }

  async set(origin: string, snapshot: RobotsSnapshot): Promise<void> {
    await this.redis.set(this.prefix + origin, JSON.stringify(snapshot), "PX", Math.max(1, Math.ceil(this.ttlMs)));
  }
}
