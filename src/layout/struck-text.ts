/**
 * Text struck through is deleted text. A report exported with its tracked changes showing
 * (LibreOffice's default, Word's "All Markup") prints a deletion struck through beside
 * the insertion that replaced it: "888" struck, then "15（含修订2件）" underlined, which
 * read together as one number made 88815 — silently. The strike is a thin horizontal line
 * through the middle of the characters' bodies, no longer than the text it crosses: a
 * table's ruling runs on past the text (and an underline lies under the baseline).
 * Only pages whose drawing operators are listed (those that may hold a table) are seen.
 */
import type { Issue } from "../model/issue.js";
import { emWidth } from "./cjk.js";
import type { Ruling, Rulings } from "./grid.js";
import type { Fragment } from "./pdf-lines.js";

export interface StruckText {
  text: string;
  /** Baseline, points from the page top. */
  baseline: number;
}

/** Whether `line` strikes through the fragments on one baseline that it crosses, rather than ruling past or under them. */
function strikes(line: Ruling, crossed: Fragment[]): boolean {
  const size = Math.max(...crossed.map((f) => f.size));
  const baseline = crossed[0]!.baseline;
  // Through the characters' bodies: above the baseline by 15–65 % of the size.
  const height = baseline - line.at;
  if (height < 0.15 * size || height > 0.65 * size || line.thickness > 0.15 * size) return false;
  // No longer than the text: at most a third of an em past it on either side.
  const x0 = Math.min(...crossed.map((f) => f.x0));
  const x1 = Math.max(...crossed.map((f) => f.x1));
  return line.to - line.from >= 0.4 * size && line.from >= x0 - size / 3 && line.to <= x1 + size / 3;
}

/** `fragment` without the characters whose centres lie under `spans`, as the runs left (each with its own extent). */
function cut(fragment: Fragment, spans: [number, number][]): { kept: Fragment[]; struck: string } {
  const chars = [...fragment.text];
  const unit = (fragment.x1 - fragment.x0) / chars.reduce((w, ch) => w + emWidth(ch), 0);
  const kept: Fragment[] = [];
  let struck = "";
  let run: Fragment | null = null;
  let x = fragment.x0;
  for (const ch of chars) {
    const width = emWidth(ch) * unit;
    const centre = x + width / 2;
    if (spans.some(([a, b]) => centre >= a && centre <= b)) {
      struck += ch;
      run = null;
    } else if (run) {
      run.text += ch;
      run.x1 = x + width;
    } else {
      run = { ...fragment, text: ch, x0: x, x1: x + width };
      kept.push(run);
    }
    x += width;
  }
  return { kept: kept.filter((f) => f.text.trim() !== ""), struck };
}

/** The page's fragments with struck-through characters left out, and what was left out. */
export function dropStruckText(fragments: Fragment[], rulings: Rulings | undefined): { fragments: Fragment[]; struck: StruckText[] } {
  if (!rulings || rulings.horizontal.length === 0) return { fragments, struck: [] };
  const spans = new Map<Fragment, [number, number][]>();
  for (const line of rulings.horizontal) {
    // The fragments the line crosses, on the baseline nearest above it.
    const over = fragments.filter((f) => f.x1 > line.from && f.x0 < line.to && f.baseline > line.at && f.baseline - line.at < f.size);
    if (over.length === 0) continue;
    const baseline = Math.min(...over.map((f) => f.baseline));
    const crossed = over.filter((f) => Math.abs(f.baseline - baseline) < 0.2 * f.size);
    if (!strikes(line, crossed)) continue;
    for (const f of crossed) spans.set(f, [...(spans.get(f) ?? []), [line.from, line.to]]);
  }
  if (spans.size === 0) return { fragments, struck: [] };
  const struck: StruckText[] = [];
  const out = fragments.flatMap((f) => {
    const under = spans.get(f);
    if (!under) return [f];
    const { kept, struck: text } = cut(f, under);
    if (text) struck.push({ text, baseline: f.baseline });
    return text ? kept : [f];
  });
  return { fragments: out, struck };
}

/** The issue that says struck text was left out (PDF pages and HTML pages alike). */
export function struckTextIssue(text: string, page?: number): Issue {
  const where = page === undefined ? "" : `page ${page}: `;
  return { code: "TEXT_STRUCK", severity: "warning", path: null, message: `${where}"${text}" is printed struck through (a deletion shown with its tracked changes) and was left out` };
}
