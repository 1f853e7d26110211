/**
 * The export formats, each a sink loaded only when asked for (a CSV export never loads
 * the XLSX, Parquet or PostgreSQL libraries).
 */
import type { Logger } from "../../log.js";
import type { Sink } from "../types.js";

export const FORMATS = ["jsonl", "csv", "csv-long", "xlsx", "parquet", "postgres"] as const;
export type Format = (typeof FORMATS)[number];

export interface SinkOptions {
  /** The output file (file formats). */
  out?: string | undefined;
  /** `zh`: a second header row (CSV) or header labels (XLSX) with the Chinese row and column labels. */
  labels?: "zh" | undefined;
  /** jsonl: keep each record's provenance (default true). */
  provenance?: boolean | undefined;
  /** parquet: the long table (one row per cell) instead of the wide one. */
  long?: boolean | undefined;
  /** postgres: the connection string. */
  databaseUrl?: string | undefined;
  log: Logger;
}

export const SINKS: Record<Format, () => Promise<(options: SinkOptions) => Sink>> = {
  jsonl: async () => (await import("./jsonl.js")).jsonlSink,
  csv: async () => (await import("./csv.js")).wideCsvSink,
  "csv-long": async () => (await import("./csv.js")).longCsvSink,
  xlsx: async () => (await import("./xlsx.js")).xlsxSink,
  parquet: async () => (await import("./parquet.js")).parquetSink,
  postgres: async () => (await import("./postgres.js")).postgresSink,
};
