/**
 * The dataset export's contracts: what a format writer (a sink) receives and must do.
 * The export reads records in two passes — an index of small facts first (to pick one
 * record per source, merge agreeing duplicates and run the dataset checks), then the
 * chosen records one at a time — so no sink ever sees, or holds, the whole dataset.
 */
import type { ReportRecord } from "../model/record.js";

/** A source of a dataset row: the input a record was extracted from. */
export interface RowSource {
  /** SHA-256 of the input bytes (the record's `source.sha256`). */
  sha256: string;
  name: string;
  url: string | null;
}

/** One report of the dataset, as a sink writes it. */
export interface DatasetRow {
  record: ReportRecord;
  /** The normalised organ key that lines one body's reports up across years. */
  organKey: string | null;
  /** Every source of this organ and year whose tables agreed with this record, this record's first. */
  sources: RowSource[];
}

/** A dataset-level finding: something that holds across reports, not inside one. */
export interface Finding {
  code: "CARRY_OVER_MISMATCH" | "DUPLICATE_AGREES" | "DUPLICATE_DISAGREES";
  severity: "error" | "warning" | "info";
  organKey: string;
  year: number;
  /** The records concerned (sha256 of their inputs), the kept one first where one was chosen. */
  ids: string[];
  /** Cell paths concerned, e.g. `applications.carriedOver.total`. */
  paths: string[];
  message: string;
}

/**
 * A format writer. `open` is called once, then `write` for every row in order, then
 * `close` with the findings. On failure or interruption `abort` is called instead of
 * `close` and must leave no partial output behind: a file format removes its temporary
 * file; PostgreSQL rolls back the batch in flight and keeps the batches it committed,
 * each a whole, idempotent unit that a rerun completes.
 */
export interface Sink {
  open(): Promise<void>;
  write(row: DatasetRow): Promise<void>;
  close(findings: Finding[]): Promise<void>;
  abort(): Promise<void>;
}
