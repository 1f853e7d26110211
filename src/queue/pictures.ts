/**
 * An HTML page's pictures travelling with it. `extract` reads a page whose tables are
 * pictures with the pictures beside it on disk; a queue job carries only store keys, so
 * the pictures are had when the page is submitted — from beside the file, from the other
 * entries of its zip archive, from `--assets DIR`, or by the crawl under its rules — and
 * stored by content like inputs; the job names which src is which blob, and the worker
 * reads them back from the store.
 *
 * Which pictures: exactly those extraction would ask for — none unless the page reads as
 * a report whose template tables are missing and whose body shows pictures (the first
 * MAX_PICTURES of them; data: URLs are in the page itself). Submission finds them by
 * running the extraction itself without OCR and noting what it asks for, so the rule is
 * the extractor's own and a page whose tables are HTML costs no picture (a crawl fetches none).
 *
 * Identity. A page submitted with pictures is another document than the page alone, and
 * than the page with other pictures: its job and its record go by the SHA-256 of a
 * manifest — the page's hash and, by src, each picture's — stored as a blob of its own
 * (so `DATA_DIR` alone says what made each record). The same page with the same pictures
 * is one job however often it comes; changed pictures make a new job and a new record,
 * the old one kept. A page that needs no picture, or none of whose pictures could be
 * had, goes by its own hash as before. The record's `source.sha256` stays the page's
 * hash: the record describes the page, and the export's "one record per source" sees
 * the records of one page read with different pictures as versions of one source.
 */
import { PictureSourceFailed, PictureUnavailable, pictureRefusal, type PictureFetcher } from "../sources/html-images.js";
import { sniffFormat } from "../sources/detect.js";
import type { Logger } from "../log.js";
import type { BlobStore } from "../store/types.js";
import type { CarriedPicture, MissingPicture } from "./jobs.js";

export interface CarriedPictures {
  /** Stored, in the order extraction asked for them. */
  pictures: CarriedPicture[];
  /** Asked for and not had, with why. */
  unavailable: MissingPicture[];
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Whether the bytes may be an HTML page showing a picture, from a look at them: text
 * (HTML is told from text after decoding) holding an `<img` tag — or UTF-16, whose tags
 * are no ASCII bytes. Anything else needs no picture, and is not read here.
 */
function mayShowPictures(bytes: Uint8Array): boolean {
  if (sniffFormat(bytes) !== "text") return false;
  const all = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (all.subarray(0, 1024).includes(0)) return true;
  return /<img/i.test(all.toString("latin1"));
}

/**
 * The pictures extraction would ask for to read this page, had through `fetch` and
 * stored; null when it asks for none (not HTML, tables in the page, not a report…).
 * A picture refused or not found is noted with why; a store that cannot be written
 * fails the whole (nothing is submitted half).
 */
export async function collectPictures(
  page: { bytes: Uint8Array; name: string },
  fetch: PictureFetcher,
  ctx: { store: BlobStore; maxBytes: number; log?: Logger | undefined },
): Promise<CarriedPictures | null> {
  if (page.bytes.length > ctx.maxBytes || !mayShowPictures(page.bytes)) return null;
  const carried: CarriedPictures = { pictures: [], unavailable: [] };
  const asked = new Set<string>();
  let storeFailure: unknown;
  // Each src is had once and noted; extraction is then told it is unavailable, so it reads no picture itself.
  const noting: PictureFetcher = async (src) => {
    if (!asked.has(src) && storeFailure === undefined) {
      asked.add(src);
      let bytes: Uint8Array | undefined;
      try {
        bytes = await fetch(src);
      } catch (error) {
        carried.unavailable.push({ src, reason: message(error) });
      }
      const refused = bytes && pictureRefusal(bytes);
      if (refused) carried.unavailable.push({ src, reason: refused });
      else if (bytes) {
        try {
          const { sha256, size } = await ctx.store.putBlob(bytes);
          carried.pictures.push({ src, blob: sha256, size });
        } catch (error) {
          storeFailure = error;
        }
      }
    }
    throw new PictureUnavailable("noted for submission");
  };
  try {
    const { extractReport } = await import("../pipeline.js");
    await extractReport({ bytes: page.bytes, name: page.name, pictures: noting }, { maxBytes: ctx.maxBytes, ocr: "never", provenance: false });
  } catch (error) {
    // Not a report, unreadable …: the worker meets the same and fails the job with it; the page goes without pictures.
    ctx.log?.debug({ input: page.name, reason: message(error) }, "pictures: the page was not read through");
  }
  if (storeFailure !== undefined) throw storeFailure;
  if (asked.size === 0) return null;
  ctx.log?.debug({ input: page.name, pictures: carried.pictures.length, unavailable: carried.unavailable.length }, "pictures collected");
  return carried;
}

/**
 * The manifest of a page and its pictures: what a job of a page submitted with pictures
 * goes by (its SHA-256) and how the store says what made its record. Canonical: one
 * entry per src, sorted, so the same page and pictures always make the same bytes.
 */
export function pictureManifest(page: string, pictures: readonly CarriedPicture[]): Uint8Array {
  const bySrc = new Map(pictures.map((p) => [p.src, p.blob]));
  const entries = [...bySrc].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([src, blob]) => ({ src, blob }));
  return new TextEncoder().encode(`${JSON.stringify({ manifest: "nianbao/page-pictures", version: 1, page, pictures: entries })}\n`);
}

/**
 * Stores a document's input (and, for a page with pictures, its manifest) and returns
 * the input's hash and size and the key its job and record go by.
 */
export async function storeDocument(store: BlobStore, bytes: Uint8Array, carried?: CarriedPictures | null): Promise<{ sha256: string; size: number; key: string }> {
  const { sha256, size } = await store.putBlob(bytes);
  if (!carried || carried.pictures.length === 0) return { sha256, size, key: sha256 };
  return { sha256, size, key: (await store.putBlob(pictureManifest(sha256, carried.pictures))).sha256 };
}

/**
 * The pictures submitted with a page, as extraction's fetcher: each carried src read
 * from the store, each noted one unavailable for the reason noted, any other one not
 * submitted. A blob that cannot be read fails the extraction (PictureSourceFailed).
 */
export function storedPictures(carried: { pictures?: readonly CarriedPicture[] | undefined; unavailable?: readonly MissingPicture[] | undefined }, store: BlobStore): PictureFetcher {
  const blobs = new Map((carried.pictures ?? []).map((p) => [p.src, p.blob]));
  const reasons = new Map((carried.unavailable ?? []).map((m) => [m.src, m.reason]));
  return async (src) => {
    const blob = blobs.get(src);
    if (blob === undefined) throw new PictureUnavailable(reasons.get(src) ?? "it was not submitted with the page (ingest takes a page's pictures from beside it, its <page>_files/ folder or --assets DIR)");
    try {
      return await store.getBlob(blob);
    } catch (error) {
      throw new PictureSourceFailed(`the picture ${src} (blob ${blob}) cannot be read from the store: ${message(error)}`);
    }
  };
}
