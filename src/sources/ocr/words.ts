/**
 * Words of a recognition pass, with their boxes: assigned to table cells by geometry
 * (each character goes to the cell its centre is in), or grouped into positioned lines
 * the way the PDF text path groups text items (pdf-lines.ts): words closer than ~0.9 em
 * make one cell, wider gaps split cells, so that a borderless table's values keep their
 * columns' x positions.
 */
import type { LayoutCell, LayoutLine } from "../../model/layout.js";
import type { OcrPage } from "../_internal/tesseract.js";

/** [x0, y0, x1, y1] in page pixels. */
export type Box = [number, number, number, number];

export interface OcrSymbol {
  text: string;
  confidence: number;
  box: Box;
  /** Index of its word in the pass. */
  word: number;
  /** Its word's confidence (tesseract's LSTM rates words; its characters' ratings are looser). */
  wordConfidence: number;
}

export interface OcrWord {
  text: string;
  confidence: number;
  box: Box;
  symbols: OcrSymbol[];
  /** A number read from its own run of ink (loose-numbers.ts): a cell of its own, never grouped with its neighbours. */
  alone?: boolean;
  /** A decimal point its ink shows after this many digits and the reading lacks (LayoutCell.inkPoint). */
  inkPoint?: number;
}

export interface OcrLine {
  box: Box;
  words: OcrWord[];
}

const CJK = /[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]/u;

/**
 * The lines and words of a pass over an image that is the page's box at (`dx`, `dy`),
 * scaled by 1/`scale` (a pass over a page shrunk by 2 has scale 2): boxes come back in
 * page pixels.
 */
export function passLines(page: OcrPage, dx: number, dy: number, scale = 1): OcrLine[] {
  const toPage = (b: { x0: number; y0: number; x1: number; y1: number }): Box => [b.x0 * scale + dx, b.y0 * scale + dy, b.x1 * scale + dx, b.y1 * scale + dy];
  const lines: OcrLine[] = [];
  let index = 0;
  for (const block of page.blocks ?? []) {
    for (const paragraph of block.paragraphs) {
      for (const line of paragraph.lines) {
        const words: OcrWord[] = [];
        for (const w of line.words) {
          const text = w.text.trim();
          if (!text) continue;
          const word = index++;
          const symbols = w.symbols.length > 0 ? w.symbols.filter((s) => s.text.trim()) : [w];
          words.push({
            text,
            confidence: w.confidence,
            box: toPage(w.bbox),
            symbols: symbols.map((s) => ({ text: s.text.trim(), confidence: s.confidence, wordConfidence: w.confidence, box: toPage(s.bbox), word })),
          });
        }
        if (words.length > 0) lines.push({ box: toPage(line.bbox), words });
      }
    }
  }
  return lines;
}

/** What the pass read in one cell. */
export interface PassCell {
  text: string;
  /** The lowest confidence of the words (or characters) read in the cell (100 when none). */
  confidence: number;
  /** Characters read in the cell. */
  symbols: number;
  /** A word read across this cell's border (its characters fell in two cells). */
  straddles: boolean;
  /** Ink of the cell that none of its characters covers: the pass read only part of it (规 of 规章). */
  partial: boolean;
}

/** A word whose box is a speck beside its line's height: tesseract lost track of where it is. */
const lost = (word: OcrWord, line: OcrLine) => word.box[3] - word.box[1] < 0.25 * (line.box[3] - line.box[1]) && word.box[2] - word.box[0] < 0.25 * (line.box[3] - line.box[1]);

export const centre = (b: Box) => [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2] as const;
export const inside = (b: Box, x: number, y: number) => x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3];
export const grow = (b: Box, m: number): Box => [b[0] - m, b[1] - m, b[2] + m, b[3] + m];

export const overlaps = (a: Box, b: Box) => a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];

/**
 * The pass's characters, cell by cell (`cells`: the cells' boxes in page pixels, and
 * where their ink is, when known). A character over no ink of its cell is dropped: it is
 * tesseract reading the remnants of an erased ruling ("、", "，", "|") or dust.
 */
