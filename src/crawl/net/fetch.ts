/**
 * The safe fetcher: one GET (no retries — see retry.ts) that cannot be turned against
 * internal addresses. Every hostname is resolved and every address checked by the guard
 * (address.ts) before a socket opens, on the first request and on every redirect hop, and
 * the socket connects to the checked address itself (no second lookup, so DNS rebinding
 * between check and connect is impossible). Redirects are followed by hand; connect, read
 * and total timeouts, a body cap enforced while streaming (decompressed size included),
 * and conditional requests. Plain node:http/node:https sockets: no HTTP library would
 * make the pinning simpler, and every one adds its own redirect and DNS behaviour to audit.
 */
import { lookup } from "node:dns/promises";
import * as http from "node:http";
import * as net from "node:net";
import * as tls from "node:tls";
import { FetchError, type FetchRequest, type FetchResponse } from "../types.js";
import { createAddressGuard, isIpLiteral, type AddressAllow, type AddressGuard } from "./address.js";
import { readBody } from "./body.js";
import { flattenHeaders, parseContentType, parseRetryAfter } from "./headers.js";

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Hostname → its addresses (all of them: every one is checked). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

/** One connection about to be opened: to a checked address, for `hostname`. */
export interface ConnectTarget {
  protocol: "http:" | "https:";
  hostname: string;
  address: string;
  family: 4 | 6;
  port: number;
}

/** Opens the socket (TLS for https:, which must emit "secureConnect"; plain must emit "connect"). */
export type Connector = (target: ConnectTarget) => net.Socket;

export interface FetcherOptions {
  /** Sent as User-Agent (the crawl builds `nianbao/<version> (+<contact URL>)`). */
  userAgent?: string;
  /** What may be reached although not public; nothing by default. */
  allow?: AddressAllow;
  /** Default: node:dns lookup, all addresses. */
  resolve?: Resolver;
  /** Default: net.connect / tls.connect to the address, TLS keeping the hostname as servername. */
  connect?: Connector;
  /** Called right before every socket is opened (the default connector's too). */
  onConnect?: (target: ConnectTarget) => void;
  /** Whether a URL (the requested one and every redirect) may be fetched. */
  scope?: (url: URL) => boolean;
  /** Default 5. */
  maxRedirects?: number;
  /** Resolving and connecting one address; default 10 s. */
  connectTimeoutMs?: number;
  /** Silence while waiting for the response or between body chunks; default 30 s. */
  readTimeoutMs?: number;
  /** The whole fetch, redirects included; default 120 s. */
  totalTimeoutMs?: number;
  /** Body cap, raw and decompressed; default 100 MiB. */
  maxBodyBytes?: number;
  /** Extra TLS settings (a CA for tests, say); certificates are verified unless told otherwise. */
  tls?: Pick<tls.ConnectionOptions, "ca" | "rejectUnauthorized" | "minVersion">;
  /** Clock for fetchedAt and Retry-After dates. */
  now?: () => Date;
}

export type Fetcher = (req: FetchRequest) => Promise<FetchResponse>;

