/**
 * Property test of the OCR repair: random valid tables (every identity holds), one or
 * two cells misread into a look-alike reading, then:
 *  - when more than one smallest repair exists (found here by an independent brute
 *    force over the validator), no repair is applied;
 *  - every repair that is applied restores the truth exactly.
 * Seeded, so a failure reproduces; the seed and the case are in the assertion message.
 */
import { describe, expect, it } from "vitest";
import { columnKeys, rowKeys, TEMPLATES, type TemplateVersion } from "../src/definition/index.js";
import { cellValue, equations, failedEquations, same, sides, type Equation, type TablesOf } from "../src/definition/equations.js";
import type { Provenance } from "../src/model/provenance.js";
import { alternatives, repairOcrReadings, twoLookAlikesAway, unsureReading } from "../src/validate/repair.js";
import { seededRandom } from "../scripts/fixtures/prng.js";

type Grid = Record<string, Record<string, number | null>>;

/**
 * A table 三 and a table 四 whose identities hold: outcome counts per applicant column
 * (mostly small, many zeros), carried over/forward, 本年新收 from the balance, totals by
 * row. Some tables leave the 法人 block blank, or the 总计 column blank on the outcome rows,
 * as real reports do.
 */
function randomTables(rnd: () => number, version: TemplateVersion): { applications: Grid; reviewLitigation: Grid } {
  const t3 = TEMPLATES[version].tables.applications;
  const cols = columnKeys(t3);
  const parts = cols.slice(0, -1);
  const outcomes = t3.identities.find((k) => k.code === "IDENTITY_OUTCOMES")!.parts;
  const count = () => (rnd() < 0.5 ? 0 : Math.floor(rnd() ** 2 * (rnd() < 0.2 ? 3000 : 60)));
  const blankOrganisations = rnd() < 0.25;
  const blankOutcomeTotals = rnd() < 0.2;
  const applications: Grid = {};
  const processed = parts.map(() => 0);
  for (const row of rowKeys(t3)) applications[row] = Object.fromEntries(cols.map((c) => [c, 0]));
  for (const row of outcomes) parts.forEach((c, i) => (processed[i]! += applications[row]![c] = count()));
  parts.forEach((c, i) => {
    applications.totalProcessed![c] = processed[i]!;
    applications.carriedForward![c] = count() % 10;
    applications.carriedOver![c] = Math.min(count() % 10, processed[i]! + applications.carriedForward![c]!);
    applications.newReceived![c] = processed[i]! + applications.carriedForward![c]! - applications.carriedOver![c]!;
  });
  for (const row of Object.values(applications)) row.total = parts.reduce((s, c) => s + row[c]!, 0);
  if (blankOrganisations) for (const row of Object.values(applications)) for (const c of parts.slice(1)) row[c] = null;
  if (blankOutcomeTotals) for (const row of outcomes) applications[row]!.total = null;
  const t4 = TEMPLATES[version].tables.reviewLitigation;
  const reviewLitigation: Grid = {};
  for (const group of rowKeys(t4)) {
    const values = columnKeys(t4).slice(0, -1).map(() => count() % 200);
    reviewLitigation[group] = Object.fromEntries([...columnKeys(t4).slice(0, -1).map((c, i) => [c, values[i]!]), ["total", values.reduce((a, b) => a + b, 0)]]);
  }
  return { applications, reviewLitigation };
}

/** Every printed cell as read by OCR, raw = the printed number. */
function provenanceOf(tables: TablesOf): Provenance {
  const p: Provenance = {};
  for (const [table, grid] of Object.entries(tables) as [string, Grid][]) {
    for (const [row, values] of Object.entries(grid)) {
      for (const [col, v] of Object.entries(values)) if (v !== null) p[`${table}.${row}.${col}`] = { origin: { kind: "text", line: 1 }, raw: String(v), confidence: 90 };
    }
  }
  return p;
}

