/** Table 二 · 主动公开政府信息情况 → `activeDisclosure`, in either template version. */
import {
  columnsOf,
  rowCues,
  rowNames,
  TEMPLATE_VERSIONS,
  TEMPLATES,
  unionRows,
  versionMarkers,
  type AmountUnit,
  type ColumnDef,
  type TemplateVersion,
} from "../definition/index.js";
import type { ActiveDisclosure2019, ActiveDisclosure2021 } from "../model/record.js";
import { cueHits } from "./_shared/align.js";
import { convertAmount, headerUnit } from "./_shared/codecs.js";
import { flagUnreadCells, Collector, numberOf } from "./_shared/collector.js";
import { columnAnchors, placeValues } from "./_shared/place.js";
import type { TableRow, ValueCell } from "./_shared/rows.js";
import { closestName, compact } from "./_shared/text.js";

export type ActiveDisclosureResult =
  | { version: "2019"; table: ActiveDisclosure2019 }
  | { version: "2021"; table: ActiveDisclosure2021 }
  /** The table prints nothing that tells its version: its values are not placed. */
  | { version: null; printed: string };


const ROWS = unionRows("activeDisclosure");
const KEYS = ROWS.map((r) => r.key);
const CUES = rowCues(ROWS);
const NAMES = rowNames(ROWS);
const MARKERS = versionMarkers("activeDisclosure");

/** The row a label names: the cue that ends last (after any header text that preceded it). */
function rowKey(label: string): string | undefined {
  return cueHits(label, KEYS, CUES).best ?? (label.length >= 3 && label.length <= 14 ? closestName(label, NAMES, KEYS) : undefined);
}

/**
 * The version the table's own print shows: the column headers and rows that only one
 * version has, else a row printing more values than the other version has columns for
 * it. Fewer values prove nothing (blank cells vanish from text), and the year is no
 * evidence: `null` when the print does not tell.
 */
function detectVersion(header: string, rows: Map<string, TableRow>): TemplateVersion | null {
  const hits = (v: TemplateVersion) => MARKERS[v].filter((re) => re.test(header)).length;
  const [h19, h21] = [hits("2019"), hits("2021")];
  if (h19 !== h21) return h19 > h21 ? "2019" : "2021";
  const possible = TEMPLATE_VERSIONS.filter((v) => {
    const table = TEMPLATES[v].tables.activeDisclosure;
    return [...rows].every(([key, row]) => {
      const def = table.rows.find((r) => r.key === key);
      return def !== undefined && row.values.filter((c) => c.reading.kind !== "blank").length <= columnsOf(table, def).length;
    });
  });
  return possible.length === 1 ? possible[0]! : null;
}

export function parseActiveDisclosure(rows: TableRow[], headerText: string, out: Collector): ActiveDisclosureResult | null {
  const byKey = new Map<string, TableRow>();
  for (const row of rows) {
    const key = rowKey(compact(row.label));
    if (!key) {
      if (row.values.some((v) => v.reading.kind === "number")) {
        out.issue("UNKNOWN_LABEL", "warning", "activeDisclosure", `a row of table 二 matches no template row: "${row.label}"`);
      }
      continue;
    }
    if (!byKey.has(key)) byKey.set(key, row);
  }
  if (byKey.size < 2) return null;
  const header = compact(headerText);
  const version = detectVersion(header, byKey);
  if (version === null) return { version, printed: [...byKey.values()].map((r) => `${r.label} ${r.values.map((v) => v.text).join(" ")}`).join("; ") };
  const def = TEMPLATES[version].tables.activeDisclosure;

  // Rows with the same columns (e.g. the three-column sub-tables) share column positions.
  const anchorsFor = (n: number) =>
    columnAnchors(
      [...byKey.entries()].filter(([k]) => def.rows.some((r) => r.key === k && columnsOf(def, r).length === n)).map(([, r]) => r.values),
      n,
    );

  const table: Record<string, Record<string, unknown>> = {};
  for (const rowDef of def.rows) {
    const columns = columnsOf(def, rowDef);
    const record: Record<string, unknown> = Object.fromEntries(columns.map((c) => [c.key, c.type === "amount" ? { value: null, unit: null } : null]));
    table[rowDef.key] = record;
    const row = byKey.get(rowDef.key);
    if (!row) {
      out.issue("ROW_MISSING", "error", `activeDisclosure.${rowDef.key}`, `table 二 row ${rowDef.key} (${rowDef.label}) was not found`);
      continue;
    }
    const placed = placeValues(row.values, columns.length, { ...anchorsFor(columns.length), fits: (value, i) => fitsColumn(value, columns[i]!) });
    if (!placed.ok) {
      out.issue("CELLS_AMBIGUOUS", "error", `activeDisclosure.${rowDef.key}`, `row "${row.label}": ${placed.reason}; values left null`, {
        actual: row.values.map((v) => v.text).join(" "),
      });
      continue;
    }
    if (placed.how === "kind") {
      out.issue("CELLS_PLACED", "warning", `activeDisclosure.${rowDef.key}`, `row "${row.label}" printed ${row.values.length} values for ${columns.length} columns; placed by what each value prints (a unit of money, 增/减), the only placement that fits`, {
        actual: row.values.map((v) => v.text).join(" "),
      });
    }
    flagUnreadCells(out, `activeDisclosure.${rowDef.key}`, row, columns.map((_, i) => placed.cells[i] ?? null));
    columns.forEach((column, i) => {
      const cell = placed.cells[i] ?? null;
      const path = `activeDisclosure.${rowDef.key}.${column.key}`;
      out.cell(path, cell);
      record[column.key] = fieldValue(column, cell, header, path, out);
    });
  }
  for (const key of byKey.keys()) {
    if (!def.rows.some((r) => r.key === key)) out.issue("UNKNOWN_LABEL", "warning", "activeDisclosure", `row ${key} belongs to the other template version than this table's (${version})`);
  }
  return version === "2019"
    ? { version, table: table as unknown as ActiveDisclosure2019 }
    : { version, table: table as unknown as ActiveDisclosure2021 };
}

