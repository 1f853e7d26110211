/**
 * A connection to the dataset's database, ready to load: connected, migrated, the
 * codebook in place. Failures that mean the database is not there (refused, lost,
 * shutting down) come out as `DATABASE_UNAVAILABLE`.
 */
import type pg from "pg";
import type { Logger } from "../../log.js";
import type { DatasetRow, Finding } from "../types.js";
import { connect, connectionTarget, databaseError, type ConnectionTarget } from "./connect.js";
import { loadBatch, replaceFindings, RowPreparer, syncCodebook, type LoadCounts, type PrepareOptions, type PreparedRow } from "./load.js";
import { migrate } from "./migrations.js";

export class Database {
  private ended = false;

  private constructor(
    private readonly client: pg.Client,
    readonly target: ConnectionTarget,
    private readonly preparer: RowPreparer,
  ) {}

  /** Connects (`url`, else DATABASE_URL, else libpq's defaults), migrates, and syncs the codebook. */
  static async open(url: string | undefined, log: Logger, options: PrepareOptions = {}): Promise<Database> {
    const target = connectionTarget(url);
    const client = await connect(target);
    try {
      await migrate(client, log);
      const ids = await syncCodebook(client);
      return new Database(client, target, new RowPreparer(ids, options));
    } catch (error) {
      await client.end().catch(() => undefined);
      throw databaseError(error, target, "failed while preparing the schema");
    }
  }

  prepare(row: DatasetRow): PreparedRow {
    return this.preparer.prepare(row);
  }

  async load(batch: readonly PreparedRow[]): Promise<LoadCounts> {
    try {
      return await loadBatch(this.client, batch);
    } catch (error) {
      throw databaseError(error, this.target, "failed during the load");
    }
  }

  async replaceFindings(findings: readonly Finding[]): Promise<void> {
    try {
      await replaceFindings(this.client, findings);
    } catch (error) {
      throw databaseError(error, this.target, "failed while writing the findings");
    }
  }

  /** Closes the connection after the work queued on it. */
  async end(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await this.client.end().catch(() => undefined);
  }

  /**
   * Drops the connection now, whatever runs on it: the server rolls the open
   * transaction back (the batch being loaded), committed batches stay.
   */
  destroy(): void {
    if (this.ended) return;
    this.ended = true;
    // pg has no public "destroy": ending the socket is what makes the server abort the transaction at once.
    (this.client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
    void this.client.end().catch(() => undefined);
  }
}
