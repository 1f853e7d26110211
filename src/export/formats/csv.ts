/**
 * CSV, RFC 4180 (CRLF line ends; a field with a comma, a quote, a CR or an LF quoted and
 * its quotes doubled), UTF-8 with a BOM so that Excel opens the Chinese as Chinese. A
 * blank cell stays an empty field, never 0; booleans are true/false. (Quoting is a few
 * lines; csv-stringify's per-call option handling made up half of an export's time.)
 *
 * - wide: one row per report, one column per cell path (tables/table.ts); `--labels zh`
 *   adds the Chinese labels as a second header row.
 * - long: one row per cell a report carries, with `flagged` and the issue codes naming it.
 */
import { cellSpecs, eachCell, wideColumns, wideValues, type Value } from "../table.js";
import type { Sink } from "../types.js";
import { utf8Bytes } from "./bytes.js";
import { AtomicFile } from "./file.js";
import type { SinkOptions } from "./index.js";

const NEEDS_QUOTES = /[",\r\n]/;

function field(value: string | number | boolean | null): string {
  if (value === null) return "";
  const text = String(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const line = (fields: readonly (Value | boolean)[]) => `${fields.map(field).join(",")}\r\n`;

/** `lines` gives a row's lines as a byte string (bytes.ts). */
function csvSink(options: SinkOptions, header: string[][], lines: (row: Parameters<Sink["write"]>[0]) => string): Sink {
  const file = new AtomicFile(options.out!);
  return {
    open: async () => {
      await file.open();
      await file.write(`\uFEFF${header.map(line).join("")}`);
    },
    write: async (row) => {
      const text = lines(row);
      if (text) await file.writeBytes(text);
    },
    close: () => file.commit(),
    abort: () => file.abort(),
  };
}

export function wideCsvSink(options: SinkOptions): Sink {
  const columns = wideColumns();
  const header = [columns.map((c) => c.name), ...(options.labels === "zh" ? [columns.map((c) => c.label)] : [])];
  return csvSink(options, header, (row) => utf8Bytes(line(wideValues(row))));
}

export const LONG_COLUMNS = ["id", "organ", "organ_key", "year", "template", "table", "row", "column", "path", "value", "flagged", "issue_codes"] as const;

export function longCsvSink(options: SinkOptions): Sink {
  // What a cell's line holds that is the same in every report (table, row, column, path), quoted once.
  const fixed: string[] = [];
  for (const spec of cellSpecs()) for (const c of spec.cells) fixed[c.wide] = utf8Bytes(`${[c.entry.tableNumber, c.entry.row, c.entry.column, c.entry.path].map(field).join(",")},`);
  return csvSink(options, [[...LONG_COLUMNS]], (row) => {
    // The lines of cellRows(row), built as a byte string: the report's fields once, then each cell's.
    const { record } = row;
    const head = utf8Bytes(`${[record.source.sha256, record.meta.organ, row.organKey, record.meta.year, record.meta.template].map(field).join(",")},`);
    let text = "";
    eachCell(record, (cell, value, codes) => {
      text += `${head}${fixed[cell.wide]!}${typeof value === "number" ? String(value) : utf8Bytes(field(value))},${codes ? `true,${utf8Bytes(field(codes.join(" ")))}` : "false,"}\r\n`;
    });
    return text;
  });
}
