/**
 * `nianbao crawl` in-process against real HTTP servers on 127.0.0.0/8 (tests/crawl-site):
 * the pingtan column as the government site serves it, a TRS-style site of the
 * project's own reports (home page → section → column of three listing pages,
 * attachments, a GBK page, a notice, robots.txt), and a site of faults. Every record is
 * compared with `extract` of the same bytes; the servers' own logs prove what was and
 * was not requested, and how far apart.
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { crawlLocally } from "../src/crawl/index.js";
import { profilesForUrls, SiteProfile } from "../src/crawl/profile.js";
import { crawlSettings, type CrawlSettings } from "../src/crawl/settings.js";
import type { ConnectTarget } from "../src/crawl/net/index.js";
import { createLogger } from "../src/log.js";
import type { ReportRecord } from "../src/model/record.js";
import { extractReport } from "../src/pipeline.js";
import { LocalStore } from "../src/store/local.js";
import { EXTRACTOR } from "../src/version.js";
import { pictureFetcher, requestsTo, startFixtureSites, type ExpectedReport, type FixtureSites, type RequestLogEntry } from "./crawl-site/server.js";
import { ROOT, itCorpus, tempDir } from "./helpers.js";

const log = createLogger({ test: "crawl" }, "silent");

/** Every record file of a store (this extractor version), by its key: the input's hash, or the manifest's of a page stored with its pictures. */
function recordsByKey(dir: string): Map<string, ReportRecord> {
  const root = join(dir, "records", EXTRACTOR.version);
  const walk = (d: string): string[] => (existsSync(d) ? readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)])) : []);
  return new Map(walk(root).map((file) => [basename(file, ".json"), JSON.parse(readFileSync(file, "utf8")) as ReportRecord]));
}

/** Every record of a store (this extractor version), by input hash (`source.sha256`). */
function storedRecords(dir: string): Map<string, ReportRecord> {
  return new Map([...recordsByKey(dir).values()].map((record) => [record.source.sha256, record]));
}

/** A record without what only a crawl adds (where and when it was fetched) and the name it was given. */
function content(record: ReportRecord): unknown {
  const { url: _u, fetchedAt: _f, foundOn: _o, linkText: _l, name: _n, ...source } = record.source;
  return { ...record, source };
}

async function extracted(report: ExpectedReport): Promise<unknown> {
  return content(await extractReport({ bytes: report.bytes, name: report.url, pictures: report.pictures ? pictureFetcher(report.url) : undefined }));
}

