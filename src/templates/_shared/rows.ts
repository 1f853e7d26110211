/**
 * Table rows from layout lines: a row is a label (the text that names it) and the
 * value cells printed beside it, in order. How the two are tied together depends on
 * the source:
 *  - flowing text: labels are broken over lines and precede their numbers, so label
 *    lines accumulate until a line ends in values;
 *  - HTML: a <tr> is a row; a label-only row lends its label to a following row
 *    that has none;
 *  - PDF: value cells on one baseline make a row, and every label fragment joins the
 *    row it is vertically nearest to (a two-line label puts the numbers between its
 *    lines), as long as it lies left of the value columns.
 */
import type { LayoutCell, LayoutLine } from "../../model/layout.js";
import type { Origin } from "../../model/provenance.js";
import { isValueReading, readCell, type CellReading } from "./codecs.js";
import { BARE_NUMBER, boxOf, joinNotes, joinSigns, SIGN_WORD, splitNumberRun, type Span } from "./positioned-cells.js";
import { CJK, ENUMERATOR } from "./text.js";
import { joinWrappedCells, joinWrappedNumbers } from "./wrapped-values.js";

export interface ValueCell {
  text: string;
  reading: CellReading;
  origin: Origin;
  /** PDF: horizontal centre in points. */
  x?: number;
  /** PDF: horizontal extent in points. */
  span?: [number, number];
  /** HTML and OCR'd tables: grid column. */
  col?: number;
  /** OCR: the reader's confidence, 0–100. */
  confidence?: number;
  /** OCR: a decimal point the ink shows after this many digits and the reading lacks (LayoutCell.inkPoint). */
  inkPoint?: number;
}

export interface TableRow {
  label: string;
  values: ValueCell[];
  /**
   * A borderless table's row that printed its label alone, no value beside it: its cells
   * are blank by what is absent, not by what is printed (the table parsers say so).
   */
  alone?: true;
  /** The label text and the values' provenance point back to these lines. */
  lines: number[];
}

function valueCell(cell: LayoutCell, text = cell.text): ValueCell {
  const v: ValueCell = { text, reading: readCell(text), origin: cell.origin };
  if (cell.x0 !== undefined && cell.x1 !== undefined) {
    v.x = (cell.x0 + cell.x1) / 2;
    v.span = [cell.x0, cell.x1];
  }
  if (cell.col !== undefined) v.col = cell.col;
  if (cell.confidence !== undefined) v.confidence = cell.confidence;
  if (cell.inkPoint !== undefined && text === cell.text) v.inkPoint = cell.inkPoint;
  return v;
}

const UNIT_WORD = /^(亿元|万元|元|件|个|项|条)$/;

