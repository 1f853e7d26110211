/** Table 四 · 政府信息公开行政复议、行政诉讼情况 → `reviewLitigation`. */
import type { ReviewLitigation } from "../model/record.js";
import { REVIEW_COLUMN_KEYS, REVIEW_GROUP_KEYS, type ReviewGroup } from "../model/vocabulary.js";
import { REVIEW_GROUP_CUES } from "./labels.js";
import { Collector, numberOf } from "./_shared/collector.js";
import { placeValues, type IdentityGroup } from "./_shared/place.js";
import type { TableRow, ValueCell } from "./_shared/rows.js";
import { compact } from "./_shared/text.js";

const WIDTH = REVIEW_COLUMN_KEYS.length; // 5
const GROUP_IDENTITIES: IdentityGroup[] = REVIEW_GROUP_KEYS.map((_, g) => ({ parts: [0, 1, 2, 3].map((i) => g * WIDTH + i), total: g * WIDTH + 4 }));

/** Rows printed one per group (three 5-value rows or tables, each naming its group). */
function labelledGroups(rows: TableRow[]): Map<ReviewGroup, TableRow> | null {
  const found = new Map<ReviewGroup, TableRow>();
  for (const row of rows) {
    const label = compact(row.label);
    const group = [...REVIEW_GROUP_KEYS].reverse().find((g) => REVIEW_GROUP_CUES[g].test(label));
    if (group && row.values.length <= WIDTH && !found.has(group)) found.set(group, row);
  }
  return found.size === REVIEW_GROUP_KEYS.length ? found : null;
}

/** The 15 value cells in printed order (one row of 15, or consecutive rows adding up to 15). */
function flatValues(rows: TableRow[]): ValueCell[] | null {
  const single = rows.find((r) => r.values.length === 3 * WIDTH);
  if (single) return single.values;
  const values: ValueCell[] = [];
  for (const row of rows) {
    values.push(...row.values);
    if (values.length >= 3 * WIDTH) break;
  }
  return values.length > 0 ? values : null;
}

export function parseReviewLitigation(rows: TableRow[], out: Collector): ReviewLitigation | null {
  const dataRows = rows.filter((r) => r.values.length > 0);
  if (dataRows.length === 0) return null;
  const cells: (ValueCell | null)[] = new Array(3 * WIDTH).fill(null);
  const groups = labelledGroups(dataRows);
  if (groups) {
    REVIEW_GROUP_KEYS.forEach((g, gi) => {
      const row = groups.get(g)!;
      const placed = placeValues(row.values, WIDTH, { groups: [{ parts: [0, 1, 2, 3], total: 4 }] });
      if (placed.ok) placed.cells.forEach((c, i) => (cells[gi * WIDTH + i] = c));
      else out.issue("CELLS_AMBIGUOUS", "error", `reviewLitigation.${g}`, `table 四 ${g}: ${placed.reason}; values left null`);
    });
  } else {
    const values = flatValues(dataRows);
    if (!values) return null;
    const placed = placeValues(values, 3 * WIDTH, { groups: GROUP_IDENTITIES });
    if (placed.ok) {
      placed.cells.forEach((c, i) => (cells[i] = c));
      if (placed.how === "identity") {
        out.issue("CELLS_PLACED", "warning", "reviewLitigation", `table 四 printed ${values.length} values for 15 columns; placed by the group totals`);
      }
    } else {
      out.issue("CELLS_AMBIGUOUS", "error", "reviewLitigation", `table 四: ${placed.reason}; values left null`, { actual: values.map((v) => v.text).join(" ") });
    }
  }
  const table = {} as Record<ReviewGroup, Record<string, number | null>>;
  REVIEW_GROUP_KEYS.forEach((g, gi) => {
    table[g] = {};
    REVIEW_COLUMN_KEYS.forEach((col, i) => {
      const cell = cells[gi * WIDTH + i] ?? null;
      table[g][col] = numberOf(cell);
      out.cell(`reviewLitigation.${g}.${col}`, cell);
    });
  });
  return table as ReviewLitigation;
}
