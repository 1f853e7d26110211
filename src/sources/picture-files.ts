/**
 * Where a saved HTML page's pictures are on disk. A browser's "save page" writes them to
 * `<page>_files/` beside the page and rewrites each src to point there; a page saved by
 * other means keeps the site's URLs (`/uploads/…/t.png`, `https://…/t.png`) and its
 * pictures may be gathered in a folder of their own (`extract --assets DIR`).
 *
 * A src is looked for, in order: as a path relative to the page (inside the page's
 * folder only), in `<page>_files/` by its file name, and in the assets folder by its
 * path and by its file name. Nothing outside those folders is read, and nothing is
 * fetched from the network.
 */
import { readFile, stat } from "node:fs/promises";
import { basename, dirname, extname, isAbsolute, join, relative, resolve } from "node:path";
import { MAX_PICTURE_BYTES, PictureUnavailable, type PictureFetcher } from "./html-images.js";

/** Whether `path` lies inside `root` (or is it). */
function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
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

/** Candidate files for a src, each inside the folder it was looked up in. */
export function pictureCandidates(src: string, pagePath: string, assetsDir?: string): string[] {
  const parsed = srcPath(src);
  if (!parsed || parsed.path === "" || parsed.path.endsWith("/")) return [];
  const pageDir = resolve(dirname(pagePath));
  const name = basename(parsed.path);
  const out: [root: string, file: string][] = [];
  if (parsed.relativeToPage) out.push([pageDir, resolve(pageDir, parsed.path)]);
  out.push([pageDir, join(pageDir, `${basename(pagePath, extname(pagePath))}_files`, name)]);
  if (assetsDir) {
    const root = resolve(assetsDir);
    out.push([root, resolve(root, `.${parsed.path.startsWith("/") ? "" : "/"}${parsed.path}`)], [root, join(root, name)]);
  }
  return [...new Set(out.filter(([root, file]) => inside(root, file)).map(([, file]) => file))];
}

/** A fetcher that takes a saved page's pictures from beside it and from `assetsDir`. */
export function localPictures(pagePath: string, assetsDir?: string): PictureFetcher {
  return async (src) => {
    const candidates = pictureCandidates(src, pagePath, assetsDir);
    if (candidates.length === 0) throw new PictureUnavailable("its src names no file that could be looked for");
    for (const file of candidates) {
      const info = await stat(file).catch(() => null);
      if (!info?.isFile()) continue;
      if (info.size > MAX_PICTURE_BYTES) throw new PictureUnavailable(`${file} is ${info.size} bytes, over ${MAX_PICTURE_BYTES}`);
      return new Uint8Array(await readFile(file));
    }
    throw new PictureUnavailable(`not found (looked for ${candidates.join(", ")})`);
  };
}
