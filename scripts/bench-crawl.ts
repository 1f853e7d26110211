/**
 * Crawl section of `npm run bench`: the crawler against its own web server on loopback,
 * whole `nianbao crawl` processes timed by /usr/bin/time (user + system CPU, peak RSS).
 * The server is a child process (its CPU is not the crawler's), serving documents the
 * bench renders from the project's fixture reports (scripts/fixtures/site.ts): a TRS WCM
 * column whose listing pages are paginated only by `createPageHTML(k, i, "index", "html")`,
 * each report page another organ's or year's report with its own numbers, so every page's
 * bytes differ (the store is content-addressed).
 *
 * (1) One site of N report pages, politeness off (--interval 0, robots.txt 404): a first
 *     crawl, which also extracts every page, against a plain `nianbao extract` of the same
 *     N pages in one process (extraction's share); then a re-crawl of the same store where
 *     every page answers 304 — the crawler's own cost (fetch, discovery, state); the crawl
 *     state file's bytes per URL. Each is also run on a site of 30 report pages: CPU a
 *     request is the difference of the two runs over the difference of their requests, so
 *     start-up (measured too, as a crawl that robots.txt stops at once) cancels out.
 * (2) H sites on H loopback addresses (127.0.1.1 …), politeness on (robots.txt
 *     Crawl-delay 0.2 and --interval 0.2, each answer sent after a simulated latency),
 *     crawled by ONE process with NIANBAO_CRAWL_CONCURRENCY=H (a first crawl, then a
 *     re-crawl where every page answers 304: nothing to extract) and with the default (8):
 *     wall time against the serial and per-host lower bounds, and from the servers' log
 *     the per-host gaps (≥ the interval) and how many hosts had a request in flight at once.
 * (3) Redis memory of a site's state as queue mode keeps it (RedisCrawlState, RedisHostGate,
 *     RedisRobotsStore, the BullMQ job scheduler), in a throwaway redis-server, and the
 *     on-paper projection for 10,000 sites (Redis memory, requests/s, CPU, site-runs a
 *     worker fits in a week), from the figures above.
 *
 * Traffic goes to 127.0.0.0/8 only.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Queue as BullQueue } from "bullmq";
import type { Redis as RedisClient } from "ioredis";
import type { SiteRun, UrlState } from "../src/crawl/state.js";
import { articlePage, listingPage, reportBody, reportTitle, variantOf, type BaseReport, type SiteChrome } from "./fixtures/site.js";

const row = (label: string, value: string, note = "") => `    ${label.padEnd(44)} ${value.padStart(12)}   ${note}`.trimEnd();
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const bytesOrKib = (bytes: number) => (bytes < 4096 ? `${bytes.toFixed(0)} B` : kib(bytes));
const int = (n: number) => Math.round(n).toLocaleString("en");

export interface CrawlBenchOptions {
  /** Report pages of the one site of (1). @defaultValue 300 */
  pages?: number;
  /** Sites (hosts) of (2). @defaultValue 50 */
  hosts?: number;
  /** Report pages per site of (2). @defaultValue 6 */
  hostPages?: number;
}

/** Entries per listing page (TRS columns show 10–20; 10 makes 3 listing pages for a site of 30 reports). */
const PER_LISTING = 10;
/** The politeness of (2): robots.txt's Crawl-delay and --interval, in seconds. */
const INTERVAL_S = 0.2;
/** What each answer of (2) waits before it is sent: a distant, small server. */
const LATENCY_MS = 50;
/** Sites written to Redis per measurement (the INFO delta is divided by it). */
const REDIS_SITES = 100;

// ───────────────────────────── the documents ─────────────────────────────

const SITE: SiteChrome = { name: "望川县人民政府", column: "/xxgknb/", external: [] };
const DEPARTMENTS = ["人民政府", "发展和改革局", "教育局", "公安局", "民政局", "财政局", "自然资源局", "生态环境局", "交通运输局", "水利局", "农业农村局", "商务局", "文化和旅游局", "卫生健康委员会", "应急管理局", "审计局", "统计局", "林业局", "司法局", "档案局"];
/** Base reports and the years each is varied into (as the TRS fixture site uses them). */
const BASES: [BaseReport, number[]][] = [
  ["qinghe2020", [2019, 2020]],
  ["minghu2021", [2021, 2022, 2023, 2024]],
  ["chengjiang2022", [2022, 2023, 2024]],
  ["yunxi2023", [2022, 2023, 2024]],
];

interface Page {
  /** Site-relative path. */
  path: string;
  title: string;
  date: string;
  /** Where its bytes are written (the server reads them from there). */
  file: string;
}

/** N report pages, each its own organ/year/numbers, written under dir. */
function reportPages(n: number, dir: string): Page[] {
  mkdirSync(dir, { recursive: true });
  const pages: Page[] = [];
  for (let i = 0; i < n; i++) {
    const [base, years] = BASES[i % BASES.length]!;
    const organ = `望川县${DEPARTMENTS[Math.floor(i / BASES.length) % DEPARTMENTS.length]}`;
    const year = years[Math.floor(i / BASES.length) % years.length]!;
    const report = variantOf({ base, organ, year }, `bench-${i}`, "望川", 1 + i);
    const month = String(1 + (i % 12)).padStart(2, "0");
    const day = String(1 + (i % 28)).padStart(2, "0");
    const docId = 10_001 + i;
    const date = `${year + 1}-${month}-${day}`;
    const title = reportTitle(report);
    const html = articlePage(SITE, { title, date, source: organ, body: reportBody(report), attachments: [], docId, charset: "utf-8" });
    const file = join(dir, `report-${i}.html`);
    writeFileSync(file, html);
    pages.push({ path: `/xxgknb/${year + 1}${month}/t${year + 1}${month}${day}_${docId}.html`, title, date, file });
  }
  return pages;
}

