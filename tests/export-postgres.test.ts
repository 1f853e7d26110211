/**
 * `export --format postgres` on the machine's PostgreSQL (tests/postgres.ts: each test in
 * a database of its own, dropped after): what goes in is what the records say, cell by
 * cell, read back by SQL; loading again changes nothing; a killed export leaves whole
 * batches and a rerun completes it; migrations are applied once, also when two start at
 * once; an unreachable database is DATABASE_UNAVAILABLE (exit 15), never a stack trace.
 *
 * Records are the project's fixtures extracted with extractFile (and the shared corpus,
 * when it is beside the repository), varied — hash, organ, year, version — into as many
 * reports as a test needs.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { isPipelineError, PipelineError } from "../src/errors.js";
import { postgresSink } from "../src/export/formats/postgres.js";
import { organKey } from "../src/export/organ.js";
import { Database } from "../src/export/postgres/database.js";
import { MIGRATIONS } from "../src/export/postgres/migrations.js";
import { cellRows } from "../src/export/table.js";
import type { DatasetRow, Finding } from "../src/export/types.js";
import { createLogger } from "../src/log.js";
import type { ReportRecord } from "../src/model/record.js";
import { extractFile } from "../src/pipeline.js";
import { CORPUS, describeCorpus, FIXTURES, freePort, HAS_CORPUS, ROOT, runCli, tempDir } from "./helpers.js";
import { TestPostgres } from "./postgres.js";

const log = createLogger({ test: "export-postgres" }, "silent");
const server = await TestPostgres.connect();
afterAll(() => server.close());

// ---- records ----------------------------------------------------------------------

const GENERATED = join(FIXTURES, "generated");
const fixtureFiles = [...readdirSync(GENERATED).filter((f) => !f.endsWith(".truth.json")).map((f) => join(GENERATED, f)), join(FIXTURES, "jixian-2020.txt")];
const fixtures: ReportRecord[] = [];
for (const file of fixtureFiles) fixtures.push(await extractFile(file, { log }));

const withoutProvenance = (record: ReportRecord): ReportRecord => {
  const { provenance: _provenance, ...rest } = record;
  return rest as ReportRecord;
};
const sha = (text: string) => createHash("sha256").update(text).digest("hex");

/** A fixture record as another report: its own hash, organ and year (and version, when given). */
function variant(i: number, version?: string): ReportRecord {
  const base = fixtures[i % fixtures.length]!;
  return {
    ...base,
    source: { ...base.source, sha256: sha(`report ${i}`), name: `report-${i}${base.source.name.slice(base.source.name.lastIndexOf("."))}` },
    meta: { ...base.meta, organ: `${base.meta.organ ?? "某机关"}${Math.floor(i / 6)}`, year: 2019 + (i % 6) },
    extractor: { name: "nianbao", version: version ?? base.extractor?.version ?? "0.1.0" },
  } as ReportRecord;
}

const rowOf = (record: ReportRecord, others: DatasetRow["sources"] = []): DatasetRow => ({
  record,
  organKey: organKey(record.meta.organ),
  sources: [{ sha256: record.source.sha256, name: record.source.name, url: record.source.url ?? null }, ...others],
});

/** A record with issues that flag cells (a failed identity, an unplaced row), and text that needs escaping. */
function flaggedRecord(): ReportRecord {
  const base = variant(1000);
  const tricky = 'tab\there, line\nbreak, carriage\rreturn, back\\slash, "quotes", {braces}, 引号“”';
  return {
    ...base,
    source: { ...base.source, url: "https://example.gov.cn/a?b=1&c=2" },
    meta: { ...base.meta, title: tricky, organ: `${base.meta.organ}\t（测试）` },
    sections: { overview: tricky, problems: null, other: "\\N is not null here" },
    issues: [
      ...base.issues,
      { code: "IDENTITY_ROW_TOTAL", severity: "error", path: "applications.granted.total", message: `the row does not add up ${tricky}`, expected: 17, actual: 18 },
      { code: "CELLS_AMBIGUOUS", severity: "error", path: "applications.deniedStateSecret", message: "row not placed", actual: "1 2 3" },
      { code: "META_MISSING", severity: "warning", path: null, message: "no organ" },
      { code: "CELL_NOTE", severity: "info", path: "applications.newReceived.total", message: "a note", actual: null },
    ],
  } as ReportRecord;
}

