/**
 * The per-host gate: at most one request in flight per host, and a minimum interval
 * between consecutive requests to one host, so a small county server never sees more
 * than one request of ours at a time nor requests closer together than the interval.
 *
 * ## How the interval is measured
 *
 * By default (`spacing: "end"`) the interval runs from the END of one request (the
 * lease's release) to the START of the next: after a request the host gets a quiet
 * period of at least the interval. This is the stricter choice: it also keeps the gaps
 * between request starts ≥ the interval, and it holds as the server sees it (its own
 * log of arrivals and of responses sent), whatever the network latency of each
 * request — measuring from starts would let a slow first connection and a fast reused
 * one arrive closer together than the interval. The cost is a per-host rate of
 * 1 / (interval + request time) instead of 1 / max(interval, request time).
 * `spacing: "start"` measures from start to start (still one in flight), for callers
 * that want the looser rule.
 *
 * When callers pass different intervals for one host (one of them has read the host's
 * robots.txt Crawl-delay, say), each acquirer waits for the larger of its own interval
 * and the one the previous holder asked for.
 *
 * ## Two ways to use it
 *
 * - `await gate.acquire(host, ms, signal)` → request → `await lease.release()` (in a
 *   `finally`): sleeps until the host is free. For the in-process crawl.
 * - `await gate.tryAcquire(host, ms)` in a queue job: when it says `{ ok: false, waitMs }`
 *   the job is put back with BullMQ's `job.moveToDelayed(Date.now() + waitMs, token)`
 *   (then `throw new DelayedError()`), so a worker is never held by a sleeping job;
 *   when it says `{ ok: true, lease }` the job fetches and releases.
 *
 * `waitMs` is exact when the host is idle (the time until the interval has passed); when
 * the host is busy it is the earliest moment the next request could start (its interval,
 * with `spacing: "end"`), so a waiter asks again at most once more than needed.
 *
 * ## Leases and crashes
 *
 * `RedisHostGate` keeps each host's state in one Redis hash (key `<prefix><host>`),
 * changed only by Lua scripts that read the time from Redis (`TIME`), so the workers'
 * own clocks never matter and every check-and-take is atomic across processes and
 * machines. A lease carries a TTL (default 120 s) renewed in the background while its
 * holder lives (every third of the TTL); a worker that dies stops renewing, and its
 * lease expires at most one TTL later — the gate then counts the request as ended at
 * the expiry, so the interval is still kept after it. A release that comes after its
 * lease expired (the holder was stuck past the TTL) does not free anyone else's lease.
 * Host keys expire by themselves once idle (`idleTtlMs` after the host's last deadline).
 */
import { createHash, randomUUID } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import type { Redis } from "ioredis";

/** The per-host interval when a site sets none, in ms (robots.txt's Crawl-delay may raise it). */
export const DEFAULT_MIN_INTERVAL_MS = 2000;
/** How long a lease lives without renewal: a crashed holder's host is free again after at most this. */
export const DEFAULT_LEASE_TTL_MS = 120_000;
/** How long a host's state is kept after its last deadline has passed. */
export const DEFAULT_IDLE_TTL_MS = 600_000;
/** The Redis key prefix of the host states: `nianbao:crawl:host:<host>`. */
export const DEFAULT_HOST_GATE_PREFIX = "nianbao:crawl:host:";

/** Where the interval is measured from: the previous request's end (default) or its start. */
export type Spacing = "end" | "start";

/** The right to send one request to one host. */
export interface Lease {
  /** The host, as the gate keys it (lower case). */
  readonly host: string;
  /** When the gate granted it, in ms of the gate's clock (Redis time for `RedisHostGate`). */
  readonly acquiredAt: number;
  /** Marks the request done: the next may start the interval after this (`spacing: "end"`) or after `acquiredAt` (`"start"`). Idempotent. */
  release(): Promise<void>;
}

export type TryAcquireResult = { ok: true; lease: Lease } | { ok: false; waitMs: number };

