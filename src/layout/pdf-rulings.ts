/**
 * Table rulings drawn in a PDF: the page's drawing operators (as pdf.js lists them)
 * walked with their transformation matrix, and every horizontal or vertical line they
 * paint kept as a segment, in points with a top-left origin — the same abstract
 * segments the raster path finds in pixels, so both build their grids in grid.ts.
 *
 * A ruling is drawn either as a stroked path (moveTo/lineTo, or a rectangle's edges)
 * or as a thin filled rectangle: browsers (Chromium's print to PDF) paint cell borders
 * that way. Filled areas thicker than a ruling are backgrounds, not lines.
 */
import type { Ruling, Rulings } from "./grid.js";

/** The pdf.js operator ids this reader needs (pdf.js's `OPS`). */
export interface PdfOps extends DrawStateOps {
  setLineWidth: number;
  setGState: number;
  constructPath: number;
  stroke: number;
  closeStroke: number;
  fill: number;
  eoFill: number;
  fillStroke: number;
  eoFillStroke: number;
  closeFillStroke: number;
  closeEOFillStroke: number;
}

export interface OperatorList {
  fnArray: ArrayLike<number>;
  argsArray: unknown[];
}

export type Matrix = [number, number, number, number, number, number];

/** The pdf.js operator ids that change the drawing state; those a caller does not follow may be left out. */
export interface DrawStateOps {
  save: number;
  restore: number;
  transform: number;
  paintFormXObjectBegin: number;
  paintFormXObjectEnd: number;
  setLineWidth?: number;
  setGState?: number;
  setTextRenderingMode?: number;
}

/** The drawing state an operator is painted in. */
export interface DrawState {
  /** The matrix, in the space of the walk's `base`. */
  ctm: Matrix;
  lineWidth: number;
  /** The text rendering mode (3: invisible). */
  mode: number;
}

/**
 * Calls `visit` for every operator that does not change the drawing state, with the state
 * in force: the matrix (through q/Q, cm and form XObjects), the line width (w and a
 * graphics state's LW) and the text rendering mode. `visit` returning false stops the walk.
 */
export function walkDrawing(list: OperatorList, ops: DrawStateOps, base: Matrix, visit: (fn: number, args: unknown[] | null, state: DrawState) => boolean | void): void {
  let state: DrawState = { ctm: base, lineWidth: 1, mode: 0 };
  const stack: DrawState[] = [];
  const { fnArray, argsArray } = list;
  for (let i = 0; i < fnArray.length; i++) {
    const fn = fnArray[i]!;
    const args = argsArray[i] as unknown[] | null;
    if (fn === ops.save || fn === ops.paintFormXObjectBegin) {
      stack.push({ ...state });
      const matrix = fn === ops.paintFormXObjectBegin ? (args?.[0] as ArrayLike<number> | null | undefined) : undefined;
      if (matrix && matrix.length === 6) state = { ...state, ctm: multiply(state.ctm, Array.from(matrix) as Matrix) };
    } else if (fn === ops.restore || fn === ops.paintFormXObjectEnd) state = stack.pop() ?? state;
    else if (fn === ops.transform) state = { ...state, ctm: multiply(state.ctm, args as unknown as Matrix) };
    else if (fn === ops.setLineWidth) state = { ...state, lineWidth: Number(args?.[0]) || 0 };
    else if (fn === ops.setGState) {
      for (const entry of (args?.[0] as [string, unknown][] | undefined) ?? []) if (entry[0] === "LW") state = { ...state, lineWidth: Number(entry[1]) || 0 };
    } else if (fn === ops.setTextRenderingMode) state = { ...state, mode: Number(args?.[0]) || 0 };
    else if (visit(fn, args, state) === false) return;
  }
}

/** pdf.js's path opcodes inside a constructPath buffer (DrawOPS). */
const MOVE_TO = 0;
const LINE_TO = 1;
const CURVE_TO = 2;
const QUAD_TO = 3;
const CLOSE = 4;

export interface VectorRulingOptions {
  /** Lines (and filled rectangles) thicker than this are not rulings: points. */
  maxThickness: number;
  /** Segments shorter than this are not kept: points. */
  minLength: number;
}

const DEFAULTS: VectorRulingOptions = { maxThickness: 3, minLength: 2 };

