/**
 * Repair of OCR misreadings by the tables' own arithmetic. When identities of tables
 * 三 and 四 fail, look for the smallest set of OCR'd cells (one cell, then two) whose
 * alternative readings — a digit confused with a look-alike (3↔8, 5↔6, 1↔7, 0↔8 …), a
 * digit dropped or doubled — make every identity hold. A repair is made only when it
 * is the only one of its size; otherwise the readings stay and the identity issues
 * remain. Text-layer and HTML values are never touched: there a failed identity is
 * the source's own.
 */
import type { Issue } from "../model/issue.js";
import type { Provenance } from "../model/provenance.js";
import type { Applications, ReviewLitigation } from "../model/record.js";
import { APPLICANT_COLUMN_KEYS, outcomeRowKeys, REVIEW_COLUMN_KEYS } from "../model/vocabulary.js";
import { applicationsVariant } from "./identities.js";

/** Digits tesseract confuses with each other in print. */
const LOOK_ALIKES: Record<string, string> = {
  "0": "869",
  "1": "74",
  "2": "7",
  "3": "859",
  "4": "19",
  "5": "638",
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

/** A cell of the tables: its value lives in `grid[row][col]`. */
interface CellRef {
  path: string;
  grid: Record<string, Record<string, number | null>>;
  row: string;
  col: string;
}

/** An identity as an equation: the parts add up to the total. */
interface Identity {
  parts: CellRef[];
  total: CellRef;
}

type Tables = { applications: Applications | null; reviewLitigation: ReviewLitigation | null };

function identities(t: Tables): Identity[] {
  const out: Identity[] = [];
  const ref = (table: string, grid: CellRef["grid"], row: string, col: string): CellRef => ({ path: `${table}.${row}.${col}`, grid, row, col });
  if (t.applications) {
    const grid = t.applications as unknown as CellRef["grid"];
    const a = (row: string, col: string) => ref("applications", grid, row, col);
    const parts = APPLICANT_COLUMN_KEYS.filter((c) => c !== "total");
    for (const row of Object.keys(grid)) out.push({ parts: parts.map((c) => a(row, c)), total: a(row, "total") });
    const outcomes = outcomeRowKeys(applicationsVariant(t.applications));
    for (const col of APPLICANT_COLUMN_KEYS) {
      out.push({ parts: outcomes.map((r) => a(r, col)), total: a("totalProcessed", col) });
      // 本年新收 + 上年结转 = （七）总计 + 结转下年度, written as parts = total: 新收 + 上年结转 − 结转 = 总计.
      out.push({ parts: [a("newReceived", col), a("carriedOver", col)], total: a("totalProcessed", col) });
    }
  }
  if (t.reviewLitigation) {
    const grid = t.reviewLitigation as unknown as CellRef["grid"];
    const parts = REVIEW_COLUMN_KEYS.filter((c) => c !== "total");
    for (const group of Object.keys(grid)) out.push({ parts: parts.map((c) => ref("reviewLitigation", grid, group, c)), total: ref("reviewLitigation", grid, group, "total") });
  }
  return out;
}

const value = (c: CellRef) => c.grid[c.row]?.[c.col] ?? null;

/** Residual of an identity (parts − total), or null when its total is blank (nothing to check). */
function residual(k: Identity, balance: boolean): number | null {
  const total = value(k.total);
  if (total === null) return null;
  let sum = k.parts.reduce((s, c) => s + (value(c) ?? 0), 0);
  // The balance identity also carries 结转下年度 on the total side.
  if (balance) sum -= value({ ...k.total, row: "carriedForward" }) ?? 0;
  return sum - total;
}

export interface Repair {
  path: string;
  read: string;
  confidence: number;
  value: number;
}

interface Candidate extends CellRef {
  read: string;
  confidence: number;
  options: Set<number>;
}

class Solver {
  private readonly ids: { k: Identity; balance: boolean }[];
  private readonly member = new Map<string, { id: number; sign: 1 | -1 }[]>();

  constructor(t: Tables) {
    this.ids = identities(t).map((k) => ({ k, balance: k.parts.length === 2 && k.parts[1]!.row === "carriedOver" }));
    this.ids.forEach(({ k, balance }, id) => {
      const add = (c: CellRef, sign: 1 | -1) => this.member.set(c.path, [...(this.member.get(c.path) ?? []), { id, sign }]);
      k.parts.forEach((c) => add(c, 1));
      add(k.total, -1);
      if (balance) add({ ...k.total, path: k.total.path.replace("totalProcessed", "carriedForward"), row: "carriedForward" }, -1);
    });
  }

  residuals(): (number | null)[] {
    return this.ids.map(({ k, balance }) => residual(k, balance));
  }

  failing(): number[] {
    return this.residuals().flatMap((r, i) => (r !== null && Math.abs(r) > 1e-9 ? [i] : []));
  }

  /** The one value of `c` that would make every identity hold, if changing `c` alone can. */
  fixWith(c: Candidate, failing: number[], res: (number | null)[]): number | null {
    const memberships = this.member.get(c.path) ?? [];
    const ids = new Set(memberships.map((m) => m.id));
    if (!failing.every((f) => ids.has(f))) return null;
    let delta: number | null = null;
    for (const m of memberships) {
      const r = res[m.id];
      if (r === null || r === undefined) continue;
      // r + sign·δ = 0 for every identity the cell is in, failing or not.
      const need = -r / m.sign;
      if (delta === null) delta = need;
      else if (Math.abs(delta - need) > 1e-9) return null;
    }
    if (delta === null || Math.abs(delta) < 1e-9) return null;
    const v = (value(c) ?? 0) + delta;
    return c.options.has(v) ? v : null;
  }
}

function candidates(t: Tables, provenance: Provenance): Candidate[] {
  const out: Candidate[] = [];
  for (const [table, grid] of [["applications", t.applications], ["reviewLitigation", t.reviewLitigation]] as const) {
    if (!grid) continue;
    for (const [row, values] of Object.entries(grid as unknown as CellRef["grid"])) {
      for (const col of Object.keys(values)) {
        const path = `${table}.${row}.${col}`;
        const p = provenance[path];
        if (p?.confidence === undefined) continue;
        const digits = p.raw.replace(/[^\d]/g, "");
        if (values[col] === null && digits === "") continue;
        // A cell read with stray marks ("人4") was left null: its digits are a reading too.
        const options = alternatives(p.raw);
        if (values[col] === null) options.add(Number(digits));
        out.push({ path, grid: grid as unknown as CellRef["grid"], row, col, read: p.raw, confidence: p.confidence, options });
      }
    }
  }
  return out;
}

/** Finds every repair of one or two cells; stops early once more than one is known. */
function solve(t: Tables, cs: Candidate[]): Repair[][] {
  const solver = new Solver(t);
  const failing = solver.failing();
  if (failing.length === 0) return [];
  const repair = (c: Candidate, v: number): Repair => ({ path: c.path, read: c.read, confidence: c.confidence, value: v });
  const singles: Repair[][] = [];
  const res = solver.residuals();
  for (const c of cs) {
    const v = solver.fixWith(c, failing, res);
    if (v !== null) singles.push([repair(c, v)]);
  }
  if (singles.length > 0) return singles;
  const pairs = new Map<string, Repair[]>();
  for (const a of cs) {
    const original = value(a);
    for (const va of a.options) {
      a.grid[a.row]![a.col] = va;
      const nowFailing = solver.failing();
      if (nowFailing.length > 0) {
        const nowRes = solver.residuals();
        for (const b of cs) {
          if (b === a) continue;
          const vb = solver.fixWith(b, nowFailing, nowRes);
          if (vb !== null) {
            const key = [a.path, b.path].sort().join("|");
            pairs.set(key, [repair(a, va), repair(b, vb)]);
          }
        }
      }
      a.grid[a.row]![a.col] = original;
      if (pairs.size > 1) return [...pairs.values()];
    }
  }
  return [...pairs.values()];
}

/**
 * Repairs the tables in place when exactly one smallest repair exists; returns the
 * changes (empty when none was made) and an issue for each.
 */
export function repairOcrReadings(t: Tables, provenance: Provenance): { repairs: Repair[]; issues: Issue[] } {
  const found = solve(t, candidates(t, provenance));
  if (found.length !== 1) return { repairs: [], issues: [] };
  const chosen = found[0]!;
  for (const r of chosen) {
    const [table, row, col] = r.path.split(".") as [string, string, string];
    const grid = (table === "applications" ? t.applications : t.reviewLitigation) as unknown as CellRef["grid"];
    grid[row]![col] = r.value;
  }
  return {
    repairs: chosen,
    issues: chosen.map((r) => ({
      code: "OCR_REPAIRED",
      severity: "warning",
      path: r.path,
      message: `OCR read "${r.read}" (confidence ${Math.round(r.confidence)}); ${r.value} is the only reading one misread away that makes every identity of tables 三 and 四 hold`,
      expected: r.value,
      actual: r.read,
    })),
  };
}