export interface HostGate {
  /** Try to take the host now: ok with a lease, or the ms to wait before trying again. */
  tryAcquire(host: string, minIntervalMs: number): Promise<TryAcquireResult>;
  /** Waits (sleeping the returned waitMs, abortable by signal) until acquired. */
  acquire(host: string, minIntervalMs: number, signal?: AbortSignal): Promise<Lease>;
}

export interface HostGateOptions {
  /** @defaultValue "end" */
  spacing?: Spacing;
  /**
   * A lease's lifetime without renewal, ms. `RedisHostGate` renews it while the holder
   * lives; `MemoryHostGate` does not (nothing outlives its process), so there it only
   * frees a host whose lease was never released — a bug — and is off by default.
   * @defaultValue 120000 (Redis), Infinity (memory)
   */
  leaseTtlMs?: number;
  /** How soon a waiter asks again while the host is busy, at least, in ms. @defaultValue 50 */
  busyPollMs?: number;
  /** How long a host's state is kept once idle, ms. @defaultValue 600000 */
  idleTtlMs?: number;
}

/**
 * The gate's key for a URL's host: `URL.host` in lower case — the hostname, with the
 * port when it is not the scheme's default (two ports are two gates).
 */
export function hostKey(url: string | URL): string {
  return (typeof url === "string" ? new URL(url) : url).host.toLowerCase();
}

/** The interval to pass to the gate: the site's, raised to robots.txt's Crawl-delay when that is longer. */
export function effectiveIntervalMs(siteIntervalMs: number, crawlDelayMs: number | null | undefined): number {
  return Math.max(siteIntervalMs, crawlDelayMs ?? 0);
}

function checkArgs(host: string, minIntervalMs: number): string {
  if (typeof host !== "string" || host.length === 0) throw new TypeError("host gate: the host must be a non-empty string");
  if (!Number.isFinite(minIntervalMs) || minIntervalMs < 0) throw new RangeError(`host gate: minIntervalMs must be a finite number ≥ 0, got ${minIntervalMs}`);
  return host.toLowerCase();
}

function positive(name: string, value: number | undefined, fallback: number, allowInfinity = false): number {
  if (value === undefined) return fallback;
  if (!(value > 0) || (!allowInfinity && !Number.isFinite(value))) throw new RangeError(`host gate: ${name} must be a positive number, got ${value}`);
  return value;
}

/** Sleeps ms, or rejects with the signal's reason as soon as it is aborted. */
async function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await delay(ms, undefined, signal ? { signal } : undefined);
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw error;
  }
}

/** acquire() on top of tryAcquire(): ask, sleep what the gate says, ask again. */
async function acquireByWaiting(gate: HostGate, host: string, minIntervalMs: number, signal: AbortSignal | undefined): Promise<Lease> {
  for (;;) {
    signal?.throwIfAborted();
    const result = await gate.tryAcquire(host, minIntervalMs);
    if (result.ok) {
      if (signal?.aborted) {
        // Aborted while the gate answered: give the host back (counted as a request, to be safe).
        await result.lease.release();
        signal.throwIfAborted();
      }
      return result.lease;
    }
    await sleep(result.waitMs, signal);
  }
}

// ───────────────────────────── in process ─────────────────────────────

interface HostState {
  /** The current lease's token, or null when the host is free. */
  holder: symbol | null;
  /** When the current lease expires (gate clock, ms). */
  expires: number;
  /** The interval the current holder asked for. */
  heldInterval: number;
  /** The earliest start of the next request any earlier holder asked for. */
  next: number;
  /** The last request's end ("end") or start ("start"); -Infinity before any. */
  last: number;
}

/**
 * The gate within one process (`nianbao crawl` without Redis). Same rules as
 * `RedisHostGate`; its clock is `performance.now()` (monotonic) unless one is given.
 */
export class MemoryHostGate implements HostGate {
  private readonly hosts = new Map<string, HostState>();
  private readonly spacing: Spacing;
  private readonly leaseTtlMs: number;
  private readonly busyPollMs: number;
  private readonly idleTtlMs: number;
  private readonly now: () => number;
  private lastSweep: number;

