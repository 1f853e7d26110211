/**
 * Table ruling lines on a (deskewed) page raster: long runs of dark pixels, tolerant
 * of the small breaks scanning puts in them, merged over the few pixel rows (or
 * columns) a line is thick.
 */
import type { Ruling, Rulings, TableGrid } from "../grid.js";
import type { Raster } from "./raster.js";

export type { Ruling, Rulings } from "../grid.js";

interface Run {
  at: number;
  from: number;
  to: number;
}

/**
 * Dark runs along one axis, at least `minLength` long, bridging gaps of up to `maxGap`.
 * A pixel counts as dark when it or its neighbour across the axis is: a rotated
 * one-pixel line is a staircase whose steps only touch at their corners (a 200-dpi
 * scan levelled by 1.2° breaks every horizontal line into steps of about 140 pixels,
 * too short to count). Both axes walk the raster row by row (columns keep their own
 * state) so that the vertical pass reads memory in order too.
 */
function runs(r: Raster, horizontal: boolean, threshold: number, minLength: number, maxGap: number): Run[] {
  const { width, height, data } = r;
  const out: Run[] = [];
  if (horizontal) {
    for (let y = 0; y < height; y++) {
      const row = y * width;
      const below = y + 1 < height ? width : 0;
      let start = -1;
      let lastDark = -1;
      for (let x = 0; x <= width; x++) {
        const dark = x < width && (data[row + x]! < threshold || data[row + x + below]! < threshold);
        if (dark) {
          if (start < 0) start = x;
          lastDark = x;
        } else if (start >= 0 && x - lastDark > maxGap) {
          if (lastDark - start + 1 >= minLength) out.push({ at: y, from: start, to: lastDark });
          start = -1;
        }
      }
    }
    return out;
  }
  const start = new Int32Array(width).fill(-1);
  const lastDark = new Int32Array(width).fill(-1);
  for (let y = 0; y <= height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const dark = y < height && (data[row + x]! < threshold || (x + 1 < width && data[row + x + 1]! < threshold));
      if (dark) {
        if (start[x]! < 0) start[x] = y;
        lastDark[x] = y;
      } else if (start[x]! >= 0 && y - lastDark[x]! > maxGap) {
        if (lastDark[x]! - start[x]! + 1 >= minLength) out.push({ at: x, from: start[x]!, to: lastDark[x]! });
        start[x] = -1;
      }
    }
  }
  return out;
}

/** Runs on neighbouring pixel lines that overlap are one ruling. */
function merge(all: Run[]): Ruling[] {
  const open: (Ruling & { last: number; first: number })[] = [];
  const done: Ruling[] = [];
  const sorted = [...all].sort((a, b) => a.at - b.at || a.from - b.from);
  for (const run of sorted) {
    // Runs on touching pixel lines that overlap at all are one line (only long runs get
    // here); a run may join several pieces of the line above it (the steps of a staircase).
    const matches = open.filter((o) => run.at - o.last <= 1 && Math.min(o.to, run.to) > Math.max(o.from, run.from));
    const match = matches[0];
    if (match) {
      for (const other of matches.slice(1)) {
        match.first = Math.min(match.first, other.first);
        match.from = Math.min(match.from, other.from);
        match.to = Math.max(match.to, other.to);
        open.splice(open.indexOf(other), 1);
      }
      match.last = run.at;
      match.from = Math.min(match.from, run.from);
      match.to = Math.max(match.to, run.to);
    } else {
      open.push({ at: run.at, from: run.from, to: run.to, thickness: 1, last: run.at, first: run.at });
    }
    for (let i = open.length - 1; i >= 0; i--) {
      if (run.at - open[i]!.last > 1) {
        const o = open.splice(i, 1)[0]!;
        done.push({ at: (o.first + o.last) / 2, from: o.from, to: o.to, thickness: o.last - o.first + 1 });
      }
    }
  }
  for (const o of open) done.push({ at: (o.first + o.last) / 2, from: o.from, to: o.to, thickness: o.last - o.first + 1 });
  return done.sort((a, b) => a.at - b.at);
}

/**
 * Rulings at least `minLength` pixels long — or, given per axis, `minLength.vertical`
 * for vertical ones (the vertical rulings of a one-line row are short). Lines thicker
 * than `maxThickness` are ink blocks (filled areas, stamps), not rulings.
 */
export function findRulings(
  r: Raster,
  threshold: number,
  options: { minLength: number | { horizontal: number; vertical: number }; maxGap: number; maxThickness: number },
): Rulings {
  const keep = (l: Ruling) => l.thickness <= options.maxThickness;
  const min = typeof options.minLength === "number" ? { horizontal: options.minLength, vertical: options.minLength } : options.minLength;
  return {
    horizontal: merge(runs(r, true, threshold, min.horizontal, options.maxGap)).filter(keep),
    vertical: merge(runs(r, false, threshold, min.vertical, options.maxGap)).filter(keep),
  };
}

/**
 * The rulings that are a grid's lines: at one of its column (row) boundaries, within
 * `tolerance`, and inside its box. Other long runs of ink — a large character's vertical
 * stroke is a fifth of an inch long — are writing, and stay.
 */
export function gridRulings(rulings: Rulings, grids: TableGrid[], tolerance: number): Rulings {
  const near = (values: number[], at: number) => values.some((v) => Math.abs(v - at) <= tolerance);
  const within = (from: number, to: number, lo: number, hi: number) => from >= lo - tolerance && to <= hi + tolerance;
  return {
    horizontal: rulings.horizontal.filter((h) => grids.some((g) => near(g.ys, h.at) && within(h.from, h.to, g.box[0], g.box[2]))),
    vertical: rulings.vertical.filter((v) => grids.some((g) => near(g.xs, v.at) && within(v.from, v.to, g.box[1], g.box[3]))),
  };
}

/**
 * A copy of the raster with the rulings painted white (each over its thickness and
 * `margin` pixels more on either side), so that a recognition pass over a table reads
 * its writing and not its lines: tesseract reads a ruling beside a digit as "1" or "|".
 */
export function eraseRulings(r: Raster, rulings: Rulings, margin: number): Raster {
  const out: Raster = { ...r, data: new Uint8Array(r.data) };
  const paint = (x0: number, y0: number, x1: number, y1: number) => {
    const [left, right] = [Math.max(0, Math.floor(x0)), Math.min(r.width - 1, Math.ceil(x1))];
    for (let y = Math.max(0, Math.floor(y0)); y <= Math.min(r.height - 1, Math.ceil(y1)); y++) out.data.fill(255, y * r.width + left, y * r.width + right + 1);
  };
  for (const h of rulings.horizontal) paint(h.from - margin, h.at - h.thickness / 2 - margin, h.to + margin, h.at + h.thickness / 2 + margin);
  for (const v of rulings.vertical) paint(v.at - v.thickness / 2 - margin, v.from - margin, v.at + v.thickness / 2 + margin, v.to + margin);
  return out;
}
