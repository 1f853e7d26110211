/**
 * The parts of a site crawl, put together for one site and one run: the safe fetcher
 * (scoped to the site's hosts, with retries), robots.txt, the host's health and gate,
 * discovery and the document sink. In-process they live in memory; in a worker the
 * gate, health and state are Redis's, shared by every worker on every machine.
 */
import type { Logger } from "../log.js";
import { readPage } from "./discover/index.js";
import type { DocumentSink } from "./documents.js";
import { createFetcher, decodePage, fetchWithRetry, type FetcherOptions } from "./net/index.js";
import type { HostGate, HostHealth } from "./politeness/index.js";
import { ROBOTS_MAX_AGE_MS, RobotsCache, type RobotsStore } from "./politeness/index.js";
import { onSite, siteHosts, type SiteProfile } from "./profile.js";
import { userAgent, type CrawlSettings } from "./settings.js";
import type { CrawlPorts } from "./site-crawl.js";
import type { CrawlState } from "./state.js";
import { isFetchError } from "./types.js";

export interface PortsContext {
  settings: CrawlSettings;
  gate: HostGate;
  health: HostHealth;
  state: CrawlState;
  documents: DocumentSink;
  log: Logger;
  /** Shares robots.txt outcomes between workers (Redis); in-process, each run fetches its own. */
  robotsStore?: RobotsStore;
  /** Test hooks of the fetcher (resolver, connect). */
  fetcher?: Pick<FetcherOptions, "resolve" | "connect" | "onConnect">;
}

export function sitePorts(profile: SiteProfile, ctx: PortsContext): CrawlPorts {
  const hosts = siteHosts(profile);
  const fetcher = createFetcher({
    userAgent: userAgent(ctx.settings),
    allow: { private: ctx.settings.allowPrivate, hosts: [...ctx.settings.allowHosts, ...(profile.allowHosts ?? [])] },
    // A redirect may not take the crawl off the site.
    scope: (url) => onSite(hosts, url),
    maxBodyBytes: ctx.settings.maxBytes,
    readTimeoutMs: ctx.settings.timeoutMs,
    connectTimeoutMs: Math.max(1000, Math.round(ctx.settings.timeoutMs / 3)),
    totalTimeoutMs: Math.max(ctx.settings.timeoutMs * 4, 120_000),
    ...ctx.fetcher,
  });
  const log = ctx.log.child({ site: profile.id });
  const intervalMs = profile.interval !== undefined ? profile.interval * 1000 : ctx.settings.intervalMs;
  const fetch = (req: Parameters<typeof fetcher>[0]) =>
    fetchWithRetry(fetcher, req, {
      retries: ctx.settings.retries,
      onRetry: (info) => log.info({ url: info.url, attempt: info.attempt, waitMs: info.delayMs, retryAfter: info.retryAfter, code: info.error.code, status: info.error.status }, "retrying"),
    });
  const robots = new RobotsCache({
    fetch: async (url) => {
      // robots.txt goes through the same guard and the same gate (it is a request to the
      // host like any other); its own failures are the cache's to judge.
      const lease = await ctx.gate.acquire(new URL(url).host.toLowerCase(), intervalMs);
      try {
        // Another worker may have fetched it while this one waited for the host: use theirs.
        const shared = await ctx.robotsStore?.get(new URL(url).origin);
        if (shared && Date.now() - shared.fetchedAt < ROBOTS_MAX_AGE_MS) {
          if (shared.status === null) throw new Error(shared.error ?? "robots.txt could not be fetched");
          return { status: shared.status, body: shared.body };
        }
        const response = await fetcher({ url });
        return { status: response.status, body: Buffer.from(response.body).toString("utf8") };
      } catch (error) {
        const status = (error as { status?: number }).status;
        if (status !== undefined) return { status, body: "" };
        // Kept by the cache as the reason: the code first, so the crawl can name it.
        if (isFetchError(error)) throw new Error(`${error.code}: ${error.message}`, { cause: error });
        throw error;
      } finally {
        await lease.release();
      }
    },
    ...(ctx.robotsStore ? { store: ctx.robotsStore } : {}),
  });
  return {
    fetch,
    gate: ctx.gate,
    robots,
    health: ctx.health,
    readPage,
    decodePage,
    documents: ctx.documents,
    state: ctx.state,
    log: ctx.log,
  };
}