  constructor(options: HostGateOptions & { now?: () => number } = {}) {
    this.spacing = options.spacing ?? "end";
    this.leaseTtlMs = positive("leaseTtlMs", options.leaseTtlMs, Infinity, true);
    this.busyPollMs = positive("busyPollMs", options.busyPollMs, 50);
    this.idleTtlMs = positive("idleTtlMs", options.idleTtlMs, DEFAULT_IDLE_TTL_MS);
    this.now = options.now ?? (() => performance.now());
    this.lastSweep = this.now();
  }

  async tryAcquire(host: string, minIntervalMs: number): Promise<TryAcquireResult> {
    const key = checkArgs(host, minIntervalMs);
    const now = this.now();
    this.sweep(now);
    let state = this.hosts.get(key);
    if (!state) {
      state = { holder: null, expires: 0, heldInterval: 0, next: -Infinity, last: -Infinity };
      this.hosts.set(key, state);
    }
    if (state.holder !== null) {
      if (state.expires > now) {
        const earliest = this.spacing === "end" ? now + minIntervalMs : Math.max(state.next, state.last + minIntervalMs);
        return { ok: false, waitMs: Math.max(Math.ceil(earliest - now), this.busyPollMs) };
      }
      // The lease expired unreleased: its request counts as ended at the expiry.
      this.ended(state, state.expires, state.heldInterval);
      state.holder = null;
    }
    const allowedAt = Math.max(state.next, state.last + minIntervalMs);
    if (now < allowedAt) return { ok: false, waitMs: Math.max(1, Math.ceil(allowedAt - now)) };

    const token = Symbol(key);
    state.holder = token;
    state.expires = now + this.leaseTtlMs;
    state.heldInterval = minIntervalMs;
    if (this.spacing === "start") {
      state.last = now;
      state.next = Math.max(state.next, now + minIntervalMs);
    }
    let released = false;
    const lease: Lease = {
      host: key,
      acquiredAt: now,
      release: async () => {
        if (released) return;
        released = true;
        const current = this.hosts.get(key);
        if (!current) return;
        const end = this.now();
        if (current.holder === token) current.holder = null;
        // A late release (the lease had expired) still pushes the next start back.
        this.ended(current, end, minIntervalMs);
      },
    };
    return { ok: true, lease };
  }

  acquire(host: string, minIntervalMs: number, signal?: AbortSignal): Promise<Lease> {
    return acquireByWaiting(this, host, minIntervalMs, signal);
  }

  private ended(state: HostState, at: number, interval: number): void {
    if (this.spacing !== "end") return;
    state.last = Math.max(state.last, at);
    state.next = Math.max(state.next, at + interval);
  }

  /** Forgets hosts idle for idleTtlMs past their deadline (checked once a minute at most). */
  private sweep(now: number): void {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [key, s] of this.hosts) {
      if (s.holder === null && now > Math.max(s.next, s.last) + this.idleTtlMs) this.hosts.delete(key);
    }
  }
}

// ───────────────────────────── Redis ─────────────────────────────

/** A Lua script run by its SHA1, loaded on the first NOSCRIPT (after a Redis restart too). */
export class RedisScript {
  readonly sha: string;
  constructor(readonly source: string) {
    this.sha = createHash("sha1").update(source).digest("hex");
  }

  async run(redis: Redis, keys: string[], args: (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (error instanceof Error && error.message.startsWith("NOSCRIPT")) return redis.eval(this.source, keys.length, ...keys, ...args);
      throw error;
    }
  }
}

/** Lua shared by the scripts: Redis's clock in ms, and the key's lifetime. */
const LUA_PRELUDE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function keep(key, untilMs, idle)
  local ttl = math.max(untilMs - now, 0) + idle
  redis.call('PEXPIRE', key, math.max(math.ceil(ttl), 1))
