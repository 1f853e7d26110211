/**
 * Repair of OCR misreadings by the tables' own arithmetic. When identities fail on
 * OCR'd numbers, the record is taken part by part — its identities joined by the OCR'd
 * cells they share: table 三 is one part, each group of table 四 another, and no change
 * in one part touches another's identities — and in each part every repair is
 * enumerated — each a set of cells (one, else two) given another reading one misread
 * away (a digit confused with a look-alike: 3↔8, 5↔6, 1↔7, 0↔8 …, or dropped or
 * doubled) — under which every identity of the part holds. A repair of one cell may
 * also give its cell a reading two look-alikes away ("11" in a serif font read "34" at
 * 93), and a reading its readers were unsure of (below OCR_CONFIDENT: they disagreed, or
 * its ink contradicts it) any value of its count of digits: such a reading vouches for
 * nothing but that count ("77" read "14" at 40). A part's repair is applied only when it
 * is the part's unique one of the smallest size (so the record's repair, the parts'
 * together, is its unique smallest one too), and only when every cell it changes is
 * checked by two identities or more: one equation
 * can say that one of its cells is off, not which; a second one crossing it confirms the
 * cell. Otherwise the readings stay and the identity errors remain. Text-layer and HTML
 * values are never touched: there a failed identity is the source's own — and a
 * confident reading changes only to look-alikes, so that a scanned report's own
 * arithmetic error (a 总计 printed 0) is kept as printed.
 *
 * A cell left null because it could not be read (a row not found or not placed, a cell
 * unparsed: an error issue names it) is unknown, not blank: an identity it is a term of
 * says nothing about the other cells, and the repair does not use it.
 */
import { TEMPLATES, type Templates } from "../definition/index.js";
import type { Issue } from "../model/issue.js";
import { OCR_CONFIDENT, type Provenance } from "../model/provenance.js";
import { cellValue, equations, sides, type CellRef, type Equation, type TablesOf } from "../definition/equations.js";
import { namingIndex } from "./flags.js";

/**
 * The digits a digit tesseract read may have been printed as. A "1" with a foot serif
 * (WenQuanYi's, at 200 dpi) is read as 2, 3, 4, 5 or 7: "11" as "31" at 90.
 */
const LOOK_ALIKES: Record<string, string> = {
  "0": "869",
  "1": "74",
  "2": "71",
  "3": "8591",
  "4": "19",
  "5": "6381",
  "6": "580",
  "7": "12",
  "8": "30695",
  "9": "8403",
};

/** Values the printed digits could have been, one misreading away. */
export function alternatives(read: string): Set<number> {
  const digits = read.replace(/[^\d]/g, "");
  const out = new Set<string>();
  if (!digits || digits.length > 9) return new Set();
  for (let i = 0; i <= digits.length; i++) {
    if (i < digits.length) {
      for (const d of LOOK_ALIKES[digits[i]!] ?? "") out.add(digits.slice(0, i) + d + digits.slice(i + 1));
      out.add(digits.slice(0, i) + digits.slice(i + 1)); // a digit read twice
    }
    for (let d = 0; d <= 9; d++) out.add(digits.slice(0, i) + d + digits.slice(i)); // a digit not read
  }
  out.delete(digits);
  return new Set([...out].filter((s) => s !== "" && (s === "0" || s[0] !== "0")).map(Number));
}

/**
 * Whether a reading its readers were unsure of may be any value of its count of digits
 * (in a repair of one cell): a whole number, read below OCR_CONFIDENT.
 */
export function unsureReading(read: string, confidence: number): boolean {
  return confidence < OCR_CONFIDENT && /^\d+$/.test(read.trim());
}

/** Values the printed digits could have been with two of them misread as look-alikes (in a repair of one cell). */
export function twoLookAlikesAway(read: string): Set<number> {
  const digits = read.trim();
  const out = new Set<number>();
  if (!/^\d{2,9}$/.test(digits)) return out;
  for (let i = 0; i < digits.length; i++) {
    for (let j = i + 1; j < digits.length; j++) {
      for (const a of LOOK_ALIKES[digits[i]!]!) {
        for (const b of LOOK_ALIKES[digits[j]!]!) {
          const v = digits.slice(0, i) + a + digits.slice(i + 1, j) + b + digits.slice(j + 1);
          if (v[0] !== "0") out.add(Number(v));
        }
      }
    }
  }
  return out;
}

