/**
 * Benchmark (not a test): time and memory per report on the built extractor.
 *
 *   npm run bench [-- --runs N]
 *
 * For the seed text and the real text-layer PDF: the median time per report warm
 * in-process (after warm-up), the stages of the PDF path, the median wall time of a
 * fresh `nianbao extract` process, peak RSS, and — when poppler's pdftotext is
 * installed — its time on the same PDF and our ratio to it.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SHARED = resolve(ROOT, "../shared");
const { values } = parseArgs({ options: { runs: { type: "string", default: "30" } } });
const RUNS = Number(values.runs);

const INPUTS = [
  { label: "seed text (jixian-2020.txt)", path: join(ROOT, "fixtures/jixian-2020.txt") },
  { label: "text-layer PDF (huaian-2024.pdf, 6 pages)", path: join(SHARED, "corpus/huaian-2024.pdf") },
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

async function timeIt(fn: () => Promise<unknown>, runs: number, warmup = 5): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return median(times);
}

/** Wall time of a command, median over runs. */
function timeCommand(cmd: string, args: string[], runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const r = spawnSync(cmd, args, { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, LOG_LEVEL: "silent" } });
    times.push(performance.now() - t);
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr?.toString()}`);
  }
  return median(times);
}

/** Peak RSS (MiB) of a fresh CLI process extracting the file. */
function freshPeakRss(file: string): number {
  const probe = `process.argv = [process.argv[0], "nianbao", "extract", ${JSON.stringify(file)}];
process.on("exit", () => process.stderr.write("BENCH_MAXRSS=" + process.resourceUsage().maxRSS + "\\n"));
await import(${JSON.stringify(pathToFileURL(join(ROOT, "dist/cli/index.js")).href)});`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", probe], { encoding: "utf8", env: { ...process.env, LOG_LEVEL: "silent" }, stdio: ["ignore", "ignore", "pipe"] });
  const m = /BENCH_MAXRSS=(\d+)/.exec(r.stderr);
  return m ? Number(m[1]) / 1024 : NaN;
}

function has(cmd: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
}

const lib = (await import(pathToFileURL(join(ROOT, "dist/index.js")).href)) as typeof import("../src/index.js");
const stages = {
  readSource: ((await import(pathToFileURL(join(ROOT, "dist/sources/index.js")).href)) as typeof import("../src/sources/index.js")).readSource,
  parseReport: ((await import(pathToFileURL(join(ROOT, "dist/templates/index.js")).href)) as typeof import("../src/templates/index.js")).parseReport,
};
const quiet = (await import(pathToFileURL(join(ROOT, "dist/log.js")).href) as typeof import("../src/log.js")).createLogger({}, "silent");
const sourceContext = (name: string) => ({ name, log: quiet, ocr: { mode: "auto" as const, dpi: 300, pageTimeoutMs: 120_000 } });

const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
const out: string[] = [`nianbao bench — node ${process.version}, ${RUNS} runs per figure (median)`, ""];
const pdftotext = has("pdftotext");

for (const input of INPUTS) {
  const bytes = new Uint8Array(readFileSync(input.path));
  const name = input.path.split("/").pop()!;
  const warm = await timeIt(() => lib.extractReport({ bytes, name }), RUNS);
  const source = await timeIt(() => stages.readSource(bytes, sourceContext(name)), RUNS);
  const layout = (await stages.readSource(bytes, sourceContext(name))).layout;
  const parse = await timeIt(async () => stages.parseReport(layout), RUNS);
  const fresh = timeCommand(process.execPath, [join(ROOT, "bin/nianbao.mjs"), "extract", input.path], Math.min(RUNS, 10));
  out.push(`${input.label}`);
  out.push(`  warm in-process, whole path   ${fmt(warm)} per report`);
  out.push(`    source (read + layout)      ${fmt(source)}`);
  out.push(`    template parse              ${fmt(parse)}`);
  out.push(`  fresh process (nianbao CLI)   ${fmt(fresh)} per report`);
  out.push(`  peak RSS, fresh process       ${freshPeakRss(input.path).toFixed(0)} MiB`);
  if (name.endsWith(".pdf") && pdftotext) {
    const layoutMode = timeCommand("pdftotext", ["-layout", input.path, "/dev/null"], Math.min(RUNS, 20));
    out.push(`  pdftotext -layout             ${fmt(layoutMode)} per report (fresh process)`);
    out.push(`  ratio warm / pdftotext        ${(warm / layoutMode).toFixed(2)}×`);
    out.push(`  ratio fresh / pdftotext       ${(fresh / layoutMode).toFixed(2)}×`);
  } else if (name.endsWith(".pdf")) {
    out.push("  pdftotext not installed (apt-get install poppler-utils): no baseline");
  }
  out.push("");
}
out.push(`peak RSS of this benchmark process: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
process.stdout.write(`${out.join("\n")}\n`);
