/**
 * The web sites the crawl tests run against: real node:http servers on loopback.
 *
 *   pingtan  the real TRS listing of ../shared/sites/pingtan and the corpus' report pages at
 *            the URLs its NOTES.md gives (absent, null, without the shared corpus);
 *   trs      a TRS WCM-style county site made from the project's own fixture reports
 *            (scripts/fixtures/site.ts): home → 政务公开 → 政府信息公开年报, 25 reports over 3
 *            listing pages, PDF, DOCX and .xls attachments, a GBK page, a notice, robots.txt with
 *            a Disallow and a Crawl-delay;
 *   faults   a listing of report-like links, each answered by a fault: 404, 500 then 200,
 *            429 then 200, a slow body, a redirect loop, redirects to 10.0.0.1, to
 *            169.254.169.254 and to an IPv4-mapped private address, a redirect off the
 *            site, bodies past the cap (with and without Content-Length, and gzip), a 500
 *            every time;
 *   external a sentinel "other site" the others link to: any request to it is a crawl
 *            leaving its site.
 *
 * Each site has its own loopback address (127.0.0.1 trs, .2 pingtan, .3 faults, .4
 * external) where the machine binds them, else 127.0.0.1 with its own port. Every
 * document is sent with ETag and Last-Modified and conditional requests get 304;
 * `change(url, body)` serves new bytes (new validators) from then on. Every request is
 * logged, in order of arrival, with sub-millisecond times.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { FAULT_PATHS, faultSite, trsSite, type DocumentKind, type FaultName, type SiteDocument, type SiteReport } from "../../scripts/fixtures/site.js";
import { HAS_CORPUS, SHARED } from "../helpers.js";

export type SiteName = "pingtan" | "trs" | "faults" | "external";

export interface RequestLogEntry {
  site: SiteName;
  /** Arrival, in ms since the epoch with sub-millisecond precision (performance.timeOrigin + performance.now()). */
  time: number;
  /** When the response ended or the connection closed (same clock); null while it runs. */
  end: number | null;
  /** The Host header. */
  host: string;
  method: string;
  /** Path and query as requested. */
  path: string;
  status: number;
  ifNoneMatch: string | null;
  ifModifiedSince: string | null;
  userAgent: string | null;
  acceptEncoding: string | null;
  /** Content-Encoding of the response, if any. */
  contentEncoding: string | null;
  /** Body bytes written (compressed size when gzipped). */
  bytes: number;
  remoteAddress: string;
  remotePort: number;
  /** The server's own address and port (which site was asked). */
  localAddress: string;
  localPort: number;
}

export interface ExpectedReport {
  /** Stable id (the truth's document id). */
  id: string;
  url: string;
  /** The report's full title as the listing gives it (title= attribute). */
  title: string;
  /** The text of the link that leads to `url` (the listing's anchor text, which TRS cuts for long titles, or the attachment's link text). */
  linkText: string;
  /** The page whose link leads to `url`: the listing page, or the report page for an attachment. */
  foundOn: string;
  /** The listing page the report's entry is on. */
  listing: string;
  kind: DocumentKind;
  mediaType: string;
  /** Exactly the bytes served (before any Content-Encoding). */
  bytes: Uint8Array;
  sha256: string;
  year: number | null;
  organ: string | null;
  /** The truth record (shape of ../shared/corpus/*.truth.json): score `extractReport` of `bytes` against it. */
  truth?: Record<string, unknown>;
  /** The pictures a page shows its tables as (URLs): reading it needs them (`pictureFetcher`). */
  pictures?: string[];
}

/** Fetches a page's pictures from the fixture site, as extractReport's `pictures` (for reading a served page as the crawl does). */
export function pictureFetcher(pageUrl: string): (src: string) => Promise<Uint8Array> {
  return async (src) => {
    const res = await fetch(new URL(src, pageUrl));
    if (!res.ok) throw new Error(`${src}: HTTP ${res.status}`);
    return new Uint8Array(await res.arrayBuffer());
  };
}

