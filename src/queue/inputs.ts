/**
 * What `ingest` is given, as a stream of named inputs: files, directories (walked
 * recursively, dotfiles skipped), glob patterns, and zip archives (each entry an input,
 * named archive!path; a DOCX or OFD, itself a zip, is one input). Archives are checked entry by entry: no absolute paths or "..",
 * no entry larger than the byte limit, no suspicious compression ratio (zip bombs),
 * a bounded total. A problem with one path or entry is reported and the rest go on.
 *
 * Each input says where an HTML page's pictures can be had, should its tables be
 * pictures: beside the file or among its archive's entries (picture-files.ts), and in
 * the assets folder. A saved page's own folder of pictures (`<page>_files/` beside an
 * HTML page, as a browser saves it) holds the page's resources, not documents: its
 * files are not inputs when a directory, a glob or an archive is read (they are told of,
 * and the pictures the page shows go with it); a file named on its own always is one.
 */
import { open as openFile, readdir, readFile, stat } from "node:fs/promises";
import { basename, dirname, join, posix, relative, resolve, sep } from "node:path";
import { glob, isDynamicPattern } from "tinyglobby";
import yauzl from "yauzl";
import { nextEntry, readEntry } from "../sources/_internal/zip-entries.js";
import { zipDocumentFormat, zipEntryNames } from "../sources/detect.js";
import { MAX_PICTURE_BYTES, PictureUnavailable, type PictureFetcher } from "../sources/html-images.js";
import { archivePictures, localPictures, savedPageOf } from "../sources/picture-files.js";
import type { ReportOrigin } from "../pipeline.js";
import type { CarriedPictures } from "./pictures.js";

export interface Input {
  name: string;
  bytes: Uint8Array;
  /** Where a crawl fetched it (the record keeps it). */
  origin?: ReportOrigin | undefined;
  /** Where an HTML page's pictures can be had (beside the file, its archive, --assets, a crawl), should its tables be pictures. */
  pictures?: PictureFetcher | undefined;
  /** Its pictures had and stored (src/queue/pictures.ts collectPictures): they travel with its job. */
  carried?: CarriedPictures | null | undefined;
}

/** How inputs are gathered besides the limits. */
export interface CollectOptions {
  /** `ingest --assets DIR`: where saved pages' pictures may also be. */
  assets?: string | undefined;
  /** Told of each saved page's folder of pictures whose files were not taken as inputs. */
  onResources?: ((folder: string, page: string, files: number) => void) | undefined;
}

export interface InputProblem {
  name: string;
  reason: string;
}

export interface InputLimits {
  /** Largest single input. */
  maxBytes: number;
  /** Most bytes one archive may unpack to. */
  maxArchiveBytes: number;
  /** Most entries one archive may hold. */
  maxEntries: number;
  /** Highest uncompressed/compressed ratio of an entry. */
  maxRatio: number;
}

export const DEFAULT_LIMITS: InputLimits = { maxBytes: 256 * 1024 * 1024, maxArchiveBytes: 4 * 1024 ** 3, maxEntries: 100_000, maxRatio: 200 };

async function isZip(path: string): Promise<boolean> {
  const handle = await openFile(path, "r");
  try {
    const head = Buffer.alloc(4);
    await handle.read(head, 0, 4, 0);
    return head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
  } finally {
    await handle.close();
  }
}

/**
 * A zip that is one document (a DOCX or an OFD is a zip of XML parts) is an input, not
 * an archive of inputs. Its part names are read from the first and last 64 KiB: the
 * first entries and the central directory.
 */
async function isDocumentZip(path: string, size: number): Promise<boolean> {
  const handle = await openFile(path, "r");
  try {
    const span = Math.min(size, 64 * 1024);
    const head = Buffer.alloc(span);
    const tail = Buffer.alloc(span);
    await handle.read(head, 0, span, 0);
    await handle.read(tail, 0, span, size - span);
    return zipDocumentFormat([...zipEntryNames(head), ...zipEntryNames(tail)]) !== null;
  } finally {
    await handle.close();
  }
}

/** The first 8 KiB of a file: enough to tell an HTML page by its content. */
async function head(path: string): Promise<Uint8Array | null> {
  const handle = await openFile(path, "r").catch(() => null);
  if (!handle) return null;
  try {
    const buffer = Buffer.alloc(8192);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

async function countFiles(dir: string): Promise<number> {
  let n = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) if (entry.isFile()) n++;
  return n;
}

/** The saved page whose folder of pictures `dir` is (see savedPageOf), or null. */
async function savedPageFolder(dir: string, cache: Map<string, string | null>): Promise<string | null> {
  const known = cache.get(dir);
  if (known !== undefined) return known;
  const parent = dirname(dir);
  const siblings = (await readdir(parent, { withFileTypes: true }).catch(() => [])).filter((e) => e.isFile()).map((e) => e.name);
  const page = await savedPageOf(basename(dir), siblings, (name) => head(join(parent, name)));
  const found = page === null ? null : join(parent, page);
  cache.set(dir, found);
  return found;
}

async function* walk(dir: string, options: CollectOptions, cache: Map<string, string | null>): AsyncGenerator<string> {
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith(".")) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const page = await savedPageFolder(path, cache);
      if (page) options.onResources?.(path, page, await countFiles(path));
      else yield* walk(path, options, cache);
    } else if (entry.isFile()) yield path;
  }
}