/** Whitespace tokens of flowing text → cells: "增" "113" → "增 113", "2997" "万元" → "2997 万元". */
export function mergeTokens(cells: LayoutCell[]): LayoutCell[] {
  const out: LayoutCell[] = [];
  const join = (prev: LayoutCell, cell: LayoutCell, text: string): LayoutCell => ({ ...prev, text, ...(cell.x1 === undefined ? {} : { x1: cell.x1 }) });
  for (const cell of cells) {
    const prev = out.at(-1);
    if (prev && SIGN_WORD.test(prev.text) && /^\d/.test(cell.text.normalize("NFKC"))) {
      out[out.length - 1] = join(prev, cell, `${prev.text} ${cell.text}`);
    } else if (prev && UNIT_WORD.test(cell.text.normalize("NFKC")) && readCell(prev.text).kind === "number") {
      out[out.length - 1] = join(prev, cell, `${prev.text} ${cell.text}`);
    } else if (prev && /^[(（]/.test(cell.text) && readCell(prev.text).kind === "number" && readCell(`${prev.text}${cell.text}`).kind === "number") {
      out[out.length - 1] = join(prev, cell, `${prev.text}${cell.text}`);
    } else {
      out.push(cell);
    }
  }
  return out;
}

/**
 * Index where the trailing run of value cells starts (cells.length if there is none).
 * A cell read by OCR that came out as a short non-number (a digit misread as 站), or as
 * digits with stray marks and no Chinese ("2”18748"), still stands in its value column,
 * so that the cells before it are not taken for labels.
 * `columns`, where known (positioned lines: the x-extents of the numbers of the table),
 * says where the value columns are: a misread standing in none of them (a mark read
 * among the label's characters, "，_") is no value.
 */
function trailingValuesStart(cells: LayoutCell[], emptyIsValue: boolean, columns?: Span[]): number {
  let k = cells.length;
  while (k > 0) {
    const cell = cells[k - 1]!;
    const text = cell.text;
    // The first cell of a row is its label; a misread number is one character, two with a
    // stray mark, or digits among Latin letters and marks ("ad17" for 317, "2”18748" for
    // 218748, a 150-dpi scan's (七)总计 row lost whole when it was taken for a label): no label is.
    const misread =
      cell.confidence !== undefined &&
      k > 1 &&
      (text.length === 1 || (text.length === 2 && /[^\p{Script=Han}]/u.test(text)) || (text.length <= 16 && /\d/.test(text) && !/\p{Script=Han}/u.test(text))) &&
      (columns === undefined || inColumn(cell, columns));
    if (text.trim() === "" ? !emptyIsValue : !isValueReading(readCell(text)) && !misread) break;
    k--;
  }
  return k;
}

/**
 * Crawler text dumps glue a label to its numbers ("规范性文件898989"): split off the
 * digit run as one value cell, which the placement step may split further.
 */
function unglue(cell: LayoutCell): { label: string; digits: string } | null {
  const m = /^(.*[^\d.,])(\d+(?:\.\d+)?)$/.exec(cell.text.normalize("NFKC"));
  if (!m || !CJK.test(m[1]!)) return null;
  return { label: m[1]!, digits: m[2]! };
}

/** A line split into its label text and its trailing value cells. */
function splitLine(line: LayoutLine): { label: string; values: ValueCell[] } {
  const tableRow = line.isTableRow === true;
  const cells = tableRow ? line.cells : mergeTokens(line.cells);
  const start = trailingValuesStart(cells, tableRow);
  const label = cells.slice(0, start).map((c) => c.text);
  if (!tableRow && start === cells.length && cells.length > 0) {
    const last = cells.at(-1)!;
    const glued = unglue(last);
    if (glued) return { label: [...label.slice(0, -1), glued.label].join(""), values: [valueCell(last, glued.digits)] };
  }
  return { label: label.join(""), values: cells.slice(start).map((c) => valueCell(c)) };
}

const allBlank = (values: ValueCell[]) => values.every((v) => v.reading.kind === "blank");

/**
 * Flowing text: label fragments accumulate until a line ends in values. Lines of
 * values only that follow each other continue one run (dumps that print one cell per
 * line); the table parsers cut a run that spans several rows.
 */
class TextRows {
  private label: string[] = [];
  private lines: number[] = [];
  private last: TableRow | undefined;

  add(label: string, values: ValueCell[], index: number, rows: TableRow[]): void {
    if (values.length === 0) {
      if (label) {
        this.label.push(label);
        this.lines.push(index);
        this.last = undefined;
      }
      return;
    }
    if (label === "" && this.label.length === 0 && this.last) {
      this.last.values.push(...values);
      this.last.lines.push(index);
      return;
    }
    this.last = { label: this.label.join("") + label, values, lines: [...this.lines, index] };
    rows.push(this.last);
    this.label = [];
    this.lines = [];
  }
}

/**
 * Table rows (HTML, pipe tables) carry whole labels. Conversions that detach labels
 * from values print label-only rows (or labelled rows of empty cells) followed by
 * unlabelled value rows: those are paired up in order.
 */
class TableRowsOf {
  private labelOnly: { label: string; line: number }[] = [];
  private awaiting: TableRow[] = [];
  private unlabelled: TableRow[] = [];

  add(label: string, values: ValueCell[], index: number | number[], rows: TableRow[]): void {
    const blank = allBlank(values);
    const own = Array.isArray(index) ? index : [index];
    if (values.length === 0 || (blank && label === "")) {
      if (label) this.labelOnly.push({ label, line: own[0]! });
      return;
    }
    const lent = label === "" ? this.labelOnly.shift() : undefined;
    if (label !== "") this.labelOnly = [];
    if (label !== "" && (!blank || this.unlabelled.length > 0)) this.settle(rows);
    const row = { label: lent?.label ?? label, values, lines: lent ? [lent.line, ...own] : own };
    rows.push(row);
    if (label !== "" && blank) this.awaiting.push(row);
    else if (label === "" && !lent && this.awaiting.length > 0) this.unlabelled.push(row);
  }

  /** Gives the unlabelled value rows to the labelled empty rows before them; headers come first, so align at the end. */
  settle(rows: TableRow[]): void {
    const targets = this.awaiting.slice(Math.max(0, this.awaiting.length - this.unlabelled.length));
    this.unlabelled.slice(this.unlabelled.length - targets.length).forEach((source, i) => {
      targets[i]!.values = source.values;
      targets[i]!.lines = [...targets[i]!.lines, ...source.lines];
      rows.splice(rows.indexOf(source), 1);
    });
    this.awaiting = [];
    this.unlabelled = [];
  }
}

export function flowRows(lines: LayoutLine[], indices: number[]): TableRow[] {
  const rows: TableRow[] = [];
  const text = new TextRows();
  const table = new TableRowsOf();
  const split = lines.map(splitLine);
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    const { label, values } = split[n]!;
    if (!line.isTableRow) {
      text.add(label, values, indices[n]!, rows);
      continue;
    }
    // Values with no label whose cells all reach down into the next row, which prints a label
    // alone: that label is theirs (a print engine set the label cell lower than its values,
    // with a ruling across the label column between). Grid and HTML rowspans alike.
    const next = split[n + 1];
    const spansDown = !allBlank(values) && line.cells.slice(line.cells.length - values.length).every((c) => c.text.trim() === "" || (c.rowSpan ?? 1) >= 2);
    if (label === "" && spansDown && next && lines[n + 1]!.isTableRow && next.label !== "" && next.values.every((v) => v.text.trim() === "")) {
      table.add(next.label, values, [indices[n]!, indices[n + 1]!], rows);
      n++;
      continue;
    }
    table.add(label, values, indices[n]!, rows);
  }
  table.settle(rows);
  return rows;
}


