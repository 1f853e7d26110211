/**
 * Value cells a narrow or borderless print wraps over several lines, put back together
 * before a positioned table's rows are made (rows.ts, positionedRows). Each function
 * returns the lines in the same order; cells moved into another line leave theirs.
 */
import type { LayoutCell, LayoutLine } from "../../model/layout.js";
import { readCell } from "./codecs.js";
import { BARE_NUMBER, boxOf, centreOf, isNumberCell, splitNumberRun, type Span } from "./positioned-cells.js";

/**
 * A value cell whose text wraps inside its cell ("12（含" / "补正后3" / "件）") arrives as
 * fragments on several lines. Fragments stacked in one column with line-spacing gaps,
 * at least one of them not a bare number, are joined top to bottom into the row's line:
 * the one of their lines that prints the row's other numbers, or else the middle one.
 * Numbers of neighbouring rows are further apart and stay apart.
 */
export function joinWrappedCells(lines: LayoutLine[]): LayoutLine[] {
  const out = lines.map((l) => ({ ...l, cells: [...l.cells] }));
  for (let i = 0; i < out.length; i++) {
    for (const cell of [...out[i]!.cells]) {
      if (readCell(cell.text).kind !== "text" || !out[i]!.cells.includes(cell)) continue;
      const stack: { line: number; cell: LayoutCell }[] = [{ line: i, cell }];
      // Lines are in reading order; other cells (a group label) may sit on lines in between.
      const grow = (dir: 1 | -1) => {
        for (let j = i + dir; j >= 0 && j < out.length && out[j]!.page === out[i]!.page; j += dir) {
          const a = boxOf(stack[dir === 1 ? stack.length - 1 : 0]!.cell)!;
          const size = a[3] - a[1];
          const lineGap = dir === 1 ? (out[j]!.top ?? 0) - a[3] : a[1] - (out[j]!.bottom ?? 0);
          if (lineGap > 1.2 * size) return;
          const from = stack[dir === 1 ? stack.length - 1 : 0]!.cell;
          const next = out[j]!.cells.find((c) => {
            const b = boxOf(c);
            if (!b) return false;
            const overlap = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
            const gap = dir === 1 ? b[1] - a[3] : a[1] - b[3];
            // Lines set wide apart (line-height 2) are an em apart: only a note's text, never
            // a bare number (a neighbouring row's value), is taken across such a gap.
            const wide = !BARE_NUMBER.test(c.text.trim()) && !BARE_NUMBER.test(from.text.trim());
            return overlap > 0.5 * Math.min(a[2] - a[0], b[2] - b[0]) && gap >= -1 && gap < (wide ? 1.2 : 0.6) * Math.min(size, b[3] - b[1]);
          });
          if (next) {
            if (dir === 1) stack.push({ line: j, cell: next });
            else stack.unshift({ line: j, cell: next });
          }
        }
      };
      if (!boxOf(cell)) continue;
      grow(-1);
      grow(1);
      // Only a stack that reads as one value is a wrapped value cell; label lines join elsewhere.
      if (stack.length < 2 || readCell(stack.map((s) => s.cell.text).join("")).kind !== "number") continue;
      const anchor = stack[Math.floor((stack.length - 1) / 2)]!;
      const boxes = stack.map((s) => boxOf(s.cell)!);
      // The cell belongs to the row line at its vertical middle: with an even number of
      // fragments that is a line between them ("15（含修订2" / 2 1 / "件）").
      const middle = (boxes[0]![1] + boxes.at(-1)![3]) / 2;
      // With cells aligned to the top or bottom, that is the one line of the stack that
      // prints other numbers of the row.
      const inStack = new Set(stack.map((s) => s.cell));
      const lineRange = Array.from({ length: stack.at(-1)!.line - stack[0]!.line + 1 }, (_, k) => stack[0]!.line + k).filter((j) => out[j]!.page === out[i]!.page);
      const withValues = lineRange.filter((j) => out[j]!.cells.some((c) => !inStack.has(c) && isNumberCell(c)));
      let targetLine = withValues[0] ?? anchor.line;
      for (const j of withValues.length > 0 ? withValues : lineRange) {
        if (out[j]!.cells.length > 0 && Math.abs(centreOf(out[j]!) - middle) < Math.abs(centreOf(out[targetLine]!) - middle)) targetLine = j;
      }
      const joined: LayoutCell = {
        ...anchor.cell,
        text: stack.map((s) => s.cell.text).join(""),
        x0: Math.min(...stack.map((s) => s.cell.x0 ?? 0)),
        x1: Math.max(...stack.map((s) => s.cell.x1 ?? 0)),
        origin: { kind: anchor.cell.origin.kind === "ofd" ? "ofd" : "pdf", page: out[i]!.page ?? 1, box: [Math.min(...boxes.map((b) => b[0])), boxes[0]![1], Math.max(...boxes.map((b) => b[2])), boxes.at(-1)![3]] },
      };
      moveJoined(out, stack, joined, targetLine);
    }
  }
  return out;
}

function moveJoined(out: LayoutLine[], stack: { line: number; cell: LayoutCell }[], joined: LayoutCell, targetLine: number): void {
  for (const s of stack) out[s.line]!.cells = out[s.line]!.cells.filter((c) => c !== s.cell);
  const target = out[targetLine]!;
  target.cells = [...target.cells, joined].sort((a, b) => (a.x0 ?? 0) - (b.x0 ?? 0));
}


