/**
 * Where the export's records come from: the store that `ingest`/`worker` fill
 * (DATA_DIR/records/<version>/xx/<sha256>.json) or a directory of records written by
 * `extract --out` (any `*.json` below it, truth files aside). A file that is not a
 * record — corrupt, truncated, foreign JSON — is named with its reason and skipped.
 */
import { readFileSync } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { PipelineError } from "../errors.js";
import type { ReportRecord } from "../model/record.js";

/** The record files below `dir`, in a stable order: a store's records, else every `*.json`. */
export async function* recordFiles(dir: string): AsyncGenerator<string> {
  const info = await stat(dir).catch(() => null);
  if (!info) throw new PipelineError("INPUT_NOT_FOUND", "no such directory", { input: dir });
  if (info.isFile()) {
    yield dir;
    return;
  }
  const store = join(dir, "records");
  const isStore = (await stat(store).catch(() => null))?.isDirectory() === true;
  yield* walk(isStore ? store : dir);
}

async function* walk(dir: string): AsyncGenerator<string> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile() && entry.name.endsWith(".json") && !entry.name.endsWith(".truth.json") && !entry.name.startsWith(".")) yield path;
  }
}

export type ReadResult = { ok: true; record: ReportRecord } | { ok: false; reason: string };

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * What the export relies on, checked on every file: a report record of schema version 1
 * with its source hash, meta, issues and tables. (The full schema is the extractor's
 * concern; checking it on 100,000 records would cost more than the export.)
 */
function notARecord(value: unknown): string | null {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return "not a JSON object";
  const r = value as Record<string, unknown>;
  if (r.schemaVersion !== 1) return `not a report record of schema version 1 (schemaVersion ${JSON.stringify(r.schemaVersion)})`;
  const source = r.source as Record<string, unknown> | undefined;
  if (!source || typeof source.sha256 !== "string" || !SHA256.test(source.sha256) || typeof source.name !== "string") return "its source has no SHA-256 or name";
  const meta = r.meta as Record<string, unknown> | undefined;
  if (!meta || !(meta.template === "2019" || meta.template === "2021" || meta.template === null)) return "its meta.template is missing or unknown";
  if (!(meta.year === null || Number.isInteger(meta.year))) return "its meta.year is not a year";
  if (!Array.isArray(r.issues)) return "it has no issues list";
  for (const key of ["activeDisclosure", "applications", "reviewLitigation"]) {
    const table = r[key];
    if (table !== null && (typeof table !== "object" || Array.isArray(table))) return `its ${key} is not a table`;
  }
  return null;
}

/**
 * The record without its provenance, parsed from the text before it: provenance is the
 * record's last large member (up to three quarters of a stored record's bytes) and most
 * formats do not carry it. The extractor entry after it is read on its own. Anything
 * unexpected (no provenance, a record written otherwise) is parsed whole.
 */
function parseWithoutProvenance(text: string): unknown {
  const at = text.lastIndexOf('"provenance"');
  if (at > 0) {
    // The text before the key, its trailing comma and whitespace cut, closed as an object.
    let end = at;
    while (end > 0 && /[\s,]/.test(text[end - 1]!)) end--;
    const ext = text.lastIndexOf('"extractor"');
    try {
      const head = JSON.parse(`${text.slice(0, end)}}`) as Record<string, unknown>;
      if (ext > at) {
        const open = text.indexOf("{", ext);
        head.extractor = JSON.parse(text.slice(open, text.indexOf("}", open) + 1));
      }
      return head;
    } catch {
      // Not the layout the store writes: parse it whole.
    }
  }
  const whole = JSON.parse(text) as Record<string, unknown>;
  delete whole.provenance;
  return whole;
}

/** Reads and checks a record file; `provenance: false` leaves the record's provenance out (and is cheaper). */
export async function readRecord(path: string, options: { provenance?: boolean } = {}): Promise<ReadResult> {
  let text: string;
  try {
    // Synchronously: one local file after another, the thread pool's round trip costs more than the read.
    text = readFileSync(path, "utf8");
  } catch (error) {
    return { ok: false, reason: `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})` };
  }
  let value: unknown;
  try {
    value = options.provenance === false ? parseWithoutProvenance(text) : JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `is not JSON (${(error as Error).message})` };
  }
  const why = notARecord(value);
  return why ? { ok: false, reason: why } : { ok: true, record: value as ReportRecord };
}
