/** Table 三 · 收到和处理政府信息公开申请情况 → `applications`. */
import { columnKeys, OTHER_HANDLING, rowCues, rowKeys, rowNames, TEMPLATE_VERSIONS, TEMPLATES, type TemplateVersion } from "../definition/index.js";
import type { Applications } from "../model/record.js";
import { failedEquations } from "../definition/equations.js";
import { alignRows, cueHits } from "./_shared/align.js";
import { flagUnreadCells, Collector, numberOf } from "./_shared/collector.js";
import { columnAnchors, placeValues, rowIdentityGroups } from "./_shared/place.js";
import type { TableRow, ValueCell } from "./_shared/rows.js";
import { compact, ENUMERATOR } from "./_shared/text.js";
import { settleUnlabelled, type Settled } from "./table3-unlabelled.js";

export interface ApplicationsResult {
  table: Applications;
  /** The form of the （六） group the table prints, or null when its rows do not tell. */
  variant: TemplateVersion | null;
}

// Both forms share the columns and the row identity.
const COLUMNS = columnKeys(TEMPLATES["2021"].tables.applications);
const ROW_IDENTITY = rowIdentityGroups(TEMPLATES["2021"].tables.applications, COLUMNS);

/**
 * A run of values spanning several rows (a dump that printed one cell per line, or
 * rows whose labels were printed elsewhere) is cut into rows of seven; the first keeps
 * the label, the others are placed by order.
 */
function cutRuns(rows: TableRow[]): TableRow[] {
  const width = COLUMNS.length;
  return rows.flatMap((row) => {
    const n = row.values.length;
    if (n <= width || n % width !== 0) return [row];
    return Array.from({ length: n / width }, (_, i) => ({ label: i === 0 ? row.label : "", values: row.values.slice(i * width, (i + 1) * width), lines: row.lines }));
  });
}

const ALL_ROWS = TEMPLATE_VERSIONS.flatMap((v) => TEMPLATES[v].tables.applications.rows);
const ALL_KEYS = [...new Set(ALL_ROWS.map((r) => r.key))];
const ALL_CUES = rowCues(ALL_ROWS);
const names = (label: string) => cueHits(compact(label), ALL_KEYS, ALL_CUES).best !== undefined;

/**
 * A row cut by a page break whose bottom edge is ruled anyway (LibreOffice draws it): the
 * row's values with the first part of its label ("5.属于三类内"), then a row of blank
 * cells with the rest ("部事务信息"). Joined when neither part names a row and the
 * whole does — never otherwise, so a blank row at the top of a page stays its own row.
 */
function joinCutLabels(rows: TableRow[]): TableRow[] {
  const out: TableRow[] = [];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const next = rows[i + 1];
    const blank = next !== undefined && next.values.every((v) => v.reading.kind === "blank");
    if (next && blank && row.values.length > 0 && next.label && !names(row.label) && !names(next.label) && names(row.label + next.label)) {
      out.push({ label: row.label + next.label, values: row.values, lines: [...row.lines, ...next.lines] });
      i++;
    } else out.push(row);
  }
  return out;
}

/** The one choice of candidate per open row under which every column identity holds, if there is exactly one. */
function settleByColumns(table: Record<string, Record<string, number | null>>, open: { key: string; candidates: (ValueCell | null)[][] }[]): (ValueCell | null)[][] | null {
  if (open.length === 0) return null;
  const combinations = open.reduce((n, o) => n * o.candidates.length, 1);
  if (combinations > 20_000) return null;
  const trial = structuredClone(table);
  let found: (ValueCell | null)[][] | null = null;
  const choice: (ValueCell | null)[][] = [];
  const columnsHold = () => failedEquations({ applications: trial }).every((f) => f.eq.identity.each !== "column");
  const walk = (i: number): boolean => {
    if (i === open.length) {
      if (!columnsHold()) return true;
      if (found) return false; // a second fit: ambiguous
      found = [...choice];
      return true;
    }
    for (const cells of open[i]!.candidates) {
      COLUMNS.forEach((col, c) => (trial[open[i]!.key]![col] = numberOf(cells[c] ?? null)));
      choice[i] = cells;
      if (!walk(i + 1)) return false;
    }
    return true;
  };
  return walk(0) ? found : null;
}

/** The keys of the matched rows printed nearest before and after printed row `i`. */
function neighbourKeys(matches: Map<number, string>, i: number): string[] {
  const at = [...matches.keys()];
  const before = Math.max(-1, ...at.filter((j) => j < i));
  const after = Math.min(Infinity, ...at.filter((j) => j > i));
  return [matches.get(before), matches.get(after)].filter((k): k is string => k !== undefined);
}

