/**
 * The queue pipeline on a real Redis (a redis-server of the test run's own) with real
 * worker processes: records made through the queue equal the CLI's byte for byte, and
 * the faults a bulk run meets — duplicates, a poison file, a worker killed mid-job,
 * a worker stopped with SIGTERM, Redis restarting mid-run — lose no input, duplicate
 * no record, and leave every failure with its reason.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { QUEUES } from "../src/queue/jobs.js";
import { sha256Of } from "../src/store/local.js";
import { scanPdf } from "../scripts/fixtures/scan.js";
import { CORPUS, FIXTURES, requireCorpus, ROOT, runCli, tempDir } from "./helpers.js";
import { RedisServer } from "./redis-server.js";

requireCorpus();
const VERSION = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;

let redis: RedisServer;
let base: string;
let scan: string;

/** Settings of a test's own deployment: its Redis, its store, short locks so stalled jobs come back quickly. */
function env(data: string, prefix: string): NodeJS.ProcessEnv {
  return { REDIS_URL: redis.url, DATA_DIR: data, NIANBAO_QUEUE_PREFIX: prefix, NIANBAO_LOCK_MS: "4000", NIANBAO_STALLED_INTERVAL_MS: "1500", NIANBAO_BACKOFF_MS: "200", LOG_LEVEL: "info" };
}

interface WorkerProcess {
  child: ChildProcess;
  log: () => string;
  exited: Promise<number | null>;
}

const workers: WorkerProcess[] = [];

async function startWorker(e: NodeJS.ProcessEnv, args: string[] = []): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "src/cli/index.ts"), "worker", ...args], { env: { ...process.env, ...e }, stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  child.stderr!.on("data", (c: Buffer) => (log += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const w = { child, log: () => log, exited };
  workers.push(w);
  await waitFor(() => log.includes("worker started"), 20_000, "worker start");
  return w;
}

async function waitFor(check: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function ingest(e: NodeJS.ProcessEnv, args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "src/cli/index.ts"), "ingest", ...args], { env: { ...process.env, ...e }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.once("exit", (status) => resolve({ status, stdout, stderr }));
  });
}

function recordPath(data: string, file: string): string {
  const sha = sha256Of(readFileSync(file));
  return join(data, "records", VERSION, sha.slice(0, 2), `${sha}.json`);
}

function recordFiles(data: string): string[] {
  const dir = join(data, "records", VERSION);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((d) => readdirSync(join(dir, d)).filter((f) => f.endsWith(".json")));
}

/** What the in-process CLI makes of a file. */
function cliRecord(file: string): string {
  const r = runCli(["extract", file]);
  expect(r.status).toBe(0);
  return r.stdout;
}

async function queueOf(prefix: string): Promise<{ queue: Queue; close: () => Promise<void> }> {
  const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  const queue = new Queue(QUEUES.extract, { connection, prefix });
  return { queue, close: async () => (await queue.close(), connection.disconnect()) };
}

beforeAll(async () => {
  base = tempDir("queue-");
  mkdirSync(join(base, "redis"));
  redis = await RedisServer.start(join(base, "redis"));
  // A scanned report (its pages fan out as OCR jobs), made from the project's own fixture.
  const made = await scanPdf(new Uint8Array(readFileSync(join(FIXTURES, "generated/chengjiang-2022.pdf"))), { dpi: 200, skewDegrees: 0.8, noise: 10, jpegQuality: 70, seed: 11 });
  scan = join(base, "chengjiang-2022-scan.pdf");
  writeFileSync(scan, made.pdf);
}, 120_000);

afterEach(async () => {
  for (const w of workers.splice(0)) {
    if (w.child.exitCode === null) w.child.kill("SIGKILL");
    await w.exited;
  }
});

afterAll(async () => {
  await redis?.down();
});