describe("crawl in this process", () => {
  let sites: FixtureSites;
  let connects: ConnectTarget[];
  const settings = (extra: Partial<CrawlSettings> = {}): CrawlSettings =>
    crawlSettings({}, { intervalMs: 20, allowHosts: sites.addresses, timeoutMs: 1500, maxBytes: 1024 * 1024, retries: 2, ...extra });
  const crawl = (profiles: SiteProfile[], dataDir: string, extra: Partial<CrawlSettings> = {}) =>
    crawlLocally(profiles, { dataDir, settings: settings(extra), log, fetcher: { onConnect: (t) => connects.push(t) } });

  beforeAll(async () => {
    sites = await startFixtureSites({ slowMs: 4000, oversizedBytes: 3 * 1024 * 1024 });
  }, 120_000);
  afterAll(async () => {
    await sites?.close();
  });

  itCorpus(
    "finds the pingtan column's reports on its real listing page, records what it cannot read, and extracts each as extract does",
    async () => {
      const pingtan = sites.pingtan!;
      connects = [];
      const dir = tempDir("crawl-pingtan-");
      const [run] = await crawl(profilesForUrls([pingtan.listing]), dir);
      expect(run).toMatchObject({ status: "finished", reportsFound: pingtan.reports.length, newReports: pingtan.reports.length, errors: pingtan.missing.length });
      expect(run!.failures.map((f) => f.code).sort()).toEqual(pingtan.missing.map(() => "HTTP_404"));
      // Page 2 of the column exists only behind the page's script: said, not silently dropped.
      expect(run!.unreadable).toHaveLength(1);
      expect(run!.unreadable[0]!.description).toMatch(/2|10|20/);
      const records = storedRecords(dir);
      expect(records.size).toBe(pingtan.reports.length);
      for (const report of pingtan.reports) {
        const record = records.get(report.sha256)!;
        expect(record, report.url).toBeDefined();
        expect(record.source).toMatchObject({ url: report.url, foundOn: report.foundOn, linkText: report.linkText });
        expect(Date.parse(record.source.fetchedAt!)).toBeGreaterThan(Date.now() - 600_000);
        expect(content(record)).toEqual(await extracted(report));
        // Each report requested once.
        expect(requestsTo(sites.log, "pingtan", report.url)).toHaveLength(1);
      }
    },
    120_000,
  );

  itCorpus("follows the listing pages a profile names when the site's own are script-only", async () => {
    const pingtan = sites.pingtan!;
    const dir = tempDir("crawl-hint-");
    const from = sites.log.length;
    const [run] = await crawl([SiteProfile.parse({ id: "pingtan", start: [pingtan.listing], pagination: { pattern: "index_{n}.htm", pages: 2 } })], dir);
    const asked = sites.log.slice(from).map((e) => e.path);
    expect(asked).toContain(`${new URL(pingtan.listing).pathname}index_1.htm`);
    // The site has no such static page: a 404, counted, not a silent stop.
    expect(run!.failures.some((f) => f.url.endsWith("/index_1.htm") && f.code === "HTTP_404")).toBe(true);
  }, 120_000);

  it("walks a site from its home page to every report, once each, politely, and reads nothing it must not", async () => {
    const trs = sites.trs;
    connects = [];
    const dir = tempDir("crawl-trs-");
    const from = sites.log.length;
    const [run] = await crawl(profilesForUrls([trs.home]), dir);
    const requests = sites.log.slice(from).filter((e) => e.site === "trs");
    const expected = trs.reports;
    expect(run).toMatchObject({ status: "finished", reportsFound: expected.length + trs.attachmentPages.length, notReports: trs.notices.length, unsupported: trs.unsupported.length, errors: 0 });
    const records = storedRecords(dir);
    for (const report of expected) {
      const record = records.get(report.sha256);
      expect(record, report.url).toBeDefined();
      expect(record!.source).toMatchObject({ url: report.url, foundOn: report.foundOn });
      // The link's text, or its title where the listing cut the text short ("…").
      expect([report.linkText, report.title]).toContain(record!.source.linkText);
      expect(content(record!)).toEqual(await extracted(report));
      expect(requests.filter((e) => e.path === new URL(report.url).pathname)).toHaveLength(1);
    }
    // The page whose table 四 is a picture: the crawl fetched the picture once, under the same rules (robots, gate), and OCR read it.
    const pictured = expected.filter((r) => r.pictures);
    expect(pictured).toHaveLength(1);
    for (const report of pictured) {
      for (const picture of report.pictures!) expect(requests.filter((e) => e.path === new URL(picture).pathname)).toHaveLength(1);
      expect(records.get(report.sha256)!.source.textSource).toBe("mixed");
      // Stored with its picture: the record goes by the manifest of the page and its picture, itself in the store.
      const [key] = [...recordsByKey(dir)].find(([, r]) => r.source.sha256 === report.sha256)!;
      expect(key).not.toBe(report.sha256);
      const manifest = JSON.parse(Buffer.from(await new LocalStore(dir).getBlob(key)).toString("utf8")) as { page: string; pictures: { src: string; blob: string }[] };
      expect(manifest.page).toBe(report.sha256);
      expect(manifest.pictures).toHaveLength(report.pictures!.length);
    }
    // The pages whose report is an attachment read as reports without tables (the export prefers the attachment).
    for (const page of trs.attachmentPages) expect([...records.values()].find((r) => r.source.url === page.url)?.meta.template).toBeNull();
    expect(records.size).toBe(expected.length + trs.attachmentPages.length);
    // The .xls is kept by content, to be read if the extractor ever reads spreadsheets.
    for (const file of trs.unsupported) expect(await new LocalStore(dir).hasBlob(file.sha256)).toBe(true);
    // robots.txt: once, its Disallow obeyed, its Crawl-delay kept between any two requests.
    expect(requests.filter((e) => e.path === "/robots.txt")).toHaveLength(1);
    expect(requests.some((e) => e.path.startsWith(trs.robots.disallow))).toBe(false);
    const gaps = startGaps(requests);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(trs.robots.crawlDelaySeconds * 1000 - 5);
    expect(requests.every((e) => e.userAgent?.startsWith(`nianbao/${EXTRACTOR.version}`))).toBe(true);
    // Nothing off the site, no connection anywhere but the site's address.
    expect(requestsTo(sites.log, "external")).toHaveLength(0);
    expect(new Set(connects.map((c) => `${c.address}:${c.port}`))).toEqual(new Set([new URL(trs.base).host]));

    // Again: every request conditional, 304s, nothing extracted; the notice not asked again.
    const second = sites.log.length;
    const [again] = await crawl(profilesForUrls([trs.home]), dir);
    const revisits = sites.log.slice(second).filter((e) => e.site === "trs" && e.path !== "/robots.txt");
    expect(revisits.length).toBeGreaterThan(0);
    expect(revisits.every((e) => e.ifNoneMatch !== null || e.ifModifiedSince !== null)).toBe(true);
    expect(revisits.every((e) => e.status === 304)).toBe(true);
    expect(again).toMatchObject({ newReports: 0, notModified: revisits.length, errors: 0 });
    for (const notice of trs.notices) expect(revisits.some((e) => e.path === new URL(notice).pathname)).toBe(false);
    expect(storedRecords(dir).size).toBe(records.size);

    // A report changed at its URL: a new record, the old one kept.
    const changed = expected.find((r) => r.kind === "html")!;
    const text = Buffer.from(changed.bytes).toString("utf8").replace("</body>", "<p>（更正）</p></body>");
    sites.change(changed.url, text);
    const [third] = await crawl(profilesForUrls([trs.home]), dir);
    expect(third).toMatchObject({ newReports: 1, errors: 0 });
    const after = storedRecords(dir);
    expect(after.size).toBe(records.size + 1);
    expect(after.has(changed.sha256)).toBe(true);
    expect([...after.values()].filter((r) => r.source.url === changed.url)).toHaveLength(2);
  }, 300_000);

  it("meets faults: retries what may recover, gives up on what does not, refuses private addresses without connecting", async () => {
    const faults = sites.faults;
    connects = [];
    const dir = tempDir("crawl-faults-");
    const from = sites.log.length;
    // The redirects' targets are put in the site's scope, so what refuses them is the address guard.
    const targets = [faults.redirects.redirectPrivate, faults.redirects.redirectMetadata, faults.redirects.redirectMapped].map((u) => new URL(u).host);
    const [run] = await crawl([SiteProfile.parse({ id: "faults", start: [faults.listing], hosts: targets })], dir);
    const codes = new Map(run!.failures.map((f) => [new URL(f.url).pathname, f.code]));
    const code = (name: keyof typeof faults.urls) => codes.get(new URL(faults.urls[name]).pathname);
    expect(code("notFound")).toBe("HTTP_404");
    expect(code("slow")).toBe("TIMEOUT");
    expect(code("redirectLoop")).toBe("TOO_MANY_REDIRECTS");
    expect(code("redirectPrivate")).toBe("ADDRESS_REFUSED");
    expect(code("redirectMetadata")).toBe("ADDRESS_REFUSED");
    expect(code("redirectOffsite")).toBe("OUT_OF_SCOPE");
    expect(code("oversized")).toBe("BODY_TOO_LARGE");
    expect(code("oversizedChunked")).toBe("BODY_TOO_LARGE");
    expect(code("gzipBomb")).toBe("BODY_TOO_LARGE");
    expect(code("alwaysFailing")).toBe("HTTP_500");
    // Flaky and throttled recover: their reports are read, throttled after its Retry-After.
    const records = storedRecords(dir);
    for (const report of faults.reports) expect(records.get(report.sha256)?.source.url, report.url).toBe(report.url);
    const throttled = sites.log.slice(from).filter((e) => e.path === new URL(faults.urls.throttled).pathname);
    expect(throttled.map((e) => e.status)).toEqual([429, 200]);
    expect(throttled[1]!.time - throttled[0]!.time).toBeGreaterThanOrEqual(1000 - 5);
    // No socket was ever opened to anything but the loopback sites.
    expect(connects.every((c) => c.address.startsWith("127."))).toBe(true);
    expect(connects.some((c) => c.address === "10.0.0.1" || c.address === "169.254.169.254")).toBe(false);
  }, 120_000);
});

