/**
 * The fresh-process start of `nianbao extract` (src/startup): a text-layer PDF loads no
 * canvas, OCR, queue or fetch modules, on either path; the bundled CLI run with V8's
 * code cache prints byte for byte the record of the library; and a cache that is
 * missing, corrupted, of another bundle or refused by V8, or a bundle older than its
 * sources, is passed over silently.
 *
 * Everything runs on a build of its own in a temporary directory (tsc, then the bundle
 * step without a training fixture), so the shared dist/ is never touched and the cache
 * is made by the first run there.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { extractFile } from "../src/index.js";
import { toJson } from "../src/cli/output.js";
import { CORPUS, FIXTURES, itCorpus, ROOT, tempDir } from "./helpers.js";

const TEXT_PDF = join(FIXTURES, "generated/chengjiang-2022.pdf");
const CORPUS_PDF = join(CORPUS, "huaian-2024.pdf");

let app = "";
let fast = "";

interface Timings {
  path: "bundle" | "modules";
  reason?: string;
  cache?: "hit" | "missing" | "invalid" | "rejected";
}

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  timings: Timings;
}

function run(args: string[], env: NodeJS.ProcessEnv = {}, nodeArgs: string[] = []): Run {
  const r = spawnSync(process.execPath, [...nodeArgs, join(app, "bin/nianbao.mjs"), ...args], {
    encoding: "utf8",
    env: { ...process.env, LOG_LEVEL: "silent", NIANBAO_TIMINGS: "1", NIANBAO_FAST: undefined, ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  const line = r.stderr.split("\n").find((l) => l.startsWith("nianbao-timings "));
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, timings: JSON.parse(line?.slice(16) ?? "{}") as Timings };
}

const caches = () => readdirSync(fast).filter((f) => f.endsWith(".v8cache"));
const libraryJson = async (file: string) => toJson(await extractFile(file), false);

beforeAll(() => {
  app = tempDir("startup-");
  // The project as installed: package.json, bin/, a fresh dist/ and the dependencies.
  cpSync(join(ROOT, "package.json"), join(app, "package.json"));
  cpSync(join(ROOT, "bin"), join(app, "bin"), { recursive: true });
  symlinkSync(join(ROOT, "node_modules"), join(app, "node_modules"), "dir");
  const tsc = spawnSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", join(ROOT, "tsconfig.build.json"), "--outDir", join(app, "dist")], { encoding: "utf8" });
  if (!existsSync(join(app, "dist/src/startup/build.js"))) throw new Error(`tsc failed: ${tsc.stdout}${tsc.stderr}`);
  const bundle = spawnSync(process.execPath, [join(app, "dist/src/startup/build.js")], { encoding: "utf8" });
  if (bundle.status !== 0) throw new Error(`the bundle step failed: ${bundle.stdout}${bundle.stderr}`);
  fast = join(app, "dist/fast");
}, 240_000);

describe("a text-layer PDF loads only what it needs", () => {
  /** Records every module a process loads: ES modules through a loader hook, CommonJS and addons from the require cache, Node's own from moduleLoadList. */
  function loadedModules(env: NodeJS.ProcessEnv): string[] {
    const dir = tempDir("modules-");
    const out = join(dir, "loaded.txt");
    writeFileSync(join(dir, "hooks.mjs"), `import { appendFileSync } from "node:fs";
export async function load(url, context, next) { appendFileSync(${JSON.stringify(out)}, url + "\\n"); return next(url, context); }\n`);
    writeFileSync(join(dir, "register.mjs"), `import { register, createRequire } from "node:module";
import { appendFileSync } from "node:fs";
register("./hooks.mjs", import.meta.url);
const require = createRequire(import.meta.url);
process.on("exit", () => appendFileSync(${JSON.stringify(out)}, [...Object.keys(require.cache), ...process.moduleLoadList].join("\\n") + "\\n"));\n`);
    const before = new Set(caches());
    const r = run(["extract", TEXT_PDF], env, ["--import", join(dir, "register.mjs")]);
    expect(r.status).toBe(0);
    // Node's options are part of the cache's key: this run's cache is of no use to the others.
    for (const name of caches()) if (!before.has(name)) rmSync(join(fast, name));
    return readFileSync(out, "utf8").split("\n");
  }

  // Packages (the CLI's own OCR pool module, which loads tesseract.js on the first page to read, may load), Node's fetch, native addons.
  const unwanted = /node_modules\/(@napi-rs\/canvas\/index\.js|tesseract\.js\/|bullmq\/|ioredis\/|parse5\/|utif2\/)|internal\/deps\/undici|\.node$/;

  it("through the bundle", () => {
    const loaded = loadedModules({});
    expect(loaded.some((m) => m.endsWith("dist/fast/cli.cjs") || m.includes("startup/launch.js"))).toBe(true);
    expect(loaded.filter((m) => unwanted.test(m))).toEqual([]);
  }, 60_000);

  it("through the modules of dist/src", () => {
    const loaded = loadedModules({ NIANBAO_FAST: "0" });
    expect(loaded.some((m) => m.includes("dist/src/sources/_internal/pdfjs.js"))).toBe(true);
    expect(loaded.some((m) => m.includes("pdfjs-dist/legacy/build/pdf.worker.mjs"))).toBe(true);
    expect(loaded.filter((m) => unwanted.test(m))).toEqual([]);
  }, 60_000);
});

