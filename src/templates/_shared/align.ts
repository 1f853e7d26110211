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
  /**
   * Keys left unmatched because order alone put a row there and another alignment, just
   * as good, puts another row there or that row elsewhere: key → the rows that fit it.
   */
  ambiguous: Map<K, number[]>;
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

const SCORE = { named: 2, mentioned: 1, unlabelled: 0.5, fragment: 0.25, contradicted: -1 } as const;

/**
 * Each row enumerator anywhere in a label: "1." "2．" "3、" (a group's is "（四）"); "2.1." is
 * two. Not text.ts's ENUMERATOR, which asks whether a label opens with one of any kind.
 */
const ITEM_NUMBERS = /(?<!\d)\d{1,2}[.．、]/g;

/**
 * @param names - the rows' own words: a label without any cue (garbled by OCR) that
 *   clearly resembles one row's words is taken to name that row.
 * @param fragments - rows that are likelier a piece of another row's label than a row
 *   (a borderless row printed with no value and no enumerator): placed by order only
 *   where no row with values fits as well.
 */
export function alignRows<K extends string>(labels: readonly string[], keys: readonly K[], cues: Record<K, RegExp>, names?: Record<K, string>, fragments?: readonly boolean[]): Alignment<K> {
  // How many keys each label's cues mention: a label that mentions several (two rows'
  // labels run together, as OCR of a borderless table can give) names none decisively.
  const mentions: number[] = [];
  const score = labels.map((label, i) => {
    const found = cueHits(label, keys, cues);
    const hits = found.hits;
    mentions.push(hits.size);
    // Two rows' labels run together ("2.…1.本机关不掌握…没有现成信息"): the cue that ends
    // last names neither; each is mentioned, and order decides between them.
    const merged = hits.size >= 2 && (label.match(ITEM_NUMBERS) ?? []).length >= 2;
    const best = merged ? undefined : (found.best ?? (names && label.length >= 2 ? closestName(label, names, keys) : undefined));
    const unlabelled = fragments?.[i] ? SCORE.fragment : SCORE.unlabelled;
    return keys.map((key) => (best === key ? SCORE.named : hits.has(key) ? SCORE.mentioned : best || merged ? SCORE.contradicted : unlabelled));
  });
  const best = bestAlignment(score, keys);
  // A row no cue names (its label garbled, or lost) is placed by order alone, and a row
  // whose label mentions several keys by which of them ends last. That is certain only
  // when every alignment as good as the best puts that row on that key; otherwise the
  // row is not placed, and the key is left for the caller to flag.
  const ambiguous = new Map<K, number[]>();
  for (const [i, key] of [...best.matches]) {
    const j = keys.indexOf(key);
    if (score[i]![j] === SCORE.named && mentions[i]! <= 1) continue;
    const without: number[][] = score.map((row) => [...row]);
    without[i]![j] = 0;
    const other = bestAlignment(without, keys);
    if (other.score < best.score) continue;
    const rival = [...other.matches].find(([, k]) => k === key)?.[0];
    ambiguous.set(key, rival === undefined ? [i] : [i, rival].sort((x, y) => x - y));
    // The row may fit another key as well: that key is no more certain.
    const elsewhere = other.matches.get(i);
    if (elsewhere !== undefined && !ambiguous.has(elsewhere) && ![...best.matches.values()].includes(elsewhere)) ambiguous.set(elsewhere, [i]);
  }
  for (const key of ambiguous.keys()) for (const [i, k] of best.matches) if (k === key) best.matches.delete(i);
  return { ...best, ambiguous };
}

/** The monotone alignment (like a diff) of rows to keys that maximises the total score; only positive scores match. */
function bestAlignment<K extends string>(score: number[][], keys: readonly K[]): { matches: Map<number, K>; score: number } {
  const n = score.length;
  const m = keys.length;
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
