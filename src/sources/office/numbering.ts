/**
 * Word's automatic paragraph numbering. Chapter headings in Word reports are often
 * numbered by the list engine ("一、" is in numbering.xml, not in the text), so the
 * numbers are put back: each list level's counter, formatted by its numFmt and
 * printed by its lvlText ("%1、", "（%2）").
 */
import { attribute, childElements, descendantsNamed, firstChild, type Element } from "./xml.js";

interface Level {
  start: number;
  format: string;
  text: string;
}

const CHINESE_DIGITS = "零一二三四五六七八九";

/** 1–99 in Chinese counting (一, 十, 十一, 二十一). */
function chineseCounting(n: number): string {
  if (n < 10) return CHINESE_DIGITS[n]!;
  if (n < 100) {
    const tens = Math.floor(n / 10);
    const ones = n % 10;
    return `${tens === 1 ? "" : CHINESE_DIGITS[tens]!}十${ones ? CHINESE_DIGITS[ones]! : ""}`;
  }
  return String(n);
}

function roman(n: number): string {
  const table: [number, string][] = [[1000, "M"], [900, "CM"], [500, "D"], [400, "CD"], [100, "C"], [90, "XC"], [50, "L"], [40, "XL"], [10, "X"], [9, "IX"], [5, "V"], [4, "IV"], [1, "I"]];
  let out = "";
  for (const [v, s] of table) {
    while (n >= v) {
      out += s;
      n -= v;
    }
  }
  return out;
}

function letters(n: number): string {
  const letter = String.fromCharCode(64 + (((n - 1) % 26) + 1));
  return letter.repeat(Math.floor((n - 1) / 26) + 1);
}

/** A counter in a numFmt; formats not listed print as decimal. */
function formatNumber(n: number, format: string): string {
  switch (format) {
    case "chineseCounting":
    case "chineseCountingThousand":
    case "chineseLegalSimplified":
    case "ideographTraditional":
    case "japaneseCounting":
    case "taiwaneseCounting":
      return chineseCounting(n);
    case "decimalFullWidth":
    case "decimalFullWidth2":
      return String(n).replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));
    case "decimalEnclosedCircle":
    case "decimalEnclosedCircleChinese":
      return n >= 1 && n <= 20 ? String.fromCharCode(0x2460 + n - 1) : String(n);
    case "upperLetter":
      return letters(n);
    case "lowerLetter":
      return letters(n).toLowerCase();
    case "upperRoman":
      return roman(n);
    case "lowerRoman":
      return roman(n).toLowerCase();
    case "none":
    case "bullet":
      return "";
    default:
      return String(n);
  }
}

const intAttr = (el: Element | undefined, fallback: number) => {
  const v = el ? Number.parseInt(attribute(el, "val") ?? "", 10) : Number.NaN;
  return Number.isFinite(v) ? v : fallback;
};

function readLevels(abstract: Element): Map<number, Level> {
  const levels = new Map<number, Level>();
  for (const lvl of childElements(abstract, "lvl")) {
    const ilvl = Number.parseInt(attribute(lvl, "ilvl") ?? "0", 10);
    levels.set(ilvl, {
      start: intAttr(firstChild(lvl, "start"), 1),
      format: attribute(firstChild(lvl, "numFmt") ?? lvl, "val") ?? "decimal",
      // A bullet's symbol is a private-use glyph: bullets print nothing here.
      text: attribute(firstChild(lvl, "numFmt") ?? lvl, "val") === "bullet" ? "" : (attribute(firstChild(lvl, "lvlText") ?? lvl, "val") ?? ""),
    });
  }
  return levels;
}

/** The numbering of one document: give it each numbered paragraph in order, it gives the label. */
export class Numbering {
  /** numId → its levels (from its abstractNum, with the num's level overrides). */
  private readonly lists = new Map<string, Map<number, Level>>();
  /** abstractNum id → counters per level: lists that share an abstract definition count on together, as Word does. */
  private readonly counters = new Map<string, number[]>();
  private readonly abstractOf = new Map<string, string>();

  constructor(numberingXml: Element | undefined) {
    if (!numberingXml) return;
    const abstracts = new Map(childElements(numberingXml, "abstractNum").map((a) => [attribute(a, "abstractNumId") ?? "", readLevels(a)]));
    for (const num of childElements(numberingXml, "num")) {
      const id = attribute(num, "numId") ?? "";
      const abstractId = attribute(firstChild(num, "abstractNumId") ?? num, "val") ?? "";
      const levels = new Map(abstracts.get(abstractId) ?? []);
      for (const override of childElements(num, "lvlOverride")) {
        const ilvl = Number.parseInt(attribute(override, "ilvl") ?? "0", 10);
        // A w:lvl inside the override replaces the level outright.
        for (const [k, v] of readLevels(override)) levels.set(k, v);
        const start = firstChild(override, "startOverride");
        const base = levels.get(ilvl);
        if (start && base) levels.set(ilvl, { ...base, start: intAttr(start, base.start) });
      }
      this.lists.set(id, levels);
      this.abstractOf.set(id, abstractId);
    }
  }

  /** The label of the next paragraph of list `numId` at level `ilvl` ("一、"), or "" for none. */
  next(numId: string, ilvl: number): string {
    const levels = this.lists.get(numId);
    const level = levels?.get(ilvl);
    if (!levels || !level || numId === "0") return "";
    const key = this.abstractOf.get(numId) ?? numId;
    const counters = this.counters.get(key) ?? [];
    counters[ilvl] = (counters[ilvl] ?? (level.start - 1)) + 1;
    // A level restarts under a new item of the level above it.
    counters.length = ilvl + 1;
    this.counters.set(key, counters);
    return level.text.replace(/%(\d)/g, (_, d: string) => {
      const at = Number(d) - 1;
      const l = levels.get(at);
      return l ? formatNumber(counters[at] ?? l.start, l.format) : "";
    });
  }
}

/** A paragraph's list membership: its own w:numPr, else its style's (styles.xml). */
export function paragraphNumbering(p: Element, styleNumbering: Map<string, { numId: string; ilvl: number }>): { numId: string; ilvl: number } | null {
  const pPr = firstChild(p, "pPr");
  const numPr = pPr ? firstChild(pPr, "numPr") : undefined;
  if (numPr) {
    const numId = attribute(firstChild(numPr, "numId") ?? numPr, "val");
    if (numId !== undefined) return { numId, ilvl: intAttr(firstChild(numPr, "ilvl"), 0) };
  }
  const style = pPr ? attribute(firstChild(pPr, "pStyle") ?? pPr, "val") : undefined;
  return style ? (styleNumbering.get(style) ?? null) : null;
}

/** Paragraph styles that carry numbering (a heading style numbered "一、"). */
export function styleNumberings(stylesXml: Element | undefined): Map<string, { numId: string; ilvl: number }> {
  const out = new Map<string, { numId: string; ilvl: number }>();
  if (!stylesXml) return out;
  for (const style of descendantsNamed(stylesXml, "style")) {
    const pPr = firstChild(style, "pPr");
    const numPr = pPr ? firstChild(pPr, "numPr") : undefined;
    const numId = numPr ? attribute(firstChild(numPr, "numId") ?? numPr, "val") : undefined;
    const id = attribute(style, "styleId");
    if (numId !== undefined && id) out.set(id, { numId, ilvl: intAttr(numPr && firstChild(numPr, "ilvl"), 0) });
  }
  return out;
}
