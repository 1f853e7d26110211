/**
 * The arithmetic identities the templates define (勾稽关系), checked on a record's
 * tables. A failed identity is recorded, never "fixed": real reports contain their own
 * arithmetic errors. A blank part counts as 0; an identity is not checked where a cell
 * it requires (its result cell, by default) is blank.
 */
import { columnsOf, TEMPLATES, type Templates } from "../definition/index.js";
import type { Issue } from "../model/issue.js";
import { cellValue, failedEquations, same, type CellRef, type Equation, type TablesOf } from "../definition/equations.js";

/** How a term, or the row/column an equation holds in, is printed. */
function labelOf(eq: Equation, kind: "row" | "column", key: string): string {
  const row = eq.table.rows.find((r) => r.key === (kind === "row" ? key : eq.at));
  if (kind === "row") return row?.label ?? key;
  return (row ? columnsOf(eq.table, row) : (eq.table.columns ?? [])).find((c) => c.key === key)?.label ?? key;
}

function termsText(eq: Equation, cells: CellRef[]): string {
  const kind = eq.identity.each === "row" ? "column" : "row";
  const labels = cells.map((c) => labelOf(eq, kind, kind === "row" ? c.row : c.col));
  return labels.length <= 6 ? labels.join(" + ") : `the ${labels.length} ${kind}s ${labels[0]} … ${labels.at(-1)}`;
}

export function checkIdentities(tables: TablesOf, templates: Templates = TEMPLATES): Issue[] {
  return failedEquations(tables, templates).map(({ eq, parts, totals }) => {
    const result = cellValue(tables, eq.totals[0]!) ?? 0;
    const where = labelOf(eq, eq.identity.each, eq.at);
    return {
      code: eq.identity.code,
      severity: "error",
      path: eq.totals[0]!.path,
      message: `table ${eq.table.number}, ${where}: ${termsText(eq, eq.totals)} = ${totals} but ${termsText(eq, eq.parts)} = ${parts}`,
      // The value of the result cell that would make the identity hold.
      expected: parts - (totals - result),
      actual: result,
    };
  });
}

/**
 * When exactly one row identity and one column's identities of a table fail by the same
 * amount, the cell where that row and column cross is the likeliest misprint (or
 * misread): name it, so a reviewer looks there first.
 */
export function suspectCell(tables: TablesOf, templates: Templates = TEMPLATES): Issue | null {
  const failed = failedEquations(tables, templates);
  const rows = failed.filter((f) => f.eq.identity.each === "row");
  if (rows.length !== 1) return null;
  const row = rows[0]!;
  const columns = failed.filter((f) => f.eq.identity.each === "column" && f.eq.table.key === row.eq.table.key);
  const cols = new Set(columns.map((f) => f.eq.at));
  const col = [...cols][0];
  if (cols.size !== 1 || row.eq.totals.some((c) => c.col === col)) return null;
  const rowDiff = row.totals - row.parts;
  if (!columns.every((f) => same(Math.abs(f.parts - f.totals), Math.abs(rowDiff)))) return null;
  return {
    code: "IDENTITY_SUSPECT_CELL",
    severity: "warning",
    path: `${row.eq.table.key}.${row.eq.at}.${col}`,
    message: `the failed row and column identities cross here: this cell is off by ${Math.abs(rowDiff)} if the totals are right`,
  };
}