end
`;

/**
 * KEYS[1] host key; ARGV: token, interval, lease ttl, spacing, busy poll, idle ttl.
 * Returns {1, now} when taken, {0, waitMs} when not.
 * Fields: holder, expires, held (the holder's interval), next, last.
 */
const TRY_ACQUIRE = new RedisScript(`${LUA_PRELUDE}
local key = KEYS[1]
local token = ARGV[1]
local interval = tonumber(ARGV[2])
local ttl = tonumber(ARGV[3])
local byEnd = ARGV[4] == 'end'
local poll = tonumber(ARGV[5])
local idle = tonumber(ARGV[6])
local f = redis.call('HMGET', key, 'holder', 'expires', 'held', 'next', 'last')
local holder = f[1]
local expires = tonumber(f[2]) or 0
local held = tonumber(f[3]) or 0
local nextAt = tonumber(f[4])
local last = tonumber(f[5])
if holder then
  if expires > now then
    local earliest
    if byEnd then
      earliest = now + interval
    else
      earliest = math.max(nextAt or now, (last or now) + interval)
    end
    return {0, math.max(math.ceil(earliest - now), poll)}
  end
  -- the holder's lease expired unreleased: its request counts as ended at the expiry
  redis.call('HDEL', key, 'holder', 'expires', 'held')
  if byEnd then
    last = math.max(last or expires, expires)
    nextAt = math.max(nextAt or 0, expires + held)
    redis.call('HSET', key, 'next', nextAt, 'last', last)
  end
end
local allowedAt = nextAt or 0
if last then allowedAt = math.max(allowedAt, last + interval) end
if now < allowedAt then
  keep(key, allowedAt, idle)
  return {0, math.max(math.ceil(allowedAt - now), 1)}
end
redis.call('HSET', key, 'holder', token, 'expires', now + ttl, 'held', interval)
if not byEnd then
  redis.call('HSET', key, 'last', now, 'next', math.max(nextAt or 0, now + interval))
end
keep(key, math.max(now + ttl, now + interval), idle)
return {1, now}
`);

/**
 * KEYS[1] host key; ARGV: token, interval, spacing, idle ttl.
 * Returns 1 when the lease was the holder's, 0 when it had expired (a late release).
 */
const RELEASE = new RedisScript(`${LUA_PRELUDE}
local key = KEYS[1]
local token = ARGV[1]
local interval = tonumber(ARGV[2])
local byEnd = ARGV[3] == 'end'
local idle = tonumber(ARGV[4])
local f = redis.call('HMGET', key, 'holder', 'expires', 'next', 'last')
local mine = f[1] == token
local nextAt = tonumber(f[3]) or 0
if mine then redis.call('HDEL', key, 'holder', 'expires', 'held') end
if byEnd then
  -- a late release too pushes the next start back: the request did run until now
  nextAt = math.max(nextAt, now + interval)
  redis.call('HSET', key, 'last', math.max(tonumber(f[4]) or now, now), 'next', nextAt)
