/**
 * A dataset row as flat values: the wide form (one row per report, one column per cell
 * path, in codebook order, the union of both template versions) and the long form (one
 * row per cell a report carries). Column names and labels come from the codebook, so
 * every format names a cell as the record, its provenance and its issues do.
 */
import { codebook, type CodebookEntry } from "../definition/codebook.js";
import type { Issue } from "../model/issue.js";
import type { ReportRecord } from "../model/record.js";
import { namingIndex } from "../validate/flags.js";
import type { DatasetRow } from "./types.js";

export type ColumnType = "string" | "integer" | "decimal";
export type Value = string | number | null;

export interface Column {
  /** The column's name: a report field, or a cell path as in the record. */
  name: string;
  /** Its Chinese label (`--labels zh`, spreadsheets). */
  label: string;
  type: ColumnType;
  /** The codebook entry of a cell column. */
  cell?: CodebookEntry;
}

/** The report columns that come before the cells. */
const REPORT_COLUMNS: { name: string; label: string; type: ColumnType; value: (row: DatasetRow) => Value }[] = [
  { name: "id", label: "标识（输入文件 SHA-256）", type: "string", value: (r) => r.record.source.sha256 },
  { name: "source_name", label: "来源文件", type: "string", value: (r) => r.record.source.name },
  { name: "source_url", label: "来源网址", type: "string", value: (r) => r.record.source.url ?? null },
  { name: "other_sources", label: "内容相同的其他来源", type: "string", value: (r) => r.sources.slice(1).map((s) => s.url ?? s.name).join(" | ") || null },
  { name: "organ", label: "发布机关", type: "string", value: (r) => r.record.meta.organ },
  { name: "organ_key", label: "机关统一名称", type: "string", value: (r) => r.organKey },
  { name: "year", label: "统计年度", type: "integer", value: (r) => r.record.meta.year },
  { name: "template", label: "模板版本", type: "string", value: (r) => r.record.meta.template },
  { name: "title", label: "报告标题", type: "string", value: (r) => r.record.meta.title },
  { name: "text_source", label: "文本来源", type: "string", value: (r) => r.record.source.textSource },
  { name: "extractor_version", label: "抽取程序版本", type: "string", value: (r) => r.record.extractor?.version ?? null },
  { name: "errors", label: "错误数", type: "integer", value: (r) => r.record.issues.filter((i) => i.severity === "error").length },
  { name: "warnings", label: "警告数", type: "integer", value: (r) => r.record.issues.filter((i) => i.severity === "warning").length },
];

const cellLabel = (e: CodebookEntry) => `表${e.tableNumber} ${e.rowLabel} / ${e.columnLabel}${e.column.endsWith(".unit") ? "（单位）" : ""}`;

let columns: Column[] | undefined;

/** The wide table's columns: the report's fields, then every cell of both template versions. */
export function wideColumns(): Column[] {
  columns ??= [
    ...REPORT_COLUMNS.map(({ name, label, type }) => ({ name, label, type })),
    ...codebook().map((cell): Column => ({ name: cell.path, label: cellLabel(cell), type: cell.type, cell })),
  ];
  return columns;
}

function valueOf(record: object, keys: readonly string[]): Value | undefined {
  let at: unknown = record;
  for (const key of keys) {
    if (at === null || typeof at !== "object") return undefined;
    at = (at as Record<string, unknown>)[key];
    if (at === undefined) return undefined;
  }
  return typeof at === "number" || typeof at === "string" || at === null ? at : undefined;
}

/** The value at a cell path of the record (undefined where its template has no such cell). */
export function valueAt(row: DatasetRow, path: string): Value | undefined {
  return valueOf(row.record, path.split("."));
}

let cellKeys: string[][] | undefined;

/** The wide row, in `wideColumns()` order; a cell the report lacks, or a blank, is null. */
export function wideValues(row: DatasetRow): Value[] {
  cellKeys ??= wideColumns()
    .slice(REPORT_COLUMNS.length)
    .map((c) => c.name.split("."));
  const out: Value[] = REPORT_COLUMNS.map((c) => c.value(row));
  for (const keys of cellKeys) out.push(valueOf(row.record, keys) ?? null);
  return out;
}

export interface CellRow {
  id: string;
  organ: string | null;
  organKey: string | null;
  year: number | null;
  template: string | null;
  /** 二, 三, 四 */
  table: string;
  row: string;
  column: string;
  path: string;
  value: Value;
  /** A warning or an error names the cell, its row or its column. */
  flagged: boolean;
  /** The codes of the issues that name it. */
  issueCodes: string[];
}

