/**
 * Numbers outside ruled tables — a borderless table's values — read as carefully as a
 * ruled table's cells. The page pass (chi_sim over the whole page) reads a lone number on
 * a noisy 200-dpi scan badly: "22" as 二, "2" as 之, a lone "1" as nothing at all
 * (pingtan-2023 printed without rulings and scanned: 9 of table 三's 90 non-zero values).
 * Its ink is plain, though: a short run of narrow marks of the digits' height, apart
 * from its neighbours. Such runs are found in the ink itself, read by the digit model
 * (one strip for the page, each doubtful one again on its own, as table.ts does for
 * cells), and their readings replace what the pass made of them — or stand where the
 * pass read nothing. A run no reading settles stays as the pass read it, or, when the
 * pass read nothing there, becomes "?" so that the cell it lands in is flagged as
 * unreadable rather than silently blank.
 */
import { components, numberShape, typicalHeight, type Component } from "../../layout/raster/components.js";
import type { Raster } from "../../layout/raster/raster.js";
import type { OcrPool } from "../_internal/tesseract.js";
import { cleanCell, digitCount, isNumberText, signed, tidyNumber, type CleanCell } from "./cells.js";
import { readStrips, settleNumber, type TableContext } from "./table.js";
import { centre, grow, IDEOGRAPH, inside, type Box, type OcrLine, type OcrSymbol, type OcrWord, type PassCell } from "./words.js";

export interface LooseNumbersContext {
  pool: OcrPool;
  page: number;
  dpi: number;
  threshold: number;
}

/** A run of ink on one line: marks closer to each other than a fraction of their height. */
interface InkRun {
  box: Box;
  marks: Component[];
}

/** Marks this close (in their height) on one line are one run: digits of a number sit ~0.15 of it apart, table columns an em or more. */
const RUN_GAP = 0.4;

/** What the ink of a page holds that may be numbers: runs of marks, each on one line. */
function inkRuns(page: Raster, threshold: number, dpi: number): InkRun[] {
  // Dust is not a mark; a mark taller than a third of an inch or wider than an inch is a line or a picture.
  const marks = components(page, threshold, 4)
    .filter((m) => m.y1 - m.y0 < dpi / 3 && m.x1 - m.x0 < dpi)
    .sort((a, b) => a.x0 - b.x0);
  const parent = marks.map((_, i) => i);
  const root = (i: number): number => (parent[i] === i ? i : (parent[i] = root(parent[i]!)));
  const maxHeight = dpi / 3;
  for (let i = 0; i < marks.length; i++) {
    const a = marks[i]!;
    for (let j = i + 1; j < marks.length && marks[j]!.x0 <= a.x1 + RUN_GAP * maxHeight; j++) {
      const b = marks[j]!;
      const h = Math.max(a.y1 - a.y0, b.y1 - b.y0) + 1;
      const gapX = b.x0 - a.x1 - 1;
      const overlapY = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0) + 1;
      const gapY = -overlapY;
      const sameLine = overlapY >= 0.3 * (Math.min(a.y1 - a.y0, b.y1 - b.y0) + 1) && gapX <= RUN_GAP * h;
      // The strokes of one character stacked one above the other (二, 三).
      const stacked = gapX < 0 && gapY <= RUN_GAP * h;
      if (sameLine || stacked) parent[root(j)] = root(i);
    }
  }
  const groups = new Map<number, Component[]>();
  marks.forEach((m, i) => groups.set(root(i), [...(groups.get(root(i)) ?? []), m]));
  return [...groups.values()].map((g) => ({
    marks: g,
    box: [Math.min(...g.map((m) => m.x0)), Math.min(...g.map((m) => m.y0)), Math.max(...g.map((m) => m.x1)) + 1, Math.max(...g.map((m) => m.y1)) + 1],
  }));
}

const area = (b: Box) => Math.max(0, b[2] - b[0]) * Math.max(0, b[3] - b[1]);
const overlapArea = (a: Box, b: Box) => area([Math.max(a[0], b[0]), Math.max(a[1], b[1]), Math.min(a[2], b[2]), Math.min(a[3], b[3])]);

