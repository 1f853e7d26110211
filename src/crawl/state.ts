/**
 * What a crawl remembers between runs, per site: every URL it fetched (its validators
 * for conditional requests, what it turned out to be, the links a navigation page gave,
 * so a 304 still leads on) and the last run's counts. Two homes with one interface: a
 * directory beside the store for `nianbao crawl` (DATA_DIR/crawl/<site>/) and Redis for
 * the workers, where `nianbao status` reads it.
 */
import { appendFile, mkdir, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Redis } from "ioredis";
import { writeFileAtomic } from "../store/local.js";

/** What a fetched URL turned out to be. */
export type UrlOutcome =
  /** A home, section or listing page: followed, not extracted. */
  | "navigation"
  /** Extracted into a record (or its record already existed). */
  | "report"
  /** Handed to the extract queue (queue mode); its job says what came of it. */
  | "submitted"
  /** Read, and not an annual report: remembered, never fetched again. */
  | "not-a-report"
  /** A format the extractor does not read yet: its bytes are stored, to be read when it does. */
  | "unsupported"
  /** Fetched but the extraction failed (the input is stored; the code says why). */
  | "failed"
  /** Not fetched or fetched without success (refused, robots, 404, timeout …). */
  | "error";

/** A link the crawl follows, with the role it was found in. */
export interface FollowLink {
  url: string;
  text: string;
  kind: TaskKind;
}

export type TaskKind = "start" | "column" | "listing" | "report" | "entry" | "attachment";

export interface UrlState {
  url: string;
  outcome: UrlOutcome;
  etag?: string | null | undefined;
  lastModified?: string | null | undefined;
  /** SHA-256 of the bytes last fetched. */
  sha256?: string | undefined;
  /** Error or refusal code (FetchError, PipelineError). */
  code?: string | undefined;
  reason?: string | undefined;
  fetchedAt: string;
  foundOn?: string | undefined;
  linkText?: string | undefined;
  /** A navigation page's links, reused when it answers 304. */
  follow?: FollowLink[] | undefined;
}

export interface SiteRun {
  site: string;
  runId: string;
  startedAt: string;
  finishedAt: string | null;
  status: "running" | "finished" | "failed" | "stopped";
  /** Requests answered (2xx or 304). */
  pagesFetched: number;
  notModified: number;
  /** URLs whose content is a report (new or seen before) this run. */
  reportsFound: number;
  /** Of them, records that did not exist before this run. */
  newReports: number;
  notReports: number;
  /** Remembered non-reports and robots-disallowed URLs not requested. */
  skipped: number;
  unsupported: number;
  errors: number;
  /** Listing pages known to exist that could not be read (script-only pagination). */
  unreadable: { page: string; description: string; pages: number | null }[];
  /** The first errors of the run, for `status`. */
  failures: { url: string; code: string; message: string }[];
}

export interface CrawlState {
  url(site: string, url: string): Promise<UrlState | null>;
  putUrl(site: string, state: UrlState): Promise<void>;
  putRun(run: SiteRun): Promise<void>;
  lastRun(site: string): Promise<SiteRun | null>;
  /** Sites with a recorded run. */
  sites(): Promise<string[]>;
  /** Writes out what is buffered (the file state). */
  flush(): Promise<void>;
}

export function newRun(site: string, runId: string): SiteRun {
  return { site, runId, startedAt: new Date().toISOString(), finishedAt: null, status: "running", pagesFetched: 0, notModified: 0, reportsFound: 0, newReports: 0, notReports: 0, skipped: 0, unsupported: 0, errors: 0, unreadable: [], failures: [] };
}

/**
 * DATA_DIR/crawl/<site>/urls.jsonl and run.json. URL states are appended as JSON lines
 * while a run goes (a killed crawl keeps what it learnt, and a large site is not
 * rewritten every few pages); at the end of a run the file is compacted to one line per
 * URL, written whole. A last line cut short by a crash is passed over when read.
 */