/** A reading of `value` one misread away, from which `value` is one misread away too. */
function misreadOf(rnd: () => number, value: number): number | null {
  const options = [...alternatives(String(value))].filter((m) => alternatives(String(m)).has(value));
  return options.length === 0 ? null : options[Math.floor(rnd() * options.length)]!;
}

const get = (t: TablesOf, path: string) => {
  const [table, row, col] = path.split(".") as [keyof TablesOf, string, string];
  return (t[table] as unknown as Grid)[row]![col]!;
};
const set = (t: TablesOf, path: string, v: number | null) => {
  const [table, row, col] = path.split(".") as [keyof TablesOf, string, string];
  (t[table] as unknown as Grid)[row]![col] = v;
};

/** A reading of `value` with two of its digits misread as look-alikes, from which `value` is two look-alikes away too. */
function twiceMisreadOf(rnd: () => number, value: number): number | null {
  const options = [...twoLookAlikesAway(String(value))].filter((m) => twoLookAlikesAway(String(m)).has(value));
  return options.length === 0 ? null : options[Math.floor(rnd() * options.length)]!;
}

/** A reading of `value` with as many digits, its readers unsure of it (any other digits). */
function unsureMisreadOf(rnd: () => number, value: number): number {
  const digits = String(value).length;
  const low = digits === 1 ? 0 : 10 ** (digits - 1);
  for (;;) {
    const m = low + Math.floor(rnd() * (10 ** digits - low));
    if (m !== value) return m;
  }
}

/** Every value of `read`'s count of digits (an unsure reading's range in a one-cell repair). */
function sameLength(read: string): number[] {
  const digits = read.trim().length;
  const low = digits === 1 ? 0 : 10 ** (digits - 1);
  return Array.from({ length: 10 ** digits - low }, (_, i) => low + i).filter((v) => v !== Number(read));
}

/**
 * The record's independent parts, each with its smallest repairs, by brute force over the
 * validator's own verdict. A part: the equations joined by an OCR'd cell in two of them
 * (as a term or a requirement) — no change to one part's cells touches another's
 * equations. Within a part: OCR'd cells and every reading one misread away (in a one-cell
 * repair, also two look-alikes away, and an unsure reading any value of its count of
 * digits). Pruned only by necessity: a one-cell repair lies in every failing identity; in
 * a two-cell repair one cell lies in a failing identity, or the other lies in all of them
 * and shares an identity with it. Parts whose identities all hold are left out.
 */
function bruteForceParts(tables: TablesOf, provenance: Provenance): { cells: Set<string>; smallest: string[] }[] {
  const ocr = new Set(Object.keys(provenance).filter((p) => provenance[p]!.confidence !== undefined));
  // The validator's equations, instantiated once; a repair never changes which exist.
  const all = equations(tables);
  const ocrCells = (eq: Equation) => [...eq.parts, ...eq.totals, ...eq.requires].map((c) => c.path).filter((c) => ocr.has(c));
  const root = all.map((_, i) => i);
  const find = (i: number): number => (root[i] === i ? i : (root[i] = find(root[i]!)));
  const firstEq = new Map<string, number>();
  all.forEach((eq, i) => {
    for (const c of ocrCells(eq)) {
      if (firstEq.has(c)) root[find(i)] = find(firstEq.get(c)!);
      else firstEq.set(c, i);
    }
  });
  const groups = new Map<number, Equation[]>();
  all.forEach((eq, i) => groups.set(find(i), [...(groups.get(find(i)) ?? []), eq]));
  const out: { cells: Set<string>; smallest: string[] }[] = [];
  for (const eqs of groups.values()) {
    const cells = new Set(eqs.flatMap(ocrCells));
    const failed = () => eqs.filter((eq) => {
      const s = sides(eq, (c) => cellValue(tables, c));
      return s !== null && !same(s.parts, s.totals);
    });
    if (failed().length > 0) out.push({ cells, smallest: bruteForce(tables, provenance, [...cells], eqs, failed) });
  }
  return out;
}

