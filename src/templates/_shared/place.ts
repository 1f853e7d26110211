/**
 * Puts a row's printed values into the table's columns. A row that prints one value
 * per column is read as is. Otherwise a blank cell must stay blank without shifting
 * the cells after it, so values are placed by position (PDF x-centres, HTML grid
 * columns), or, in flattened text where positions are gone, by the table's own
 * arithmetic — and only when exactly one placement satisfies it.
 */
import type { TableDef } from "../../definition/index.js";
import { readCell } from "./codecs.js";
import type { ValueCell } from "./rows.js";

/** An arithmetic identity over column indices: the parts add up to the total. */
export interface IdentityGroup {
  parts: number[];
  total: number;
}

/**
 * The identities that hold within one row of a table (the definition's `each: "row"`
 * identities with one total), over the indices of `columns`, shifted by `offset`
 * (for several groups printed in one row).
 */
export function rowIdentityGroups(table: TableDef, columns: readonly string[], offset = 0): IdentityGroup[] {
  return table.identities
    .filter((k) => k.each === "row" && k.totals.length === 1 && [...k.parts, ...k.totals].every((c) => columns.includes(c)))
    .map((k) => ({ parts: k.parts.map((c) => offset + columns.indexOf(c)), total: offset + columns.indexOf(k.totals[0]!) }));
}

export type Placement =
  | { ok: true; cells: (ValueCell | null)[]; how: "exact" | "position" | "identity" | "glued" | "kind" }
  /** `candidates`: the placements that each satisfy the row, for a caller who can tell them apart (column identities). */
  | { ok: false; reason: string; candidates?: (ValueCell | null)[][] };

export interface PlaceOptions {
  /** PDF: x-centres of the columns. */
  centers?: number[] | undefined;
  /** HTML: grid column of each table column. */
  gridCols?: number[] | undefined;
  /** Identities that hold within a row, for flattened text. */
  groups?: IdentityGroup[] | undefined;
  /**
   * Whether a value's own text lets it stand in a column (an amount printed with its
   * unit only in an amount column; 增 35 only in a signed one): for flattened text.
   */
  fits?: ((value: ValueCell, column: number) => boolean) | undefined;
}

/**
 * The one way, if there is just one, to put the values in order into n columns each
 * where `fits` lets it stand ("710.9 万元" alone in a row of 采购项目数量 and
 * 采购总金额 can only be the amount); null when none or several do.
 */
function byKind(values: ValueCell[], n: number, fits: (value: ValueCell, column: number) => boolean): (ValueCell | null)[] | null {
  const found: number[][] = [];
  const chosen: number[] = [];
  const choose = (i: number, from: number): void => {
    if (found.length > 1) return;
    if (i === values.length) {
      found.push([...chosen]);
      return;
    }
    for (let col = from; col <= n - (values.length - i); col++) {
      if (!fits(values[i]!, col)) continue;
      chosen.push(col);
      choose(i + 1, col + 1);
      chosen.pop();
    }
  };
  choose(0, 0);
  if (found.length !== 1) return null;
  const cells: (ValueCell | null)[] = new Array(n).fill(null);
  found[0]!.forEach((col, i) => (cells[col] = values[i]!));
  return cells;
}

function byNearest(values: ValueCell[], n: number, position: (v: ValueCell) => number | undefined, anchors: number[], tolerance: number): (ValueCell | null)[] | null {
  const cells: (ValueCell | null)[] = new Array(n).fill(null);
  for (const v of values) {
    const p = position(v);
    if (p === undefined) return null;
    let best = -1;
    let bestDistance = Infinity;
    anchors.forEach((a, i) => {
      const d = Math.abs(a - p);
      if (d < bestDistance) {
        best = i;
        bestDistance = d;
      }
    });
    if (best < 0 || bestDistance > tolerance || cells[best]) return null;
    cells[best] = v;
  }
  return cells;
}

function numberAt(cells: (ValueCell | null)[], i: number): number | null {
  const r = cells[i]?.reading;
  return r?.kind === "number" ? r.value : null;
}