/** A label cell that ends in a number: "行政规范性文件 77", "处理的，只计这一情8". */
const LABEL_THEN_NUMBER = /^(.*[^\d\s.,，、．-])\s*([-−－]?\d[\d,]*(?:\.\d+)?)$/;

/**
 * Splits the number off the end of a label cell when it stands in a value column: a
 * borderless table prints a label and its first value with no gap wide enough to cut
 * them apart ("行政规范性文件 77"). The number's extent is estimated from the cell's
 * right edge (digits are half an em wide), and it is a value only if that extent
 * overlaps the values of other rows by at least half its width — the columns those
 * rows print. A number at the end of a label that stands in no value column stays text.
 */
function splitLabelNumber(cell: LayoutCell, columns: Span[]): LayoutCell[] {
  return splitLabelPieces(cell, columns) ?? splitLabelDigits(cell, columns);
}

const noSpace = (text: string) => text.replace(/\s/g, "");

/**
 * The cut where the PDF's own items meet: a label cell joined from items whose last ones
 * are bare numbers, each standing in a value column ("握相关政府信" "37" "0", a narrow
 * table whose label touches its first two values). The label part may still end in a
 * number of its own item ("信37"), cut as splitLabelDigits does. Null when the cell has no
 * such items (or they no longer spell its text).
 */
function splitLabelPieces(cell: LayoutCell, columns: Span[]): LayoutCell[] | null {
  const pieces = cell.pieces;
  const box = boxOf(cell);
  if (!pieces || !box || noSpace(pieces.map((p) => p.text).join("")) !== noSpace(cell.text)) return null;
  let k = pieces.length;
  while (k > 1 && BARE_NUMBER.test(pieces[k - 1]!.text.trim())) k--;
  const label = pieces.slice(0, k);
  const numbers = pieces.slice(k);
  if (numbers.length === 0 || !CJK.test(label.map((p) => p.text).join(""))) return null;
  if (!numbers.every((p) => standsInColumn(p, columns))) return null;
  const part = (text: string, x0: number, x1: number): LayoutCell => {
    const out: LayoutCell = { ...cell, text, x0, x1, origin: { ...cell.origin, box: [x0, box[1], x1, box[3]] } as typeof cell.origin };
    delete out.pieces;
    return out;
  };
  const labelCell = part(label.map((p) => p.text).join(""), label[0]!.x0, label.at(-1)!.x1);
  return [...splitLabelDigits(labelCell, columns), ...numbers.map((p) => part(p.text.trim(), p.x0, p.x1))];
}

