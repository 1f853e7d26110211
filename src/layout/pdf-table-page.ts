/**
 * Whether a PDF page may hold a ruled template table, decided from its text alone: the
 * page's drawing operators (for the rulings, layout/pdf-rulings.ts) cost pdf.js about as
 * much again as the text, and only pages with table values need them.
 */
import { TABLE_KEYS, TEMPLATES } from "../definition/index.js";
import type { Fragment } from "./pdf-lines.js";

/** Words a template table prints: its row cues (行政处罚, 予以公开, …) and table 四's column labels (结果维持, …). */
const TABLE_WORDS = new RegExp(
  TABLE_KEYS.flatMap((key) => {
    const table = TEMPLATES["2021"].tables[key];
    return [...table.rows.map((r) => r.cue.source), ...(key === "reviewLitigation" ? (table.columns ?? []).map((c) => c.label) : [])];
  }).join("|"),
);

const NUMBER = /^[0-9０-９][0-9０-９.,]*$/;
/** A run of bare numbers (one run may hold a row's values apart by spaces: 12 5 3), or null. */
const numbersOf = (f: Fragment) => {
  const tokens = f.text.trim().split(/\s+/);
  return tokens.every((t) => NUMBER.test(t)) ? tokens : null;
};

/**
 * Bare numbers that stand in a cell of their own: no words on their line within half
 * their size on either side (other numbers may be close: narrow columns of values). A
 * table's values do; the digits of prose, which WPS and Word print as runs of their own
 * in a Latin font, touch the words around them.
 */
function standingNumbers(fragments: Fragment[]): number {
  const byLine = [...fragments].sort((a, b) => a.baseline - b.baseline || a.x0 - b.x0);
  let count = 0;
  for (let i = 0; i < byLine.length; i++) {
    const f = byLine[i]!;
    const numbers = numbersOf(f);
    if (!numbers) continue;
    const room = f.size / 2;
    const crowds = (g: Fragment) => Math.abs(g.baseline - f.baseline) < room && g.x0 < f.x1 + room && g.x1 > f.x0 - room && !numbersOf(g);
    let crowded = false;
    for (let j = i - 1; j >= 0 && !crowded && f.baseline - byLine[j]!.baseline < room; j--) crowded = crowds(byLine[j]!);
    for (let j = i + 1; j < byLine.length && !crowded && byLine[j]!.baseline - f.baseline < room; j++) crowded = crowds(byLine[j]!);
    if (!crowded) count += numbers.length;
  }
  return count;
}

/**
 * Whether a page may hold a ruled template table whose values its rulings would place:
 * a few numbers standing in cells of their own, or one beside a table's words (the tail
 * of a table broken by a page: 行政处罚 | 1330). A page of prose, whose numbers touch
 * their words, has no cells to place values in: its rulings are not listed.
 */
export function mayHoldTable(fragments: Fragment[]): boolean {
  const numbers = standingNumbers(fragments);
  return numbers >= 2 || (numbers > 0 && fragments.some((f) => TABLE_WORDS.test(f.text)));
}
