/**
 * Politeness (src/crawl/politeness): the per-host gate in one process and across
 * processes through a real Redis (a redis-server of the test's own), robots.txt read
 * with the real parser from a real HTTP server on 127.0.0.1, and host health.
 *
 * Gaps are asserted as the servers see them: each host is an HTTP server of this test
 * logging, with this process's monotonic clock, when every request arrived and when its
 * response was sent. Causally, a response sent (t1) → its worker's release in Redis →
 * the next acquire in Redis, at least the interval later by Redis's clock → the next
 * request arrives (t0); so t0 − t1 ≥ interval, less only the 1 ms of Redis's clock
 * being read in whole milliseconds. That is the whole tolerance.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  capRobotsBody,
  countsAgainstHost,
  effectiveIntervalMs,
  hostKey,
  MemoryHostGate,
  MemoryHostHealth,
  RedisHostGate,
  RedisHostHealth,
  RedisLease,
  RedisRobotsStore,
  ROBOTS_MAX_BYTES,
  RobotsCache,
  robotsRules,
  type HostGate,
  type HostHealth,
  type RobotsFetch,
} from "../src/crawl/politeness/index.js";
import { FetchError } from "../src/crawl/types.js";
import { ROOT, tempDir } from "./helpers.js";
import { RedisServer } from "./redis-server.js";
import type { WorkerConfig } from "./politeness-worker.js";

/** Redis reads its clock in whole ms: the only slack a measured gap gets. */
const CLOCK_TOLERANCE_MS = 1;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Visit {
  t0: number;
  t1: number;
  who: string;
}