/** An archive entry name that would escape the archive's root, or is not a plain path. */
export function unsafeEntryName(name: string): string | null {
  if (name.includes("\0")) return "a NUL character in the name";
  if (/^([/\\]|[A-Za-z]:)/.test(name)) return "an absolute path";
  if (name.split(/[/\\]/).includes("..")) return 'a ".." path segment';
  return null;
}

/** An entry's name: UTF-8 when flagged (or valid), else GB18030, the usual encoding of Chinese archives. */
function entryName(entry: yauzl.Entry): string {
  const raw = entry.fileName as unknown as Buffer;
  if (typeof raw === "string") return raw;
  if (entry.generalPurposeBitFlag & 0x800) return raw.toString("utf8");
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(raw);
  } catch {
    return new TextDecoder("gb18030").decode(raw);
  }
}

type ZipItem = { problem: InputProblem } | { fileName: string; entry: yauzl.Entry };

/** The archive's entries as the checks leave them (entries to read, and problems), in the archive's order. */
async function zipDirectory(zip: yauzl.ZipFile, archive: string, limits: InputLimits): Promise<ZipItem[]> {
  const items: ZipItem[] = [];
  let total = 0;
  let count = 0;
  for (;;) {
    const entry = await nextEntry(zip);
    if (!entry) return items;
    const fileName = entryName(entry);
    const name = `${archive}!${fileName}`;
    if (fileName.endsWith("/")) continue;
    if (++count > limits.maxEntries) {
      items.push({ problem: { name: archive, reason: `more than ${limits.maxEntries} entries: the rest are not read` } });
      return items;
    }
    const unsafe = unsafeEntryName(fileName);
    if (unsafe) items.push({ problem: { name, reason: `refused: ${unsafe}` } });
    else if (entry.uncompressedSize > limits.maxBytes) items.push({ problem: { name, reason: `refused: ${entry.uncompressedSize} bytes, over the limit of ${limits.maxBytes}` } });
    else if (entry.compressedSize > 0 && entry.uncompressedSize / entry.compressedSize > limits.maxRatio) {
      items.push({ problem: { name, reason: `refused: compression ratio ${Math.round(entry.uncompressedSize / entry.compressedSize)}:1 looks like a zip bomb` } });
    } else if ((total += entry.uncompressedSize) > limits.maxArchiveBytes) {
      items.push({ problem: { name: archive, reason: `unpacks to more than ${limits.maxArchiveBytes} bytes: the rest are not read` } });
      return items;
    } else items.push({ fileName, entry });
  }
}

/**
 * The saved pages' folders of pictures in an archive (`dir/page_files/` beside an HTML
 * entry `dir/page.htm`), each with its page, among the folders that hold the entries.
 */
async function zipPageFolders(names: string[], read: (name: string) => Promise<Uint8Array | null>): Promise<Map<string, string>> {
  const filesIn = new Map<string, string[]>();
  const folders = new Set<string>();
  for (const name of names) {
    const dir = posix.dirname(name);
    filesIn.set(dir, [...(filesIn.get(dir) ?? []), posix.basename(name)]);
    for (let d = dir; d !== "." && d !== "/"; d = posix.dirname(d)) folders.add(d);
  }
  const found = new Map<string, string>();
  for (const folder of folders) {
    if (!folder.endsWith("_files")) continue;
    const parent = posix.dirname(folder);
    const at = (name: string) => (parent === "." ? name : `${parent}/${name}`);
    const page = await savedPageOf(posix.basename(folder), filesIn.get(parent) ?? [], (name) => read(at(name)));
    if (page) found.set(folder, at(page));
  }
  return found;
}

