/** Table 三 · 收到和处理政府信息公开申请情况 → `applications`. */
import type { Applications } from "../model/record.js";
import { APPLICANT_COLUMN_KEYS, applicationRowKeys, type ApplicationRow, type TemplateVersion } from "../model/vocabulary.js";
import { APPLICATION_ROW_CUES, APPLICATION_ROW_NAMES } from "./labels.js";
import { alignRows } from "./_shared/align.js";
import { Collector, numberOf } from "./_shared/collector.js";
import { columnAnchors, placeValues } from "./_shared/place.js";
import type { TableRow, ValueCell } from "./_shared/rows.js";
import { checkApplications } from "../validate/identities.js";
import { compact } from "./_shared/text.js";

export interface ApplicationsResult {
  table: Applications;
  /** Which form of the （六） group the table prints. */
  variant: TemplateVersion;
}

const ROW_IDENTITY = [{ parts: [0, 1, 2, 3, 4, 5], total: 6 }];

/**
 * A run of values spanning several rows (a dump that printed one cell per line, or
 * rows whose labels were printed elsewhere) is cut into rows of seven; the first keeps
 * the label, the others are placed by order.
 */
function cutRuns(rows: TableRow[]): TableRow[] {
  const width = APPLICANT_COLUMN_KEYS.length;
  return rows.flatMap((row) => {
    const n = row.values.length;
    if (n <= width || n % width !== 0) return [row];
    return Array.from({ length: n / width }, (_, i) => ({ label: i === 0 ? row.label : "", values: row.values.slice(i * width, (i + 1) * width), lines: row.lines }));
  });
}

/** The one choice of candidate per open row under which every column identity holds, if there is exactly one. */
function settleByColumns(table: Record<string, Record<string, number | null>>, open: { key: string; candidates: (ValueCell | null)[][] }[]): (ValueCell | null)[][] | null {
  if (open.length === 0) return null;
  const combinations = open.reduce((n, o) => n * o.candidates.length, 1);
  if (combinations > 20_000 || !("totalProcessed" in table)) return null;
  const trial = structuredClone(table);
  let found: (ValueCell | null)[][] | null = null;
  const choice: (ValueCell | null)[][] = [];
  const columnsHold = () => checkApplications(trial as unknown as Applications).every((i) => i.code === "IDENTITY_ROW_TOTAL");
  const walk = (i: number): boolean => {
    if (i === open.length) {
      if (!columnsHold()) return true;
      if (found) return false; // a second fit: ambiguous
      found = [...choice];
      return true;
    }
    for (const cells of open[i]!.candidates) {
      APPLICANT_COLUMN_KEYS.forEach((col, c) => (trial[open[i]!.key]![col] = numberOf(cells[c] ?? null)));
      choice[i] = cells;
      if (!walk(i + 1)) return false;
    }
    return true;
  };
  return walk(0) ? found : null;
}

export function parseApplications(printed: TableRow[], out: Collector): ApplicationsResult | null {
  const rows = cutRuns(printed);
  const labels = rows.map((r) => compact(r.label));
  const tried = (["2021", "2019"] as const).map((variant) => ({ variant, keys: applicationRowKeys(variant), ...alignRows(labels, applicationRowKeys(variant), APPLICATION_ROW_CUES, APPLICATION_ROW_NAMES) }));
  const best = tried.reduce((a, b) => (b.score > a.score ? b : a));
  if (best.matches.size < 3) return null;

  const byKey = new Map<ApplicationRow, TableRow>();
  for (const [rowIndex, key] of best.matches) byKey.set(key, rows[rowIndex]!);
  const ordered = best.keys.map((k) => byKey.get(k)?.values ?? []);

  const table: Record<string, Record<string, number | null>> = {};
  const open: { key: string; row: TableRow; candidates: (ValueCell | null)[][] }[] = [];
  const fill = (key: string, row: TableRow, cells: (ValueCell | null)[], how?: string) => {
    if (how) {
      out.issue("CELLS_PLACED", "warning", `applications.${key}`, `row "${row.label}" printed ${row.values.length} value(s); placed by ${how}`, {
        actual: row.values.map((v) => v.text).join(" "),
      });
    }
    APPLICANT_COLUMN_KEYS.forEach((col, i) => {
      const cell = cells[i] ?? null;
      table[key]![col] = numberOf(cell);
      out.cell(`applications.${key}.${col}`, cell);
    });
  };
  for (const key of best.keys) {
    const row = byKey.get(key);
    const values: Record<string, number | null> = Object.fromEntries(APPLICANT_COLUMN_KEYS.map((c) => [c, null]));
    table[key] = values;
    if (!row) {
      out.issue("ROW_MISSING", "error", `applications.${key}`, `table 三 row ${key} was not found`);
      continue;
    }
    const anchors = columnAnchors(ordered, APPLICANT_COLUMN_KEYS.length, best.keys.indexOf(key));
    const placed = placeValues(row.values, APPLICANT_COLUMN_KEYS.length, { ...anchors, groups: ROW_IDENTITY, preferred: [0, 6] });
    if (placed.ok) fill(key, row, placed.cells, placed.how === "identity" || placed.how === "glued" ? `the row total (${placed.how})` : undefined);
    else if (placed.candidates) open.push({ key, row, candidates: placed.candidates });
    else {
      out.issue("CELLS_AMBIGUOUS", "error", `applications.${key}`, `row "${row.label}": ${placed.reason}; values left null`, {
        actual: row.values.map((v) => v.text).join(" "),
      });
    }
  }
  // Rows the row total could not settle alone (a glued "220000022": 22|0…|22 or 2|20|…|22)
  // are settled together by the column identities, if exactly one combination fits.
  const settled = settleByColumns(table, open);
  for (const [i, { key, row, candidates }] of open.entries()) {
    if (settled) fill(key, row, settled[i]!, "the row and column totals (glued)");
    else {
      out.issue("CELLS_AMBIGUOUS", "error", `applications.${key}`, `row "${row.label}": ${candidates.length} splits fit its total and the column totals do not single one out; values left null`, {
        actual: row.values.map((v) => v.text).join(" "),
      });
    }
  }
  rows.forEach((row, i) => {
    if (!best.matches.has(i) && row.values.some((v) => v.reading.kind === "number")) {
      out.issue("UNKNOWN_LABEL", "warning", "applications", `a row of table 三 matches no template row: "${row.label}" (${row.values.map((v) => v.text).join(" ")})`);
    }
  });
  return { table: table as Applications, variant: best.variant };
}
