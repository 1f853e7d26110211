/**
 * A host's health within a crawl run: consecutive transient failures (timeouts, refused
 * or reset connections, DNS failures, 5xx, 429) are counted per host, and after
 * `parkAfter` of them in a row (default 5) the host is parked for the rest of the run:
 * nothing more is requested from it (`HOST_PARKED`). Any answer from the host — a page,
 * a 304, a 404 — is a success and sets the count back to zero; a parked host stays
 * parked whatever comes after.
 *
 * Record once per fetch, after the fetcher's own retries (a fetch that retried a 503
 * three times and then gave up is one failure).
 *
 * `MemoryHostHealth` serves one process (`nianbao crawl`); `RedisHostHealth` lets the
 * workers of a queue deployment share the counts — its keys live `ttlMs` (default a
 * day) after the last change, and a run that wants its own slate uses a prefix with
 * its run id. Counting across workers interleaves their outcomes, so "consecutive" is
 * over all of them, in the order Redis saw them.
 */
import type { Redis } from "ioredis";
import { isFetchError } from "../types.js";
import { RedisScript } from "./host-gate.js";

/** Consecutive transient failures after which a host is parked for the run. */
export const DEFAULT_PARK_AFTER = 5;

export interface HostHealthState {
  /** Consecutive transient failures so far. */
  failures: number;
  parked: boolean;
}

export interface HostHealth {
  /** The host answered (any status that is not a transient failure): the count starts again. */
  recordSuccess(host: string): Promise<void>;
  /** A transient failure: counted; the host is parked once the count reaches parkAfter. */
  recordFailure(host: string): Promise<HostHealthState>;
  isParked(host: string): Promise<boolean>;
}

/** Whether an error of a fetch counts against the host's health: a transient FetchError (timeout, connect, DNS, 429, 5xx). */
export function countsAgainstHost(error: unknown): boolean {
  return isFetchError(error) && error.transient;
}

function checkParkAfter(n: number | undefined): number {
  const v = n ?? DEFAULT_PARK_AFTER;
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`host health: parkAfter must be a whole number ≥ 1, got ${v}`);
  return v;
}

/** Host health in one process. */
export class MemoryHostHealth implements HostHealth {
  private readonly hosts = new Map<string, HostHealthState>();
  readonly parkAfter: number;

  constructor(options: { parkAfter?: number } = {}) {
    this.parkAfter = checkParkAfter(options.parkAfter);
  }

  async recordSuccess(host: string): Promise<void> {
    const key = host.toLowerCase();
    const state = this.hosts.get(key);
    if (state && !state.parked) this.hosts.delete(key);
  }

  async recordFailure(host: string): Promise<HostHealthState> {
    const key = host.toLowerCase();
    const state = this.hosts.get(key) ?? { failures: 0, parked: false };
    state.failures += 1;
    if (state.failures >= this.parkAfter) state.parked = true;
    this.hosts.set(key, state);
    return { ...state };
  }

  async isParked(host: string): Promise<boolean> {
    return this.hosts.get(host.toLowerCase())?.parked ?? false;
  }

  /** The hosts parked so far. */
  parkedHosts(): string[] {
    return [...this.hosts].filter(([, s]) => s.parked).map(([h]) => h);
  }
}

/** KEYS[1]; ARGV: parkAfter, ttl. Returns {failures, parked}. */
const FAILURE = new RedisScript(`
local key = KEYS[1]
local failures = redis.call('HINCRBY', key, 'failures', 1)
local parked = redis.call('HGET', key, 'parked') == '1'
if (not parked) and failures >= tonumber(ARGV[1]) then
  redis.call('HSET', key, 'parked', '1')
  parked = true
end
redis.call('PEXPIRE', key, ARGV[2])
if parked then return {failures, 1} end
return {failures, 0}
`);

/** KEYS[1]; ARGV: ttl. A success: the count goes back to zero, unless the host is parked. */
const SUCCESS = new RedisScript(`
local key = KEYS[1]
if redis.call('HGET', KEYS[1], 'parked') == '1' then return 0 end
redis.call('DEL', key)
return 1
`);

/** Host health shared through Redis: one hash per host (`<prefix><host>`: failures, parked). */
export class RedisHostHealth implements HostHealth {
  private readonly redis: Redis;
  readonly prefix: string;
  readonly parkAfter: number;
  private readonly ttlMs: number;

  constructor(options: { redis: Redis; prefix?: string; parkAfter?: number; ttlMs?: number }) {
    this.redis = options.redis;
    this.prefix = options.prefix ?? "nianbao:crawl:health:";
    this.parkAfter = checkParkAfter(options.parkAfter);
    this.ttlMs = Math.max(1, Math.ceil(options.ttlMs ?? 24 * 3600 * 1000));
  }

  async recordSuccess(host: string): Promise<void> {
    await SUCCESS.run(this.redis, [this.prefix + host.toLowerCase()], [this.ttlMs]);
  }

  async recordFailure(host: string): Promise<HostHealthState> {
    const [failures, parked] = (await FAILURE.run(this.redis, [this.prefix + host.toLowerCase()], [this.parkAfter, this.ttlMs])) as [number, number];
    return { failures, parked: parked === 1 };
  }

  async isParked(host: string): Promise<boolean> {
    return (await this.redis.hget(this.prefix + host.toLowerCase(), "parked")) === "1";
  }
}