/** A run that may be a number, with what the page pass read over it. */
interface Candidate {
  run: InkRun;
  cell: CleanCell & { shape: NonNullable<CleanCell["shape"]> };
  /** The pass's characters over the run, and their words. */
  symbols: OcrSymbol[];
  pass: PassCell;
}

function passOver(run: InkRun, words: OcrWord[], margin: number): Pick<Candidate, "symbols" | "pass"> {
  const zone = grow(run.box, margin);
  const symbols: OcrSymbol[] = [];
  let straddles = false;
  for (const word of words) {
    if (overlapArea(word.box, zone) === 0) continue;
    const mine = word.symbols.filter((s) => inside(zone, ...centre(s.box)));
    if (mine.length === 0) continue;
    symbols.push(...mine);
    if (mine.length < word.symbols.length) straddles = true;
  }
  const text = symbols
    .sort((a, b) => a.box[0] - b.box[0])
    .map((s) => s.text)
    .join("");
  const pass: PassCell = { text, confidence: symbols.length === 0 ? 100 : Math.min(...symbols.map((s) => s.wordConfidence)), symbols: symbols.length, straddles, partial: false };
  return { symbols, pass };
}

/**
 * Whether the pass's reading over a number's ink may be replaced. The run is already a
 * short line of narrow marks of the digits' height, apart from its neighbours; what the
 * pass made of it when unsure (二 for 22, 之 for 2, "。" for 0, "ad17" for 317) is not a
 * reading to keep, nor is a Chinese character read over a single narrow mark, whatever
 * its confidence (工 for a serifed 1, at 90: a Chinese character is never one narrow
 * stroke). Chinese read confidently over several marks may be a label's (川, 八): kept.
 */
function replaceable(c: Pick<Candidate, "pass" | "symbols">, shape: NonNullable<CleanCell["shape"]>): boolean {
  if (c.pass.symbols === 0 || isNumberText(tidyNumber(c.pass.text))) return true;
  const ideographs = c.symbols.filter((s) => IDEOGRAPH.test(s.text));
  if (ideographs.length > 2) return false;
  return shape.digits === 1 || !ideographs.some((s) => s.wordConfidence >= SURE_IDEOGRAPH);
}

/** A Chinese character read at this confidence or more over a number-shaped run of several marks is kept: it is a label's. */
const SURE_IDEOGRAPH = 60;

/** A pass reading sure enough to keep: a number of the ink's digit count (and point), read confidently, not across the run's edge. */
function readWell(c: Candidate): boolean {
  const text = tidyNumber(c.pass.text);
  return !c.pass.straddles && c.pass.confidence >= WELL_READ && isNumberText(text) && digitCount(text) === c.cell.shape.digits && text.includes(".") === c.cell.shape.point;
}

/** The pass's confidence in a number of the right shape above which it is not read again (most numbers of a report's prose). */
const WELL_READ = 80;

/**
 * The pass's lines with the page's loose numbers settled: `lines` come from the pass
 * over `page` (the page with ruled tables whited out), boxes in its pixels; the pass read
 * the page shrunk `passFactor` times. The runs are looked for in `page` itself: shrunk,
 * the digits of a number may touch and make one wide blot that is no number's shape (a
 * 200-dpi scan of a borderless table, read at 300 dpi and shrunk to 150 for the pass:
 * "364" found as nothing, and the pass had dropped it).
 */
