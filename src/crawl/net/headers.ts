/** Reading response headers: one string per lower-case name, Content-Type's parts, Retry-After. */
import type { IncomingHttpHeaders } from "node:http";

/** Lower-case names, repeated headers joined with ", ". */
export function flattenHeaders(raw: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
  return out;
}

/** Media type (lower case, no parameters) and charset of a Content-Type value. */
export function parseContentType(value: string | undefined | null): { mediaType: string | null; charset: string | null } {
  if (!value) return { mediaType: null, charset: null };
  const [type = "", ...params] = value.split(";");
  const mediaType = type.trim().toLowerCase() || null;
  let charset: string | null = null;
  for (const p of params) {
    const m = /^\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(p);
    if (m?.[1]) charset = m[1];
  }
  return { mediaType, charset };
}

/** Retry-After (delta seconds or an HTTP-date) in ms from `now`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined | null, now: Date): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now.getTime());
}