export function assignToCells(lines: OcrLine[], cells: { box: Box; ink?: Box[] }[], rate: "word" | "symbol" = "word"): PassCell[] {
  const found: OcrSymbol[][] = cells.map(() => []);
  const straddled = new Set<number>();
  for (const line of lines) {
    let last = -1;
    for (const word of line.words) {
      // Tesseract sometimes gives a word a box of a few pixels, nowhere near its ink
      // ("文件" of 行政规范性文件 at 4×4 px past the cell, huaian-2024 scanned at 200 dpi):
      // such a word is placed after the word before it on its line.
      if (lost(word, line)) {
        const before = found[last]?.at(-1);
        // Boxed just after that word, so that the cell's text puts it there.
        if (before) found[last]!.push(...word.symbols.map((s, k): OcrSymbol => ({ ...s, box: [before.box[2] + k + 1, before.box[1], before.box[2] + k + 2, before.box[3]] })));
        continue;
      }
      const homes = new Set<number>();
      for (const symbol of word.symbols) {
        const [x, y] = centre(symbol.box);
        const home = cells.findIndex((c) => inside(c.box, x, y));
        if (home < 0) continue;
        const ink = cells[home]!.ink;
        if (ink && !ink.some((b) => overlaps(b, symbol.box))) continue;
        homes.add(home);
        found[home]!.push(symbol);
        last = home;
      }
      if (homes.size > 1) for (const h of homes) straddled.add(h);
    }
  }
  return found.map((symbols, i) => ({
    text: cellText(symbols),
    confidence: symbols.length === 0 ? 100 : Math.min(...symbols.map((s) => (rate === "word" ? s.wordConfidence : s.confidence))),
    symbols: symbols.length,
    straddles: straddled.has(i),
    partial: symbols.length > 0 && (uncoveredShare(cells[i]!.ink ?? [], symbols) > UNCOVERED || characterShort(cells[i]!.ink ?? [], symbols)),
  }));
}

/**
 * Whether a cell of one or two Chinese characters on one line was read a character short:
 * its ink is wider than the characters read and three quarters of another at the ink's
 * height. Tesseract reads 规章 as "规", boxed over both (huaian-2024 scanned at 200 dpi by
 * mupdf), and a label a character short matches no row. A character's ink with its
 * spacing is 1–1.25 times as wide as it is high; over longer labels the spacing adds up
 * to a character, so they are not judged (nor are the characters' own boxes, which
 * tesseract places loosely).
 */
function characterShort(marks: Box[], symbols: OcrSymbol[]): boolean {
  if (symbols.length > 2 || !symbols.every((s) => IDEOGRAPH.test(s.text)) || marks.length === 0) return false;
  // Specks of a noisy scan are not a character's strokes.
  const stroke = Math.max(...marks.map((m) => m[3] - m[1])) / 4;
  const ink = marks.filter((m) => m[2] - m[0] >= stroke || m[3] - m[1] >= stroke);
  const top = Math.min(...ink.map((m) => m[1]));
  const bottom = Math.max(...ink.map((m) => m[3]));
  const width = Math.max(...ink.map((m) => m[2])) - Math.min(...ink.map((m) => m[0]));
  // One line: the ink is no taller than its tallest mark and a half (a character's strokes
  // may be separate marks, but no mark reaches from one line into the next).
  const tallest = Math.max(...ink.map((m) => m[3] - m[1]));
  return bottom - top <= 1.5 * tallest && width > (symbols.length + 0.75) * (bottom - top);
}

/** One Chinese character. */
export const IDEOGRAPH = /^\p{Script=Han}$/u;

/** More of a cell's ink than this (by area) outside its characters' boxes: part of the cell was not read. */
const UNCOVERED = 0.25;

/**
 * The share of the ink's area (its marks' boxes) in marks that no character's box
 * touches. Dust left unread weighs little; a whole character tesseract dropped weighs
 * as much as the ones it read.
 */