const FINDINGS: Finding[] = [
  { code: "CARRY_OVER_MISMATCH", severity: "warning", organKey: "某县人民政府", year: 2021, ids: [sha("a"), sha("b")], paths: ["applications.carriedOver.total"], message: "上年结转 12 ≠ 结转下年度 11" },
  { code: "DUPLICATE_AGREES", severity: "info", organKey: "某县人民政府", year: 2022, ids: [sha("c"), sha("d")], paths: [], message: 'two sources, one "report"' },
];

// ---- the database -----------------------------------------------------------------

async function exportRows(url: string, rows: readonly DatasetRow[], findings: Finding[] = [], batchSize = 4, provenance = false): Promise<void> {
  const sink = postgresSink({ databaseUrl: url, log, provenance }, { batchSize });
  await sink.open();
  try {
    for (const row of rows) await sink.write(row);
    await sink.close(findings);
  } catch (error) {
    await sink.abort();
    throw error;
  }
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await TestPostgres.client(url);
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Every table's rows and their row versions (xmin): equal only if nothing was written. */
async function snapshot(client: pg.Client): Promise<Record<string, { n: number; sum: string }>> {
  const out: Record<string, { n: number; sum: string }> = {};
  for (const table of ["reports", "cells", "issues", "findings", "codebook", "nianbao_migrations"]) {
    const { rows } = await client.query<{ n: number; sum: string }>(
      `SELECT count(*)::int AS n, md5(coalesce(string_agg(t::text || ':' || t.xmin::text, E'\\n' ORDER BY t::text), '')) AS sum FROM ${table} t`,
    );
    out[table] = rows[0]!;
  }
  return out;
}

/** The loaded content, without what differs between two databases (ids, times). */
async function content(client: pg.Client): Promise<string> {
  const { rows } = await client.query<{ sum: string }>(`
    SELECT md5(
      (SELECT coalesce(string_agg(x::text, E'\\n' ORDER BY x::text), '') FROM (SELECT sha256, extractor_version, organ, organ_key, year, template, title, source_name, source_url, text_source, other_sources, errors, warnings, record, provenance, digest FROM reports) x) ||
      (SELECT coalesce(string_agg(x::text, E'\\n' ORDER BY x::text), '') FROM (SELECT sha256, extractor_version, path, value, value_text, flagged, issue_codes FROM report_cells) x) ||
      (SELECT coalesce(string_agg(x::text, E'\\n' ORDER BY x::text), '') FROM (SELECT sha256, extractor_version, ordinal, code, severity, path, message, expected, actual FROM report_issues) x) ||
      (SELECT coalesce(string_agg(x::text, E'\\n' ORDER BY x::text), '') FROM findings x)) AS sum`);
  return rows[0]!.sum;
}

type Read = string | number | null;

/** Asserts that the database holds these rows exactly as the records and `cellRows` say. */
async function expectLoaded(client: pg.Client, rows: readonly DatasetRow[]): Promise<void> {
  const reports = await client.query("SELECT * FROM reports");
  expect(reports.rowCount).toBe(rows.length);
  const byKey = new Map(reports.rows.map((r) => [`${r.sha256} ${r.extractor_version}`, r]));
  const cells = await client.query<{ sha256: string; extractor_version: string; path: string; value: string | null; value_text: string | null; flagged: boolean; issue_codes: string[] | null }>(
    "SELECT sha256, extractor_version, path, value::text AS value, value_text, flagged, issue_codes FROM report_cells",
  );
  const cellsOf = new Map<string, typeof cells.rows>();
  for (const c of cells.rows) {
    const key = `${c.sha256} ${c.extractor_version}`;
    cellsOf.set(key, [...(cellsOf.get(key) ?? []), c]);
  }
  // (jsonb null and SQL NULL both read as null: which one it is, is asked apart.)
  const issues = await client.query("SELECT *, expected IS NULL AS no_expected, actual IS NULL AS no_actual FROM report_issues ORDER BY sha256, extractor_version, ordinal");
  for (const row of rows) {
    const { record } = row;
    const key = `${record.source.sha256} ${record.extractor?.version}`;
    const report = byKey.get(key);
    expect(report, key).toBeDefined();
    expect({
      organ: report.organ,
      organ_key: report.organ_key,
      year: report.year,
      template: report.template,
      title: report.title,
      source_name: report.source_name,
      source_url: report.source_url,
      text_source: report.text_source,
      other_sources: report.other_sources,
      errors: report.errors,
      warnings: report.warnings,
    }).toEqual({
      organ: record.meta.organ,
      organ_key: row.organKey,
      year: record.meta.year,
      template: record.meta.template,
      title: record.meta.title,
      source_name: record.source.name,
      source_url: record.source.url ?? null,
      text_source: record.source.textSource,
      other_sources: row.sources.slice(1),
      errors: record.issues.filter((i) => i.severity === "error").length,
      warnings: record.issues.filter((i) => i.severity === "warning").length,
    });
    expect(report.record).toEqual(JSON.parse(JSON.stringify(withoutProvenance(record))));

    // Every cell, blanks as NULL, with the flags and codes of the long form.
    const expected = cellRows(row).map((c) => ({ path: c.path, value: c.value, flagged: c.flagged, codes: c.issueCodes }));
    const read = (cellsOf.get(key) ?? []).map((c) => ({ path: c.path, value: (c.value_text ?? (c.value === null ? null : Number(c.value))) as Read, flagged: c.flagged, codes: c.issue_codes ?? [] }));
    const order = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : 1);
    expect(read.sort(order)).toEqual(expected.sort(order));

    const mine = issues.rows.filter((i) => `${i.sha256} ${i.extractor_version}` === key);
    expect(mine.map((i) => ({ code: i.code, severity: i.severity, path: i.path, message: i.message, expected: i.no_expected ? undefined : i.expected, actual: i.no_actual ? undefined : i.actual }))).toEqual(
      record.issues.map((i) => ({ code: i.code, severity: i.severity, path: i.path, message: i.message, expected: i.expected, actual: i.actual })),
    );
  }
}

