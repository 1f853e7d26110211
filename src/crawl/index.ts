/**
 * `nianbao crawl` in-process (the embedded default, no Redis): the sites crawled in
 * this process, several at once (different hosts proceed in parallel, one host's
 * requests one at a time), into a store directory that `export` reads.
 */
import { join } from "node:path";
import type { Logger } from "../log.js";
import type { ExtractOptions } from "../options.js";
import { LocalStore } from "../store/local.js";
import { EXTRACTOR } from "../version.js";
import { StoreDocuments } from "./documents.js";
import { MemoryHostGate, MemoryHostHealth } from "./politeness/index.js";
import { sitePorts, type PortsContext } from "./ports.js";
import type { SiteProfile } from "./profile.js";
import type { CrawlSettings } from "./settings.js";
import { crawlSite } from "./site-crawl.js";
import { FileCrawlState, type SiteRun } from "./state.js";

export interface LocalCrawlOptions {
  /** The store to fill (DATA_DIR layout); the crawl state goes to its `crawl/`. */
  dataDir: string;
  settings: CrawlSettings;
  extract?: ExtractOptions;
  log: Logger;
  signal?: AbortSignal;
  fetcher?: PortsContext["fetcher"];
  onProgress?: (run: SiteRun) => void;
}

export async function crawlLocally(profiles: SiteProfile[], options: LocalCrawlOptions): Promise<SiteRun[]> {
  const store = new LocalStore(options.dataDir);
  const state = new FileCrawlState(join(options.dataDir, "crawl"));
  const gate = new MemoryHostGate();
  const documents = new StoreDocuments(store, EXTRACTOR.version, { ...options.extract, log: options.log }, options.log);
  const runs: SiteRun[] = new Array<SiteRun>(profiles.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(options.settings.concurrency, profiles.length) }, async () => {
    while (next < profiles.length) {
      const i = next++;
      const profile = profiles[i]!;
      // Health is per run: a host parked today is tried again next time.
      const ports = sitePorts(profile, { settings: options.settings, gate, health: new MemoryHostHealth(), state, documents, log: options.log, ...(options.fetcher ? { fetcher: options.fetcher } : {}) });
      runs[i] = await crawlSite(profile, ports, { intervalMs: options.settings.intervalMs, maxPages: options.settings.maxPages, ...(options.signal ? { signal: options.signal } : {}), ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
    }
  });
  try {
    await Promise.all(lanes);
  } finally {
    await state.flush();
  }
  return runs;
}

export { crawlSite, type CrawlPorts } from "./site-crawl.js";
export { readSites, profilesForUrls, SiteProfile } from "./profile.js";
export type { SiteRun } from "./state.js";
