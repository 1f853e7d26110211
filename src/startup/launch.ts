/**
 * The fast start of `nianbao extract`. The ES-module CLI (dist/src) loads some 180
 * modules one by one — resolving, reading and compiling each — before it reads a byte
 * of the input; for a 6-page text-layer PDF that was most of a fresh process's time.
 * The build (src/startup/build.ts) also bundles the same compiled CLI into one CommonJS
 * file, dist/fast/cli.cjs; this module runs that file with V8's code cache, so a fresh
 * process neither resolves modules nor compiles the functions it runs.
 *
 * The bundle is the code of dist/src, minified (strict mode, names kept), so its records
 * are byte-identical (tests/startup.test.ts compares them with the library's). It is
 * used only when that is sure:
 *
 * - dist/fast/manifest.json lists every file the bundle was made from with its size
 *   and mtime, and the bundle's own: if any differs (dist/src rebuilt without the
 *   bundle, a dependency updated), the modules of dist/src run.
 * - The cache is a file of dist/fast named by a key over the manifest, the Node and
 *   V8 versions, the platform and Node's options, and holds that key and a SHA-256 of
 *   its payload: a cache of another bundle or Node, truncated or corrupted, is never
 *   handed to V8. V8 itself refuses a cache made under other flags.
 * - A missing, damaged or refused cache is written again when the process exits after
 *   a successful run (exit code 0), atomically, if dist/fast is writable (the build
 *   makes the first by extracting fixtures). Nothing here fails a run: the worst case
 *   is the normal path, or the bundle compiled without a cache.
 *
 * NIANBAO_FAST=0 turns the fast start off. NIANBAO_TIMINGS=1 prints where a process's
 * time went on stderr when it exits (one `nianbao-timings {json}` line), for the bench.
 */
import { createHash } from "node:crypto";
import { accessSync, constants, existsSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Script } from "node:vm";

/** The project's directory: the nearest one above this module with a package.json (from src/ or dist/src/). */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

export const PROJECT_ROOT = findRoot();
export const FAST_DIR = join(PROJECT_ROOT, "dist/fast");
export const BUNDLE = join(FAST_DIR, "cli.cjs");
export const MANIFEST = join(FAST_DIR, "manifest.json");

/** Commands the bundle serves (the others need files beside their modules, e.g. the queue worker's child script). */
const FAST_COMMANDS = new Set(["extract"]);

/** What the build records: each input as [path relative to the project, size, mtime in ms]. */
export interface Manifest {
  format: 1;
  /** latin1 when the bundle is ASCII (read one byte per character), else utf8. */
  encoding: "latin1" | "utf8";
  bundle: [string, number, number];
  inputs: [string, number, number][];
}

const MAGIC = Buffer.from("NBV8C\x00\x00\x01", "latin1");
const HEADER = MAGIC.length + 32 + 32;

export type CacheState = "hit" | "missing" | "invalid" | "rejected";

export interface LaunchInfo {
  path: "bundle" | "modules";
  /** Why the normal path ran, when it did. */
  reason?: string;
  cache?: CacheState;
  /** ms since the process started. */
  binStart?: number;
  compiled?: number;
}

const info: LaunchInfo = { path: "modules" };

/** The manifest, if every file it lists (and the bundle) is still what the bundle was made from. */
export function currentManifest(): { manifest: Manifest; text: string } | string {
  let text: string;
  try {
    text = readFileSync(MANIFEST, "utf8");
  } catch {
    return "no bundle (dist/fast/manifest.json missing: run npm run build)";
  }
  let manifest: Manifest;
  try {
    manifest = JSON.parse(text) as Manifest;
  } catch {
    return "dist/fast/manifest.json unreadable";
  }
  if (manifest.format !== 1 || !["latin1", "utf8"].includes(manifest.encoding) || !Array.isArray(manifest.inputs) || !Array.isArray(manifest.bundle)) {
    return "dist/fast/manifest.json of another format";
  }
  for (const [file, size, mtimeMs] of [manifest.bundle, ...manifest.inputs]) {
    const stat = statSync(join(PROJECT_ROOT, file), { throwIfNoEntry: false });
    if (!stat || stat.size !== size || stat.mtimeMs !== mtimeMs) return `stale bundle: ${file} changed since it was built`;
  }
  return { manifest, text };
}

/**
 * The cache's key: this bundle (by its manifest) under this Node, V8, platform and node
 * options (V8 refuses a cache made under other flags: each set of options keeps its own).
 */