export interface PingtanSite {
  base: string;
  /** The column's listing, https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/ (also served as …/index.html). */
  listing: string;
  /** The 6 listed reports whose page is in the corpus (2016, 2018, 2021, 2022, 2023, 2025). */
  reports: ExpectedReport[];
  /** Listed reports whose page is not in the corpus (2017, 2019, 2020, 2024): they answer 404, an error for the crawl. */
  missing: { url: string; title: string }[];
  /** Non-reports linked from the readable listing: none (the letter of the channel is on page 2). */
  nonReports: string[];
  /** Listing pages that exist but only through the page's JS API: page 2 of 2 (20 records, 10 a page). */
  unreadablePages: number;
  /** What the page's script says the channel holds. */
  recordCount: number;
}

export interface TrsSiteInfo {
  base: string;
  /** The home page: its nav links 政务公开, whose page links the column (the home page does not). */
  home: string;
  /** The 政务公开 section page. */
  section: string;
  /** The column's first listing page (…/xxgknb/index.html; the directory URL serves it too). */
  listing: string;
  /** All three listing pages, in order. */
  listings: string[];
  /** The 24 reports a crawl extracts: 19 UTF-8 report pages (one with table 四 as a picture), 1 GBK report page, 3 PDF attachments, a DOCX attachment. */
  reports: ExpectedReport[];
  /** The listing entries that are notices, not reports: NOT_A_REPORT. */
  notices: string[];
  /** The .xls attachment (the 25th report): UNSUPPORTED_FORMAT, the extractor reads no spreadsheets. */
  unsupported: ExpectedReport[];
  /**
   * Report pages whose report is an attachment (3 PDF, a DOCX, an .xls): the page itself has the
   * report's title and a two-line intro, no tables (extract reads it as a template-less
   * report: meta.template null, no table).
   */
  attachmentPages: { url: string; attachments: string[] }[];
  robots: {
    /** The path prefix robots.txt disallows; the listing links a report under it. */
    disallow: string;
    crawlDelaySeconds: number;
    /** The listed report under the disallowed path (a real report page): never to be requested. */
    disallowedUrl: string;
    disallowedReport: ExpectedReport;
  };
  /** Links to another site (the external sentinel): never to be fetched. */
  external: string[];
}

export interface FaultSiteInfo {
  base: string;
  /** A listing linking every fault with a report-like title. */
  listing: string;
  /** Fault name → URL (see FAULT_PATHS). */
  urls: Record<FaultName, string>;
  /** The listing's title of each fault's entry. */
  titles: Record<FaultName, string>;
  /** Reports a crawl that retries finds: flaky (500 then 200) and throttled (429 with Retry-After: 1, then 200). */
  reports: ExpectedReport[];
  /** What the slow URL would send if one waited (headers at once, the body after `slowMs`). */
  slow: ExpectedReport;
  slowMs: number;
  /** Body size of the oversized answers (with and without Content-Length). */
  oversizedBytes: number;
  /** What the gzip bomb inflates to (4 × oversizedBytes, from a few kB on the wire). */
  gzipBombInflatedBytes: number;
  /** Where the redirect faults point. */
  redirects: { redirectPrivate: string; redirectMetadata: string; redirectMapped: string; redirectOffsite: string; redirectLoop: string[] };
  /** Makes flaky and throttled fail on their next request again. */
  reset(): void;
}

export interface FixtureSites {
  pingtan: PingtanSite | null;
  trs: TrsSiteInfo;
  faults: FaultSiteInfo;
  /** The sentinel other site: every request to it is logged with site "external". */
  external: { base: string };
  /** host:port of each site (hosts a crawl of that site may visit). */
  hosts: Record<SiteName, string>;
  /** The loopback addresses in use (to allow-list: 127.0.0.1, and .2/.3/.4 where they bind). */
  addresses: string[];
  /** Every request to any of the sites, in order of arrival. */
  log: RequestLogEntry[];
  /** From now on the URL serves these bytes, with a new ETag and a later Last-Modified (a new URL is added). */
  change(url: string, body: Uint8Array | string): void;
  close(): Promise<void>;
}

export interface FixtureSiteOptions {
  /** One loopback address per site where the machine binds 127.0.0.2–4 (default true). */
  distinctHosts?: boolean;
  /** gzip the TRS site's HTML when the client accepts it (default true). */
  gzip?: boolean;
  /** The slow fault's delay before its body (default 5000 ms). */
  slowMs?: number;
  /** Size of the oversized bodies (default 3 MiB). */
  oversizedBytes?: number;
  /** Serve pingtan (default: when the shared corpus is there). */
  pingtan?: boolean;
  /** Where rendered PDFs are cached (default: the OS temp dir). */
  pdfCache?: string;
}

