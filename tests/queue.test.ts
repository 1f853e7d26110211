/**
 * The queue pipeline on a real Redis (a redis-server of the test run's own) with real
 * worker processes: records made through the queue equal the CLI's byte for byte, the
 * extract options chosen at ingest reach the workers and the pages they send out, and
 * the faults a bulk run meets — duplicates, a poison file, a worker killed mid-job, a
 * worker stopped with SIGTERM, Redis restarting mid-run — lose no input, duplicate no
 * record, and leave every failure with its reason.
 *
 * Inputs are the project's own fixtures (no ../shared needed). The scanned document is
 * two pages of qinghe-2020 (scripts/fixtures/images.ts#scannedPages), read at
 * --ocr-dpi 150: enough to fan pages out as jobs, little to OCR.
 *
 * Limits are derived from measured work, not guessed: before the tests are defined,
 * this machine as it is now is timed on an ingest process, a worker's first job, and
 * the CLI extracting the first test's inputs (which also gives the reference records).
 * Each test's limit is its work in those units times SLACK, so a slower or busier
 * machine gets proportionally longer.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, extname, join } from "node:path";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { QUEUES } from "../src/queue/jobs.js";
import { sha256Of } from "../src/store/local.js";
import { scannedPages } from "../scripts/fixtures/images.js";
import { FIXTURES, ROOT, runCli, tempDir } from "./helpers.js";
import { RedisServer } from "./redis-server.js";

const VERSION = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;
const GENERATED = join(FIXTURES, "generated");
const TEXT = join(FIXTURES, "jixian-2020.txt");
/** The OCR resolution the tests ingest scans at; the workers' own default stays 300. */
const DPI = "150";
/** Lock and stall settings of the tests' workers: how long a killed worker's job waits to be taken over. */
const LOCK_MS = 4000;
const STALLED_INTERVAL_MS = 1500;
/** How often a waiting ingest checks its jobs when no event comes (src/queue/progress.ts), as after a Redis restart. */
const INGEST_RECHECK_MS = 3000;

const base = tempDir("queue-");
// A scanned report (its pages fan out as OCR jobs), made from the project's own fixture.
const scan = join(base, "qinghe-2020-scan.pdf");
writeFileSync(scan, await scannedPages(join(GENERATED, "qinghe-2020.pdf"), [1, 3], 150));

/** Each test's inputs (each test has its own Redis prefix and store, so they do not meet). */
const E2E = [TEXT, join(GENERATED, "yunxi-2023.html"), join(GENERATED, "chengjiang-2022.pdf"), join(GENERATED, "minghu-2021-cmap.pdf"), join(GENERATED, "yunxi-2023-gbk.html"), scan];
const TERM = [join(GENERATED, "qinghe-2020.pdf"), join(GENERATED, "chengjiang-2022.pdf"), join(GENERATED, "yunxi-2023.html"), TEXT];
const RESTART = [join(GENERATED, "qinghe-2020.pdf"), join(GENERATED, "chengjiang-2022.pdf"), join(GENERATED, "minghu-2021-cmap.pdf"), join(GENERATED, "yunxi-2023.html"), join(GENERATED, "qinghe-2020-gbk.txt"), scan];

mkdirSync(join(base, "redis"));
const redis = await RedisServer.start(join(base, "redis"));

/** Settings of a test's own deployment: its Redis, its store, short locks so stalled jobs come back quickly. */
function env(data: string, prefix: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { REDIS_URL: redis.url, DATA_DIR: data, NIANBAO_QUEUE_PREFIX: prefix, NIANBAO_LOCK_MS: String(LOCK_MS), NIANBAO_STALLED_INTERVAL_MS: String(STALLED_INTERVAL_MS), NIANBAO_BACKOFF_MS: "200", LOG_LEVEL: "info", ...extra };
}

interface CliProcess {
  child: ChildProcess;
  /** stderr so far: the pino log. */
  log: () => string;
  exited: Promise<number | null>;
}

