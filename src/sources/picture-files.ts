/**
 * Where a saved HTML page's pictures are on disk. A browser's "save page" writes them to
 * `<page>_files/` beside the page and rewrites each src to point there; a page saved by
 * other means keeps the site's URLs (`/uploads/…/t.png`, `https://…/t.png`) and its
 * pictures may be gathered in a folder of their own (`extract --assets DIR`).
 *
 * A src is looked for, in order: as a path relative to the page (inside the page's
 * folder only), in `<page>_files/` by its file name, and in the assets folder by its
 * path and by its file name. Nothing outside those folders is read — a symbolic link
 * that leads out of them is refused — and nothing is fetched from the network.
 *
 * A page inside a zip archive (`ingest`) has its pictures looked for by the same rules
 * among the archive's entries (the page's folder in the archive), then in the assets folder.
 */
import { readFile, realpath, stat } from "node:fs/promises";
import nodePath, { type PlatformPath } from "node:path";
import { decodeText } from "./decode.js";
import { looksLikeHtml, sniffFormat } from "./detect.js";
import { MAX_PICTURE_BYTES, PictureUnavailable, type PictureFetcher } from "./html-images.js";

/** Whether `path` lies inside `root` (or is it). */
function inside(root: string, path: string, p: PlatformPath = nodePath): boolean {
  const rel = p.relative(root, path);
  return rel === "" || (!rel.startsWith("..") && !p.isAbsolute(rel));
}

/** The src's path part, decoded: a URL's pathname, or the relative path without query and fragment. */
function srcPath(src: string): { path: string; relativeToPage: boolean } | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(src) && !/^https?:/i.test(src)) return null; // file:, javascript:, blob: …
  const absolute = /^https?:/i.test(src) || src.startsWith("//") || src.startsWith("/");
  const raw = absolute ? new URL(src, "http://host.invalid/").pathname : src.split(/[?#]/)[0]!;
  let path: string;
  try {
    path = decodeURIComponent(raw);
  } catch {
    path = raw;
  }
  return { path, relativeToPage: !absolute };
}

/** The src's path when it names a file that may be looked for (not a folder, no NUL); null when it names none. */
function lookupPath(src: string): { path: string; relativeToPage: boolean } | null {
  const parsed = srcPath(src);
  return !parsed || parsed.path === "" || parsed.path.endsWith("/") || parsed.path.includes("\0") ? null : parsed;
}

type Candidate = [root: string, file: string];

/** Where a src may be beside its page (`pagePath` in the path flavour `p`): relative to the page, then in `<page>_files/`. */
function pageCandidates(src: string, pagePath: string, p: PlatformPath = nodePath): Candidate[] {
  const parsed = lookupPath(src);
  if (!parsed) return [];
  const pageDir = p.resolve(p.dirname(pagePath));
  const out: Candidate[] = [];
  if (parsed.relativeToPage) out.push([pageDir, p.resolve(pageDir, parsed.path)]);
  out.push([pageDir, p.join(pageDir, `${p.basename(pagePath, p.extname(pagePath))}_files`, p.basename(parsed.path))]);
  return out.filter(([root, file]) => inside(root, file, p));
}

/** Where a src may be in the assets folder: by its path, then by its file name. */
function assetCandidates(src: string, assetsDir: string | undefined): Candidate[] {
  const parsed = lookupPath(src);
  if (!assetsDir || !parsed) return [];
  const root = nodePath.resolve(assetsDir);
  const out: Candidate[] = [
    [root, nodePath.resolve(root, `.${parsed.path.startsWith("/") ? "" : "/"}${parsed.path}`)],
    [root, nodePath.join(root, nodePath.basename(parsed.path))],
  ];
  return out.filter(([r, file]) => inside(r, file));
}

const unique = (candidates: Candidate[]) => [...new Map(candidates.map((c) => [c[1], c])).values()];

/** Where a src may be for a page on disk, in the order looked in, each file once. */
const diskCandidates = (src: string, pagePath: string, assetsDir: string | undefined) => unique([...pageCandidates(src, pagePath), ...assetCandidates(src, assetsDir)]);

/** Candidate files for a src, each inside the folder it was looked up in. */
export function pictureCandidates(src: string, pagePath: string, assetsDir?: string): string[] {
  return diskCandidates(src, pagePath, assetsDir).map(([, file]) => file);
}

/** The picture at `file`, if it is a file whose real path (symbolic links followed) lies inside `root`; null when there is none. */
async function readInside(root: string, file: string): Promise<Uint8Array | null> {
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) return null;
  const [realRoot, realFile] = await Promise.all([realpath(root), realpath(file)]);
  if (!inside(realRoot, realFile)) throw new PictureUnavailable(`${file} leads outside ${root} (a symbolic link): not read`);
  if (info.size > MAX_PICTURE_BYTES) throw new PictureUnavailable(`${file} is ${info.size} bytes, over ${MAX_PICTURE_BYTES}`);
  return new Uint8Array(await readFile(file));
}