/** How many identities a filled row verifies, or -1 if one it can check fails. */
function verify(cells: (ValueCell | null)[], groups: IdentityGroup[]): number {
  let verified = 0;
  for (const g of groups) {
    const total = numberAt(cells, g.total);
    if (total === null) continue;
    const sum = g.parts.reduce((s, i) => s + (numberAt(cells, i) ?? 0), 0);
    if (Math.abs(sum - total) > 1e-9) return -1;
    verified++;
  }
  return verified;
}

function* combinations(n: number, k: number, start = 0, prefix: number[] = []): Generator<number[]> {
  if (prefix.length === k) {
    yield prefix;
    return;
  }
  for (let i = start; i <= n - (k - prefix.length); i++) yield* combinations(n, k, i + 1, [...prefix, i]);
}

/**
 * The one placement that verifies the most identities. Ties are never broken: the
 * tied placements come back as candidates, for a caller who can tell them apart.
 */
function byIdentity(values: ValueCell[], n: number, groups: IdentityGroup[]): { cells: (ValueCell | null)[] } | { tied: (ValueCell | null)[][] } | null {
  let best: number[][] = [];
  let bestVerified = -1;
  for (const combo of combinations(n, values.length)) {
    const cells: (ValueCell | null)[] = new Array(n).fill(null);
    combo.forEach((col, i) => (cells[col] = values[i]!));
    const verified = verify(cells, groups);
    if (verified < 0) continue;
    if (verified > bestVerified) {
      best = [combo];
      bestVerified = verified;
    } else if (verified === bestVerified) best.push(combo);
  }
  // An unverified placement is accepted only when it is forced: all but one column printed.
  if (best.length === 0 || (bestVerified <= 0 && values.length < n - 1)) return null;
  const cellsOf = (combo: number[]) => {
    const cells: (ValueCell | null)[] = new Array(n).fill(null);
    combo.forEach((col, i) => (cells[col] = values[i]!));
    return cells;
  };
  return best.length === 1 ? { cells: cellsOf(best[0]!) } : { tied: best.map(cellsOf) };
}

/**
 * Every way (up to `limit` + 1) to cut a digit run into n numbers — no leading zeros,
 * at most six digits each — that satisfies the identities. Groups run left to right and
 * end with their total, so each total is checked as soon as it is reached.
 */
export function gluedSplits(digits: string, n: number, groups: IdentityGroup[], limit = 64): string[][] {
  const totalAt = new Map(groups.map((g) => [g.total, g]));
  const found: string[][] = [];
  const cur: string[] = [];
  const cut = (pos: number, col: number): void => {
    if (found.length > limit) return;
    if (col === n) {
      if (pos === digits.length) found.push([...cur]);
      return;
    }
    const left = digits.length - pos;
    if (left < n - col) return;
    const group = totalAt.get(col);
    if (group) {
      const total = String(group.parts.reduce((s, i) => s + Number(cur[i]), 0));
      if (digits.startsWith(total, pos)) {
        cur.push(total);
        cut(pos + total.length, col + 1);
        cur.pop();
      }
      return;
    }
    const longest = digits[pos] === "0" ? 1 : Math.min(6, left - (n - col - 1));
    for (let len = 1; len <= longest; len++) {
      cur.push(digits.slice(pos, pos + len));
      cut(pos + len, col + 1);
      cur.pop();
    }
  };
  cut(0, 0);
  return found;
}

/** The splits of a glued value as rows of cells. */
function unglue(value: ValueCell, n: number, groups: IdentityGroup[]): ValueCell[][] {
  if (!/^\d+$/.test(value.text) || value.text.length < n || value.text.length > 6 * n) return [];
  return gluedSplits(value.text, n, groups).map((parts) => parts.map((text): ValueCell => ({ ...value, text, reading: readCell(text) })));
}