/** m1 · m2 as pdf.js composes matrices: m2 applies first. */
export function multiply(m1: Matrix, m2: Matrix): Matrix {
  return [
    m1[0] * m2[0] + m1[2] * m2[1],
    m1[1] * m2[0] + m1[3] * m2[1],
    m1[0] * m2[2] + m1[2] * m2[3],
    m1[1] * m2[2] + m1[3] * m2[3],
    m1[0] * m2[4] + m1[2] * m2[5] + m1[4],
    m1[1] * m2[4] + m1[3] * m2[5] + m1[5],
  ];
}

const apply = (m: Matrix, x: number, y: number): [number, number] => [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];

/** How much the matrix scales a line width (the geometric mean of its axes' scales). */
const widthScale = (m: Matrix) => Math.sqrt(Math.abs(m[0] * m[3] - m[1] * m[2])) || 1;

type Point = [number, number];

/** A constructPath buffer → subpaths of points (curves by their end points), and whether each is closed. */
function subpaths(buffer: ArrayLike<number>): { points: Point[]; closed: boolean }[] {
  const out: { points: Point[]; closed: boolean }[] = [];
  let current: { points: Point[]; closed: boolean } | undefined;
  for (let i = 0; i < buffer.length; ) {
    const op = buffer[i++];
    if (op === MOVE_TO) {
      current = { points: [[buffer[i]!, buffer[i + 1]!]], closed: false };
      out.push(current);
      i += 2;
    } else if (op === LINE_TO) {
      current?.points.push([buffer[i]!, buffer[i + 1]!]);
      i += 2;
    } else if (op === CURVE_TO) {
      // A curve is no ruling: it breaks the subpath into its straight pieces.
      const end: Point = [buffer[i + 4]!, buffer[i + 5]!];
      current = { points: [end], closed: false };
      out.push(current);
      i += 6;
    } else if (op === QUAD_TO) {
      const end: Point = [buffer[i + 2]!, buffer[i + 3]!];
      current = { points: [end], closed: false };
      out.push(current);
      i += 4;
    } else if (op === CLOSE) {
      if (current) {
        current.closed = true;
        // Drawing goes on from the subpath's start.
        const start = current.points[0]!;
        current = { points: [start], closed: false };
        out.push(current);
      }
    } else {
      break; // unknown opcode: the rest of the buffer cannot be read
    }
  }
  return out.filter((p) => p.points.length >= 2);
}

class Collector {
  readonly horizontal: Ruling[] = [];
  readonly vertical: Ruling[] = [];
  constructor(private readonly options: VectorRulingOptions) {}

  /** A stroked straight segment: kept when it is horizontal or vertical. */
  line(a: Point, b: Point, width: number): void {
    if (width > this.options.maxThickness) return;
    const thickness = Math.max(width, 0.1);
    const skew = 0.5;
    if (Math.abs(a[1] - b[1]) <= skew && Math.abs(a[0] - b[0]) >= this.options.minLength) {
      this.horizontal.push({ at: (a[1] + b[1]) / 2, from: Math.min(a[0], b[0]), to: Math.max(a[0], b[0]), thickness });
    } else if (Math.abs(a[0] - b[0]) <= skew && Math.abs(a[1] - b[1]) >= this.options.minLength) {
      this.vertical.push({ at: (a[0] + b[0]) / 2, from: Math.min(a[1], b[1]), to: Math.max(a[1], b[1]), thickness });
    }
  }

  /** A filled area: a ruling when it is a thin bar (a rectangle, or any shape whose bounds are one). */
  area(points: Point[]): void {
    const xs = points.map((p) => p[0]);
    const ys = points.map((p) => p[1]);
    const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    const w = x1 - x0;
    const h = y1 - y0;
    if (Math.min(w, h) > this.options.maxThickness || Math.max(w, h) < this.options.minLength) return;
    if (w >= h) this.horizontal.push({ at: (y0 + y1) / 2, from: x0, to: x1, thickness: Math.max(h, 0.1) });
    else this.vertical.push({ at: (x0 + x1) / 2, from: y0, to: y1, thickness: Math.max(w, 0.1) });
  }
}

/**
 * Pieces of one line (a border drawn cell by cell) → one segment: pieces on the same
 * line (within `tolerance`) that touch or overlap join.
 */