/** The value columns: the extents of the numbers on lines that print two or more, overlapping ones merged. */
function numberColumns(lines: LayoutLine[]): Span[] {
  const spans = lines
    .flatMap((l) => {
      const numbers = l.cells.flatMap(splitNumberRun).filter(isNumberCell);
      return numbers.length >= 2 ? numbers : [];
    })
    .flatMap((c) => (c.x0 !== undefined && c.x1 !== undefined ? [{ x0: c.x0, x1: c.x1 }] : []))
    .sort((a, b) => a.x0 - b.x0);
  const merged: Span[] = [];
  for (const span of spans) {
    const last = merged.at(-1);
    if (last && span.x0 < last.x1) last.x1 = Math.max(last.x1, span.x1);
    else merged.push({ ...span });
  }
  return merged;
}

/**
 * The column a number stands in: the one it overlaps, or else the nearest, within two
 * ems and clearly nearer than the next (a wrapped line begins left of an indented first
 * line, at the cell's edge). Undefined when that is not clear.
 */
function columnOf(box: [number, number, number, number], columns: Span[]): number | undefined {
  const overlapping = columns.flatMap((c, k) => (Math.min(c.x1, box[2]) > Math.max(c.x0, box[0]) ? [k] : []));
  if (overlapping.length > 0) return overlapping.length === 1 ? overlapping[0] : undefined;
  const gaps = columns.map((c, k) => ({ k, gap: Math.max(c.x0 - box[2], box[0] - c.x1) })).sort((p, q) => p.gap - q.gap);
  const [nearest, next] = gaps;
  if (!nearest || nearest.gap > 2 * (box[3] - box[1]) || (next && next.gap - nearest.gap < 2)) return undefined;
  return nearest.k;
}

/**
 * A number that wraps digit by digit in a narrow column ("3" / "0" for 30, a browser
 * breaking a cell too narrow for it, its first line indented by Word's text-indent) arrives
 * as bare numbers on lines of their own, above and below its row's values. They are joined
 * only where no other reading exists: two or more bare numbers stacked at line spacing in
 * one value column (the wrapped lines start left of the indented first one), each the only
 * number on its line, around a line of the row's values (two at least) whose centre lies
 * at the stack's middle and which prints nothing in that column. Neighbouring rows'
 * numbers never qualify: each stands on a line with its row's other values, or leaves no
 * values line between them.
 */
export function joinWrappedNumbers(lines: LayoutLine[]): LayoutLine[] {
  const out = lines.map((l) => ({ ...l, cells: [...l.cells] }));
  const columns = numberColumns(out);
  const alone = (j: number, cell: LayoutCell) => isNumberCell(cell) && out[j]!.cells.filter(isNumberCell).length === 1;
  for (let i = 0; i < out.length; i++) {
    for (const cell of out[i]!.cells.filter((c) => alone(i, c))) {
      const first = boxOf(cell);
      const column = first && columnOf(first, columns);
      if (column === undefined) continue;
      const stack: { line: number; cell: LayoutCell }[] = [{ line: i, cell }];
      const between: number[] = [];
      for (let j = i + 1; j < out.length && out[j]!.page === out[i]!.page; j++) {
        const a = boxOf(stack.at(-1)!.cell)!;
        const size = a[3] - a[1];
        if ((out[j]!.top ?? 0) - a[3] > 0.6 * size) break;
        const next = out[j]!.cells.find((c) => {
          const b = boxOf(c);
          return b !== undefined && isNumberCell(c) && b[1] - a[3] >= -1 && b[1] - a[3] < 0.6 * Math.min(size, b[3] - b[1]) && columnOf(b, columns) === column;
        });
        if (next === undefined) {
          between.push(j);
          continue;
        }
        if (!alone(j, next)) break;
        stack.push({ line: j, cell: next });
      }
      if (stack.length < 2) continue;
      const boxes = stack.map((s) => boxOf(s.cell)!);
      const box: [number, number, number, number] = [Math.min(...boxes.map((b) => b[0])), boxes[0]![1], Math.max(...boxes.map((b) => b[2])), boxes.at(-1)![3]];
      const middle = (box[1] + box[3]) / 2;
      const size = boxes[0]![3] - boxes[0]![1];
      // The row's values line: within the stack, centred on its middle, with an empty slot in its column.
      const targets = between.filter((j) => {
        const line = out[j]!;
        const numbers = line.cells.flatMap(splitNumberRun).filter(isNumberCell);
        return (
          numbers.length >= 2 &&
          Math.abs(centreOf(line) - middle) < 0.5 * size &&
          !numbers.some((c) => {
            const b = boxOf(c);
            return b !== undefined && columnOf([c.x0 ?? b[0], b[1], c.x1 ?? b[2], b[3]], columns) === column;
          }) &&
          !line.cells.some((c) => c.x0 !== undefined && c.x1 !== undefined && Math.min(c.x1, box[2]) > Math.max(c.x0, box[0]))
        );
      });
      if (targets.length !== 1) continue;
      const joined: LayoutCell = {
        ...cell,
        text: stack.map((s) => s.cell.text.trim()).join(""),
        x0: box[0],
        x1: box[2],
        origin: { kind: cell.origin.kind === "ofd" ? "ofd" : "pdf", page: out[i]!.page ?? 1, box },
      };
      delete joined.pieces;
      moveJoined(out, stack, joined, targets[0]!);
    }
  }
  return out;
}