export async function settleLooseNumbers(lines: OcrLine[], page: Raster, passFactor: number, ctx: LooseNumbersContext): Promise<OcrLine[]> {
  const words = lines.flatMap((l) => l.words);
  const runs = inkRuns(page, ctx.threshold, ctx.dpi).filter((r) => numberShape(r.marks) !== null);
  const passes = runs.map((run) => passOver(run, words, marginOf(run.box)));
  // The digits' height: that of the runs the pass itself read as numbers (a page with none
  // holds no table of numbers). Runs of another height (specks of a noisy scan, headings)
  // are dropped before any is cut out and cleaned.
  // A page that holds only a table's last row may have none the pass read as a number
  // (qinghe-2020 printed without rulings and scanned by poppler at 200 dpi: table 四's
  // fifteen values, alone on page 5, read as one 人): then a row of values tells it.
  const read = runs.filter((_, i) => passes[i]!.pass.symbols > 0 && isNumberText(tidyNumber(passes[i]!.pass.text))).map((r) => heightOf(r.box)).sort((a, b) => a - b);
  const runHeight = read.length > 0 ? read[Math.floor(read.length / 2)]! : valueRowHeight(runs.map((r) => ({ box: r.box, height: heightOf(r.box) })));
  if (runHeight === null) return lines;
  const found: Candidate[] = [];
  runs.forEach((run, i) => {
    if (Math.abs(heightOf(run.box) - runHeight) > runHeight * 0.3) return;
    const cell = cleanCell(page, grow(run.box, marginOf(run.box)), 0, ctx.threshold, ctx.dpi);
    if (cell.shape && replaceable(passes[i]!, cell.shape)) found.push({ run, cell: cell as Candidate["cell"], ...passes[i]! });
  });
  const digitHeight =
    typicalHeight(found.filter((c) => c.pass.symbols > 0 && isNumberText(tidyNumber(c.pass.text))).map((c) => c.cell.shape)) ??
    valueRowHeight(found.map((c) => ({ box: c.run.box, height: c.cell.shape.height })));
  if (digitHeight === null) return lines;
  const candidates = found.filter((c) => Math.abs(c.cell.shape.height - digitHeight) <= digitHeight * 0.2 && !readWell(c));
  if (candidates.length === 0) return lines;
  const tableCtx: TableContext = { pool: ctx.pool, page: ctx.page, dpi: ctx.dpi, threshold: ctx.threshold, inset: 0, reread: { count: 0 } };
  const strips = await readStrips(
    candidates.map((c) => c.cell),
    digitHeight,
    tableCtx,
  );
  const settled = await Promise.all(candidates.map((c, i) => settleNumber(c.cell, c.pass, strips[i] ?? null, tableCtx)));
  // The pass's characters over a settled run go; the reading takes their place.
  const replaced = new Set<OcrSymbol>();
  const placed: OcrWord[] = [];
  candidates.forEach((c, i) => {
    const reading = settled[i];
    if (reading) {
      for (const symbol of c.symbols) replaced.add(symbol);
      const text = signed(reading.text, c.cell.shape);
      placed.push({ text, confidence: reading.confidence, box: c.run.box, symbols: [{ text, confidence: reading.confidence, wordConfidence: reading.confidence, box: c.run.box, word: -1 - i }], alone: true });
    } else if (c.pass.symbols === 0) {
      // Ink of a number that nothing read: a token, not a blank.
      placed.push({ text: "?", confidence: 0, box: c.run.box, symbols: [], alone: true });
    }
  });
  const out: OcrLine[] = lines.map((l) => ({
    box: l.box,
    words: l.words.flatMap((w) => {
      const rest = w.symbols.filter((s) => !replaced.has(s));
      if (rest.length === w.symbols.length) return [w];
      if (rest.length === 0) return [];
      const box: Box = [Math.min(...rest.map((s) => s.box[0])), Math.min(...rest.map((s) => s.box[1])), Math.max(...rest.map((s) => s.box[2])), Math.max(...rest.map((s) => s.box[3]))];
      return [{ ...w, text: rest.map((s) => s.text).join(""), symbols: rest, box }];
    }),
  }));
  // The ink of a settled number is read: a pass word that holds none but theirs goes.
  const zones = placed.map((w) => ({ zone: grow(w.box, marginOf(w.box)), height: heightOf(w.box) }));
  const dust = DUST * passFactor * passFactor;
  for (const l of out) l.words = l.words.filter((w) => !readsOnlyPlaced(w, zones, page, ctx.threshold, dust));
  for (const word of placed) place(out, word);
  return out.filter((l) => l.words.length > 0);
}

