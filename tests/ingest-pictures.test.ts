/**
 * A saved HTML page whose table is a picture, through `ingest` and a worker (issue 12,
 * part 4, in bulk): a real redis-server of the test's own, a real worker process, real
 * tesseract.js OCR on the real PNG. The page is qinghe-2020's CMS page with table 四 as
 * one picture (scripts/fixtures/html-images.ts: the ruled grid of the fixture PDF cut out)
 * in `report_files/`, as a browser saves it.
 *
 * What must hold: the picture travels with the job (stored by content, the job naming
 * which src is which blob) and the worker's record is what `extract` makes of the saved
 * page; the page with its pictures is one document — the same from a folder or a zip,
 * another with other pictures, another again alone — and a job whose picture is lost
 * fails with its reason, keeping its input, and is extracted when it is back.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Queue, type Job } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ReportRecord } from "../src/model/record.js";
import { extractFile } from "../src/pipeline.js";
import { pictureManifest } from "../src/queue/pictures.js";
import { QUEUES, type ExtractJobData } from "../src/queue/jobs.js";
import { closeSharedOcrPool } from "../src/sources/_internal/tesseract.js";
import { sha256Of } from "../src/store/local.js";
import { EXTRACTOR } from "../src/version.js";
import { imageTablesHtml, tableImages, type TableImage } from "../scripts/fixtures/html-images.js";
import { truthOf } from "../scripts/fixtures/model.js";
import { REPORTS } from "../scripts/fixtures/reports.js";
import { zip } from "../scripts/fixtures/zip.js";
import { FIXTURES, ROOT, runCli, tempDir } from "./helpers.js";
import { RedisServer } from "./redis-server.js";

const GENERATED = join(FIXTURES, "generated");
const qinghe = REPORTS.qinghe2020();
const truth = truthOf(qinghe, { name: "x", mediaType: "text/html", pages: null, textSource: "mixed" }) as { reviewLitigation: ReportRecord["reviewLitigation"] };
const chengjiang = truthOf(REPORTS.chengjiang2022(), { name: "x", mediaType: "text/html", pages: null, textSource: "mixed" }) as { reviewLitigation: ReportRecord["reviewLitigation"] };

const base = tempDir("ingest-pictures-");
let redis: RedisServer;
/** qinghe-2020's table 四, and chengjiang-2022's (the "other picture"), as PNGs. */
let picture: TableImage;
let otherPicture: TableImage;
/** The page with tables 二 and 三 as HTML and table 四 as the picture at `src`. */
const page = (src: string) => imageTablesHtml(qinghe, [picture], () => src, ["activeDisclosure", "applications"]);

/** A saved page: `dir/report.html` and its picture in `dir/report_files/`. */
function savedPage(dir: string, png: Buffer = picture.png): string {
  mkdirSync(join(dir, "report_files"), { recursive: true });
  writeFileSync(join(dir, "report_files", "table-4.png"), png);
  // What a browser's "save page" leaves beside the pictures too: never a document.
  writeFileSync(join(dir, "report_files", "main.css"), "body { font-size: 14px }\n");
  writeFileSync(join(dir, "report.html"), page("report_files/table-4.png"));
  return join(dir, "report.html");
}

beforeAll(async () => {
  mkdirSync(join(base, "redis"));
  redis = await RedisServer.start(join(base, "redis"));
  picture = (await tableImages(join(GENERATED, "qinghe-2020.pdf"))).find((i) => i.table === "reviewLitigation")!;
  otherPicture = (await tableImages(join(GENERATED, "chengjiang-2022.pdf"))).find((i) => i.table === "reviewLitigation")!;
}, 120_000);

afterAll(async () => {
  await redis?.down();
  await closeSharedOcrPool();
});

