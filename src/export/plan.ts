/**
 * The export's first pass: a small index entry per record file (no tables kept), from
 * which the dataset is chosen — one record per source (the newest extractor version),
 * the filters, one row per organ and year (agreeing duplicates merged, disagreeing ones
 * resolved by a stated rule) — and the dataset-level findings are made.
 */
import { createHash } from "node:crypto";
import { basename, dirname, join } from "node:path";
import { columnKeys, TEMPLATES } from "../definition/index.js";
import type { ReportRecord } from "../model/record.js";
import { organKey, type OrganAliases } from "./organ.js";
import { readRecord } from "./read.js";
import { valueAt } from "./table.js";
import type { Finding, RowSource } from "./types.js";

/**
 * A record file's index entry: what the plan and the checks need, and where to read the
 * record again. An export holds one for every record file, so it is kept small: strings
 * that repeat across records (a directory, a version, an organ) are one string, the
 * carry-over rows one short text, the file's name left out where it is `<sha256>.json`.
 */
export class Entry {
  /** Where the record's bytes are in the export's spool (spool.ts), or -1: read the file again. */
  spooled = -1;
  spooledHead = 0;
  spooledTail = 0;

  constructor(
    /** The file's directory (null: `file` is its whole path) and name (null: `<sha256>.json`). */
    private readonly dir: string | null,
    private readonly file: string | null,
    readonly sha256: string,
    readonly version: string,
    readonly organ: string | null,
    readonly organKey: string | null,
    readonly year: number | null,
    readonly template: string | null,
    readonly textSource: string,
    readonly errors: number,
    private readonly sourceName: string,
    private readonly sourceUrl: string | null,
    /** Of the three tables' values: two records with the same hash print the same numbers. */
    readonly tablesHash: string,
    /** Table 三's 上年结转 and 结转下年度 rows, column by column (the carry-over check), as text (see carryText). */
    private readonly carry: string | null,
  ) {}

  get path(): string {
    return this.dir === null ? this.file! : join(this.dir, this.file ?? `${this.sha256}.json`);
  }

  get source(): RowSource {
    return { sha256: this.sha256, name: this.sourceName, url: this.sourceUrl };
  }

  /** Table 三's 上年结转, column by column (APPLICANT_COLUMNS), or null where the record has no such row. */
  get carriedOver(): (number | null)[] | null {
    return carryRow(this.carry, 0);
  }

  /** Table 三's 结转下年度, column by column, or null. */
  get carriedForward(): (number | null)[] | null {
    return carryRow(this.carry, 1);
  }
}

const APPLICANT_COLUMNS = columnKeys(TEMPLATES["2021"].tables.applications);
const row = (record: ReportRecord, key: string) => {
  const values = (record.applications as Record<string, Record<string, number | null>> | null)?.[key];
  return values ? APPLICANT_COLUMNS.map((c) => values[c] ?? null) : null;
};

/** The two carry-over rows as one short text: JSON of [over, forward] (null for a row the record lacks). */
function carryText(record: ReportRecord): string | null {
  const over = row(record, "carriedOver");
  const forward = row(record, "carriedForward");
  return over || forward ? JSON.stringify([over, forward]) : null;
}

function carryRow(text: string | null, which: 0 | 1): (number | null)[] | null {
  return text === null ? null : (JSON.parse(text) as [(number | null)[] | null, (number | null)[] | null])[which];
}

/** One string for each value that repeats across records (directories, versions, organs), per export. */
export class Interner {
  private readonly strings = new Map<string, string>();

  get(text: string): string;
  get(text: string | null): string | null;
  get(text: string | null): string | null {
    if (text === null) return null;
    const known = this.strings.get(text);
    if (known !== undefined) return known;
    this.strings.set(text, text);
    return text;
  }
}

export function entryOf(path: string, record: ReportRecord, aliases: OrganAliases, strings = new Interner()): Entry {
  const tables = JSON.stringify([record.activeDisclosure, record.applications, record.reviewLitigation]);
  const sha256 = record.source.sha256;
  const name = basename(path);
  const dir = dirname(path);
  const whole = join(dir, name) !== path;
  const organ = strings.get(record.meta.organ);
  const key = organKey(record.meta.organ, aliases);
  let errors = 0;
  for (const i of record.issues) if (i.severity === "error") errors++;
  return new Entry(
    whole ? null : strings.get(dir),
    whole ? path : name === `${sha256}.json` ? null : name,
    sha256,
    strings.get(record.extractor?.version ?? "0"),
    organ,
    key === organ ? organ : strings.get(key),
    record.meta.year,
    strings.get(record.meta.template),
    strings.get(record.source.textSource),
    errors,
    record.source.name,
    record.source.url ?? null,
    createHash("sha1").update(tables).digest("base64"),
    carryText(record),
  );
}

