/**
 * Parquet, written with hyparquet-writer (pure JavaScript, snappy-compressed pages,
 * column statistics), one row group at a time, so a row group is all that is ever held
 * (2,500 reports wide, 25,000 cells long; see WIDE_ROW_GROUP).
 *
 * - wide (default): one row per report, the columns of the wide table (table.ts) in
 *   codebook order, typed: counts, years and the error/warning counts nullable INT64,
 *   decimals (amounts, fees) nullable DOUBLE, everything else (ids, names, amount units)
 *   nullable UTF8 strings. A blank is NULL.
 * - long (`--long`): one row per cell a report carries, the columns of the long CSV
 *   with the value split by type: `value` DOUBLE holds a number cell (counts exactly:
 *   they are far below 2^53), `value_text` UTF8 a text cell (an amount's unit); the other
 *   is NULL, and both are NULL for a blank. `year` INT64, `flagged` BOOLEAN, `issue_codes`
 *   the codes separated by spaces (NULL if none).
 *
 * The file's key-value metadata `nianbao` holds the form and every column's Chinese
 * label, type and unit (JSON). Readable by DuckDB, pandas/pyarrow and R arrow.
 */
import { ByteWriter, ParquetWriter } from "hyparquet-writer";
import { EXTRACTOR } from "../../version.js";
import { eachCell, wideColumns, wideValues, type ColumnType, type Value } from "../table.js";
import type { DatasetRow, Sink } from "../types.js";
import { AtomicFile } from "./file.js";
import type { SinkOptions } from "./index.js";

type SchemaElement = ConstructorParameters<typeof ParquetWriter>[0]["schema"][number];
type ParquetValue = string | number | bigint | boolean | null;

/** A Parquet column: its name, physical type and how a value becomes one. */
interface ParquetColumn {
  name: string;
  kind: "int64" | "double" | "string" | "boolean";
  label: string;
  unit?: string | null;
}

/**
 * Rows per row group (the wide table has ~240 columns, the long one 13). A row group is
 * what is held while it fills and is encoded, and the garbage collector lets the heap
 * grow to a multiple of that: at 10,000 wide rows an export of 100,000 reports peaked
 * near 480 MB, at 2,500 near 230 MB (for a file about 10% larger); the long table's
 * 25,000 rows (about 140 reports) peaked near 190 MB, 50,000 near 270 MB.
 */
export const WIDE_ROW_GROUP = 1_000;
export const LONG_ROW_GROUP = 10_000;

const KIND: Record<ColumnType, ParquetColumn["kind"]> = { integer: "int64", decimal: "double", string: "string" };

function element(c: ParquetColumn): SchemaElement {
  switch (c.kind) {
    case "int64":
      return { name: c.name, type: "INT64", repetition_type: "OPTIONAL" };
    case "double":
      return { name: c.name, type: "DOUBLE", repetition_type: "OPTIONAL" };
    case "boolean":
      return { name: c.name, type: "BOOLEAN", repetition_type: "OPTIONAL" };
    case "string":
      return { name: c.name, type: "BYTE_ARRAY", converted_type: "UTF8", logical_type: { type: "STRING" }, repetition_type: "OPTIONAL" };
  }
}

const BIGINTS: bigint[] = [];

/** An INT64 value as the writer takes it; the small ones (counts, years) made once. */
function bigint(n: number): bigint {
  return n >= 0 && n < 4096 ? (BIGINTS[n] ??= BigInt(n)) : BigInt(n);
}

function toParquet(c: ParquetColumn, value: Value | boolean | undefined, where: () => string): ParquetValue {
  if (value === null || value === undefined) return null;
  switch (c.kind) {
    case "int64":
      // Kept as a number (a small integer costs nothing in an array) until the row group is written.
      if (typeof value !== "number" || !Number.isSafeInteger(value)) throw new Error(`${where()}: ${c.name} is not an integer: ${String(value)}`);
      return value;
    case "double":
      if (typeof value !== "number") throw new Error(`${where()}: ${c.name} is not a number: ${String(value)}`);
      return value;
    case "boolean":
      return Boolean(value);
    case "string":
      return String(value);
  }
}

/** The wide table's columns. */
export function wideParquetColumns(): ParquetColumn[] {
  return wideColumns().map((c) => ({ name: c.name, kind: KIND[c.type], label: c.label, unit: c.cell?.unit ?? null }));
}

/** The long table's columns. */
export const LONG_PARQUET_COLUMNS: ParquetColumn[] = [
  { name: "id", kind: "string", label: "标识（输入文件 SHA-256）" },
  { name: "organ", kind: "string", label: "发布机关" },
  { name: "organ_key", kind: "string", label: "机关统一名称" },
  { name: "year", kind: "int64", label: "统计年度" },
  { name: "template", kind: "string", label: "模板版本" },
  { name: "table", kind: "string", label: "表（二、三、四）" },
  { name: "row", kind: "string", label: "行（键）" },
  { name: "column", kind: "string", label: "列（键）" },
  { name: "path", kind: "string", label: "单元格路径" },
  { name: "value", kind: "double", label: "数值（数值单元格）" },
  { name: "value_text", kind: "string", label: "文字值（文字单元格：金额单位）" },
  { name: "flagged", kind: "boolean", label: "有警告或错误指向该单元格" },
  { name: "issue_codes", kind: "string", label: "指向该单元格的问题代码" },
];