export class FileCrawlState implements CrawlState {
  private readonly urls = new Map<string, Map<string, UrlState>>();
  private readonly pending = new Map<string, string[]>();

  constructor(private readonly dir: string) {}

  private file(site: string): string {
    return join(this.dir, site, "urls.jsonl");
  }

  private async site(site: string): Promise<Map<string, UrlState>> {
    let known = this.urls.get(site);
    if (!known) {
      known = new Map();
      const text = await readFile(this.file(site), "utf8").catch(() => "");
      for (const line of text.split("\n")) {
        if (!line) continue;
        try {
          const state = JSON.parse(line) as UrlState;
          known.set(state.url, state);
        } catch {
          // A line cut short by a crash: the URL is asked again.
        }
      }
      this.urls.set(site, known);
    }
    return known;
  }

  async url(site: string, url: string): Promise<UrlState | null> {
    return (await this.site(site)).get(url) ?? null;
  }

  async putUrl(site: string, state: UrlState): Promise<void> {
    (await this.site(site)).set(state.url, state);
    const lines = this.pending.get(site) ?? [];
    lines.push(JSON.stringify(state));
    this.pending.set(site, lines);
    if (lines.length >= 20) await this.append(site);
  }

  private async append(site: string): Promise<void> {
    const lines = this.pending.get(site);
    if (!lines?.length) return;
    this.pending.set(site, []);
    await mkdir(join(this.dir, site), { recursive: true });
    await appendFile(this.file(site), `${lines.join("\n")}\n`);
  }

  async putRun(run: SiteRun): Promise<void> {
    if (run.status === "running") await this.append(run.site);
    else await this.compact(run.site);
    await writeFileAtomic(join(this.dir, run.site, "run.json"), `${JSON.stringify(run, null, 2)}\n`);
  }

  /** One line per URL, written whole. */
  private async compact(site: string): Promise<void> {
    const known = this.urls.get(site);
    if (!known) return;
    this.pending.set(site, []);
    await writeFileAtomic(this.file(site), [...known.values()].map((u) => `${JSON.stringify(u)}\n`).join(""));
  }

  async lastRun(site: string): Promise<SiteRun | null> {
    const text = await readFile(join(this.dir, site, "run.json"), "utf8").catch(() => null);
    return text ? (JSON.parse(text) as SiteRun) : null;
  }

  async sites(): Promise<string[]> {
    const entries = await readdir(this.dir, { withFileTypes: true }).catch(() => []);
    return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  }

  async flush(): Promise<void> {
    for (const site of this.pending.keys()) await this.append(site);
  }
}

/**
 * Redis: `<prefix>:crawl:site:<id>:urls` (a hash, URL → state), `…:run` (the last run),
 * and the set `<prefix>:crawl:sites`. A URL's state is a few hundred bytes; a site of
 * 1,000 URLs about 0.5 MB.
 */
export class RedisCrawlState implements CrawlState {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(site: string, part: "urls" | "run"): string {
    return `${this.prefix}:crawl:site:${site}:${part}`;
  }

  async url(site: string, url: string): Promise<UrlState | null> {
    const text = await this.redis.hget(this.key(site, "urls"), url);
    return text ? (JSON.parse(text) as UrlState) : null;
  }

  async putUrl(site: string, state: UrlState): Promise<void> {
    await this.redis.hset(this.key(site, "urls"), state.url, JSON.stringify(state));
  }

  async putRun(run: SiteRun): Promise<void> {
    await this.redis.multi().set(this.key(run.site, "run"), JSON.stringify(run)).sadd(`${this.prefix}:crawl:sites`, run.site).exec();
  }

  async lastRun(site: string): Promise<SiteRun | null> {
    const text = await this.redis.get(this.key(site, "run"));
    return text ? (JSON.parse(text) as SiteRun) : null;
  }

  async sites(): Promise<string[]> {
    return (await this.redis.smembers(`${this.prefix}:crawl:sites`)).sort();
  }

  async flush(): Promise<void> {}
}