let cellColumns: { c: Column & { cell: CodebookEntry }; keys: string[]; named: string }[] | undefined;

/** One row per cell the report carries, with the issues that name it. */
export function cellRows(row: DatasetRow): CellRow[] {
  // An amount's value and unit are named by the issues of the amount.
  cellColumns ??= wideColumns().flatMap((c) => (c.cell ? [{ c: c as Column & { cell: CodebookEntry }, keys: c.name.split("."), named: c.name.replace(/\.(value|unit)$/, "") }] : []));
  const naming = namingIndex(row.record.issues as Issue[]);
  const out: CellRow[] = [];
  for (const { c, keys, named: namedPath } of cellColumns) {
    const value = valueOf(row.record, keys);
    if (value === undefined) continue;
    const named = naming(namedPath);
    out.push({
      id: row.record.source.sha256,
      organ: row.record.meta.organ,
      organKey: row.organKey,
      year: row.record.meta.year,
      template: row.record.meta.template,
      table: c.cell.tableNumber,
      row: c.cell.row,
      column: c.cell.column,
      path: c.name,
      value,
      flagged: named.length > 0,
      issueCodes: [...new Set(named.map((i) => i.code))],
    });
  }
  return out;
}

/** A cell of the codebook as `eachCell` finds it in a record. */
export interface CellSpec {
  /** Its codebook entry (`entry.path` is the column name of the wide table). */
  entry: CodebookEntry;
  /** Its index in the wide row (`wideValues`). */
  wide: number;
  /** The last key of its path: the column, or `value`/`unit` of an amount. */
  key: string;
  /** The amount's key, for the second step of `amount.value`. */
  amount: string | undefined;
  /** The path the issues name it by (an amount's value and unit by their amount's path). */
  flagPath: string;
}

/** A table row's cells, in codebook order. */
export interface RowSpec {
  table: string;
  row: string;
  cells: CellSpec[];
}

let rowSpecs: RowSpec[] | undefined;

/** The codebook's cells, row by row (in codebook order). */
export function cellSpecs(): readonly RowSpec[] {
  if (rowSpecs) return rowSpecs;
  const specs: RowSpec[] = [];
  wideColumns().forEach((c, wide) => {
    if (!c.cell) return;
    const [table, row, ...rest] = c.name.split(".");
    let spec = specs.at(-1);
    if (!spec || spec.table !== table || spec.row !== row) specs.push((spec = { table: table!, row: row!, cells: [] }));
    spec.cells.push({ entry: c.cell, wide, key: rest.at(-1)!, amount: rest.length > 1 ? rest[0] : undefined, flagPath: c.name.replace(/\.(value|unit)$/, "") });
  });
  return (rowSpecs = specs);
}

/**
 * The cells of `cellRows`, with the same values, flags and codes, in the same order, but
 * handed to `visit` one by one (no object per cell) and found table by table and row by
 * row; the issues are asked only for a record that has some that can name a cell (most
 * records have none). `codes`: the codes of the issues that name the cell, each once, or
 * null when none does (the cell is not flagged).
 */
export function eachCell(record: ReportRecord, visit: (cell: CellSpec, value: Value, codes: string[] | null) => void): void {
  const issues = record.issues as Issue[];
  const naming = issues.some((i) => i.severity !== "info" && i.path !== null) ? namingIndex(issues) : null;
  const tables = record as unknown as Record<string, unknown>;
  for (const spec of cellSpecs()) {
    const table = tables[spec.table];
    if (table === null || typeof table !== "object") continue;
    const values = (table as Record<string, unknown>)[spec.row];
    if (values === null || typeof values !== "object") continue;
    for (const cell of spec.cells) {
      let at = values as Record<string, unknown>;
      if (cell.amount !== undefined) {
        const amount = at[cell.amount];
        if (amount === null || typeof amount !== "object") continue;
        at = amount as Record<string, unknown>;
      }
      const value = at[cell.key];
      if (value !== null && typeof value !== "number" && typeof value !== "string") continue;
      let codes: string[] | null = null;
      if (naming) {
        const named = naming(cell.flagPath);
        if (named.length > 0) codes = [...new Set(named.map((i) => i.code))];
      }
      visit(cell, value, codes);
    }
  }
}