end
local untilMs = nextAt
if (not mine) and f[1] then untilMs = math.max(untilMs, tonumber(f[2]) or 0) end
keep(key, untilMs, idle)
if mine then return 1 end
return 0
`);

/** KEYS[1] host key; ARGV: token, lease ttl, idle ttl. Returns 1 when renewed, 0 when the lease is no longer the holder's. */
const RENEW = new RedisScript(`${LUA_PRELUDE}
local key = KEYS[1]
if redis.call('HGET', key, 'holder') ~= ARGV[1] then return 0 end
local expires = now + tonumber(ARGV[2])
redis.call('HSET', key, 'expires', expires)
keep(key, math.max(expires, tonumber(redis.call('HGET', key, 'next')) or 0), tonumber(ARGV[3]))
return 1
`);

export interface RedisHostGateOptions extends HostGateOptions {
  /** The connection (not one in subscriber or blocking mode). */
  redis: Redis;
  /** @defaultValue "nianbao:crawl:host:" */
  prefix?: string;
  /** Renew leases while held (every third of the TTL). @defaultValue true */
  renew?: boolean;
  /** Told when a renewal fails or finds the lease gone (it expired: the holder was stuck past the TTL). */
  onLeaseTrouble?: (host: string, problem: "lost" | Error) => void;
}

/** A lease of `RedisHostGate`. */
export class RedisLease implements Lease {
  private timer: NodeJS.Timeout | undefined;
  private released: Promise<void> | undefined;
  private lostFlag = false;

  constructor(
    private readonly gate: RedisHostGate,
    readonly host: string,
    readonly acquiredAt: number,
    readonly token: string,
    private readonly intervalMs: number,
  ) {}

  /** True once a renewal found the lease expired and taken over (or gone). */
  get lost(): boolean {
    return this.lostFlag;
  }

  /** @internal */
  startRenewing(everyMs: number, renew: () => Promise<boolean>, onTrouble: ((problem: "lost" | Error) => void) | undefined): void {
    this.timer = setInterval(() => {
      renew().then(
        (ok) => {
          if (!ok && this.released === undefined) {
            this.lostFlag = true;
            this.stopRenewing();
            onTrouble?.("lost");
          }
        },
        (error: unknown) => onTrouble?.(error instanceof Error ? error : new Error(String(error))),
      );
    }, everyMs);
    this.timer.unref();
  }

  private stopRenewing(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  release(): Promise<void> {
    if (this.released === undefined) {
      this.stopRenewing();
      this.released = this.gate.releaseLease(this.host, this.token, this.intervalMs).then((mine) => {
        if (!mine) this.lostFlag = true;
      });
    }
    return this.released;
  }
}

/** The gate shared by every worker on every machine through Redis. */
export class RedisHostGate implements HostGate {
  private readonly redis: Redis;
  readonly prefix: string;
  private readonly spacing: Spacing;
  private readonly leaseTtlMs: number;
  private readonly busyPollMs: number;
  private readonly idleTtlMs: number;
  private readonly renew: boolean;
  private readonly onLeaseTrouble: RedisHostGateOptions["onLeaseTrouble"];

  constructor(options: RedisHostGateOptions) {
    this.redis = options.redis;
    this.prefix = options.prefix ?? DEFAULT_HOST_GATE_PREFIX;
    this.spacing = options.spacing ?? "end";
    this.leaseTtlMs = Math.ceil(positive("leaseTtlMs", options.leaseTtlMs, DEFAULT_LEASE_TTL_MS));
    this.busyPollMs = Math.ceil(positive("busyPollMs", options.busyPollMs, 50));
    this.idleTtlMs = Math.ceil(positive("idleTtlMs", options.idleTtlMs, DEFAULT_IDLE_TTL_MS));
    this.renew = options.renew ?? true;
    this.onLeaseTrouble = options.onLeaseTrouble;
  }

  /** The Redis key of a host's state. */
  keyOf(host: string): string {
    return this.prefix + host.toLowerCase();
  }

  async tryAcquire(host: string, minIntervalMs: number): Promise<TryAcquireResult> {
    const key = checkArgs(host, minIntervalMs);
    const interval = Math.ceil(minIntervalMs);
    const token = randomUUID();
    const reply = (await TRY_ACQUIRE.run(this.redis, [this.prefix + key], [token, interval, this.leaseTtlMs, this.spacing, this.busyPollMs, this.idleTtlMs])) as [number, number];
    if (reply[0] !== 1) return { ok: false, waitMs: reply[1] };
    const lease = new RedisLease(this, key, reply[1], token, interval);
    if (this.renew) {
      const onTrouble = this.onLeaseTrouble;
      lease.startRenewing(Math.max(1, Math.floor(this.leaseTtlMs / 3)), () => this.renewLease(key, token), onTrouble && ((problem) => onTrouble(key, problem)));
    }
    return { ok: true, lease };
  }

  acquire(host: string, minIntervalMs: number, signal?: AbortSignal): Promise<Lease> {
    return acquireByWaiting(this, host, minIntervalMs, signal);
  }

  /** @internal Whether the lease was still the holder's. */
  async releaseLease(host: string, token: string, intervalMs: number): Promise<boolean> {
    return (await RELEASE.run(this.redis, [this.prefix + host], [token, intervalMs, this.spacing, this.idleTtlMs])) === 1;
  }

  private async renewLease(host: string, token: string): Promise<boolean> {
    return (await RENEW.run(this.redis, [this.prefix + host], [token, this.leaseTtlMs, this.idleTtlMs])) === 1;
  }
}
