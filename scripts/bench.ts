/**
 * Benchmark (not a test): time and memory per report on the built extractor.
 *
 *   npm run bench [-- --runs N]
 *
 * For the seed text and the real text-layer PDF: the median time per report warm
 * in-process (after warm-up), the stages of the PDF path, the median wall time of a
 * fresh `nianbao extract` process, peak RSS, and — when poppler's pdftotext is
 * installed — its time on the same PDF and our ratio to it.
 *
 * Then the queue: the same reports through the in-process loop (one process and two)
 * and through BullMQ with one and two worker processes (scripts/bench-queue.ts).
 *
 * Then the scanned path: huaian-2024.pdf degraded into a 300-dpi scan (as the OCR
 * tests make it), read by OCR: seconds per page and per report, pages per minute with
 * one and with two pool slots, peak RSS, and — when Debian's tesseract is installed —
 * the native CLI's time on the same page images (OMP_THREAD_LIMIT=1, chi_sim, plain
 * text) and our ratio to it.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SHARED = resolve(ROOT, "../shared");
const { values } = parseArgs({ options: { runs: { type: "string", default: "30" }, "no-ocr": { type: "boolean", default: false }, "no-queue": { type: "boolean", default: false } } });
const RUNS = Number(values.runs);

const INPUTS = [
  { label: "seed text (jixian-2020.txt)", path: join(ROOT, "fixtures/jixian-2020.txt") },
  { label: "text-layer PDF (huaian-2024.pdf, 6 pages)", path: join(SHARED, "corpus/huaian-2024.pdf") },
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

async function timeIt(fn: () => Promise<unknown>, runs: number, warmup = 20): Promise<number> {
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
function timeCommand(cmd: string, args: string[], runs: number, env: NodeJS.ProcessEnv = {}): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const r = spawnSync(cmd, args, { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, LOG_LEVEL: "silent", ...env } });
    times.push(performance.now() - t);
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr?.toString()}`);
  }
  return median(times);
}

/** Peak RSS (MiB) of a fresh CLI process extracting the file. */
function freshPeakRss(file: string, env: NodeJS.ProcessEnv = {}): number {
  const probe = `process.argv = [process.argv[0], "nianbao", "extract", ${JSON.stringify(file)}];
process.on("exit", () => process.stderr.write("BENCH_MAXRSS=" + process.resourceUsage().maxRSS + "\\n"));
await import(${JSON.stringify(pathToFileURL(join(ROOT, "dist/src/cli/index.js")).href)});`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", probe], { encoding: "utf8", env: { ...process.env, LOG_LEVEL: "silent", ...env }, stdio: ["ignore", "ignore", "pipe"] });
  const m = /BENCH_MAXRSS=(\d+)/.exec(r.stderr);
  return m ? Number(m[1]) / 1024 : NaN;
}

function has(cmd: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
}

const lib = (await import(pathToFileURL(join(ROOT, "dist/src/index.js")).href)) as typeof import("../src/index.js");
const stages = {
  readSource: ((await import(pathToFileURL(join(ROOT, "dist/src/sources/index.js")).href)) as typeof import("../src/sources/index.js")).readSource,
  parseReport: ((await import(pathToFileURL(join(ROOT, "dist/src/templates/index.js")).href)) as typeof import("../src/templates/index.js")).parseReport,
};
const quiet = (await import(pathToFileURL(join(ROOT, "dist/src/log.js")).href) as typeof import("../src/log.js")).createLogger({}, "silent");
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

if (!values["no-queue"]) {
  const { benchQueue } = await import("./bench-queue.js");
  const work = mkdtempSync(join(tmpdir(), "nianbao-bench-queue-"));
  try {
    process.stdout.write(`${(await benchQueue(ROOT, SHARED, work)).join("\n")}\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
if (!values["no-ocr"]) await benchScans();

/** The scanned-report path against native tesseract on the same pages. */
async function benchScans(): Promise<void> {
  const { scanPdf } = await import("./fixtures/scan.js");
  const work = mkdtempSync(join(tmpdir(), "nianbao-bench-"));
  try {
    const source = new Uint8Array(readFileSync(join(SHARED, "corpus/huaian-2024.pdf")));
    const scan = await scanPdf(source, { dpi: 300, skewDegrees: 1.2, noise: 10, jpegQuality: 70, seed: 7, pngPages: [1, 2, 3, 4, 5, 6] });
    const pdf = join(work, "huaian-2024-scan.pdf");
    writeFileSync(pdf, scan.pdf);
    const pages = scan.pngs.length;
    const lines = ["", `scanned report (huaian-2024.pdf as a 300-dpi scan, ${pages} pages, read by OCR)`];
    const cli = [join(ROOT, "bin/nianbao.mjs"), "extract", pdf];
    for (const slots of [1, 2]) {
      const ms = timeCommand(process.execPath, cli, 2, { NIANBAO_OCR_WORKERS: String(slots) });
      lines.push(`  ${slots} pool slot${slots > 1 ? "s" : " "}, fresh process   ${(ms / 1000).toFixed(1)} s per report, ${(ms / 1000 / pages).toFixed(2)} s per page, ${((60_000 * pages) / ms).toFixed(1)} pages/min`);
      if (slots === 2) {
        lines.push(`  peak RSS, 2 slots             ${freshPeakRss(pdf, { NIANBAO_OCR_WORKERS: "2" }).toFixed(0)} MiB`);
        if (has("tesseract")) {
          const images = scan.pngs.map((png, i) => {
            const file = join(work, `page-${i + 1}.png`);
            writeFileSync(file, png);
            return file;
          });
          const native = timeCommand("sh", ["-c", images.map((f) => `tesseract ${f} - -l chi_sim >/dev/null 2>&1`).join(" && ")], 2, { OMP_THREAD_LIMIT: "1" });
          lines.push(`  native tesseract, plain text  ${(native / 1000).toFixed(1)} s per report, ${(native / 1000 / pages).toFixed(2)} s per page (OMP_THREAD_LIMIT=1, chi_sim)`);
          lines.push(`  ratio ours / native           ${(ms / native).toFixed(2)}×`);
        } else {
          lines.push("  tesseract not installed (apt-get install tesseract-ocr tesseract-ocr-chi-sim): no baseline");
        }
      }
    }
    process.stdout.write(`${lines.join("\n")}\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
