/**
 * One run over one site: from its start URLs to every report it publishes. Pages are
 * taken in the order found (breadth first): a home or section page leads to the report
 * column, the column's listing pages to report pages and other entries, a report page
 * to its attachments. Every request passes the scope, robots.txt, the host's health and
 * the per-host gate first; every document is handed to the document sink (extraction).
 * What was learnt goes to the crawl state, so the next run asks conditionally, skips
 * what it knows is no report, and still follows a listing that answered 304.
 */
import { randomUUID } from "node:crypto";
import type { Logger } from "../log.js";
import type { PictureFetcher } from "../sources/html-images.js";
import type { DocumentOutcome, DocumentSink } from "./documents.js";
import { onSite, siteHosts, type SiteProfile } from "./profile.js";
import { newRun, type CrawlState, type FollowLink, type SiteRun, type TaskKind, type UrlState } from "./state.js";
import { isFetchError, type FetchRequest, type FetchResponse, type PageLinks } from "./types.js";

/** The parts a site crawl uses, built by the caller for its mode (in-process or worker). */
export interface CrawlPorts {
  fetch(req: FetchRequest): Promise<FetchResponse>;
  gate: { acquire(host: string, minIntervalMs: number, signal?: AbortSignal): Promise<{ release(): Promise<void> }> };
  robots: {
    rules(url: string): Promise<{ kind: "rules" | "allow-all" | "disallow-all"; reason: string; snapshot: { status: number | null; error?: string | undefined }; isAllowed(url: string): boolean }>;
    crawlDelayMs(url: string): Promise<number | null>;
  };
  health: { isParked(host: string): boolean | Promise<boolean>; recordSuccess(host: string): void | Promise<void>; recordFailure(host: string): unknown };
  /** Links of an HTML page (discover/). */
  readPage(html: string, url: string): PageLinks;
  /** An HTML body as text (charset from the header, a meta tag or the bytes). */
  decodePage(body: Uint8Array, charset: string | null): { text: string };
  documents: DocumentSink;
  state: CrawlState;
  log: Logger;
}

export interface CrawlSiteOptions {
  /** Minimum gap between requests to one host when the profile sets none, in ms. @defaultValue 2000 */
  intervalMs?: number;
  /** Fetches per run at most (the profile's maxPages wins). @defaultValue 10000 */
  maxPages?: number;
  signal?: AbortSignal;
  runId?: string;
  /** Called after every URL (progress). */
  onProgress?: (run: SiteRun) => void;
}

interface Task {
  url: string;
  kind: TaskKind;
  foundOn?: string | undefined;
  linkText?: string | undefined;
  /** Navigation steps from a start page (a home page's column is 1, the column's pages 2 …). */
  depth: number;
}

/** How many steps of section pages the crawl walks to find the column. */
const MAX_NAVIGATION_DEPTH = 3;
const MAX_FAILURES_KEPT = 50;