/** The smallest repairs of one part: its OCR'd cells `ocr`, its equations `eqs`, those failing now `failed()`. */
function bruteForce(tables: TablesOf, provenance: Provenance, ocr: string[], eqs: Equation[], failed: () => Equation[]): string[] {
  const holds = () => failed().length === 0;
  const cellsOf = (list: Equation[]) => list.map((eq) => new Set([...eq.parts, ...eq.totals].map((c) => c.path)));
  const failing = cellsOf(failed());
  const inAll = new Set(ocr.filter((c) => failing.every((s) => s.has(c))));
  const inSome = new Set(ocr.filter((c) => failing.some((s) => s.has(c))));
  const singles: string[] = [];
  for (const a of inAll) {
    const before = get(tables, a);
    const { raw, confidence } = provenance[a]!;
    const values = new Set([...alternatives(raw), ...twoLookAlikesAway(raw), ...(before !== null && unsureReading(raw, confidence!) ? sameLength(raw) : [])]);
    for (const v of values) {
      set(tables, a, v);
      if (holds()) singles.push(`${a}=${v}`);
    }
    set(tables, a, before);
  }
  if (singles.length > 0) return singles;
  const neighbours = new Map<string, Set<string>>();
  for (const eq of eqs) {
    const cells = [...eq.parts, ...eq.totals].map((c) => c.path);
    for (const c of cells) neighbours.set(c, new Set([...(neighbours.get(c) ?? []), ...cells]));
  }
  const pairs = new Set<string>();
  for (const a of ocr) {
    if (!inSome.has(a) && ![...inAll].some((b) => neighbours.get(a)?.has(b))) continue;
    const before = get(tables, a);
    for (const va of alternatives(provenance[a]!.raw)) {
      set(tables, a, va);
      const open = cellsOf(failed());
      for (const b of ocr.filter((x) => x !== a && open.every((s) => s.has(x)))) {
        const bBefore = get(tables, b);
        for (const vb of alternatives(provenance[b]!.raw)) {
          set(tables, b, vb);
          if (holds()) pairs.add([`${a}=${va}`, `${b}=${vb}`].sort().join(" "));
        }
        set(tables, b, bBefore);
      }
    }
    set(tables, a, before);
  }
  return [...pairs];
}

interface Mix {
  /** The share of cases misreading table 四 (one identity holds a group of five cells) rather than any table. */
  table4: number;
  /** The share of cases with two misreads rather than one. */
  double: number;
  /** The share of cases whose misreads are readings their readers were unsure of, of any other digits. */
  unsure: number;
  /** The share of the other cases whose misreads change two digits of a cell to look-alikes. */
  twice: number;
}