async function firstFound(candidates: Candidate[], names: string[]): Promise<Uint8Array> {
  for (const [root, file] of candidates) {
    const bytes = await readInside(root, file);
    if (bytes) return bytes;
  }
  throw new PictureUnavailable(`not found (looked for ${names.join(", ")})`);
}

/** A fetcher that takes a saved page's pictures from beside it and from `assetsDir`. */
export function localPictures(pagePath: string, assetsDir?: string): PictureFetcher {
  return async (src) => {
    const candidates = diskCandidates(src, pagePath, assetsDir);
    if (candidates.length === 0) throw new PictureUnavailable("its src names no file that could be looked for");
    return firstFound(candidates, candidates.map(([, file]) => file));
  };
}

/**
 * A fetcher for a page that is an entry of a zip archive: its pictures among the
 * archive's entries (by the rules above, the archive's root standing for the disk's),
 * then in `assetsDir`. `readEntry` gives an entry's bytes, null when there is no such entry.
 */
export function archivePictures(archive: string, pageEntry: string, readEntry: (name: string) => Promise<Uint8Array | null>, assetsDir?: string): PictureFetcher {
  const posix = nodePath.posix;
  return async (src) => {
    // Entry names as absolute paths under "/": the page's folder in the archive is its root.
    const entries = pageCandidates(src, `/${pageEntry}`, posix).map(([, file]) => file.slice(1));
    const assets = assetCandidates(src, assetsDir);
    if (entries.length + assets.length === 0) throw new PictureUnavailable("its src names no file that could be looked for");
    for (const entry of [...new Set(entries)]) {
      const bytes = await readEntry(entry);
      if (bytes) return bytes;
    }
    return firstFound(assets, [...entries.map((e) => `${archive}!${e}`), ...assets.map(([, file]) => file)]);
  };
}

/** Whether the bytes are an HTML page (by content: the markup it opens with, in whatever encoding). */
export function isHtmlPage(bytes: Uint8Array): boolean {
  if (sniffFormat(bytes) !== "text") return false;
  return looksLikeHtml(decodeText(bytes.subarray(0, 8192)).text);
}

/**
 * The page whose saved-pictures folder `dir` is (`<page>_files`, as a browser saves it):
 * the HTML file beside it with that stem, found among `siblings` (file names) and read
 * with `read`; null when `dir` is no such folder.
 */
export async function savedPageOf(dir: string, siblings: readonly string[], read: (name: string) => Promise<Uint8Array | null>): Promise<string | null> {
  if (!dir.endsWith("_files") || dir.length === "_files".length) return null;
  const stem = dir.slice(0, -"_files".length);
  for (const name of siblings) {
    if (name === dir || nodePath.posix.basename(name, nodePath.posix.extname(name)) !== stem || nodePath.posix.extname(name) === "") continue;
    const bytes = await read(name);
    if (bytes && isHtmlPage(bytes)) return name;
  }
  return null;
}