/** A ByteWriter that hands its bytes to the output file after every row group (and at the end). */
class FileByteWriter extends ByteWriter {
  constructor(private readonly file: AtomicFile) {
    super(1 << 20);
  }

  flush(): Promise<void> {
    if (this.index === 0) return Promise.resolve();
    const chunk = new Uint8Array(this.buffer.slice(0, this.index));
    this.index = 0;
    return this.file.write(chunk);
  }

  override finish(): Promise<void> {
    return this.flush();
  }
}

export function parquetSink(options: SinkOptions, tuning: { rowGroupSize?: number } = {}): Sink {
  const file = new AtomicFile(options.out!);
  const long = options.long === true;
  const columns = long ? LONG_PARQUET_COLUMNS : wideParquetColumns();
  const groupSize = tuning.rowGroupSize ?? (long ? LONG_ROW_GROUP : WIDE_ROW_GROUP);
  let writer: ParquetWriter | undefined;
  let data: ParquetValue[][] = [];
  let rows = 0;

  // The columns, allocated once at a row group's size and a report's cells more and used for
  // every row group: arrays made anew for each (and grown by pushing) are what the garbage
  // collector spent most of a long export on, copying and promoting them while they fill.
  const reset = () => {
    data = columns.map(() => new Array<ParquetValue>(groupSize + 512).fill(null));
    rows = 0;
  };

  async function flushGroup(): Promise<void> {
    if (!rows) return;
    // One row group of everything buffered (a long group may run a report's cells past the size).
    const count = rows;
    const columnData = columns.map((c, i) => {
      const values = data[i]!.slice(0, count);
      return {
        name: c.name,
        data: c.kind === "int64" ? values.map((v) => (v === null ? null : bigint(v as number))) : values,
        // Min/max of the long table's text columns cost a third of its writing and prune little.
        ...(long && c.kind === "string" ? { statistics: false } : {}),
      };
    });
    rows = 0;
    // The writer encodes the group before it returns (and then waits for the file): the columns are free again.
    await writer!.write({ columnData, rowGroupSize: count });
  }

  function push(values: readonly (Value | boolean | undefined)[], where: () => string): void {
    for (let i = 0; i < columns.length; i++) data[i]![rows] = toParquet(columns[i]!, values[i], where);
    rows++;
  }

  /** A report's cells as rows of the long table, straight into the columns (LONG_PARQUET_COLUMNS, in order). */
  function pushCells(row: DatasetRow): void {
    const { record } = row;
    const [id, organ, organKey, year, template, table, rowKey, column, path, value, valueText, flagged, codes] = data as [
      ParquetValue[], ParquetValue[], ParquetValue[], ParquetValue[], ParquetValue[], ParquetValue[], ParquetValue[], ParquetValue[], ParquetValue[], ParquetValue[], ParquetValue[], ParquetValue[], ParquetValue[],
    ];
    const where = () => `record ${record.source.sha256} (${record.source.name})`;
    let year_: ParquetValue | undefined;
    eachCell(record, (cell, v, named) => {
      // A text cell's value (an amount's unit) goes to value_text, a number to value; a blank is null in both.
      const text = cell.entry.type === "string";
      if (!text && typeof v === "string") throw new Error(`${where()}: value is not a number: ${v}`);
      year_ ??= toParquet(LONG_PARQUET_COLUMNS[3]!, record.meta.year, where);
      // A long group runs a report's cells past its size: the columns grow for them.
      const n = rows++;
      id[n] = record.source.sha256;
      organ[n] = record.meta.organ;
      organKey[n] = row.organKey;
      year[n] = year_;
      template[n] = record.meta.template;
      table[n] = cell.entry.tableNumber;
      rowKey[n] = cell.entry.row;
      column[n] = cell.entry.column;
      path[n] = cell.entry.path;
      value[n] = text ? null : v;
      valueText[n] = text && v !== null ? String(v) : null;
      flagged[n] = named !== null;
      codes[n] = named ? named.join(" ") : null;
    });
  }

  return {
    open: async () => {
      await file.open();
      reset();
      writer = new ParquetWriter({
        writer: new FileByteWriter(file),
        schema: [{ name: "root", num_children: columns.length }, ...columns.map(element)],
        codec: "SNAPPY",
        createdBy: `${EXTRACTOR.name} ${EXTRACTOR.version} (hyparquet-writer)`,
        kvMetadata: [{ key: "nianbao", value: JSON.stringify({ form: long ? "long" : "wide", columns: columns.map(({ name, label, unit }) => ({ name, label, ...(unit ? { unit } : {}) })) }) }],
      });
    },
    write: async (row: DatasetRow) => {
      const where = () => `record ${row.record.source.sha256} (${row.record.source.name})`;
      if (long) pushCells(row);
      else push(wideValues(row), where);
      if (rows >= groupSize) await flushGroup();
    },
    close: async () => {
      try {
        await flushGroup();
        await writer!.finish();
        await file.commit();
      } catch (error) {
        await file.abort().catch(() => undefined);
        throw error;
      }
    },
    abort: () => file.abort(),
  };
}