export interface Repair {
  path: string;
  read: string;
  confidence: number;
  value: number;
}

interface Candidate {
  cell: CellRef;
  read: string;
  confidence: number;
  /** The readings one misread away. */
  options: Set<number>;
  /** In a repair of one cell, also the readings two look-alikes away. */
  twice: Set<number>;
  /** An unsure reading: in a repair of one cell, any value of its count of digits. */
  unsure: boolean;
  /** The equations the cell is a term of, with its coefficient (+1 a part, −1 a total). */
  terms: { eq: number; coef: number }[];
  /** The equations that require it printed. */
  required: number[];
}

type Grid = Record<string, Record<string, number | null>>;

/** The record's equations, and its OCR'd cells as candidates, with in-place trial edits. */
class System {
  readonly eqs: Equation[];
  readonly candidates: Candidate[];
  /** Equations with an unknown term (null, not read by OCR, named by an error issue): never checked. */
  private readonly blind = new Set<number>();

  constructor(
    private readonly tables: TablesOf,
    provenance: Provenance,
    templates: Templates,
    issues: readonly Issue[],
  ) {
    this.eqs = equations(tables, templates);
    const byPath = new Map<string, Candidate>();
    const candidate = (cell: CellRef): Candidate | undefined => {
      if (byPath.has(cell.path)) return byPath.get(cell.path);
      const p = provenance[cell.path];
      if (p?.confidence === undefined) return undefined;
      const digits = p.raw.replace(/[^\d]/g, "");
      const value = cellValue(tables, cell);
      if (value === null && digits === "") return undefined;
      const options = alternatives(p.raw);
      // A cell read with stray marks ("人4") was left null: its digits are a reading too.
      if (value === null) options.add(Number(digits));
      const c: Candidate = { cell, read: p.raw, confidence: p.confidence, options, twice: value === null ? new Set() : twoLookAlikesAway(p.raw), unsure: value !== null && unsureReading(p.raw, p.confidence), terms: [], required: [] };
      byPath.set(cell.path, c);
      return c;
    };
    this.eqs.forEach((eq, i) => {
      for (const [cells, coef] of [[eq.parts, 1], [eq.totals, -1]] as const) {
        for (const cell of cells) {
          const c = candidate(cell);
          if (!c) continue;
          const term = c.terms.find((t) => t.eq === i);
          if (term) term.coef += coef;
          else c.terms.push({ eq: i, coef });
        }
      }
      for (const cell of eq.requires) candidate(cell)?.required.push(i);
    });
    this.candidates = [...byPath.values()];
    const naming = namingIndex(issues, templates);
    const unknown = (c: CellRef) => !byPath.has(c.path) && cellValue(tables, c) === null && naming(c.path).some((i) => i.severity === "error");
    this.eqs.forEach((eq, i) => {
      if ([...eq.parts, ...eq.totals].some(unknown)) this.blind.add(i);
    });
  }

  /** parts − totals, or null where the equation is not checked (a required cell blank, a term unknown). */
  residual(i: number): number | null {
    if (this.blind.has(i)) return null;
    const s = sides(this.eqs[i]!, (c) => cellValue(this.tables, c));
    return s ? s.parts - s.totals : null;
  }

  failing(among: Iterable<number>): number[] {
    return [...among].filter((i) => {
      const r = this.residual(i);
      return r !== null && Math.abs(r) > 1e-9;
    });
  }

  value(c: CellRef): number | null {
    return cellValue(this.tables, c);
  }

  set(c: CellRef, value: number | null): void {
    (this.tables[c.table] as unknown as Grid)[c.row]![c.col] = value;
  }

  /** Equations a candidate takes part in (as a term or a requirement). */
  touched(c: Candidate): number[] {
    return [...new Set([...c.terms.map((t) => t.eq), ...c.required])];
  }

