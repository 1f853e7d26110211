/**
 * The crawler's safe fetcher (src/crawl/net) against a real fault server on 127.0.0.1.
 * Nothing here may send a packet anywhere but 127.0.0.0/8: names resolve through an
 * injected resolver, every refusal is checked against the connect hook, which records
 * each socket the fetcher opens — none may go to a refused address — and the injected
 * connect step opens real sockets only to 127.0.0.0/8, so a broken guard fails the tests
 * without a packet leaving.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import * as net from "node:net";
import type { AddressInfo } from "node:net";
import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  backoffDelay,
  classifyAddress,
  createAddressGuard,
  createFetcher,
  decodePage,
  fetchWithRetry,
  parseContentType,
  parseRetryAfter,
  type Connector,
  type ConnectTarget,
  type FetcherOptions,
  type ResolvedAddress,
} from "../src/crawl/net/index.js";
import { FetchError, type FetchRequest, type FetchResponse } from "../src/crawl/types.js";

const MiB = 1024 * 1024;
const REPORT = "平潭县人民政府2023年政府信息公开工作年度报告";

/** GBK bytes of a text, from a table built by decoding every two-byte GBK code. */
function toGbk(text: string): Buffer {
  const decoder = new TextDecoder("gbk");
  const codes = new Map<string, [number, number]>();
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      const ch = decoder.decode(Uint8Array.of(lead, trail));
      if ([...ch].length === 1 && ch !== "\ufffd" && !codes.has(ch)) codes.set(ch, [lead, trail]);
    }
  }
  const out: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0x3f;
    if (code < 0x80) out.push(code);
    else out.push(...(codes.get(ch) ?? [0x3f]));
  }
  return Buffer.from(out);
}

// ---------------------------------------------------------------- the fault server

let server: Server;
let port: number;
let base: string;
/** What the server saw: path and request headers, in order. */
const seen: { path: string; headers: IncomingMessage["headers"] }[] = [];
/** Per-URL hit counts (for 500-then-200 and 429-then-200). */
const hits = new Map<string, number>();

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>${REPORT}</title></head><body><p>${REPORT}</p></body></html>`;
const ETAG = '"v1-abc"';
const LAST_MODIFIED = "Tue, 05 Mar 2024 08:00:00 GMT";
let bomb: Buffer;

function route(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  seen.push({ path: url.pathname + url.search, headers: req.headers });
  const count = (hits.get(url.href) ?? 0) + 1;
  hits.set(url.href, count);
  res.on("error", () => undefined);
  const redirect = (location: string, status = 302) => {
    res.writeHead(status, { location });
    res.end();
  };
  switch (url.pathname) {
    case "/page": {
      if (req.headers["if-none-match"] === ETAG || req.headers["if-modified-since"] === LAST_MODIFIED) {
        res.writeHead(304, { etag: ETAG, "last-modified": LAST_MODIFIED });
        return void res.end();
      }
      res.writeHead(200, { "content-type": "text/html; charset=UTF-8", etag: ETAG, "last-modified": LAST_MODIFIED });
      return void res.end(PAGE);
    }
    case "/missing":
      res.writeHead(404, { "content-type": "text/plain" });
      return void res.end("not here");
    case "/flaky":
      if (count === 1) {
        res.writeHead(500);
        return void res.end("try again");
      }
      res.writeHead(200, { "content-type": "text/plain" });
      return void res.end("recovered");
    case "/busy":
      res.writeHead(429, { "retry-after": "1" });
      return void res.end();
    case "/busy-once":
      if (count === 1) {
        res.writeHead(429, { "retry-after": "1" });
        return void res.end();
      }
      res.writeHead(200, { "content-type": "text/plain" });
      return void res.end("served");
    case "/down":
      res.writeHead(503, { "retry-after": new Date(Date.now() + 5000).toUTCString() });
      return void res.end();
    case "/slow-headers":
      return; // never answers
    case "/slow-body":
      res.writeHead(200, { "content-type": "text/html" });
      res.write("<html><body>the rest never comes");
      return;
    case "/loop/a":
      return redirect("/loop/b");
    case "/loop/b":
      return redirect("/loop/a", 301);
    case "/to-page":
      return redirect("page?via=redirect", 307);
    case "/to-private":
      return redirect("http://10.0.0.1/");
    case "/to-metadata":
      return redirect("http://169.254.169.254/latest/meta-data");
    case "/to-v6-loopback":
      return redirect(`http://[::1]:${port}/page`);
    case "/to-mapped":
      return redirect(`http://[::ffff:10.0.0.1]:${port}/page`);
    case "/to-intranet":
      return redirect(`http://intranet.test:${port}/page`);
    case "/to-mixed":
      return redirect(`http://mixed.test:${port}/page`);
    case "/to-other":
      return redirect(`http://other.test:${port}/page`);
    case "/to-file":
      return redirect("file:///etc/passwd");
    case "/to-gopher":
      return redirect("gopher://127.0.0.1:70/_hello");
    case "/big-length":
      res.writeHead(200, { "content-type": "application/pdf", "content-length": String(2 * MiB) });
      res.write(Buffer.alloc(64 * 1024));
      return; // the client must refuse on the header alone
    case "/big-chunked": {
      res.writeHead(200, { "content-type": "application/pdf" });
      const chunk = Buffer.alloc(64 * 1024, 0x41);
      let sent = 0;
      const pump = () => {
        while (sent < 4 * MiB && !res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once("drain", pump);
        }
        res.end();
      };
      return pump();
    }
    case "/bomb":
      res.writeHead(200, { "content-type": "text/html", "content-encoding": "gzip", "content-length": String(bomb.length) });
      return void res.end(bomb);
    case "/gzip":
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-encoding": "gzip" });
      return void res.end(gzipSync(PAGE));
    case "/br":
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-encoding": "br" });
      return void res.end(brotliCompressSync(PAGE));
    case "/deflate":
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-encoding": "deflate" });
      return void res.end(deflateSync(PAGE));
    case "/gbk-meta":
      res.writeHead(200, { "content-type": "text/html" });
      return void res.end(toGbk(`<html><head><meta charset=gb2312><title>${REPORT}</title></head><body>${REPORT}</body></html>`));
    case "/gbk-http-equiv":
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      return void res.end(toGbk(`<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body>${REPORT}</body></html>`));
    case "/gbk-header":
      res.writeHead(200, { "content-type": 'text/html; charset="GBK"' });
      return void res.end(toGbk(`<html><body>${REPORT}</body></html>`));
    default:
      res.writeHead(404);
      res.end();
  }
}

