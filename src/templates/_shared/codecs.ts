/**
 * Cell codecs: the printed text of a table cell → a typed reading. Government tables
 * print counts as "1,234", changes as "增 113"/"减 4"/"-18", amounts as "2997 万元"
 * or "251000元", notes beside a number ("22（其中修订16件）"), and blanks as empty
 * cells, dashes, "/" or "无".
 */
import type { AmountUnit } from "../../definition/index.js";

export type CellReading =
  | { kind: "blank" }
  | { kind: "number"; value: number; unit: AmountUnit | null; note: string | null }
  | { kind: "text" };

const BLANK = /^[\s\-—–－―_/／\\×*＊.。·…]*$|^[(（]?(无|空|暂无|不适用)[)）]?$/;

const NUMBER = new RegExp(
  "^(?<sign>增加?|减少?|[+＋]|[-−－])?\\s*" +
    "(?<digits>\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?|\\d+(?:\\.\\d+)?|\\.\\d+)" +
    "\\s*(?<unit>亿元|万元|元|件|个|项|条|次|人次|家|宗)?" +
    "\\s*(?<note>[(（［\\[《〈<{【].*)?$",
);

/** Normalises digits and separators that real cells print in full width. */
function normalizeNumberText(text: string): string {
  return text
    .normalize("NFKC")
    .replace(/[\u00a0\u3000]/g, " ")
    .replace(/(\d)\s*[，,]\s*(?=\d{3}(?!\d))/g, "$1,")
    .trim();
}

export function readCell(raw: string): CellReading {
  const text = normalizeNumberText(raw);
  if (BLANK.test(text)) return { kind: "blank" };
  const m = NUMBER.exec(text);
  if (!m?.groups) return { kind: "text" };
  const { sign, digits, unit, note } = m.groups;
  let value = Number((digits ?? "").replace(/,/g, ""));
  if (!Number.isFinite(value)) return { kind: "text" };
  if (sign && /^(减|-|−|－)/.test(sign)) value = -value;
  const amountUnit = unit === "元" || unit === "万元" || unit === "亿元" ? unit : null;
  return { kind: "number", value, unit: amountUnit, note: note ? note.trim() : null };
}

/** True when the reading can stand in a value column (a number or a blank). */
export function isValueReading(r: CellReading): boolean {
  return r.kind !== "text";
}

const YUAN: Record<AmountUnit, number> = { 元: 1, 万元: 1e4, 亿元: 1e8 };

/** An amount printed in `from`, in `to` (rounded to 6 decimals: printed amounts have at most 4). */
export function convertAmount(value: number, from: AmountUnit, to: AmountUnit): number {
  return Math.round(((value * YUAN[from]) / YUAN[to]) * 1e6) / 1e6;
}

/** The unit a column header names, e.g. "本年收费金额（单位：万元）" or "采购总金额（元）". */
export function headerUnit(header: string): AmountUnit | null {
  const text = header.normalize("NFKC");
  // "（单位：万" / "元）" wrapped, with another column's text read in between: the
  // multiplier right after 单位 decides.
  const wrapped = /单位[:：]?\s*(亿|万)(?!元)/.exec(text);
  if (wrapped && /元/.test(text.slice(wrapped.index))) return `${wrapped[1]}元` as AmountUnit;
  const m = /(亿元|万元|元)/.exec(text);
  return (m?.[1] as AmountUnit | undefined) ?? null;
}