const now = () => performance.timeOrigin + performance.now();
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

interface Resource {
  bytes: Buffer;
  contentType: string;
  etag: string;
  lastModified: Date;
  gzipped?: Buffer;
}

/** The documents of one site, by path, with their validators. */
class Store {
  private readonly resources = new Map<string, Resource>();

  set(path: string, doc: SiteDocument): void {
    this.resources.set(path, { bytes: doc.bytes, contentType: doc.contentType, etag: etagOf(doc.bytes), lastModified: doc.lastModified });
  }

  get(path: string): Resource | undefined {
    return this.resources.get(path);
  }

  change(path: string, bytes: Buffer): void {
    const old = this.resources.get(path);
    // Last-Modified has one-second resolution: a change always moves it on by at least a second.
    const seconds = Math.max(Math.floor(Date.now() / 1000), old ? Math.floor(old.lastModified.getTime() / 1000) + 1 : 0);
    this.resources.set(path, { bytes, contentType: old?.contentType ?? contentTypeOf(path), etag: etagOf(bytes), lastModified: new Date(seconds * 1000) });
  }
}

const etagOf = (bytes: Uint8Array) => `"${createHash("sha1").update(bytes).digest("hex").slice(0, 20)}"`;

function contentTypeOf(path: string): string {
  if (/\.pdf$/i.test(path)) return "application/pdf";
  if (/\.docx$/i.test(path)) return "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
  if (/\.xls$/i.test(path)) return "application/vnd.ms-excel";
  if (/\.png$/i.test(path)) return "image/png";
  if (/\.txt$/i.test(path)) return "text/plain; charset=utf-8";
  return "text/html; charset=utf-8";
}