// ---- tests --------------------------------------------------------------------------

describe("export --format postgres", () => {
  it("loads every report, cell and issue as the records say them, and the findings", async () => {
    const url = await server.createDatabase();
    const rows = [...fixtures.map((r) => rowOf(r)), rowOf(flaggedRecord(), [{ sha256: sha("other"), name: "other.pdf", url: "https://example.gov.cn/other.pdf" }]), ...Array.from({ length: 12 }, (_, i) => rowOf(variant(i)))];
    await exportRows(url, rows, FINDINGS, 5);
    await withClient(url, async (client) => {
      await expectLoaded(client, rows);
      const flagged = await client.query("SELECT path, issue_codes FROM report_cells WHERE flagged ORDER BY path");
      expect(flagged.rows).toEqual(expect.arrayContaining([{ path: "applications.granted.total", issue_codes: ["IDENTITY_ROW_TOTAL"] }, { path: "applications.deniedStateSecret.total", issue_codes: ["CELLS_AMBIGUOUS"] }]));
      const findings = await client.query("SELECT code, severity, organ_key, year, ids, paths, message FROM findings ORDER BY ordinal");
      expect(findings.rows).toEqual(FINDINGS.map((f) => ({ code: f.code, severity: f.severity, organ_key: f.organKey, year: f.year, ids: f.ids, paths: f.paths, message: f.message })));
      const migrations = await client.query("SELECT version FROM nianbao_migrations");
      expect(migrations.rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version })));
      // Uniqueness the loader keeps without a key on cells.
      const twice = await client.query("SELECT report_id, cell FROM cells GROUP BY 1, 2 HAVING count(*) > 1");
      expect(twice.rowCount).toBe(0);
    });
  });

  it("keeps provenance only when asked, beside the record", async () => {
    const url = await server.createDatabase();
    const record = fixtures[0]!;
    await exportRows(url, [rowOf(record)], [], 4, true);
    await withClient(url, async (client) => {
      const { rows } = await client.query("SELECT record ? 'provenance' AS inside, provenance FROM reports");
      expect(rows[0].inside).toBe(false);
      expect(rows[0].provenance).toEqual(JSON.parse(JSON.stringify(record.provenance)));
    });
  });

  it("drops NUL characters and replaces unpaired surrogates, which PostgreSQL cannot store, and loads the rest", async () => {
    const url = await server.createDatabase();
    const base = variant(2000);
    const record = { ...base, meta: { ...base.meta, title: "a\u0000b\ud800c" }, sections: { ...base.sections, other: "x\udc00\u0000y" } } as ReportRecord;
    await exportRows(url, [rowOf(record)]);
    await withClient(url, async (client) => {
      const { rows } = await client.query("SELECT title, record->'meta'->>'title' AS json_title, record->'sections'->>'other' AS other FROM reports");
      expect(rows[0]).toEqual({ title: "ab\ufffdc", json_title: "ab\ufffdc", other: "x\ufffdy" });
    });
  });

  it("changes nothing when the same export runs again, and rewrites only a report that changed", async () => {
    const url = await server.createDatabase();
    const rows = Array.from({ length: 30 }, (_, i) => rowOf(variant(i)));
    await exportRows(url, rows, FINDINGS, 7);
    const before = await withClient(url, snapshot);
    await exportRows(url, rows, FINDINGS, 7);
    await exportRows(url, [...rows].reverse(), FINDINGS, 30);
    expect(await withClient(url, snapshot)).toEqual(before);

    // One report now lists another source, and the findings lose one: only those rows are written.
    const changed = rows.map((row, i) => (i === 3 ? rowOf(row.record, [{ sha256: sha("dup"), name: "dup.html", url: null }]) : row));
    const loadedAt = async (client: pg.Client) => (await client.query("SELECT sha256, id, loaded_at FROM reports ORDER BY sha256")).rows;
    const times = await withClient(url, loadedAt);
    await exportRows(url, changed, FINDINGS.slice(0, 1), 7);
    await withClient(url, async (client) => {
      await expectLoaded(client, changed);
      const after = await loadedAt(client);
      const moved = after.filter((r, i) => r.id !== times[i].id || r.loaded_at.getTime() !== times[i].loaded_at.getTime());
      expect(moved.map((r) => r.sha256)).toEqual([rows[3]!.record.source.sha256]);
      expect((await client.query("SELECT code FROM findings")).rows).toEqual([{ code: FINDINGS[0]!.code }]);
    });
  });

  it("leaves whole batches when an export is killed, and a rerun completes it as if it had not been", async () => {
    const url = await server.createDatabase();
    const batch = 20;
    const rows = Array.from({ length: 300 }, (_, i) => rowOf(withoutProvenance(variant(i))));
    const dir = tempDir("pg-kill-");
    const rowsFile = join(dir, "rows.json");
    writeFileSync(rowsFile, JSON.stringify(rows));
    // A child exporting slowly (a pause per row, as reading files would), killed after three batches.
    const code = `
      import { readFileSync } from "node:fs";
      import { postgresSink } from ${JSON.stringify(join(ROOT, "src/export/formats/postgres.ts"))};
      import { createLogger } from ${JSON.stringify(join(ROOT, "src/log.ts"))};
      const rows = JSON.parse(readFileSync(process.env.ROWS, "utf8"));
      const sink = postgresSink({ databaseUrl: process.env.URL, log: createLogger({}, "debug") }, { batchSize: ${batch} });
      await sink.open();
      for (const row of rows) { await sink.write(row); await new Promise((r) => setTimeout(r, 4)); }
      await sink.close([]);`;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], { cwd: ROOT, env: { ...process.env, ROWS: rowsFile, URL: url }, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once("exit", (status, signal) => resolve(signal ?? status)));
    await new Promise<void>((resolve, reject) => {
      child.stderr!.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
        if ((stderr.match(/batch committed/g) ?? []).length >= 3) resolve();
      });
      void exited.then(() => reject(new Error(`the child exited before it was killed:\n${stderr}`)));
    });
    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");

    await withClient(url, async (client) => {
      // The server notices the dropped connection and rolls its transaction back.
      for (let i = 0; i < 50; i++) {
        const open = await client.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
        if (open.rows[0].n === 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const { rows: loaded } = await client.query<{ sha256: string }>("SELECT sha256 FROM reports");
      expect(loaded.length % batch).toBe(0);
      expect(loaded.length).toBeGreaterThanOrEqual(3 * batch);
      expect(loaded.length).toBeLessThan(rows.length);
      const there = new Set(loaded.map((r) => r.sha256));
      await expectLoaded(
        client,
        rows.filter((r) => there.has(r.record.source.sha256)),
      );
      const orphans = await client.query("SELECT (SELECT count(*) FROM cells WHERE report_id NOT IN (SELECT id FROM reports)) + (SELECT count(*) FROM issues WHERE report_id NOT IN (SELECT id FROM reports)) AS n");
      expect(Number(orphans.rows[0].n)).toBe(0);
    });

    const beforeRerun = await withClient(url, async (client) => (await client.query("SELECT sha256, xmin::text FROM reports ORDER BY sha256")).rows);
    await exportRows(url, rows, [], batch);
    const clean = await server.createDatabase();
    await exportRows(clean, rows, [], 97);
    await withClient(url, async (client) => {
      await expectLoaded(client, rows);
      // What the killed run committed was kept as it was, not written again.
      const kept = (await client.query("SELECT sha256, xmin::text FROM reports ORDER BY sha256")).rows.filter((r) => beforeRerun.some((b) => b.sha256 === r.sha256));
      expect(kept).toEqual(beforeRerun);
      expect(await content(client)).toBe(await withClient(clean, content));
    });
  }, 120_000);

  it("keeps the batches committed and drops the one being loaded when the export is aborted", async () => {
    const url = await server.createDatabase();
    const rows = Array.from({ length: 120 }, (_, i) => rowOf(withoutProvenance(variant(i))));
    const sink = postgresSink({ databaseUrl: url, log }, { batchSize: 50 });
    await sink.open();
    for (const row of rows) await sink.write(row);
    await sink.abort();
    await withClient(url, async (client) => {
      for (let i = 0; i < 50; i++) {
        const open = await client.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
        if (open.rows[0].n === 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const { rows: loaded } = await client.query<{ sha256: string }>("SELECT sha256 FROM reports");
      expect([50, 100]).toContain(loaded.length);
      const there = new Set(loaded.map((r) => r.sha256));
      await expectLoaded(
        client,
        rows.filter((r) => there.has(r.record.source.sha256)),
      );
    });
  });

  it("takes the newest extractor version of a source as its latest, comparing versions by their numbers", async () => {
    const url = await server.createDatabase();
    const versions = ["0.9.0", "0.10.0-rc.1", "0.10.0", "0.2.11"];
    const rows = versions.map((v) => rowOf({ ...variant(7, v) }));
    rows.push(rowOf(variant(8, "1.0.0")));
    await exportRows(url, rows);
    await withClient(url, async (client) => {
      const latest = await client.query("SELECT sha256, extractor_version FROM latest_reports ORDER BY sha256");
      expect(latest.rows).toEqual(
        [
          { sha256: variant(7).source.sha256, extractor_version: "0.10.0" },
          { sha256: variant(8).source.sha256, extractor_version: "1.0.0" },
        ].sort((a, b) => (a.sha256 < b.sha256 ? -1 : 1)),
      );
      const cells = await client.query("SELECT DISTINCT extractor_version FROM latest_cells ORDER BY 1");
      expect(cells.rows.map((r) => r.extractor_version)).toEqual(["0.10.0", "1.0.0"]);
      const all = await client.query("SELECT count(DISTINCT extractor_version)::int AS n FROM report_cells");
      expect(all.rows[0].n).toBe(5);
    });
  });

  it("migrates once, when two start at once, and refuses a database migrated by a newer nianbao", async () => {
    const url = await server.createDatabase();
    const opened = await Promise.all([Database.open(url, log), Database.open(url, log), Database.open(url, log)]);
    for (const db of opened) await db.end();
    await withClient(url, async (client) => {
      expect((await client.query("SELECT version FROM nianbao_migrations")).rows).toEqual([{ version: 1 }]);
      expect((await client.query("SELECT count(*)::int AS n FROM codebook")).rows[0].n).toBeGreaterThan(200);
      await client.query("INSERT INTO nianbao_migrations (version, name) VALUES (999, 'from the future')");
    });
    const error = await Database.open(url, log).catch((e: unknown) => e);
    expect(isPipelineError(error) && error.code).toBe("DATABASE_UNAVAILABLE");
    expect((error as Error).message).toMatch(/version 999, newer than this nianbao knows/);
  });

  it("is DATABASE_UNAVAILABLE, naming where and never the password, when the database cannot be reached", async () => {
    const port = await freePort();
    const sink = postgresSink({ databaseUrl: `postgres://nianbao:s3cret-pw@127.0.0.1:${port}/nianbao`, log });
    const error = await sink.open().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PipelineError);
    expect((error as PipelineError).code).toBe("DATABASE_UNAVAILABLE");
    expect((error as PipelineError).exitCode).toBe(15);
    expect((error as Error).message).toContain(`nianbao@127.0.0.1:${port}/nianbao`);
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
    expect((error as Error).message).not.toContain("s3cret-pw");
    await sink.abort();

    // A server that answers but has no such database.
    const missing = new URL(await server.createDatabase());
    missing.pathname = "/nianbao_no_such_database";
    const refused = await postgresSink({ databaseUrl: missing.toString(), log })
      .open()
      .catch((e: unknown) => e);
    expect(isPipelineError(refused) && refused.code).toBe("DATABASE_UNAVAILABLE");
    expect((refused as Error).message).toMatch(/does not exist/);
  });

  it("exits 15 with one line and no stack trace from the CLI", async () => {
    const dir = tempDir("pg-cli-");
    mkdirSync(join(dir, "records"));
    writeFileSync(join(dir, "records", "a.json"), JSON.stringify(fixtures[0]));
    const port = await freePort();
    const result = runCli(["export", "--from", dir, "--format", "postgres", "--database-url", `postgres://postgres:pw@127.0.0.1:${port}/x`]);
    expect(result.status).toBe(15);
    expect(result.stderr).toMatch(/DATABASE_UNAVAILABLE/);
    expect(result.stderr).toContain(`127.0.0.1:${port}`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stderr).not.toContain(":pw@");
  });
});

describeCorpus("export --format postgres, the shared corpus", () => {
  it("loads every corpus record as it is, cell by cell", async () => {
    const files = HAS_CORPUS ? readdirSync(CORPUS).filter((f) => !f.endsWith(".json") && !f.startsWith(".")) : [];
    const records: ReportRecord[] = [];
    for (const f of files) {
      const record = await extractFile(join(CORPUS, f), { log }).catch(() => null);
      if (record) records.push(record);
    }
    expect(records.length).toBeGreaterThan(0);
    const url = await server.createDatabase();
    const rows = records.map((r) => rowOf(r));
    await exportRows(url, rows, [], 3);
    await withClient(url, (client) => expectLoaded(client, rows));
  }, 300_000);
});
