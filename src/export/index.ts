/**
 * `nianbao export`: the records of one or more stores or directories as a dataset.
 *
 * Pass 1 reads every record file into a small index entry (its tables' hash and the
 * few values the checks need, never the tables themselves) and plans the dataset: one
 * record per source, the filters, one row per organ and year, the findings. Pass 2
 * reads the chosen records again, one at a time, and hands them to the format's sink:
 * from the spool pass 1 filled (spool.ts) for a format without provenance, from their
 * files for one with it. Memory stays flat however many records there are; a record's
 * provenance is parsed only for a format that keeps it.
 */
import { tmpdir } from "node:os";
import { dirname, resolve } from "node:path";
import { getHeapStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { Logger } from "../log.js";
import { AtomicFile } from "./formats/file.js";
import { SINKS, type Format, type SinkOptions } from "./formats/index.js";
import { type OrganAliases } from "./organ.js";
import { entryOf, Interner, passes, planDataset, sourcesOf, type Entry, type Filters, type Plan } from "./plan.js";
import { readRecordSync, recordFiles, recordFromParts, type ReadResult } from "./read.js";
import { Spool } from "./spool.js";
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
 * A full garbage collection when the heap, with the memory its objects hold outside it
 * (buffers), has grown well past what was live after the last one. An export allocates
 * fast and briefly (a record parsed, flattened, encoded, dropped), and V8 answers with an
 * ever larger heap rather than collecting: a parquet --long export of 100,000 records
 * peaked at 515 MB with a live set under 110 MB, and buffers that outlive a minor
 * collection are freed only by a full one. Collecting when HEADROOM more is held than
 * was live keeps the peak near what is live; a full collection costs in proportion to
 * what is live (the index of every record), so it is not done on a schedule but when it
 * is needed. The collector is reached through V8's own flag, set here; where that is
 * refused, the export runs as it would have.
 */
const CHECK_EVERY = 50;
const HEADROOM = 48 * 2 ** 20;
let gc: (() => void) | undefined;
let live = 0;
const held = () => {
  const heap = getHeapStatistics();
  return heap.used_heap_size + heap.external_memory;
};
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
  if (held() < live + HEADROOM) return;
  gc();
  live = held();
}

/** A spool in the first of `dirs` where one can be made; none (the records are read again) where none can. */
function openSpool(dirs: string[]): Spool | undefined {
  for (const dir of dirs) {
    try {
      return new Spool(dir);
    } catch {
      // Not there (yet) or not writable: the next.
    }
  }
  return undefined;
}

export async function runExport(options: ExportOptions): Promise<ExportSummary> {
  const started = performance.now();
  live = 0;
  const { log } = options;
  const aliases = options.aliases ?? new Map<string, string>();
  const problems: ExportSummary["problems"] = [];
  const entries: Entry[] = [];
  const strings = new Interner();
  let files = 0;
  const stopIfAborted = () => {
    if (options.signal?.aborted) throw options.signal.reason instanceof Error ? options.signal.reason : new Error("export interrupted");
  };
  const provenance = options.sink.provenance ?? options.format === "jsonl";
  // A format without provenance reads the records back from the spool; one with it, from their files.
  const spool = provenance ? undefined : openSpool([...(options.sink.out ? [dirname(resolve(options.sink.out))] : []), tmpdir()]);

  try {
    for (const from of options.from) {
      for await (const path of recordFiles(from)) {
        stopIfAborted();
        files++;
        const read = readRecordSync(path, { provenance: false });
        if (read.ok) {
          const entry = entryOf(path, read.record, aliases, strings);
          // Spooled unless a filter leaves it out (the other choices are made once all is read).
          if (spool && read.head && passes(entry, options, aliases)) {
            entry.spooled = spool.add(read.head, read.tail ?? null);
            entry.spooledHead = read.head.length;
            entry.spooledTail = read.tail?.length ?? 0;
          }
          entries.push(entry);
        } else {
          problems.push({ path, reason: read.reason });
          log.warn({ file: path, reason: read.reason }, "not a record: skipped");
        }
        if (files % CHECK_EVERY === 0) collectGarbage();
        if (files % PROGRESS_EVERY === 0) log.info({ stage: "index", files }, "reading records");
      }
    }
    spool?.flush();
    const plan = await planDataset(entries, options, aliases);
    log.info({ stage: "plan", files, records: entries.length, rows: plan.rows.length, findings: plan.findings.length, ...plan.left }, "dataset planned");

    const sink: Sink = (await SINKS[options.format]())({ ...options.sink, provenance, log });
    let rows = 0;
    try {
      await sink.open();
      for (const entry of plan.rows) {
        stopIfAborted();
        let read: ReadResult;
        if (entry.spooled >= 0) {
          const bytes = spool!.read(entry.spooled, entry.spooledHead + entry.spooledTail);
          read = recordFromParts(bytes.subarray(0, entry.spooledHead), entry.spooledTail ? bytes.subarray(entry.spooledHead) : null);
        } else read = readRecordSync(entry.path, { provenance: provenance && options.format === "jsonl" ? "text" : provenance });
        if (!read.ok) {
          // Changed or removed since the first pass.
          problems.push({ path: entry.path, reason: read.reason });
          log.warn({ file: entry.path, reason: read.reason }, "not a record any more: skipped");
          continue;
        }
        // The index's strings for the values it holds (equal ones): a format that keeps them a while (a
        // Parquet row group) then keeps strings that are old already, not the new record's copies.
        const { record } = read;
        if (record.source.sha256 === entry.sha256) record.source.sha256 = entry.sha256;
        if (record.meta.organ === entry.organ) record.meta.organ = entry.organ;
        if (record.meta.template === entry.template) record.meta.template = entry.template;
        await sink.write({ record, organKey: entry.organKey, sources: sourcesOf(plan, entry) });
        rows++;
        if (rows % CHECK_EVERY === 0) collectGarbage();
        if (rows % PROGRESS_EVERY === 0) log.info({ stage: "write", rows, of: plan.rows.length }, "exporting");
      }
      stopIfAborted();
      await sink.close(plan.findings);
    } catch (error) {
      await sink.abort();
      throw error;
    }
    return await finish(plan, rows);
  } finally {
    spool?.close();
  }

  async function finish(plan: Plan, rows: number): Promise<ExportSummary> {
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
}
