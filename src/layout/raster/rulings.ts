/**
 * Table ruling lines on a (deskewed) page raster: long runs of dark pixels, tolerant
 * of the small breaks scanning puts in them, merged over the few pixel rows (or
 * columns) a line is thick.
 */
import type { Raster } from "./raster.js";

export interface Ruling {
  /** Horizontal: y is the line's centre, [from, to] its x extent. Vertical: x centre, [from, to] its y extent. */
  at: number;
  from: number;
  to: number;
  thickness: number;
}

interface Run {
  at: number;
  from: number;
  to: number;
}

/**
 * Dark runs along one axis: `length` pixels per line, `lines` lines. A pixel counts as
 * dark when it or its neighbour across the axis is: a rotated one-pixel line is a
 * staircase whose steps only touch at their corners (a 200-dpi scan levelled by 1.2°
 * breaks every horizontal line into steps of about 140 pixels, too short to count).
 */
function runs(r: Raster, horizontal: boolean, threshold: number, minLength: number, maxGap: number): Run[] {
  const out: Run[] = [];
  const lines = horizontal ? r.height : r.width;
  const length = horizontal ? r.width : r.height;
  const at = (l: number, p: number) => r.data[horizontal ? l * r.width + p : p * r.width + l]!;
  for (let l = 0; l < lines; l++) {
    let start = -1;
    let lastDark = -1;
    for (let p = 0; p <= length; p++) {
      const dark = p < length && (at(l, p) < threshold || (l + 1 < lines && at(l + 1, p) < threshold));
      if (dark) {
        if (start < 0) start = p;
        lastDark = p;
      } else if (start >= 0 && p - lastDark > maxGap) {
        if (lastDark - start + 1 >= minLength) out.push({ at: l, from: start, to: lastDark });
        start = -1;
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

export interface Rulings {
  horizontal: Ruling[];
  vertical: Ruling[];
}

/**
 * Rulings at least `minLength` pixels long. Lines thicker than `maxThickness` are ink
 * blocks (filled areas, stamps), not rulings.
 */
export function findRulings(r: Raster, threshold: number, options: { minLength: number; maxGap: number; maxThickness: number }): Rulings {
  const keep = (l: Ruling) => l.thickness <= options.maxThickness;
  return {
    horizontal: merge(runs(r, true, threshold, options.minLength, options.maxGap)).filter(keep),
    vertical: merge(runs(r, false, threshold, options.minLength, options.maxGap)).filter(keep),
  };
}