/** The column's listing pages (index.html, index_1.html …) over the given reports; site-relative path → file. */
function listingPages(reports: Page[], dir: string, tag: string): Record<string, string> {
  const count = Math.max(1, Math.ceil(reports.length / PER_LISTING));
  const out: Record<string, string> = {};
  for (let k = 0; k < count; k++) {
    const entries = reports.slice(k * PER_LISTING, (k + 1) * PER_LISTING).map((r) => ({ href: `.${r.path.slice("/xxgknb".length)}`, title: r.title, date: r.date }));
    const file = join(dir, `listing-${tag}-${k}.html`);
    writeFileSync(file, listingPage(SITE, entries, count, k));
    out[`/xxgknb/${k === 0 ? "index" : `index_${k}`}.html`] = file;
  }
  return out;
}

// ───────────────────────────── the web server (a child process) ─────────────────────────────

/**
 * One request as the server saw it (ms since the epoch, sub-millisecond), timed so that
 * the gaps it shows are never larger than the real ones: it starts when its connection
 * was accepted (the crawler opens one per request) and ends when the answer's last byte
 * was handed to the socket, before the server's own bookkeeping of it.
 */
interface Served {
  /** Index of the site in the manifest. */
  site: number;
  start: number;
  end: number;
  path: string;
  status: number;
}

interface Manifest {
  latencyMs: number;
  sites: { address: string; docs: Record<string, string>; robots: string | null }[];
}

/**
 * Plain JavaScript, run by node from a temporary file: every site of the manifest on its
 * own address and port, documents from memory with ETag and Last-Modified, 304 to a
 * matching conditional request, 404 for anything else (robots.txt too, when the site has
 * none); every request logged, sent to the parent on asking.
 */
const SERVER_SOURCE = `import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
const manifest = JSON.parse(readFileSync(process.argv[2], "utf8"));
const now = () => performance.timeOrigin + performance.now();
const LAST_MODIFIED = "Thu, 02 Jan 2025 08:00:00 GMT";
const NOT_FOUND = Buffer.from('<!DOCTYPE html><html><head><meta charset="utf-8"><title>404</title></head><body><p>页面不存在</p></body></html>');
const cache = new Map();
const load = (file) => {
  let doc = cache.get(file);
  if (!doc) {
    const bytes = readFileSync(file);
    doc = { bytes, type: "text/html; charset=utf-8", etag: '"' + createHash("sha1").update(bytes).digest("hex").slice(0, 20) + '"' };
    cache.set(file, doc);
  }
  return doc;
};
let log = [];
const listening = manifest.sites.map((site, index) => new Promise((resolve, reject) => {
  const docs = new Map(Object.entries(site.docs).map(([path, file]) => [path, load(file)]));
  if (site.robots !== null) docs.set("/robots.txt", { bytes: Buffer.from(site.robots), type: "text/plain; charset=utf-8", etag: '"robots"' });
  const server = createServer((req, res) => {
    const socket = req.socket;
    // A new connection's request started when it was accepted; a kept-alive one's, now.
    const start = socket.benchServed ? now() : socket.benchAccepted;
    socket.benchServed = true;
    const entry = { site: index, start, end: 0, path: req.url, status: 0 };
    log.push(entry);
    res.once("close", () => { if (!entry.end) entry.end = now(); });
    const answer = () => {
      const doc = docs.get((req.url || "/").split("?")[0]);
      if (!doc) {
        entry.status = 404;
        res.writeHead(404, { "Content-Type": "text/html; charset=utf-8", "Content-Length": NOT_FOUND.length });
        entry.end = now();
        res.end(NOT_FOUND);
        return;
      }
      const headers = { "Content-Type": doc.type, ETag: doc.etag, "Last-Modified": LAST_MODIFIED };
      const inm = req.headers["if-none-match"];
      const ims = req.headers["if-modified-since"];
      if (inm !== undefined ? inm.split(",").map((t) => t.trim()).includes(doc.etag) : ims !== undefined && Date.parse(ims) >= Date.parse(LAST_MODIFIED)) {
        entry.status = 304;
        res.writeHead(304, headers);
        entry.end = now();
        res.end();
        return;
      }
      entry.status = 200;
      headers["Content-Length"] = doc.bytes.length;
      res.writeHead(200, headers);
      entry.end = now();
      res.end(doc.bytes);
    };
    if (manifest.latencyMs > 0) setTimeout(answer, manifest.latencyMs);
    else answer();
  });
  server.on("connection", (socket) => { socket.benchAccepted = now(); });
  server.once("error", reject);
  server.listen(0, site.address, () => resolve(server.address().port));
}));
Promise.all(listening).then(
  (ports) => process.send({ ready: ports }),
  (error) => { process.send({ error: String(error) }); process.exit(1); },
);
process.on("message", (m) => {
  if (m === "log") process.send({ log });
  else if (m === "clear") { log = []; process.send({ cleared: true }); }
});
process.on("disconnect", () => process.exit(0));
`;

interface SiteServer {
  ports: number[];
  log(): Promise<Served[]>;
  clear(): Promise<void>;
  close(): Promise<void>;
}