interface Settings {
  userAgent: string;
  guard: AddressGuard;
  resolve: Resolver;
  connect: Connector;
  onConnect: ((target: ConnectTarget) => void) | undefined;
  scope: ((url: URL) => boolean) | undefined;
  maxRedirects: number;
  connectTimeoutMs: number;
  readTimeoutMs: number;
  totalTimeoutMs: number;
  maxBodyBytes: number;
  now: () => Date;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export const DEFAULT_MAX_BODY_BYTES = 100 * 1024 * 1024;

export async function defaultResolve(hostname: string): Promise<ResolvedAddress[]> {
  const found = await lookup(hostname, { all: true, verbatim: true });
  return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
}

function defaultConnector(tlsOptions: FetcherOptions["tls"]): Connector {
  return (t) => {
    if (t.protocol === "http:") return net.connect({ host: t.address, port: t.port });
    // SNI and the certificate check use the hostname; the socket goes to the checked address.
    return tls.connect({ ...tlsOptions, host: t.address, port: t.port, servername: isIpLiteral(t.hostname) ? undefined : t.hostname, ALPNProtocols: ["http/1.1"] });
  };
}

/** A fetcher: `fetcher(req)` makes one request (following redirects) or throws a FetchError. */
export function createFetcher(options: FetcherOptions = {}): Fetcher {
  const settings: Settings = {
    userAgent: options.userAgent ?? "nianbao",
    guard: createAddressGuard(options.allow),
    resolve: options.resolve ?? defaultResolve,
    connect: options.connect ?? defaultConnector(options.tls),
    onConnect: options.onConnect,
    scope: options.scope,
    maxRedirects: options.maxRedirects ?? 5,
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    readTimeoutMs: options.readTimeoutMs ?? 30_000,
    totalTimeoutMs: options.totalTimeoutMs ?? 120_000,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    now: options.now ?? (() => new Date()),
  };
  return (req) => fetchOne(req, settings);
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("The operation was aborted", "AbortError");
}

async function fetchOne(req: FetchRequest, s: Settings): Promise<FetchResponse> {
  if (req.signal?.aborted) throw abortReason(req.signal);
  // One signal for the whole fetch: the caller's abort or the total timeout.
  const controller = new AbortController();
  const total = setTimeout(() => controller.abort(new FetchError("TIMEOUT", `${req.url}: no complete response within ${s.totalTimeoutMs} ms`, { url: req.url })), s.totalTimeoutMs);
  const onAbort = () => controller.abort(abortReason(req.signal as AbortSignal));
  req.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    return await follow(req, s, controller.signal);
  } finally {
    clearTimeout(total);
    req.signal?.removeEventListener("abort", onAbort);
  }
}

/** Parses and vets one URL: http/https only, in scope. */
function vetUrl(text: string, base: string | undefined, s: Settings, context: string): URL {
  let url: URL;
  try {
    url = new URL(text, base);
  } catch (cause) {
    throw new FetchError("URL_REFUSED", `${context}not a valid URL: ${text}`, { url: text, cause });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new FetchError("URL_REFUSED", `${context}only http and https are fetched, not ${url.protocol} (${url.href})`, { url: url.href });
  }
  if (s.scope && !s.scope(url)) throw new FetchError("OUT_OF_SCOPE", `${context}${url.href} is outside the crawl's hosts`, { url: url.href });
  return url;
}

async function follow(req: FetchRequest, s: Settings, signal: AbortSignal): Promise<FetchResponse> {
  let url = vetUrl(req.url, undefined, s, "");
  const hops = [url.href];
  for (;;) {
    const via = hops.length > 1 ? ` (redirected from ${hops[hops.length - 2]})` : "";
    const { res, exchange } = await connectAny(url, via, req, s, signal);
    try {
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (REDIRECTS.has(status) && location) {
        exchange.close();
        const context = `redirect from ${url.href}: `;
        if (hops.length - 1 >= s.maxRedirects) {
          throw new FetchError("TOO_MANY_REDIRECTS", `${req.url}: more than ${s.maxRedirects} redirects (last to ${location})`, { url: url.href, status });
        }
        url = vetUrl(location, url.href, s, context);
        hops.push(url.href);
        continue;
      }
      return await finish(req, url, hops, res, exchange, s);
    } finally {
      exchange.close();
    }
  }
}

