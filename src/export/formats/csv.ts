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
import { cellRows, wideColumns, wideValues, type Value } from "../table.js";
import type { Sink } from "../types.js";
import { AtomicFile } from "./file.js";
import type { SinkOptions } from "./index.js";

const NEEDS_QUOTES = /[",\r\n]/;

function field(value: string | number | boolean | null): string {
  if (value === null) return "";
  const text = String(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const line = (fields: readonly (Value | boolean)[]) => `${fields.map(field).join(",")}\r\n`;

function csvSink(options: SinkOptions, header: string[][], rows: (row: Parameters<Sink["write"]>[0]) => (string | number | boolean | null)[][]): Sink {
  const file = new AtomicFile(options.out!);
  return {
    open: async () => {
      await file.open();
      await file.write(`\uFEFF${header.map(line).join("")}`);
    },
    write: async (row) => {
      const text = rows(row).map(line).join("");
      if (text) await file.write(text);
    },
    close: () => file.commit(),
    abort: () => file.abort(),
  };
}

export function wideCsvSink(options: SinkOptions): Sink {
  const columns = wideColumns();
  const header = [columns.map((c) => c.name), ...(options.labels === "zh" ? [columns.map((c) => c.label)] : [])];
  return csvSink(options, header, (row) => [wideValues(row)]);
}

export const LONG_COLUMNS = ["id", "organ", "organ_key", "year", "template", "table", "row", "column", "path", "value", "flagged", "issue_codes"] as const;

export function longCsvSink(options: SinkOptions): Sink {
  return csvSink(options, [[...LONG_COLUMNS]], (row) =>
    cellRows(row).map((c) => [c.id, c.organ, c.organKey, c.year, c.template, c.table, c.row, c.column, c.path, c.value, c.flagged, c.issueCodes.join(" ") || null]),
  );
}
