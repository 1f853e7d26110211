/**
 * The template's identities, instantiated over a record's tables: each identity of the
 * definition becomes one equation per row or column it holds in, over cell paths.
 * The validator checks these equations, the OCR repair solves them and the parsers
 * place ambiguous rows by them; all take them from here, so an identity added to the
 * definition is checked, repaired and placed by alike.
 */
import { columnsOf, TABLE_KEYS, TEMPLATES, versionOfTable, type Templates } from "./index.js";
import type { IdentityDef, TableDef, TableKey } from "./types.js";

/** The record's tables, as the validator and the repair see them. */
export type TablesOf = Partial<Record<TableKey, object | null>>;

export interface CellRef {
  table: TableKey;
  row: string;
  col: string;
  /** `applications.granted.total` */
  path: string;
}

export interface Equation {
  identity: IdentityDef;
  table: TableDef;
  /** The row (`each: "row"`) or column (`each: "column"`) the equation holds in. */
  at: string;
  /** sum(parts) = sum(totals); `totals[0]` is the cell the equation computes. */
  parts: CellRef[];
  totals: CellRef[];
  /** Checked only where all of these are printed. */
  requires: CellRef[];
}

const ref = (table: TableKey, row: string, col: string): CellRef => ({ table, row, col, path: `${table}.${row}.${col}` });

/** Every equation the definition's identities make over the tables present. */
export function equations(tables: TablesOf, templates: Templates = TEMPLATES): Equation[] {
  const out: Equation[] = [];
  for (const key of TABLE_KEYS) {
    const object = tables[key];
    if (!object) continue;
    const version = versionOfTable(key, object, templates);
    if (!version) continue;
    const table = templates[version].tables[key];
    for (const identity of table.identities) {
      const requires = identity.requires ?? [identity.totals[0]!];
      if (identity.each === "row") {
        for (const row of table.rows) {
          const columns = columnsOf(table, row).map((c) => c.key);
          if (![...identity.parts, ...identity.totals].every((c) => columns.includes(c))) continue;
          const cell = (col: string) => ref(key, row.key, col);
          out.push({ identity, table, at: row.key, parts: identity.parts.map(cell), totals: identity.totals.map(cell), requires: requires.map(cell) });
        }
      } else {
        for (const column of table.columns ?? []) {
          const cell = (row: string) => ref(key, row, column.key);
          out.push({ identity, table, at: column.key, parts: identity.parts.map(cell), totals: identity.totals.map(cell), requires: requires.map(cell) });
        }
      }
    }
  }
  return out;
}

/** A cell's number, or null where it is blank (or not a number). */
export function cellValue(tables: TablesOf, c: CellRef): number | null {
  const v = (tables[c.table] as Record<string, Record<string, unknown>> | null | undefined)?.[c.row]?.[c.col];
  return typeof v === "number" ? v : null;
}

/** Both sides of an equation, or null where a required cell is blank (nothing to check). */
export function sides(eq: Equation, read: (c: CellRef) => number | null): { parts: number; totals: number } | null {
  if (eq.requires.some((c) => read(c) === null)) return null;
  const sum = (cells: CellRef[]) => cells.reduce((s, c) => s + (read(c) ?? 0), 0);
  return { parts: sum(eq.parts), totals: sum(eq.totals) };
}

export const same = (a: number, b: number): boolean => Math.abs(a - b) < 1e-6;

/** The equations that fail, with both sides. */
export function failedEquations(tables: TablesOf, templates: Templates = TEMPLATES): { eq: Equation; parts: number; totals: number }[] {
  return equations(tables, templates).flatMap((eq) => {
    const s = sides(eq, (c) => cellValue(tables, c));
    return s && !same(s.parts, s.totals) ? [{ eq, ...s }] : [];
  });
}