/** Ends a child process (and, when it leads its own group, the group) and waits for it. */
async function stop(child: ChildProcess, group = false): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    if (group) process.kill(-child.pid, "SIGKILL");
    else child.kill("SIGTERM");
  } catch {
    // already gone
  }
  await exited;
}

/** Children still running (and whether each leads its own process group), ended when this process exits for any reason. */
const children = new Map<ChildProcess, boolean>();
function endChildren(): void {
  for (const [c, group] of children) {
    try {
      if (c.exitCode === null && c.signalCode === null && c.pid !== undefined) {
        if (group) process.kill(-c.pid, "SIGKILL");
        else c.kill("SIGKILL");
      }
    } catch {
      // gone
    }
  }
}
process.once("exit", endChildren);
function track(child: ChildProcess, group = false): ChildProcess {
  children.set(child, group);
  child.once("exit", () => children.delete(child));
  return child;
}

async function startServer(work: string, name: string, manifest: Manifest): Promise<SiteServer> {
  const script = join(work, "server.mjs");
  writeFileSync(script, SERVER_SOURCE);
  const file = join(work, `${name}.json`);
  writeFileSync(file, JSON.stringify(manifest));
  const child = track(spawn(process.execPath, [script, file], { stdio: ["ignore", "inherit", "inherit", "ipc"] }));
  const ask = <T>(message: string, key: string) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (m: Record<string, unknown>) => {
        if (key in m) {
          child.off("message", onMessage);
          child.off("exit", onExit);
          resolve(m[key] as T);
        } else if ("error" in m) reject(new Error(`bench web server: ${String(m.error)}`));
      };
      const onExit = (code: number | null) => reject(new Error(`bench web server exited (${code})`));
      child.on("message", onMessage);
      child.once("exit", onExit);
      if (message) child.send(message);
    });
  try {
    const ports = await ask<number[]>("", "ready");
    return {
      ports,
      log: () => ask<Served[]>("log", "log"),
      clear: async () => {
        await ask<boolean>("clear", "cleared");
      },
      close: () => stop(child),
    };
  } catch (error) {
    await stop(child);
    throw error;
  }
}

// ───────────────────────────── whole processes ─────────────────────────────

interface Measured {
  wallMs: number;
  /** User + system CPU of the process, ms. */
  cpuMs: number;
  rssMiB: number;
  stdout: string;
  stderr: string;
}

let timings = 0;

/** Runs `node ARGS` under /usr/bin/time (its own process group, killed on timeout); fails unless it exits 0. */
async function measure(work: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Measured> {
  const timeFile = join(work, `time-${timings++}.txt`);
  const base: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: "warn" };
  // The crawl's settings are the bench's to give: none inherited from the shell.
  for (const name of Object.keys(base)) if (name.startsWith("NIANBAO_CRAWL_")) delete base[name];
  const started = performance.now();
  const child = track(spawn("/usr/bin/time", ["-o", timeFile, "-f", "%U %S %M", process.execPath, ...args], { env: { ...base, ...env }, stdio: ["ignore", "pipe", "pipe"], detached: true }), true);
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => void stop(child, true), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
  clearTimeout(timer);
  const wallMs = performance.now() - started;
  if (code !== 0) throw new Error(`node ${args.slice(0, 3).join(" ")} … failed (${code ?? "killed: timeout"}): ${stderr.split("\n").slice(-6).join(" | ")}`);
  const [user, system, rss] = readFileSync(timeFile, "utf8").trim().split("\n").pop()!.split(" ").map(Number) as [number, number, number];
  return { wallMs, cpuMs: (user + system) * 1000, rssMiB: rss / 1024, stdout, stderr };
}

/** The crawl's JSON summary lines (one per site). */
function runsOf(m: Measured): (Record<string, number | string> & { site: string })[] {
  return m.stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, number | string> & { site: string });
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