export function placeValues(values: ValueCell[], n: number, options: PlaceOptions = {}): Placement {
  if (values.length === n) return { ok: true, cells: values, how: "exact" };
  if (values.length > n) {
    // Extra cells that are blank (an empty label-side cell, a split colspan) carry nothing.
    const trimmed = [...values];
    while (trimmed.length > n && trimmed[0]!.reading.kind === "blank") trimmed.shift();
    while (trimmed.length > n && trimmed.at(-1)!.reading.kind === "blank") trimmed.pop();
    if (trimmed.length === n) return { ok: true, cells: trimmed, how: "exact" };
    return { ok: false, reason: `${values.length} values printed for ${n} columns` };
  }
  if (options.centers && options.centers.length === n) {
    const spacing = Math.min(...options.centers.slice(1).map((c, i) => c - options.centers![i]!));
    const cells = byNearest(values, n, (v) => v.x, options.centers, Math.max(spacing * 0.6, 4));
    if (cells) return { ok: true, cells, how: "position" };
  }
  if (options.gridCols && options.gridCols.length === n) {
    const cells = byNearest(values, n, (v) => v.col, options.gridCols, 0.5);
    if (cells) return { ok: true, cells, how: "position" };
  }
  if (options.groups) {
    if (values.length === 1) {
      const splits = unglue(values[0]!, n, options.groups);
      if (splits.length === 1) return { ok: true, cells: splits[0]!, how: "glued" };
      // More than one split fits the row: do not guess here.
      if (splits.length > 1) return { ok: false, reason: `${values[0]!.text} can be cut into ${n} values in ${splits.length > 64 ? "many" : splits.length} ways`, candidates: splits };
    }
    const placed = byIdentity(values, n, options.groups);
    if (placed && "cells" in placed) return { ok: true, cells: placed.cells, how: "identity" };
    if (placed) {
      return { ok: false, reason: `${values.length} values printed for ${n} columns fit the row's identity in ${placed.tied.length} placements`, candidates: placed.tied };
    }
  }
  if (options.fits) {
    const cells = byKind(values, n, options.fits);
    if (cells) return { ok: true, cells, how: "kind" };
  }
  return { ok: false, reason: `${values.length} values printed for ${n} columns and no unique placement` };
}

/**
 * Column anchors from the rows that print every column: the x-centres (PDF, or the
 * character columns of a laid-out text dump) or the grid columns (HTML) of the complete
 * row nearest to row `near` — a text dump's columns shift from page to page, and a PDF's
 * margins can too — or, without `near`, the means over all complete rows.
 */
export function columnAnchors(rows: ValueCell[][], n: number, near?: number): { centers?: number[]; gridCols?: number[] } {
  const complete = rows.map((r, i) => ({ r, i })).filter(({ r }) => r.length === n);
  if (complete.length === 0) return alignedColumns(rows, n);
  const chosen = near === undefined ? complete.map(({ r }) => r) : [complete.reduce((a, b) => (Math.abs(b.i - near) < Math.abs(a.i - near) ? b : a)).r];
  const out: { centers?: number[]; gridCols?: number[] } = {};
  if (chosen.every((r) => r.every((v) => v.x !== undefined))) {
    out.centers = Array.from({ length: n }, (_, i) => chosen.reduce((s, r) => s + r[i]!.x!, 0) / chosen.length);
  }
  if (chosen.every((r) => r.every((v) => v.col !== undefined))) {
    // The most common grid column per position (header misalignments make a few rows differ).
    out.gridCols = Array.from({ length: n }, (_, i) => {
      const counts = new Map<number, number>();
      for (const r of chosen) counts.set(r[i]!.col!, (counts.get(r[i]!.col!) ?? 0) + 1);
      return [...counts].sort((a, b) => b[1] - a[1])[0]![0];
    });
  }
  return out;
}

/**
 * Column anchors where no row prints every column (a borderless table whose rows each
 * leave some cell blank): the columns the values line up in across rows. Value extents
 * that overlap horizontally stand in one column — whether the table aligns its numbers
 * left, right or centred, the numbers of one column overlap and those of neighbouring
 * columns do not. Only when that gives exactly n columns are they anchors.
 */
function alignedColumns(rows: ValueCell[][], n: number): { centers?: number[] } {
  const spans = rows.flat().filter((v) => v.reading.kind !== "blank").map((v) => v.span);
  if (spans.length === 0 || spans.some((s) => s === undefined)) return {};
  const columns: [number, number][] = [];
  for (const [x0, x1] of (spans as [number, number][]).sort((a, b) => a[0] - b[0])) {
    const last = columns.at(-1);
    if (last && x0 < last[1]) last[1] = Math.max(last[1], x1);
    else columns.push([x0, x1]);
  }
  return columns.length === n ? { centers: columns.map(([x0, x1]) => (x0 + x1) / 2) } : {};
}