/**
 * @param shape - the form to give the table when its own rows do not tell (table 二's
 *   version, if known): only which （六） rows stand empty depends on it, never a value.
 */
export function parseApplications(printed: TableRow[], out: Collector, shape: TemplateVersion | null = null): ApplicationsResult | null {
  const rows = joinCutLabels(cutRuns(printed));
  const labels = rows.map((r) => compact(r.label));
  // A borderless row printed alone whose label opens with no enumerator is likelier the
  // rest of another row's label ("公开申请") than a row of its own.
  const fragments = rows.map((r) => r.alone === true && !ENUMERATOR.test(r.label));
  const tried = TEMPLATE_VERSIONS.map((version) => {
    const def = TEMPLATES[version].tables.applications;
    return { version, keys: rowKeys(def), ...alignRows(labels, rowKeys(def), rowCues(def.rows), rowNames(def.rows), fragments) };
  });
  const bestScore = Math.max(...tried.map((t) => t.score));
  const winners = tried.filter((t) => t.score === bestScore);
  // Both forms explain the printed rows equally: the （六） rows are not there to tell.
  const variant = winners.length === 1 ? winners[0]!.version : null;
  const best = winners.find((t) => t.version === (variant ?? shape ?? "2021"))!;
  if (best.matches.size < 3) return null;
  if (variant === null) {
    out.issue("TEMPLATE_UNDECIDED", "warning", "applications", `table 三 prints no row of the ${OTHER_HANDLING} group, whose form tells the template version; the group's rows are those of the ${best.version} form and stay empty`);
    // The other form's rows are not in the record: name each, so that a reader of a cell
    // the table may well print (2019's one row, 2021's three) is told why it is absent.
    for (const key of ALL_KEYS.filter((k) => !best.keys.includes(k))) {
      out.issue("TEMPLATE_UNDECIDED", "warning", `applications.${key}`, `row ${key} is left out: it belongs to the other form of the ${OTHER_HANDLING} group, and the table does not show which form it prints`);
    }
  }

  const byKey = new Map<string, TableRow>();
  for (const [rowIndex, key] of best.matches) byKey.set(key, rows[rowIndex]!);
  const ordered = best.keys.map((k) => byKey.get(k)?.values ?? []);
  // A printed row's values in the place of `key`: by the columns the neighbouring rows print, else by the row total.
  const placeRow = (key: string, row: TableRow) => placeValues(row.values, COLUMNS.length, { ...columnAnchors(ordered, COLUMNS.length, best.keys.indexOf(key)), groups: ROW_IDENTITY });

  const table: Record<string, Record<string, number | null>> = {};
  const open: { key: string; row: TableRow; candidates: (ValueCell | null)[][] }[] = [];
  const fill = (key: string, row: TableRow, cells: (ValueCell | null)[], how?: string) => {
    if (how) {
      out.issue("CELLS_PLACED", "warning", `applications.${key}`, `row "${row.label}" printed ${row.values.length} value(s); placed by ${how}, the only placement that fits`, {
        actual: row.values.map((v) => v.text).join(" "),
      });
    }
    flagUnreadCells(out, `applications.${key}`, row, COLUMNS.map((_, i) => cells[i] ?? null));
    COLUMNS.forEach((col, i) => {
      const cell = cells[i] ?? null;
      table[key]![col] = numberOf(cell);
      out.cell(`applications.${key}.${col}`, cell);
    });
  };
  for (const key of best.keys) {
    const row = byKey.get(key);
    table[key] = Object.fromEntries(COLUMNS.map((c) => [c, null]));
    // Rows order cannot place are settled, if at all, once the others are in (below).
    if (best.ambiguous.has(key)) continue;
    if (!row) {
      out.issue("ROW_MISSING", "error", `applications.${key}`, `table 三 row ${key} was not found`);
      continue;
    }
    const placed = placeRow(key, row);
    if (placed.ok) fill(key, row, placed.cells, placed.how === "identity" || placed.how === "glued" ? `the row total (${placed.how})` : undefined);
    else if (placed.candidates) open.push({ key, row, candidates: placed.candidates });
    else {
      out.issue("CELLS_AMBIGUOUS", "error", `applications.${key}`, `row "${row.label}": ${placed.reason}; values left null`, {
        actual: row.values.map((v) => v.text).join(" "),
      });
    }
  }
  // Rows the row total could not settle alone (a glued "220000022": 22|0…|22 or 2|20|…|22;
  // "18 18": 18 in any applicant column) are settled together by the column identities,
  // if exactly one combination fits.
  const settled = settleByColumns(table, open);
  for (const [i, { key, row, candidates }] of open.entries()) {
    if (settled) fill(key, row, settled[i]!, "the row and column totals");
    else {
      out.issue("CELLS_AMBIGUOUS", "error", `applications.${key}`, `row "${row.label}": ${candidates.length} placements fit its total and the column totals do not single one out; values left null`, {
        actual: row.values.map((v) => v.text).join(" "),
      });
    }
  }
  // Rows whose labels were unreadable and whose order is not unique: their values, where
  // every alignment the column totals allow gives the same (table3-unlabelled.ts).
  const place = (key: string, row: TableRow) => {
    const placed = placeRow(key, row);
    return placed.ok ? placed.cells : null;
  };
  const byOrder = best.ambiguous.size === 0 ? new Map<string, Settled>() : settleUnlabelled({ keys: best.keys, unsure: new Set(best.ambiguous.keys()), matches: best.matches, rows, columns: COLUMNS, table, place });
  for (const [key, rivals] of best.ambiguous) {
    const printed = rivals.map((i) => `"${rows[i]!.label}" (${rows[i]!.values.map((v) => v.text).join(" ") || "no values"})`).join(" or ");
    const actual = rivals.map((i) => rows[i]!.values.map((v) => v.text).join(" ")).join(" | ");
    const settled = byOrder.get(key);
    if (!settled) {
      out.issue("CELLS_AMBIGUOUS", "error", `applications.${key}`, `no label names table 三 row ${key}; by order it may be ${printed}, and no alignment of the rows is better than another; values left null`, { actual });
      continue;
    }
    out.issue("CELLS_PLACED", "warning", `applications.${key}`, `no label names table 三 row ${key}; by order it may be ${printed}; every alignment of the rows the column totals allow gives it the values placed`, { actual });
    COLUMNS.forEach((col, i) => {
      const cell = settled.cells[i] ?? null;
      table[key]![col] = numberOf(cell);
      // Provenance only where one printed row is certain.
      out.cell(`applications.${key}.${col}`, settled.rows.length === 1 ? cell : null);
    });
  }
  const rivalRows = new Set([...best.ambiguous.values()].flat());
  const flaggedNear = new Set<string>();
  rows.forEach((row, i) => {
    if (!best.matches.has(i) && !rivalRows.has(i) && row.values.some((v) => v.reading.kind === "number")) {
      const printed = row.values.map((v) => v.text).join(" ");
      out.issue("UNKNOWN_LABEL", "warning", "applications", `a row of table 三 matches no template row: "${row.label}" (${printed})`);
      // Values that name no row may be the missing cells of a row printed beside them (a
      // row pulled apart over lines): the nearest named rows above and below with null
      // cells say so, so that none of their nulls is silent.
      for (const key of neighbourKeys(best.matches, i)) {
        if (flaggedNear.has(key) || COLUMNS.every((col) => table[key]![col] !== null)) continue;
        flaggedNear.add(key);
        out.issue("CELLS_AMBIGUOUS", "warning", `applications.${key}`, `row ${key} has null cells, and values printed near it name no row (${printed}): they may be its own`, { actual: printed });
      }
    }
  });
  flagBlankTotals(table, out);
  return { table: table as Applications, variant };
}

/**
 * A row whose 总计 is blank while its parts are printed, in a table whose other rows print
 * theirs: the total may have gone unread (a lone number a scan's page pass missed). Named on
 * the cell — a blank total is no error where the whole column is blank (a real variation).
 */
function flagBlankTotals(table: Record<string, Record<string, number | null>>, out: Collector): void {
  const printing = Object.values(table).filter((cells) => COLUMNS.some((c) => cells[c] !== null));
  const withTotal = printing.filter((cells) => cells.total !== null).length;
  if (withTotal * 2 < printing.length) return;
  for (const [key, cells] of Object.entries(table)) {
    if (cells.total !== null || !COLUMNS.some((c) => c !== "total" && cells[c] !== null)) continue;
    out.issue("CELL_UNPARSED", "warning", `applications.${key}.total`, `table 三 row ${key}: 总计 is blank while the row prints values and the other rows print their totals; it may have gone unread`);
  }
}