beforeAll(async () => {
  // 16 MiB of zeros is about 16 KB gzipped: far under the 1 MiB test cap, far over it unpacked.
  bomb = gzipSync(Buffer.alloc(16 * MiB), { level: 9 });
  server = createServer(route);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

// ---------------------------------------------------------------- the fetcher under test

/** Every socket the fetchers of a test opened (the connect hook). */
let connects: ConnectTarget[] = [];
/** Every name the injected resolver was asked. */
let lookups: string[] = [];

/** Names for the tests: no real DNS is ever asked. */
const NAMES: Record<string, string[]> = {
  "intranet.test": ["10.0.0.2"],
  "mixed.test": ["127.0.0.1", "10.0.0.3"],
  "multi.test": ["127.0.0.2", "127.0.0.1"],
  "other.test": ["127.0.0.1"],
  "site.test": ["127.0.0.1"],
};

async function fakeResolve(hostname: string): Promise<ResolvedAddress[]> {
  lookups.push(hostname);
  const found = NAMES[hostname];
  if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
  return found.map((address) => ({ address, family: net.isIPv6(address) ? 6 : 4 }));
}

/** Sockets the safety net below stopped: must stay empty (checked after every test). */
let escapes: ConnectTarget[] = [];

/**
 * The tests' connect step: a real socket only to 127.0.0.0/8, so that even a broken guard
 * sends nothing anywhere else — the attempt is recorded and fails without a packet.
 */
const loopbackOnly: Connector = (t) => {
  if (t.protocol === "http:" && net.isIPv4(t.address) && t.address.startsWith("127.")) return net.connect({ host: t.address, port: t.port });
  escapes.push(t);
  const socket = new net.Socket();
  process.nextTick(() => socket.destroy(new Error(`test safety net: no connection to ${t.address} outside 127.0.0.0/8`)));
  return socket;
};

function fetcher(extra: FetcherOptions = {}) {
  return createFetcher({
    allow: { hosts: ["127.0.0.1"] },
    resolve: fakeResolve,
    connect: loopbackOnly,
    onConnect: (t) => connects.push(t),
    userAgent: "nianbao/0.1.0 (+https://example.org/nianbao)",
    maxBodyBytes: MiB,
    connectTimeoutMs: 2000,
    readTimeoutMs: 2000,
    totalTimeoutMs: 10_000,
    ...extra,
  });
}

async function failure(promise: Promise<unknown>): Promise<FetchError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FetchError);
  return error as FetchError;
}

