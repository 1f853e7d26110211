/**
 * Text drawn twice, a fraction of a point apart: the "bold" of a producer whose font has
 * no bold face (wkhtmltopdf, some office suites) paints the run again slightly offset.
 * The text layer then holds every such word twice, and a line would read
 * "三、收到和处理…情况三、收到和处理…情况" — a heading no parser knows. The copy is
 * dropped: the same text, the same size, its start and baseline within a tenth of an em
 * of the first. Two real words side by side are at least their width apart.
 */
import type { Fragment } from "./pdf-lines.js";

export function dropOverprints(fragments: Fragment[]): Fragment[] {
  const byText = new Map<string, Fragment[]>();
  const kept: Fragment[] = [];
  for (const f of fragments) {
    const key = f.text.trim();
    const same = key === "" ? undefined : byText.get(key);
    const near = (g: Fragment) => Math.abs(g.size - f.size) <= 0.05 * f.size && Math.abs(g.x0 - f.x0) <= 0.1 * f.size && Math.abs(g.baseline - f.baseline) <= 0.1 * f.size;
    if (same?.some(near)) continue;
    if (key !== "") byText.set(key, [...(same ?? []), f]);
    kept.push(f);
  }
  return kept.length === fragments.length ? fragments : kept;
}
