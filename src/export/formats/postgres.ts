/**
 * PostgreSQL: the dataset into the tables of src/export/postgres/migrations.ts, through
 * COPY, a batch of rows per transaction (src/export/postgres/load.ts). The rows are
 * turned into COPY text as they arrive, and a batch is loaded while the next one is
 * read, so reading and loading overlap and memory holds two batches at most.
 *
 * `abort` drops the connection: the batch being loaded is rolled back by the server,
 * the batches committed before stay (each is a complete, idempotent unit) and a rerun
 * completes the rest. `close` loads the last batch and makes `findings` this export's.
 */
import { Database } from "../postgres/database.js";
import type { LoadCounts, PreparedRow } from "../postgres/load.js";
import type { Sink } from "../types.js";
import type { SinkOptions } from "./index.js";

/** Reports per transaction: large enough that COPY runs at full speed, small enough to lose little to a kill. */
export const BATCH_SIZE = 500;

export function postgresSink(options: SinkOptions, tuning: { batchSize?: number } = {}): Sink {
  const batchSize = tuning.batchSize ?? BATCH_SIZE;
  const log = options.log.child({ sink: "postgres" });
  let db: Database | undefined;
  let pending: PreparedRow[] = [];
  let loading: Promise<void> | undefined;
  const totals: LoadCounts = { inserted: 0, replaced: 0, unchanged: 0, cells: 0, issues: 0 };
  let batches = 0;

  const load = async (batch: PreparedRow[]) => {
    const counts = await db!.load(batch);
    for (const key of Object.keys(totals) as (keyof LoadCounts)[]) totals[key] += counts[key];
    batches++;
    log.debug({ batch: batches, ...counts }, "batch committed");
  };
  /** Waits for the batch being loaded; its failure surfaces here. */
  const settle = async () => {
    const running = loading;
    loading = undefined;
    if (running) await running;
  };

  return {
    open: async () => {
      db = await Database.open(options.databaseUrl, log, { provenance: options.provenance === true });
      log.info({ database: db.target.display }, "connected; schema up to date");
    },
    write: async (row) => {
      pending.push(db!.prepare(row));
      // While a batch is being sent, give its stream a turn: a caller that never waits on
      // I/O would otherwise hold it back until this batch is full.
      if (loading) await new Promise<void>((resolve) => setImmediate(resolve));
      if (pending.length < batchSize) return;
      await settle();
      const batch = pending;
      pending = [];
      loading = load(batch);
      // Marked as handled here; the failure is rethrown by the next settle().
      loading.catch(() => undefined);
    },
    close: async (findings) => {
      await settle();
      if (pending.length > 0) await load(pending.splice(0));
      await db!.replaceFindings(findings);
      await db!.end();
      log.info({ database: db!.target.display, batches, ...totals, findings: findings.length }, "loaded into PostgreSQL");
    },
    abort: async () => {
      pending = [];
      db?.destroy();
      await loading?.catch(() => undefined);
      loading = undefined;
    },
  };
}
