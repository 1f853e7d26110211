/** Text normalisation shared by the template parsers. */
import { unifyRadicals } from "../../layout/cjk.js";

/** CJK ideographs and full-width punctuation. */
export const CJK = /[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef“”‘’]/;

/**
 * The form labels are compared in: radicals as the ideographs they stand for (a text
 * layer pasted into a page keeps ⾏ for 行), NFKC (full-width digits, letters and brackets to
 * ASCII, ．→.), no whitespace at all (labels arrive split over lines and spans),
 * and 、/．/. after an item number unified to ".".
 */
export function compact(text: string): string {
  return unifyRadicals(text)
    .normalize("NFKC")
    .replace(/[\s\u00a0\u3000]+/g, "")
    .replace(/(^|[^0-9])([0-9])[、,]/g, "$1$2.");
}

/** Removes spaces between two CJK characters (justified PDF text prints "商 业 企 业"). */
export function tidyCjkSpaces(text: string): string {
  return text.replace(/([\u3000-\u303f\u3400-\u9fff\uff00-\uffef“”])[ \t\u00a0\u3000]+(?=[\u3000-\u303f\u3400-\u9fff\uff00-\uffef“”])/g, "$1");
}

/**
 * How much of `name` appears, in order, in `label` (longest common subsequence over
 * the length of `name`): 1 when the label contains it, ~0.75 with one character of
 * four misread. Used where OCR has garbled a label's cue.
 */
export function nameSimilarity(label: string, name: string): number {
  if (!name) return 0;
  const a = [...label];
  const b = [...name];
  let prev = new Array<number>(b.length + 1).fill(0);
  for (const ca of a) {
    const cur = new Array<number>(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++) cur[j] = ca === b[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, cur[j - 1]!);
    prev = cur;
  }
  return prev[b.length]! / b.length;
}

/** Whether `label` holds every character of `name`, as many times as `name` has it, in any order. */
export function holdsCharacters(label: string, name: string): boolean {
  const left = new Map<string, number>();
  for (const c of label) left.set(c, (left.get(c) ?? 0) + 1);
  for (const c of name) {
    const n = left.get(c) ?? 0;
    if (n === 0) return false;
    left.set(c, n - 1);
  }
  return true;
}

/**
 * The name a garbled label most resembles, if it resembles one clearly (≥ 0.6, ahead of
 * the next by 0.15), or holds all of one long name's characters. Only names of four
 * characters or more take part (shorter ones resemble too much), and only labels not much
 * longer than the name (a label that gathered a whole header resembles everything).
 */
export function closestName<K extends string>(label: string, names: Record<K, string>, keys: readonly K[]): K | undefined {
  // A label whose lines OCR read out of order ("量反复申大量当理由4.无正请" for
  // 4.无正当理由大量反复申请) keeps a long name's characters, not their order: the one
  // name of six characters or more whose every character the label holds is the one it names.
  const whole = keys.filter((k) => [...names[k]].length >= 6 && label.length <= names[k].length * 2 + 8 && holdsCharacters(label, names[k]));
  if (whole.length === 1) return whole[0];
  const scored = keys
    .filter((k) => names[k].length >= 4 && label.length <= names[k].length * 2 + 8)
    .map((k) => ({ k, s: nameSimilarity(label, names[k]) }))
    .sort((x, y) => y.s - x.s);
  const [first, second] = scored;
  if (!first || first.s < 0.6) return undefined;
  return !second || first.s - second.s >= 0.15 ? first.k : undefined;
}

/** How a row label opens: "2.", "（六）", "三、" (spaced out or not). */
export const ENUMERATOR = /^\s*(\d+\s*[.．、]|[(（]\s*[一二三四五六七八九十]+\s*[)）]|[一二三四五六七八九十]+\s*、)/;