describe("queue pipeline", () => {
  it("extracts through workers exactly what the CLI extracts, scanned pages fanned out as jobs", async () => {
    const data = join(base, "e2e");
    const e = env(data, "e2e");
    await Promise.all([startWorker(e), startWorker(e)]);
    const files = [join(CORPUS, "jixian-2020.txt"), join(CORPUS, "pingtan-2023.html"), join(CORPUS, "huaian-2024.pdf"), join(FIXTURES, "generated/minghu-2021-cmap.pdf"), join(FIXTURES, "generated/yunxi-2023-gbk.html"), scan];
    const result = await ingest(e, files);
    expect(result.stdout).toMatch(/submitted 6 documents/);
    expect(result.status).toBe(0);
    for (const file of files) expect({ file, same: readFileSync(recordPath(data, file), "utf8") === cliRecord(file) }).toEqual({ file, same: true });
    expect(workers.map((w) => w.log()).join("")).toMatch(/pages sent out for OCR/);
  }, 240_000);

  it("makes one job and one record of the same report submitted twice and under another name", async () => {
    const data = join(base, "dup");
    const e = env(data, "dup");
    await startWorker(e);
    const copy = join(base, "another-name.txt");
    copyFileSync(join(CORPUS, "jixian-2020.txt"), copy);
    const result = await ingest(e, [join(CORPUS, "jixian-2020.txt"), join(CORPUS, "jixian-2020.txt"), copy]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/submitted 1 document \(2 duplicate inputs\)/);
    const again = await ingest(e, [copy]);
    expect(again.stdout).toMatch(/submitted 1 document \(1 duplicate input\)/);
    expect(recordFiles(data)).toHaveLength(1);
    const { queue, close } = await queueOf("dup");
    expect(await queue.getJobCounts("completed")).toEqual({ completed: 1 });
    await close();
  }, 120_000);

  it("fails a poison file at once with its reason, keeps its input, and extracts the rest", async () => {
    const data = join(base, "poison");
    const e = env(data, "poison");
    await startWorker(e);
    const poison = join(base, "poison.pdf");
    writeFileSync(poison, Buffer.concat([Buffer.from("%PDF-1.7\n"), Buffer.alloc(4000, 0x41)]));
    const result = await ingest(e, [join(CORPUS, "pingtan-2021.html"), poison, join(CORPUS, "jixian-2020.txt")]);
    expect(result.status).toBe(12);
    expect(result.stdout).toMatch(/done 2, done with issues 0, failed 1/);
    expect(result.stdout).toMatch(/poison\.pdf: PDF_CORRUPT: the PDF cannot be parsed/);
    const { queue, close } = await queueOf("poison");
    const [failed] = await queue.getFailed();
    expect(failed?.attemptsMade).toBe(1); // permanent: no retries
    expect(existsSync(join(data, "blobs", failed!.data.blob.slice(0, 2), failed!.data.blob))).toBe(true);
    expect(recordFiles(data)).toHaveLength(2);

    // `status` names the failure and its reason; `retry-failed` puts it back with its stored input.
    const status = runCli(["status", "--json"], { env: e });
    expect(status.status).toBe(0);
    const extract = (JSON.parse(status.stdout) as { queue: string; counts: Record<string, number>; latestFailures: { name: string; reason: string; input: string }[] }[]).find((q) => q.queue === QUEUES.extract)!;
    expect(extract.counts).toMatchObject({ completed: 2, failed: 1 });
    expect(extract.latestFailures).toEqual([expect.objectContaining({ name: "poison.pdf", input: failed!.data.blob, reason: expect.stringMatching(/PDF_CORRUPT/) })]);
    for (const w of workers) w.child.kill("SIGTERM");
    await Promise.all(workers.map((w) => w.exited));
    const retried = runCli(["retry-failed"], { env: e });
    expect(retried.stdout).toBe("queued again: 1\n");
    expect(await queue.getJobCounts("failed", "waiting")).toEqual({ failed: 0, waiting: 1 });
    const [again] = await queue.getWaiting();
    expect(again?.data.blob).toBe(failed!.data.blob);
    await close();
  }, 120_000);

  it("finishes a job whose worker was killed (SIGKILL) mid-job on another worker, with one record", async () => {
    const data = join(base, "kill");
    const e = env(data, "kill");
    const first = await startWorker(e);
    const submitted = await ingest(e, ["--no-wait", scan]);
    expect(submitted.status).toBe(0);
    // Kill it while it is reading the scan's pages.
    await waitFor(() => first.log().includes("pages sent out for OCR"), 60_000, "the fan-out");
    first.child.kill("SIGKILL");
    expect(await first.exited).toBe(null);
    await startWorker(e);
    const done = await ingest(e, [scan]);
    expect(done.status).toBe(0);
    expect(done.stdout).toMatch(/submitted 1 document \(1 duplicate input\)/);
    expect(readFileSync(recordPath(data, scan), "utf8")).toBe(cliRecord(scan));
    expect(recordFiles(data)).toHaveLength(1);
  }, 240_000);

  it("stops on SIGTERM after the running job (exit 0); the next worker does the rest", async () => {
    const data = join(base, "term");
    const e = env(data, "term");
    const first = await startWorker(e);
    const files = [join(CORPUS, "huaian-2024.pdf"), join(CORPUS, "pingtan-2022.html"), join(CORPUS, "pingtan-2025.html"), join(CORPUS, "jixian-2020.txt")];
    await ingest(e, ["--no-wait", ...files]);
    await waitFor(() => first.log().includes("document done"), 60_000, "work to start");
    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);
    expect(first.log()).toMatch(/worker stopped/);
    await startWorker(e);
    const done = await ingest(e, files);
    expect(done.status).toBe(0);
    expect(recordFiles(data)).toHaveLength(files.length);
  }, 180_000);

  it("rides out a Redis restart mid-run: workers and the waiting ingest reconnect and finish", async () => {
    const data = join(base, "restart");
    const e = env(data, "restart");
    await startWorker(e);
    const files = [join(CORPUS, "huaian-2024.pdf"), join(FIXTURES, "generated/qinghe-2020.pdf"), join(FIXTURES, "generated/chengjiang-2022.pdf"), join(CORPUS, "pingtan-2021.html"), join(CORPUS, "pingtan-2022.html"), scan];
    const running = ingest(e, files);
    await waitFor(() => workers[0]!.log().includes("document done"), 60_000, "a first document");
    await redis.restart(1000);
    const result = await running;
    expect(result.stdout).toMatch(/done \d+, done with issues \d+, failed 0/);
    expect(result.status).toBe(0);
    for (const file of files) expect(existsSync(recordPath(data, file))).toBe(true);
    expect(recordFiles(data)).toHaveLength(files.length);
  }, 300_000);
});
