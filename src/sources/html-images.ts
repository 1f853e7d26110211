/**
 * HTML report pages whose tables are pictures: when the page's template tables are
 * missing but its body holds <img>s, the pictures are fetched (a data: URL from the page
 * itself; otherwise by the input's fetcher — a saved page's folder, or the crawler),
 * read by OCR as scans are, and their lines put where the picture stands among the
 * page's lines, so the template parsers find each table under its heading.
 *
 * A picture that cannot be had (missing, not an image, undecodable, OCR off) is named,
 * with why, in the issues of the tables that stay missing. Icons and spacers (pictures
 * too small to hold a table) are passed over.
 */
import { PipelineError } from "../errors.js";
import type { Issue } from "../model/issue.js";
import type { LayoutCell, LayoutLine } from "../model/layout.js";
import { pad, type Raster } from "../layout/raster/raster.js";
import { sniffImageType } from "./detect.js";
import type { HtmlPicture, SourceContext, SourceResult } from "./types.js";

/** Fetches a picture by its src (as the page writes it); rejects with a PictureUnavailable saying why. */
export type PictureFetcher = (src: string) => Promise<Uint8Array>;

export class PictureUnavailable extends Error {}

/**
 * A fetcher's own failure, not the picture's: where the pictures submitted with a page
 * are kept could not be read (a worker's store). The extraction fails with it — to be
 * tried again — rather than go on without the picture.
 */
export class PictureSourceFailed extends Error {}

/** A picture not read, and why. */
export interface UnreadPicture {
  picture: HtmlPicture;
  reason: string;
}

/** At most this many pictures are read from one page. */
export const MAX_PICTURES = 40;
/** A picture's bytes (fetched or in a data: URL) may not exceed this. */
export const MAX_PICTURE_BYTES = 20 * 1024 * 1024;
/** Smaller than this (pixels) is an icon or a rule, not a table. */
const MIN_TABLE_SIZE = { width: 120, height: 40 };
/** A picture with no width on the page is taken to span a page's text column, about 6.3 in. */
const TEXT_COLUMN_INCHES = 6.3;

/** The bytes of a data: URL (base64 or percent-encoded); null when it is none. */
export function dataUrlBytes(src: string): Uint8Array | null {
  const m = /^data:([^,]*?)(;base64)?,(.*)$/is.exec(src.trim());
  if (!m) return null;
  const body = m[3]!;
  if (body.length > (MAX_PICTURE_BYTES * 4) / 3 + 4) throw new PictureUnavailable(`its data: URL holds more than ${MAX_PICTURE_BYTES} bytes`);
  if (m[2]) return new Uint8Array(Buffer.from(body.replace(/\s+/g, ""), "base64"));
  // Percent-encoded: each %XX is a byte, other characters stand for themselves (as UTF-8).
  const parts = body.split(/(%[0-9a-f]{2})/i).map((part) => (/^%[0-9a-f]{2}$/i.test(part) ? Buffer.from([Number.parseInt(part.slice(1), 16)]) : Buffer.from(part, "utf8")));
  return new Uint8Array(Buffer.concat(parts));
}

/** Why bytes cannot be a table's picture, told before decoding them (too large, not an image); null when they may be one. */
export function pictureRefusal(bytes: Uint8Array): string | null {
  if (bytes.length > MAX_PICTURE_BYTES) return `it is ${bytes.length} bytes, over ${MAX_PICTURE_BYTES}`;
  if (sniffImageType(bytes) === null) return "it is not an image (PNG, JPEG, GIF, BMP, WebP, TIFF)";
  return null;
}

