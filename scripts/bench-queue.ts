/**
 * Queue section of `npm run bench`: the same reports through the in-process loop and
 * through BullMQ with one and with two worker processes, on a throwaway Redis.
 *
 * Inputs: 1,000 text reports (variants of the seed: organ renamed, so every one is a
 * distinct document) and 100 PDFs (the text-layer fixtures and huaian-2024.pdf, each
 * made distinct by a trailing comment after %%EOF).
 *
 * Time per report is the steady state: from the completion of the first 10 % of the
 * reports to the last one, so process start-up and first imports count in neither the
 * loop nor the workers. The queue's jobs are submitted first (`ingest --no-wait`, timed
 * on its own) and the workers started after. The in-process loop also runs as two
 * processes at once, each on half the reports: that is what the machine itself gives
 * two processes, the ceiling for the speed-up of two workers. Last, the plain user
 * path: `ingest` waiting for its records while the workers run, wall time.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { Queue } from "bullmq";
import { Redis } from "ioredis";

interface Input {
  name: string;
  bytes: Buffer;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => resolve(typeof a === "object" && a ? a.port : 0));
    });
  });
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

/** Milliseconds per report from the completion of the first 10 % to the last. */
function steadyMs(finishedAt: number[]): number {
  const s = [...finishedAt].sort((a, b) => a - b);
  const skip = Math.max(1, Math.floor(s.length / 10));
  return (s[s.length - 1]! - s[skip - 1]!) / (s.length - skip);
}

function waitExit(p: ChildProcess): Promise<unknown> {
  return p.exitCode !== null ? Promise.resolve() : new Promise((r) => p.once("exit", r));
}

/** The in-process loop (scripts/bench-loop.ts) in `processes` processes at once, each on its share. */
async function inProcess(root: string, inDir: string, storeDir: string, count: number, processes: number): Promise<number[]> {
  const share = Math.ceil(count / processes);
  const runs = Array.from({ length: processes }, (_, i) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(root, "scripts/bench-loop.ts"), inDir, join(storeDir, String(i)), String(i * share), String((i + 1) * share)], {
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, LOG_LEVEL: "silent" },
    });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    return new Promise<number[]>((resolve, reject) =>
      child.once("exit", (code) => (code === 0 ? resolve(JSON.parse(out) as number[]) : reject(new Error(`bench-loop exited with ${code}`)))),
    );
  });
  return (await Promise.all(runs)).flat();
}

class QueueRun {
  private workers: ChildProcess[] = [];
  readonly env: NodeJS.ProcessEnv;

  constructor(
    private readonly root: string,
    private readonly client: Redis,
    url: string,
    readonly prefix: string,
    data: string,
  ) {
    this.env = { ...process.env, REDIS_URL: url, DATA_DIR: data, NIANBAO_QUEUE_PREFIX: prefix, LOG_LEVEL: "warn" };
  }

  cli(args: string[]): { ms: number } {
    const started = performance.now();
    const r = spawnSync(process.execPath, [join(this.root, "bin/nianbao.mjs"), ...args], { env: this.env, encoding: "utf8", maxBuffer: 1 << 26 });
    if (r.status !== 0) throw new Error(`nianbao ${args[0]} failed (${r.status}): ${r.stdout.slice(-1000)}\n${r.stderr.slice(-2000)}`);
    return { ms: performance.now() - started };
  }

  startWorkers(count: number): void {
    for (let i = 0; i < count; i++) this.workers.push(spawn(process.execPath, [join(this.root, "bin/nianbao.mjs"), "worker"], { env: this.env, stdio: "ignore" }));
  }

  async stopWorkers(): Promise<void> {
    for (const w of this.workers) w.kill("SIGTERM");
    await Promise.all(this.workers.map(waitExit));
    this.workers = [];
  }

  /** Waits until `count` documents are done; their processing and finishing times. */
  async completed(count: number): Promise<{ finishedAt: number[]; serviceMs: number[] }> {
    const queue = new Queue("extract", { connection: this.client, prefix: this.prefix });
    try {
      for (;;) {
        const counts = await queue.getJobCounts("completed", "failed");
        if ((counts.failed ?? 0) > 0) throw new Error(`${counts.failed} benchmark jobs failed`);
        if ((counts.completed ?? 0) >= count) break;
        await sleep(100);
      }
      const done = await queue.getCompleted(0, -1);
      return { finishedAt: done.map((j) => j.finishedOn ?? 0), serviceMs: done.map((j) => (j.finishedOn ?? 0) - (j.processedOn ?? 0)) };
    } finally {
      await queue.close();
    }
  }
}

const ms = (x: number) => `${x.toFixed(2)} ms`;