/** Resolves the URL's host (unless it is an IP literal) and checks every address. */
async function checkedAddresses(url: URL, via: string, s: Settings, signal: AbortSignal): Promise<{ hostname: string; addresses: ResolvedAddress[] }> {
  const hostname = url.hostname.replace(/^\[|\]$/g, "");
  let addresses: ResolvedAddress[];
  if (isIpLiteral(hostname)) {
    addresses = [{ address: hostname, family: net.isIPv6(hostname) ? 6 : 4 }];
  } else {
    let found: ResolvedAddress[];
    try {
      found = await bounded(s.resolve(hostname), signal, s.connectTimeoutMs, () => new FetchError("TIMEOUT", `${hostname}: DNS lookup took over ${s.connectTimeoutMs} ms`, { url: url.href }));
    } catch (cause) {
      if (cause instanceof FetchError || signal.aborted) throw cause;
      throw new FetchError("DNS_FAILED", `${hostname} could not be resolved: ${(cause as Error).message}`, { url: url.href, cause });
    }
    // Trust the address text, not the family the resolver claims.
    addresses = found.map((a) => ({ address: a.address, family: net.isIPv6(a.address) ? 6 : 4 }));
    if (addresses.length === 0) throw new FetchError("DNS_FAILED", `${hostname} has no addresses`, { url: url.href });
  }
  for (const a of addresses) {
    const verdict = s.guard(a.address, hostname);
    if (!verdict.allowed) {
      const name = a.address === hostname ? "" : `${hostname} resolves to `;
      throw new FetchError("ADDRESS_REFUSED", `${url.href}${via}: ${name}${a.address}, a ${verdict.reason}: refused`, { url: url.href });
    }
  }
  return { hostname, addresses };
}

/** A promise raced against the fetch's signal and a timeout. */
function bounded<T>(promise: Promise<T>, signal: AbortSignal, ms: number, onTimeout: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => done(() => reject(onTimeout())), ms);
    const onAbort = () => done(() => reject(signal.reason));
    const done = (settle: () => void) => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      settle();
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (v) => done(() => resolve(v)),
      (e: unknown) => done(() => reject(e)),
    );
  });
}

/** Errors raised before a connection was established: the next address may be tried. */
const connectPhase = new WeakSet<object>();

/** Tries the checked addresses in order until one connects. */
async function connectAny(url: URL, via: string, req: FetchRequest, s: Settings, signal: AbortSignal): Promise<{ res: http.IncomingMessage; exchange: Exchange }> {
  const { hostname, addresses } = await checkedAddresses(url, via, s, signal);
  let lastError: unknown;
  for (const a of addresses) {
    try {
      return await request(url, hostname, a, req, s, signal);
    } catch (error) {
      if (!(error instanceof Object) || !connectPhase.has(error) || signal.aborted) throw error;
      lastError = error;
    }
  }
  throw lastError;
}

/** One request/response on one socket: its timer, and how to stop it with a given error. */
class Exchange {
  failure: unknown = undefined;
  request: http.ClientRequest | undefined;
  response: http.IncomingMessage | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners: ((error: unknown) => void)[] = [];
  private readonly onAbort: () => void;

  constructor(private readonly signal: AbortSignal) {
    this.onAbort = () => this.kill(signal.reason);
    signal.addEventListener("abort", this.onAbort, { once: true });
  }

  /** (Re)starts the timer: after `ms` of nothing, the exchange dies with `error()`. */
  arm(ms: number, error: () => unknown): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.kill(error()), ms);
  }

  onKill(listener: (error: unknown) => void): void {
    this.listeners.push(listener);
  }

  kill(error: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = error;
    this.close();
    for (const l of this.listeners) l(error);
  }

  /** Stops the timer and the socket (idempotent). */
  close(): void {
    clearTimeout(this.timer);
    this.signal.removeEventListener("abort", this.onAbort);
    this.response?.destroy();
    this.request?.destroy();
  }
}