  /** Equations checked now that count the candidate as a term. */
  checkedTerms(c: Candidate): number {
    return c.terms.filter((t) => this.residual(t.eq) !== null).length;
  }
}

const keyOf = (r: Repair[]) =>
  r
    .map((x) => `${x.path}=${x.value}`)
    .sort()
    .join("|");

/**
 * Whether `c` may take `v`: a reading one misread away — or, `alone` (a repair of one
 * cell), two look-alikes away, or if unsure any of its count of digits.
 */
function admits(c: Candidate, v: number, alone: boolean): boolean {
  if (c.options.has(v)) return true;
  if (!alone) return false;
  return c.twice.has(v) || (c.unsure && Number.isInteger(v) && v >= 0 && String(v).length === c.read.trim().length && v !== Number(c.read));
}

/**
 * The value `c` must take so that the failing equation `i` holds, if `c` is one of its
 * terms and `admits` that value.
 */
function valueFixing(sys: System, c: Candidate, i: number, alone: boolean): number | null {
  const term = c.terms.find((t) => t.eq === i);
  const r = sys.residual(i);
  if (!term || term.coef === 0 || r === null) return null;
  const v = (sys.value(c.cell) ?? 0) - r / term.coef;
  return admits(c, v, alone) ? v : null;
}

/**
 * The distinct repairs of the smallest size (one cell, else two) under which every
 * equation holds; the search stops once `limit` of them are known.
 */
export function minimalRepairs(tables: TablesOf, provenance: Provenance, templates: Templates = TEMPLATES, limit = Infinity, issues: readonly Issue[] = []): Repair[][] {
  const sys = new System(tables, provenance, templates, issues);
  return searchRepairs(sys, sys.candidates, sys.failing(sys.eqs.map((_, i) => i)), limit);
}

/**
 * The record's independent parts: equations joined when an OCR'd cell is in both (as a
 * term or a requirement), with those cells. No change to one part's cells can touch
 * another part's equations — table 四's groups are parts of their own, table 三 is one —
 * so the smallest repairs of the record are those of its parts put together, and it has
 * one only if each part has one.
 */
function parts(sys: System): { candidates: Candidate[]; eqs: number[] }[] {
  const root = sys.eqs.map((_, i) => i);
  const find = (i: number): number => (root[i] === i ? i : (root[i] = find(root[i]!)));
  for (const c of sys.candidates) {
    const [first, ...rest] = sys.touched(c);
    for (const i of rest) root[find(i)] = find(first!);
  }
  const byRoot = new Map<number, { candidates: Candidate[]; eqs: number[] }>();
  const part = (i: number) => byRoot.get(find(i)) ?? byRoot.set(find(i), { candidates: [], eqs: [] }).get(find(i))!;
  sys.eqs.forEach((_, i) => part(i).eqs.push(i));
  for (const c of sys.candidates) {
    const [first] = sys.touched(c);
    if (first !== undefined) part(first).candidates.push(c);
  }
  return [...byRoot.values()];
}

