/**
 * Export section of `npm run bench`: a store of N records (default 100,000), made from
 * the project's and the corpus's records with varied organs, years and input hashes,
 * exported by whole `nianbao export` processes to each file format and to PostgreSQL.
 *
 * The baseline is the same records merely read and parsed (a process that walks the
 * store and JSON.parses every file); each format's time is set against it (target:
 * within 2×), PostgreSQL's rate against 5,000 records/s, and every process's peak RSS
 * against 300 MB. The store is made once per N and kept in the system's temporary
 * directory (it is large: ~60 KB a record) for the next run; --export-fresh remakes it.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ReportRecord } from "../src/model/record.js";
import { LocalStore } from "../src/store/local.js";

const row = (label: string, value: string, note = "") => `    ${label.padEnd(44)} ${value.padStart(12)}   ${note}`.trimEnd();

/** The base records: every fixture and corpus report, extracted once. */
function baseRecords(root: string, shared: string): ReportRecord[] {
  const dirs = [join(root, "fixtures/generated"), join(shared, "corpus")].filter(existsSync);
  const files = dirs.flatMap((d) => readdirSync(d).filter((f) => /\.(pdf|txt|html)$/.test(f)).map((f) => join(d, f)));
  const out = mkdtempSync(join(tmpdir(), "nianbao-bench-base-"));
  try {
    const run = spawnSync(process.execPath, [join(root, "bin/nianbao.mjs"), "extract", "--out", out, ...files], { env: { ...process.env, LOG_LEVEL: "silent" } });
    if (run.status !== 0) throw new Error(`extract failed: ${run.stderr}`);
    return readdirSync(out).map((f) => JSON.parse(readFileSync(join(out, f), "utf8")) as ReportRecord);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** A store of n records: base records as the reports of n / 7 bodies over 2019–2025 (one row each: no duplicates merged). */
async function makeStore(dir: string, n: number, base: ReportRecord[]): Promise<void> {
  const store = new LocalStore(dir);
  const templated = base.filter((r) => r.meta.template !== null);
  const writes: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    const r = structuredClone(templated[i % templated.length]!);
    r.meta.organ = `第${Math.floor(i / 7)}号县人民政府`;
    r.meta.year = 2019 + (i % 7);
    r.source.sha256 = createHash("sha256").update(`bench-${i}`).digest("hex");
    writes.push(store.putRecord({ sha256: r.source.sha256, version: r.extractor?.version ?? "0.1.0" }, r));
    if (writes.length >= 64) await Promise.all(writes.splice(0));
  }
  await Promise.all(writes);
}

interface Measured {
  ms: number;
  rssMiB: number;
  ok: boolean;
  stderr: string;
}

/** A whole process, timed, with its peak RSS (GNU time's %M). */
function measure(args: string[], env: NodeJS.ProcessEnv = {}): Measured {
  const started = performance.now();
  const run = spawnSync("/usr/bin/time", ["-f", "MAXRSS_KB=%M", process.execPath, ...args], { encoding: "utf8", env: { ...process.env, LOG_LEVEL: "warn", ...env }, maxBuffer: 64 * 1024 * 1024 });
  const ms = performance.now() - started;
  const m = /MAXRSS_KB=(\d+)/.exec(run.stderr);
  return { ms, rssMiB: m ? Number(m[1]) / 1024 : NaN, ok: run.status === 0, stderr: run.stderr };
}

/** Walks the store and parses every record: what any export must at least do. */
const BASELINE = `
const { readdirSync, readFileSync } = require("node:fs");
const { join } = require("node:path");
let n = 0;
const walk = (d) => { for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) { const p = join(d, e.name); if (e.isDirectory()) walk(p); else if (e.name.endsWith(".json")) { JSON.parse(readFileSync(p, "utf8")); n++; } } };
walk(process.argv[1]);
process.stdout.write(String(n));`;

function psqlOk(): boolean {
  return spawnSync("psql", ["-h", "127.0.0.1", "-U", "postgres", "-d", "test", "-Atc", "select 1"], { encoding: "utf8" }).stdout.trim() === "1";
}

export async function benchExport(root: string, shared: string, n: number, fresh: boolean): Promise<string[]> {
  const lines = [`export (a store of ${n.toLocaleString("en")} records, whole processes; one run each, the baseline before and after)`];
  const dir = join(tmpdir(), `nianbao-bench-store-v2-${n}`);
  const made = existsSync(join(dir, "done"));
  if (fresh || !made) {
    rmSync(dir, { recursive: true, force: true });
    const t = performance.now();
    await makeStore(dir, n, baseRecords(root, shared));
    (await import("node:fs")).writeFileSync(join(dir, "done"), "");
    lines.push(row("made the store", `${((performance.now() - t) / 1000).toFixed(1)} s`, dir));
  }
  const bytes = (() => {
    let total = 0;
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(d, e.name));
        else total += statSync(join(d, e.name)).size;
      }
    };
    walk(join(dir, "records"));
    return total;
  })();
  lines.push(row("store size", `${(bytes / 2 ** 30).toFixed(2)} GiB`, `${(bytes / n / 1024).toFixed(1)} KiB a record`));

  const baseline = [measure(["-e", BASELINE, join(dir, "records")])];
  const bin = join(root, "bin/nianbao.mjs");
  const out = mkdtempSync(join(tmpdir(), "nianbao-bench-export-"));
  const results: [string, Measured][] = [];
  try {
    for (const [label, args] of [
      ["jsonl", ["--format", "jsonl", "--out", join(out, "x.jsonl")]],
      ["jsonl --no-provenance", ["--format", "jsonl", "--no-provenance", "--out", join(out, "y.jsonl")]],
      ["csv (wide)", ["--format", "csv", "--out", join(out, "x.csv")]],
      ["csv-long", ["--format", "csv-long", "--out", join(out, "x-long.csv")]],
      ["xlsx", ["--format", "xlsx", "--out", join(out, "x.xlsx")]],
      ["parquet (wide)", ["--format", "parquet", "--out", join(out, "x.parquet")]],
      ["parquet --long", ["--format", "parquet", "--long", "--out", join(out, "x-long.parquet")]],
    ] as const) {
      results.push([label, measure([bin, "export", "--from", dir, ...args])]);
      for (const f of readdirSync(out)) rmSync(join(out, f), { force: true });
    }
    if (psqlOk()) {
      const db = `nianbao_bench_${process.pid}`;
      spawnSync("psql", ["-h", "127.0.0.1", "-U", "postgres", "-d", "test", "-c", `create database ${db}`]);
      try {
        results.push(["postgres (COPY)", measure([bin, "export", "--from", dir, "--format", "postgres", "--database-url", `postgres://postgres@127.0.0.1:5432/${db}`])]);
      } finally {
        spawnSync("psql", ["-h", "127.0.0.1", "-U", "postgres", "-d", "test", "-c", `drop database if exists ${db} with (force)`]);
      }
    } else lines.push("    (PostgreSQL at 127.0.0.1:5432 not reachable: its export is not measured)");
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  baseline.push(measure(["-e", BASELINE, join(dir, "records")]));
  const base = Math.min(...baseline.map((b) => b.ms));
  lines.push(row("baseline: read and JSON.parse every record", `${(base / 1000).toFixed(1)} s`, `${Math.round(n / (base / 1000)).toLocaleString("en")} records/s, peak RSS ${Math.max(...baseline.map((b) => b.rssMiB)).toFixed(0)} MiB (best of the runs before and after)`));
  for (const [label, m] of results) {
    const rate = Math.round(n / (m.ms / 1000)).toLocaleString("en");
    if (!m.ok) {
      lines.push(row(label, "FAILED", m.stderr.split("\n").filter((l) => !l.startsWith("{")).slice(-3).join(" | ")));
      continue;
    }
    const ratio = m.ms / base;
    const targets = label.startsWith("postgres")
      ? `${n / (m.ms / 1000) >= 5000 ? "≥ 5,000/s met" : "< 5,000/s NOT met"}`
      : `${ratio.toFixed(2)}× baseline ${ratio <= 2 ? "(≤ 2× met)" : "(≤ 2× NOT met)"}`;
    // The target is 300 MB (decimal megabytes: 286 MiB).
    const rssMB = (m.rssMiB * 2 ** 20) / 1e6;
    lines.push(row(label, `${(m.ms / 1000).toFixed(1)} s`, `${rate} records/s, ${targets}, peak RSS ${m.rssMiB.toFixed(0)} MiB = ${rssMB.toFixed(0)} MB ${rssMB < 300 ? "(< 300 MB met)" : "(< 300 MB NOT met)"}`));
  }
  return lines;
}