/** An HTTP server on 127.0.0.1 standing for one host: logs every request's arrival and end (performance.now()), answering after holdMs. */
async function hostServer(holdMs: number): Promise<{ server: Server; url: string; log: Visit[] }> {
  const log: Visit[] = [];
  const server = createServer((req, res) => {
    const t0 = performance.now();
    const who = new URL(req.url ?? "/", "http://x").searchParams.get("who") ?? "?";
    setTimeout(() => {
      // Taken before the response goes out: no client can have it earlier.
      log.push({ t0, t1: performance.now(), who });
      res.end("ok");
    }, holdMs);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return { server, url: `http://127.0.0.1:${port}/page`, log };
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Per host: sorted by arrival, never two in flight, and every gap from an end to the next arrival ≥ interval − tolerance. */
function expectSpaced(log: Visit[], intervalMs: number, tolerance: number): void {
  const visits = [...log].sort((a, b) => a.t0 - b.t0);
  for (let i = 1; i < visits.length; i++) {
    const prev = visits[i - 1]!;
    const cur = visits[i]!;
    const gap = cur.t0 - prev.t1;
    if (gap < intervalMs - tolerance) {
      throw new Error(`requests ${i - 1} (${prev.who}) and ${i} (${cur.who}) ${gap < 0 ? "overlapped" : "were too close"}: ${gap.toFixed(2)} ms from the end of one to the start of the next, interval ${intervalMs} ms`);
    }
  }
}

// ───────────────────────────── memory gate ─────────────────────────────

describe("MemoryHostGate", () => {
  /** Runs n holders of one host at once through the gate; returns [start, end] of each (the gate's own clock). */
  async function contend(gate: HostGate, host: string, n: number, intervalMs: number, holdMs: number): Promise<[number, number][]> {
    const spans: [number, number][] = [];
    await Promise.all(
      Array.from({ length: n }, async () => {
        const lease = await gate.acquire(host, intervalMs);
        const start = performance.now();
        await sleep(holdMs);
        const end = performance.now();
        spans.push([start, end]);
        await lease.release();
      }),
    );
    return spans.sort((a, b) => a[0] - b[0]);
  }

  it("serialises concurrent acquirers of one host with gaps ≥ the interval (end of one to start of the next)", async () => {
    const gate = new MemoryHostGate();
    const spans = await contend(gate, "a.example", 5, 100, 20);
    expect(spans).toHaveLength(5);
    for (let i = 1; i < spans.length; i++) {
      // Same clock as the gate's: no tolerance at all.
      expect(spans[i]![0] - spans[i - 1]![1]).toBeGreaterThanOrEqual(100);
    }
  });

  it("lets different hosts proceed in parallel", async () => {
    const gate = new MemoryHostGate();
    const t = performance.now();
    const [a, b] = await Promise.all([gate.acquire("a.example", 1000), gate.acquire("b.example", 1000)]);
    expect(performance.now() - t).toBeLessThan(50);
    await Promise.all([a.release(), b.release()]);
    // Four requests on each of two hosts: in parallel ≈ 3 gaps, serialised it would be 7.
    const t1 = performance.now();
    const [sa, sb] = await Promise.all([contend(gate, "c.example", 4, 100, 10), contend(gate, "d.example", 4, 100, 10)]);
    const elapsed = performance.now() - t1;
    expect(Math.abs(sa[0]![0] - sb[0]![0])).toBeLessThan(50);
    expect(elapsed).toBeLessThan(7 * 100);
  });

  it("tells tryAcquire callers how long to wait, exactly when the host is idle", async () => {
    let now = 1000;
    const gate = new MemoryHostGate({ now: () => now });
    const first = await gate.tryAcquire("h", 2000);
    expect(first.ok).toBe(true);
    // Busy: the earliest the next could start is the interval after a release now.
    expect(await gate.tryAcquire("h", 2000)).toEqual({ ok: false, waitMs: 2000 });
    now = 1500;
    if (first.ok) await first.lease.release();
    now = 2000;
    expect(await gate.tryAcquire("h", 2000)).toEqual({ ok: false, waitMs: 1500 });
    now = 3499;
    expect(await gate.tryAcquire("h", 2000)).toEqual({ ok: false, waitMs: 1 });
    now = 3500;
    expect((await gate.tryAcquire("h", 2000)).ok).toBe(true);
  });

  it("measures from the start with spacing 'start' (still one in flight)", async () => {
    let now = 0;
    const gate = new MemoryHostGate({ now: () => now, spacing: "start" });
    const first = await gate.tryAcquire("h", 1000);
    now = 300;
    expect(await gate.tryAcquire("h", 1000)).toEqual({ ok: false, waitMs: 700 });
    now = 1200;
    expect((await gate.tryAcquire("h", 1000)).ok).toBe(false); // still in flight
    if (first.ok) await first.lease.release();
    expect((await gate.tryAcquire("h", 1000)).ok).toBe(true);
  });

  it("keeps the larger interval when holders of one host ask for different ones (a Crawl-delay)", async () => {
    let now = 0;
    const gate = new MemoryHostGate({ now: () => now });
    const a = await gate.tryAcquire("h", 3000); // knows the Crawl-delay
    if (a.ok) await a.lease.release();
    expect(await gate.tryAcquire("h", 100)).toEqual({ ok: false, waitMs: 3000 });
    now = 3000;
    const b = await gate.tryAcquire("h", 100);
    if (b.ok) await b.lease.release();
    expect(await gate.tryAcquire("h", 3000)).toEqual({ ok: false, waitMs: 3000 });
    expect(effectiveIntervalMs(2000, 5000)).toBe(5000);
    expect(effectiveIntervalMs(2000, null)).toBe(2000);
    expect(hostKey("http://Example.GOV.cn:8080/a")).toBe("example.gov.cn:8080");
    expect(hostKey("https://example.gov.cn:443/a")).toBe("example.gov.cn");
  });

  it("gives up waiting when the signal aborts, and the host stays usable", async () => {
    const gate = new MemoryHostGate();
    const held = await gate.acquire("h", 50);
    const controller = new AbortController();
    const waiting = gate.acquire("h", 50, controller.signal);
    setTimeout(() => controller.abort(new Error("stop")), 30);
    await expect(waiting).rejects.toThrow("stop");
    await held.release();
    const again = await gate.acquire("h", 50);
    await again.release();
    await again.release(); // idempotent
  });

  it("frees a never-released lease after leaseTtlMs when one is set, counting it as ended then", async () => {
    let now = 0;
    const gate = new MemoryHostGate({ now: () => now, leaseTtlMs: 500 });
    expect((await gate.tryAcquire("h", 100)).ok).toBe(true);
    now = 499;
    expect((await gate.tryAcquire("h", 100)).ok).toBe(false);
    now = 550;
    expect(await gate.tryAcquire("h", 100)).toEqual({ ok: false, waitMs: 50 });
    now = 600;
    expect((await gate.tryAcquire("h", 100)).ok).toBe(true);
  });
});

// ───────────────────────────── Redis gate ─────────────────────────────

describe("RedisHostGate (a redis-server of the test's own)", () => {
  let redis: RedisServer;
  const clients: Redis[] = [];
  const servers: Server[] = [];
  const children: ChildProcess[] = [];
  let prefixN = 0;
  const connect = () => {
    const c = new Redis(redis.url, { maxRetriesPerRequest: 3 });
    clients.push(c);
    return c;
  };
  const newPrefix = () => `test:gate${++prefixN}:`;

  beforeAll(async () => {
    const dir = tempDir("politeness-redis-");
    redis = await RedisServer.start(dir);
  });

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    await Promise.all(servers.map(closeServer));
    await Promise.all(clients.map((c) => c.quit().catch(() => undefined)));
    await redis?.down();
  });

  interface Worker {
    child: ChildProcess;
    /** Resolves with the first stdout line that starts with the prefix. */
    line(prefix: string): Promise<string>;
    exited: Promise<number | null>;
    stderr: () => string;
  }

  function startWorker(config: WorkerConfig): Worker {
    const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "tests/politeness-worker.ts"), JSON.stringify(config)], { cwd: ROOT, stdio: ["pipe", "pipe", "pipe"] });
    children.push(child);
    let stderr = "";
    child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
    const seen: string[] = [];
    const waiters: { prefix: string; resolve: (l: string) => void }[] = [];
    createInterface({ input: child.stdout! }).on("line", (l) => {
      seen.push(l);
      for (const w of waiters.filter((w) => l.startsWith(w.prefix))) w.resolve(l);
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    return {
      child,
      exited,
      stderr: () => stderr,
      line: (prefix) =>
        new Promise((resolve, reject) => {
          const found = seen.find((l) => l.startsWith(prefix));
          if (found !== undefined) return resolve(found);
          waiters.push({ prefix, resolve });
          void exited.then((code) => reject(new Error(`worker exited (${code}) before printing "${prefix}": ${stderr}`)));
        }),
    };
  }

  it("keeps one request in flight per host and gaps ≥ the interval across 2 processes and 3 connections each side, while two hosts run in parallel", async () => {
    const INTERVAL = 200;
    const HOLD = 30;
    const ROUNDS = 2;
    const prefix = newPrefix();
    const a = await hostServer(HOLD);
    const b = await hostServer(HOLD);
    servers.push(a.server, b.server);
    const hosts = [a, b].map((s) => ({ host: hostKey(s.url), url: s.url }));

    // Two worker processes with two connections each, and this process with two more.
    const base: Omit<WorkerConfig, "name"> = { redisUrl: redis.url, prefix, intervalMs: INTERVAL, mode: "loop", hosts, rounds: ROUNDS, connections: 2 };
    const workers = [startWorker({ ...base, name: "p1" }), startWorker({ ...base, name: "p2" })];
    await Promise.all(workers.map((w) => w.line("ready")));
    const local = [connect(), connect()].map((c) => new RedisHostGate({ redis: c, prefix }));

    const t = performance.now();
    for (const w of workers) w.child.stdin!.write("go\n");
    const ours = local.flatMap((gate, c) =>
      hosts.map(async ({ host, url }) => {
        for (let round = 0; round < ROUNDS; round++) {
          const lease = await gate.acquire(host, INTERVAL);
          try {
            await (await fetch(`${url}?who=parent-${c}`)).arrayBuffer();
          } finally {
            await lease.release();
          }
        }
      }),
    );
    await Promise.all(ours);
    const done = await Promise.all(workers.map((w) => w.line("done")));
    expect(await Promise.all(workers.map((w) => w.exited))).toEqual([0, 0]);
    const elapsed = performance.now() - t;

    // 3 processes × 2 connections × ROUNDS requests on each host.
    const perHost = 3 * 2 * ROUNDS;
    expect(done).toEqual(["done 8", "done 8"]);
    expect(a.log).toHaveLength(perHost);
    expect(b.log).toHaveLength(perHost);
    expect(new Set(a.log.map((v) => v.who.split("-")[0]))).toEqual(new Set(["p1", "p2", "parent"]));
    expectSpaced(a.log, INTERVAL, CLOCK_TOLERANCE_MS);
    expectSpaced(b.log, INTERVAL, CLOCK_TOLERANCE_MS);
    // In parallel: both hosts started together, and the whole took less than the
    // 2 × perHost − 1 intervals that one gate over both hosts would need at least.
    const firstA = Math.min(...a.log.map((v) => v.t0));
    const firstB = Math.min(...b.log.map((v) => v.t0));
    expect(Math.abs(firstA - firstB)).toBeLessThan(INTERVAL / 2);
    const span = Math.max(...[...a.log, ...b.log].map((v) => v.t1)) - Math.min(firstA, firstB);
    expect(span).toBeLessThan((2 * perHost - 1) * INTERVAL);
    expect(elapsed).toBeGreaterThan((perHost - 1) * INTERVAL);
  }, 60_000);

  it("frees the host after the lease TTL when its holder process is killed, and keeps the interval after the expiry", async () => {
    const TTL = 1500;
    const INTERVAL = 200;
    const prefix = newPrefix();
    const host = "dead-holder.example";
    const worker = startWorker({ redisUrl: redis.url, prefix, intervalMs: INTERVAL, leaseTtlMs: TTL, mode: "hold", hosts: [{ host, url: "http://127.0.0.1:9/" }], rounds: 1, connections: 1, name: "holder" });
    await worker.line("ready");
    worker.child.stdin!.write("go\n");
    await worker.line("held");
    worker.child.kill("SIGKILL");
    await worker.exited;
    const killedAt = performance.now();

    const client = connect();
    const gate = new RedisHostGate({ redis: client, prefix, leaseTtlMs: TTL });
    const first = await gate.tryAcquire(host, INTERVAL);
    expect(first.ok).toBe(false);
    // The dead holder's lease runs to its last renewal + TTL (Redis clock)…
    const expires = Number(await client.hget(gate.keyOf(host), "expires"));
    expect(expires).toBeGreaterThan(0);
    const lease = await gate.acquire(host, INTERVAL);
    const waited = performance.now() - killedAt;
    await lease.release();
    // … and its request counts as ended then: the next starts the interval after.
    expect(lease.acquiredAt).toBeGreaterThanOrEqual(expires + INTERVAL);
    // It renewed every TTL/3, so that was at most a TTL (and the interval) after the kill.
    expect(waited).toBeGreaterThan(TTL / 2);
    expect(waited).toBeLessThan(TTL + INTERVAL + 1000);
  }, 30_000);

  it("renews a held lease past its TTL, and a release after the lease expired frees nobody else's", async () => {
    const prefix = newPrefix();
    const one = new RedisHostGate({ redis: connect(), prefix, leaseTtlMs: 300 });
    const two = new RedisHostGate({ redis: connect(), prefix, leaseTtlMs: 300, renew: false });

    const renewed = await one.acquire("h", 50);
    await sleep(1000);
    expect((await two.tryAcquire("h", 50)).ok).toBe(false);
    await renewed.release();
    await sleep(60);

    // Not renewed: it expires, another takes the host, and the late release changes nothing.
    const stale = (await two.acquire("h", 50)) as RedisLease;
    await sleep(400);
    const taker = await one.acquire("h", 50);
    await stale.release();
    expect(stale.lost).toBe(true);
    expect((await two.tryAcquire("h", 50)).ok).toBe(false);
    await taker.release();
  }, 30_000);

  it("waits from the end by default and from the start with spacing 'start'; keys live under the prefix and expire", async () => {
    const redisClient = connect();
    const prefix = newPrefix();
    const end = new RedisHostGate({ redis: redisClient, prefix, idleTtlMs: 1000 });
    const lease = await end.acquire("x.example", 1000);
    await sleep(200);
    await lease.release();
    const r1 = await end.tryAcquire("x.example", 1000);
    expect(r1.ok).toBe(false);
    if (!r1.ok) expect(r1.waitMs).toBeGreaterThan(900);
    expect(await redisClient.exists(`${prefix}x.example`)).toBe(1);
    const ttl = await redisClient.pttl(`${prefix}x.example`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(2000);

    const startPrefix = newPrefix();
    const start = new RedisHostGate({ redis: redisClient, prefix: startPrefix, spacing: "start" });
    const s = await start.acquire("x.example", 1000);
    await sleep(200);
    await s.release();
    const r2 = await start.tryAcquire("x.example", 1000);
    expect(r2.ok).toBe(false);
    if (!r2.ok) expect(r2.waitMs).toBeLessThanOrEqual(801);
  });

  it("shares host health between connections, with a TTL", async () => {
    const prefix = newPrefix();
    const h1 = new RedisHostHealth({ redis: connect(), prefix, parkAfter: 3, ttlMs: 5000 });
    const h2 = new RedisHostHealth({ redis: connect(), prefix, parkAfter: 3, ttlMs: 5000 });
    await checkHealth(h1, h2, 3);
    const ttl = await clients[clients.length - 1]!.pttl(`${prefix}bad.example`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(5000);
  });

  it("shares robots.txt outcomes between workers through Redis: fetched once", async () => {
    let fetches = 0;
    const fetchFn: RobotsFetch = async () => {
      fetches++;
      return { status: 200, body: "User-agent: *\nDisallow: /private/\nCrawl-delay: 4\n" };
    };
    const prefix = newPrefix();
    const w1 = new RobotsCache({ fetch: fetchFn, store: new RedisRobotsStore({ redis: connect(), prefix }) });
    const w2 = new RobotsCache({ fetch: fetchFn, store: new RedisRobotsStore({ redis: connect(), prefix }) });
    expect(await w1.isAllowed("http://gov.example/private/a")).toBe(false);
    expect(await w2.isAllowed("http://gov.example/private/a")).toBe(false);
    expect(await w2.crawlDelayMs("http://gov.example/")).toBe(4000);
    expect(fetches).toBe(1);
  });
});

// ───────────────────────────── robots.txt ─────────────────────────────

describe("robots.txt (robots-parser, from a real HTTP server on 127.0.0.1)", () => {
  const servers: Server[] = [];
  /** Requests per path the servers saw. */
  const seen: string[] = [];

  /** A server whose /robots.txt answers with status and body. */
  async function site(status: number, body = ""): Promise<string> {
    const server = createServer((req, res) => {
      seen.push(`${req.headers.host}${req.url}`);
      res.writeHead(status, { "content-type": "text/plain" });
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    servers.push(server);
    const address = server.address();
    return `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  }

  const fetchText: RobotsFetch = async (url) => {
    const response = await fetch(url, { redirect: "follow" });
    return { status: response.status, body: await response.text() };
  };

  afterAll(async () => {
    await Promise.all(servers.map(closeServer));
  });

  const RULES = [
    "User-agent: *",
    "Disallow: /",
    "",
    "User-agent: otherbot",
    "Allow: /",
    "",
    "# our group",
    "User-agent: Nianbao/1.0",
    "Disallow: /private/",
    "Allow: /private/public/",
    "Disallow: /*.php$",
    "Disallow: /same",
    "Allow: /same",
    "Crawl-delay: 3",
    "Sitemap: https://example.gov.cn/sitemap.xml",
  ].join("\n");

  it("reads Disallow and Allow for our token: the longest match wins, Allow on a tie; $ and * patterns", async () => {
    const origin = await site(200, RULES);
    const robots = new RobotsCache({ fetch: fetchText });
    expect(await robots.isAllowed(`${origin}/`)).toBe(true); // our group, not *
    expect(await robots.isAllowed(`${origin}/private/x.html`)).toBe(false);
    expect(await robots.isAllowed(`${origin}/private/public/report.pdf`)).toBe(true);
    expect(await robots.isAllowed(`${origin}/index.php`)).toBe(false);
    expect(await robots.isAllowed(`${origin}/index.php?x=1`)).toBe(true);
    expect(await robots.isAllowed(`${origin}/same`)).toBe(true);
    expect(await robots.crawlDelayMs(`${origin}/anything`)).toBe(3000);
    const rules = await robots.rules(origin);
    expect(rules.kind).toBe("rules");
    expect(rules.sitemaps).toEqual(["https://example.gov.cn/sitemap.xml"]);
    expect(rules.isAllowed("http://other.example/")).toBe(false);
    expect(await robots.isAllowed("ftp://example/")).toBe(false);
  });

  it("fetches robots.txt once per origin, however many ask at once, and again after maxAge", async () => {
    const origin = await site(200, "User-agent: *\nDisallow: /no\n");
    let now = 1_000_000;
    const robots = new RobotsCache({ fetch: fetchText, now: () => now, maxAgeMs: 60_000 });
    const before = seen.length;
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => robots.isAllowed(`${origin}/${i % 2 ? "no" : "yes"}/${i}`)));
    expect(answers).toEqual([true, false, true, false, true, false, true, false]);
    expect(seen.slice(before)).toEqual([`${origin.slice(7)}/robots.txt`]);
    now += 60_000;
    await robots.isAllowed(`${origin}/yes`);
    expect(seen.length - before).toBe(2);
  });

  it("uses the * group's Crawl-delay when no group names us; fractions, and a cap on absurd values", async () => {
    const star = (delay: string) => robotsRules("http://h.example", { status: 200, body: `User-agent: *\nCrawl-delay: ${delay}\n`, truncated: false, fetchedAt: 0 });
    expect(star("0.5").crawlDelayMs).toBe(500);
    expect(star("86400").crawlDelayMs).toBe(60_000);
    expect(star("soon").crawlDelayMs).toBeNull();
    const origin = await site(200, "\uFEFFUser-agent: *\nDisallow: /a/\nCrawl-delay: 2\n");
    const robots = new RobotsCache({ fetch: fetchText });
    expect(await robots.isAllowed(`${origin}/a/b`)).toBe(false); // a BOM does not hide the first line
    expect(await robots.crawlDelayMs(origin)).toBe(2000);
  });

  it("404 (and other 4xx): everything allowed", async () => {
    const robots = new RobotsCache({ fetch: fetchText });
    for (const status of [404, 403, 410]) {
      const origin = await site(status, "User-agent: *\nDisallow: /\n");
      expect(await robots.isAllowed(`${origin}/any/page.html`)).toBe(true);
      expect(await robots.crawlDelayMs(origin)).toBeNull();
      expect((await robots.rules(origin)).kind).toBe("allow-all");
    }
  });

  it("5xx, 429, or no answer: everything disallowed for the crawl (robots.txt itself aside)", async () => {
    const robots = new RobotsCache({ fetch: fetchText });
    for (const status of [500, 503, 429]) {
      const origin = await site(status, "");
      expect(await robots.isAllowed(`${origin}/any/page.html`)).toBe(false);
      expect(await robots.isAllowed(`${origin}/robots.txt`)).toBe(true);
      expect((await robots.rules(origin)).kind).toBe("disallow-all");
    }
    // A port nobody listens on: connection refused.
    const gone = await site(200, "");
    const server = servers.pop()!;
    await closeServer(server);
    expect(await robots.isAllowed(`${gone}/page`)).toBe(false);
    expect((await robots.rules(gone)).reason).toMatch(/unreachable/);
  });

  it("reads at most 500 KiB, cut at the last whole line", async () => {
    const head = "User-agent: *\nDisallow: /early/\n";
    const filler = `# ${"x".repeat(98)}\n`; // 101 bytes a line
    // The cap falls inside the line after them, right after "Disallow: /": read up to
    // the cap byte for byte, that half line would disallow everything.
    const before = ROBOTS_MAX_BYTES - "Disallow: /".length - head.length;
    const lines = Math.floor((before - 2) / filler.length);
    const pad = `#${"x".repeat(before - lines * filler.length - 2)}\n`;
    const upToCap = head + filler.repeat(lines) + pad + "Disallow: /";
    expect(Buffer.byteLength(upToCap)).toBe(ROBOTS_MAX_BYTES);
    const body = `${upToCap}zzz/\nDisallow: /late/\n`;
    const origin = await site(200, body);
    const robots = new RobotsCache({ fetch: fetchText });
    expect(await robots.isAllowed(`${origin}/early/x`)).toBe(false);
    expect(await robots.isAllowed(`${origin}/late/x`)).toBe(true);
    expect(await robots.isAllowed(`${origin}/other`)).toBe(true);
    expect(await robots.isAllowed(`${origin}/zzz/a`)).toBe(true);
    const rules = await robots.rules(origin);
    expect(rules.snapshot.truncated).toBe(true);
    expect(Buffer.byteLength(rules.snapshot.body)).toBeLessThanOrEqual(ROBOTS_MAX_BYTES);
    expect(rules.reason).toMatch(/cap/);
    expect(capRobotsBody("a\nbcd", 3)).toEqual({ body: "a\n", truncated: true });
    expect(capRobotsBody("abc", 3)).toEqual({ body: "abc", truncated: false });
  });
});

// ───────────────────────────── host health ─────────────────────────────

/** The parking rules, on two views of one health (the same object for the memory one). */
async function checkHealth(one: HostHealth, two: HostHealth, parkAfter: number): Promise<void> {
  for (let i = 1; i < parkAfter; i++) expect(await (i % 2 ? one : two).recordFailure("bad.example")).toEqual({ failures: i, parked: false });
  await two.recordSuccess("BAD.example"); // an answer: the count starts again
  for (let i = 1; i < parkAfter; i++) await one.recordFailure("bad.example");
  expect(await two.isParked("bad.example")).toBe(false);
  expect(await two.recordFailure("bad.example")).toEqual({ failures: parkAfter, parked: true });
  expect(await one.isParked("bad.example")).toBe(true);
  await one.recordSuccess("bad.example"); // parked for the rest of the run
  expect(await two.isParked("bad.example")).toBe(true);
  expect(await one.isParked("good.example")).toBe(false);
}

describe("HostHealth", () => {
  it("parks a host after 5 consecutive transient failures, for the rest of the run", async () => {
    const health = new MemoryHostHealth();
    await checkHealth(health, health, 5);
    expect(health.parkedHosts()).toEqual(["bad.example"]);
  });

  it("counts only transient fetch failures against a host", () => {
    const at = { url: "http://h.example/" };
    expect(countsAgainstHost(new FetchError("TIMEOUT", "t", at))).toBe(true);
    expect(countsAgainstHost(new FetchError("CONNECT_FAILED", "c", at))).toBe(true);
    expect(countsAgainstHost(new FetchError("HTTP_STATUS", "503", { ...at, status: 503 }))).toBe(true);
    expect(countsAgainstHost(new FetchError("HTTP_STATUS", "404", { ...at, status: 404 }))).toBe(false);
    expect(countsAgainstHost(new FetchError("ROBOTS_DISALLOWED", "r", at))).toBe(false);
    expect(countsAgainstHost(new Error("a bug of ours"))).toBe(false);
    expect(() => new MemoryHostHealth({ parkAfter: 0 })).toThrow(RangeError);
  });
});