export function cacheKey(manifestText: string): Buffer {
  const options = [process.execArgv.join(" "), process.env.NODE_OPTIONS ?? ""];
  return createHash("sha256")
    .update(JSON.stringify([MAGIC.toString("latin1"), process.version, process.versions.v8, process.platform, process.arch, ...options]))
    .update(manifestText)
    .digest();
}

export const cacheFile = (key: Buffer) => join(FAST_DIR, `cli-${key.subarray(0, 8).toString("hex")}.v8cache`);

/** The cache's payload for `key`, or why there is none usable. */
export function readCache(key: Buffer): Buffer | CacheState {
  let file: Buffer;
  try {
    file = readFileSync(cacheFile(key));
  } catch {
    return "missing";
  }
  if (file.length <= HEADER || !file.subarray(0, MAGIC.length).equals(MAGIC) || !file.subarray(MAGIC.length, MAGIC.length + 32).equals(key)) return "invalid";
  const payload = file.subarray(HEADER);
  const digest = createHash("sha256").update(payload).digest();
  return digest.equals(file.subarray(MAGIC.length + 32, HEADER)) ? payload : "invalid";
}

/** Writes the cache atomically (a temporary file renamed into place); any failure is ignored. */
export function writeCache(key: Buffer, payload: Buffer): boolean {
  const target = cacheFile(key);
  const temporary = `${target}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, Buffer.concat([MAGIC, key, createHash("sha256").update(payload).digest(), payload]));
    renameSync(temporary, target);
    return true;
  } catch {
    try {
      unlinkSync(temporary);
    } catch {
      // nothing was written
    }
    return false;
  }
}

/**
 * Runs the CLI from the bundle when `argv` (process.argv without node and the script)
 * is a command it serves and the bundle is usable; returns false, having run nothing,
 * when the normal path must run instead. Once the bundle runs it owns the process.
 */
export function runBundled(argv: string[], binStart: number): boolean {
  info.binStart = binStart;
  if (process.env.NIANBAO_TIMINGS === "1") process.once("exit", printTimings);
  if (!FAST_COMMANDS.has(argv[0] ?? "")) return fallBack("command not served by the bundle");
  if (process.env.NIANBAO_FAST === "0") return fallBack("NIANBAO_FAST=0");
  let script: Script;
  let key: Buffer;
  let cache: Buffer | CacheState;
  try {
    const current = currentManifest();
    if (typeof current === "string") return fallBack(current);
    key = cacheKey(current.text);
    cache = readCache(key);
    const source = readFileSync(BUNDLE, current.manifest.encoding);
    // The CommonJS wrapper, as Node's loader would add it.
    script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
      filename: BUNDLE,
      ...(typeof cache === "string" ? {} : { cachedData: cache }),
    });
    if (typeof cache !== "string" && script.cachedDataRejected) cache = "rejected";
  } catch (error) {
    return fallBack(`bundle unusable: ${error instanceof Error ? error.message : String(error)}`);
  }
  info.path = "bundle";
  info.cache = typeof cache === "string" ? cache : "hit";
  info.compiled = performance.now();
  if (info.cache !== "hit" && writable(FAST_DIR)) {
    // After the run, so the cache holds every function it compiled (pdf.js's included).
    process.once("exit", (code) => {
      if (code === 0) writeCache(key, script.createCachedData());
    });
  }
  const wrapper = script.runInThisContext() as (exports: object, require: NodeJS.Require, module: object, filename: string, dirname: string) => void;
  const module = { exports: {}, filename: BUNDLE, id: BUNDLE, loaded: false };
  wrapper.call(module.exports, module.exports, createRequire(BUNDLE), module, BUNDLE, FAST_DIR);
  return true;
}

function writable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function fallBack(reason: string): false {
  info.path = "modules";
  info.reason = reason;
  return false;
}

/** A stage measured by the code (pdf.js's load and documents): when it first started, last ended, and its total time. */
export interface Measure {
  start: number;
  end: number;
  total: number;
}

/** Where the process's time went, in ms since the process started: the launcher's marks and the stages' measures. */
function printTimings(): void {
  const measures: Record<string, Measure> = {};
  for (const entry of performance.getEntriesByType("measure")) {
    if (!entry.name.startsWith("nianbao:")) continue;
    const m = (measures[entry.name.slice(8)] ??= { start: entry.startTime, end: 0, total: 0 });
    m.end = Math.max(m.end, entry.startTime + entry.duration);
    m.total += entry.duration;
  }
  process.stderr.write(`nianbao-timings ${JSON.stringify({ ...info, exit: performance.now(), measures })}\n`);
}
