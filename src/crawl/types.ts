/**
 * The crawler's contracts, shared by its parts: the safe fetcher (net/), discovery
 * (discover/), politeness (politeness/), the crawl state and the site crawl that drives
 * them in-process (`nianbao crawl`) or as queue jobs (`nianbao worker`).
 */

/** A request the crawl makes. Conditional headers come from what was stored on the last visit. */
export interface FetchRequest {
  url: string;
  /** Sent as If-None-Match. */
  etag?: string | null | undefined;
  /** Sent as If-Modified-Since. */
  lastModified?: string | null | undefined;
  /** Aborts the request (and any retry wait). */
  signal?: AbortSignal | undefined;
}

export interface FetchResponse {
  /** The URL asked for. */
  requested: string;
  /** The URL the body came from, after redirects. */
  url: string;
  /** Every hop's URL, the requested first and the final last. */
  hops: string[];
  status: number;
  /** 304 to a conditional request: `body` is empty, nothing changed. */
  notModified: boolean;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** The body, decompressed (gzip, deflate, br), at most the body cap. */
  body: Uint8Array;
  /** Media type without parameters, lower case (`text/html`), or null. */
  mediaType: string | null;
  /** The `charset` parameter of Content-Type, if any. */
  charset: string | null;
  etag: string | null;
  lastModified: string | null;
  fetchedAt: string;
}

export type FetchErrorCode =
  /** Not http/https, or a URL that does not parse. */
  | "URL_REFUSED"
  /** The host resolves to (or is) an address the guard refuses: loopback, private, link-local, … */
  | "ADDRESS_REFUSED"
  /** The host could not be resolved. */
  | "DNS_FAILED"
  /** Connection refused, reset, TLS failure. */
  | "CONNECT_FAILED"
  /** Connect or read timeout. */
  | "TIMEOUT"
  | "TOO_MANY_REDIRECTS"
  /** The body (or its decompressed form) is over the cap. */
  | "BODY_TOO_LARGE"
  /** A final status other than 2xx/304 (after the retries the status allows). */
  | "HTTP_STATUS"
  /** robots.txt disallows the URL. */
  | "ROBOTS_DISALLOWED"
  /** The host failed too often in this run and is parked for the rest of it. */
  | "HOST_PARKED"
  /** The URL (or a redirect) leaves the site's hosts. */
  | "OUT_OF_SCOPE";

export class FetchError extends Error {
  readonly code: FetchErrorCode;
  readonly url: string;
  readonly status: number | undefined;
  /** From Retry-After (429/503), in ms. */
  readonly retryAfterMs: number | undefined;

  constructor(code: FetchErrorCode, message: string, options: { url: string; status?: number; retryAfterMs?: number; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "FetchError";
    this.code = code;
    this.url = options.url;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }

  /** Worth retrying later: timeouts, connection failures, 429, 5xx. Refusals and 4xx are not. */
  get transient(): boolean {
    if (this.code === "TIMEOUT" || this.code === "CONNECT_FAILED" || this.code === "DNS_FAILED") return true;
    if (this.code === "HTTP_STATUS" && this.status !== undefined) return this.status === 429 || this.status >= 500;
    return false;
  }
}

export function isFetchError(error: unknown): error is FetchError {
  return error instanceof FetchError;
}

/** An `<a>` (or equivalent) found on a page. */
export interface Link {
  /** Absolute URL, fragment removed. */
  url: string;
  /** The anchor's text (or title attribute), whitespace collapsed. */
  text: string;
}

/** What a fetched page offers the crawl. */
export interface PageLinks {
  /**
   * Links to the report column (政府信息公开年报 …), from a home page or section page, best
   * first; after them, links to the 政务公开 / 政府信息公开 section pages the column may sit in.
   */
  columns: Link[];
  /** Further listing pages of the same column (pagination), in order. */
  listings: Link[];
  /** Links whose text reads as an annual report (政府信息公开 + 年度报告/年报 + a year). */
  reports: Link[];
  /**
   * The other items of the list that holds the report links (a letter, a notice, a report
   * titled otherwise): fetched too and judged by content. Never site chrome or pagination.
   */
  entries: Link[];
  /** Attachments (.pdf, .doc, .docx, .wps, .ofd, images) linked from a report page. */
  attachments: Link[];
  /**
   * Listing pages known to exist that cannot be read without running the page's
   * scripts (a TRS "动静结合" list whose later pages come from a JS API), with why.
   */
  unreadable: { description: string; pages: number | null }[];
}