/** `count` random cases under `mix`, each checked; returns how they went. */
function runCases(seed: number, count: number, mix: Mix) {
  const rnd = seededRandom(seed);
  const tally = { cases: 0, repaired: 0, ambiguous: 0, refused: 0, repairedUnsure: 0, repairedTwice: 0, partly: 0 };
  for (let n = 0; n < count; n++) {
    const version: TemplateVersion = rnd() < 0.5 ? "2019" : "2021";
    const truth = randomTables(rnd, version);
    const tables: TablesOf = structuredClone(truth);
    const provenance = provenanceOf(tables);
    const printed = Object.keys(provenance);
    const pool = rnd() < mix.table4 ? printed.filter((p) => p.startsWith("reviewLitigation.")) : printed;
    const misreads = rnd() < mix.double ? 2 : 1;
    const unsure = rnd() < mix.unsure;
    const twice = !unsure && rnd() < mix.twice;
    const misreadBy = unsure ? unsureMisreadOf : twice ? twiceMisreadOf : misreadOf;
    const changed: string[] = [];
    while (changed.length < misreads) {
      const path = pool[Math.floor(rnd() * pool.length)]!;
      const m = changed.includes(path) ? null : misreadBy(rnd, get(tables, path)!);
      if (m === null) continue;
      set(tables, path, m);
      provenance[path] = { ...provenance[path]!, raw: String(m), confidence: unsure ? 40 : 60 };
      changed.push(path);
    }
    if (failedEquations(tables).length === 0) continue; // a misread no identity sees: nothing to repair
    tally.cases++;
    const parts = bruteForceParts(structuredClone(tables), provenance);
    const { repairs } = repairOcrReadings(tables, provenance);
    const where = `seed ${seed}, case ${n}: misread ${changed.map((p) => `${p} ${get(truth, p)}→${provenance[p]!.raw}`).join(", ")}; smallest repairs by part ${JSON.stringify(parts.map((p) => p.smallest))}`;
    // Each repair belongs to a part with a failing identity; a part is repaired only by its unique smallest repair.
    expect(repairs.every((r) => parts.some((p) => p.cells.has(r.path))), where).toBe(true);
    for (const part of parts) {
      const mine = repairs.filter((r) => part.cells.has(r.path));
      if (part.smallest.length > 1) expect(mine, where).toEqual([]);
      if (mine.length > 0) expect(part.smallest, where).toEqual([mine.map((r) => `${r.path}=${r.value}`).sort().join(" ")]);
    }
    if (parts.some((p) => p.smallest.length > 1)) tally.ambiguous++;
    if (repairs.length > 0) {
      tally.repaired++;
      if (repairs.some((r) => !alternatives(r.read).has(r.value) && twoLookAlikesAway(r.read).has(r.value))) tally.repairedTwice++;
      else if (repairs.some((r) => !alternatives(r.read).has(r.value))) tally.repairedUnsure++;
      // Repaired in one part while another keeps its failing identity (table 四's misread beside table 三's).
      if (parts.some((p) => !repairs.some((r) => p.cells.has(r.path)))) tally.partly++;
      // Every repair restores the truth of its cell; where every part was repaired, the whole table.
      for (const r of repairs) expect(r.value, where).toBe(get(truth, r.path));
      if (parts.every((p) => repairs.some((r) => p.cells.has(r.path)))) expect(tables, where).toEqual(truth);
    } else tally.refused++;
  }
  return tally;
}

describe("OCR repair, property test", () => {
  it("applies a repair only when it is the unique smallest one, and every applied repair restores the truth", () => {
    const tally = runCases(20261127, 150, { table4: 0.33, double: 0.5, unsure: 0.3, twice: 0.2 });
    // Not vacuous: the cases reach both branches.
    expect(tally.cases, JSON.stringify(tally)).toBeGreaterThan(100);
    expect(tally.repaired, JSON.stringify(tally)).toBeGreaterThan(30);
    expect(tally.ambiguous, JSON.stringify(tally)).toBeGreaterThan(10);
    expect(tally.repairedUnsure, JSON.stringify(tally)).toBeGreaterThan(0);
    expect(tally.partly, JSON.stringify(tally)).toBeGreaterThan(0);
  });

  it("gives an unsure reading the value two identities require, only when that one cell alone is the smallest repair", () => {
    const tally = runCases(20261129, 80, { table4: 0, double: 0.25, unsure: 1, twice: 0 });
    expect(tally.cases, JSON.stringify(tally)).toBeGreaterThan(60);
    expect(tally.repairedUnsure, JSON.stringify(tally)).toBeGreaterThan(20);
    expect(tally.ambiguous + tally.refused, JSON.stringify(tally)).toBeGreaterThan(10);
  });

  it("changes two digits of one cell to look-alikes only when that one cell alone is the smallest repair", () => {
    const tally = runCases(20261130, 80, { table4: 0.2, double: 0.25, unsure: 0, twice: 1 });
    expect(tally.cases, JSON.stringify(tally)).toBeGreaterThan(50);
    expect(tally.repairedTwice, JSON.stringify(tally)).toBeGreaterThan(10);
    expect(tally.ambiguous + tally.refused, JSON.stringify(tally)).toBeGreaterThan(10);
  });
});
