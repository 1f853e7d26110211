/**
 * Loading dataset rows into PostgreSQL (the schema: migrations.ts).
 *
 * A row is turned into COPY text (PostgreSQL's text format) as it arrives — its
 * `reports` line, one `cells` line per cell, one `issues` line per issue — with a digest
 * of all of it; the row object itself is not kept. A batch is loaded in one transaction:
 *
 *   1. take the load lock (an advisory lock: loaders — an export, every worker — take
 *      turns by batch, so two never race on one key);
 *   2. look up the batch's keys (sha256, extractor_version): a report whose digest is
 *      the same is skipped — re-loading changes nothing, not even `loaded_at`; one whose
 *      digest differs has its report, cells and issues deleted and is loaded anew;
 *   3. `COPY` the new reports (ids drawn from the table's sequence), then their cells
 *      and issues, straight into the tables;
 *   4. commit.
 *
 * A batch is therefore a complete, idempotent unit: an export killed mid-batch leaves
 * the batches before it committed and nothing of the one it was in (the server rolls an
 * open transaction back when its connection goes), and a rerun skips what is there and
 * loads the rest.
 */
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { codebook } from "../../definition/codebook.js";
import type { Issue } from "../../model/issue.js";
import type { ReportRecord } from "../../model/record.js";
import { utf8Buffer, utf8Bytes } from "../formats/bytes.js";
import { cellSpecs, eachCell } from "../table.js";
import type { DatasetRow, Finding } from "../types.js";

/** Advisory lock every load transaction takes (transaction-scoped). */
export const LOAD_LOCK = "7236410395185725202";

/**
 * Part of every digest: bump it when what is loaded for a record changes (a new column,
 * another rule for flags), so that reports loaded before are written again.
 */
const LOAD_FORMAT = "nianbao-pg-1";

/** What a record is keyed by when it names no extractor (records from before it was recorded). */
export const UNKNOWN_VERSION = "unknown";

// ---- COPY text ---------------------------------------------------------------------

const SPECIAL = /[\\\t\n\r\0]/;
const SPECIALS = /[\\\t\n\r\0]/g;
const ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\0": "" };

/**
 * A text field in COPY's text format: backslash, tab, newline and carriage return
 * escaped; NUL, which PostgreSQL's text cannot hold, dropped. (A lone surrogate becomes
 * U+FFFD when the text is encoded as UTF-8.)
 */
export function copyText(value: string): string {
  return SPECIAL.test(value) ? value.replace(SPECIALS, (c) => ESCAPES[c]!) : value;
}

const NULL = "\\N";

function field(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return NULL;
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : NULL;
  if (typeof value === "boolean") return value ? "t" : "f";
  return copyText(value);
}

/** A `text[]` literal (each element quoted), as a COPY field; null for no elements when `emptyIsNull`. */
function arrayField(items: readonly string[], emptyIsNull = false): string {
  if (items.length === 0) return emptyIsNull ? NULL : "{}";
  return copyText(`{${items.map((s) => `"${s.replace(/[\\"]/g, "\\$&")}"`).join(",")}}`);
}

// jsonb refuses \u0000 and unpaired surrogates, which JSON.stringify writes as escapes.
const JSON_TROUBLE = /\\u0000|\\ud[89a-f]/i;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const clean = (_key: string, value: unknown) => (typeof value === "string" ? value.replace(/\0/g, "").replace(LONE_SURROGATE, "\ufffd") : value);

/** A value as a `jsonb` COPY field: NUL characters dropped and unpaired surrogates replaced, which jsonb cannot hold. */
export function jsonField(value: unknown): string {
  if (value === undefined) return NULL;
  let text = JSON.stringify(value);
  if (JSON_TROUBLE.test(text)) text = JSON.stringify(value, clean);
  // JSON text has no raw tab, newline, carriage return or NUL (it escapes them): only backslashes to double.
  return text.includes("\\") ? text.replaceAll("\\", "\\\\") : text;
}

// ---- rows --------------------------------------------------------------------------

