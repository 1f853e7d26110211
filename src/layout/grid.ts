/**
 * Table grids from ruling lines: the row and column boundaries of each ruled table,
 * and its cells — unit cells joined wherever the ruling between them is missing, so
 * merged cells (rowspan/colspan) come out as one cell.
 *
 * The rulings are abstract segments in one unit of length: pixels found on a page raster
 * (raster/rulings.ts, for OCR) or points read from a PDF's drawing operators
 * (pdf-rulings.ts). Both paths build their grids here.
 */

/** A horizontal or vertical segment of a ruling line. */
export interface Ruling {
  /** Horizontal: y is the line's centre, [from, to] its x extent. Vertical: x centre, [from, to] its y extent. */
  at: number;
  from: number;
  to: number;
  thickness: number;
}

export interface Rulings {
  horizontal: Ruling[];
  vertical: Ruling[];
}

export interface GridCell {
  row: number;
  col: number;
  rowSpan: number;
  colSpan: number;
  /** Box inside the rulings: [x0, y0, x1, y1], in the rulings' unit. */
  box: [number, number, number, number];
}

export interface TableGrid {
  /** Row boundaries (y) and column boundaries (x), in the rulings' unit, ascending. */
  ys: number[];
  xs: number[];
  cells: GridCell[];
  box: [number, number, number, number];
}

/** Positions closer than `tolerance` are one boundary (their mean). */
function cluster(values: number[], tolerance: number): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const groups: number[][] = [];
  for (const v of sorted) {
    const last = groups.at(-1);
    if (last && v - last.at(-1)! <= tolerance) last.push(v);
    else groups.push([v]);
  }
  return groups.map((g) => g.reduce((a, b) => a + b, 0) / g.length);
}

/** How much of [from, to] the rulings at `at` (± tolerance) cover. */
function coverage(lines: Ruling[], at: number, from: number, to: number, tolerance: number): number {
  let covered = 0;
  for (const l of lines) {
    if (Math.abs(l.at - at) > tolerance) continue;
    covered += Math.max(0, Math.min(l.to, to) - Math.max(l.from, from));
  }
  return covered / Math.max(1, to - from);
}

/** Rulings that touch or cross each other form one table. */
function tablesOf(rulings: Rulings, tolerance: number): Rulings[] {
  const all = [...rulings.horizontal.map((l) => ({ l, h: true })), ...rulings.vertical.map((l) => ({ l, h: false }))];
  const parent = all.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  all.forEach((a, i) => {
    if (!a.h) return;
    all.forEach((b, j) => {
      if (b.h) return;
      const crosses = b.l.at >= a.l.from - tolerance && b.l.at <= a.l.to + tolerance && a.l.at >= b.l.from - tolerance && a.l.at <= b.l.to + tolerance;
      if (crosses) parent[find(i)] = find(j);
    });
  });
  const groups = new Map<number, Rulings>();
  all.forEach((a, i) => {
    const g = groups.get(find(i)) ?? { horizontal: [], vertical: [] };
    (a.h ? g.horizontal : g.vertical).push(a.l);
    groups.set(find(i), g);
  });
  return [...groups.values()];
}

const ruled = (g: Rulings) => g.horizontal.length >= 2 && g.vertical.length >= 2;

/**
 * A table's open ends closed: where two or more lines of one direction run on past the
 * outermost line across them and end together, that end is the table's edge — a
 * table broken by a page break is drawn without the ruling at the break (the border
 * belongs to the row on the other page), and a table ruled only between its rows has
 * no side lines. The edge is added as a ruling over the lines' span.
 */
function closeEnds(t: Rulings, tolerance: number): Rulings {
  const close = (along: Ruling[], across: Ruling[]): Ruling[] => {
    if (along.length < 2 || across.length === 0) return [];
    const first = Math.min(...across.map((l) => l.at));
    const last = Math.max(...across.map((l) => l.at));
    const added: Ruling[] = [];
    for (const [beyond, end] of [
      [along.filter((l) => l.from < first - tolerance), (l: Ruling) => l.from],
      [along.filter((l) => l.to > last + tolerance), (l: Ruling) => l.to],
    ] as const) {
      if (beyond.length < 2) continue;
      const ends = beyond.map(end).sort((a, b) => a - b);
      const mid = ends[Math.floor(ends.length / 2)]!;
      const together = beyond.filter((l) => Math.abs(end(l) - mid) <= tolerance);
      if (together.length < 2) continue;
      const thickness = Math.max(...together.map((l) => l.thickness));
      added.push({ at: mid, from: Math.min(...together.map((l) => l.at)), to: Math.max(...together.map((l) => l.at)), thickness });
    }
    return added;
  };
  return { horizontal: [...t.horizontal, ...close(t.vertical, t.horizontal)], vertical: [...t.vertical, ...close(t.horizontal, t.vertical)] };
}

/**
 * The grids of the tables the rulings draw, top to bottom. `closeOpenEnds`: close the
 * ends where a table's lines run on without a ruling across them (see closeEnds).
 */
export function buildGrids(rulings: Rulings, tolerance: number, options: { closeOpenEnds?: boolean } = {}): TableGrid[] {
  return tablesOf(rulings, tolerance)
    .map((t) => (options.closeOpenEnds ? closeEnds(t, tolerance) : t))
    .filter(ruled)
    .map((t) => gridOf(t, tolerance))
    .filter((g): g is TableGrid => g !== null)
    .sort((a, b) => a.box[1] - b.box[1]);
}

function gridOf(t: Rulings, tolerance: number): TableGrid | null {
  const ys = cluster(t.horizontal.map((l) => l.at), tolerance);
  const xs = cluster(t.vertical.map((l) => l.at), tolerance);
  if (ys.length < 2 || xs.length < 2) return null;
  const rows = ys.length - 1;
  const cols = xs.length - 1;
  const id = (r: number, c: number) => r * cols + c;
  const parent = Array.from({ length: rows * cols }, (_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      // Join with the right neighbour when no vertical ruling separates them in this row band.
      if (c + 1 < cols && coverage(t.vertical, xs[c + 1]!, ys[r]!, ys[r + 1]!, tolerance) < 0.5) parent[find(id(r, c))] = find(id(r, c + 1));
      if (r + 1 < rows && coverage(t.horizontal, ys[r + 1]!, xs[c]!, xs[c + 1]!, tolerance) < 0.5) parent[find(id(r, c))] = find(id(r + 1, c));
    }
  }
  const spans = new Map<number, { r0: number; r1: number; c0: number; c1: number }>();
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const root = find(id(r, c));
      const s = spans.get(root);
      if (!s) spans.set(root, { r0: r, r1: r, c0: c, c1: c });
      else {
        s.r0 = Math.min(s.r0, r);
        s.r1 = Math.max(s.r1, r);
        s.c0 = Math.min(s.c0, c);
        s.c1 = Math.max(s.c1, c);
      }
    }
  }
  const cells: GridCell[] = [...spans.values()]
    .map((s) => ({
      row: s.r0,
      col: s.c0,
      rowSpan: s.r1 - s.r0 + 1,
      colSpan: s.c1 - s.c0 + 1,
      box: [xs[s.c0]!, ys[s.r0]!, xs[s.c1 + 1]!, ys[s.r1 + 1]!] as [number, number, number, number],
    }))
    .sort((a, b) => a.row - b.row || a.col - b.col);
  return { ys, xs, cells, box: [xs[0]!, ys[0]!, xs.at(-1)!, ys.at(-1)!] };
}