/** The smallest repairs (one cell, else two) of `candidates` under which the `failing` equations, and every other they touch, hold. */
function searchRepairs(sys: System, candidates: Candidate[], failing: number[], limit: number): Repair[][] {
  if (failing.length === 0) return [];
  const repair = (c: Candidate, value: number): Repair => ({ path: c.cell.path, read: c.read, confidence: c.confidence, value });
  const found = new Map<string, Repair[]>();
  const inAll = (c: Candidate, eqs: number[]) => eqs.every((i) => c.terms.some((t) => t.eq === i && t.coef !== 0));

  /** Tries `c` at the value that fixes the first of `open`; keeps the change if every equation then holds. */
  const tryFix = (c: Candidate, open: number[], check: Set<number>, alone: boolean): number | null => {
    if (!inAll(c, open)) return null;
    const v = valueFixing(sys, c, open[0]!, alone);
    if (v === null) return null;
    const before = sys.value(c.cell);
    sys.set(c.cell, v);
    const holds = sys.failing(new Set([...check, ...sys.touched(c)])).length === 0;
    sys.set(c.cell, before);
    return holds ? v : null;
  };

  // One cell: it must be a term of every failing equation.
  for (const c of candidates) {
    const v = tryFix(c, failing, new Set(failing), true);
    if (v !== null) found.set(keyOf([repair(c, v)]), [repair(c, v)]);
    if (found.size >= limit) return [...found.values()];
  }
  if (found.size > 0) return [...found.values()];

  // Two cells: after the first takes any of its readings, the second must fix what still
  // fails. So one of the two is a term of a failing equation — or the second is a term of
  // every failing equation, and of one the first is in.
  const termsOf = new Map<number, Candidate[]>();
  for (const c of candidates) for (const t of c.terms) if (t.coef !== 0) termsOf.set(t.eq, [...(termsOf.get(t.eq) ?? []), c]);
  const inSome = new Set(failing.flatMap((i) => termsOf.get(i) ?? []));
  const inEvery = candidates.filter((c) => inAll(c, failing));
  for (const a of candidates) {
    if (!inSome.has(a) && !inEvery.some((b) => b !== a && b.terms.some((t) => a.terms.some((u) => u.eq === t.eq)))) continue;
    const original = sys.value(a.cell);
    for (const va of a.options) {
      sys.set(a.cell, va);
      const check = new Set([...failing, ...sys.touched(a)]);
      const open = sys.failing(check);
      if (open.length > 0) {
        for (const b of termsOf.get(open[0]!) ?? []) {
          if (b === a) continue;
          const vb = tryFix(b, open, check, false);
          if (vb === null) continue;
          const r = [repair(a, va), repair(b, vb)];
          found.set(keyOf(r), r);
        }
      }
      sys.set(a.cell, original);
      if (found.size >= limit) return [...found.values()];
    }
  }
  return [...found.values()];
}

/**
 * Applies the repair when it is the unique smallest one and every cell it changes is
 * checked by two identities or more; returns the changes (empty when none was made)
 * and an `OCR_REPAIRED` issue for each.
 * @param templates - whose identities constrain the repair (the built-in definitions by default)
 * @param known - the issues parsing raised: the null cells an error names are unknown
 */
export function repairOcrReadings(tables: TablesOf, provenance: Provenance, templates: Templates = TEMPLATES, known: readonly Issue[] = []): { repairs: Repair[]; issues: Issue[] } {
  const sys = new System(tables, provenance, templates, known);
  const chosen: Repair[] = [];
  // Part by part (see parts): a misreading table 四 cannot be repaired no longer keeps table 三's from being.
  for (const part of parts(sys)) {
    const found = searchRepairs(sys, part.candidates, sys.failing(part.eqs), 2);
    if (found.length !== 1) continue;
    const cells = found[0]!.map((r) => part.candidates.find((c) => c.cell.path === r.path)!);
    const before = cells.map((c) => cellValue(tables, c.cell));
    found[0]!.forEach((r, i) => sys.set(cells[i]!.cell, r.value));
    // A cell in one identity only is not pinned down: the identity's other cells could be the misread ones.
    if (cells.some((c) => sys.checkedTerms(c) < 2)) cells.forEach((c, i) => sys.set(c.cell, before[i]!));
    else chosen.push(...found[0]!);
  }
  return {
    repairs: chosen,
    issues: chosen.map((r) => ({
      code: "OCR_REPAIRED",
      severity: "warning",
      path: r.path,
      message: alternatives(r.read).has(r.value)
        ? `OCR read "${r.read}" (confidence ${Math.round(r.confidence)}); ${r.value} is the only reading one misread away that makes every identity hold, and two identities confirm the cell`
        : twoLookAlikesAway(r.read).has(r.value)
          ? `OCR read "${r.read}" (confidence ${Math.round(r.confidence)}); ${r.value}, two look-alike digits away, is the only change of one cell that makes every identity hold, and two identities confirm the cell`
          : `OCR read "${r.read}" unsure (confidence ${Math.round(r.confidence)}); ${r.value} is the only value of ${r.read.trim().length} digit${r.read.trim().length === 1 ? "" : "s"} in one cell that makes every identity hold, and two identities confirm the cell`,
      expected: r.value,
      actual: r.read,
    })),
  };
}