/** Whether a number's extent overlaps a value column by at least half the narrower of the two. */
function standsInColumn(number: Span, columns: Span[]): boolean {
  return columns.some((s) => Math.min(s.x1, number.x1) - Math.max(s.x0, number.x0) >= 0.5 * Math.min(number.x1 - number.x0, s.x1 - s.x0));
}

/** The number at the end of a label cell's text, its extent estimated from digit widths. */
function splitLabelDigits(cell: LayoutCell, columns: Span[]): LayoutCell[] {
  const box = boxOf(cell);
  if (!box || cell.x0 === undefined || cell.x1 === undefined) return [cell];
  const m = LABEL_THEN_NUMBER.exec(cell.text.trim());
  if (!m || !CJK.test(m[1]!)) return [cell];
  const digitWidth = (box[3] - box[1]) * 0.5;
  const width = [...m[2]!].length * digitWidth;
  const number: Span = { x0: cell.x1 - width, x1: cell.x1 };
  if (number.x0 <= cell.x0 || !standsInColumn(number, columns)) return [cell];
  const labelEnd = Math.max(cell.x0, number.x0 - digitWidth);
  return [
    { ...cell, text: m[1]!, x1: labelEnd, origin: { ...cell.origin, box: [box[0], box[1], labelEnd, box[3]] } as typeof cell.origin },
    { ...cell, text: m[2]!, x0: number.x0, origin: { ...cell.origin, box: [number.x0, box[1], box[2], box[3]] } as typeof cell.origin },
  ];
}

/** The x-extents of the value cells the lines end in (their columns); with `numbers`, of those that read as numbers only. */
function valueSpans(lines: LayoutCell[][], numbers = false): Span[] {
  return lines.flatMap((cells) =>
    cells
      .slice(trailingValuesStart(cells, false))
      .flatMap((c) => (c.x0 !== undefined && c.x1 !== undefined && c.text.trim() !== "" && (!numbers || readCell(c.text).kind === "number") ? [{ x0: c.x0, x1: c.x1 }] : [])),
  );
}

/** Whether a positioned cell overlaps one of the columns. */
function inColumn(cell: LayoutCell, columns: Span[]): boolean {
  return cell.x0 !== undefined && cell.x1 !== undefined && columns.some((s) => Math.min(s.x1, cell.x1!) > Math.max(s.x0, cell.x0!));
}

/**
 * Where a positioned line's values start: its trailing run of values, or — when the line
 * ends in something no reading makes a value of ("ad17x9z" for 317) — the first value
 * after its label from which most cells, two at least, are values. Such a line is a row
 * of values with a bad cell (flagged CELL_UNPARSED where it lands), not a label: taken
 * for one, its numbers went into another row's label and were lost.
 */
function lineValuesStart(cells: LayoutCell[], numberColumns: Span[]): number {
  const trailing = trailingValuesStart(cells, false, numberColumns);
  if (trailing < cells.length) return trailing;
  const value = cells.map((c) => c.text.trim() !== "" && isValueReading(readCell(c.text)));
  for (let k = 1; k < cells.length; k++) {
    if (!value[k]) continue;
    const count = value.slice(k).filter(Boolean).length;
    if (count >= 2 && count * 2 >= cells.length - k) return k;
  }
  return cells.length;
}

interface ValuesLine {
  line: LayoutLine;
  index: number;
  values: LayoutCell[];
  labels: unknown[];
  /** Lines whose values were merged into this one's (their provenance). */
  joined?: number[];
}

/**
 * A line of values with no label of its own, next to a row that prints none in those
 * columns ("69 665" just above "行政规范性文件 3" in a borderless print that sets some of a
 * row's cells a line higher than the rest): its values are that row's. Made only when it
 * is the one reading — the line is on the page next to the row (within 1.5 lines), each of
 * its values stands clear of all of the row's, the row on its other side is either not
 * that near or already prints in one of those columns, and no other line of values without
 * a label is near either. Otherwise the line stays a row with no label, which the table
 * parsers flag. Returns the lines merged away.
 */