/** No socket was opened to anything but the test server's address. */
function expectOnlyLoopbackConnects(refused: string[] = []): void {
  for (const c of connects) expect(c.address).toBe("127.0.0.1");
  for (const address of refused) expect(connects.map((c) => c.address)).not.toContain(address);
}

beforeEach(() => {
  connects = [];
  escapes = [];
  lookups = [];
  seen.length = 0;
});

afterEach(() => {
  expect(escapes).toEqual([]);
});

// ---------------------------------------------------------------- addresses

describe("address classification", () => {
  const table: [string, string, boolean][] = [
    // address, range, allowed with no allow-list
    ["8.8.8.8", "unicast", true],
    ["114.114.114.114", "unicast", true],
    ["127.0.0.1", "loopback", false],
    ["127.255.255.254", "loopback", false],
    ["10.0.0.1", "private", false],
    ["172.16.0.1", "private", false],
    ["172.31.255.255", "private", false],
    ["172.32.0.1", "unicast", true],
    ["192.168.1.1", "private", false],
    ["169.254.169.254", "linkLocal", false],
    ["100.64.0.1", "carrierGradeNat", false],
    ["100.127.255.255", "carrierGradeNat", false],
    ["0.0.0.0", "unspecified", false],
    ["0.1.2.3", "unspecified", false],
    ["224.0.0.1", "multicast", false],
    ["239.255.255.250", "multicast", false],
    ["255.255.255.255", "broadcast", false],
    ["192.0.2.10", "reserved", false], // TEST-NET-1
    ["198.51.100.7", "reserved", false], // TEST-NET-2
    ["203.0.113.9", "reserved", false], // TEST-NET-3
    ["198.18.0.1", "reserved", false], // benchmarking
    ["240.0.0.1", "reserved", false],
    ["::1", "loopback", false],
    ["::", "unspecified", false],
    ["fc00::1", "uniqueLocal", false],
    ["fd12:3456::1", "uniqueLocal", false],
    ["fe80::1", "linkLocal", false],
    ["ff02::1", "multicast", false],
    ["2001:db8::1", "reserved", false],
    ["2400:3200::1", "unicast", true],
    ["::ffff:10.0.0.1", "private", false],
    ["::ffff:7f00:1", "loopback", false],
    ["::ffff:169.254.169.254", "linkLocal", false],
    ["::ffff:8.8.8.8", "unicast", true],
    ["64:ff9b::a00:1", "private", false], // NAT64 of 10.0.0.1
    ["64:ff9b::808:808", "unicast", true],
    ["2002:a9fe:a9fe::1", "linkLocal", false], // 6to4 of 169.254.169.254
    ["2002:808:808::1", "unicast", true],
    ["2001:0:4136:e378:8000:63bf:3fff:fdd2", "teredo", false],
    ["::10.0.0.1", "ipv4Compatible", false],
    ["fec0::1", "deprecatedSiteLocal", false],
    ["[::1]", "loopback", false],
  ];

  it.each(table)("%s is %s", (address, range, allowed) => {
    expect(classifyAddress(address).range).toBe(range);
    expect(createAddressGuard()(address).allowed).toBe(allowed);
  });

  it("names the IPv4 address an IPv6 form carries", () => {
    expect(classifyAddress("::ffff:10.0.0.1")).toEqual({ range: "private", embedded: "10.0.0.1" });
    expect(classifyAddress("not an address").range).toBe("invalid");
    expect(createAddressGuard()("example.org").allowed).toBe(false);
  });

  it("an allow-list of one address allows it and nothing else", () => {
    const guard = createAddressGuard({ hosts: ["127.0.0.1"] });
    expect(guard("127.0.0.1").allowed).toBe(true);
    expect(guard("::ffff:127.0.0.1").allowed).toBe(true);
    expect(guard("127.0.0.2").allowed).toBe(false);
    expect(guard("10.0.0.1").allowed).toBe(false);
    expect(guard("169.254.169.254").allowed).toBe(false);
    expect(guard("::1").allowed).toBe(false);
  });

  it("CIDRs, IPv6 addresses and hostnames in the allow-list", () => {
    const guard = createAddressGuard({ hosts: ["127.0.0.0/8", "::1", "Intranet.Example."] });
    expect(guard("127.0.0.2").allowed).toBe(true);
    expect(guard("::1").allowed).toBe(true);
    expect(guard("10.1.2.3", "intranet.example").allowed).toBe(true);
    expect(guard("10.1.2.3", "other.example").allowed).toBe(false);
    expect(guard("10.1.2.3").allowed).toBe(false);
    // Never reachable whatever the list says.
    expect(createAddressGuard({ hosts: ["0.0.0.0/0"] })("0.0.0.0").allowed).toBe(false);
    expect(createAddressGuard({ hosts: ["224.0.0.0/4"] })("224.0.0.1").allowed).toBe(false);
    expect(() => createAddressGuard({ hosts: ["10.0.0.0/99"] })).toThrow(/CIDR/);
  });

  it("private: true opens private ranges but not link-local (metadata) or unspecified", () => {
    const guard = createAddressGuard({ private: true });
    for (const a of ["127.0.0.1", "10.0.0.1", "172.16.5.5", "192.168.0.1", "100.64.0.1", "::1", "fd00::1", "::ffff:10.0.0.1"]) expect(guard(a).allowed).toBe(true);
    for (const a of ["169.254.169.254", "fe80::1", "0.0.0.0", "::", "224.0.0.1", "255.255.255.255"]) expect(guard(a).allowed).toBe(false);
  });
});

