/**
 * Site profiles: what `nianbao crawl --sites FILE` reads (JSON or YAML), one per site —
 * where to start, what to follow, how often and how gently. A bare URL on the command
 * line becomes a profile too, so both modes crawl from the same description.
 */
import { readFile } from "node:fs/promises";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { PipelineError } from "../errors.js";

/** A regular expression given as text (checked to compile). */
const Pattern = z.string().refine(
  (p) => {
    try {
      new RegExp(p);
      return true;
    } catch {
      return false;
    }
  },
  { message: "not a valid regular expression" },
);

const HttpUrl = z.url({ protocol: /^https?$/, message: "must be an http or https URL" });

export const SiteProfile = z.strictObject({
  /** Names the site in the state, the scheduler and `status`: letters, digits, `.`, `_`, `-`. */
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, "letters, digits, '.', '_' and '-' only"),
  name: z.string().optional(),
  /** A home page (the column is found from it), the column's listing page, or report pages. */
  start: z.array(HttpUrl).min(1),
  /** Only links matching one of these (when given) are followed. */
  include: z.array(Pattern).optional(),
  /** Links matching any of these are never followed. */
  exclude: z.array(Pattern).optional(),
  /**
   * A listing's pages when the site does not say them in a way discovery reads: a
   * template with `{n}` (e.g. `index_{n}.html`, n = 1 … pages − 1, beside the listing).
   */
  pagination: z.strictObject({ pattern: z.string().includes("{n}"), pages: z.number().int().min(1).max(10_000) }).optional(),
  /** A cron pattern (`0 3 * * 1`: Mondays 03:00); `--schedule` gives the default. */
  schedule: z.string().optional(),
  /** Minimum gap between requests to one host, in seconds (robots.txt's Crawl-delay may raise it). */
  interval: z.number().min(0).max(3600).optional(),
  /** Other hosts the crawl may follow links to (an attachment server, say). */
  hosts: z.array(z.string().min(1)).optional(),
  /** Fetches per run at most. */
  maxPages: z.number().int().positive().optional(),
  /** Hosts, addresses or CIDRs allowed although private (an intranet site); otherwise refused. */
  allowHosts: z.array(z.string().min(1)).optional(),
});
export type SiteProfile = z.infer<typeof SiteProfile>;

export const SitesFile = z.union([z.array(SiteProfile), z.strictObject({ sites: z.array(SiteProfile) })]).transform((v) => (Array.isArray(v) ? v : v.sites));

/** Reads and validates a sites file; every problem is named with its place in the file. */
export async function readSites(path: string): Promise<SiteProfile[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new PipelineError("INPUT_NOT_FOUND", `the sites file cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`, { input: path });
  }
  let value: unknown;
  try {
    const body = text.replace(/^\uFEFF/, "");
    value = /^\s*[[{]/.test(body) ? JSON.parse(body) : parseYaml(body);
  } catch (error) {
    throw new PipelineError("USAGE", `the sites file is neither JSON nor YAML (${(error as Error).message})`, { input: path });
  }
  const parsed = SitesFile.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "(file)"}: ${i.message}`).join("; ");
    throw new PipelineError("USAGE", `the sites file is not a list of site profiles: ${problems}`, { input: path });
  }
  const ids = new Set<string>();
  for (const site of parsed.data) {
    if (ids.has(site.id)) throw new PipelineError("USAGE", `the sites file names the site "${site.id}" twice`, { input: path });
    ids.add(site.id);
  }
  return parsed.data;
}

/** A profile for URLs given on the command line: one site per host, named after it. */
export function profilesForUrls(urls: string[], defaults: Partial<SiteProfile> = {}): SiteProfile[] {
  const byHost = new Map<string, string[]>();
  for (const raw of urls) {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new PipelineError("USAGE", `not a URL: ${raw}`, { input: raw });
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new PipelineError("USAGE", `only http and https URLs are crawled: ${raw}`, { input: raw });
    byHost.set(url.host, [...(byHost.get(url.host) ?? []), url.href]);
  }
  return [...byHost].map(([host, start]) => SiteProfile.parse({ ...defaults, id: host.replace(/[^A-Za-z0-9._-]/g, "_"), start }));
}

/** The hosts a site's crawl may visit: its start URLs' and the profile's `hosts`, as URL.host spells them (lower case, IPv6 normalised). */
export function siteHosts(profile: SiteProfile): Set<string> {
  const normal = (h: string) => {
    try {
      return new URL(`http://${h}`).host;
    } catch {
      return h.toLowerCase();
    }
  };
  return new Set([...profile.start.map((u) => new URL(u).host), ...(profile.hosts ?? []).map(normal)]);
}

/** Whether a URL is on one of the site's hosts (with or without its port). */
export function onSite(hosts: Set<string>, url: URL): boolean {
  return hosts.has(url.host) || hosts.has(url.hostname);
}