/** The COPY column lists; the line builders below write their fields in this order. */
export const REPORT_COLUMNS = [
  "id", "sha256", "extractor_version", "organ", "organ_key", "year", "template", "title", "source_name", "source_url", "text_source",
  "other_sources", "errors", "warnings", "record", "provenance", "digest",
] as const;
export const CELL_COLUMNS = ["report_id", "cell", "value", "value_text", "flagged", "issue_codes"] as const;
export const ISSUE_COLUMNS = ["report_id", "ordinal", "code", "severity", "path", "message", "expected", "actual"] as const;
export const FINDING_COLUMNS = ["ordinal", "code", "severity", "organ_key", "year", "ids", "paths", "message"] as const;

/** One row's COPY text, without the report id its lines begin with (drawn when it is loaded). */
export interface PreparedRow {
  sha256: string;
  version: string;
  digest: string;
  /**
   * The `reports` fields after `id` and before `digest`, tab-separated, as UTF-8: the
   * record's JSON is most of a row, and held as bytes it stays out of the JS heap (and is
   * encoded once, for the digest and the wire alike).
   */
  report: Buffer;
  /** `cells` lines after `report_id`, joined by newlines ("" for none), as a byte string (formats/bytes.ts). */
  cells: string;
  cellCount: number;
  /** `issues` lines after `report_id`, joined by newlines ("" for none), as a byte string. */
  issues: string;
  issueCount: number;
}

export interface PrepareOptions {
  /** Keep the record's provenance (in `reports.provenance`); default false. */
  provenance?: boolean | undefined;
}

/**
 * Turns dataset rows into COPY text. The cells are those `eachCell` (src/export/table.ts)
 * finds, in codebook order, with its rules — a cell the record's template lacks is left
 * out, a blank is a null value, `flagged` and the issue codes are `issuesNaming`'s.
 */
export class RowPreparer {
  /** The database's codebook id of each cell, by its index in the wide row (`CellSpec.wide`). */
  private readonly ids: number[] = [];

  /** `ids`: the codebook ids of the database, by path. */
  constructor(
    ids: ReadonlyMap<string, number>,
    private readonly options: PrepareOptions = {},
  ) {
    for (const spec of cellSpecs()) {
      for (const cell of spec.cells) {
        const id = ids.get(cell.entry.path);
        if (id === undefined) throw new Error(`the database's codebook has no cell ${cell.entry.path}`);
        this.ids[cell.wide] = id;
      }
    }
  }

  prepare(row: DatasetRow): PreparedRow {
    const record = row.record;
    const version = record.extractor?.version ?? UNKNOWN_VERSION;
    const issues = record.issues as Issue[];
    let errors = 0;
    let warnings = 0;
    for (const i of issues) {
      if (i.severity === "error") errors++;
      else if (i.severity === "warning") warnings++;
    }

    // Lines joined once at the end: a string built by += is a rope of small pieces, slow to keep alive.
    const cellLines: string[] = [];
    eachCell(record, (cell, value, codes) => {
      const numeric = typeof value === "number" ? field(value) : NULL;
      const text = typeof value === "string" ? utf8Bytes(copyText(value)) : NULL;
      cellLines.push(`${this.ids[cell.wide]}\t${numeric}\t${text}\t${codes ? "t" : "f"}\t${codes ? arrayField(codes) : NULL}`);
    });

    const issueLines = utf8Bytes(issues.map((i, n) => [n, field(i.code), field(i.severity), field(i.path), field(i.message), jsonField(i.expected), jsonField(i.actual)].join("\t")).join("\n"));

    const { provenance, ...rest } = record as ReportRecord & { provenance?: unknown };
    const others = row.sources.slice(1).map((s) => ({ sha256: s.sha256, name: s.name, url: s.url }));
    const body = [
      field(record.source.sha256),
      field(version),
      field(record.meta.organ),
      field(row.organKey),
      field(record.meta.year),
      field(record.meta.template),
      field(record.meta.title),
      field(record.source.name),
      field(record.source.url ?? null),
      field(record.source.textSource),
      jsonField(others),
      String(errors),
      String(warnings),
      jsonField(rest),
      this.options.provenance === true && provenance !== undefined ? jsonField(provenance) : NULL,
    ].join("\t");

    const cells = cellLines.join("\n");
    const cellCount = cellLines.length;
    const report = utf8Buffer(body);
    // The cells' and issues' byte strings are their UTF-8 bytes: hashed as such ("latin1": a character a byte).
    const digest = createHash("sha1").update(`${LOAD_FORMAT}\n`).update(report).update(`\n#cells\n${cells}\n#issues\n${issueLines}`, "latin1").digest("hex");
    return { sha256: record.source.sha256, version, digest, report, cells, cellCount, issues: issueLines, issueCount: issues.length };
  }
}

