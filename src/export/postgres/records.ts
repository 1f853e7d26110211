/**
 * The worker sink (`nianbao worker --sink postgres`): each finished record goes into
 * PostgreSQL as its job completes, through the export's own loader — the same tables,
 * the same rows, the same idempotency (a batch of one, keyed by sha256 and extractor
 * version; a record loaded again as it is changes nothing). The record is one source of
 * its own (no duplicates merged: that is the export's dataset-level work), its organ key
 * the normalised name (no alias file).
 *
 * One connection per process, opened at the first record (and migrated then) and kept;
 * when the database goes away the connection is dropped, the job fails with
 * DATABASE_UNAVAILABLE — a transient failure the queue retries with backoff, the record
 * staying in the store — and the next record connects again.
 */
import type { Logger } from "../../log.js";
import type { ReportRecord } from "../../model/record.js";
import { organKey } from "../organ.js";
import type { DatasetRow } from "../types.js";
import { Database } from "./database.js";

export class PostgresRecords {
  private db: Promise<Database> | undefined;

  constructor(
    private readonly url: string | undefined,
    private readonly log: Logger,
  ) {}

  /** The connection, opened (and the schema migrated) on first use. */
  private database(): Promise<Database> {
    const opening = (this.db ??= Database.open(this.url, this.log));
    // A failed opening is not kept: the next record tries again.
    opening.catch(() => {
      if (this.db === opening) this.db = undefined;
    });
    return opening;
  }

  async put(record: ReportRecord): Promise<void> {
    const row: DatasetRow = {
      record,
      organKey: organKey(record.meta.organ),
      sources: [{ sha256: record.source.sha256, name: record.source.name, url: record.source.url ?? null }],
    };
    const db = await this.database();
    try {
      const counts = await db.load([db.prepare(row)]);
      this.log.debug({ sha256: record.source.sha256, ...counts }, "record loaded into PostgreSQL");
    } catch (error) {
      // The connection may be broken: start afresh with the next record.
      this.db = undefined;
      db.destroy();
      throw error;
    }
  }

  async close(): Promise<void> {
    const db = this.db;
    this.db = undefined;
    if (db) await (await db.catch(() => undefined))?.end();
  }
}

/** Connects, migrates and disconnects: a worker's check at start that its database is there. */
export async function checkDatabase(url: string | undefined, log: Logger): Promise<string> {
  const db = await Database.open(url, log);
  await db.end();
  return db.target.display;
}