export async function crawlSite(profile: SiteProfile, ports: CrawlPorts, options: CrawlSiteOptions = {}): Promise<SiteRun> {
  const run = newRun(profile.id, options.runId ?? randomUUID());
  const log = ports.log.child({ site: profile.id, run: run.runId });
  const maxPages = profile.maxPages ?? options.maxPages ?? 10_000;
  const intervalMs = profile.interval !== undefined ? profile.interval * 1000 : (options.intervalMs ?? 2000);
  const hosts = siteHosts(profile);
  const include = (profile.include ?? []).map((p) => new RegExp(p));
  const exclude = (profile.exclude ?? []).map((p) => new RegExp(p));
  const inScope = (url: string) => {
    const u = new URL(url);
    if (u.protocol !== "http:" && u.protocol !== "https:") return false;
    if (!onSite(hosts, u)) return false;
    if (exclude.some((r) => r.test(url))) return false;
    return include.length === 0 || include.some((r) => r.test(url));
  };

  const queue: Task[] = [];
  const seen = new Set<string>();
  const enqueue = (task: Task) => {
    if (seen.has(task.url)) return;
    seen.add(task.url);
    queue.push(task);
  };
  for (const url of profile.start) enqueue({ url: new URL(url).href, kind: "start", depth: 0 });
  const fail = (url: string, code: string, message: string) => {
    run.errors++;
    if (run.failures.length < MAX_FAILURES_KEPT) run.failures.push({ url, code, message });
    log.warn({ url, code, reason: message }, "not fetched");
  };
  await ports.state.putRun(run);

  let fetched = 0;
  try {
    while (queue.length > 0) {
      if (options.signal?.aborted) {
        run.status = "stopped";
        break;
      }
      if (fetched >= maxPages) {
        log.warn({ maxPages, left: queue.length }, "page limit reached: the rest waits for the next run");
        break;
      }
      const task = queue.shift()!;
      let follow: Awaited<ReturnType<typeof visit>>;
      try {
        follow = await visit(task);
      } catch (error) {
        // Stopped while waiting for the host or the answer: the rest is the next run's.
        if (options.signal?.aborted) {
          run.status = "stopped";
          break;
        }
        throw error;
      }
      if (follow.fetched) fetched++;
      for (const link of follow.links) {
        if (!inScope(link.url)) continue;
        const depth = link.kind === "column" || link.kind === "listing" ? task.depth + 1 : task.depth;
        if (link.kind === "column" && depth > MAX_NAVIGATION_DEPTH) continue;
        enqueue({ url: link.url, kind: link.kind, foundOn: task.url, linkText: link.text, depth });
      }
      options.onProgress?.(run);
    }
    if (run.status === "running") run.status = "finished";
  } catch (error) {
    run.status = "failed";
    fail(profile.id, "CRAWL_FAILED", (error as Error).message);
    throw error;
  } finally {
    run.finishedAt = new Date().toISOString();
    await ports.state.putRun(run);
  }
  log.info({ ...summary(run) }, "site crawled");
  return run;

  /** Fetches one URL and says what to follow from it. */
  async function visit(task: Task): Promise<{ fetched: boolean; links: FollowLink[] }> {
    const none = { fetched: false, links: [] };
    const before = await ports.state.url(profile.id, task.url);
    // A URL found to be no report is not asked again (its input and reason are kept).
    if (before?.outcome === "not-a-report" && task.kind !== "start") {
      run.skipped++;
      return none;
    }
    let home = false;
    if (before?.outcome === "submitted" && before.sha256 && ports.documents.settled) {
      // Queue mode: the extract job has since said what the content was.
      const settled = await ports.documents.settled(before.sha256);
      if (settled === "not-a-report" && task.kind === "start") home = true;
      else if (settled === "not-a-report") {
        await ports.state.putUrl(profile.id, { ...before, outcome: "not-a-report" });
        run.skipped++;
        return none;
      }
    }
    // A start page known as a home or section page is only followed, not extracted again.
    if (task.kind === "start" && (before?.outcome === "navigation" || before?.outcome === "not-a-report")) home = true;
    const url = new URL(task.url);
    const rules = await ports.robots.rules(task.url);
    if (rules.kind === "disallow-all" && rules.snapshot.status === null) {
      // robots.txt could not be had at all: the host is refused or unreachable — an error, not a rule.
      const error = rules.snapshot.error ?? "no answer";
      fail(task.url, /^([A-Z_]+):/.exec(error)?.[1] ?? "ROBOTS_UNREACHABLE", `robots.txt: ${error}`);
      return none;
    }
    if (!rules.isAllowed(task.url)) {
      run.skipped++;
      log.info({ url: task.url }, "robots.txt disallows: not requested");
      await ports.state.putUrl(profile.id, { url: task.url, outcome: "error", code: "ROBOTS_DISALLOWED", fetchedAt: new Date().toISOString(), foundOn: task.foundOn, linkText: task.linkText });
      return none;
    }
    if (await ports.health.isParked(url.host)) {
      fail(task.url, "HOST_PARKED", `${url.host} failed too often this run: parked`);
      return none;
    }
    const delay = Math.max(intervalMs, (await ports.robots.crawlDelayMs(task.url)) ?? 0);
    const lease = await ports.gate.acquire(url.host, delay, options.signal);
    let response: FetchResponse;
    try {
      response = await ports.fetch({ url: task.url, etag: before?.etag, lastModified: before?.lastModified, signal: options.signal });
    } catch (error) {
      if (!isFetchError(error)) throw error;
      if (error.transient) await ports.health.recordFailure(url.host);
      fail(task.url, error.code === "HTTP_STATUS" ? `HTTP_${error.status}` : error.code, error.message);
      await ports.state.putUrl(profile.id, { ...(before ?? {}), url: task.url, outcome: before?.outcome === "report" ? "report" : "error", code: error.code, reason: error.message, fetchedAt: new Date().toISOString(), foundOn: task.foundOn, linkText: task.linkText });
      return { fetched: true, links: [] };
    } finally {
      await lease.release();
    }
    await ports.health.recordSuccess(url.host);
    run.pagesFetched++;

    const known = { url: task.url, etag: response.etag, lastModified: response.lastModified, fetchedAt: response.fetchedAt, foundOn: task.foundOn, linkText: task.linkText };
    if (response.notModified && before) {
      run.notModified++;
      if (before.outcome === "report" || before.outcome === "submitted") run.reportsFound++;
      await ports.state.putUrl(profile.id, { ...before, ...known, etag: response.etag ?? before.etag, lastModified: response.lastModified ?? before.lastModified });
      return { fetched: true, links: before.follow ?? [] };
    }

    const html = isHtml(response);
    let links: PageLinks | null = null;
    if (html) links = ports.readPage(ports.decodePage(response.body, response.charset).text, response.url);
    if (links) {
      for (const u of links.unreadable) {
        run.unreadable.push({ page: task.url, description: u.description, pages: u.pages });
        log.warn({ url: task.url, pages: u.pages }, `listing pages that cannot be read: ${u.description}`);
      }
    }
    if (home || !isCandidate(task, links)) {
      const follow = links ? [...linksToFollow(links, "navigation"), ...hintedPages(links, response.url)] : [];
      await ports.state.putUrl(profile.id, { ...known, outcome: "navigation", follow });
      return { fetched: true, links: follow };
    }
    const outcome = await ports.documents.handle({
      bytes: response.body,
      origin: { url: response.url, fetchedAt: response.fetchedAt, ...(task.foundOn ? { foundOn: task.foundOn } : {}), ...(task.linkText ? { linkText: task.linkText } : {}) },
      ...(html ? { pictures: pictureFetcher(response.url) } : {}),
    });
    // A start page that reads as no report was a home or section page: navigation, asked again next time.
    const isHome = task.kind === "start" && outcome.kind === "not-a-report";
    if (!isHome) count(outcome, task.url);
    // A start page that is no report (or not known yet, in queue mode) may be a home
    // page: its way to the column is followed too.
    const role = task.kind === "start" && outcome.kind !== "report" ? "start" : "document";
    const follow = links ? linksToFollow(links, role) : [];
    await ports.state.putUrl(profile.id, { ...known, ...(isHome ? { outcome: "navigation" as const } : stateOf(outcome)), follow: follow.length > 0 ? follow : undefined });
    return { fetched: true, links: follow };
  }

  /**
   * A report page's pictures, fetched only if its tables turn out to be pictures: each
   * request passes the scope, robots.txt, the host's health, the page budget and the
   * per-host gate like any other, through the same fetcher (address rules, body cap).
   * A picture refused or failed is not the crawl's error: the record's TABLE_MISSING
   * names it, with why.
   */
  function pictureFetcher(pageUrl: string): PictureFetcher {
    return async (src) => {
      const { PictureUnavailable } = await import("../sources/html-images.js");
      let url: URL;
      try {
        url = new URL(src, pageUrl);
      } catch {
        throw new PictureUnavailable("its src is not a URL");
      }
      if (!inScope(url.href)) throw new PictureUnavailable(`${url.href} is outside the crawl's scope (the site's hosts)`);
      if (!(await ports.robots.rules(url.href)).isAllowed(url.href)) throw new PictureUnavailable(`robots.txt disallows ${url.href}`);
      if (await ports.health.isParked(url.host)) throw new PictureUnavailable(`${url.host} failed too often this run: parked`);
      if (run.pagesFetched >= maxPages) throw new PictureUnavailable(`the run's budget of ${maxPages} fetches is spent`);
      const delay = Math.max(intervalMs, (await ports.robots.crawlDelayMs(url.href)) ?? 0);
      const lease = await ports.gate.acquire(url.host, delay, options.signal);
      try {
        const response = await ports.fetch({ url: url.href, signal: options.signal });
        run.pagesFetched++;
        await ports.health.recordSuccess(url.host);
        return response.body;
      } catch (error) {
        if (!isFetchError(error)) throw error;
        if (error.transient) await ports.health.recordFailure(url.host);
        throw new PictureUnavailable(`${url.href}: ${error.message}`);
      } finally {
        await lease.release();
      }
    };
  }

  /** The listing's pages the profile names (`pagination`), for a site whose pages discovery cannot see. */
  function hintedPages(links: PageLinks, pageUrl: string): FollowLink[] {
    const hint = profile.pagination;
    if (!hint || links.reports.length + links.entries.length === 0) return [];
    return Array.from({ length: hint.pages - 1 }, (_, i) => ({ url: new URL(hint.pattern.replace("{n}", String(i + 1)), pageUrl).href, text: `page ${i + 2} (profile)`, kind: "listing" as const }));
  }

  function count(outcome: DocumentOutcome, url: string): void {
    switch (outcome.kind) {
      case "report":
        run.reportsFound++;
        if (outcome.created) run.newReports++;
        break;
      case "submitted":
        run.reportsFound++;
        if (!outcome.duplicate) run.newReports++;
        break;
      case "not-a-report":
        run.notReports++;
        log.info({ url }, "not an annual report: remembered");
        break;
      case "unsupported":
        run.unsupported++;
        log.info({ url }, "a format the extractor does not read yet: stored");
        break;
      case "failed":
        fail(url, outcome.code, outcome.message);
        break;
    }
  }
}