/** A deployment of the test's own: its Redis prefix and store. */
function env(name: string): NodeJS.ProcessEnv {
  return { REDIS_URL: redis.url, DATA_DIR: join(base, name, "data"), NIANBAO_QUEUE_PREFIX: name, NIANBAO_BACKOFF_MS: "200", NIANBAO_OCR_WORKERS: "1", LOG_LEVEL: "info" };
}

interface Worker {
  child: ChildProcess;
  log: () => string;
  exited: Promise<number | null>;
}
const workers: Worker[] = [];

async function startWorker(e: NodeJS.ProcessEnv): Promise<Worker> {
  const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "src/cli/index.ts"), "worker"], { env: { ...process.env, ...e }, stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  child.stderr!.on("data", (c: Buffer) => (log += c.toString()));
  const worker = { child, log: () => log, exited: new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code))) };
  workers.push(worker);
  while (!log.includes("worker started")) {
    if (child.exitCode !== null) throw new Error(`the worker exited: ${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return worker;
}

afterEach(async () => {
  for (const w of workers.splice(0)) {
    if (w.child.exitCode === null) w.child.kill("SIGTERM");
    await w.exited;
  }
});

/** `nianbao ingest ARGS --json`, its summary parsed. */
function ingest(e: NodeJS.ProcessEnv, args: string[]): { status: number | null; summary: Record<string, unknown>; stderr: string } {
  const r = runCli(["ingest", "--json", ...args], { env: e });
  let summary: Record<string, unknown> = {};
  try {
    summary = JSON.parse(r.stdout) as Record<string, unknown>;
  } catch {
    throw new Error(`ingest printed no summary (exit ${r.status}): ${r.stdout}\n${r.stderr}`);
  }
  return { status: r.status, summary, stderr: r.stderr };
}

async function jobs(prefix: string): Promise<{ all: Job<ExtractJobData>[]; close: () => Promise<void> }> {
  const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  const queue = new Queue<ExtractJobData>(QUEUES.extract, { connection, prefix });
  const all = await queue.getJobs(["completed", "failed", "waiting", "active", "delayed"]);
  return { all, close: async () => (await queue.close(), connection.disconnect()) };
}

const blobPath = (data: string, sha: string) => join(data, "blobs", sha.slice(0, 2), sha);
const recordOf = (data: string, key: string) => JSON.parse(readFileSync(join(data, "records", EXTRACTOR.version, key.slice(0, 2), `${key}.json`), "utf8")) as ReportRecord;

describe("a saved page whose table is a picture, through ingest and the queue", () => {
  it("carries the picture with the job, and the worker's record is extract's; the page with its picture is one document, from a folder or a zip", async () => {
    const e = env("saved");
    const data = e.DATA_DIR!;
    const dir = join(base, "saved", "in");
    const file = savedPage(dir);
    const reference = await extractFile(file);
    expect(reference.reviewLitigation).toEqual(truth.reviewLitigation);

    await startWorker(e);
    const first = ingest(e, [dir]);
    expect(first.status, first.stderr).toBe(0);
    // The page is the one document; its folder's files (the picture, a style sheet) are its own.
    expect(first.summary).toMatchObject({ submitted: 1, duplicates: 0, pageFolderFiles: 2, done: 1, failed: 0, notSubmitted: [] });

    const pageSha = sha256Of(readFileSync(file));
    const pictureSha = sha256Of(picture.png);
    const key = sha256Of(pictureManifest(pageSha, [{ src: "report_files/table-4.png", blob: pictureSha, size: picture.png.length }]));
    const { all, close } = await jobs("saved");
    expect(all).toHaveLength(1);
    const job = all[0]!;
    expect(job.id).toBe(`${key}@${EXTRACTOR.version}`);
    expect(job.data).toMatchObject({ blob: pageSha, key, name: "report.html", pictures: [{ src: "report_files/table-4.png", blob: pictureSha, size: picture.png.length }] });
    expect(job.data.unavailable).toBeUndefined();
    await close();
    // Everything by content in the store: page, picture, and the manifest that says which made the record.
    expect(readFileSync(blobPath(data, pictureSha)).equals(picture.png)).toBe(true);
    expect(JSON.parse(readFileSync(blobPath(data, key), "utf8"))).toMatchObject({ page: pageSha, pictures: [{ src: "report_files/table-4.png", blob: pictureSha }] });

    const record = recordOf(data, key);
    expect(record.source).toMatchObject({ sha256: pageSha, textSource: "mixed" });
    expect(record.reviewLitigation).toEqual(truth.reviewLitigation);
    expect(record).toEqual(reference);
    expect(existsSync(join(data, "records", EXTRACTOR.version, pageSha.slice(0, 2), `${pageSha}.json`))).toBe(false);

    // The same page and picture in a zip (with the archive's own folder layout): the same document.
    const archive = join(base, "saved", "batch.zip");
    writeFileSync(archive, zip([{ name: "2020/report.html", data: readFileSync(file) }, { name: "2020/report_files/table-4.png", data: picture.png }]));
    const again = ingest(e, [archive]);
    expect(again.status, again.stderr).toBe(0);
    expect(again.summary).toMatchObject({ submitted: 1, duplicates: 1, pageFolderFiles: 1, done: 1 });
    const after = await jobs("saved");
    expect(after.all).toHaveLength(1);
    await after.close();
  }, 600_000);

  it("makes another job and record of the same page with another picture, and of the page alone; --assets finds a site's URLs", async () => {
    const e = env("other");
    const data = e.DATA_DIR!;
    const first = savedPage(join(base, "other", "a"));
    const second = savedPage(join(base, "other", "b"), otherPicture.png);
    // The page alone: its picture is nowhere to be had, and the record says where it was looked for.
    const alone = join(base, "other", "c", "report.html");
    mkdirSync(join(base, "other", "c"));
    copyFileSync(first, alone);
    // The page as the site serves it (the src a URL), its picture gathered in an assets folder.
    const assets = join(base, "other", "assets");
    mkdirSync(join(assets, "uploads", "2021"), { recursive: true });
    writeFileSync(join(assets, "uploads", "2021", "table-4.png"), picture.png);
    mkdirSync(join(base, "other", "d"));
    const sitePage = join(base, "other", "d", "report.html");
    writeFileSync(sitePage, page("https://www.example.gov.cn/uploads/2021/table-4.png"));

    await startWorker(e);
    const r = ingest(e, ["--assets", assets, first, second, alone, sitePage]);
    expect(r.status, r.stderr).toBe(0);
    // Three pages the same, one the other page: four documents, none a duplicate.
    expect(r.summary).toMatchObject({ submitted: 4, duplicates: 0, failed: 0 });
    const { all, close } = await jobs("other");
    await close();
    // The saved page, the page with the other picture and the page alone: one page's bytes, three jobs.
    const pageSha = sha256Of(readFileSync(first));
    expect([second, alone].map((f) => sha256Of(readFileSync(f)))).toEqual([pageSha, pageSha]);
    const samePage = all.filter((j) => j.data.blob === pageSha);
    expect(samePage).toHaveLength(3);
    const withPicture = (png: Buffer) => samePage.find((j) => j.data.pictures?.[0]?.blob === sha256Of(png))!;
    const mine = withPicture(picture.png);
    const others = withPicture(otherPicture.png);
    const bare = samePage.find((j) => !j.data.pictures)!;
    expect(new Set([mine.id, others.id, bare.id]).size).toBe(3);
    expect(bare.id).toBe(`${pageSha}@${EXTRACTOR.version}`);

    // Each read with its own picture, the first record kept beside the second.
    expect(recordOf(data, mine.data.key!).reviewLitigation).toEqual(truth.reviewLitigation);
    expect(recordOf(data, others.data.key!).reviewLitigation).toEqual(chengjiang.reviewLitigation);
    // Alone: table 四 missing, the picture named with where ingest looked for it.
    const bareRecord = recordOf(data, bare.data.blob);
    expect(bare.data.unavailable).toEqual([{ src: "report_files/table-4.png", reason: expect.stringMatching(/^not found \(looked for .*\/other\/c\/report_files\/table-4\.png, .*\/other\/assets\/table-4\.png\)$/) }]);
    expect(bareRecord.reviewLitigation?.review.total ?? null).toBeNull();
    expect(bareRecord.issues.find((i) => i.code === "TABLE_MISSING" && i.path === "reviewLitigation")?.message).toMatch(/report_files\/table-4\.png.*not found \(looked for/);
    // From the assets folder, by the URL's path.
    const fromAssets = all.find((j) => j.data.blob === sha256Of(readFileSync(sitePage)))!;
    expect(fromAssets.data.pictures).toEqual([{ src: "https://www.example.gov.cn/uploads/2021/table-4.png", blob: sha256Of(picture.png), size: picture.png.length }]);
    expect(recordOf(data, fromAssets.data.key!).reviewLitigation).toEqual(truth.reviewLitigation);

    // --assets is checked as extract checks it.
    const bad = runCli(["ingest", "--assets", join(base, "other", "nowhere"), first], { env: e });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--assets must be a directory/);
  }, 600_000);

  it("fails a job whose picture is gone from the store with its reason, keeps its input, and extracts it once the picture is back", async () => {
    const e = env("lost");
    const data = e.DATA_DIR!;
    const file = savedPage(join(base, "lost", "in"));
    const submitted = ingest(e, ["--no-wait", file]);
    expect(submitted.status, submitted.stderr).toBe(0);
    const pictureSha = sha256Of(picture.png);
    rmSync(blobPath(data, pictureSha));

    await startWorker(e);
    // The job must have failed before the folder is submitted again: that submission stores the picture again.
    for (let waited = 0; ; waited += 500) {
      const { all, close } = await jobs("lost");
      const reason = all[0]?.failedReason;
      await close();
      if (reason) break;
      if (waited > 300_000) throw new Error("the job whose picture is gone neither failed nor ended within 300 s");
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const failed = ingest(e, [file.replace(/report\.html$/, "")]);
    // The same page and picture: the job already submitted, now failed at once and for good.
    expect(failed.status).toBe(12);
    expect(failed.summary).toMatchObject({ submitted: 1, duplicates: 1, failed: 1 });
    const { all, close } = await jobs("lost");
    const [job] = all;
    expect(job!.failedReason).toMatch(/^INPUT_MISSING: the picture report_files\/table-4\.png \([0-9a-f]{64}\) submitted with report\.html is not in the store/);
    expect(job!.attemptsMade).toBe(1);
    // Its input and manifest are kept, and `status` names it with its reason.
    expect(existsSync(blobPath(data, job!.data.blob))).toBe(true);
    expect(existsSync(blobPath(data, job!.data.key!))).toBe(true);
    const status = JSON.parse(runCli(["status", "--json"], { env: e }).stdout) as { queues: { queue: string; latestFailures: { name: string; reason: string; input: string }[] }[] };
    expect(status.queues.find((q) => q.queue === QUEUES.extract)!.latestFailures).toEqual([expect.objectContaining({ name: "report.html", input: job!.data.blob, reason: expect.stringMatching(/INPUT_MISSING/) })]);

    // The picture back (submitting the folder again stores it again), the failed job retried: its record.
    expect(ingest(e, ["--no-wait", file.replace(/report\.html$/, "")]).status).toBe(0);
    expect(runCli(["retry-failed"], { env: e }).stdout).toBe("queued again: 1\n");
    const done = ingest(e, [file]);
    expect(done.status, done.stderr).toBe(0);
    expect(recordOf(data, job!.data.key!).reviewLitigation).toEqual(truth.reviewLitigation);
    await close();
  }, 600_000);
});
