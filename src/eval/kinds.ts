/**
 * Scores by input kind: the same report read from plain text, from HTML, from a PDF's
 * text layer, from a browser print (ruled or borderless) or from a scan (by dpi and
 * rasteriser) is scored once per kind, so that a kind that reads badly — or silently
 * wrong — shows up on its own line.
 *
 * A document's kind is what the eval was told (a `kinds.json` beside the documents:
 * `{ "<id>": "print-ruled", … }`, as scripts/eval-renderings.ts writes), else what its
 * record says it was read from (`source.textSource`: an OFD read by OCR is a scan, DOC and
 * WPS share "doc", an HTML page whose tables are pictures is "html-images"), else its file
 * name's extension.
 */
import { existsSync, readFileSync } from "node:fs";
import { extname, join } from "node:path";
import { summarize, type ScoreSummary } from "./score.js";

type Doc = Record<string, unknown> | null;

/** The kinds in the order they are printed; other kinds follow, sorted. */
export const KIND_ORDER = [
  "text",
  "html",
  "pdf-text",
  "print-ruled",
  "print-borderless",
  "scan",
  ...[150, 200, 300].flatMap((dpi) => ["pdfjs", "poppler"].map((r) => `scan-${dpi}-${r}`)),
  "mixed",
  "html-images",
  "dump",
  "docx",
  "doc",
  "ofd",
];

/** The kind a record says it was read from: its text source, OCR named "scan". */
export function kindOfRecord(record: Doc, path: string): string {
  const source = (record?.source ?? {}) as { textSource?: string; mediaType?: string };
  if (source.textSource === "ocr") return "scan";
  if (source.textSource === "mixed" && source.mediaType === "text/html") return "html-images";
  if (source.textSource) return source.textSource;
  const ext = extname(path).toLowerCase();
  return ext === ".pdf" ? "pdf-text" : /^\.html?$/.test(ext) ? "html" : ext === ".txt" ? "text" : ext.slice(1) || "other";
}

/** The kinds a directory's `kinds.json` names, by document id (empty when it has none). */
export function readKinds(dir: string): Map<string, string> {
  const file = join(dir, "kinds.json");
  if (!existsSync(file)) return new Map();
  const parsed = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  return new Map(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === "string"));
}

export interface KindPair {
  id: string;
  kind: string;
  record: Doc;
  truth: Record<string, unknown>;
  /** Extraction time, milliseconds (0 when not measured). */
  ms: number;
}

export interface KindScore {
  kind: string;
  summary: ScoreSummary;
  /** Documents without a record (extraction failed). */
  noRecord: number;
  ms: number;
}

export function summarizeByKind(pairs: readonly KindPair[]): KindScore[] {
  const kinds = [...new Set(pairs.map((p) => p.kind))].sort((a, b) => {
    const ia = KIND_ORDER.indexOf(a);
    const ib = KIND_ORDER.indexOf(b);
    return (ia < 0 ? KIND_ORDER.length : ia) - (ib < 0 ? KIND_ORDER.length : ib) || a.localeCompare(b);
  });
  return kinds.map((kind) => {
    const mine = pairs.filter((p) => p.kind === kind);
    return { kind, summary: summarize(mine), noRecord: mine.filter((p) => p.record === null).length, ms: mine.reduce((s, p) => s + p.ms, 0) };
  });
}

const pct = (a: number, b: number) => (b ? `${((a / b) * 100).toFixed(2)}%` : "n/a");

/** One line per kind: reports, cell accuracy, non-zero cells, silent wrong cells, absent keys, time. */
export function formatKinds(rows: readonly KindScore[]): string {
  const header = ["kind", "reports", "exact", "cells", "accuracy", "non-zero", "silent", "absent", "no record", "time"];
  const body = rows.map((r) => {
    const s = r.summary;
    return [
      r.kind,
      String(s.reports),
      String(s.perfect),
      `${s.correct}/${s.cells}`,
      pct(s.correct, s.cells),
      pct(s.nonzeroCorrect, s.nonzero),
      String(s.silent),
      String(s.absent),
      String(r.noRecord),
      `${(r.ms / 1000).toFixed(1)} s`,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return ["by input kind (silent: wrong cells no issue names; absent: table cells whose key the record lacks)", line(header), ...body.map(line)].join("\n");
}
