/**
 * Where the export's records come from: the store that `ingest`/`worker` fill
 * (DATA_DIR/records/<version>/xx/<sha256>.json) or a directory of records written by
 * `extract --out` (any `*.json` below it, truth files aside). A file that is not a
 * record — corrupt, truncated, foreign JSON — is named with its reason and skipped.
 */
import { isUtf8 } from "node:buffer";
import { closeSync, openSync, readSync } from "node:fs";
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

/**
 * One file's bytes, read into a buffer kept from one file to the next: a new buffer per
 * file (what readFileSync does) costs more than the read, in allocation and in the
 * collector's work, and the text of the whole file is not needed (below). Synchronously:
 * one local file after another, the thread pool's round trip costs more than the read.
 * The bytes are valid until the next call.
 */
let scratch = Buffer.allocUnsafe(1 << 20);
const SCRATCH_KEPT = 1 << 23;

function readBytes(path: string): Buffer {
  const fd = openSync(path, "r");
  try {
    let size = 0;
    for (;;) {
      if (size === scratch.length) {
        const bigger = Buffer.allocUnsafe(scratch.length * 2);
        scratch.copy(bigger, 0, 0, size);
        scratch = bigger;
      }
      const n = readSync(fd, scratch, size, scratch.length - size, null);
      if (n === 0) return scratch.subarray(0, size);
      size += n;
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Where the record files of the store and of `extract --out` (JSON.stringify's layout,
 * two spaces an indent) have their top-level `provenance` and `extractor` members. JSON
 * text holds no raw newline inside a string, and only a top-level member starts a line
 * with exactly two spaces and a quote: a match is that member.
 */
const PROVENANCE = Buffer.from(',\n  "provenance": ');
const EXTRACTOR = Buffer.from('\n  "extractor": ');

/**
 * The bytes of a record file around its provenance: the text before the provenance
 * member (a stored record's head is an eighth of its bytes) and the extractor member
 * after it. Null where the file is not in that layout (compact, other indents, no
 * provenance).
 */
function aroundProvenance(bytes: Buffer): { head: Buffer; tail: Buffer | null } | null {
  const at = bytes.indexOf(PROVENANCE);
  if (at < 0) return null;
  // Searched from the end: the extractor is the record's last member, the provenance before it long.
  const ext = bytes.lastIndexOf(EXTRACTOR);
  return { head: bytes.subarray(0, at), tail: ext > at ? bytes.subarray(ext) : null };
}

/**
 * A record's text up to one of its top-level members (the separator before it left out),
 * closed as an object; null where that is not an object. Throws where it is not JSON.
 */
function headObject(text: string): Record<string, unknown> | null {
  const value = JSON.parse(`${text}}`) as unknown;
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/**
 * The record without its provenance from the bytes `aroundProvenance` found, as
 * parseWithoutProvenance makes it from the whole text (only the extractor is taken from
 * after the provenance); null where they do not parse.
 */
function parseAround(head: Buffer, tail: Buffer | null): Record<string, unknown> | null {
  try {
    const record = headObject(head.toString("utf8"));
    if (record && tail) record.extractor = (JSON.parse(`{${tail.toString("utf8")}`) as Record<string, unknown>).extractor;
    return record;
  } catch {
    return null;
  }
}

/**
 * The whole record from a file in the store's layout, parsed in two parts: the text before
 * the provenance member and the text from it on, each closed as an object, their members
 * then put together in order — what JSON.parse makes of the whole text, but the provenance
 * (three quarters of the bytes, ASCII as a rule) is decoded and parsed as one-byte text
 * instead of as part of the head's two-byte (Chinese) text. Null where the file is not
 * in that layout or a part does not parse (the caller then parses it whole).
 */
function parseInTwo(bytes: Buffer): Record<string, unknown> | null {
  const at = bytes.indexOf(PROVENANCE);
  if (at < 0) return null;
  try {
    const head = headObject(bytes.toString("utf8", 0, at));
    if (!head) return null;
    const rest = JSON.parse(`{${bytes.toString("utf8", at + 1)}`) as Record<string, unknown>;
    // A key of both parts keeps its place and takes the later value, as in JSON.parse of the whole.
    for (const key of Object.keys(rest)) head[key] = rest[key];
    return head;
  } catch {
    return null;
  }
}

/**
 * JSON text kept as it was read — checked to be JSON, its whitespace dropped — where a
 * format writes a member as it is (the JSON Lines format, a record's provenance): a byte
 * string (formats/bytes.ts). For a record file JSON.stringify wrote (every stored record)
 * the text is what JSON.stringify writes of its value; for any other, JSON that parses to
 * the same value.
 */
export class RawJson {
  constructor(readonly bytes: string) {}
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isHex = (c: number) => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
const LITERALS = [Buffer.from("true"), Buffer.from("false"), Buffer.from("null")];
const MAX_DEPTH = 64;
let compacted = Buffer.allocUnsafe(1 << 20);

/**
 * The JSON value that starts at `start` (after whitespace), checked against JSON's
 * grammar as JSON.parse checks it, with the whitespace between its tokens dropped; and
 * where it ends. Null where it is not JSON, nests deeper than MAX_DEPTH or its text is not
 * UTF-8 (the caller then parses the file, as before). Tokens are copied as they are.
 */
export function compactValue(bytes: Buffer, start: number): { json: RawJson; end: number } | null {
  const n = bytes.length;
  if (compacted.length < n - start) compacted = Buffer.allocUnsafe(n - start);
  const out = compacted;
  let o = 0;
  let i = start;
  let beyondAscii = false;
  // Open containers: 1 an object, 2 an array.
  const stack = new Uint8Array(MAX_DEPTH);
  let depth = 0;
  // What comes next: 0 a value, 1 a member's key, 2 what follows a value.
  let expect = 0;
  let c = 0;
  for (;;) {
    if (expect === 2 && depth === 0) break;
    for (;;) {
      if (i >= n) return null;
      c = bytes[i]!;
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      i++;
    }
    if (expect === 2) {
      const container = stack[depth - 1];
      if (c === 0x2c) expect = container === 1 ? 1 : 0;
      else if ((container === 1 && c === 0x7d) || (container === 2 && c === 0x5d)) depth--;
      else return null;
      out[o++] = c;
      i++;
      continue;
    }
    if (c === QUOTE) {
      // A string: copied as it is, its escapes and characters checked.
      out[o++] = c;
      i++;
      for (;;) {
        if (i >= n) return null;
        c = bytes[i++]!;
        out[o++] = c;
        if (c === QUOTE) break;
        if (c === BACKSLASH) {
          if (i >= n) return null;
          c = bytes[i++]!;
          out[o++] = c;
          if (c === 0x75) {
            if (i + 4 > n) return null;
            for (let k = 0; k < 4; k++) {
              c = bytes[i++]!;
              if (!isHex(c)) return null;
              out[o++] = c;
            }
          } else if (!(c === QUOTE || c === BACKSLASH || c === 0x2f || c === 0x62 || c === 0x66 || c === 0x6e || c === 0x72 || c === 0x74)) return null;
        } else if (c < 0x20) return null;
        else if (c >= 0x80) beyondAscii = true;
      }
      if (expect === 1) {
        while (i < n && isSpace(bytes[i]!)) i++;
        if (i >= n || bytes[i] !== 0x3a) return null;
        out[o++] = 0x3a;
        i++;
        expect = 0;
      } else expect = 2;
      continue;
    }
    if (expect === 1) return null;
    if (c === 0x7b || c === 0x5b) {
      if (depth === MAX_DEPTH) return null;
      out[o++] = c;
      i++;
      while (i < n && isSpace(bytes[i]!)) i++;
      const close = c === 0x7b ? 0x7d : 0x5d;
      if (i < n && bytes[i] === close) {
        out[o++] = close;
        i++;
        expect = 2;
      } else {
        stack[depth++] = c === 0x7b ? 1 : 2;
        expect = c === 0x7b ? 1 : 0;
      }
      continue;
    }
    if (c === 0x2d || isDigit(c)) {
      // A number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
      const from = i;
      if (c === 0x2d) i++;
      if (i < n && bytes[i] === 0x30) i++;
      else if (i < n && isDigit(bytes[i]!)) while (i < n && isDigit(bytes[i]!)) i++;
      else return null;
      if (i < n && bytes[i] === 0x2e) {
        i++;
        if (!(i < n && isDigit(bytes[i]!))) return null;
        while (i < n && isDigit(bytes[i]!)) i++;
      }
      if (i < n && (bytes[i] === 0x65 || bytes[i] === 0x45)) {
        i++;
        if (i < n && (bytes[i] === 0x2b || bytes[i] === 0x2d)) i++;
        if (!(i < n && isDigit(bytes[i]!))) return null;
        while (i < n && isDigit(bytes[i]!)) i++;
      }
      for (let k = from; k < i; k++) out[o++] = bytes[k]!;
      expect = 2;
      continue;
    }
    const literal = c === 0x74 ? LITERALS[0]! : c === 0x66 ? LITERALS[1]! : c === 0x6e ? LITERALS[2]! : null;
    if (!literal || i + literal.length > n || bytes.compare(literal, 0, literal.length, i, i + literal.length) !== 0) return null;
    for (let k = 0; k < literal.length; k++) out[o++] = literal[k]!;
    i += literal.length;
    expect = 2;
  }
  // Text beyond ASCII is copied as its bytes: only where they are UTF-8 are they what decoding and encoding it would give.
  if (beyondAscii && !isUtf8(bytes.subarray(start, i))) return null;
  return { json: new RawJson(out.toString("latin1", 0, o)), end: i };
}

/**
 * The record with its provenance as RawJson (for the JSON Lines format, which writes it as
 * it is): the head and what follows the provenance parsed, the provenance only checked and
 * compacted — the same members in the same order as JSON.parse of the whole text, without
 * making and writing out again the objects of three quarters of it. Null where the file is
 * not in the store's layout or anything is unexpected (the caller then parses it whole).
 */
function parseKeepingProvenanceText(bytes: Buffer): Record<string, unknown> | null {
  const at = bytes.indexOf(PROVENANCE);
  if (at < 0) return null;
  try {
    const record = headObject(bytes.toString("utf8", 0, at));
    if (!record || "provenance" in record) return null;
    const value = compactValue(bytes, at + PROVENANCE.length);
    if (!value) return null;
    let j = value.end;
    while (j < bytes.length && isSpace(bytes[j]!)) j++;
    let rest: Record<string, unknown> = {};
    if (bytes[j] === 0x2c) rest = JSON.parse(`{${bytes.toString("utf8", j + 1)}`) as Record<string, unknown>;
    else if (bytes[j] === 0x7d) {
      for (j++; j < bytes.length; j++) if (!isSpace(bytes[j]!)) return null;
    } else return null;
    // A key twice (JSON.parse keeps the first place and the last value): parsed whole instead.
    for (const key of Object.keys(rest)) if (key in record || key === "provenance") return null;
    record.provenance = value.json;
    for (const key of Object.keys(rest)) record[key] = rest[key];
    return record;
  } catch {
    return null;
  }
}

/** A record read, and (read without provenance, from a file in the store's layout) the bytes it was parsed from. */
export type RecordRead = { ok: true; record: ReportRecord; head?: Buffer; tail?: Buffer | null } | { ok: false; reason: string };

/** Reads and checks a record file; `provenance: false` leaves the record's provenance out (and is cheaper). */
export async function readRecord(path: string, options: { provenance?: boolean } = {}): Promise<ReadResult> {
  const read = readRecordSync(path, options);
  return read.ok ? { ok: true, record: read.record } : read;
}

/**
 * readRecord, synchronously (the export reads one local file after another). `head` and
 * `tail`, where given, are the bytes the record was parsed from (see parseAround), valid
 * until the next read: the export keeps them to parse the record again without reading it.
 * `provenance: "text"`: the provenance as RawJson where the file allows (for JSON Lines).
 */
export function readRecordSync(path: string, options: { provenance?: boolean | "text" } = {}): RecordRead {
  let bytes: Buffer;
  try {
    bytes = readBytes(path);
  } catch (error) {
    return { ok: false, reason: `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})` };
  }
  try {
    if (options.provenance === false) {
      const parts = aroundProvenance(bytes);
      const value = parts && parseAround(parts.head, parts.tail);
      if (value) {
        const why = notARecord(value);
        return why ? { ok: false, reason: why } : { ok: true, record: value as ReportRecord, head: parts!.head, tail: parts!.tail };
      }
    }
    let value: unknown = options.provenance === false ? null : options.provenance === "text" ? (parseKeepingProvenanceText(bytes) ?? parseInTwo(bytes)) : parseInTwo(bytes);
    try {
      if (value === null) {
        const text = bytes.toString("utf8");
        value = options.provenance === false ? parseWithoutProvenance(text) : JSON.parse(text);
      }
    } catch (error) {
      return { ok: false, reason: `is not JSON (${(error as Error).message})` };
    }
    const why = notARecord(value);
    return why ? { ok: false, reason: why } : { ok: true, record: value as ReportRecord };
  } finally {
    if (scratch.length > SCRATCH_KEPT) scratch = Buffer.allocUnsafe(1 << 20);
    if (compacted.length > SCRATCH_KEPT) compacted = Buffer.allocUnsafe(1 << 20);
  }
}

/** A record from the bytes readRecordSync gave as its `head` and `tail` (kept, and read back). */
export function recordFromParts(head: Buffer, tail: Buffer | null): ReadResult {
  const value = parseAround(head, tail);
  if (!value) return { ok: false, reason: "is not JSON" };
  const why = notARecord(value);
  return why ? { ok: false, reason: why } : { ok: true, record: value as ReportRecord };
}