/** Extractor versions compared part by part, numerically where both parts are numbers ("0.10.0" > "0.9.2"). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.+-]/);
  const pb = b.split(/[.+-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? "";
    const y = pb[i] ?? "";
    const nx = /^\d+$/.test(x) ? Number(x) : NaN;
    const ny = /^\d+$/.test(y) ? Number(y) : NaN;
    const d = Number.isNaN(nx) || Number.isNaN(ny) ? (x < y ? -1 : x > y ? 1 : 0) : nx - ny;
    if (d !== 0) return d;
  }
  return 0;
}

export interface Filters {
  years?: number[] | undefined;
  templates?: (string | null)[] | undefined;
  /** A substring of the organ as printed or of its key. */
  organ?: string | undefined;
  /** Only records without error issues. */
  clean?: boolean | undefined;
  /** One record per source, the newest extractor version (default); false keeps every version. */
  latest?: boolean | undefined;
}

export function passes(e: Entry, f: Filters, aliases: OrganAliases): boolean {
  if (f.years && (e.year === null || !f.years.includes(e.year))) return false;
  if (f.templates && !f.templates.includes(e.template)) return false;
  if (f.organ) {
    const wanted = organKey(f.organ, aliases) ?? "";
    if (!(e.organ ?? "").includes(f.organ) && !(e.organKey ?? "").includes(wanted)) return false;
  }
  if (f.clean && e.errors > 0) return false;
  return true;
}

/**
 * The record kept of several for one organ and year: one with the template's tables over
 * one without (a report page whose report is its PDF attachment), then fewest error
 * issues, then a text layer over OCR, then the smallest hash (so the choice is stable).
 */
export const KEEP_RULE = "a record with the template tables over one without, then fewest error issues, then a text layer, HTML or text over OCR, then the lowest input SHA-256";
const ocr = (e: Entry) => (e.textSource === "ocr" || e.textSource === "mixed" ? 1 : 0);
const untabled = (e: Entry) => (e.template === null ? 1 : 0);
const preferred = (a: Entry, b: Entry) => untabled(a) - untabled(b) || a.errors - b.errors || ocr(a) - ocr(b) || (a.sha256 < b.sha256 ? -1 : a.sha256 > b.sha256 ? 1 : 0);

export interface Plan {
  /** The records of the dataset's rows, in order. */
  rows: Entry[];
  /** The records whose tables agree with a row's (its own first), where there are several. */
  agreeing: Map<Entry, Entry[]>;
  findings: Finding[];
  /** Records left out: older versions of a source, filtered out, duplicates merged or outvoted. */
  left: { olderVersions: number; filtered: number; duplicates: number };
}

/** A row's sources: its record's, then those of agreeing duplicates. */
export function sourcesOf(plan: Plan, entry: Entry): RowSource[] {
  return (plan.agreeing.get(entry) ?? [entry]).map((e) => e.source);
}

/**
 * A CARRY_OVER_MISMATCH finding, kept as the two records and the differing columns (a
 * bit each): a dataset can have one for most of its records, and a finding's text and
 * paths, made when they are asked for, would otherwise be most of what an export holds.
 * Serialised (toJSON) as the plain finding.
 */
class CarryOverMismatch implements Finding {
  constructor(
    private readonly e: Entry,
    private readonly before: Entry,
    private readonly columns: number,
  ) {}

  get code(): "CARRY_OVER_MISMATCH" {
    return "CARRY_OVER_MISMATCH";
  }

  get severity(): "warning" {
    return "warning";
  }

  get organKey(): string {
    return this.e.organKey!;
  }

  get year(): number {
    return this.e.year!;
  }

  get ids(): string[] {
    return [this.e.sha256, this.before.sha256];
  }

  private get differing(): string[] {
    return APPLICANT_COLUMNS.filter((_, i) => (this.columns & (1 << i)) !== 0);
  }

  get paths(): string[] {
    return this.differing.flatMap((c) => [`applications.carriedOver.${c}`, `applications.carriedForward.${c}`]);
  }

  get message(): string {
    const { e } = this;
    const over = e.carriedOver!;
    const forward = this.before.carriedForward!;
    return `${e.organ ?? e.organKey}: 上年结转 of ${e.year} ≠ 结转下年度 of ${e.year! - 1} in ${this.differing
      .map((c) => `${c} (${over[APPLICANT_COLUMNS.indexOf(c)]} vs ${forward[APPLICANT_COLUMNS.indexOf(c)]})`)
      .join(", ")}`;
  }

  toJSON(): Finding {
    return { code: this.code, severity: this.severity, organKey: this.organKey, year: this.year, ids: this.ids, paths: this.paths, message: this.message };
  }
}

/** The cells in which two records differ (read again: the index keeps no tables). */
async function differingCells(a: Entry, b: Entry): Promise<string[]> {
  const [ra, rb] = await Promise.all([readRecord(a.path, { provenance: false }), readRecord(b.path, { provenance: false })]);
  if (!ra.ok || !rb.ok) return [];
  const paths = new Set<string>();
  const walk = (x: unknown, prefix: string) => {
    if (x !== null && typeof x === "object") for (const [k, v] of Object.entries(x)) walk(v, prefix ? `${prefix}.${k}` : k);
    else paths.add(prefix);
  };
  for (const key of ["activeDisclosure", "applications", "reviewLitigation"] as const) {
    walk(ra.record[key], key);
    walk(rb.record[key], key);
  }
  const row = (record: ReportRecord) => ({ record, organKey: null, sources: [] });
  return [...paths].filter((p) => (valueAt(row(ra.record), p) ?? null) !== (valueAt(row(rb.record), p) ?? null)).sort();
}

