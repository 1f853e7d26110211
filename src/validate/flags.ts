/**
 * Which issues name a cell: the issue's own cell, the cell's row (a row the parser could
 * not place), or — for a failed identity — the row or the column the identity holds in.
 * An issue about a whole table names no cell. Exports and the evaluation use this to tell
 * a flagged value from a silent one.
 */
import { TEMPLATE_VERSIONS, TEMPLATES, type IdentityDef, type Templates } from "../definition/index.js";
import type { Issue } from "../model/issue.js";

function identityOf(code: string, table: string, templates: Templates): IdentityDef | undefined {
  for (const v of TEMPLATE_VERSIONS) {
    const def = Object.values(templates[v].tables).find((t) => t.key === table);
    const found = def?.identities.find((k) => k.code === code);
    if (found) return found;
  }
  return undefined;
}

/** The issues (warnings and errors) that name the cell at `path` (`applications.granted.total`). */
export function issuesNaming(path: string, issues: readonly Issue[], templates: Templates = TEMPLATES): Issue[] {
  const [table, row, col] = path.split(".");
  return issues.filter((i) => {
    if (i.severity === "info" || i.path === null) return false;
    if (i.path === path || i.path === `${table}.${row}`) return true;
    const [itable, irow, icol] = i.path.split(".");
    if (itable !== table) return false;
    const identity = identityOf(i.code, table!, templates);
    if (!identity) return false;
    return identity.each === "row" ? irow === row : icol === col;
  });
}