/**
 * What a value's own text allows: printed with a unit of money, it is an amount (a fee in
 * 万元 too); printed 增 N or 减 N, or below zero, it is a 本年增/减. Other values may stand
 * anywhere.
 */
function fitsColumn(value: ValueCell, column: ColumnDef): boolean {
  const reading = value.reading;
  if (reading.kind !== "number") return true;
  if (reading.unit !== null) return column.type === "amount" || (column.type === "decimal" && column.unit !== undefined);
  if (reading.value < 0 || /^\s*[增减]/.test(value.text)) return column.type === "signedCount";
  return true;
}

/** The unit a column's header prints after its name ("采购总金额（万元）"). */
function columnHeaderUnit(column: ColumnDef, header: string): AmountUnit | null {
  if (!column.cue) return null;
  const m = new RegExp(`${column.cue.source}[^0-9]{0,12}`).exec(header);
  return m ? headerUnit(m[0]) : null;
}

/**
 * 万元 no body's fees reach: 10^8 万元 is 10^12 yuan. A larger OCR'd amount is a decimal
 * point lost (24252.311082 read as 24252311082): named, as table 二 has no identity.
 */
const IMPLAUSIBLE_WAN_YUAN = 1e8;

function fieldValue(column: ColumnDef, cell: ValueCell | null, header: string, path: string, out: Collector): unknown {
  const value = columnValue(column, cell, header, path, out);
  if (typeof value === "number" && cell?.confidence !== undefined && column.unit === "万元" && value >= IMPLAUSIBLE_WAN_YUAN) {
    out.issue("OCR_UNCERTAIN", "warning", path, `OCR read "${cell.text}", more than any amount in 万元 can be: a decimal point may be lost`, { actual: cell.text });
  }
  return value;
}

/**
 * An OCR'd number whose ink shows a decimal point no reader read ("7.2" read as 72), in a
 * column that takes decimals: the point goes where the ink has it, and an issue says so
 * (the reading was flagged unsure already). In a count the mark is a speck and is ignored.
 */
function withInkPoint(column: ColumnDef, cell: ValueCell | null, path: string, out: Collector): number | null {
  const value = numberOf(cell);
  const plain = /^\s*(-?)(\d+)\s*$/.exec(cell?.text ?? "");
  const after = cell?.inkPoint;
  if (value === null || after === undefined || !plain || (column.type !== "decimal" && column.type !== "amount") || after >= plain[2]!.length) return value;
  const placed = Number(`${plain[1]}${plain[2]!.slice(0, after)}.${plain[2]!.slice(after)}`);
  out.issue("OCR_UNCERTAIN", "warning", path, `OCR read "${cell!.text}" without the decimal point its ink shows after ${after} digit${after === 1 ? "" : "s"}: taken as ${placed}`, { actual: cell!.text, expected: placed });
  return placed;
}

function columnValue(column: ColumnDef, cell: ValueCell | null, header: string, path: string, out: Collector): unknown {
  const value = withInkPoint(column, cell, path, out);
  const unit = cell?.reading.kind === "number" ? cell.reading.unit : null;
  if (column.type === "amount") return { value, unit: unit ?? columnHeaderUnit(column, header) };
  if (column.type === "decimal" && column.unit) {
    const printed = unit ?? columnHeaderUnit(column, header) ?? column.unit;
    if (value === null || printed === column.unit) return value;
    const converted = convertAmount(value, printed, column.unit);
    out.issue("UNIT_CONVERTED", "warning", path, `printed in ${printed}; converted to ${column.unit}`, { actual: cell?.text ?? null, expected: converted });
    return converted;
  }
  return value;
}