export async function planDataset(entries: Entry[], filters: Filters, aliases: OrganAliases): Promise<Plan> {
  const left = { olderVersions: 0, filtered: 0, duplicates: 0 };
  // One record per source: the newest extractor version; of several records of that version, the one KEEP_RULE prefers.
  let chosen = entries;
  if (filters.latest !== false) {
    const bySource = new Map<string, Entry>();
    for (const e of entries) {
      const other = bySource.get(e.sha256);
      const newer = other ? compareVersions(e.version, other.version) : 1;
      // One version of a source read more than once (a page alone and with its pictures): the better reading.
      if (newer > 0 || (newer === 0 && other && (preferred(e, other) || cmp(e.path, other.path)) < 0)) bySource.set(e.sha256, e);
    }
    left.olderVersions = entries.length - bySource.size;
    chosen = [...bySource.values()];
  }
  const kept = chosen.filter((e) => passes(e, filters, aliases));
  left.filtered = chosen.length - kept.length;

  // One row per organ and year: sources printing the same numbers are one row; where
  // they disagree, the rule picks one and a finding names the differing cells.
  const findings: Finding[] = [];
  const groups = new Map<string, Entry | Entry[]>();
  const rows: Entry[] = [];
  const agreeingRows = new Map<Entry, Entry[]>();
  for (const e of kept) {
    if (e.organKey === null || e.year === null || filters.latest === false) {
      rows.push(e);
      continue;
    }
    // An array only for the organs and years with several records.
    const key = `${e.organKey}\u0000${e.year}`;
    const there = groups.get(key);
    groups.set(key, there === undefined ? e : Array.isArray(there) ? [...there, e] : [there, e]);
  }
  for (const found of groups.values()) {
    if (!Array.isArray(found)) {
      rows.push(found);
      continue;
    }
    const group = found;
    group.sort(preferred);
    const keep = group[0]!;
    const agreeing = group.filter((e) => e.tablesHash === keep.tablesHash);
    rows.push(keep);
    if (agreeing.length > 1) agreeingRows.set(keep, agreeing);
    left.duplicates += group.length - 1;
    if (group.length === 1) continue;
    if (agreeing.length > 1) {
      findings.push({
        code: "DUPLICATE_AGREES",
        severity: "info",
        organKey: keep.organKey!,
        year: keep.year!,
        ids: agreeing.map((e) => e.sha256),
        paths: [],
        message: `${agreeing.length} sources of ${keep.organ ?? keep.organKey} ${keep.year} print the same tables: one row lists them all (${agreeing.map((e) => e.source.url ?? e.source.name).join(", ")})`,
      });
    }
    for (const other of group.filter((e) => e.tablesHash !== keep.tablesHash)) {
      const cells = await differingCells(keep, other);
      findings.push({
        code: "DUPLICATE_DISAGREES",
        severity: "warning",
        organKey: keep.organKey!,
        year: keep.year!,
        ids: [keep.sha256, other.sha256],
        paths: cells,
        message: `${keep.organ ?? keep.organKey} ${keep.year}: ${other.source.url ?? other.source.name} differs from ${keep.source.url ?? keep.source.name} in ${cells.length} cell(s)${cells.length ? ` (${cells.slice(0, 5).join(", ")}${cells.length > 5 ? " …" : ""})` : ""}; kept ${keep.source.url ?? keep.source.name} by the rule: ${KEEP_RULE}`,
      });
    }
  }

  // Carry-over: what a body carried forward at the end of one year is what it carried over into the next.
  const byOrganYear = new Map(rows.filter((e) => e.organKey !== null && e.year !== null).map((e) => [`${e.organKey}\u0000${e.year}`, e]));
  for (const e of byOrganYear.values()) {
    const before = byOrganYear.get(`${e.organKey}\u0000${e.year! - 1}`);
    const over = before ? e.carriedOver : null;
    const forward = over ? before!.carriedForward : null;
    if (!before || !over || !forward) continue;
    let differing = 0;
    APPLICANT_COLUMNS.forEach((_, i) => {
      if (over[i] !== null && forward[i] !== null && over[i] !== forward[i]) differing |= 1 << i;
    });
    if (differing !== 0) findings.push(new CarryOverMismatch(e, before, differing));
  }
  rows.sort((a, b) => cmp(a.organKey, b.organKey) || (a.year ?? 0) - (b.year ?? 0) || cmp(a.sha256, b.sha256) || compareVersions(a.version, b.version));
  findings.sort((a, b) => cmp(a.organKey, b.organKey) || a.year - b.year || cmp(a.code, b.code));
  return { rows, agreeing: agreeingRows, findings, left };
}

const cmp = (a: string | null, b: string | null) => ((a ?? "") < (b ?? "") ? -1 : (a ?? "") > (b ?? "") ? 1 : 0);