function joinUnlabelledValues<D extends ValuesLine>(drafts: D[]): Set<D> {
  const merged = new Set<D>();
  // Values that touch or nearly touch count as one column's: a number's digits a cell wraps.
  const overlap = (a: LayoutCell, b: LayoutCell) => Math.min(a.x1 ?? 0, b.x1 ?? 0) + 3 > Math.max(a.x0 ?? 0, b.x0 ?? 0);
  const near = (a: LayoutLine, b: LayoutLine) => {
    const height = Math.max((a.bottom ?? 0) - (a.top ?? 0), (b.bottom ?? 0) - (b.top ?? 0)) || 10;
    return a.page === b.page && Math.max((a.top ?? 0) - (b.bottom ?? 0), (b.top ?? 0) - (a.bottom ?? 0), 0) <= 1.5 * height;
  };
  const unlabelled = drafts.filter((d) => d.labels.length === 0);
  drafts.forEach((d, k) => {
    if (d.labels.length > 0 || d.values.some((v) => v.x0 === undefined)) return;
    const fits = [drafts[k - 1], drafts[k + 1]].filter(
      (c): c is D => c !== undefined && !merged.has(c) && near(c.line, d.line) && !c.values.some((v) => d.values.some((w) => overlap(v, w))),
    );
    const host = fits[0];
    if (fits.length !== 1 || !host || host.labels.length === 0) return;
    // A second such line near either (the digits of "12" a narrow cell wrapped, "1" above the row and "2" below): no one reading.
    if (unlabelled.some((o) => o !== d && (near(o.line, host.line) || near(o.line, d.line)))) return;
    host.values = [...host.values, ...d.values].sort((a, b) => (a.x0 ?? 0) - (b.x0 ?? 0));
    host.joined = [...(host.joined ?? []), d.index];
    merged.add(d);
  });
  return merged;
}