export function joinCollinear(lines: Ruling[], tolerance: number): Ruling[] {
  const sorted = [...lines].sort((a, b) => a.at - b.at || a.from - b.from);
  const out: Ruling[] = [];
  // Lines whose positions lie within the tolerance of each other, chained.
  let group: Ruling[] = [];
  const flush = () => {
    const byFrom = [...group].sort((a, b) => a.from - b.from);
    let cur: (Ruling & { weight: number }) | undefined;
    for (const l of byFrom) {
      const length = l.to - l.from;
      if (cur && l.from <= cur.to + tolerance) {
        const total = cur.weight + length;
        cur.at = total > 0 ? (cur.at * cur.weight + l.at * length) / total : cur.at;
        cur.to = Math.max(cur.to, l.to);
        cur.thickness = Math.max(cur.thickness, l.thickness);
        cur.weight = total;
      } else {
        if (cur) out.push({ at: cur.at, from: cur.from, to: cur.to, thickness: cur.thickness });
        cur = { ...l, weight: length };
      }
    }
    if (cur) out.push({ at: cur.at, from: cur.from, to: cur.to, thickness: cur.thickness });
    group = [];
  };
  for (const l of sorted) {
    if (group.length > 0 && l.at - group.at(-1)!.at > tolerance / 2) flush();
    group.push(l);
  }
  flush();
  return out.sort((a, b) => a.at - b.at || a.from - b.from);
}

/**
 * The horizontal and vertical lines a page's operator list paints, in the space of
 * `base` (the page's viewport transform: points, top-left origin).
 */
export function vectorRulings(list: OperatorList, ops: PdfOps, base: Matrix, options: Partial<VectorRulingOptions> = {}): Rulings {
  const opts = { ...DEFAULTS, ...options };
  const out = new Collector(opts);
  const strokes = new Set([ops.stroke, ops.closeStroke, ops.fillStroke, ops.eoFillStroke, ops.closeFillStroke, ops.closeEOFillStroke]);
  const fills = new Set([ops.fill, ops.eoFill, ops.fillStroke, ops.eoFillStroke, ops.closeFillStroke, ops.closeEOFillStroke]);
  walkDrawing(list, ops, base, (fn, args, state) => {
    if (fn !== ops.constructPath) return;
    const [paint, data] = args as [number, (ArrayLike<number> | null)[] | null];
    const buffer = data?.[0];
    if (!buffer) return;
    const stroked = strokes.has(paint);
    const filled = fills.has(paint);
    if (!stroked && !filled) return;
    // A zero line width is the thinnest line the device can draw.
    const width = Math.max(state.lineWidth, 0) * widthScale(state.ctm);
    for (const path of subpaths(buffer)) {
      const points = path.points.map(([x, y]) => apply(state.ctm, x, y));
      if (filled && (path.closed || points.length >= 3)) out.area(points);
      if (stroked) {
        for (let k = 1; k < points.length; k++) out.line(points[k - 1]!, points[k]!, width);
        if (path.closed) out.line(points.at(-1)!, points[0]!, width);
      }
    }
  });
  const tolerance = 1;
  return { horizontal: joinCollinear(out.horizontal, tolerance), vertical: joinCollinear(out.vertical, tolerance) };
}

/**
 * The rulings as the page shows them: clipped to the page (width × height, the space of
 * `vectorRulings`), and those wholly off it dropped. A print engine that breaks a table
 * across pages can draw a cut row's whole border (wkhtmltopdf does), its lower edge below
 * the page's foot and the rest of the row's frame above the next page's head, where no
 * reader sees it: an edge off the page is an edge the page leaves open, as Chromium
 * leaves it (split-rows.ts).
 */
export function clipToPage(rulings: Rulings, width: number, height: number): Rulings {
  const clip = (lines: Ruling[], along: number, across: number): Ruling[] =>
    lines.flatMap((l) => {
      const from = Math.max(l.from, 0);
      const to = Math.min(l.to, along);
      return l.at < 0 || l.at > across || to <= from ? [] : [{ ...l, from, to }];
    });
  return { horizontal: clip(rulings.horizontal, width, height), vertical: clip(rulings.vertical, height, width) };
}