// ---- the database side -------------------------------------------------------------

/** Makes the database's codebook hold every cell of this nianbao's codebook; returns the ids by path. */
export async function syncCodebook(client: pg.Client): Promise<Map<string, number>> {
  const entries = codebook().map((e) => ({
    path: e.path,
    table_key: e.table,
    table_no: e.tableNumber,
    row_key: e.row,
    column_key: e.column,
    row_label: e.rowLabel,
    column_label: e.columnLabel,
    templates: e.templates,
    type: e.type,
    signed: e.signed,
    unit: e.unit,
    note: e.note,
  }));
  const columns = "path, table_key, table_no, row_key, column_key, row_label, column_label, templates, type, signed, unit, note";
  const excluded = columns.split(", ").filter((c) => c !== "path");
  await transaction(client, async () => {
    await client.query(
      `INSERT INTO codebook (${columns})
       SELECT ${columns} FROM jsonb_to_recordset($1::jsonb) AS x(path text, table_key text, table_no text, row_key text, column_key text, row_label text, column_label text, templates text[], type text, signed boolean, unit text, note text)
       ON CONFLICT (path) DO UPDATE SET ${excluded.map((c) => `${c} = EXCLUDED.${c}`).join(", ")}
       WHERE (${excluded.map((c) => `codebook.${c}`).join(", ")}) IS DISTINCT FROM (${excluded.map((c) => `EXCLUDED.${c}`).join(", ")})`,
      [JSON.stringify(entries)],
    );
  });
  const { rows } = await client.query<{ id: number; path: string }>("SELECT id, path FROM codebook");
  return new Map(rows.map((r) => [r.path, r.id]));
}

