/**
 * Which issues name a cell: the issue's own cell, the cell's row (a row the parser could
 * not place), or — for a failed identity — the cells of the row or the column it holds in
 * that are its terms (（七）总计's identity over a column names the outcome rows and the
 * total of that column, not 上年结转). An issue about a whole table names no cell,
 * except one that says the table was not read or was placed as one block (WHOLE_TABLE):
 * it names each of the table's cells.
 * Exports and the evaluation use this to tell a flagged value from a silent one.
 */
import { TEMPLATE_VERSIONS, TEMPLATES, type IdentityDef, type Templates } from "../definition/index.js";
import type { Issue } from "../model/issue.js";

/**
 * Issues about a whole table that concern each of its cells: the table was not read
 * (TABLE_MISSING, TEMPLATE_UNDECIDED as an error), or its values were placed — or left
 * null — as one block (table 四 printed as a single run of values).
 */
const WHOLE_TABLE = new Set<string>(["TABLE_MISSING", "TEMPLATE_UNDECIDED", "CELLS_AMBIGUOUS", "CELLS_PLACED"]);
const namesWholeTable = (i: Issue) => WHOLE_TABLE.has(i.code) && (i.severity === "error" || i.code !== "TEMPLATE_UNDECIDED");

/**
 * The identities of that code on that table in every template version. An issue does not
 * say its record's version, and the versions' identities differ in their terms (2021's
 * outcome rows end in 3.其他, 2019's do not): a cell is named when it is a term of any.
 * Rows unique to a version appear only in records of that version, so the union adds nothing.
 */
function identitiesOf(code: string, table: string, templates: Templates): IdentityDef[] {
  return TEMPLATE_VERSIONS.flatMap((v) => Object.values(templates[v].tables).filter((t) => t.key === table).flatMap((t) => t.identities.filter((k) => k.code === code)));
}

/** Whether issue `i` (a warning or an error) names the cell `table.row.col`. */
function names(i: Issue, path: string, table: string, row: string, col: string, templates: Templates): boolean {
  if (i.severity === "info" || i.path === null) return false;
  if (i.path === path || i.path === `${table}.${row}`) return true;
  if (i.path === table) return namesWholeTable(i);
  const [itable, irow, icol] = i.path.split(".");
  if (itable !== table) return false;
  return identitiesOf(i.code, table, templates).some((identity) => {
    const terms = [...identity.parts, ...identity.totals];
    return identity.each === "row" ? irow === row && terms.includes(col) : icol === col && terms.includes(row);
  });
}

/** The issues (warnings and errors) that name the cell at `path` (`applications.granted.total`). */
export function issuesNaming(path: string, issues: readonly Issue[], templates: Templates = TEMPLATES): Issue[] {
  const [table = "", row = "", col = ""] = path.split(".");
  return issues.filter((i) => names(i, path, table, row, col, templates));
}

/**
 * `issuesNaming` for every cell of one record, answered in constant time for a record
 * whose issues name no cell (most of them): an export asks for each of ~230 cells.
 */
export function namingIndex(issues: readonly Issue[], templates: Templates = TEMPLATES): (path: string) => Issue[] {
  const relevant = issues.filter((i) => i.severity !== "info" && i.path !== null && (i.path.includes(".") || namesWholeTable(i)));
  if (relevant.length === 0) return () => [];
  const tables = new Set(relevant.map((i) => i.path!.split(".")[0]!));
  return (path) => {
    const [table = "", row = "", col = ""] = path.split(".");
    return tables.has(table) ? relevant.filter((i) => names(i, path, table, row, col, templates)) : [];
  };
}
