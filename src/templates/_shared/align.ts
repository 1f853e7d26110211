/**
 * Aligns observed table rows with the template's rows, in order. Each label is
 * scored against every key by its cues; a monotone alignment (like a diff) then
 * maximises the total score. Order settles what labels cannot: rows whose labels
 * were lost (detached in a conversion, unreadable) still land in sequence, while a
 * row whose label clearly names another key is never forced into the wrong slot.
 */

import { closestName } from "./text.js";

export interface Alignment<K extends string> {
  /** Observed row index → template key. */
  matches: Map<number, K>;
  score: number;
}

/** Each cue's global form, made once (labels are many, cues few). */
const GLOBAL = new WeakMap<RegExp, RegExp>();
const globalOf = (cue: RegExp) => GLOBAL.get(cue) ?? GLOBAL.set(cue, new RegExp(cue.source, cue.flags.includes("g") ? cue.flags : `${cue.flags}g`)).get(cue)!;

/** The key whose cue ends last in the label (the row's own label follows any group label), and every key mentioned. */
export function cueHits<K extends string>(label: string, keys: readonly K[], cues: Record<K, RegExp>): { best: K | undefined; hits: Set<K> } {
  let best: K | undefined;
  let bestEnd = -1;
  let bestLength = 0;
  const hits = new Set<K>();
  for (const key of keys) {
    for (const m of label.matchAll(globalOf(cues[key]))) {
      hits.add(key);
      const end = m.index + m[0].length;
      if (end > bestEnd || (end === bestEnd && m[0].length > bestLength)) {
        best = key;
        bestEnd = end;
        bestLength = m[0].length;
      }
    }
  }
  return { best, hits };
}

const SCORE = { named: 2, mentioned: 1, unlabelled: 0.5, contradicted: -1 } as const;

/**
 * @param names - the rows' own words: a label without any cue (garbled by OCR) that
 *   clearly resembles one row's words is taken to name that row.
 */
export function alignRows<K extends string>(labels: readonly string[], keys: readonly K[], cues: Record<K, RegExp>, names?: Record<K, string>): Alignment<K> {
  const n = labels.length;
  const m = keys.length;
  const score = labels.map((label) => {
    const found = cueHits(label, keys, cues);
    const hits = found.hits;
    const best = found.best ?? (names && label.length >= 2 ? closestName(label, names, keys) : undefined);
    return keys.map((key) => (best === key ? SCORE.named : hits.has(key) ? SCORE.mentioned : best ? SCORE.contradicted : SCORE.unlabelled));
  });
  // dp[i][j]: best total for the first i rows and the first j keys.
  const dp: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  const step: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0)); // 0 skip row, 1 skip key, 2 match
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      let best = dp[i - 1]![j]!;
      let how = 0;
      if (dp[i]![j - 1]! > best) {
        best = dp[i]![j - 1]!;
        how = 1;
      }
      const s = score[i - 1]![j - 1]!;
      if (s > 0 && dp[i - 1]![j - 1]! + s >= best) {
        best = dp[i - 1]![j - 1]! + s;
        how = 2;
      }
      dp[i]![j] = best;
      step[i]![j] = how;
    }
  }
  const matches = new Map<number, K>();
  let i = n;
  let j = m;
  while (i > 0 && j > 0) {
    const how = step[i]![j]!;
    if (how === 2) {
      matches.set(i - 1, keys[j - 1]!);
      i--;
      j--;
    } else if (how === 1) j--;
    else i--;
  }
  return { matches, score: dp[n]![m]! };
}