function request(url: URL, hostname: string, a: ResolvedAddress, req: FetchRequest, s: Settings, signal: AbortSignal): Promise<{ res: http.IncomingMessage; exchange: Exchange }> {
  const protocol = url.protocol as "http:" | "https:";
  const target: ConnectTarget = { protocol, hostname, address: a.address, family: a.family, port: Number(url.port) || (protocol === "https:" ? 443 : 80) };
  const headers: Record<string, string> = {
    host: url.host,
    "user-agent": s.userAgent,
    accept: "*/*",
    "accept-encoding": "gzip, deflate, br",
  };
  if (req.etag) headers["if-none-match"] = req.etag;
  if (req.lastModified) headers["if-modified-since"] = req.lastModified;

  return new Promise((resolve, reject) => {
    const exchange = new Exchange(signal);
    let connected = false;
    exchange.onKill((error) => {
      if (!connected && error instanceof Object && !signal.aborted) connectPhase.add(error);
      reject(error);
    });
    if (signal.aborted) return exchange.kill(signal.reason);
    exchange.arm(s.connectTimeoutMs, () => new FetchError("TIMEOUT", `${url.href}: no connection to ${a.address} within ${s.connectTimeoutMs} ms`, { url: url.href }));
    const readTimeout = () => new FetchError("TIMEOUT", `${url.href}: nothing received for ${s.readTimeoutMs} ms`, { url: url.href });
    try {
      // No agent: each request gets its own socket, opened here, to the checked address.
      exchange.request = http.request({
        method: "GET",
        host: hostname,
        port: target.port,
        path: `${url.pathname}${url.search}`,
        headers,
        createConnection: () => {
          s.onConnect?.(target);
          const socket = s.connect(target);
          socket.once(protocol === "https:" ? "secureConnect" : "connect", () => {
            connected = true;
            exchange.arm(s.readTimeoutMs, readTimeout);
          });
          return socket;
        },
      });
    } catch (cause) {
      return exchange.kill(new FetchError("URL_REFUSED", `${url.href}: the request could not be made: ${(cause as Error).message}`, { url: url.href, cause }));
    }
    exchange.request.on("error", (cause) => {
      if (cause instanceof FetchError) return exchange.kill(cause);
      const code = (cause as NodeJS.ErrnoException).code;
      if (code === "ETIMEDOUT") return exchange.kill(new FetchError("TIMEOUT", `${url.href}: ${cause.message}`, { url: url.href, cause }));
      const what = connected ? `the connection to ${a.address} failed` : `could not connect to ${a.address}:${target.port}`;
      exchange.kill(new FetchError("CONNECT_FAILED", `${url.href}: ${what}: ${cause.message}`, { url: url.href, cause }));
    });
    exchange.request.on("response", (res) => {
      exchange.response = res;
      // Errors on the body surface through readBody's pipeline; an unread one is just closed.
      res.on("error", () => undefined);
      exchange.arm(s.readTimeoutMs, readTimeout);
      resolve({ res, exchange });
    });
    exchange.request.end();
  });
}

async function finish(req: FetchRequest, url: URL, hops: string[], res: http.IncomingMessage, exchange: Exchange, s: Settings): Promise<FetchResponse> {
  const status = res.statusCode ?? 0;
  const headers = flattenHeaders(res.headers);
  const fetchedAt = s.now();
  const base = {
    requested: req.url,
    url: url.href,
    hops,
    status,
    headers,
    ...parseContentType(headers["content-type"]),
    etag: headers.etag ?? null,
    lastModified: headers["last-modified"] ?? null,
    fetchedAt: fetchedAt.toISOString(),
  };
  if (status === 304) return { ...base, notModified: true, body: new Uint8Array(0) };
  if (status < 200 || status > 299) {
    const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(headers["retry-after"], fetchedAt) : undefined;
    throw new FetchError("HTTP_STATUS", `${url.href}: HTTP ${status}`, { url: url.href, status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
  }
  const announced = headers["content-length"] === undefined ? NaN : Number(headers["content-length"]);
  if (announced > s.maxBodyBytes) {
    throw new FetchError("BODY_TOO_LARGE", `${url.href}: Content-Length ${announced} is over the ${s.maxBodyBytes}-byte cap`, { url: url.href, status });
  }
  const readTimeout = () => new FetchError("TIMEOUT", `${url.href}: nothing received for ${s.readTimeoutMs} ms`, { url: url.href });
  const body = await readBody(res, {
    url: url.href,
    encoding: headers["content-encoding"],
    cap: s.maxBodyBytes,
    onChunk: () => exchange.arm(s.readTimeoutMs, readTimeout),
    failure: () => exchange.failure,
  });
  return { ...base, notModified: false, body };
}

