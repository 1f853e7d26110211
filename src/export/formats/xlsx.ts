/**
 * XLSX: a workbook an office can open and use as it is. Sheets, in order:
 *
 * - `reports` — the wide table (one row per report, one column per cell path, as in CSV);
 * - `表二 …`, `表三 …`, `表四 …` — each template table in long-wide form: one row per
 *   report and table row (the report's id, organ, year and template, the row's key and
 *   its label as the report's template version prints it), one column per column of the
 *   table (table 二: the union of its sub-tables' columns, a row filling those it prints);
 * - `issues` — every issue of every report, one per row (with the report's id, organ,
 *   year and template; the other report fields are in `reports`, by id);
 * - `findings` — the dataset checks' findings;
 * - `codebook` — every cell path with its labels, templates, type and unit.
 *
 * Every sheet has two frozen header rows: the Chinese labels, then the machine names
 * (the CSV and Parquet column names), with an auto-filter. Numbers are numbers, a blank
 * is an empty cell. A cell named by an error (src/validate/flags.ts) is filled red; so
 * is an issue's or a finding's severity when it is an error (yellow: a warning), and a
 * report's error count when it is not 0. A sheet longer than Excel's 1,048,576 rows goes
 * on in a sheet of the same name with " (2)" (table 三 does past about 40,000 reports).
 *
 * Everything streams: each sheet is written to its own temporary file of deflated XML
 * beside the output as the rows arrive (ooxml.ts), and the files are packed into the
 * workbook when the export closes. The sheets are deflated at zlib level 1: at the
 * default level 6 the deflater is what the export waits for; level 1 makes the file
 * about 30% larger. `--labels` changes nothing here: both header rows are
 * always written.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { codebook, type CodebookEntry } from "../../definition/codebook.js";
import { TABLE_KEYS, TEMPLATE_VERSIONS, TEMPLATES, type TableKey, type TemplateVersion } from "../../definition/index.js";
import { ISSUE_CODES, type Issue } from "../../model/issue.js";
import { issuesNaming } from "../../validate/flags.js";
import { EXTRACTOR } from "../../version.js";
import { wideColumns, wideValues, type Value } from "../table.js";
import type { DatasetRow, Finding, Sink } from "../types.js";
import { AtomicFile } from "./file.js";
import type { SinkOptions } from "./index.js";
import { STYLE, Workbook, type CellValue, type Sheet, type SheetColumn, type Style } from "./ooxml.js";
import { ZipWriter } from "./zip.js";

export const SHEETS = { reports: "reports", issues: "issues", findings: "findings", codebook: "codebook" } as const;

/** Knobs for tests and benchmarks. */
export interface XlsxTuning {
  /** Rows per sheet, header rows included, before a sheet goes on in the next (Excel's limit by default). */
  maxRows?: number;
  /** ZIP64 records for every entry (they are written anyway where sizes need them). */
  zip64?: boolean;
  /** zlib level of the sheets' XML (default 1). */
  level?: number;
}

const WIDTHS: Record<string, number> = {
  id: 14,
  source_name: 18,
  source_url: 16,
  other_sources: 14,
  organ: 26,
  organ_key: 20,
  year: 8,
  template: 8,
  title: 36,
  text_source: 9,
  extractor_version: 9,
  errors: 7,
  warnings: 7,
};
const column = (name: string, label: string, width = WIDTHS[name] ?? 12): SheetColumn => ({ name, label, width });

/** A table in long-wide form: its rows (union over versions), its columns (union over rows). */
interface TableLayout {
  key: TableKey;
  name: string;
  /** A row's label as each version prints it (its group labels first), the newest's for a report of neither. */
  rows: { key: string; labels: Record<TemplateVersion, string | undefined>; newest: string; paths: string[]; at: number[] }[];
  columns: { key: string; label: string }[];
}

const rowLabel = (row: { label: string; groups?: readonly string[] }) => [...(row.groups ?? []), row.label].join(" · ");

const tableName = (key: TableKey) => `表${TEMPLATES["2021"].tables[key].number} ${TEMPLATES["2021"].tables[key].title}`;

