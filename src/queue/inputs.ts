/**
 * What `ingest` is given, as a stream of named inputs: files, directories (walked
 * recursively, dotfiles skipped), glob patterns, and zip archives (each entry an input,
 * named archive!path; a DOCX or OFD, itself a zip, is one input). Archives are checked entry by entry: no absolute paths or "..",
 * no entry larger than the byte limit, no suspicious compression ratio (zip bombs),
 * a bounded total. A problem with one path or entry is reported and the rest go on.
 */
import { open as openFile, readdir, stat } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { glob, isDynamicPattern } from "tinyglobby";
import yauzl from "yauzl";
import { nextEntry, readEntry } from "../sources/_internal/zip-entries.js";
import { zipDocumentFormat, zipEntryNames } from "../sources/detect.js";
import type { ReportOrigin } from "../pipeline.js";

export interface Input {
  name: string;
  bytes: Uint8Array;
  /** Where a crawl fetched it (the record keeps it). */
  origin?: ReportOrigin | undefined;
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

async function* walk(dir: string): AsyncGenerator<string> {
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith(".")) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile()) yield path;
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

async function* zipEntries(path: string, limits: InputLimits): AsyncGenerator<Input | InputProblem> {
  const archive = basename(path);
  // Names are decoded here, not by yauzl: it would stop at the first unsafe name, and
  // archives made on Chinese Windows carry GBK names without the UTF-8 flag.
  const zip = await new Promise<yauzl.ZipFile>((ok, fail) => yauzl.open(path, { lazyEntries: true, validateEntrySizes: true, decodeStrings: false }, (e, z) => (e ? fail(e) : ok(z))));
  let total = 0;
  let count = 0;
  try {
    for (;;) {
      const entry = await nextEntry(zip);
      if (!entry) return;
      const fileName = entryName(entry);
      const name = `${archive}!${fileName}`;
      if (fileName.endsWith("/")) continue;
      if (++count > limits.maxEntries) {
        yield { name: archive, reason: `more than ${limits.maxEntries} entries: the rest are not read` };
        return;
      }
      const unsafe = unsafeEntryName(fileName);
      if (unsafe) {
        yield { name, reason: `refused: ${unsafe}` };
        continue;
      }
      if (entry.uncompressedSize > limits.maxBytes) {
        yield { name, reason: `refused: ${entry.uncompressedSize} bytes, over the limit of ${limits.maxBytes}` };
        continue;
      }
      if (entry.compressedSize > 0 && entry.uncompressedSize / entry.compressedSize > limits.maxRatio) {
        yield { name, reason: `refused: compression ratio ${Math.round(entry.uncompressedSize / entry.compressedSize)}:1 looks like a zip bomb` };
        continue;
      }
      if ((total += entry.uncompressedSize) > limits.maxArchiveBytes) {
        yield { name: archive, reason: `unpacks to more than ${limits.maxArchiveBytes} bytes: the rest are not read` };
        return;
      }
      try {
        const bytes = await readEntry(zip, entry, limits.maxBytes, () => new Error(`more than ${limits.maxBytes} bytes`));
        yield { name, bytes };
      } catch (error) {
        yield { name, reason: `unreadable entry: ${error instanceof Error ? error.message : String(error)}` };
      }
    }
  } finally {
    zip.close();
  }
}

async function* fileInputs(path: string, limits: InputLimits): AsyncGenerator<Input | InputProblem> {
  try {
    const info = await stat(path);
    // An archive is bounded by what it unpacks to (checked entry by entry), not by its own size.
    if ((await isZip(path)) && !(await isDocumentZip(path, info.size))) {
      yield* zipEntries(path, limits);
      return;
    }
    if (info.size > limits.maxBytes) {
      yield { name: path, reason: `${info.size} bytes, over the limit of ${limits.maxBytes}` };
      return;
    }
    const { readFile } = await import("node:fs/promises");
    yield { name: basename(path), bytes: await readFile(path) };
  } catch (error) {
    yield { name: path, reason: `unreadable: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** Every input the arguments name, in a stable order. */
export async function* collectInputs(args: string[], limits: InputLimits = DEFAULT_LIMITS): AsyncGenerator<Input | InputProblem> {
  for (const arg of args) {
    if (isDynamicPattern(arg)) {
      const matches = (await glob(arg, { absolute: true, onlyFiles: true, dot: false })).sort();
      if (matches.length === 0) yield { name: arg, reason: "the pattern matches no file" };
      for (const path of matches) yield* fileInputs(path, limits);
      continue;
    }
    const path = resolve(arg);
    const info = await stat(path).catch(() => null);
    if (!info) yield { name: arg, reason: "no such file or directory" };
    else if (info.isDirectory()) for await (const file of walk(path)) yield* fileInputs(file, limits);
    else yield* fileInputs(path, limits);
  }
}

export function isProblem(x: Input | InputProblem): x is InputProblem {
  return "reason" in x;
}