describe("the bundled CLI with V8's code cache", () => {
  it("makes its cache on the first run, uses it on the next, and prints the library's record", async () => {
    expect(caches()).toEqual([]);
    const first = run(["extract", TEXT_PDF]);
    expect(first.timings).toMatchObject({ path: "bundle", cache: "missing" });
    expect(caches()).toHaveLength(1);
    const second = run(["extract", TEXT_PDF]);
    expect(second.timings).toMatchObject({ path: "bundle", cache: "hit" });
    const library = await libraryJson(TEXT_PDF);
    expect(first.stdout).toBe(library);
    expect(second.stdout).toBe(library);
    expect(run(["extract", TEXT_PDF], { NIANBAO_FAST: "0" }).stdout).toBe(library);
  }, 60_000);

  itCorpus("prints the library's record for the corpus PDF", async () => {
    const r = run(["extract", CORPUS_PDF]);
    expect(r.timings.path).toBe("bundle");
    expect(r.stdout).toBe(await libraryJson(CORPUS_PDF));
  }, 60_000);

  it("passes over a corrupted or truncated cache, and writes a good one again", async () => {
    run(["extract", TEXT_PDF]);
    const [name] = caches();
    const file = join(fast, name!);
    const good = readFileSync(file);
    const library = await libraryJson(TEXT_PDF);

    const flipped = Buffer.from(good);
    for (let i = 200; i < flipped.length; i += 997) flipped[i] = flipped[i]! ^ 0x5a;
    writeFileSync(file, flipped);
    const corrupted = run(["extract", TEXT_PDF]);
    expect(corrupted.timings).toMatchObject({ path: "bundle", cache: "invalid" });
    expect(corrupted.stdout).toBe(library);
    expect(run(["extract", TEXT_PDF]).timings.cache).toBe("hit");

    writeFileSync(file, good.subarray(0, good.length >> 1));
    const truncated = run(["extract", TEXT_PDF]);
    expect(truncated.timings).toMatchObject({ path: "bundle", cache: "invalid" });
    expect(truncated.stdout).toBe(library);
  }, 120_000);

  it("passes over a cache made for another key, and one V8 refuses", async () => {
    const library = await libraryJson(TEXT_PDF);
    const [name] = caches();
    const file = join(fast, name!);
    const good = readFileSync(file);

    // Another bundle's cache under this name: the key in its header differs.
    const otherKey = Buffer.from(good);
    otherKey[8] = otherKey[8]! ^ 0xff;
    writeFileSync(file, otherKey);
    expect(run(["extract", TEXT_PDF]).timings).toMatchObject({ path: "bundle", cache: "invalid" });

    // A well-formed file whose payload is the code cache of some other script: V8 refuses it.
    const { Script } = await import("node:vm");
    const { createHash } = await import("node:crypto");
    const payload = new Script("1 + 1").createCachedData();
    writeFileSync(file, Buffer.concat([good.subarray(0, 40), createHash("sha256").update(payload).digest(), payload]));
    const refused = run(["extract", TEXT_PDF]);
    expect(refused.timings).toMatchObject({ path: "bundle", cache: "rejected" });
    expect(refused.stdout).toBe(library);
    expect(run(["extract", TEXT_PDF]).timings.cache).toBe("hit");
  }, 120_000);

  it("is not used when a module it was built from has changed since, or with NIANBAO_FAST=0", async () => {
    const library = await libraryJson(TEXT_PDF);
    expect(run(["extract", TEXT_PDF], { NIANBAO_FAST: "0" }).timings).toMatchObject({ path: "modules", reason: "NIANBAO_FAST=0" });
    const module = join(app, "dist/src/pipeline.js");
    const later = new Date(Date.now() + 5_000);
    utimesSync(module, later, later);
    const stale = run(["extract", TEXT_PDF]);
    expect(stale.timings.path).toBe("modules");
    expect(stale.timings.reason).toContain("dist/src/pipeline.js");
    expect(stale.stdout).toBe(library);
  }, 60_000);

  it("serves only extract: other commands run the modules", () => {
    const r = run(["schema"]);
    expect(r.status).toBe(0);
    expect(r.timings).toMatchObject({ path: "modules", reason: "command not served by the bundle" });
  }, 60_000);

  it("is never made by a failed run", () => {
    const dir = tempDir("nocache-");
    for (const name of caches()) writeFileSync(join(fast, name), "");
    const r = run(["extract", join(dir, "missing.pdf")]);
    expect(r.status).toBe(3);
    expect(caches().every((name) => readFileSync(join(fast, name)).length === 0)).toBe(true);
  }, 60_000);
});