/** How a picture is named in a message: its src, a data: URL cut short. */
export function pictureName(p: HtmlPicture): string {
  const src = p.src.startsWith("data:") ? `${p.src.slice(0, 30)}…` : p.src;
  return `<img> ${p.image} (${src})`;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The picture's bytes, or why there are none. */
async function pictureBytes(p: HtmlPicture, fetch: PictureFetcher | undefined): Promise<Uint8Array> {
  const bytes = dataUrlBytes(p.src) ?? (await fetched(p.src, fetch));
  const refused = pictureRefusal(bytes);
  if (refused) throw new PictureUnavailable(refused);
  return bytes;
}

async function fetched(src: string, fetch: PictureFetcher | undefined): Promise<Uint8Array> {
  if (!fetch) throw new PictureUnavailable("nothing to fetch it from (a saved page's pictures are looked for beside it, or in --assets DIR)");
  try {
    return await fetch(src);
  } catch (error) {
    // Whatever the fetcher meets (a network error too) is why this picture is missing, not a failure of the report —
    // but where the fetcher itself cannot work (PictureSourceFailed), the extraction fails.
    throw error instanceof PictureUnavailable || error instanceof PictureSourceFailed ? error : new PictureUnavailable(message(error));
  }
}

/** The picture decoded, grey; null for one too small to hold a table. */
async function decodePicture(bytes: Uint8Array): Promise<Raster | null> {
  const { imagePages } = await import("./ocr/page-image.js");
  let raster: Raster | undefined;
  try {
    raster = (await imagePages(bytes))[0];
  } catch (error) {
    throw new PictureUnavailable(`it cannot be decoded (${message(error)})`);
  }
  if (!raster) throw new PictureUnavailable("the image file holds no image");
  return raster.width < MIN_TABLE_SIZE.width || raster.height < MIN_TABLE_SIZE.height ? null : raster;
}

/** The resolution a picture is shown at: from the width the page gives it (96 CSS px to the inch), else as a text column's width. */
function dpiOf(raster: Raster, cssWidth: number | null): number {
  const dpi = cssWidth ? (raster.width * 96) / cssWidth : raster.width / TEXT_COLUMN_INCHES;
  return Math.round(Math.min(600, Math.max(72, dpi)));
}

/** A picture goes to OCR set on a white margin of half an inch, as a table stands on a page: a table cut close has its rulings at the very edge. */
const marginOf = (dpi: number) => Math.round(dpi / 2);

/** OCR gives boxes in points at the picture's dpi, on its margin: back to the picture's own pixels. */
function toPictureOrigin(cell: LayoutCell, image: number, dpi: number): LayoutCell {
  if (cell.origin.kind !== "pdf") return cell;
  const px = (v: number) => Math.max(0, Math.round((v * dpi) / 72) - marginOf(dpi));
  const [x0, y0, x1, y1] = cell.origin.box;
  return { ...cell, origin: { kind: "html-image", image, box: [px(x0), px(y0), px(x1), px(y1)] } };
}

export interface PictureReading {
  /** The source with the pictures' lines in place (textSource "mixed" when any was read). */
  source: SourceResult;
  unread: UnreadPicture[];
  /** How many pictures OCR read lines from. */
  read: number;
}

/** Fetches, decodes and OCRs the pictures of an HTML source, and puts their lines where the pictures stand. */
export async function readPictures(source: SourceResult, fetch: PictureFetcher | undefined, ctx: SourceContext): Promise<PictureReading> {
  const pictures = source.pictures ?? [];
  const unread: UnreadPicture[] = pictures.slice(MAX_PICTURES).map((picture) => ({ picture, reason: `the page has more than ${MAX_PICTURES} pictures` }));
  const images: { picture: HtmlPicture; raster: Raster; dpi: number }[] = [];
  for (const picture of pictures.slice(0, MAX_PICTURES)) {
    try {
      const raster = await decodePicture(await pictureBytes(picture, fetch));
      if (raster) images.push({ picture, raster, dpi: dpiOf(raster, picture.cssWidth) });
    } catch (error) {
      if (!(error instanceof PictureUnavailable) && !(error instanceof PipelineError)) throw error;
      unread.push({ picture, reason: error.message });
    }
  }
  if (images.length === 0) return { source, unread, read: 0 };
  if (ctx.ocr.mode === "never") {
    for (const { picture } of images) unread.push({ picture, reason: "reading it needs OCR, which is off (--ocr never)" });
    return { source, unread, read: 0 };
  }
  const { ocrImages } = await import("./ocr/index.js");
  // Pictures go to OCR as pages 1…n: each page's lines and issues are put back on its picture.
  const result = await ocrImages(
    images.map((img, i) => ({ page: i + 1, raster: pad(img.raster, marginOf(img.dpi)), dpi: img.dpi })),
    ctx,
  );
  const byPage = new Map<number, LayoutLine[]>();
  for (const line of result.lines) {
    const img = images[(line.page ?? 1) - 1]!;
    const lines = byPage.get(line.page ?? 1) ?? byPage.set(line.page ?? 1, []).get(line.page ?? 1)!;
    lines.push({ ...line, cells: line.cells.map((c) => toPictureOrigin(c, img.picture.image, img.dpi)) });
  }
  const issues: Issue[] = result.issues.map((issue) => ({
    ...issue,
    message: issue.message.replace(/^page (\d+)/, (whole, n: string) => (images[Number(n) - 1] ? `the picture ${pictureName(images[Number(n) - 1]!.picture)}` : whole)),
  }));
  // Each picture's lines go in before the page line it stood before.
  const inserts = new Map<number, LayoutLine[]>();
  images.forEach((img, i) => {
    const at = inserts.get(img.picture.line) ?? inserts.set(img.picture.line, []).get(img.picture.line)!;
    at.push(...(byPage.get(i + 1) ?? []));
  });
  const lines: LayoutLine[] = [];
  source.layout.lines.forEach((line, i) => lines.push(...(inserts.get(i) ?? []), line));
  lines.push(...(inserts.get(source.layout.lines.length) ?? []));
  return {
    source: { ...source, layout: { ...source.layout, lines }, textSource: byPage.size > 0 ? "mixed" : source.textSource, issues: [...(source.issues ?? []), ...issues] },
    unread,
    read: byPage.size,
  };
}
