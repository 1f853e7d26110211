/**
 * Table 三 rows whose labels were unreadable (OCR noise for a wrapped label), which order
 * alone cannot place: two rows fit a template row as well as each other. Every alignment
 * of such a run of template rows to the printed rows between its confidently named
 * neighbours is tried, and kept if the column identities over the run's rows (（七）总计 =
 * the outcome rows; new + carried over = processed + carried forward) hold with it — a
 * misread elsewhere in the table does not judge it. A template row is
 * settled only where every alignment kept gives it the same values, and an identity that
 * could be checked covers it: the values are then certain even where the printed row they
 * came from is not ("稳定”" and "4供关年= 二权益", both all zeros).
 */
import { cellValue, equations, failedEquations, sides } from "../definition/equations.js";
import { numberOf } from "./_shared/collector.js";
import type { TableRow, ValueCell } from "./_shared/rows.js";

/** What a settled template row gets: its cells, and the printed rows they may have come from. */
export interface Settled {
  cells: (ValueCell | null)[];
  rows: TableRow[];
}

export interface UnlabelledInput {
  /** The template's row keys, in order. */
  keys: readonly string[];
  /** Keys order could not settle. */
  unsure: ReadonlySet<string>;
  /** Printed row index → key, for the rows their labels name. */
  matches: ReadonlyMap<number, string>;
  rows: readonly TableRow[];
  columns: readonly string[];
  /** The table so far: the named rows' values, null elsewhere. */
  table: Record<string, Record<string, number | null>>;
  /** A printed row's cells in the key's place, or null when its values have no unique placement. */
  place: (key: string, row: TableRow) => (ValueCell | null)[] | null;
}

/** Alignments tried per run at most; past this the run stays unsettled. */
const MAX_ALIGNMENTS = 2000;

function* increasing(from: readonly number[], m: number, start = 0, picked: number[] = []): Generator<number[]> {
  if (picked.length === m) {
    yield [...picked];
    return;
  }
  for (let i = start; i <= from.length - (m - picked.length); i++) yield* increasing(from, m, i + 1, [...picked, from[i]!]);
}

const choose = (n: number, k: number) => (k > n ? 0 : Array.from({ length: k }, (_, i) => (n - i) / (i + 1)).reduce((a, b) => a * b, 1));

export function settleUnlabelled(input: UnlabelledInput): Map<string, Settled> {
  const { keys, unsure, matches, rows, columns, table, place } = input;
  const settled = new Map<string, Settled>();
  const keyAt = new Map<string, number>();
  for (const [i, k] of matches) keyAt.set(k, i);
  // Runs of consecutive unsure keys.
  const runs: number[][] = [];
  keys.forEach((k, j) => {
    if (!unsure.has(k)) return;
    const last = runs.at(-1);
    if (last && last.at(-1) === j - 1) last.push(j);
    else runs.push([j]);
  });
  for (const run of runs) {
    const named = (js: number[]) => js.flatMap((j) => (keyAt.has(keys[j]!) ? [keyAt.get(keys[j]!)!] : []));
    const before = Math.max(-1, ...named(keys.map((_, j) => j).filter((j) => j < run[0]!)));
    const after = Math.min(rows.length, ...named(keys.map((_, j) => j).filter((j) => j > run.at(-1)!)));
    const candidates = rows.map((_, i) => i).filter((i) => i > before && i < after && !matches.has(i));
    if (candidates.length < run.length || choose(candidates.length, run.length) > MAX_ALIGNMENTS) continue;
    // Only the identities over the run's rows judge an alignment: a misread elsewhere does not.
    const inRun = new Set(run.map((j) => keys[j]!));
    const touches = (eq: { parts: { row: string }[]; totals: { row: string }[] }) => [...eq.parts, ...eq.totals].some((c) => inRun.has(c.row));
    const kept: { cells: ((ValueCell | null)[] | null)[]; rows: number[] }[] = [];
    let checked = new Set<string>();
    for (const alignment of increasing(candidates, run.length)) {
      const trial = structuredClone(table);
      const cells = run.map((j, n) => place(keys[j]!, rows[alignment[n]!]!));
      run.forEach((j, n) => columns.forEach((col, c) => (trial[keys[j]!]![col] = numberOf(cells[n]?.[c] ?? null))));
      const tables = { applications: trial };
      if (failedEquations(tables).some((f) => f.eq.identity.each === "column" && touches(f.eq))) continue;
      // The rows an identity was checked over (its required cells printed).
      const covered = new Set(
        equations(tables)
          .filter((eq) => eq.identity.each === "column" && sides(eq, (c) => cellValue(tables, c)) !== null)
          .flatMap((eq) => [...eq.parts, ...eq.totals].map((c) => c.row)),
      );
      checked = kept.length === 0 ? covered : new Set([...checked].filter((r) => covered.has(r)));
      kept.push({ cells, rows: alignment });
    }
    if (kept.length === 0) continue;
    const signature = (cells: (ValueCell | null)[] | null) => (cells ? JSON.stringify(columns.map((_, c) => numberOf(cells[c] ?? null))) : "?");
    run.forEach((j, n) => {
      const key = keys[j]!;
      const first = signature(kept[0]!.cells[n]!);
      if (first === "?" || !checked.has(key) || kept.some((k) => signature(k.cells[n]!) !== first)) return;
      settled.set(key, { cells: kept[0]!.cells[n]!, rows: [...new Set(kept.map((k) => rows[k.rows[n]!]!))] });
    });
  }
  return settled;
}
