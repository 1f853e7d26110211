/**
 * The export's first pass: a small index entry per record file (no tables kept), from
 * which the dataset is chosen — one record per source (the newest extractor version),
 * the filters, one row per organ and year (agreeing duplicates merged, disagreeing ones
 * resolved by a stated rule) — and the dataset-level findings are made.
 */
import { createHash } from "node:crypto";
import { columnKeys, TEMPLATES } from "../definition/index.js";
import type { ReportRecord } from "../model/record.js";
import { organKey, type OrganAliases } from "./organ.js";
import { readRecord } from "./read.js";
import { valueAt } from "./table.js";
import type { Finding, RowSource } from "./types.js";

export interface Entry {
  path: string;
  sha256: string;
  version: string;
  organ: string | null;
  organKey: string | null;
  year: number | null;
  template: string | null;
  textSource: string;
  errors: number;
  source: RowSource;
  /** Of the three tables' values: two records with the same hash print the same numbers. */
  tablesHash: string;
  /** Table 三's 上年结转 and 结转下年度, column by column (the carry-over check). */
  carriedOver: (number | null)[] | null;
  carriedForward: (number | null)[] | null;
}

const APPLICANT_COLUMNS = columnKeys(TEMPLATES["2021"].tables.applications);
const row = (record: ReportRecord, key: string) => {
  const values = (record.applications as Record<string, Record<string, number | null>> | null)?.[key];
  return values ? APPLICANT_COLUMNS.map((c) => values[c] ?? null) : null;
};

export function entryOf(path: string, record: ReportRecord, aliases: OrganAliases): Entry {
  const tables = JSON.stringify([record.activeDisclosure, record.applications, record.reviewLitigation]);
  return {
    path,
    sha256: record.source.sha256,
    version: record.extractor?.version ?? "0",
    organ: record.meta.organ,
    organKey: organKey(record.meta.organ, aliases),
    year: record.meta.year,
    template: record.meta.template,
    textSource: record.source.textSource,
    errors: record.issues.filter((i) => i.severity === "error").length,
    source: { sha256: record.source.sha256, name: record.source.name, url: record.source.url ?? null },
    tablesHash: createHash("sha1").update(tables).digest("hex"),
    carriedOver: row(record, "carriedOver"),
    carriedForward: row(record, "carriedForward"),
  };
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

export interface PlannedRow {
  entry: Entry;
  /** This record's source, then those of agreeing duplicates. */
  sources: RowSource[];
}

export interface Plan {
  rows: PlannedRow[];
  findings: Finding[];
  /** Records left out: older versions of a source, filtered out, duplicates merged or outvoted. */
  left: { olderVersions: number; filtered: number; duplicates: number };
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
  // One record per source: the newest extractor version.
  let chosen = entries;
  if (filters.latest !== false) {
    const bySource = new Map<string, Entry>();
    for (const e of entries) {
      const other = bySource.get(e.sha256);
      if (!other || compareVersions(e.version, other.version) > 0) bySource.set(e.sha256, e);
    }
    left.olderVersions = entries.length - bySource.size;
    chosen = [...bySource.values()];
  }
  const kept = chosen.filter((e) => passes(e, filters, aliases));
  left.filtered = chosen.length - kept.length;

  // One row per organ and year: sources printing the same numbers are one row; where
  // they disagree, the rule picks one and a finding names the differing cells.
  const findings: Finding[] = [];
  const groups = new Map<string, Entry[]>();
  const rows: PlannedRow[] = [];
  for (const e of kept) {
    if (e.organKey === null || e.year === null || filters.latest === false) rows.push({ entry: e, sources: [e.source] });
    else groups.set(`${e.organKey}\u0000${e.year}`, [...(groups.get(`${e.organKey}\u0000${e.year}`) ?? []), e]);
  }
  for (const group of groups.values()) {
    group.sort(preferred);
    const keep = group[0]!;
    const agreeing = group.filter((e) => e.tablesHash === keep.tablesHash);
    rows.push({ entry: keep, sources: agreeing.map((e) => e.source) });
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
  const byOrganYear = new Map(rows.filter((r) => r.entry.organKey !== null && r.entry.year !== null).map((r) => [`${r.entry.organKey}\u0000${r.entry.year}`, r.entry]));
  for (const e of byOrganYear.values()) {
    const before = byOrganYear.get(`${e.organKey}\u0000${e.year! - 1}`);
    if (!before || !e.carriedOver || !before.carriedForward) continue;
    const differing = APPLICANT_COLUMNS.filter((_, i) => e.carriedOver![i] !== null && before.carriedForward![i] !== null && e.carriedOver![i] !== before.carriedForward![i]);
    if (differing.length === 0) continue;
    findings.push({
      code: "CARRY_OVER_MISMATCH",
      severity: "warning",
      organKey: e.organKey!,
      year: e.year!,
      ids: [e.sha256, before.sha256],
      paths: differing.flatMap((c) => [`applications.carriedOver.${c}`, `applications.carriedForward.${c}`]),
      message: `${e.organ ?? e.organKey}: 上年结转 of ${e.year} ≠ 结转下年度 of ${e.year! - 1} in ${differing
        .map((c) => `${c} (${e.carriedOver![APPLICANT_COLUMNS.indexOf(c)]} vs ${before.carriedForward![APPLICANT_COLUMNS.indexOf(c)]})`)
        .join(", ")}`,
    });
  }
  rows.sort((a, b) => cmp(a.entry.organKey, b.entry.organKey) || (a.entry.year ?? 0) - (b.entry.year ?? 0) || cmp(a.entry.sha256, b.entry.sha256) || compareVersions(a.entry.version, b.entry.version));
  findings.sort((a, b) => cmp(a.organKey, b.organKey) || a.year - b.year || cmp(a.code, b.code));
  return { rows, findings, left };
}

const cmp = (a: string | null, b: string | null) => ((a ?? "") < (b ?? "") ? -1 : (a ?? "") > (b ?? "") ? 1 : 0);