function tableLayouts(entries: CodebookEntry[]): TableLayout[] {
  const wide = wideColumns();
  return TABLE_KEYS.map((key) => {
    const rows = new Map<string, string>();
    const columns = new Map<string, string>();
    for (const e of entries.filter((x) => x.table === key)) {
      if (!rows.has(e.row)) rows.set(e.row, e.rowLabel);
      if (!columns.has(e.column)) columns.set(e.column, `${e.columnLabel}${e.column.endsWith(".unit") ? "（单位）" : ""}`);
    }
    const printed = (v: TemplateVersion, row: string) => {
      const def = TEMPLATES[v].tables[key].rows.find((r) => r.key === row);
      return def ? rowLabel(def) : undefined;
    };
    return {
      key,
      name: tableName(key),
      rows: [...rows].map(([k, newest]) => ({
        key: k,
        labels: { "2019": printed("2019", k), "2021": printed("2021", k) },
        newest,
        paths: [...columns.keys()].map((c) => `${key}.${k}.${c}`),
        // Where each cell is in the wide row (-1: no version prints it).
        at: [...columns.keys()].map((c) => wide.findIndex((w) => w.name === `${key}.${k}.${c}`)),
      })),
      columns: [...columns].map(([k, label]) => ({ key: k, label })),
    };
  });
}

/** The words an issue's path stands for: a cell's labels, a row's, a table's. */
function locationLabels(entries: CodebookEntry[]): Map<string, string> {
  const labels = new Map<string, string>();
  for (const c of wideColumns()) {
    if (!c.cell) continue;
    labels.set(c.name, c.label);
    if (c.name.endsWith(".value")) labels.set(c.name.slice(0, -".value".length), c.label);
  }
  for (const e of entries) {
    const number = TEMPLATES["2021"].tables[e.table].number;
    labels.set(`${e.table}.${e.row}`, `表${number} ${e.rowLabel}`);
    labels.set(e.table, tableName(e.table));
  }
  return labels;
}

/** Which cells of a record an error names (amount values and units by their amount's path). */
function errorNamer(issues: readonly Issue[]): ((path: string) => boolean) | null {
  const errors = issues.filter((i) => i.severity === "error" && i.path !== null);
  if (!errors.length) return null;
  const seen = new Map<string, boolean>();
  return (path) => {
    const base = path.replace(/\.(value|unit)$/, "");
    let named = seen.get(base);
    if (named === undefined) seen.set(base, (named = issuesNaming(base, errors).length > 0));
    return named;
  };
}

const severityStyle = (severity: string): Style | undefined => (severity === "error" ? STYLE.error : severity === "warning" ? STYLE.warning : undefined);

export function xlsxSink(options: SinkOptions): Sink {
  return workbookSink(options);
}