const heightOf = (box: Box) => box[3] - box[1];

/** Number-shaped runs on one line, this many or more, are a borderless table's row of values. */
const VALUE_ROW = 4;

/**
 * The height of the digits of a row of values — the most runs of one height side by side
 * on one line, at least VALUE_ROW of them — or null when the page shows no such row. Prose
 * has no four number-shaped marks apart on one line that are not numbers.
 */
function valueRowHeight(runs: { box: Box; height: number }[]): number | null {
  let best: number[] = [];
  for (const a of runs) {
    const mid = (a.box[1] + a.box[3]) / 2;
    const row = runs.filter((b) => Math.abs((b.box[1] + b.box[3]) / 2 - mid) <= 0.35 * a.height && Math.abs(b.height - a.height) <= 0.15 * a.height).map((b) => b.height);
    if (row.length > best.length) best = row;
  }
  if (best.length < VALUE_ROW) return null;
  best.sort((x, y) => x - y);
  return best[Math.floor(best.length / 2)]!;
}

/** How far around a number's box its ink may reach: a quarter of its height, 2 px at least. */
const marginOf = (box: Box) => Math.max(2, Math.round(heightOf(box) * 0.25));

/** Fewer dark pixels than a speck of dust (components' smallest mark, in the pass's pixels) are no ink. */
const DUST = 4;

/**
 * Whether a word of the pass read nothing but settled numbers: it lies on or against one
 * (a quarter of the digits' height past its zone at most), and its box holds no ink
 * outside their zones. Tesseract boxes a number it read badly beside its ink (a sliver
 * just right of a "1") or across two numbers and the gap between them (人 over "0 … 1"):
 * such a word, kept, is the number read twice — a phantom value in the row.
 */
export function readsOnlyPlaced(word: OcrWord, zones: { zone: Box; height: number }[], page: Raster, threshold: number, dust: number): boolean {
  if (word.alone) return false;
  const [x0, y0, x1, y1] = word.box.map(Math.round) as Box;
  const near = zones.filter(({ zone: z, height }) => z[0] - height / 4 <= x1 && x0 <= z[2] + height / 4 && z[1] < y1 && y0 < z[3]).map((z) => z.zone);
  if (near.length === 0) return false;
  let own = 0;
  for (let y = Math.max(0, y0); y < Math.min(page.height, y1); y++) {
    for (let x = Math.max(0, x0); x < Math.min(page.width, x1); x++) {
      if (page.data[y * page.width + x]! < threshold && !near.some((z) => inside(z, x, y)) && ++own >= dust) return false;
    }
  }
  return true;
}

/** Whether a word of the pass is a second reading of a placed number's ink: mostly on it, or a mark or two that touch it ("0o"). */
function sameInk(w: OcrWord, placed: OcrWord): boolean {
  const overlap = overlapArea(w.box, placed.box);
  return overlap >= 0.5 * area(w.box) || (overlap > 0 && /^[^\p{Script=Han}]{1,2}$/u.test(w.text));
}

/**
 * Puts a word on the line it sits on (half its height inside the line's), or on a line of
 * its own. A word of the pass on the same ink (its characters' centres fell just outside
 * the run) is the same number read twice, and goes.
 */
function place(lines: OcrLine[], word: OcrWord): void {
  for (const l of lines) l.words = l.words.filter((w) => w.alone || !sameInk(w, word));
  const height = word.box[3] - word.box[1];
  const line = lines.find((l) => Math.min(l.box[3], word.box[3]) - Math.max(l.box[1], word.box[1]) >= height / 2);
  if (line) {
    line.words.push(word);
    line.box = [Math.min(line.box[0], word.box[0]), Math.min(line.box[1], word.box[1]), Math.max(line.box[2], word.box[2]), Math.max(line.box[3], word.box[3])];
  } else lines.push({ box: [...word.box], words: [word] });
}
