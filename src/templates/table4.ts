/** Table 四 · 政府信息公开行政复议、行政诉讼情况 → `reviewLitigation`. */
import { columnKeys, rowKeys, TEMPLATES } from "../definition/index.js";
import type { ReviewLitigation } from "../model/record.js";
import { flagUnreadCells, flagUnreadInBlock, Collector, numberOf } from "./_shared/collector.js";
import { placeValues, rowIdentityGroups } from "./_shared/place.js";
import type { TableRow, ValueCell } from "./_shared/rows.js";
import { compact } from "./_shared/text.js";

// Both versions print table 四 alike.
const DEF = TEMPLATES["2021"].tables.reviewLitigation;
const COLUMNS = columnKeys(DEF);
const GROUPS = rowKeys(DEF);
const WIDTH = COLUMNS.length;
/** A group's own identity, and the identities of all groups printed side by side in one row. */
const GROUP_IDENTITY = rowIdentityGroups(DEF, COLUMNS);
const ROW_IDENTITIES = GROUPS.flatMap((_, g) => rowIdentityGroups(DEF, COLUMNS, g * WIDTH));

/** Rows printed one per group (three 5-value rows or tables, each naming its group). */
function labelledGroups(rows: TableRow[]): Map<string, TableRow> | null {
  const found = new Map<string, TableRow>();
  for (const row of rows) {
    const label = compact(row.label);
    // The last group whose cue the label names: 复议后起诉 also says 复议.
    const group = [...DEF.rows].reverse().find((g) => g.cue.test(label))?.key;
    if (group && row.values.length <= WIDTH && !found.has(group)) found.set(group, row);
  }
  return found.size === GROUPS.length ? found : null;
}

/** The 15 value cells in printed order (one row of 15, or consecutive rows adding up to 15). */
function flatValues(rows: TableRow[]): ValueCell[] | null {
  const single = rows.find((r) => r.values.length === GROUPS.length * WIDTH);
  if (single) return single.values;
  const values: ValueCell[] = [];
  for (const row of rows) {
    values.push(...row.values);
    if (values.length >= GROUPS.length * WIDTH) break;
  }
  return values.length > 0 ? values : null;
}

export function parseReviewLitigation(rows: TableRow[], out: Collector): ReviewLitigation | null {
  const dataRows = rows.filter((r) => r.values.length > 0);
  if (dataRows.length === 0) return null;
  const cells: (ValueCell | null)[] = new Array(GROUPS.length * WIDTH).fill(null);
  const groups = labelledGroups(dataRows);
  if (groups) {
    GROUPS.forEach((g, gi) => {
      const row = groups.get(g)!;
      const placed = placeValues(row.values, WIDTH, { groups: GROUP_IDENTITY });
      if (placed.ok) {
        placed.cells.forEach((c, i) => (cells[gi * WIDTH + i] = c));
        flagUnreadCells(out, `reviewLitigation.${g}`, row, placed.cells);
      }
      else out.issue("CELLS_AMBIGUOUS", "error", `reviewLitigation.${g}`, `table 四 ${g}: ${placed.reason}; values left null`, { actual: row.values.map((v) => v.text).join(" ") });
    });
  } else {
    const values = flatValues(dataRows);
    if (!values) return null;
    const placed = placeValues(values, GROUPS.length * WIDTH, { groups: ROW_IDENTITIES });
    if (placed.ok) {
      placed.cells.forEach((c, i) => (cells[i] = c));
      const paths = GROUPS.flatMap((g) => COLUMNS.map((col) => `reviewLitigation.${g}.${col}`));
      for (const row of dataRows) flagUnreadInBlock(out, paths, row, placed.cells);
      if (placed.how === "identity" || placed.how === "glued") {
        out.issue("CELLS_PLACED", "warning", "reviewLitigation", `table 四 printed ${values.length} values for ${GROUPS.length * WIDTH} columns; placed by the group totals, the only placement that fits`, {
          actual: values.map((v) => v.text).join(" "),
        });
      }
    } else {
      out.issue("CELLS_AMBIGUOUS", "error", "reviewLitigation", `table 四: ${placed.reason}; values left null`, { actual: values.map((v) => v.text).join(" ") });
    }
  }
  const table: Record<string, Record<string, number | null>> = {};
  GROUPS.forEach((g, gi) => {
    const values: Record<string, number | null> = (table[g] = {});
    COLUMNS.forEach((col, i) => {
      const cell = cells[gi * WIDTH + i] ?? null;
      values[col] = numberOf(cell);
      out.cell(`reviewLitigation.${g}.${col}`, cell);
    });
  });
  return table as unknown as ReviewLitigation;
}