function statuses(log: Served[]): string {
  const by = new Map<number, number>();
  for (const r of log) by.set(r.status, (by.get(r.status) ?? 0) + 1);
  return [...by].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${n}×${s}`).join(", ");
}

// ───────────────────────────── (1) one site, politeness off ─────────────────────────────

/** A crawled site's state, as the file state kept it. */
interface KeptState {
  urls: UrlState[];
  run: SiteRun;
  /** Origin of its URLs (to rewrite them for Redis). */
  origin: string;
}

interface OneSite {
  lines: string[];
  /** The state of the site of (1) after its re-crawl. */
  whole: KeptState;
  /** The state of a typical site (30 reports over 3 listing pages) after its first crawl. */
  typical: KeptState;
  /** CPU ms a request of the re-crawl and a page of the plain extract (differences of two sizes), for the projection. */
  cpuPerRequestMs: number;
  cpuPerExtractMs: number;
}

/** The state a crawl kept in its store (its one site). */
function keptState(store: string, origin: string): KeptState & { bytes: number } {
  const siteDir = readdirSync(join(store, "crawl"))[0]!;
  const file = join(store, "crawl", siteDir, "urls.jsonl");
  return {
    urls: readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as UrlState),
    run: JSON.parse(readFileSync(join(store, "crawl", siteDir, "run.json"), "utf8")) as SiteRun,
    origin,
    bytes: statSync(file).size,
  };
}

const compactBytes = (states: UrlState[]) => sum(states.map((u) => Buffer.byteLength(JSON.stringify(u))));

/** Bytes of a state file per URL, and of its listing and report pages' states. */
function stateLine(label: string, kept: KeptState & { bytes: number }): string[] {
  const listings = kept.urls.filter((u) => u.outcome === "navigation");
  const reports = kept.urls.filter((u) => u.outcome === "report");
  const links = sum(listings.map((u) => u.follow?.length ?? 0)) / Math.max(1, listings.length);
  return [
    row(label, kib(kept.bytes), `${kept.urls.length} URLs: ${(kept.bytes / kept.urls.length).toFixed(0)} B a URL as written, ${(compactBytes(kept.urls) / kept.urls.length).toFixed(0)} B as compact JSON`),
    row("", "", `a listing page's state ${(compactBytes(listings) / Math.max(1, listings.length)).toFixed(0)} B (${links.toFixed(0)} links kept for its 304s), a report page's ${(compactBytes(reports) / Math.max(1, reports.length)).toFixed(0)} B`),
  ];
}

async function oneSite(root: string, work: string, pages: Page[]): Promise<OneSite> {
  const bin = join(root, "bin/nianbao.mjs");
  const docs = { ...listingPages(pages, join(work, "docs"), "one"), ...Object.fromEntries(pages.map((p) => [p.path, p.file])) };
  const listings = Object.keys(docs).length - pages.length;
  const small = pages.slice(0, 30);
  const smallDocs = { ...listingPages(small, join(work, "docs"), "small"), ...Object.fromEntries(small.map((p) => [p.path, p.file])) };
  const server = await startServer(work, "one", {
    latencyMs: 0,
    sites: [
      { address: "127.0.0.1", docs, robots: null },
      { address: "127.0.0.1", docs: smallDocs, robots: null },
      // A site whose robots.txt forbids everything: a crawl's start-up, modules and one request.
      { address: "127.0.0.1", docs: {}, robots: "User-agent: *\nDisallow: /\n" },
    ],
  });
  try {
    const origins = server.ports.map((port) => `http://127.0.0.1:${port}`);
    const crawl = (site: number, store: string) => [bin, "crawl", `${origins[site]}/xxgknb/index.html`, "--out", join(work, store), "--interval", "0", "--allow-host", "127.0.0.1", "--json"];
    const lines = [
      `  (1) one site: ${pages.length} report pages over ${listings} listing pages (createPageHTML), politeness off (--interval 0, robots.txt 404);`,
      `      the same with 30 report pages over 3 listing pages, so that CPU a request is the difference of the two (start-up cancels out)`,
    ];

    const idle: Measured[] = [];
    for (let i = 0; i < 3; i++) idle.push(await measure(work, crawl(2, `store-blocked-${i}`), {}, 30_000));
    const startCpu = Math.min(...idle.map((m) => m.cpuMs));
    /** A crawl of one of the sites, and the requests the server had from it. */
    const crawlOf = async (site: number, store: string, timeoutMs: number): Promise<[Measured, Served[]]> => {
      await server.clear();
      const m = await measure(work, crawl(site, store), {}, timeoutMs);
      return [m, (await server.log()).filter((r) => r.site === site)];
    };
    const [first, firstLog] = await crawlOf(0, "store-one", 150_000);
    const [again, againLog] = await crawlOf(0, "store-one", 60_000);
    const [smallFirst, smallFirstLog] = await crawlOf(1, "store-small", 60_000);
    const [smallAgain, smallAgainLog] = await crawlOf(1, "store-small", 60_000);

    // The same pages extracted by one plain process (the CLI's fast start): what extraction alone costs.
    const extract = await measure(work, [bin, "extract", "--out", join(work, "records-one"), ...pages.map((p) => p.file)], {}, 150_000);
    const extractSmall = await measure(work, [bin, "extract", "--out", join(work, "records-small"), ...small.map((p) => p.file)], {}, 60_000);
    const extracted = readdirSync(join(work, "records-one")).length;

    const [r1] = runsOf(first);
    const [r2] = runsOf(again);
    if (!r1 || !r2) throw new Error(`the crawl printed no summary: ${first.stdout} ${again.stdout}`);
    const n1 = firstLog.length;
    const n2 = againLog.length;
    const extraPages = pages.length - small.length;
    // Per request (and per report page) from the difference between the large and the small site.
    const perRequest = (big: Measured, bigN: number, little: Measured, littleN: number) => (big.cpuMs - little.cpuMs) / (bigN - littleN);
    const firstPerRequest = perRequest(first, n1, smallFirst, smallFirstLog.length);
    const againPerRequest = perRequest(again, n2, smallAgain, smallAgainLog.length);
    const firstPerReport = (first.cpuMs - smallFirst.cpuMs) / extraPages;
    const extractPerPage = (extract.cpuMs - extractSmall.cpuMs) / extraPages;
    const rate = (n: number, m: Measured) => `${(n / (m.wallMs / 1000)).toFixed(0)} requests/s, ${(pages.length / (m.wallMs / 1000)).toFixed(1)} report pages/s`;
    lines.push(
      row("start-up: a crawl robots.txt stops at once", sec(Math.min(...idle.map((m) => m.wallMs))), `CPU ${int(startCpu)} ms (best of 3): node, the CLI's and the crawler's modules, one request`),
      row("(a) first crawl, extracting every page", sec(first.wallMs), `${n1} requests (${statuses(firstLog)}; the 404 is robots.txt): ${rate(n1, first)}`),
      row("", "", `CPU ${int(first.cpuMs)} ms, peak RSS ${first.rssMiB.toFixed(0)} MiB; ${r1.reportsFound} reports (${r1.newReports} new), ${r1.notReports} not reports, ${r1.errors} errors`),
      row("  CPU a request", `${firstPerRequest.toFixed(1)} ms`, `(${int(first.cpuMs)} − ${int(smallFirst.cpuMs)} ms of the 30-report site) / (${n1} − ${smallFirstLog.length}) requests; ${((first.cpuMs - startCpu) / n1).toFixed(1)} ms net of start-up`),
      row("  CPU a report page (its listing's share in)", `${firstPerReport.toFixed(1)} ms`, `the same difference / ${extraPages} report pages`),
      row(`  plain nianbao extract, ${pages.length} and 30 pages`, `${extractPerPage.toFixed(1)} ms`, `a page: (${int(extract.cpuMs)} − ${int(extractSmall.cpuMs)} ms) / ${extraPages}; one process each, ${extracted} records, ${sec(extract.wallMs)}, peak RSS ${extract.rssMiB.toFixed(0)} MiB`),
      row("  extraction's share of a report page", `${((100 * extractPerPage) / firstPerReport).toFixed(0)} %`, "plain extract's CPU a page / the first crawl's CPU a report page"),
      row("(b) re-crawl, every page 304", sec(again.wallMs), `${n2} requests (${statuses(againLog)}): ${rate(n2, again)}`),
      row("", "", `CPU ${int(again.cpuMs)} ms, peak RSS ${again.rssMiB.toFixed(0)} MiB; ${r2.pagesFetched} fetched, ${r2.notModified} unchanged, ${r2.reportsFound} reports (${r2.newReports} new), ${r2.errors} errors`),
      row("  CPU a request: the crawler alone", `${againPerRequest.toFixed(2)} ms`, `(${int(again.cpuMs)} − ${int(smallAgain.cpuMs)} ms) / (${n2} − ${smallAgainLog.length}); ${((again.cpuMs - startCpu) / n2).toFixed(2)} ms net of start-up`),
    );
    const whole = keptState(join(work, "store-one"), origins[0]!);
    const typical = keptState(join(work, "store-small"), origins[1]!);
    lines.push(...stateLine("crawl state file (urls.jsonl)", whole), ...stateLine("  a site of 30 reports over 3 listing pages", typical));
    return { lines, whole, typical, cpuPerRequestMs: againPerRequest, cpuPerExtractMs: extractPerPage };
  } finally {
    await server.close();
  }
}