function uncoveredShare(ink: Box[], symbols: OcrSymbol[]): number {
  const area = (b: Box) => Math.max(1, b[2] - b[0]) * Math.max(1, b[3] - b[1]);
  const grown = symbols.map((s) => grow(s.box, 2));
  let total = 0;
  let uncovered = 0;
  for (const mark of ink) {
    total += area(mark);
    if (!grown.some((g) => overlaps(g, mark))) uncovered += area(mark);
  }
  return total === 0 ? 0 : uncovered / total;
}

/** The characters of a cell as text: rows top to bottom, each left to right; words apart by a space unless Chinese meets Chinese. */
function cellText(symbols: OcrSymbol[]): string {
  const rows: { y1: number; symbols: OcrSymbol[] }[] = [];
  for (const s of [...symbols].sort((a, b) => centre(a.box)[1] - centre(b.box)[1])) {
    const row = rows.at(-1);
    if (row && centre(s.box)[1] <= row.y1) row.symbols.push(s);
    else rows.push({ y1: s.box[3], symbols: [s] });
  }
  let out = "";
  for (const row of rows) {
    let line = "";
    let last: OcrSymbol | undefined;
    for (const s of row.symbols.sort((a, b) => a.box[0] - b.box[0])) {
      const apart = last !== undefined && last.word !== s.word && !CJK.test(line.at(-1) ?? "") && !CJK.test(s.text[0] ?? "");
      line += apart ? ` ${s.text}` : s.text;
      last = s;
    }
    // Lines of a cell join without a separator (a label wrapped in its cell), except two numbers.
    out += out && /\d$/.test(out) && /^\d/.test(line) ? ` ${line}` : line;
  }
  return out;
}

export interface PositionContext {
  page: number;
  /** Pixels per point is dpi / 72. */
  dpi: number;
}

const toPoints = (px: number, dpi: number) => Math.round(((px * 72) / dpi) * 10) / 10;

/**
 * A pass's lines as positioned layout lines: one cell per group of words closer than
 * 0.9 em (em: the line's height), text joined as the PDF text path joins its items.
 */
export function positionedLines(lines: OcrLine[], ctx: PositionContext): LayoutLine[] {
  const out: LayoutLine[] = [];
  for (const line of lines) {
    const em = Math.max(1, line.box[3] - line.box[1]);
    const groups: OcrWord[][] = [];
    for (const w of [...line.words].sort((a, b) => a.box[0] - b.box[0])) {
      const group = groups.at(-1);
      if (group && !w.alone && !group.at(-1)!.alone && w.box[0] - group.at(-1)!.box[2] <= 0.9 * em) group.push(w);
      else groups.push([w]);
    }
    const cells = groups.map((g) => groupCell(g, em, ctx));
    out.push({ cells, page: ctx.page, top: toPoints(line.box[1], ctx.dpi), bottom: toPoints(line.box[3], ctx.dpi), x0: cells[0]!.x0! });
  }
  return out;
}

function groupCell(words: OcrWord[], em: number, ctx: PositionContext): LayoutCell {
  let text = "";
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const gap = i === 0 ? 0 : w.box[0] - words[i - 1]!.box[2];
    const cjkJoin = CJK.test(text.at(-1) ?? "") && CJK.test(w.text[0] ?? "");
    text += i > 0 && gap > 0.2 * em && !cjkJoin ? ` ${w.text}` : w.text;
  }
  const box = [Math.min(...words.map((w) => w.box[0])), Math.min(...words.map((w) => w.box[1])), Math.max(...words.map((w) => w.box[2])), Math.max(...words.map((w) => w.box[3]))].map((v) =>
    toPoints(v, ctx.dpi),
  ) as Box;
  const point = words.length === 1 ? words[0]!.inkPoint : undefined;
  return { text, x0: box[0], x1: box[2], confidence: Math.min(...words.map((w) => w.confidence)), origin: { kind: "pdf", page: ctx.page, box }, ...(point === undefined ? {} : { inkPoint: point }) };
}
