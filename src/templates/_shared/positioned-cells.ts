/**
 * Cells of a PDF's positioned lines (text-layer and OCR'd pages): their boxes, the numbers
 * in them, and a cell that runs several numbers together cut into one per number.
 */
import type { LayoutCell, LayoutLine } from "../../model/layout.js";
import { readCell } from "./codecs.js";
import { CJK } from "./text.js";

/** A horizontal extent, in points. */
export interface Span {
  x0: number;
  x1: number;
}

/** A number alone, signed or with decimals: no note, no unit, no text. */
export const BARE_NUMBER = /^[-−－]?\d[\d,]*(?:\.\d+)?$/;

/** Whether a cell reads as a number (a note or unit beside it allowed). */
export const isNumberCell = (c: LayoutCell) => readCell(c.text).kind === "number";
export const centreOf = (l: LayoutLine) => ((l.top ?? 0) + (l.bottom ?? 0)) / 2;

/** A text's width in ems: CJK characters a full em, the rest half. */
const weight = (text: string) => [...text].reduce((w, ch) => w + (CJK.test(ch) ? 1 : 0.5), 0);

/**
 * A PDF cell that holds several numbers ("1234 5678", two narrow columns run together;
 * "1 15（含修订2件）", the last with its note) → one cell per number, each placed at its
 * share of the cell's width (CJK characters a full em, the rest half).
 */
export function splitNumberRun(cell: LayoutCell): LayoutCell[] {
  const tokens = cell.text.trim().split(/\s+/);
  // A note ("（含修订2件）") and what follows it belong to the number before it.
  const note = tokens.findIndex((t) => /[(（]/.test(t));
  // The note opens its own token ("15 （含…）") or follows the digits in one ("15（含…）").
  const from = note > 0 && !/^\d/.test(tokens[note]!) ? note - 1 : note;
  const parts = note >= 0 ? [...tokens.slice(0, from), tokens.slice(from).join(" ")] : tokens;
  const bare = (p: string) => /^\d[\d,.]*$/.test(p);
  const last = parts.at(-1)!;
  if (parts.length < 2 || !parts.slice(0, -1).every(bare) || !/^\d/.test(last) || readCell(last).kind !== "number" || cell.x0 === undefined || cell.x1 === undefined) return [cell];
  const unit = (cell.x1 - cell.x0) / weight(cell.text);
  const out: LayoutCell[] = [];
  let offset = 0;
  for (const part of parts) {
    const at = cell.text.indexOf(part, offset);
    const start = cell.x0 + weight(cell.text.slice(0, at)) * unit;
    offset = at + part.length;
    out.push({ ...cell, text: part, x0: start, x1: start + weight(part) * unit });
  }
  return out;
}

/**
 * A note a line holds as a cell of its own ("15" "( 含修订2件)": OCR reads the space
 * between them as a gap between cells) → joined to the bare number it follows, within
 * two of its characters' widths. The number keeps its own box: the note is no value of
 * the next column.
 */
export function joinNotes(cells: LayoutCell[]): LayoutCell[] {
  const out: LayoutCell[] = [];
  for (const cell of cells) {
    const prev = out.at(-1);
    if (prev && isNoteOf(cell, prev)) out[out.length - 1] = { ...prev, text: `${prev.text}${cell.text}` };
    else out.push(cell);
  }
  return out;
}

function isNoteOf(note: LayoutCell, number: LayoutCell): boolean {
  const text = note.text.trim();
  if (!/^[(（]/.test(text) || !/[)）]$/.test(text) || !BARE_NUMBER.test(number.text.trim())) return false;
  if (note.x0 === undefined || note.x1 === undefined || number.x1 === undefined) return false;
  if (readCell(`${number.text}${note.text}`).kind !== "number") return false;
  const em = (note.x1 - note.x0) / Math.max(1, weight(text));
  return note.x0 - number.x1 <= 2 * em;
}

/** 增/减 (增加/减少) printed before a number of table 二's 本年增/减 column: its sign. */
export const SIGN_WORD = /^(增加?|减少?)$/;

/**
 * A sign word a line holds as a cell of its own ("减" "12": OCR reads the space between
 * them as a gap between cells) → joined to the bare number after it, within two of its
 * characters' widths: alone it is no value, and the row would print one too many.
 */
export function joinSigns(cells: LayoutCell[]): LayoutCell[] {
  const out: LayoutCell[] = [];
  for (const cell of cells) {
    const prev = out.at(-1);
    if (prev && isSignOf(prev, cell)) out[out.length - 1] = { ...prev, text: `${prev.text.trim()} ${cell.text.trim()}`, ...(cell.x1 === undefined ? {} : { x1: cell.x1 }) };
    else out.push(cell);
  }
  return out;
}

function isSignOf(sign: LayoutCell, number: LayoutCell): boolean {
  const text = sign.text.trim();
  if (!SIGN_WORD.test(text) || !BARE_NUMBER.test(number.text.trim())) return false;
  if (sign.x0 === undefined || sign.x1 === undefined || number.x0 === undefined) return false;
  const em = (sign.x1 - sign.x0) / Math.max(1, weight(text));
  return number.x0 - sign.x1 <= 2 * em;
}

/** A cell's printed box on its page [x0, y0, x1, y1] (points from the top left), when it has one. */
export const boxOf = (cell: LayoutCell) => (cell.origin.kind === "pdf" || cell.origin.kind === "ofd" ? cell.origin.box : undefined);