/** The CLI from source, asynchronously (the fixture servers live in this process and must keep answering). */
function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "src/cli/index.ts"), ...args], { env: { ...process.env, LOG_LEVEL: "info", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.once("close", (status) => resolve({ status, stdout, stderr }));
  });
}

describe("nianbao crawl, the command", () => {
  let sites: FixtureSites;
  beforeAll(async () => {
    sites = await startFixtureSites({ slowMs: 1000 });
  }, 120_000);
  afterAll(async () => {
    await sites?.close();
  });

  itCorpus(
    "crawls a site in-process into a store that export reads, with a summary on stdout and progress on stderr",
    async () => {
      const pingtan = sites.pingtan!;
      const dir = tempDir("crawl-cli-");
      const r = await cli(["crawl", pingtan.listing, "--out", dir, "--interval", "0", "--allow-host", new URL(pingtan.listing).hostname, "--json"]);
      expect(r.status, r.stderr).toBe(0);
      const summary = JSON.parse(r.stdout.trim()) as { reportsFound: number; newReports: number; errors: number; unreadable: unknown[] };
      expect(summary).toMatchObject({ reportsFound: pingtan.reports.length, newReports: pingtan.reports.length, errors: pingtan.missing.length });
      expect(summary.unreadable).toHaveLength(1);
      // Logs are pino JSON lines, one of them per report extracted.
      const logs = r.stderr.trim().split("\n").map((l) => JSON.parse(l) as { msg: string });
      expect(logs.filter((l) => l.msg === "report extracted")).toHaveLength(pingtan.reports.length);
      const out = join(tempDir("crawl-cli-export-"), "x.jsonl");
      const exported = await cli(["export", "--from", dir, "--format", "jsonl", "--out", out]);
      expect(exported.status, exported.stderr).toBe(0);
      expect(readFileSync(out, "utf8").trim().split("\n")).toHaveLength(pingtan.reports.length);
    },
    120_000,
  );

  it("refuses a private address unless allowed, without a request, and bad usage, with their exit codes", async () => {
    const from = sites.log.length;
    const refused = await cli(["crawl", sites.trs.home, "--out", tempDir("crawl-cli-")]);
    expect(refused.status).toBe(16);
    expect(refused.stderr).toMatch(/CRAWL_FAILED/);
    expect(refused.stdout).toMatch(/ADDRESS_REFUSED/);
    expect(sites.log.length).toBe(from);
    expect((await cli(["crawl"])).status).toBe(2);
    expect((await cli(["crawl", "ftp://127.0.0.1/x"])).status).toBe(2);
    expect((await cli(["crawl", "--sites", join(tempDir("crawl-cli-"), "missing.yaml")])).status).toBe(3);
  }, 120_000);
});

/** Start-to-start gaps between consecutive requests, in order of arrival. */
function startGaps(requests: RequestLogEntry[]): number[] {
  return requests.slice(1).map((e, i) => e.time - requests[i]!.time);
}