function stateOf(outcome: DocumentOutcome): Pick<UrlState, "outcome" | "sha256" | "code" | "reason"> {
  if (outcome.kind === "failed") return { outcome: "failed", sha256: outcome.sha256, code: outcome.code, reason: outcome.message };
  return { outcome: outcome.kind, sha256: outcome.sha256 };
}

function isHtml(response: FetchResponse): boolean {
  if (response.mediaType === "text/html" || response.mediaType === "application/xhtml+xml") return true;
  if (response.mediaType && response.mediaType !== "text/plain" && response.mediaType !== "application/octet-stream") return false;
  const head = Buffer.from(response.body.subarray(0, 1024)).toString("latin1").toLowerCase();
  return head.includes("<html") || head.includes("<!doctype html");
}

/**
 * What a page leads to, by its role: a navigation page (home, section, column, listing)
 * leads on to reports, the list's other entries and further listing pages, and to the
 * column where it lists (almost) nothing itself; a document (a report, an entry) only to its
 * attachments — never back up into the site; a start page that may be either, to both.
 */
function linksToFollow(links: PageLinks, role: "navigation" | "document" | "start"): FollowLink[] {
  const out: FollowLink[] = [];
  const add = (kind: TaskKind, list: { url: string; text: string }[]) => {
    for (const l of list) out.push({ url: l.url, text: l.text, kind });
  };
  if (role === "navigation") {
    add("report", links.reports);
    add("entry", links.entries);
    add("listing", links.listings);
  }
  // The column is looked for from a page that lists (almost) nothing itself: a home or
  // section page, whose news may carry one report headline; never from a listing.
  if (role !== "document" && links.reports.length + links.entries.length < 2) add("column", links.columns);
  if (role !== "navigation") add("attachment", links.attachments);
  return out;
}

/**
 * Whether the page itself may be a report: a report, a list entry or an attachment, or
 * a start URL that lists no reports (a report page, or a home page — the extractor tells).
 * A page that is not HTML is a document whatever led to it.
 */
function isCandidate(task: Task, links: PageLinks | null): boolean {
  if (links === null) return true;
  if (task.kind === "report" || task.kind === "entry" || task.kind === "attachment") return true;
  return task.kind === "start" && links.reports.length === 0 && links.entries.length === 0 && links.listings.length === 0;
}

export function summary(run: SiteRun): Record<string, unknown> {
  const { site, status, pagesFetched, notModified, reportsFound, newReports, notReports, skipped, unsupported, errors } = run;
  return { site, status, pagesFetched, notModified, reportsFound, newReports, notReports, skipped, unsupported, errors, unreadable: run.unreadable.length };
}