function spawnCli(command: string, args: string[], e: NodeJS.ProcessEnv): CliProcess & { stdout: () => string } {
  const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "src/cli/index.ts"), command, ...args], { env: { ...process.env, ...e }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let log = "";
  child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (log += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, log: () => log, stdout: () => out, exited };
}

async function waitFor(check: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (${Math.round(ms / 1000)} s, from the measured work)`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Calibration: an ingest process submitting a report (I); a worker from its start to
 * its first document done, its job processor (a process of its own) started (R); the CLI
 * extracting E2E in one process, the scan by OCR (W) — which also writes the reference
 * records the queue's must equal.
 */
async function measure(what: string, run: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await run().catch((error: unknown) => Promise.reject(new Error(`calibration: ${what} failed: ${String(error)}`)));
  return performance.now() - started;
}
const calibrationEnv = env(join(base, "calibration"), "calibration");
const I = await measure("ingest", async () => {
  const r = spawnCli("ingest", ["--no-wait", TEXT], calibrationEnv);
  if ((await r.exited) !== 0) throw new Error(r.log());
});
const R = await measure("a worker's first job", async () => {
  const w = spawnCli("worker", [], calibrationEnv);
  await waitFor(() => w.log().includes("document done") || w.child.exitCode !== null, 600_000, "the calibration job");
  w.child.kill("SIGKILL");
  await w.exited;
  if (!w.log().includes("document done")) throw new Error(w.log());
});
const reference = tempDir("queue-ref-");
const W = await measure("the reference extraction", async () => {
  const r = runCli(["extract", "--ocr-dpi", DPI, "--out", reference, ...E2E]);
  if (r.status !== 0) throw new Error(r.stderr);
});
/** Headroom for a machine that gets busier after the measurement. */
const SLACK = 3;
/** A limit for an amount of measured work (in ms). */
const limit = (work: number) => Math.round(SLACK * work);

function referenceRecord(file: string): string {
  return readFileSync(join(reference, `${basename(file, extname(file))}.json`), "utf8");
}

const workers: CliProcess[] = [];

async function startWorker(e: NodeJS.ProcessEnv): Promise<CliProcess> {
  const w = spawnCli("worker", [], e);
  workers.push(w);
  await waitFor(() => w.log().includes("worker started"), limit(R), "worker start");
  return w;
}

async function ingest(e: NodeJS.ProcessEnv, args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const r = spawnCli("ingest", args, e);
  const status = await r.exited;
  return { status, stdout: r.stdout(), stderr: r.log() };
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

async function queueOf(prefix: string, name: string = QUEUES.extract): Promise<{ queue: Queue; close: () => Promise<void> }> {
  const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  const queue = new Queue(name, { connection, prefix });
  return { queue, close: async () => (await queue.close(), connection.disconnect()) };
}

afterEach(async () => {
  for (const w of workers.splice(0)) {
    if (w.child.exitCode === null) w.child.kill("SIGKILL");
    await w.exited;
  }
});

afterAll(async () => {
  await redis.down();
});

const seconds = (ms: number) => (ms / 1000).toFixed(1);
describe(`queue pipeline (limits: ${SLACK} × the measured work; ingest ${seconds(I)} s, a worker's first job ${seconds(R)} s, the reference extraction ${seconds(W)} s)`, () => {
  // Two workers start side by side and share the reference work; their document and page processors start (R each); one ingest.
  it("extracts through workers exactly what the CLI extracts, scanned pages fanned out as jobs at the job's dpi", async () => {
    const data = join(base, "e2e");
    const e = env(data, "e2e");
    await Promise.all([startWorker(e), startWorker(e)]);
    const result = await ingest(e, ["--ocr-dpi", DPI, ...E2E]);
    expect(result.stdout).toMatch(/submitted 6 documents/);
    expect(result.status).toBe(0);
    for (const file of E2E) expect({ file, same: readFileSync(recordPath(data, file), "utf8") === referenceRecord(file) }).toEqual({ file, same: true });
    expect(workers.map((w) => w.log()).join("")).toMatch(/pages sent out for OCR/);
    // The pages went out with their document's options, not the workers' (300 dpi).
    const { queue, close } = await queueOf("e2e", QUEUES.page);
    const pages = await queue.getCompleted();
    expect(pages.map((p) => [p.data.page, p.data.dpi, p.data.ocr])).toEqual(expect.arrayContaining([[1, 150, "auto"], [2, 150, "auto"]]));
    expect(pages).toHaveLength(2);
    await close();
  }, limit(3 * R + I + W));

  it("makes one job and one record of the same report submitted twice and under another name", async () => {
    const data = join(base, "dup");
    const e = env(data, "dup");
    await startWorker(e);
    const copy = join(base, "another-name.txt");
    copyFileSync(TEXT, copy);
    const result = await ingest(e, [TEXT, TEXT, copy]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/submitted 1 document \(2 duplicate inputs\)/);
    const again = await ingest(e, [copy]);
    expect(again.stdout).toMatch(/submitted 1 document \(1 duplicate input\)/);
    expect(recordFiles(data)).toHaveLength(1);
    const { queue, close } = await queueOf("dup");
    expect(await queue.getJobCounts("completed")).toEqual({ completed: 1 });
    await close();
  }, limit(R + 2 * I));

  it("carries the extract options set at ingest to the worker, over the worker's own defaults", async () => {
    const data = join(base, "options");
    // The worker's own defaults: a 1000-byte limit (below every input here) and OCR off.
    const e = env(data, "options");
    await startWorker({ ...e, NIANBAO_MAX_BYTES: "1000", NIANBAO_OCR: "never" });
    const size = statSync(TEXT).size;
    expect(size).toBeGreaterThan(1000);

    // ingest refuses what is over its own --max-bytes before it is submitted.
    const refused = await ingest(e, ["--max-bytes", String(size - 1), TEXT]);
    expect(refused.status).toBe(12);
    expect(refused.stdout).toMatch(new RegExp(`not submitted:\\n  .*jixian-2020\\.txt: ${size} bytes, over the limit of ${size - 1}`));
    expect(recordFiles(data)).toHaveLength(0);

    // Over the worker's limit, within the job's: extracted.
    const allowed = await ingest(e, ["--max-bytes", String(size), TEXT]);
    expect(allowed.stdout).toMatch(/done 1, done with issues 0, failed 0/);
    expect(allowed.status).toBe(0);
    expect(readFileSync(recordPath(data, TEXT), "utf8")).toBe(referenceRecord(TEXT));

    // Without --max-bytes the worker's own limit applies — so it was the job's that let the first through.
    const other = join(base, "options-other.html");
    copyFileSync(join(GENERATED, "yunxi-2023.html"), other);
    const workerLimit = await ingest(e, [other]);
    expect(workerLimit.status).toBe(12);
    expect(workerLimit.stdout).toMatch(/options-other\.html: INPUT_TOO_LARGE: the input is \d+ bytes, over the limit of 1000/);

    // --ocr at ingest wins over the worker's NIANBAO_OCR: never refuses the scan at once.
    const never = await ingest(e, ["--ocr", "never", "--max-bytes", "100000000", scan]);
    expect(never.status).toBe(12);
    expect(never.stdout).toMatch(/qinghe-2020-scan\.pdf: OCR_REQUIRED/);
    const { queue, close } = await queueOf("options");
    const failed = (await queue.getFailed()).find((j) => j.data.name === basename(scan));
    expect(failed?.data.options).toEqual({ ocr: "never", maxBytes: 100000000 });
    await close();
  }, limit(5 * R + 4 * I)); // a worker, then four ingests each waiting for a job

  it("checks ingest's extract options as extract does", () => {
    for (const [args, message] of [
      [["--ocr", "sometimes"], /--ocr must be auto, always or never, got sometimes/],
      [["--ocr-dpi", "50"], /--ocr-dpi must be between 72 and 600, got 50/],
      [["--max-bytes", "0"], /--max-bytes must be a positive number, got 0/],
    ] as const) {
      const r = runCli(["ingest", ...args, TEXT], { env: { REDIS_URL: redis.url } });
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  }, limit(3 * I));

  it("fails a poison file at once with its reason, keeps its input, and extracts the rest", async () => {
    const data = join(base, "poison");
    const e = env(data, "poison");
    await startWorker(e);
    const poison = join(base, "poison.pdf");
    writeFileSync(poison, Buffer.concat([Buffer.from("%PDF-1.7\n"), Buffer.alloc(4000, 0x41)]));
    const result = await ingest(e, [join(GENERATED, "yunxi-2023.html"), poison, TEXT]);
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
    const extract = (JSON.parse(status.stdout) as { queues: { queue: string; counts: Record<string, number>; latestFailures: { name: string; reason: string; input: string }[] }[] }).queues.find((q) => q.queue === QUEUES.extract)!;
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
  }, limit(2 * R + 3 * I));

  // The scan is read once or twice (pages of the killed worker again), after the lock lapses.
  it("finishes a job whose worker was killed (SIGKILL) mid-job on another worker, with one record", async () => {
    const data = join(base, "kill");
    const e = env(data, "kill");
    const first = await startWorker(e);
    const submitted = await ingest(e, ["--no-wait", "--ocr-dpi", DPI, scan]);
    expect(submitted.status).toBe(0);
    // Kill it while it is reading the scan's pages.
    await waitFor(() => first.log().includes("pages sent out for OCR"), limit(R + W), "the fan-out");
    first.child.kill("SIGKILL");
    expect(await first.exited).toBe(null);
    await startWorker(e);
    const done = await ingest(e, ["--ocr-dpi", DPI, scan]);
    expect(done.status).toBe(0);
    expect(done.stdout).toMatch(/submitted 1 document \(1 duplicate input\)/);
    expect(readFileSync(recordPath(data, scan), "utf8")).toBe(referenceRecord(scan));
    expect(recordFiles(data)).toHaveLength(1);
  }, limit(3 * R + 2 * I + 2 * W + LOCK_MS + 2 * STALLED_INTERVAL_MS));

  it("stops on SIGTERM after the running job (exit 0); the next worker does the rest", async () => {
    const data = join(base, "term");
    const e = env(data, "term");
    const first = await startWorker(e);
    await ingest(e, ["--no-wait", ...TERM]);
    await waitFor(() => first.log().includes("document done"), limit(R), "work to start");
    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);
    expect(first.log()).toMatch(/worker stopped/);
    await startWorker(e);
    const done = await ingest(e, TERM);
    expect(done.status).toBe(0);
    expect(recordFiles(data)).toHaveLength(TERM.length);
  }, limit(2 * R + 2 * I + W));

  // One worker reads the scan's pages one after the other: up to twice the CLI's time, which reads them side by side.
  it("rides out a Redis restart mid-run: workers and the waiting ingest reconnect and finish", async () => {
    const data = join(base, "restart");
    const e = env(data, "restart");
    await startWorker(e);
    const running = ingest(e, ["--ocr-dpi", DPI, ...RESTART]);
    // The worker's start, the submission and one document (whichever comes first: at most the reference extraction).
    await waitFor(() => workers[0]!.log().includes("document done"), limit(R + I + W), "a first document");
    await redis.restart(1000);
    const result = await running;
    expect(result.stdout).toMatch(/done \d+, done with issues \d+, failed 0/);
    expect(result.status).toBe(0);
    for (const file of RESTART) expect(existsSync(recordPath(data, file))).toBe(true);
    expect(recordFiles(data)).toHaveLength(RESTART.length);
  }, limit(2 * R + I + 2 * W + 1000 + INGEST_RECHECK_MS));
});