/** Whether a conditional request is satisfied by the stored version (If-None-Match wins over If-Modified-Since). */
function notModified(req: IncomingMessage, r: Resource): boolean {
  const inm = req.headers["if-none-match"];
  if (inm !== undefined) {
    const tags = inm.split(",").map((t) => t.trim().replace(/^W\//, ""));
    return tags.includes("*") || tags.includes(r.etag);
  }
  const ims = req.headers["if-modified-since"];
  if (ims !== undefined) {
    const since = Date.parse(ims);
    return !Number.isNaN(since) && Math.floor(r.lastModified.getTime() / 1000) * 1000 <= since;
  }
  return false;
}

type Handler = (req: IncomingMessage, res: ServerResponse, entry: RequestLogEntry, path: string) => void;

interface Running {
  server: Server;
  address: string;
  port: number;
  host: string;
  base: string;
  store: Store;
}

/** Sends a response and records it in the log entry. */
function send(res: ServerResponse, entry: RequestLogEntry, status: number, headers: Record<string, string | number>, body?: Buffer): void {
  entry.status = status;
  entry.contentEncoding = typeof headers["Content-Encoding"] === "string" ? headers["Content-Encoding"] : null;
  const head = entry.method === "HEAD";
  if (body !== undefined && headers["Content-Length"] === undefined) headers["Content-Length"] = body.length;
  res.writeHead(status, headers);
  if (body !== undefined && !head && status !== 304) {
    entry.bytes = body.length;
    res.end(body);
  } else res.end();
}

function serveStatic(req: IncomingMessage, res: ServerResponse, entry: RequestLogEntry, r: Resource, gzip: boolean): void {
  const html = r.contentType.startsWith("text/html");
  const headers: Record<string, string | number> = { "Content-Type": r.contentType, ETag: r.etag, "Last-Modified": r.lastModified.toUTCString(), "Cache-Control": "max-age=60" };
  if (gzip && html) headers.Vary = "Accept-Encoding";
  if (notModified(req, r)) return send(res, entry, 304, headers);
  if (gzip && html && /\bgzip\b/.test(req.headers["accept-encoding"] ?? "")) {
    r.gzipped ??= gzipSync(r.bytes);
    headers["Content-Encoding"] = "gzip";
    return send(res, entry, 200, headers, r.gzipped);
  }
  send(res, entry, 200, headers, r.bytes);
}

const notFoundPage = Buffer.from('<!DOCTYPE html><html><head><meta charset="utf-8"><title>404</title></head><body><p>您访问的页面不存在。</p></body></html>\n');

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void, address: string, fallback: boolean): Promise<{ server: Server; address: string; port: number }> {
  const attempt = (addr: string) =>
    new Promise<{ server: Server; address: string; port: number }>((resolve, reject) => {
      const server = createServer(handler);
      server.once("error", reject);
      server.listen(0, addr, () => {
        server.off("error", reject);
        resolve({ server, address: addr, port: (server.address() as AddressInfo).port });
      });
    });
  try {
    return await attempt(address);
  } catch (error) {
    if (!fallback || address === "127.0.0.1") throw error;
    return attempt("127.0.0.1");
  }
}

/** Starts the fixture sites. Close them with `close()`. */
export async function startFixtureSites(options: FixtureSiteOptions = {}): Promise<FixtureSites> {
  const distinct = options.distinctHosts ?? true;
  const gzip = options.gzip ?? true;
  const slowMs = options.slowMs ?? 5000;
  const oversizedBytes = options.oversizedBytes ?? 3 * 1024 * 1024;
  const withPingtan = (options.pingtan ?? HAS_CORPUS) && HAS_CORPUS;
  const log: RequestLogEntry[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const running: Running[] = [];

  const start = async (site: SiteName, address: string, route: Handler, store: Store): Promise<Running> => {
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      const entry: RequestLogEntry = {
        site,
        time: now(),
        end: null,
        host: req.headers.host ?? "",
        method: req.method ?? "GET",
        path: req.url ?? "/",
        status: 0,
        ifNoneMatch: req.headers["if-none-match"] ?? null,
        ifModifiedSince: req.headers["if-modified-since"] ?? null,
        userAgent: req.headers["user-agent"] ?? null,
        acceptEncoding: req.headers["accept-encoding"] ?? null,
        contentEncoding: null,
        bytes: 0,
        remoteAddress: req.socket.remoteAddress ?? "",
        remotePort: req.socket.remotePort ?? 0,
        localAddress: req.socket.localAddress ?? "",
        localPort: req.socket.localPort ?? 0,
      };
      log.push(entry);
      res.on("close", () => (entry.end = now()));
      if (entry.method !== "GET" && entry.method !== "HEAD") return send(res, entry, 405, { Allow: "GET, HEAD", "Content-Type": "text/plain" }, Buffer.from("method not allowed\n"));
      let path: string;
      try {
        path = new URL(entry.path, "http://site.invalid").pathname;
      } catch {
        return send(res, entry, 400, { "Content-Type": "text/plain" }, Buffer.from("bad request\n"));
      }
      route(req, res, entry, path);
    };
    const { server, address: bound, port } = await listen(handler, distinct ? address : "127.0.0.1", true);
    const r: Running = { server, address: bound, port, host: `${bound}:${port}`, base: `http://${bound}:${port}`, store };
    running.push(r);
    return r;
  };
  const staticRoute =
    (store: Store, compress: boolean): Handler =>
    (req, res, entry, path) => {
      const r = store.get(path);
      if (!r) return send(res, entry, 404, { "Content-Type": "text/html; charset=utf-8" }, notFoundPage);
      serveStatic(req, res, entry, r, compress);
    };

  try {
    // The sentinel other site first: the TRS pages link it.
    const externalStore = new Store();
    const externalPage: SiteDocument = {
      bytes: Buffer.from('<!DOCTYPE html><html><head><meta charset="utf-8"><title>中国政府网</title></head><body><p>另一个网站。</p></body></html>\n'),
      contentType: "text/html; charset=utf-8",
      lastModified: new Date("2025-01-01T00:00:00Z"),
    };
    externalStore.set("/", externalPage);
    const external = await start("external", "127.0.0.4", (req, res, entry) => serveStatic(req, res, entry, externalStore.get("/")!, false), externalStore);
    const externalLinks = [
      { url: `${external.base}/`, text: "中国政府网" },
      { url: `${external.base}/zwgk/xxgkml/xxgknb/index.html`, text: "市政府信息公开年报" },
    ];

    // TRS.
    const trsStore = new Store();
    const trsContent = await trsSite({ external: externalLinks, ...(options.pdfCache ? { pdfCache: options.pdfCache } : {}) });
    for (const [path, doc] of trsContent.documents) trsStore.set(path, doc);
    const trs = await start("trs", "127.0.0.1", staticRoute(trsStore, gzip), trsStore);

    // Faults.
    const faultStore = new Store();
    const faultContent = await faultSite();
    for (const [path, doc] of faultContent.documents) faultStore.set(path, doc);
    const counts = new Map<string, number>();
    const loopB = "/xxgknb/202401/t20240117_7005_1.html";
    let bomb: Buffer | undefined;
    const oversizedHead = Buffer.from(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>${faultContent.entries.oversized.title}</title></head><body><pre>\n`);
    const faultRoute = (): Handler => {
      const fixed = staticRoute(faultStore, false);
      const redirect = (res: ServerResponse, entry: RequestLogEntry, location: string) =>
        send(res, entry, 302, { Location: location, "Content-Type": "text/html; charset=utf-8" }, Buffer.from(`<a href="${location}">moved</a>\n`));
      const stream = (res: ServerResponse, entry: RequestLogEntry, size: number, withLength: boolean) => {
        entry.status = 200;
        res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", ...(withLength ? { "Content-Length": size } : {}) });
        if (entry.method === "HEAD") return res.end();
        const chunk = Buffer.alloc(64 * 1024, "年报数据\n");
        let sent = 0;
        const pump = () => {
          while (sent < size) {
            const piece = sent === 0 ? oversizedHead : chunk.subarray(0, Math.min(chunk.length, size - sent));
            sent += piece.length;
            entry.bytes = sent;
            if (!res.write(piece)) return void res.once("drain", pump);
          }
          res.end();
        };
        res.on("close", () => (sent = size));
        pump();
      };
      return (req, res, entry, path) => {
        const fault = (Object.keys(FAULT_PATHS) as FaultName[]).find((k) => FAULT_PATHS[k] === path);
        const n = counts.get(path) ?? 0;
        if (entry.method === "GET") counts.set(path, n + 1);
        switch (fault) {
          case "notFound":
            return send(res, entry, 404, { "Content-Type": "text/html; charset=utf-8" }, notFoundPage);
          case "flaky":
            if (n === 0) return send(res, entry, 500, { "Content-Type": "text/html; charset=utf-8" }, Buffer.from("<html><body>Internal Server Error</body></html>\n"));
            return fixed(req, res, entry, path);
          case "throttled":
            if (n === 0) return send(res, entry, 429, { "Retry-After": "1", "Content-Type": "text/html; charset=utf-8" }, Buffer.from("<html><body>Too Many Requests</body></html>\n"));
            return fixed(req, res, entry, path);
          case "slow": {
            const r = faultStore.get(path)!;
            entry.status = 200;
            res.writeHead(200, { "Content-Type": r.contentType, "Content-Length": r.bytes.length, ETag: r.etag, "Last-Modified": r.lastModified.toUTCString() });
            res.flushHeaders();
            if (entry.method === "HEAD") return res.end();
            const timer = setTimeout(() => {
              timers.delete(timer);
              entry.bytes = r.bytes.length;
              res.end(r.bytes);
            }, slowMs);
            timers.add(timer);
            res.on("close", () => {
              clearTimeout(timer);
              timers.delete(timer);
            });
            return;
          }
          case "redirectLoop":
            return redirect(res, entry, loopB);
          case "redirectPrivate":
            return redirect(res, entry, "http://10.0.0.1/x");
          case "redirectMetadata":
            return redirect(res, entry, "http://169.254.169.254/latest/meta-data/");
          case "redirectMapped":
            return redirect(res, entry, "http://[::ffff:10.0.0.1]/x");
          case "redirectOffsite":
            return redirect(res, entry, `${external.base}/`);
          case "oversized":
            return stream(res, entry, oversizedBytes, true);
          case "oversizedChunked":
            return stream(res, entry, oversizedBytes, false);
          case "gzipBomb":
            bomb ??= gzipSync(Buffer.concat([oversizedHead, Buffer.alloc(oversizedBytes * 4, 0x20)]), { level: 9 });
            return send(res, entry, 200, { "Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip" }, bomb);
          case "alwaysFailing":
            return send(res, entry, 500, { "Content-Type": "text/html; charset=utf-8" }, Buffer.from("<html><body>Internal Server Error</body></html>\n"));
          default:
            if (path === loopB) return redirect(res, entry, FAULT_PATHS.redirectLoop);
            return fixed(req, res, entry, path);
        }
      };
    };
    const faults = await start("faults", "127.0.0.3", faultRoute(), faultStore);

    // Pingtan.
    let pingtan: PingtanSite | null = null;
    let pingtanRunning: Running | undefined;
    if (withPingtan) {
      const store = new Store();
      const column = "/zwgk/zfxxgk/zfxxgknb/";
      const listingBytes = readFileSync(join(SHARED, "sites/pingtan/index.html"));
      const listed = [...listingBytes.toString("utf8").matchAll(/<a href="\.\/(\d{6}\/t(\d{8})_\d+\.htm)"[^>]*title="([^"]+)"[^>]*>([^<]*)<\/a>/g)].map((m) => ({
        path: `${column}${m[1]!}`,
        date: m[2]!,
        title: m[3]!,
        text: m[4]!.trim(),
      }));
      const lm = (yyyymmdd: string) => new Date(`${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}T02:00:00Z`);
      const listingDoc: SiteDocument = { bytes: listingBytes, contentType: "text/html; charset=utf-8", lastModified: lm(listed[0]?.date ?? "20260313") };
      store.set(column, listingDoc);
      store.set(`${column}index.html`, listingDoc);
      store.set("/robots.txt", { bytes: Buffer.from("User-agent: *\nDisallow:\n"), contentType: "text/plain; charset=utf-8", lastModified: lm("20250101") });
      pingtanRunning = await start("pingtan", "127.0.0.2", staticRoute(store, false), store);
      const base = pingtanRunning.base;
      const reports: ExpectedReport[] = [];
      const missing: PingtanSite["missing"] = [];
      for (const entry of listed) {
        const year = /((?:19|20)\d{2})年度/.exec(entry.title)?.[1];
        const file = join(SHARED, "corpus", `pingtan-${year}.html`);
        let bytes: Buffer;
        try {
          bytes = readFileSync(file);
        } catch {
          missing.push({ url: `${base}${entry.path}`, title: entry.title });
          continue;
        }
        store.set(entry.path, { bytes, contentType: "text/html; charset=utf-8", lastModified: lm(entry.date) });
        const truth = JSON.parse(readFileSync(join(SHARED, "corpus", `pingtan-${year}.truth.json`), "utf8")) as Record<string, unknown>;
        const meta = truth.meta as { organ: string | null; year: number | null };
        reports.push({
          id: `pingtan-${year}`,
          url: `${base}${entry.path}`,
          title: entry.title,
          linkText: entry.text,
          foundOn: `${base}${column}`,
          listing: `${base}${column}`,
          kind: "html",
          mediaType: "text/html",
          bytes,
          sha256: sha256(bytes),
          year: meta.year,
          organ: meta.organ,
          truth,
        });
      }
      pingtan = { base, listing: `${base}${column}`, reports, missing, nonReports: [], unreadablePages: 1, recordCount: 20 };
    }

    const expected = (base: string, r: SiteReport): ExpectedReport => ({
      id: r.id,
      url: `${base}${r.path}`,
      title: r.title,
      linkText: r.linkText,
      foundOn: `${base}${r.foundOn}`,
      listing: `${base}${r.listing}`,
      kind: r.kind,
      mediaType: r.mediaType,
      bytes: r.bytes,
      sha256: sha256(r.bytes),
      year: r.year,
      organ: r.organ,
      truth: r.truth,
      ...(r.pictures ? { pictures: r.pictures.map((p) => `${base}${p}`) } : {}),
    });
    const urls = Object.fromEntries((Object.keys(FAULT_PATHS) as FaultName[]).map((k) => [k, `${faults.base}${FAULT_PATHS[k]}`])) as Record<FaultName, string>;
    const titles = Object.fromEntries((Object.keys(FAULT_PATHS) as FaultName[]).map((k) => [k, faultContent.entries[k].title])) as Record<FaultName, string>;

    const sites: FixtureSites = {
      pingtan,
      trs: {
        base: trs.base,
        home: `${trs.base}${trsContent.home}`,
        section: `${trs.base}${trsContent.section}`,
        listing: `${trs.base}${trsContent.listings[0]!}`,
        listings: trsContent.listings.map((p) => `${trs.base}${p}`),
        reports: trsContent.reports.map((r) => expected(trs.base, r)),
        notices: trsContent.notices.map((p) => `${trs.base}${p}`),
        unsupported: trsContent.unsupported.map((r) => expected(trs.base, r)),
        attachmentPages: trsContent.attachmentPages.map((a) => ({ url: `${trs.base}${a.path}`, attachments: a.attachments.map((p) => `${trs.base}${p}`) })),
        robots: {
          disallow: trsContent.robots.disallow,
          crawlDelaySeconds: trsContent.robots.crawlDelaySeconds,
          disallowedUrl: `${trs.base}${trsContent.disallowed.path}`,
          disallowedReport: expected(trs.base, trsContent.disallowed),
        },
        external: externalLinks.map((l) => l.url),
      },
      faults: {
        base: faults.base,
        listing: `${faults.base}${faultContent.listing}`,
        urls,
        titles,
        reports: [expected(faults.base, faultContent.flaky), expected(faults.base, faultContent.throttled)],
        slow: expected(faults.base, faultContent.slow),
        slowMs,
        oversizedBytes,
        gzipBombInflatedBytes: oversizedHead.length + oversizedBytes * 4,
        redirects: {
          redirectPrivate: "http://10.0.0.1/x",
          redirectMetadata: "http://169.254.169.254/latest/meta-data/",
          redirectMapped: "http://[::ffff:10.0.0.1]/x",
          redirectOffsite: `${external.base}/`,
          redirectLoop: [urls.redirectLoop, `${faults.base}${loopB}`],
        },
        reset: () => counts.clear(),
      },
      external: { base: external.base },
      hosts: { trs: trs.host, faults: faults.host, external: external.host, pingtan: pingtanRunning?.host ?? "" },
      addresses: [...new Set(running.map((r) => r.address))],
      log,
      change(url: string, body: Uint8Array | string) {
        const u = new URL(url);
        const target = running.find((r) => r.host === u.host);
        if (!target) throw new Error(`change: ${url} is not on a fixture site`);
        target.store.change(u.pathname, typeof body === "string" ? Buffer.from(body, "utf8") : Buffer.from(body));
      },
      close: () => closeAll(running, timers),
    };
    return sites;
  } catch (error) {
    await closeAll(running, timers);
    throw error;
  }
}

async function closeAll(running: Running[], timers: Set<NodeJS.Timeout>): Promise<void> {
  for (const t of timers) clearTimeout(t);
  timers.clear();
  await Promise.all(
    running.map(
      (r) =>
        new Promise<void>((resolve) => {
          r.server.close(() => resolve());
          r.server.closeAllConnections();
        }),
    ),
  );
}

/** Start-to-start gaps (ms) between consecutive requests to each host, in order of arrival. */
export function gapsByHost(log: RequestLogEntry[]): Map<string, number[]> {
  const last = new Map<string, number>();
  const gaps = new Map<string, number[]>();
  for (const e of log) {
    const prev = last.get(e.host);
    if (prev !== undefined) gaps.set(e.host, [...(gaps.get(e.host) ?? []), e.time - prev]);
    last.set(e.host, e.time);
  }
  return gaps;
}

/** The log's requests to one site (optionally one path, given as a URL or a path). */
export function requestsTo(log: RequestLogEntry[], site: SiteName, url?: string): RequestLogEntry[] {
  const path = url === undefined ? undefined : url.startsWith("http") ? (() => { const u = new URL(url); return u.pathname + u.search; })() : url;
  return log.filter((e) => e.site === site && (path === undefined || e.path === path));
}

/** Every report a full crawl of the sites extracts (pingtan's 6 when the corpus is there, the TRS site's 24, the faults' 2), by URL. */
export function expectedRecordsOf(sites: FixtureSites, which: ("pingtan" | "trs" | "faults")[] = ["pingtan", "trs", "faults"]): Map<string, ExpectedReport> {
  const all = [...(which.includes("pingtan") ? (sites.pingtan?.reports ?? []) : []), ...(which.includes("trs") ? sites.trs.reports : []), ...(which.includes("faults") ? sites.faults.reports : [])];
  return new Map(all.map((r) => [r.url, r]));
}