async function* zipEntries(path: string, limits: InputLimits, options: CollectOptions): AsyncGenerator<Input | InputProblem> {
  const archive = basename(path);
  // Names are decoded here, not by yauzl: it would stop at the first unsafe name, and
  // archives made on Chinese Windows carry GBK names without the UTF-8 flag.
  const zip = await new Promise<yauzl.ZipFile>((ok, fail) => yauzl.open(path, { lazyEntries: true, autoClose: false, validateEntrySizes: true, decodeStrings: false }, (e, z) => (e ? fail(e) : ok(z))));
  let open = true;
  try {
    // The whole directory first: a page's pictures may be any other entry, before it or after.
    const items = await zipDirectory(zip, archive, limits);
    const entries = new Map(items.flatMap((item) => ("entry" in item ? [[item.fileName, item.entry] as const] : [])));
    const read = (fileName: string, max: number, tooBig: () => Error) => {
      if (!open) return Promise.reject(new Error(`${archive} is closed: a page's pictures are read while its archive's inputs are taken`));
      const entry = entries.get(fileName);
      return entry ? readEntry(zip, entry, max, tooBig) : Promise.resolve(null);
    };
    const readPicture = (fileName: string) => read(fileName, MAX_PICTURE_BYTES, () => new PictureUnavailable(`${archive}!${fileName} is over ${MAX_PICTURE_BYTES} bytes`));
    const folders = await zipPageFolders([...entries.keys()], (fileName) => read(fileName, limits.maxBytes, () => new Error(`more than ${limits.maxBytes} bytes`)).catch(() => null));
    const folderOf = (fileName: string) => {
      for (let d = posix.dirname(fileName); d !== "." && d !== "/"; d = posix.dirname(d)) if (folders.has(d)) return d;
      return null;
    };
    for (const [folder, page] of folders) options.onResources?.(`${archive}!${folder}/`, `${archive}!${page}`, [...entries.keys()].filter((n) => n.startsWith(`${folder}/`)).length);
    for (const item of items) {
      if ("problem" in item) {
        yield item.problem;
        continue;
      }
      const { fileName, entry } = item;
      if (folderOf(fileName) !== null) continue;
      const name = `${archive}!${fileName}`;
      try {
        const bytes = await readEntry(zip, entry, limits.maxBytes, () => new Error(`more than ${limits.maxBytes} bytes`));
        // The archive stays open while its inputs are taken (its generator waits at each yield): pictures are read from it then.
        yield { name, bytes, pictures: archivePictures(archive, fileName, readPicture, options.assets) };
      } catch (error) {
        yield { name, reason: `unreadable entry: ${error instanceof Error ? error.message : String(error)}` };
      }
    }
  } finally {
    open = false;
    zip.close();
  }
}

async function* fileInputs(path: string, limits: InputLimits, options: CollectOptions): AsyncGenerator<Input | InputProblem> {
  try {
    const info = await stat(path);
    // An archive is bounded by what it unpacks to (checked entry by entry), not by its own size.
    if ((await isZip(path)) && !(await isDocumentZip(path, info.size))) {
      yield* zipEntries(path, limits, options);
      return;
    }
    if (info.size > limits.maxBytes) {
      yield { name: path, reason: `${info.size} bytes, over the limit of ${limits.maxBytes}` };
      return;
    }
    yield { name: basename(path), bytes: await readFile(path), pictures: localPictures(path, options.assets) };
  } catch (error) {
    yield { name: path, reason: `unreadable: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** The static folder a glob pattern's matches lie in (its segments before the first with magic). */
function globBase(pattern: string): string {
  const segments = resolve(pattern).split(sep);
  const fixed: string[] = [];
  for (const segment of segments) {
    if (isDynamicPattern(segment)) break;
    fixed.push(segment);
  }
  return fixed.join(sep) || sep;
}

/** Every input the arguments name, in a stable order. */
export async function* collectInputs(args: string[], limits: InputLimits = DEFAULT_LIMITS, options: CollectOptions = {}): AsyncGenerator<Input | InputProblem> {
  const pageFolders = new Map<string, string | null>();
  for (const arg of args) {
    if (isDynamicPattern(arg)) {
      const matches = (await glob(arg, { absolute: true, onlyFiles: true, dot: false })).sort();
      if (matches.length === 0) yield { name: arg, reason: "the pattern matches no file" };
      const base = globBase(arg);
      const told = new Set<string>();
      for (const path of matches) {
        // A match inside a saved page's folder of pictures (below the pattern's own folder) is the page's.
        let folder: string | null = null;
        for (let d = dirname(path); relative(base, d) !== "" && !relative(base, d).startsWith(".."); d = dirname(d)) {
          const page = await savedPageFolder(d, pageFolders);
          if (page) folder = d;
        }
        if (folder === null) yield* fileInputs(path, limits, options);
        else if (!told.has(folder)) {
          told.add(folder);
          options.onResources?.(folder, pageFolders.get(folder)!, matches.filter((m) => m.startsWith(`${folder}${sep}`)).length);
        }
      }
      continue;
    }
    const path = resolve(arg);
    const info = await stat(path).catch(() => null);
    if (!info) yield { name: arg, reason: "no such file or directory" };
    else if (info.isDirectory()) for await (const file of walk(path, options, pageFolders)) yield* fileInputs(file, limits, options);
    else yield* fileInputs(path, limits, options);
  }
}

export function isProblem(x: Input | InputProblem): x is InputProblem {
  return "reason" in x;
}
