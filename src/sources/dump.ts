/**
 * Archived crawler text dumps: a header of `key: value` lines (标题, 发布时间, 发布机构,
 * 原文链接, …) closed by a separator line (`==== 正文 ====`), then the page's text
 * flattened onto very few lines. Recognised by that header, never by a file name.
 * The header gives the title, and the source URL and publication date the record's
 * source keeps; the body is put back into lines (dump-lines.ts) and read as text.
 */
import type { LayoutLine } from "../model/layout.js";
import type { DecodedText } from "./decode.js";
import { unflattenBody, type NumberedLine } from "./dump-lines.js";
import { textToLayout } from "./text.js";
import type { SourceOrigin, SourceResult } from "./types.js";

/** What a dump's header says about the page. */
export interface DumpHeader {
  title: string | null;
  /** As printed: "2024-03-08 15:34". */
  published: string | null;
  url: string | null;
  publisher: string | null;
  /** Every `key: value` line, as printed. */
  fields: Record<string, string>;
  /** 0-based index of the first body line. */
  bodyStart: number;
}

const FIELD = /^\s*([^\s:：][^:：]{0,15}?)\s*[:：]\s?(.*)$/;
/** A line of at least three = - _ * # ~ (with a word in the middle or not). */
const SEPARATOR = /^\s*([=＝\-—_*#~]{3,})\s*([^=＝\-—_*#~]{0,20}?)\s*([=＝\-—_*#~]{3,})?\s*$/;
/** How far down the separator may be. */
const MAX_HEADER_LINES = 30;

const KEYS = {
  title: /^(标题|题目|title)$/i,
  published: /^(发布时间|发布日期|发文日期|成文日期|日期|时间|date|published)$/i,
  url: /^(原文链接|原文地址|链接|网址|来源链接|url|link|source)$/i,
  publisher: /^(发布机构|发文机关|来源|publisher)$/i,
};

/** The header of a crawler dump, or null when the text does not open with one. */
export function dumpHeader(text: string): DumpHeader | null {
  const lines = text.replace(/^\ufeff/, "").split(/\r\n|\r|\n/, MAX_HEADER_LINES + 1);
  const fields: Record<string, string> = {};
  const first = lines.findIndex((l) => l.trim() !== "");
  if (first < 0 || !FIELD.test(lines[first]!)) return null;
  for (let i = first; i < lines.length; i++) {
    const line = lines[i]!;
    if (SEPARATOR.test(line)) {
      if (Object.keys(fields).length < 2) return null;
      const pick = (re: RegExp) => {
        const entry = Object.entries(fields).find(([k, v]) => re.test(k) && v.trim() !== "");
        return entry ? entry[1].trim() : null;
      };
      return { title: pick(KEYS.title), published: pick(KEYS.published), url: pick(KEYS.url), publisher: pick(KEYS.publisher), fields, bodyStart: i + 1 };
    }
    const m = FIELD.exec(line);
    // A URL's own colon ("https://…") is not a key; other lines (a note) may stand in the header.
    if (m && !/^(https?|ftp|file)$/i.test(m[1]!)) fields[m[1]!.trim()] = m[2]!;
  }
  return null;
}

/** The dump's body as layout lines (origins are the dump's own line numbers). */
function bodyLayout(text: string, header: DumpHeader): LayoutLine[] {
  const raw = text.replace(/^\ufeff/, "").split(/\r\n|\r|\n/);
  const body: NumberedLine[] = raw.slice(header.bodyStart).map((t, i) => ({ text: t, line: header.bodyStart + i + 1 }));
  return unflattenBody(body).flatMap(({ text: line, line: n }) => textToLayout(line).map((l) => ({ ...l, cells: l.cells.map((c) => ({ ...c, origin: { kind: "text" as const, line: n } })) })));
}

const pad = (n: string) => n.padStart(2, "0");

/**
 * A printed publication date as ISO 8601 ("2024-03-08 15:34" → "2024-03-08T15:34",
 * "2024年3月8日" → "2024-03-08"); null when it is no date (never guessed).
 */
export function isoDate(printed: string): string | null {
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s*T?\s*(\d{1,2})\s*[:：时]\s*(\d{2})(?:\s*[:：分]\s*(\d{2})秒?)?分?)?$/.exec(printed.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m;
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0)));
  // Out-of-range parts (2024-02-30, 25:00) roll over in Date: refused instead.
  if (date.getUTCMonth() !== Number(mo) - 1 || date.getUTCDate() !== Number(d) || date.getUTCHours() !== Number(h ?? 0) || date.getUTCMinutes() !== Number(mi ?? 0) || date.getUTCSeconds() !== Number(s ?? 0)) return null;
  const day = `${y}-${pad(mo!)}-${pad(d!)}`;
  return h === undefined ? day : `${day}T${pad(h)}:${mi}${s === undefined ? "" : `:${s}`}`;
}

/** What the header says of where the page comes from: an http(s) URL, an ISO date. */
export function dumpOrigin(header: DumpHeader): SourceOrigin {
  const url = header.url && /^https?:\/\/[^\s/]+\S*$/i.test(header.url) ? header.url : null;
  const publishedAt = header.published ? isoDate(header.published) : null;
  return { ...(url ? { url } : {}), ...(publishedAt ? { publishedAt } : {}) };
}

export function readDump({ text, encoding }: DecodedText, header: DumpHeader): SourceResult {
  return {
    origin: dumpOrigin(header),
    layout: { kind: "flow", lines: bodyLayout(text, header), hints: { title: header.title ?? undefined } },
    mediaType: "text/plain",
    textSource: "dump",
    pages: null,
    encoding,
  };
}