export function workbookSink(options: SinkOptions, tuning: XlsxTuning = {}): Sink {
  const file = new AtomicFile(options.out!);
  const entries = codebook();
  const wide = wideColumns();
  const tables = tableLayouts(entries);
  const labelOf = new Map(wide.map((c) => [c.name, c.label]));
  const locations = locationLabels(entries);
  const at = (name: string) => wide.findIndex((c) => c.name === name);
  const errorsAt = at("errors");
  const warningsAt = at("warnings");

  let dir: string | undefined;
  let book: Workbook | undefined;
  let sheets: { reports: Sheet; tables: Sheet[]; issues: Sheet; findings: Sheet; codebook: Sheet } | undefined;

  const report = ["id", "organ", "year", "template"].map((name) => column(name, labelOf.get(name)!));
  // What repeats on every row goes to the shared-string table: row keys and labels, codes, versions.
  const sharedStrings = [
    ...TEMPLATE_VERSIONS,
    "error",
    "warning",
    "info",
    ...Object.keys(ISSUE_CODES),
    ...tables.flatMap((t) => t.rows.flatMap((r) => [r.key, r.newest, ...Object.values(r.labels).filter((l): l is string => l !== undefined)])),
  ];

  async function open(): Promise<void> {
    await file.open();
    dir = await mkdtemp(join(dirname(file.target), `.${basename(file.target)}.sheets-`));
    book = new Workbook(dir, { title: "政府信息公开工作年度报告数据", creator: `${EXTRACTOR.name} ${EXTRACTOR.version}`, maxRows: tuning.maxRows, level: tuning.level ?? 1, sharedStrings });
    sheets = {
      reports: book.sheet({ name: SHEETS.reports, columns: wide.map((c) => column(c.name, c.label)), frozenColumns: at("organ") + 1 }),
      tables: tables.map((t) =>
        book!.sheet({
          name: t.name,
          columns: [...report, column("row", "行（键）", 20), column("row_label", "行名称", 40), ...t.columns.map((c) => column(c.key, c.label))],
        }),
      ),
      issues: book.sheet({
        name: SHEETS.issues,
        columns: [
          ...report,
          column("severity", "严重程度", 9),
          column("code", "问题代码", 24),
          column("path", "位置", 36),
          column("location", "位置名称", 40),
          column("message", "说明", 60),
          column("expected", "应为", 10),
          column("actual", "实为", 10),
        ],
      }),
      findings: book.sheet({
        name: SHEETS.findings,
        columns: [
          column("code", "问题代码", 24),
          column("severity", "严重程度", 9),
          column("organ_key", "机关统一名称", 20),
          column("year", "统计年度", 8),
          column("ids", "涉及记录（输入文件 SHA-256，保留者在前）", 30),
          column("paths", "涉及单元格", 36),
          column("message", "说明", 60),
        ],
      }),
      codebook: book.sheet({
        name: SHEETS.codebook,
        columns: [
          column("path", "路径", 44),
          column("table", "表", 5),
          column("row", "行（键）", 22),
          column("column", "列（键）", 22),
          column("row_label", "行名称", 40),
          column("column_label", "列名称", 30),
          column("templates", "模板版本", 10),
          column("type", "类型", 9),
          column("signed", "可为负数", 8),
          column("unit", "单位", 6),
          column("note", "说明", 60),
        ],
      }),
    };
  }

  async function write(row: DatasetRow): Promise<void> {
    const { record } = row;
    const named = errorNamer(record.issues as Issue[]);
    const values = wideValues(row);
    const styles: (Style | undefined)[] = [];
    if (named) for (let i = 0; i < wide.length; i++) if (wide[i]!.cell && named(wide[i]!.name)) styles[i] = STYLE.error;
    if ((values[errorsAt] as number) > 0) styles[errorsAt] = STYLE.error;
    if ((values[warningsAt] as number) > 0) styles[warningsAt] = STYLE.warning;
    sheets!.reports.row(values, styles.length ? styles : null);

    const head: Value[] = [record.source.sha256, record.meta.organ, record.meta.year, record.meta.template];
    for (const [t, layout] of tables.entries()) {
      const table = record[layout.key] as Record<string, unknown> | null;
      if (!table) continue;
      for (const r of layout.rows) {
        if (table[r.key] === null || typeof table[r.key] !== "object") continue;
        const label = (record.meta.template ? r.labels[record.meta.template] : undefined) ?? r.newest;
        const cells: CellValue[] = [...head, r.key, label];
        const cellStyles: (Style | undefined)[] = [];
        for (let k = 0; k < r.paths.length; k++) {
          if (named?.(r.paths[k]!)) cellStyles[cells.length] = STYLE.error;
          // The wide row holds every cell of the codebook (null where the report has none).
          const at = r.at[k]!;
          cells.push(at < 0 ? null : values[at]!);
        }
        sheets!.tables[t]!.row(cells, cellStyles.length ? cellStyles : null);
      }
    }

    for (const issue of record.issues) {
      const styles: (Style | undefined)[] = [];
      styles[head.length] = severityStyle(issue.severity);
      sheets!.issues.row(
        [...head, issue.severity, issue.code, issue.path, issue.path === null ? null : (locations.get(issue.path) ?? null), issue.message, issue.expected ?? null, issue.actual ?? null],
        styles,
      );
    }
    await sheets!.reports.drain();
    for (const sheet of sheets!.tables) await sheet.drain();
    await sheets!.issues.drain();
  }

  async function abort(): Promise<void> {
    await book?.discard();
    await file.abort();
    if (dir) await rm(dir, { recursive: true, force: true });
  }

  async function close(findings: Finding[]): Promise<void> {
    try {
      for (const f of findings) {
        sheets!.findings.row([f.code, f.severity, f.organKey, f.year, f.ids.join("\n"), f.paths.join("\n"), f.message], [undefined, severityStyle(f.severity)]);
        await sheets!.findings.drain();
      }
      for (const e of entries) {
        sheets!.codebook.row([e.path, e.tableNumber, e.row, e.column, e.rowLabel, e.columnLabel, e.templates.join(" "), e.type, e.signed, e.unit, e.note || null]);
      }
      const zip = new ZipWriter(file, { zip64: tuning.zip64 });
      await book!.write(zip);
      await zip.finish();
      await file.commit();
      await rm(dir!, { recursive: true, force: true });
      options.log.debug({ out: file.target, sheets: book!.sheets.length }, "xlsx written");
    } catch (error) {
      await abort().catch(() => undefined);
      throw error;
    }
  }

  return { open, write, close, abort };
}