export async function benchQueue(root: string, shared: string, work: string): Promise<string[]> {
  if (spawnSync("redis-server", ["--version"]).status !== 0) return ["", "queue: redis-server not installed, skipped"];
  const seed = readFileSync(join(root, "fixtures/jixian-2020.txt"), "utf8");
  const texts: Input[] = Array.from({ length: 1000 }, (_, i) => ({ name: `report-${String(i).padStart(4, "0")}.txt`, bytes: Buffer.from(seed.replaceAll("集贤县", `集贤${i}县`)) }));
  const pdfSources = [join(shared, "corpus/huaian-2024.pdf"), ...["qinghe-2020.pdf", "chengjiang-2022.pdf", "minghu-2021-cmap.pdf"].map((f) => join(root, "fixtures/generated", f))].map((f) => readFileSync(f));
  const pdfs: Input[] = Array.from({ length: 100 }, (_, i) => ({ name: `report-${String(i).padStart(3, "0")}.pdf`, bytes: Buffer.concat([pdfSources[i % pdfSources.length]!, Buffer.from(`\n%variant ${i}\n`)]) }));

  const port = await freePort();
  const redisDir = join(work, "redis");
  mkdirSync(redisDir, { recursive: true });
  const redis = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", redisDir], { stdio: "ignore" });
  const url = `redis://127.0.0.1:${port}`;
  const client = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: () => 50 });
  client.on("error", () => {});
  while ((await client.ping().catch(() => "")) !== "PONG") await sleep(50);
  const lines = ["", "queue (BullMQ on a local redis-server; sandboxed processors; one document per job; steady state after the first 10 %)"];
  let runId = 0;
  try {
    for (const [label, inputs] of [["1,000 text reports", texts], ["100 text-layer PDFs", pdfs]] as const) {
      const dir = join(work, label.replace(/\W+/g, "-"));
      const inDir = join(dir, "in");
      mkdirSync(inDir, { recursive: true });
      for (const input of inputs) writeFileSync(join(inDir, input.name), input.bytes);
      const n = inputs.length;
      lines.push(`  ${label}`);

      const loop1 = steadyMs(await inProcess(root, inDir, join(dir, "loop1"), n, 1));
      const loop2 = steadyMs(await inProcess(root, inDir, join(dir, "loop2"), n, 2));
      lines.push(`    in-process loop, 1 process     ${ms(loop1)} per report, ${(1000 / loop1).toFixed(0)} reports/s`);
      lines.push(`    in-process loop, 2 processes   ${ms(loop2)} per report: the machine's own 1 → 2 speed-up ${(loop1 / loop2).toFixed(2)}×`);

      const perWorkers: number[] = [];
      for (const workers of [1, 2]) {
        const run = new QueueRun(root, client, url, `bench${++runId}`, join(dir, `queue-${workers}`));
        const submit = run.cli(["ingest", "--no-wait", inDir]);
        run.startWorkers(workers);
        const { finishedAt, serviceMs } = await run.completed(n);
        await run.stopWorkers();
        const perReport = steadyMs(finishedAt);
        perWorkers.push(perReport);
        if (workers === 1) lines.push(`    submit (ingest --no-wait)      ${(submit.ms / 1000).toFixed(2)} s, ${((n * 1000) / submit.ms).toFixed(0)} reports/s`);
        lines.push(
          `    queue, ${workers} worker process${workers > 1 ? "es" : "  "}     ${ms(perReport)} per report, ${(1000 / perReport).toFixed(0)} reports/s; time in a worker median ${percentile(serviceMs, 50).toFixed(0)} ms, p95 ${percentile(serviceMs, 95).toFixed(0)} ms`,
        );
        if (workers === 1) lines.push(`    queue overhead (1 worker)      ${(((perReport - loop1) / loop1) * 100).toFixed(1)} % of the in-process time (${ms(perReport - loop1)} per report)`);
        else lines.push(`    speed-up 1 → 2 workers         ${(perWorkers[0]! / perReport).toFixed(2)}× (the machine's own: ${(loop1 / loop2).toFixed(2)}×)`);
      }

      // The user's path: workers running, `ingest` submits and waits for every record.
      const endToEnd: string[] = [];
      for (const workers of [1, 2]) {
        const run = new QueueRun(root, client, url, `bench${++runId}`, join(dir, `ingest-${workers}`));
        run.startWorkers(workers);
        await sleep(1500); // workers connected; their sandboxes fork on the first job
        const { ms: wall } = run.cli(["ingest", inDir]);
        await run.stopWorkers();
        endToEnd.push(`${workers} worker${workers > 1 ? "s" : ""} ${(wall / 1000).toFixed(1)} s`);
      }
      lines.push(`    ingest and wait (wall time)    ${endToEnd.join(", ")}`);
      rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    client.disconnect();
    redis.kill("SIGTERM");
  }
  return lines;
}
