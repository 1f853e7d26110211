/**
 * Queue section of `npm run bench`: the same reports through the in-process CLI loop
 * and through the queue with one and with two worker processes, on a throwaway Redis.
 *
 * Inputs: 1,000 text reports (variants of the seed: organ renamed, so every one is a
 * distinct document) and 100 PDFs (the text-layer fixtures and huaian-2024.pdf, each
 * made distinct by a trailing comment after %%EOF).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { Queue } from "bullmq";
import { Redis } from "ioredis";

interface Lib {
  extractReport: typeof import("../src/index.js").extractReport;
  LocalStore: typeof import("../src/store/local.js").LocalStore;
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

export async function benchQueue(root: string, shared: string, lib: Lib, work: string): Promise<string[]> {
  if (spawnSync("redis-server", ["--version"]).status !== 0) return ["", "queue: redis-server not installed, skipped"];
  const seed = readFileSync(join(root, "fixtures/jixian-2020.txt"), "utf8");
  const texts = Array.from({ length: 1000 }, (_, i) => ({ name: `report-${i}.txt`, bytes: Buffer.from(seed.replaceAll("集贤县", `集贤${i}县`)) }));
  const pdfSources = [join(shared, "corpus/huaian-2024.pdf"), join(root, "fixtures/generated/qinghe-2020.pdf"), join(root, "fixtures/generated/chengjiang-2022.pdf"), join(root, "fixtures/generated/minghu-2021-cmap.pdf")].map((f) => readFileSync(f));
  const pdfs = Array.from({ length: 100 }, (_, i) => ({ name: `report-${i}.pdf`, bytes: Buffer.concat([pdfSources[i % pdfSources.length]!, Buffer.from(`\n%variant ${i}\n`)]) }));

  const port = await freePort();
  const redisDir = join(work, "redis");
  mkdirSync(redisDir, { recursive: true });
  const redis = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", redisDir], { stdio: "ignore" });
  const url = `redis://127.0.0.1:${port}`;
  const client = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: () => 50 });
  client.on("error", () => {});
  while ((await client.ping().catch(() => "")) !== "PONG") await sleep(50);
  const lines = ["", "queue (BullMQ on a local redis-server; sandboxed processors; one document per job)"];
  try {
    for (const [label, inputs] of [["1,000 text reports", texts], ["100 text-layer PDFs", pdfs]] as const) {
      const dir = join(work, label.replace(/\W+/g, "-"));
      // In-process loop: extract and store each record, as a worker does.
      const store = new lib.LocalStore(join(dir, "inprocess"));
      const t0 = performance.now();
      for (const input of inputs) {
        const record = await lib.extractReport(input);
        await store.putRecord({ sha256: record.source.sha256, version: "bench" }, record);
      }
      const inProcess = (performance.now() - t0) / inputs.length;
      lines.push(`  ${label}`, `    in-process loop              ${inProcess.toFixed(2)} ms per report, ${(1000 / inProcess).toFixed(0)} reports/s`);
      let oneWorker = 0;
      for (const workers of [1, 2]) {
        const prefix = `bench${workers}${label.length}`;
        const data = join(dir, `queue-${workers}`);
        const env = { ...process.env, REDIS_URL: url, DATA_DIR: data, NIANBAO_QUEUE_PREFIX: prefix, LOG_LEVEL: "warn" };
        const procs: ChildProcess[] = Array.from({ length: workers }, () => spawn(process.execPath, [join(root, "bin/nianbao.mjs"), "worker"], { env, stdio: "ignore" }));
        await sleep(1500); // workers up, sandbox children forked on first job
        const files = inputs.map((input) => {
          const f = join(data, "in", input.name);
          mkdirSync(join(data, "in"), { recursive: true });
          writeFileSync(f, input.bytes);
          return f;
        });
        const started = performance.now();
        const ingest = spawnSync(process.execPath, [join(root, "bin/nianbao.mjs"), "ingest", join(data, "in")], { env, encoding: "utf8", maxBuffer: 1 << 26 });
        const total = performance.now() - started;
        if (ingest.status !== 0) throw new Error(`ingest failed: ${ingest.stdout}\n${ingest.stderr.slice(-2000)}`);
        const queue = new Queue("extract", { connection: client, prefix });
        const done = await queue.getCompleted(0, -1);
        const latencies = done.map((j) => (j.finishedOn ?? 0) - j.timestamp);
        // Steady state: from the first job's start to the last one's end (no process start-up, no polling).
        const span = Math.max(...done.map((j) => j.finishedOn ?? 0)) - Math.min(...done.map((j) => j.processedOn ?? Infinity));
        await queue.close();
        for (const p of procs) p.kill("SIGTERM");
        await Promise.all(procs.map((p) => new Promise((r) => p.once("exit", r))));
        const perReport = span / files.length;
        if (workers === 1) oneWorker = span;
        lines.push(
          `    queue, ${workers} worker process${workers > 1 ? "es" : "  "}   ${perReport.toFixed(2)} ms per report, ${(1000 / perReport).toFixed(0)} reports/s (steady state); ingest to last record ${(total / 1000).toFixed(1)} s; latency median ${percentile(latencies, 50).toFixed(0)} ms, p95 ${percentile(latencies, 95).toFixed(0)} ms`,
        );
        if (workers === 1) lines.push(`    queue overhead (1 worker)    ${(((perReport - inProcess) / inProcess) * 100).toFixed(1)} % of the in-process time`);
        else lines.push(`    speed-up 1 → 2 workers       ${(oneWorker / span).toFixed(2)}×`);
        rmSync(data, { recursive: true, force: true });
      }
    }
  } finally {
    client.disconnect();
    redis.kill("SIGTERM");
  }
  return lines;
}