/** Runs `work` in a transaction holding the load lock; rolls back if it fails. */
export async function transaction<T>(client: pg.Client, work: () => Promise<T>): Promise<T> {
  await client.query("BEGIN");
  try {
    await client.query("SELECT pg_advisory_xact_lock($1)", [LOAD_LOCK]);
    const result = await work();
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}

/** Streams COPY text — pieces of it, lines ending in "\n", byte strings (formats/bytes.ts) or bytes — to the server in chunks of about 256 KiB. */
async function copyIn(client: pg.Client, table: string, columns: readonly string[], pieces: Iterable<string | Buffer>): Promise<void> {
  function* chunks(): Generator<Buffer> {
    let parts: Buffer[] = [];
    let size = 0;
    let text = "";
    const settle = () => {
      if (!text) return;
      const bytes = Buffer.from(text, "latin1");
      parts.push(bytes);
      size += bytes.length;
      text = "";
    };
    for (const piece of pieces) {
      if (typeof piece === "string") {
        text += piece;
        if (text.length >= 65_536) settle();
      } else {
        settle();
        parts.push(piece);
        size += piece.length;
      }
      if (size >= 262_144) {
        yield Buffer.concat(parts, size);
        parts = [];
        size = 0;
      }
    }
    settle();
    if (size > 0) yield Buffer.concat(parts, size);
  }
  const stream = client.query(copyFrom(`COPY ${table} (${columns.join(", ")}) FROM STDIN`));
  await pipeline(Readable.from(chunks()), stream);
}

export interface LoadCounts {
  /** Reports written that were not there. */
  inserted: number;
  /** Reports that were there with other contents, written again. */
  replaced: number;
  /** Reports that were there as they are: left alone. */
  unchanged: number;
  cells: number;
  issues: number;
}

/** Loads a batch in one transaction (see the module's comment). A key twice in the batch: the last one counts. */
export async function loadBatch(client: pg.Client, batch: readonly PreparedRow[]): Promise<LoadCounts> {
  const byKey = new Map<string, PreparedRow>();
  for (const row of batch) byKey.set(`${row.sha256}\t${row.version}`, row);
  const rows = [...byKey.values()];
  const counts: LoadCounts = { inserted: 0, replaced: 0, unchanged: 0, cells: 0, issues: 0 };
  if (rows.length === 0) return counts;
  return transaction(client, async () => {
    const existing = await client.query<{ id: string; sha256: string; extractor_version: string; digest: string }>(
      `SELECT r.id, r.sha256, r.extractor_version, r.digest
       FROM reports r JOIN unnest($1::text[], $2::text[]) AS k(sha256, extractor_version) USING (sha256, extractor_version)`,
      [rows.map((r) => r.sha256), rows.map((r) => r.version)],
    );
    const found = new Map(existing.rows.map((r) => [`${r.sha256}\t${r.extractor_version}`, r]));
    const stale: string[] = [];
    const load: PreparedRow[] = [];
    for (const [key, row] of byKey) {
      const there = found.get(key);
      if (there && there.digest === row.digest) counts.unchanged++;
      else {
        if (there) stale.push(there.id);
        load.push(row);
      }
    }
    counts.replaced = stale.length;
    counts.inserted = load.length - stale.length;
    if (stale.length > 0) {
      for (const table of ["cells", "issues"]) await client.query(`DELETE FROM ${table} WHERE report_id = ANY($1::bigint[])`, [stale]);
      await client.query("DELETE FROM reports WHERE id = ANY($1::bigint[])", [stale]);
    }
    if (load.length === 0) return counts;
    const ids = (await client.query<{ id: string }>("SELECT nextval(pg_get_serial_sequence('reports', 'id'))::text AS id FROM generate_series(1, $1)", [load.length])).rows.map((r) => r.id);
    await copyIn(client, "reports", REPORT_COLUMNS, reportPieces(load, ids));
    await copyIn(client, "cells", CELL_COLUMNS, prefixed(load, ids, (row) => row.cells));
    if (load.some((row) => row.issueCount > 0)) await copyIn(client, "issues", ISSUE_COLUMNS, prefixed(load, ids, (row) => row.issues));
    for (const row of load) {
      counts.cells += row.cellCount;
      counts.issues += row.issueCount;
    }
    return counts;
  });
}

function* reportPieces(rows: readonly PreparedRow[], ids: readonly string[]): Generator<string | Buffer> {
  for (let n = 0; n < rows.length; n++) {
    yield `${ids[n]}\t`;
    yield rows[n]!.report;
    yield `\t${rows[n]!.digest}\n`;
  }
}

/** Each row's lines with its report id in front (escaped fields hold no raw newline: every newline starts a line). */
function* prefixed(rows: readonly PreparedRow[], ids: readonly string[], lines: (row: PreparedRow) => string): Generator<string> {
  for (let n = 0; n < rows.length; n++) {
    const text = lines(rows[n]!);
    if (text) yield `${ids[n]}\t${text.replaceAll("\n", `\n${ids[n]}\t`)}\n`;
  }
}

/**
 * Makes `findings` hold exactly these findings (the dataset's, as of this export), in one
 * transaction: findings already there as they are stay untouched, so an export run again
 * over the same records changes nothing.
 */
export async function replaceFindings(client: pg.Client, findings: readonly Finding[]): Promise<void> {
  // Made as they are sent: a dataset may have a finding for most of its records.
  function* lines(): Generator<string> {
    for (let n = 0; n < findings.length; n++) {
      const f = findings[n]!;
      yield utf8Bytes(`${[n, field(f.code), field(f.severity), field(f.organKey), field(f.year), arrayField(f.ids), arrayField(f.paths), field(f.message)].join("\t")}\n`);
    }
  }
  const columns = FINDING_COLUMNS.join(", ");
  const row = (alias: string) => `(${FINDING_COLUMNS.map((c) => `${alias}.${c}`).join(", ")})`;
  await transaction(client, async () => {
    await client.query("CREATE TEMP TABLE findings_new (LIKE findings) ON COMMIT DROP");
    if (findings.length > 0) await copyIn(client, "findings_new", FINDING_COLUMNS, lines());
    await client.query(`DELETE FROM findings f WHERE NOT EXISTS (SELECT 1 FROM findings_new n WHERE ${row("n")} IS NOT DISTINCT FROM ${row("f")})`);
    await client.query(`INSERT INTO findings (${columns}) SELECT ${columns} FROM findings_new n WHERE NOT EXISTS (SELECT 1 FROM findings f WHERE f.ordinal = n.ordinal) ORDER BY n.ordinal`);
  });
}