export function positionedRows(printed: LayoutLine[], indices: number[]): TableRow[] {
  // Same order and length as `printed`, so `indices` still apply; a line can end up empty.
  const wrapped = joinWrappedCells(printed);
  const split = wrapped.map((line) => joinNotes(joinSigns(line.cells.flatMap(splitNumberRun))));
  const columns = valueSpans(split);
  const numberColumns = valueSpans(split, true);
  // Only the label cell just left of the values (or a line's last cell) can hold a value of
  // its row. It is cut before wrapped numbers are joined: a digit of one may touch a label.
  const cut = wrapped.map((line, n): LayoutLine => {
    const raw = split[n]!;
    const at = trailingValuesStart(raw, false, numberColumns) - 1;
    return { ...line, cells: at >= 0 ? [...raw.slice(0, at), ...splitLabelNumber(raw[at]!, columns), ...raw.slice(at + 1)] : raw };
  });
  const lines = joinWrappedNumbers(cut);
  interface Draft {
    line: LayoutLine;
    /** Position in `lines`. */
    at: number;
    index: number;
    values: LayoutCell[];
    labels: { cell: LayoutCell; page: number; top: number; bottom: number; index: number }[];
    joined?: number[];
  }
  const drafts: Draft[] = [];
  const labelOnly: { cell: LayoutCell; line: LayoutLine; at: number; index: number }[] = [];
  lines.forEach((line, n) => {
    const cells = line.cells;
    const start = lineValuesStart(cells, numberColumns);
    if (start < cells.length) {
      drafts.push({
        line,
        at: n,
        index: indices[n]!,
        values: cells.slice(start),
        labels: cells.slice(0, start).map((cell) => ({ cell, page: line.page ?? 0, top: line.top ?? 0, bottom: line.bottom ?? 0, index: indices[n]! })),
      });
    } else {
      for (const cell of cells) labelOnly.push({ cell, line, at: n, index: indices[n]! });
    }
  });
  if (drafts.length === 0) return [];
  // A label fragment joins a row whose values start right of it (header text printed
  // over the value columns is nobody's label): first the row it continues — a wrapped
  // label's lines follow each other at line spacing, in one column, above and below
  // the row's values — then, for what is left, the vertically nearest row that has no
  // label of its own in that column. A label left over names a row that prints no
  // values (all blank).
  const valuesStart = new Map(drafts.map((d) => [d, Math.min(...d.values.map((v) => v.x0 ?? 0))]));
  const leftOf = (cell: LayoutCell, d: Draft) => (cell.x1 ?? 0) <= valuesStart.get(d)! + 2;
  const overlapsX = (a: LayoutCell, b: LayoutCell) => Math.min(a.x1 ?? 0, b.x1 ?? 0) - Math.max(a.x0 ?? 0, b.x0 ?? 0) > 0.25 * Math.min((a.x1 ?? 0) - (a.x0 ?? 0), (b.x1 ?? 0) - (b.x0 ?? 0));
  // A label line that opens with an enumerator ("2.", "（六）", "三、") begins its row's label: it
  // never continues the label of a row whose values are printed above it.
  const mayLabel = ({ cell, line }: { cell: LayoutCell; line: LayoutLine }, d: Draft) =>
    d.line.page === line.page && leftOf(cell, d) && (!ENUMERATOR.test(cell.text) || (d.line.bottom ?? 0) > (line.top ?? 0));
  const pending = new Set(labelOnly);
  for (let grown = true; grown; ) {
    grown = false;
    for (const item of pending) {
      const { cell, line } = item;
      const height = (line.bottom ?? 0) - (line.top ?? 0) || 10;
      const [top, bottom] = [line.top ?? 0, line.bottom ?? 0];
      // How far the line is from a line of the row (0 when they overlap): its values' line, or a label line in the same column.
      const apart = (t: number, b: number) => Math.max(top - b, t - bottom, 0);
      let best: { d: Draft; apart: number } | undefined;
      for (const d of drafts) {
        if (!mayLabel(item, d)) continue;
        const spans = [{ t: d.line.top ?? 0, b: d.line.bottom ?? 0 }, ...d.labels.filter((l) => l.index !== d.index && overlapsX(l.cell, cell)).map((l) => ({ t: l.top, b: l.bottom }))];
        const distance = Math.min(...spans.map((s) => apart(s.t, s.b)));
        if (distance <= 0.6 * height && (!best || distance < best.apart)) best = { d, apart: distance };
      }
      if (!best) continue;
      best.d.labels.push({ cell, page: line.page ?? 0, top, bottom, index: item.index });
      pending.delete(item);
      grown = true;
    }
  }
  type Item = (typeof labelOnly)[number];
  const joinTo = (d: Draft, { cell, line, index }: Item) => d.labels.push({ cell, page: line.page ?? 0, top: line.top ?? 0, bottom: line.bottom ?? 0, index });
  // Label cells no row took: each line's make one row, printed alone (its digits, if any,
  // then show in the label, where the table parsers flag them).
  const left = new Set<Item>();
  // A label's first line opens with its enumerator ("7.属于行政执法案" / "卷"): when the
  // lines of a label are set further apart than the continuation above allows (line-height
  // 2, a fixed line-height in small type, a paragraph break in the cell), the first is
  // still the line just above the rest, whose lines open with none. Lines between them in
  // its column, left over and opening with no enumerator either, belong to it too. The
  // lines to join, or null.
  const opensLabel = (item: Item, d: Draft, height: number): Item[] | null => {
    const { cell, line } = item;
    if (!ENUMERATOR.test(cell.text)) return null;
    const rest = d.labels.filter((l) => l.page === line.page && overlapsX(l.cell, cell));
    if (rest.length === 0 || rest.some((l) => ENUMERATOR.test(l.cell.text))) return null;
    const restTop = Math.min(...rest.map((l) => l.top));
    const between = labelOnly
      .filter((o) => o !== item && o.line.page === line.page && (o.line.top ?? 0) > (line.top ?? 0) && (o.line.top ?? 0) < restTop - 1 && overlapsX(o.cell, cell))
      .sort((p, q) => (p.line.top ?? 0) - (q.line.top ?? 0));
    if (between.some((o) => !left.has(o) || ENUMERATOR.test(o.cell.text))) return null;
    const chain = [item, ...between];
    const gaps = chain.map((o, k) => (k + 1 < chain.length ? (chain[k + 1]!.line.top ?? 0) : restTop) - (o.line.bottom ?? 0));
    return gaps.every((g) => g >= -1 && g <= 4 * height) ? chain : null;
  };
  const farFrom = new Map<Draft, Item[]>();
  // Lines that open a label last, so that they find the rest of it already in place.
  const opening = (item: Item) => (ENUMERATOR.test(item.cell.text) ? 1 : 0);
  for (const item of [...pending].sort((a, b) => opening(a) - opening(b))) {
    const { cell, line } = item;
    const mid = ((line.top ?? 0) + (line.bottom ?? 0)) / 2;
    const height = (line.bottom ?? 0) - (line.top ?? 0) || 10;
    let best: Draft | undefined;
    let bestDistance = Infinity;
    for (const d of drafts) {
      if (!mayLabel(item, d)) continue;
      const distance = Math.abs(((d.line.top ?? 0) + (d.line.bottom ?? 0)) / 2 - mid);
      if (distance < bestDistance) {
        best = d;
        bestDistance = distance;
      }
    }
    if (!best) continue;
    if (bestDistance <= height * 4 && !best.labels.some((l) => l.index === best.index && overlapsX(l.cell, cell))) {
      joinTo(best, item);
      continue;
    }
    const chain = opensLabel(item, best, height);
    for (const o of chain ?? []) {
      joinTo(best, o);
      left.delete(o);
    }
    if (!chain) {
      left.add(item);
      farFrom.set(best, [...(farFrom.get(best) ?? []), item]);
    }
  }
  // A page break can leave a row's label far above its values (a row cut by the page,
  // pushed down whole). The label still names them when that is the only reading: the
  // values print no label at all, and the label's line is the one just before theirs,
  // on their page, with nothing else left over in it.
  for (const [d, items] of farFrom) {
    if (d.labels.length > 0 || !items.every((item) => left.has(item))) continue;
    const lineAt = items[0]!.at;
    if (lineAt !== d.at - 1 || !items.every((item) => item.at === lineAt) || labelOnly.some((item) => item.at === lineAt && !items.includes(item))) continue;
    for (const item of items) {
      joinTo(d, item);
      left.delete(item);
    }
  }
  // A label a page break cut: its last lines at the top of the next page, above any row
  // of values there, open with no enumerator, and go on the label of the last row of the
  // page before, which opens with one ("7.属于行政执" / "法案" "卷").
  for (const item of [...left].sort((a, b) => a.at - b.at)) {
    const page = item.line.page ?? 0;
    if (ENUMERATOR.test(item.cell.text) || drafts.some((d) => d.line.page === page && (d.line.top ?? 0) < (item.line.top ?? 0))) continue;
    const onPrevious = drafts.filter((d) => d.line.page === page - 1);
    const last = onPrevious.reduce<Draft | undefined>((x, d) => (!x || (d.line.top ?? 0) > (x.line.top ?? 0) ? d : x), undefined);
    if (!last || !leftOf(item.cell, last) || !last.labels.some((l) => overlapsX(l.cell, item.cell) && ENUMERATOR.test(l.cell.text))) continue;
    joinTo(last, item);
    left.delete(item);
  }
  const merged = joinUnlabelledValues(drafts);
  const leftovers = new Map<number, string[]>();
  for (const item of labelOnly) if (left.has(item)) leftovers.set(item.index, [...(leftovers.get(item.index) ?? []), item.cell.text]);
  const rows = drafts.filter((d) => !merged.has(d)).map((d): TableRow => {
    // Columns left to right (group labels first), lines top to bottom within a column.
    const labels = [...d.labels].sort((a, b) => Math.round((a.cell.x0 ?? 0) / 4) - Math.round((b.cell.x0 ?? 0) / 4) || a.page - b.page || a.top - b.top);
    return {
      label: labels.map((l) => l.cell.text).join(""),
      values: d.values.map((c) => valueCell(c)),
      lines: [...new Set([...labels.map((l) => l.index), d.index, ...(d.joined ?? [])])].sort((a, b) => a - b),
    };
  });
  // A row whose every cell is blank prints its label alone; it takes its place in line order.
  for (const [line, texts] of leftovers) rows.push({ label: texts.join(""), values: [], lines: [line], alone: true });
  return rows.sort((a, b) => a.lines[0]! - b.lines[0]!);
}

export function tableRows(lines: LayoutLine[], indices: number[], positioned: boolean): TableRow[] {
  if (!positioned) return flowRows(lines, indices);
  // Tables read by OCR arrive as grid rows (like HTML) inside a positioned document.
  const rows: TableRow[] = [];
  for (let i = 0; i < lines.length; ) {
    const grid = lines[i]!.isTableRow === true;
    let j = i;
    while (j < lines.length && (lines[j]!.isTableRow === true) === grid) j++;
    rows.push(...(grid ? flowRows : positionedRows)(lines.slice(i, j), indices.slice(i, j)));
    i = j;
  }
  return rows;
}