// ---------------------------------------------------------------- fetching

describe("fetching from the fault server", () => {
  it("fetches a page and fills every field (default connect step, which calls the hook too)", async () => {
    const res = await fetcher({ connect: undefined })({ url: `${base}/page` });
    expect(res).toMatchObject({
      requested: `${base}/page`,
      url: `${base}/page`,
      hops: [`${base}/page`],
      status: 200,
      notModified: false,
      mediaType: "text/html",
      charset: "UTF-8",
      etag: ETAG,
      lastModified: LAST_MODIFIED,
    });
    expect(Buffer.from(res.body).toString("utf8")).toBe(PAGE);
    expect(res.headers["content-type"]).toBe("text/html; charset=UTF-8");
    expect(new Date(res.fetchedAt).toISOString()).toBe(res.fetchedAt);
    expect(seen[0]?.headers["user-agent"]).toBe("nianbao/0.1.0 (+https://example.org/nianbao)");
    expect(seen[0]?.headers["accept-encoding"]).toBe("gzip, deflate, br");
    expect(seen[0]?.headers.host).toBe(`127.0.0.1:${port}`);
    expect(connects).toEqual([{ protocol: "http:", hostname: "127.0.0.1", address: "127.0.0.1", family: 4, port }]);
    expect(lookups).toEqual([]); // a literal IP is not resolved
  });

  it("sends conditional headers and reads a 304 as not modified", async () => {
    const fetch = fetcher();
    const byEtag = await fetch({ url: `${base}/page`, etag: ETAG });
    expect(seen[0]?.headers["if-none-match"]).toBe(ETAG);
    expect(byEtag).toMatchObject({ status: 304, notModified: true, etag: ETAG, lastModified: LAST_MODIFIED });
    expect(byEtag.body.length).toBe(0);
    const byDate = await fetch({ url: `${base}/page`, lastModified: LAST_MODIFIED });
    expect(seen[1]?.headers["if-modified-since"]).toBe(LAST_MODIFIED);
    expect(byDate.notModified).toBe(true);
    const changed = await fetch({ url: `${base}/page`, etag: '"old"' });
    expect(changed.notModified).toBe(false);
    expect(changed.body.length).toBeGreaterThan(0);
  });

  it("a 404 is an HTTP_STATUS error, not transient and not retried", async () => {
    const error = await failure(fetcher()({ url: `${base}/missing` }));
    expect(error).toMatchObject({ code: "HTTP_STATUS", status: 404, transient: false });
    let calls = 0;
    const fetch = fetcher();
    await failure(fetchWithRetry((req) => (calls++, fetch(req)), { url: `${base}/missing` }, { sleep: async () => undefined }));
    expect(calls).toBe(1);
  });

  it("500 then 200: the retry gets the page", async () => {
    const sleeps: number[] = [];
    const retries: number[] = [];
    const res = await fetchWithRetry(fetcher(), { url: `${base}/flaky?case=1` }, { sleep: async (ms) => void sleeps.push(ms), random: () => 0.5, onRetry: (i) => retries.push(i.error.status ?? 0) });
    expect(Buffer.from(res.body).toString()).toBe("recovered");
    expect(retries).toEqual([500]);
    expect(sleeps).toEqual([500]); // full jitter: 0.5 × min(60 s, 1 s × 2^0)
    expect(hits.get(`http://127.0.0.1/flaky?case=1`)).toBe(2);
  });

  it("429 carries Retry-After in seconds, and the retry waits that long", async () => {
    const error = await failure(fetcher()({ url: `${base}/busy` }));
    expect(error).toMatchObject({ code: "HTTP_STATUS", status: 429, retryAfterMs: 1000, transient: true });
    const sleeps: number[] = [];
    const res = await fetchWithRetry(fetcher(), { url: `${base}/busy-once` }, { sleep: async (ms) => void sleeps.push(ms) });
    expect(res.status).toBe(200);
    expect(sleeps).toEqual([1000]);
  });

  it("503 carries an HTTP-date Retry-After; past maxRetryAfterMs the retry gives up", async () => {
    const error = await failure(fetcher()({ url: `${base}/down` }));
    expect(error.code).toBe("HTTP_STATUS");
    expect(error.status).toBe(503);
    expect(error.retryAfterMs).toBeGreaterThan(2000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(5000);
    let calls = 0;
    const fetch = fetcher();
    const sleeps: number[] = [];
    const given = await failure(fetchWithRetry((r) => (calls++, fetch(r)), { url: `${base}/down` }, { maxRetryAfterMs: 1000, sleep: async (ms) => void sleeps.push(ms) }));
    expect(given.status).toBe(503);
    expect(calls).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it("times out waiting for headers, and between body chunks", async () => {
    const fetch = fetcher({ readTimeoutMs: 200 });
    const started = Date.now();
    expect((await failure(fetch({ url: `${base}/slow-headers` }))).code).toBe("TIMEOUT");
    expect((await failure(fetch({ url: `${base}/slow-body` }))).code).toBe("TIMEOUT");
    expect(Date.now() - started).toBeLessThan(3000);
    const timeout = await failure(fetcher({ readTimeoutMs: 5000, totalTimeoutMs: 300 })({ url: `${base}/slow-body` }));
    expect(timeout.code).toBe("TIMEOUT");
    expect(timeout.transient).toBe(true);
  });

  it("times out a connection that never completes (injected socket, no network)", async () => {
    const fetch = fetcher({
      connectTimeoutMs: 150,
      connect: () => Object.assign(new net.Socket(), { connecting: true }), // never emits "connect"
    });
    const error = await failure(fetch({ url: `${base}/page` }));
    expect(error.code).toBe("TIMEOUT");
    expect(error.message).toMatch(/no connection/);
    expect(connects).toHaveLength(1);
  });

  it("aborts on the request's signal", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const error = await fetcher()({ url: `${base}/slow-headers`, signal: controller.signal }).catch((e: unknown) => e);
    expect((error as Error).name).toBe("AbortError");
    const already = await fetcher()({ url: `${base}/page`, signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect((already as Error).name).toBe("AbortError");
  });

  it("a refused connection is CONNECT_FAILED, transient", async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await failure(fetcher()({ url: `http://127.0.0.1:${closedPort}/` }));
    expect(error).toMatchObject({ code: "CONNECT_FAILED", transient: true });
  });

  it("an unknown name is DNS_FAILED", async () => {
    const error = await failure(fetcher()({ url: `http://nowhere.test:${port}/` }));
    expect(error.code).toBe("DNS_FAILED");
    expect(lookups).toEqual(["nowhere.test"]);
    expect(connects).toEqual([]);
  });

  it("connects to the resolved address it checked, keeping the name in Host", async () => {
    const res = await fetcher()({ url: `http://site.test:${port}/page` });
    expect(res.status).toBe(200);
    expect(seen[0]?.headers.host).toBe(`site.test:${port}`);
    expect(connects).toEqual([{ protocol: "http:", hostname: "site.test", address: "127.0.0.1", family: 4, port }]);
  });

  it("tries the next checked address when one refuses the connection", async () => {
    const res = await fetcher({ allow: { hosts: ["127.0.0.0/8"] } })({ url: `http://multi.test:${port}/page` });
    expect(res.status).toBe(200);
    expect(connects.map((c) => c.address)).toEqual(["127.0.0.2", "127.0.0.1"]);
  });

  it("https keeps the hostname for TLS while the socket goes to the checked address", async () => {
    const targets: ConnectTarget[] = [];
    const fetch = fetcher({
      connect: (t) => {
        targets.push(t);
        const socket = new net.Socket();
        process.nextTick(() => socket.destroy(Object.assign(new Error("no network in this test"), { code: "ECONNREFUSED" })));
        return socket;
      },
    });
    const error = await failure(fetch({ url: "https://site.test/report.html" }));
    expect(error.code).toBe("CONNECT_FAILED");
    expect(targets).toEqual([{ protocol: "https:", hostname: "site.test", address: "127.0.0.1", family: 4, port: 443 }]);
  });

  it("follows a relative redirect and records the hops", async () => {
    const res = await fetcher()({ url: `${base}/to-page` });
    expect(res.status).toBe(200);
    expect(res.requested).toBe(`${base}/to-page`);
    expect(res.url).toBe(`${base}/page?via=redirect`);
    expect(res.hops).toEqual([`${base}/to-page`, `${base}/page?via=redirect`]);
  });

  it("stops a redirect loop after maxRedirects", async () => {
    const error = await failure(fetcher()({ url: `${base}/loop/a` }));
    expect(error.code).toBe("TOO_MANY_REDIRECTS");
    expect(seen).toHaveLength(6); // the request and 5 redirects
    const two = await failure(fetcher({ maxRedirects: 2 })({ url: `${base}/loop/a` }));
    expect(two.code).toBe("TOO_MANY_REDIRECTS");
    expect(seen).toHaveLength(9);
  });

  it("checks the scope on every hop", async () => {
    const scope = (url: URL) => url.hostname === "127.0.0.1";
    const error = await failure(fetcher({ scope })({ url: `${base}/to-other` }));
    expect(error.code).toBe("OUT_OF_SCOPE");
    expect(lookups).toEqual([]);
    expectOnlyLoopbackConnects();
    expect((await failure(fetcher({ scope })({ url: `http://other.test:${port}/page` }))).code).toBe("OUT_OF_SCOPE");
  });
});

describe("refusals: no socket ever opens to a refused address", () => {
  const redirects: [string, string, string[]][] = [
    ["/to-private", "ADDRESS_REFUSED", ["10.0.0.1"]],
    ["/to-metadata", "ADDRESS_REFUSED", ["169.254.169.254"]],
    ["/to-v6-loopback", "ADDRESS_REFUSED", ["::1"]],
    ["/to-mapped", "ADDRESS_REFUSED", ["::ffff:10.0.0.1", "::ffff:a00:1"]],
    ["/to-intranet", "ADDRESS_REFUSED", ["10.0.0.2"]],
    ["/to-mixed", "ADDRESS_REFUSED", ["10.0.0.3"]], // one bad address refuses the name
    ["/to-file", "URL_REFUSED", []],
    ["/to-gopher", "URL_REFUSED", []],
  ];

  it.each(redirects)("a redirect %s is refused (%s)", async (path, code, addresses) => {
    const error = await failure(fetcher()({ url: `${base}${path}` }));
    expect(error.code).toBe(code);
    expect(error.transient).toBe(false);
    expect(seen.map((s) => s.path)).toEqual([path]);
    expect(connects).toHaveLength(1); // the first hop only, to the test server
    expectOnlyLoopbackConnects(addresses);
  });

  it("the refusal names the refused address and the name that led to it", async () => {
    const error = await failure(fetcher()({ url: `${base}/to-intranet` }));
    expect(error.message).toMatch(/intranet\.test resolves to 10\.0\.0\.2, a private address: refused/);
    expect(error.message).toContain(`redirected from ${base}/to-intranet`);
    expect(error.url).toBe(`http://intranet.test:${port}/page`);
    expect(lookups).toEqual(["intranet.test"]);
  });

  const direct = [
    "http://10.0.0.1/",
    "http://0x0a.0.0.1/", // 10.0.0.1 spelled in hex
    "http://169.254.169.254/latest/meta-data",
    "http://[::1]/",
    `http://[::ffff:10.0.0.1]:${80}/`,
    "http://[fd00::1]/",
    "http://[fe80::1]/",
    "http://0.0.0.0/",
    "http://100.64.0.1/",
    "http://127.0.0.2/",
    "https://192.168.1.1/",
    "http://intranet.test/",
    "http://mixed.test/",
  ];

  it.each(direct)("%s is refused before connecting", async (url) => {
    const error = await failure(fetcher()({ url }));
    expect(error.code).toBe("ADDRESS_REFUSED");
    expect(connects).toEqual([]);
  });

  const schemes = ["file:///etc/passwd", "ftp://127.0.0.1/", "gopher://127.0.0.1:70/_x", "data:text/html,<p>hi</p>", "javascript:alert(1)", "ws://127.0.0.1/", "not a url"];

  it.each(schemes)("%s is refused as a URL", async (url) => {
    const error = await failure(fetcher()({ url }));
    expect(error.code).toBe("URL_REFUSED");
    expect(connects).toEqual([]);
    expect(lookups).toEqual([]);
  });

  it("allowing all private addresses still refuses the metadata address", async () => {
    const fetch = fetcher({ allow: { private: true } });
    expect((await failure(fetch({ url: `${base}/to-metadata` }))).code).toBe("ADDRESS_REFUSED");
    expectOnlyLoopbackConnects(["169.254.169.254"]);
  });
});

describe("body caps and content encodings", () => {
  it("refuses an announced Content-Length over the cap before reading", async () => {
    const error = await failure(fetcher()({ url: `${base}/big-length` }));
    expect(error.code).toBe("BODY_TOO_LARGE");
    expect(error.message).toMatch(/Content-Length 2097152/);
  });

  it("stops a chunked body at the cap", async () => {
    const error = await failure(fetcher()({ url: `${base}/big-chunked` }));
    expect(error.code).toBe("BODY_TOO_LARGE");
    const small = await fetcher({ maxBodyBytes: 8 * MiB })({ url: `${base}/big-chunked` });
    expect(small.body.length).toBe(4 * MiB);
  });

  it("stops a gzip bomb at the decompressed cap", async () => {
    expect(bomb.length).toBeLessThan(MiB);
    const error = await failure(fetcher()({ url: `${base}/bomb` }));
    expect(error.code).toBe("BODY_TOO_LARGE");
    expect(error.message).toMatch(/decompressed/);
  });

  it.each(["/gzip", "/br", "/deflate"])("decompresses %s", async (path) => {
    const res = await fetcher()({ url: `${base}${path}` });
    expect(Buffer.from(res.body).toString("utf8")).toBe(PAGE);
  });
});

describe("page charsets", () => {
  it("reads a GBK page declared <meta charset=gb2312>", async () => {
    const res = await fetcher()({ url: `${base}/gbk-meta` });
    expect(res.charset).toBeNull();
    const page = decodePage(res.body, res.charset);
    expect(page.encoding).toBe("gb18030");
    expect(page.text).toContain(REPORT);
  });

  it("reads a GBK page declared only in the header", async () => {
    const res = await fetcher()({ url: `${base}/gbk-header` });
    expect(res.charset).toBe("GBK");
    const page = decodePage(res.body, res.charset);
    expect(page).toMatchObject({ encoding: "gb18030" });
    expect(page.text).toContain(REPORT);
  });

  it("believes the page's http-equiv over a server's default utf-8 when the bytes are not UTF-8", async () => {
    const res = await fetcher()({ url: `${base}/gbk-http-equiv` });
    expect(res.charset).toBe("utf-8");
    const page = decodePage(res.body, res.charset);
    expect(page.encoding).toBe("gb18030");
    expect(page.text).toContain(REPORT);
  });

  it("UTF-8 stays UTF-8, declared or not", () => {
    expect(decodePage(Buffer.from(PAGE), null)).toEqual({ text: PAGE, encoding: "utf-8" });
    expect(decodePage(Buffer.from(`<meta charset="gbk">${REPORT}`), "utf-8").encoding).toBe("utf-8");
    expect(decodePage(Buffer.from(REPORT), "bogus-charset").encoding).toBe("utf-8");
  });
});

// ---------------------------------------------------------------- retries and headers, no server

describe("retry policy", () => {
  const ok: FetchResponse = {
    requested: "http://x.test/",
    url: "http://x.test/",
    hops: ["http://x.test/"],
    status: 200,
    notModified: false,
    headers: {},
    body: new Uint8Array(0),
    mediaType: null,
    charset: null,
    etag: null,
    lastModified: null,
    fetchedAt: new Date(0).toISOString(),
  };
  const req: FetchRequest = { url: "http://x.test/" };
  const status = (s: number, retryAfterMs?: number) => new FetchError("HTTP_STATUS", `HTTP ${s}`, { url: req.url, status: s, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });

  /** A fetch that throws the given errors in turn, then succeeds. */
  function scripted(errors: FetchError[]) {
    let calls = 0;
    const fetch = async () => {
      const e = errors[calls++];
      if (e) throw e;
      return ok;
    };
    return { fetch, calls: () => calls };
  }

  it("backs off exponentially with full jitter, capped", () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, { random: () => 0.999999 }))).toEqual([999, 1999, 3999, 7999]);
    expect(backoffDelay(3, { random: () => 0 })).toBe(0);
    expect(backoffDelay(20, { random: () => 0.5, maxMs: 60_000 })).toBe(30_000);
    expect(backoffDelay(2, { random: () => 0.5, baseMs: 100 })).toBe(100);
  });

  it("retries 5xx, timeouts and connection failures up to `retries`, then throws the last error", async () => {
    const errors = [status(502), new FetchError("TIMEOUT", "slow", { url: req.url }), new FetchError("CONNECT_FAILED", "reset", { url: req.url }), status(500)];
    const s = scripted(errors);
    const sleeps: number[] = [];
    const seenRetries: string[] = [];
    const error = await failure(fetchWithRetry(s.fetch, req, { sleep: async (ms) => void sleeps.push(ms), random: () => 0.5, onRetry: (i) => seenRetries.push(`${i.attempt}:${i.error.code}`) }));
    expect(error.status).toBe(500);
    expect(s.calls()).toBe(4);
    expect(sleeps).toEqual([500, 1000, 2000]);
    expect(seenRetries).toEqual(["1:HTTP_STATUS", "2:TIMEOUT", "3:CONNECT_FAILED"]);
    const recovered = scripted([status(503), status(500)]);
    await expect(fetchWithRetry(recovered.fetch, req, { sleep: async () => undefined })).resolves.toBe(ok);
    expect(recovered.calls()).toBe(3);
  });

  it("never retries refusals or 4xx", async () => {
    for (const e of [status(404), status(403), new FetchError("ADDRESS_REFUSED", "no", { url: req.url }), new FetchError("URL_REFUSED", "no", { url: req.url }), new FetchError("BODY_TOO_LARGE", "no", { url: req.url }), new FetchError("TOO_MANY_REDIRECTS", "no", { url: req.url })]) {
      const s = scripted([e]);
      await failure(fetchWithRetry(s.fetch, req, { sleep: async () => undefined }));
      expect(s.calls()).toBe(1);
    }
  });

  it("honours Retry-After up to maxRetryAfterMs, and gives up past it", async () => {
    const sleeps: number[] = [];
    const s = scripted([status(429, 30_000)]);
    await fetchWithRetry(s.fetch, req, { sleep: async (ms) => void sleeps.push(ms) });
    expect(sleeps).toEqual([30_000]);
    const long = scripted([status(503, 11 * 60_000)]);
    const error = await failure(fetchWithRetry(long.fetch, req, { sleep: async () => undefined }));
    expect(error.retryAfterMs).toBe(11 * 60_000);
    expect(long.calls()).toBe(1);
    const noHeader = scripted([status(429)]);
    const waits: number[] = [];
    await fetchWithRetry(noHeader.fetch, req, { sleep: async (ms) => void waits.push(ms), random: () => 0.25 });
    expect(waits).toEqual([250]);
  });

  it("an abort during the wait ends the retries", async () => {
    const controller = new AbortController();
    const s = scripted([status(500), status(500)]);
    setTimeout(() => controller.abort(), 20);
    const error = await fetchWithRetry(s.fetch, { ...req, signal: controller.signal }, { baseMs: 60_000, random: () => 1 }).catch((e: unknown) => e);
    expect((error as Error).name).toBe("AbortError");
    expect(s.calls()).toBe(1);
  });

  it("parses Retry-After and Content-Type", () => {
    const now = new Date("2024-03-05T08:00:00Z");
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter("Tue, 05 Mar 2024 08:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("Tue, 05 Mar 2024 07:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseContentType('Text/HTML; Charset="gb2312"')).toEqual({ mediaType: "text/html", charset: "gb2312" });
    expect(parseContentType("application/pdf")).toEqual({ mediaType: "application/pdf", charset: null });
    expect(parseContentType(undefined)).toEqual({ mediaType: null, charset: null });
  });
});
