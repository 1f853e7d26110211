/**
 * `nianbao export`: the records of one or more stores or directories as a dataset.
 *
 * Pass 1 reads every record file into a small index entry (its tables' hash and the
 * few values the checks need, never the tables themselves) and plans the dataset: one
 * record per source, the filters, one row per organ and year, the findings. Pass 2
 * reads the chosen records again, one at a time, and hands them to the format's sink.
 * Memory stays flat however many records there are; a record's provenance is parsed
 * only for a format that keeps it.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { Logger } from "../log.js";
import { AtomicFile } from "./formats/file.js";
import { SINKS, type Format, type SinkOptions } from "./formats/index.js";
import { type OrganAliases } from "./organ.js";
import { entryOf, planDataset, type Entry, type Filters, type Plan } from "./plan.js";
import { readRecord, recordFiles } from "./read.js";
import type { Finding, Sink } from "./types.js";

export { KEEP_RULE } from "./plan.js";
export type { DatasetRow, Finding, Sink } from "./types.js";

export interface ExportOptions extends Filters {
  /** Stores (DATA_DIR) or directories of record files, or record files. */
  from: string[];
  format: Format;
  sink: Omit<SinkOptions, "log">;
  aliases?: OrganAliases;
  /** Also write the findings as JSON Lines to this file. */
  findingsFile?: string | undefined;
  log: Logger;
  /** Aborting stops the export; the sink removes what it wrote (no partial file). */
  signal?: AbortSignal;
}

export interface ExportSummary {
  files: number;
  /** Files that could not be read as records: skipped, named here. */
  problems: { path: string; reason: string }[];
  rows: number;
  left: Plan["left"];
  findings: Record<Finding["code"], number>;
  ms: number;
}

const PROGRESS_EVERY = 5_000;

/**
 * A full garbage collection, every COMPACT_EVERY records. An export allocates fast and
 * briefly (a record parsed, flattened, encoded, dropped), and V8 answers with an ever
 * larger heap rather than collecting: a parquet --long export of 100,000 records peaked
 * at 515 MB with a live set under 110 MB. Collecting now and then (a few ms each) keeps
 * the peak near what is live. The collector is reached through V8's own flag, set
 * here; where that is refused, the export runs as it would have.
 */
const COMPACT_EVERY = 2_000;
let gc: (() => void) | undefined;
function collectGarbage(): void {
  if (!gc) {
    try {
      setFlagsFromString("--expose-gc");
      const found: unknown = runInNewContext("gc");
      gc = typeof found === "function" ? (found as () => void) : () => undefined;
    } catch {
      gc = () => undefined;
    }
  }
  gc();
}

export async function runExport(options: ExportOptions): Promise<ExportSummary> {
  const started = performance.now();
  const { log } = options;
  const aliases = options.aliases ?? new Map<string, string>();
  const problems: ExportSummary["problems"] = [];
  const entries: Entry[] = [];
  let files = 0;
  const stopIfAborted = () => {
    if (options.signal?.aborted) throw options.signal.reason instanceof Error ? options.signal.reason : new Error("export interrupted");
  };

  for (const from of options.from) {
    for await (const path of recordFiles(from)) {
      stopIfAborted();
      files++;
      const read = await readRecord(path, { provenance: false });
      if (read.ok) entries.push(entryOf(path, read.record, aliases));
      else {
        problems.push({ path, reason: read.reason });
        log.warn({ file: path, reason: read.reason }, "not a record: skipped");
      }
      if (files % COMPACT_EVERY === 0) collectGarbage();
      if (files % PROGRESS_EVERY === 0) log.info({ stage: "index", files }, "reading records");
    }
  }
  const plan = await planDataset(entries, options, aliases);
  log.info({ stage: "plan", files, records: entries.length, rows: plan.rows.length, findings: plan.findings.length, ...plan.left }, "dataset planned");

  const provenance = options.sink.provenance ?? options.format === "jsonl";
  const sink: Sink = (await SINKS[options.format]())({ ...options.sink, provenance, log });
  let rows = 0;
  try {
    await sink.open();
    for (const { entry, sources } of plan.rows) {
      stopIfAborted();
      const read = await readRecord(entry.path, { provenance });
      if (!read.ok) {
        // Changed or removed since the first pass.
        problems.push({ path: entry.path, reason: read.reason });
        log.warn({ file: entry.path, reason: read.reason }, "not a record any more: skipped");
        continue;
      }
      await sink.write({ record: read.record, organKey: entry.organKey, sources });
      rows++;
      if (rows % COMPACT_EVERY === 0) collectGarbage();
      if (rows % PROGRESS_EVERY === 0) log.info({ stage: "write", rows, of: plan.rows.length }, "exporting");
    }
    stopIfAborted();
    await sink.close(plan.findings);
  } catch (error) {
    await sink.abort();
    throw error;
  }
  if (options.findingsFile) {
    const file = new AtomicFile(options.findingsFile);
    try {
      await file.open();
      for (const f of plan.findings) await file.write(`${JSON.stringify(f)}\n`);
      await file.commit();
    } catch (error) {
      await file.abort();
      throw error;
    }
  }
  const findings = { CARRY_OVER_MISMATCH: 0, DUPLICATE_AGREES: 0, DUPLICATE_DISAGREES: 0 };
  for (const f of plan.findings) findings[f.code]++;
  return { files, problems, rows, left: plan.left, findings, ms: Math.round(performance.now() - started) };
}
