/**
 * Cell-by-cell scoring of records against truth files, by the same rules as
 * shared/tools/score.mjs: every leaf number of the three tables plus meta.year and
 * meta.template; null and 0 are equal; a missing cell or record is wrong; paths in
 * "uncertainCells"/"ambiguousInDocument" are not scored; a template-less truth adds
 * "tables.absent" (the record must carry no table numbers either).
 */
import type { Issue } from "../model/issue.js";
import { issuesNaming } from "../validate/flags.js";

const SCORED = ["activeDisclosure", "applications", "reviewLitigation"] as const;

type Doc = Record<string, unknown> | null;

function leaves(value: unknown, path: string, out: Map<string, unknown>): Map<string, unknown> {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) leaves(v, path ? `${path}.${k}` : k, out);
  } else {
    out.set(path, value);
  }
  return out;
}

function hasNumber(value: unknown): boolean {
  if (typeof value === "number") return true;
  return value !== null && typeof value === "object" && Object.values(value).some(hasNumber);
}

function same(a: unknown, b: unknown): boolean {
  const norm = (v: unknown) => (v === null || v === undefined || v === "" ? 0 : v);
  const x = norm(a);
  const y = norm(b);
  if (typeof x === "number" && typeof y === "number") return Math.abs(x - y) < 1e-6;
  return String(x) === String(y);
}

export interface WrongCell {
  path: string;
  expected: unknown;
  actual: unknown;
  /** An issue of the record names the cell, its row or its column: a reviewer is sent there. */
  flagged: boolean;
}

export interface PairScore {
  cells: number;
  correct: number;
  nonzero: number;
  nonzeroCorrect: number;
  wrong: WrongCell[];
  /** Wrong cells no issue names: the worst kind of error. */
  silent: number;
  /** Table cells of the truth whose key the record lacks (its table null or the key absent). */
  absent: number;
}

export function scorePair(record: Doc, truth: Record<string, unknown>): PairScore {
  const meta = (d: Doc) => (d?.meta ?? {}) as { year?: unknown; template?: unknown };
  const want = new Map<string, unknown>();
  for (const key of SCORED) if (truth[key]) leaves(truth[key], key, want);
  want.set("meta.year", meta(truth).year);
  want.set("meta.template", meta(truth).template);
  const templateless = meta(truth).template === null && !SCORED.some((k) => truth[k]);
  if (templateless) want.set("tables.absent", true);
  const listed = [...((truth.uncertainCells as string[] | undefined) ?? []), ...((truth.ambiguousInDocument as string[] | undefined) ?? [])];
  const unsettled = (path: string) => listed.some((p) => (p.endsWith(".*") ? path.startsWith(p.slice(0, -1)) : path === p));
  for (const path of [...want.keys()]) if (unsettled(path)) want.delete(path);
  const got = new Map<string, unknown>();
  if (record) {
    for (const key of SCORED) if (record[key]) leaves(record[key], key, got);
    got.set("meta.year", meta(record).year);
    got.set("meta.template", meta(record).template);
    if (templateless) got.set("tables.absent", !SCORED.some((k) => hasNumber(record[k])));
  }
  const issues = (record?.issues ?? []) as Issue[];
  const wrong: WrongCell[] = [];
  let nonzero = 0;
  let nonzeroCorrect = 0;
  for (const [path, value] of want) {
    const ok = got.has(path) && same(got.get(path), value);
    if (!same(value, 0)) {
      nonzero++;
      if (ok) nonzeroCorrect++;
    }
    if (!ok) wrong.push({ path, expected: value, actual: got.has(path) ? got.get(path) : "(missing)", flagged: record !== null && issuesNaming(path, issues).length > 0 });
  }
  const absent = wrong.filter((w) => w.actual === "(missing)" && SCORED.some((k) => w.path.startsWith(`${k}.`))).length;
  return { cells: want.size, correct: want.size - wrong.length, nonzero, nonzeroCorrect, wrong, silent: wrong.filter((w) => !w.flagged).length, absent };
}

export interface ScoreSummary {
  reports: number;
  perfect: number;
  cells: number;
  correct: number;
  accuracy: number;
  nonzero: number;
  nonzeroCorrect: number;
  /** Wrong cells that no issue names. */
  silent: number;
  /** Table cells whose key the records lack. */
  absent: number;
  rows: ({ id: string; missing: boolean } & PairScore)[];
}

export function summarize(pairs: { id: string; record: Doc; truth: Record<string, unknown> }[]): ScoreSummary {
  const rows = pairs.map((p) => ({ id: p.id, missing: p.record === null, ...scorePair(p.record, p.truth) }));
  const total = (k: "cells" | "correct" | "nonzero" | "nonzeroCorrect" | "silent" | "absent") => rows.reduce((s, r) => s + r[k], 0);
  const cells = total("cells");
  const correct = total("correct");
  return {
    reports: rows.length,
    perfect: rows.filter((r) => r.correct === r.cells).length,
    cells,
    correct,
    accuracy: cells ? correct / cells : 0,
    nonzero: total("nonzero"),
    nonzeroCorrect: total("nonzeroCorrect"),
    silent: total("silent"),
    absent: total("absent"),
    rows,
  };
}

export function formatSummary(s: ScoreSummary): string {
  const lines: string[] = [];
  for (const r of s.rows) {
    lines.push(`${r.id}: ${r.missing ? "NO RECORD " : ""}${r.correct}/${r.cells}`);
    for (const w of r.wrong.slice(0, 12)) lines.push(`    ${w.path}: expected ${JSON.stringify(w.expected)}, got ${JSON.stringify(w.actual)}${w.flagged ? " (flagged)" : " (SILENT)"}`);
    if (r.wrong.length > 12) lines.push(`    … ${r.wrong.length - 12} more`);
  }
  const nz = s.nonzero ? ((s.nonzeroCorrect / s.nonzero) * 100).toFixed(2) : "n/a";
  lines.push(
    `cell accuracy ${(s.accuracy * 100).toFixed(2)}% (${s.correct}/${s.cells}), non-zero cells ${nz}% (${s.nonzeroCorrect}/${s.nonzero}), reports exact ${s.perfect}/${s.reports}, wrong cells no issue names ${s.silent}`,
  );
  return lines.join("\n");
}