// ───────────────────────────── (2) many hosts, politeness on ─────────────────────────────

interface HostFigures {
  requests: number;
  /** Gaps from a response's end to the host's next request (the gate's spacing), ms. */
  gaps: number[];
  minStartToStart: number;
  /** Most of the host's own requests in flight at one instant (the gate allows 1). */
  ownOverlap: number;
  /** The host's lower bound: (n − 1) intervals + n latencies, ms. */
  bound: number;
}

function hostFigures(log: Served[], hosts: number): HostFigures[] {
  return Array.from({ length: hosts }, (_, h) => {
    const rs = log.filter((r) => r.site === h).sort((a, b) => a.start - b.start);
    const gaps: number[] = [];
    let minStartToStart = Infinity;
    for (let i = 1; i < rs.length; i++) {
      gaps.push(rs[i]!.start - rs[i - 1]!.end);
      minStartToStart = Math.min(minStartToStart, rs[i]!.start - rs[i - 1]!.start);
    }
    const ownOverlap = maxOverlap(rs.map((r, i) => ({ key: i, start: r.start, end: r.end })));
    return { requests: rs.length, gaps, minStartToStart, ownOverlap, bound: (rs.length - 1) * INTERVAL_S * 1000 + rs.length * LATENCY_MS };
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** The most intervals open at one instant, counting each key once (sweep over starts and ends). */
function maxOverlap(spans: { key: number; start: number; end: number }[]): number {
  const events = spans.flatMap((s) => [
    { t: s.start, key: s.key, d: 1 },
    { t: s.end, key: s.key, d: -1 },
  ]);
  events.sort((a, b) => a.t - b.t || a.d - b.d);
  const open = new Map<number, number>();
  let best = 0;
  for (const e of events) {
    const n = (open.get(e.key) ?? 0) + e.d;
    if (n === 0) open.delete(e.key);
    else open.set(e.key, n);
    best = Math.max(best, open.size);
  }
  return best;
}

async function manyHosts(root: string, work: string, pool: Page[], hosts: number, perHost: number): Promise<string[]> {
  const bin = join(root, "bin/nianbao.mjs");
  const robots = `User-agent: *\nCrawl-delay: ${INTERVAL_S}\nDisallow:\n`;
  const sites = Array.from({ length: hosts }, (_, h) => {
    const reports = Array.from({ length: perHost }, (_, j) => pool[(h * perHost + j) % pool.length]!);
    const docs = { ...listingPages(reports, join(work, "docs"), `host-${h}`), ...Object.fromEntries(reports.map((p) => [p.path, p.file])) };
    return { address: `127.0.1.${h + 1}`, docs, robots };
  });
  const server = await startServer(work, "hosts", { latencyMs: LATENCY_MS, sites });
  const lines = [
    `  (2) ${hosts} sites on ${hosts} loopback addresses (127.0.1.1–127.0.1.${hosts}), each robots.txt + 1 listing + ${perHost} report pages; politeness on:`,
    `      robots.txt Crawl-delay ${INTERVAL_S} and --interval ${INTERVAL_S} (the gate counts it from an answer's end to the next request), every answer sent after ${LATENCY_MS} ms;`,
    `      ONE crawl process; the server's log times a request from its connection's accept to its answer's last byte handed to the socket`,
  ];
  try {
    const urls = server.ports.map((port, h) => `http://127.0.1.${h + 1}:${port}/xxgknb/index.html`);
    for (const [label, concurrency, store] of [
      [`NIANBAO_CRAWL_CONCURRENCY=${hosts}, first crawl (extracting ${hosts * perHost} reports)`, hosts, "all"],
      [`NIANBAO_CRAWL_CONCURRENCY=${hosts}, re-crawl: every page 304, nothing to extract`, hosts, "all"],
      [`default concurrency (8 sites at once), first crawl`, 8, "default"],
    ] as const) {
      await server.clear();
      const env = concurrency === 8 ? {} : { NIANBAO_CRAWL_CONCURRENCY: String(concurrency) };
      const m = await measure(work, [bin, "crawl", ...urls, "--out", join(work, `store-hosts-${store}`), "--interval", String(INTERVAL_S), "--allow-host", "127.0.1.0/24", "--json"], env, 150_000);
      const log = await server.log();
      const runs = runsOf(m);
      const figures = hostFigures(log, hosts);
      const serial = sum(figures.map((f) => f.bound));
      const perHostBound = Math.max(...figures.map((f) => f.bound));
      const rounds = Math.ceil(hosts / concurrency);
      const span = Math.max(...log.map((r) => r.end)) - Math.min(...log.map((r) => r.start));
      const gaps = figures.flatMap((f) => f.gaps);
      const minGap = Math.min(...gaps);
      const minStartGap = Math.min(...figures.map((f) => f.minStartToStart));
      const own = Math.max(...figures.map((f) => f.ownOverlap));
      const inFlight = maxOverlap(log.map((r) => ({ key: r.site, start: r.start, end: r.end })));
      const active = maxOverlap(
        figures.map((_, h) => {
          const rs = log.filter((r) => r.site === h);
          return { key: h, start: Math.min(...rs.map((r) => r.start)), end: Math.max(...rs.map((r) => r.end)) };
        }),
      );
      const found = sum(runs.map((r) => Number(r.reportsFound)));
      const fresh = sum(runs.map((r) => Number(r.newReports)));
      const errors = sum(runs.map((r) => Number(r.errors)));
      lines.push(
        `    ${label}`,
        row("  whole process, wall", sec(m.wallMs), `${log.length} requests (${statuses(log)}), ${found} reports found (${fresh} new), ${errors} errors; CPU ${sec(m.cpuMs)} (${((100 * m.cpuMs) / m.wallMs).toFixed(0)} % of the wall), peak RSS ${m.rssMiB.toFixed(0)} MiB`),
        row("  first request to last answer (server log)", sec(span), `${(log.length / (span / 1000)).toFixed(0)} requests/s over all hosts`),
        row("  serial lower bound", sec(serial), `Σ over hosts of (requests − 1) × ${INTERVAL_S} s + requests × ${LATENCY_MS} ms: ${(serial / span).toFixed(1)}× the span`),
        row(
          "  per-host lower bound",
          sec(perHostBound),
          `the largest host's${rounds > 1 ? `; ${rounds} rounds of ${concurrency} sites: ${sec(rounds * perHostBound)}` : ""}; the span is ${(span / (rounds * perHostBound)).toFixed(2)}× it`,
        ),
        row("  gap on one host, answer's end → next request", `${minGap.toFixed(1)} ms`, `the smallest (${minGap >= INTERVAL_S * 1000 ? "≥" : "< : NOT kept,"} ${INTERVAL_S * 1000} ms); median ${median(gaps).toFixed(1)} ms; start → start at least ${minStartGap.toFixed(1)} ms`),
        row("  hosts with a request in flight at once", `${inFlight}`, `the most at one instant; one host's own requests: ${own <= 1 ? "never two at once" : `${own} at once: the gate did NOT hold`}`),
        row("  hosts mid-crawl at once", `${active}`, "the most between their first request and their last answer at one instant"),
      );
    }
    return lines;
  } finally {
    await server.close();
  }
}

// ───────────────────────────── (3) Redis ─────────────────────────────

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      const port = typeof a === "object" && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

async function redisMemory(work: string, one: OneSite): Promise<string[]> {
  if (spawnSync("redis-server", ["--version"]).status !== 0) return ["  (3) redis-server not installed (apt-get install redis-server): Redis memory not measured"];
  const { Redis } = await import("ioredis");
  const { Queue } = await import("bullmq");
  const { RedisCrawlState } = await import("../src/crawl/state.js");
  const { RedisHostGate, RedisRobotsStore } = await import("../src/crawl/politeness/index.js");
  const { scheduleSites } = await import("../src/queue/crawl.js");
  const { SiteProfile } = await import("../src/crawl/profile.js");

  const port = await freePort();
  const dir = join(work, "redis");
  mkdirSync(dir);
  const server = track(spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], { stdio: "ignore" }));
  const redis: RedisClient = new Redis({ host: "127.0.0.1", port, lazyConnect: true, maxRetriesPerRequest: null, retryStrategy: () => 50 });
  redis.on("error", () => {});
  const prefix = "nianbao";
  let queue: BullQueue | undefined;
  try {
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        await redis.connect().catch(() => {});
        if ((await redis.ping()) === "PONG") break;
      } catch {
        if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not start`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    const used = async () => Number(/used_memory:(\d+)/.exec(await redis.info("memory"))![1]);
    const usage = async (key: string) => Number(await redis.call("MEMORY", "USAGE", key, "SAMPLES", "0"));
    const keysLike = async (pattern: string) => {
      const out: string[] = [];
      let cursor = "0";
      do {
        const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 1000);
        cursor = next;
        out.push(...keys);
      } while (cursor !== "0");
      return out;
    };
    /** INFO used_memory grown by writing `write(k)` for k = 1 … REDIS_SITES, per site (k = 0 first, as warm-up: scripts, shared keys). */
    const perSite = async (write: (k: number) => Promise<void>): Promise<number> => {
      await write(0);
      const before = await used();
      for (let k = 1; k <= REDIS_SITES; k++) await write(k);
      return ((await used()) - before) / REDIS_SITES;
    };

    const host = (k: number) => `www.county${String(k).padStart(4, "0")}.gov.cn`;
    const origin = (k: number) => `http://${host(k)}`;
    /** A state as a real site's: the loopback origin replaced by a county's. */
    const rewrite = <T>(value: T, from: string, k: number): T => JSON.parse(JSON.stringify(value).split(from).join(origin(k))) as T;
    const typical = one.typical.urls;
    const state = new RedisCrawlState(redis, prefix);
    const writeUrls = (kept: KeptState, site: string, k: number) => Promise.all(rewrite(kept.urls, kept.origin, k).map((u) => state.putUrl(site, u))).then(() => undefined);

    // The whole site of (1), once: per URL.
    await writeUrls(one.whole, "bench-whole", 0);
    const whole = await usage(`${prefix}:crawl:site:bench-whole:urls`);
    const wholeEncoding = await redis.call("OBJECT", "ENCODING", `${prefix}:crawl:site:bench-whole:urls`);
    await redis.del(`${prefix}:crawl:site:bench-whole:urls`);

    const urlsDelta = await perSite((k) => writeUrls(one.typical, host(k), k));
    const typicalKey = await usage(`${prefix}:crawl:site:${host(1)}:urls`);
    const runDelta = await perSite((k) => state.putRun(rewrite({ ...one.typical.run, site: host(k) }, one.typical.origin, k)));
    const runKey = await usage(`${prefix}:crawl:site:${host(1)}:run`);
    const sitesKey = await usage(`${prefix}:crawl:sites`);

    const gate = new RedisHostGate({ redis, prefix: `${prefix}:crawl:host:`, renew: false });
    const gateDelta = await perSite(async (k) => {
      const lease = await gate.acquire(host(k), 2000);
      await lease.release();
    });
    const gateKey = await usage(`${prefix}:crawl:host:${host(1)}`);
    const gateTtl = await redis.pttl(`${prefix}:crawl:host:${host(1)}`);

    const robots = new RedisRobotsStore({ redis, prefix: `${prefix}:crawl:robots:` });
    const robotsBody = "User-agent: *\nDisallow: /search/\nDisallow: /admin/\nDisallow: /cms/\nCrawl-delay: 2\nSitemap: https://www.example.gov.cn/sitemap.xml\n";
    const robotsDelta = await perSite((k) => robots.set(origin(k), { status: 200, body: robotsBody, truncated: false, fetchedAt: Date.now() }));
    const robotsKey = await usage(`${prefix}:crawl:robots:${origin(1)}`);

    // The job scheduler of a site (queue mode's weekly run): its scheduler hash and the next (delayed) run's job.
    queue = new Queue("crawl", { connection: { host: "127.0.0.1", port, maxRetriesPerRequest: null }, prefix });
    const profile = (k: number) => SiteProfile.parse({ id: host(k), start: [`${origin(k)}/zwgk/xxgkml/xxgknb/index.html`] });
    const scheduled: ReturnType<typeof profile>[] = [];
    const schedulerDelta = await perSite(async (k) => {
      scheduled.push(profile(k));
      // Every site registered so far (scheduleSites removes the schedulers of sites not given).
      if (k === 0 || k === REDIS_SITES) await scheduleSites(queue!, [...scheduled], "0 3 * * 1");
    });
    const schedulerKeys = await keysLike(`${prefix}:crawl:repeat:site:${host(1)}*`);
    const schedulerKey = sum(await Promise.all(schedulerKeys.map(usage)));
    const events = await usage(`${prefix}:crawl:events`).catch(() => 0);
    const eventCount = await redis.xlen(`${prefix}:crawl:events`).catch(() => 0);

    const perUrl = urlsDelta / typical.length;
    const siteTotal = urlsDelta + runDelta + gateDelta + robotsDelta + schedulerDelta;
    const lines = [
      `  (3) Redis memory of per-site state, queue mode's keys written by RedisCrawlState, RedisHostGate, RedisRobotsStore and scheduleSites`,
      `      (redis-server ${/redis_version:(\S+)/.exec(await redis.info("server"))?.[1] ?? "?"}, fresh, --save ""); URLs rewritten to http://www.countyNNNN.gov.cn/…; INFO used_memory growth over ${REDIS_SITES} sites ÷ ${REDIS_SITES}, and MEMORY USAGE of one site's keys`,
      row(`the site of (1): ${one.whole.urls.length} URL states, a hash`, kib(whole), `MEMORY USAGE; ${(whole / one.whole.urls.length).toFixed(0)} B a URL (encoding ${String(wholeEncoding)})`),
      row(`a site of 30 reports: ${typical.length} URL states`, kib(urlsDelta), `per site (its crawl's own states); ${perUrl.toFixed(0)} B a URL; MEMORY USAGE of its hash ${kib(typicalKey)}`),
      row("its run record and its member of …:sites", kib(runDelta), `per site; MEMORY USAGE ${kib(runKey)} + the set ${kib(sitesKey)} for ${REDIS_SITES + 1} sites`),
      row("its host gate key (after a request)", `${bytesOrKib(gateDelta)}`, `per host; MEMORY USAGE ${gateKey} B; expires ${(gateTtl / 60_000).toFixed(0)} min after the host's last request`),
      row(`its robots.txt snapshot (${Buffer.byteLength(robotsBody)} B file)`, `${bytesOrKib(robotsDelta)}`, `per host; MEMORY USAGE ${robotsKey} B; expires after 24 h`),
      row("its job scheduler and next run (BullMQ)", kib(schedulerDelta), `per site; MEMORY USAGE of its ${schedulerKeys.length} keys ${kib(schedulerKey)}, plus the queue's shared event stream (${eventCount} events, ${kib(events)}, capped)`),
      row("host health (RedisHostHealth)", "0 B", "deleted on every success: only failing hosts have a key, for a day"),
      row("a typical site, all of it", kib(siteTotal), "URL states + run + gate + robots + scheduler"),
    ];

    // On paper: 10,000 sites on a weekly schedule.
    const sites = 10_000;
    const requestsPerSite = 1 + typical.length; // robots.txt + 3 listing pages + 30 report pages
    const weekS = 7 * 24 * 3600;
    const requestsPerWeek = sites * requestsPerSite;
    // A county column gains a handful of reports a year (one per organ and year): 5 a site a year.
    const newReports = Math.round((sites * 5) / 52);
    lines.push(
      "",
      `  on paper: ${int(sites)} sites, weekly, each robots.txt + 3 listing pages + 30 report pages (HTML, no attachments), the default 2 s per-host interval`,
      row("Redis, per-site state (all keys at once)", mib(sites * siteTotal), `${int(sites)} × ${kib(siteTotal)}; URL states alone ${mib(sites * urlsDelta)} (${int(sites * typical.length)} URLs × ${perUrl.toFixed(0)} B)`),
      row("  of it expiring (gate 10 min, robots 24 h)", mib(sites * (gateDelta + robotsDelta)), "the upper bound: every host crawled within the last day"),
      row("requests", `${(requestsPerWeek / weekS).toFixed(2)}/s`, `${int(requestsPerWeek)} a week spread over the week; all conditional after the first run (304s)`),
      row("crawler CPU for them (304 re-crawl rate)", `${((requestsPerWeek * one.cpuPerRequestMs) / 3_600_000).toFixed(2)} h/week`, `${one.cpuPerRequestMs.toFixed(2)} ms a request, from (1b)`),
      row(`extraction CPU, ${int(newReports)} new reports a week`, `${((newReports * one.cpuPerExtractMs) / 60_000).toFixed(1)} min/week`, `5 a site a year, ${one.cpuPerExtractMs.toFixed(1)} ms a report from (1a)'s plain extract (HTML; PDFs cost more)`),
      row(`  the first run: ${int(sites * 30)} reports`, `${((sites * 30 * one.cpuPerExtractMs) / 3_600_000).toFixed(1)} h`, "once"),
      row("one site's run, at least", `${(requestsPerSite - 1) * 2} s`, `(${requestsPerSite} − 1) × 2 s: a worker's 8 lanes fit ≤ ${int((8 * weekS) / ((requestsPerSite - 1) * 2))} such runs a week (the interval, not CPU, is the limit)`),
    );
    return lines;
  } finally {
    await queue?.close().catch(() => {});
    redis.disconnect();
    await stop(server);
  }
}

// ───────────────────────────── the section ─────────────────────────────

export async function benchCrawl(root: string, options: CrawlBenchOptions = {}): Promise<string[]> {
  const n = options.pages ?? 300;
  const hosts = options.hosts ?? 50;
  const perHost = options.hostPages ?? 6;
  const started = performance.now();
  const work = mkdtempSync(join(tmpdir(), "nianbao-bench-crawl-"));
  // Stopped by a signal: the servers, Redis and any crawl go too, and the temporary files.
  const onSignal = (signal: NodeJS.Signals) => {
    endChildren();
    rmSync(work, { recursive: true, force: true });
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const t = performance.now();
    const pages = reportPages(Math.max(n, Math.min(hosts * perHost, 1000)), join(work, "docs"));
    const lines = [
      "",
      `crawl (whole \`nianbao crawl\` processes against a web server in a child process on loopback; CPU = user + system of the crawl process, /usr/bin/time)`,
      row("made the pages", sec(performance.now() - t), `${pages.length} report pages from the fixture reports (${kib(sum(pages.map((p) => statSync(p.file).size)) / pages.length)} each on average)`),
    ];
    const one = await oneSite(root, work, pages.slice(0, n));
    lines.push(...one.lines, ...(await manyHosts(root, work, pages, hosts, perHost)), ...(await redisMemory(work, one)));
    lines.push(row("crawl section's own run time", sec(performance.now() - started)));
    return lines;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    rmSync(work, { recursive: true, force: true });
  }
}
