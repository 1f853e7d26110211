/**
 * The XLSX and Parquet exports, read back by readers that share no code with the
 * writers: XLSX by read-excel-file (its own unzip and XML parser) and, for styles and
 * views, by yauzl and the sheet XML; Parquet by DuckDB. Every cell of every record is
 * compared with the record's value, blanks included, numbers as numbers and each
 * Parquet column with its type. Records: the project's fixtures (always) and the shared
 * corpus (when ../shared is there), plus records made from them to hold errors, odd text
 * and duplicates.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import readXlsxFile from "read-excel-file/node";
import yauzl from "yauzl";
import { beforeAll, describe, expect, it } from "vitest";
import { codebook } from "../src/definition/codebook.js";
import { TABLE_KEYS, TEMPLATES, type TableKey } from "../src/definition/index.js";
import { valueAt, wideColumns, wideValues, cellRows, type Value } from "../src/export/table.js";
import type { DatasetRow, Finding, Sink } from "../src/export/types.js";
import { parquetSink } from "../src/export/formats/parquet.js";
import { workbookSink, xlsxSink, type XlsxTuning } from "../src/export/formats/xlsx.js";
import type { SinkOptions } from "../src/export/formats/index.js";
import { createLogger } from "../src/log.js";
import type { Issue } from "../src/model/issue.js";
import type { ReportRecord } from "../src/model/record.js";
import { extractFile } from "../src/pipeline.js";
import { issuesNaming } from "../src/validate/flags.js";
import { validateRecord } from "../src/validate/index.js";
import { CORPUS, describeCorpus, FIXTURES, HAS_CORPUS, tempDir } from "./helpers.js";

const log = createLogger({}, "silent");
const DOCUMENT = /\.(pdf|txt|html?|png|jpe?g|tiff?)$/i;

async function extractDir(dir: string): Promise<ReportRecord[]> {
  const out: ReportRecord[] = [];
  for (const name of readdirSync(dir).filter((n) => DOCUMENT.test(n)).sort()) out.push(await extractFile(join(dir, name), { ocr: "never" }));
  return out;
}

const asRow = (record: ReportRecord, extra: Partial<DatasetRow> = {}): DatasetRow => ({
  record,
  organKey: record.meta.organ ? record.meta.organ.replace(/\s+/g, "") : null,
  sources: [{ sha256: record.source.sha256, name: record.source.name, url: record.source.url ?? null }],
  ...extra,
});

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** Records made from a real one: an identity broken (errors name cells), odd text, a duplicate's sources. */
function variants(base: ReportRecord): DatasetRow[] {
  const broken = clone(base);
  broken.source.sha256 = "e".repeat(64);
  const apps = broken.applications as Record<string, Record<string, number | null>> | null;
  if (apps?.newReceived) {
    apps.newReceived.total = (apps.newReceived.total ?? 0) + 7;
    if (apps.granted) apps.granted.naturalPerson = null;
  }
  broken.issues = [...broken.issues.filter((i) => i.severity !== "error"), ...validateRecord(broken)];

  const odd = clone(base);
  odd.source.sha256 = "0".repeat(64);
  odd.source.url = "https://example.org/report?a=1&b=<2>";
  odd.meta.organ = '  某县 & <人民政府> "办公室" _x0041_ 😀\tend\r\nnext ';
  odd.meta.title = "标题\u0001控制字符\u001f\uFFFE";
  odd.issues = [...odd.issues, { code: "META_MISSING", severity: "warning", path: "meta.title", message: "a warning, < & >", expected: "x", actual: null }];

  return [
    asRow(broken),
    asRow(odd, {
      organKey: "某县人民政府办公室",
      sources: [
        { sha256: odd.source.sha256, name: odd.source.name, url: odd.source.url ?? null },
        { sha256: "1".repeat(64), name: "copy.html", url: "https://example.org/copy" },
        { sha256: "2".repeat(64), name: "copy2.pdf", url: null },
      ],
    }),
  ];
}

const FINDINGS: Finding[] = [
  { code: "DUPLICATE_AGREES", severity: "info", organKey: "某县人民政府办公室", year: 2020, ids: ["0".repeat(64), "1".repeat(64)], paths: [], message: "two sources agree" },
  { code: "CARRY_OVER_MISMATCH", severity: "error", organKey: "某县", year: 2021, ids: ["e".repeat(64)], paths: ["applications.carriedOver.total", "applications.carriedForward.total"], message: "carried over ≠ carried forward" },
];

async function run(sink: Sink, rows: DatasetRow[], findings: Finding[] = []): Promise<void> {
  await sink.open();
  for (const row of rows) await sink.write(row);
  await sink.close(findings);
}

const options = (out: string, extra: Partial<SinkOptions> = {}): SinkOptions => ({ out, log, ...extra });

// ---- the expected tables, from the records ---------------------------------------------

const ENTRIES = codebook();
const TABLE_LAYOUT = TABLE_KEYS.map((key) => {
  const entries = ENTRIES.filter((e) => e.table === key);
  return {
    key,
    name: `表${TEMPLATES["2021"].tables[key].number} ${TEMPLATES["2021"].tables[key].title}`,
    rows: [...new Map(entries.map((e) => [e.row, e.rowLabel]))],
    columns: [...new Set(entries.map((e) => e.column))],
  };
});

function tableRows(row: DatasetRow, key: TableKey): Value[][] {
  const layout = TABLE_LAYOUT.find((t) => t.key === key)!;
  const table = row.record[key] as Record<string, unknown> | null;
  if (!table) return [];
  const { record } = row;
  return layout.rows
    .filter(([r]) => table[r] !== null && typeof table[r] === "object")
    .map(([r, newest]) => {
      // The row's label as the report's version prints it.
      const def = record.meta.template ? TEMPLATES[record.meta.template].tables[key].rows.find((d) => d.key === r) : undefined;
      const label = def ? [...(def.groups ?? []), def.label].join(" · ") : newest;
      return [record.source.sha256, record.meta.organ, record.meta.year, record.meta.template, r, label, ...layout.columns.map((c) => valueAt(row, `${key}.${r}.${c}`) ?? null)];
    });
}

/** The words the issues sheet gives an issue's path: a cell's label, an amount's, a row's, a table's. */
function location(path: string | null): string | null {
  if (path === null) return null;
  const cell = wideColumns().find((c) => c.cell && (c.name === path || c.name === `${path}.value`));
  if (cell) return cell.label;
  const [key, row, ...rest] = path.split(".");
  const table = TABLE_LAYOUT.find((t) => t.key === key);
  if (!table || rest.length) return null;
  if (row === undefined) return table.name;
  const label = table.rows.find(([r]) => r === row)?.[1];
  return label === undefined ? null : `表${TEMPLATES["2021"].tables[table.key].number} ${label}`;
}

/** A cell as read-excel-file gives it back: null for no cell, numbers as numbers. */
function expectCells(actual: unknown[][], expected: (Value | boolean)[][], where: string): void {
  expect(actual.length, `${where}: rows`).toBe(expected.length);
  expected.forEach((row, i) => {
    row.forEach((value, j) => {
      const got = actual[i]![j] ?? null;
      if (got !== value) expect.fail(`${where}: row ${i + 3}, column ${j + 1}: expected ${JSON.stringify(value)}, read ${JSON.stringify(got)}`);
    });
    // Nothing past the row's columns.
    expect(actual[i]!.slice(row.length).every((v) => v === null), `${where}: row ${i + 3} has extra cells`).toBe(true);
  });
}

// ---- XLSX internals, read with yauzl ---------------------------------------------------

async function unzip(path: string): Promise<Map<string, string>> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => yauzl.open(path, { lazyEntries: true }, (e, z) => (e ? reject(e) : resolve(z))));
  const files = new Map<string, string>();
  await new Promise<void>((resolve, reject) => {
    zip.on("entry", (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (e, stream) => {
        if (e) return reject(e);
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => {
          files.set(entry.fileName, Buffer.concat(chunks).toString("utf8"));
          zip.readEntry();
        });
        stream.on("error", reject);
      });
    });
    zip.on("end", resolve);
    zip.on("error", reject);
    zip.readEntry();
  });
  return files;
}

/** The sheet file of each sheet name, from workbook.xml and its relationships. */
function sheetFiles(files: Map<string, string>): Map<string, string> {
  const rels = new Map([...files.get("xl/_rels/workbook.xml.rels")!.matchAll(/<Relationship Id="([^"]+)"[^>]*Target="([^"]+)"/g)].map((m) => [m[1]!, `xl/${m[2]!}`]));
  return new Map([...files.get("xl/workbook.xml")!.matchAll(/<sheet name="([^"]+)"[^>]*r:id="([^"]+)"/g)].map((m) => [m[1]!, files.get(rels.get(m[2]!)!)!]));
}

/** The style index of every cell of a row that has one (`{ "C3": 3 }`). */
function styledCells(sheetXml: string, rowNumber: number): Map<string, number> {
  const row = new RegExp(`<row r="${rowNumber}"[^>]*>([\\s\\S]*?)</row>`).exec(sheetXml)?.[1] ?? "";
  return new Map([...row.matchAll(/<c r="([A-Z]+)\d+" s="(\d+)"/g)].map((m) => [m[1]!, Number(m[2])]));
}

const colName = (i: number): string => (i >= 26 ? colName(Math.floor(i / 26) - 1) : "") + String.fromCharCode(65 + (i % 26));

// ---- the checks ------------------------------------------------------------------------

async function checkXlsx(rows: DatasetRow[], tuning: XlsxTuning = {}): Promise<void> {
  const out = join(tempDir("xlsx-"), "data.xlsx");
  await run(workbookSink(options(out), tuning), rows, FINDINGS);
  const sheets = await readXlsxFile(out, { trim: false });
  const byName = (name: string) => {
    // A sheet past the row limit goes on in "name (2)", … : read back as one.
    const parts = sheets.filter((s) => s.sheet === name || s.sheet.startsWith(`${name.slice(0, 26)} (`));
    expect(parts.length, `sheet ${name}`).toBeGreaterThan(0);
    for (const p of parts) expect(p.data[1], `${p.sheet}: second header row`).toEqual(parts[0]!.data[1]);
    return { header: parts[0]!.data.slice(0, 2), data: parts.flatMap((p) => p.data.slice(2)) };
  };

  // Sheet order.
  const names = [...new Set(sheets.map((s) => s.sheet.replace(/ \(\d+\)$/, "")))];
  expect(names).toEqual(["reports", ...TABLE_LAYOUT.map((t) => t.name), "issues", "findings", "codebook"]);

  // reports: the wide table, labels then names, every cell.
  const reports = byName("reports");
  expect(reports.header[0]).toEqual(wideColumns().map((c) => c.label));
  expect(reports.header[1]).toEqual(wideColumns().map((c) => c.name));
  expectCells(reports.data, rows.map(wideValues), "reports");

  // One sheet per table, long-wide.
  for (const t of TABLE_LAYOUT) {
    const sheet = byName(t.name);
    expect(sheet.header[1]).toEqual(["id", "organ", "year", "template", "row", "row_label", ...t.columns]);
    expectCells(sheet.data, rows.flatMap((r) => tableRows(r, t.key)), t.name);
  }

  // issues, findings, codebook.
  const issues = byName("issues");
  expectCells(
    issues.data,
    rows.flatMap((r) =>
      r.record.issues.map((i) => [r.record.source.sha256, r.record.meta.organ, r.record.meta.year, r.record.meta.template, i.severity, i.code, i.path, location(i.path), i.message, i.expected ?? null, i.actual ?? null]),
    ),
    "issues",
  );
  const findings = byName("findings");
  expectCells(findings.data, FINDINGS.map((f) => [f.code, f.severity, f.organKey, f.year, f.ids.join("\n"), f.paths.join("\n") || null, f.message]), "findings");
  const cb = byName("codebook");
  expectCells(cb.data, ENTRIES.map((e) => [e.path, e.tableNumber, e.row, e.column, e.rowLabel, e.columnLabel, e.templates.join(" "), e.type, e.signed, e.unit, e.note || null]), "codebook");

  // Styles and views, from the XML: frozen header rows, the error fill on exactly the cells errors name.
  const files = await unzip(out);
  const xml = sheetFiles(files);
  expect(files.get("xl/styles.xml")).toMatch(/<cellXfs count="5">(?:<xf[^>]*\/>|<xf[^>]*>.*?<\/xf>){3}<xf[^>]*fillId="2"/);
  expect(files.get("xl/styles.xml")).toMatch(/<fills count="5">(?:<fill>.*?<\/fill>){2}<fill><patternFill patternType="solid"><fgColor rgb="FFFFC7CE"\/>/);
  for (const [name, sheet] of xml) expect(sheet, `${name}: frozen header`).toMatch(/<pane [^>]*ySplit="2"[^>]*state="frozen"\/>/);
  const wide = wideColumns();
  const reportsXml = [...xml].filter(([n]) => n === "reports" || n.startsWith("reports (")).map(([, s]) => s);
  const perSheet = Math.max(1, ...reportsXml.map((s) => [...s.matchAll(/<row r="/g)].length - 2));
  let highlighted = 0;
  rows.forEach((row, i) => {
    const errors = (row.record.issues as Issue[]).filter((x) => x.severity === "error");
    const expected = new Map<string, number>();
    wide.forEach((c, j) => {
      if (c.cell && issuesNaming(c.name.replace(/\.(value|unit)$/, ""), errors).length) expected.set(colName(j), 3);
    });
    const errorCount = wide.findIndex((c) => c.name === "errors");
    const warningCount = wide.findIndex((c) => c.name === "warnings");
    if (errors.length) expected.set(colName(errorCount), 3);
    if (row.record.issues.some((x) => x.severity === "warning")) expected.set(colName(warningCount), 4);
    const sheet = reportsXml[Math.floor(i / perSheet)]!;
    expect(styledCells(sheet, (i % perSheet) + 3), `reports row ${i + 3}: highlighted cells`).toEqual(expected);
    highlighted += [...expected.values()].filter((s) => s === 3).length;
  });
  if (rows.some((r) => r.record.issues.some((i) => i.severity === "error"))) expect(highlighted).toBeGreaterThan(1);

  // The table sheets highlight the same cells (checked where a table fits one sheet).
  for (const t of TABLE_LAYOUT) {
    const parts = [...xml].filter(([n]) => n === t.name || n.startsWith(`${t.name.slice(0, 26)} (`));
    if (parts.length !== 1) continue;
    let r = 3;
    for (const row of rows) {
      const errors = (row.record.issues as Issue[]).filter((x) => x.severity === "error");
      for (const cells of tableRows(row, t.key)) {
        const expected = new Map<string, number>();
        t.columns.forEach((c, j) => {
          if (issuesNaming(`${t.key}.${String(cells[4])}.${c}`.replace(/\.(value|unit)$/, ""), errors).length) expected.set(colName(6 + j), 3);
        });
        highlighted += expected.size;
        expect(styledCells(parts[0]![1], r), `${t.name} row ${r}: highlighted cells`).toEqual(expected);
        r++;
      }
    }
  }
}

async function withDuckDb<T>(fn: (db: DuckDBConnection) => Promise<T>): Promise<T> {
  const instance = await DuckDBInstance.create(":memory:");
  const db = await instance.connect();
  try {
    return await fn(db);
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

async function readParquet(db: DuckDBConnection, path: string): Promise<{ names: string[]; types: string[]; rows: unknown[][] }> {
  const described = await db.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${sqlString(path)})`);
  const rows = await db.runAndReadAll(`SELECT * FROM read_parquet(${sqlString(path)})`);
  const desc = described.getRowObjects();
  return { names: desc.map((d) => String(d.column_name)), types: desc.map((d) => String(d.column_type)), rows: rows.getRows() };
}

const DUCK_TYPE = { integer: "BIGINT", decimal: "DOUBLE", string: "VARCHAR" } as const;

/** A value read by DuckDB, compared with the record's: BIGINT as bigint, DOUBLE and VARCHAR as they are. */
function sameValue(got: unknown, value: Value | boolean, type: string): boolean {
  if (value === null) return got === null;
  if (type === "BIGINT") return typeof got === "bigint" && got === BigInt(value as number);
  if (type === "DOUBLE") return typeof got === "number" && got === value;
  return got === value;
}

async function checkParquet(rows: DatasetRow[], rowGroupSize?: number): Promise<void> {
  const dir = tempDir("parquet-");
  const wideOut = join(dir, "wide.parquet");
  const longOut = join(dir, "long.parquet");
  await run(parquetSink(options(wideOut), rowGroupSize ? { rowGroupSize } : {}), rows);
  await run(parquetSink(options(longOut, { long: true }), rowGroupSize ? { rowGroupSize: rowGroupSize * 50 } : {}), rows);

  await withDuckDb(async (db) => {
    const wide = await readParquet(db, wideOut);
    const columns = wideColumns();
    expect(wide.names).toEqual(columns.map((c) => c.name));
    expect(wide.types).toEqual(columns.map((c) => DUCK_TYPE[c.type]));
    expect(wide.rows.length).toBe(rows.length);
    rows.forEach((row, i) => {
      wideValues(row).forEach((value, j) => {
        if (!sameValue(wide.rows[i]![j], value, wide.types[j]!)) expect.fail(`wide row ${i}, ${columns[j]!.name}: expected ${String(value)}, read ${String(wide.rows[i]![j])}`);
      });
    });
    if (rowGroupSize) {
      const groups = await db.runAndReadAll(`SELECT count(DISTINCT row_group_id) AS n FROM parquet_metadata(${sqlString(wideOut)})`);
      expect(Number(groups.getRowObjects()[0]!.n)).toBe(Math.ceil(rows.length / rowGroupSize));
    }
    const meta = await db.runAndReadAll(`SELECT decode(value) AS v FROM parquet_kv_metadata(${sqlString(wideOut)}) WHERE decode(key) = 'nianbao'`);
    const described = JSON.parse(String(meta.getRowObjects()[0]!.v)) as { form: string; columns: { name: string; label: string }[] };
    expect(described.form).toBe("wide");
    expect(described.columns.map((c) => c.label)).toEqual(columns.map((c) => c.label));

    const long = await readParquet(db, longOut);
    expect(long.names).toEqual(["id", "organ", "organ_key", "year", "template", "table", "row", "column", "path", "value", "value_text", "flagged", "issue_codes"]);
    expect(long.types).toEqual(["VARCHAR", "VARCHAR", "VARCHAR", "BIGINT", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "DOUBLE", "VARCHAR", "BOOLEAN", "VARCHAR"]);
    const text = new Set(ENTRIES.filter((e) => e.type === "string").map((e) => e.path));
    const expected = rows.flatMap(cellRows);
    expect(long.rows.length).toBe(expected.length);
    expected.forEach((c, i) => {
      const isText = text.has(c.path);
      const values: (Value | boolean)[] = [c.id, c.organ, c.organKey, c.year, c.template, c.table, c.row, c.column, c.path, isText ? null : c.value, isText ? c.value : null, c.flagged, c.issueCodes.join(" ") || null];
      values.forEach((value, j) => {
        if (!sameValue(long.rows[i]![j], value, long.types[j]!)) expect.fail(`long row ${i} (${c.path}), ${long.names[j]}: expected ${String(value)}, read ${String(long.rows[i]![j])}`);
      });
    });
  });
}

// ---- the tests -------------------------------------------------------------------------

describe("xlsx and parquet exports of the fixtures", () => {
  let rows: DatasetRow[] = [];
  beforeAll(async () => {
    const records = await extractDir(join(FIXTURES, "generated"));
    expect(records.length).toBeGreaterThan(5);
    const base = records.find((r) => r.meta.template === "2021" && r.applications)!;
    rows = [...records.map((r) => asRow(r)), ...variants(base)];
    // The broken record holds errors that name cells: the highlight is tested on real issues.
    expect(rows.some((r) => r.record.issues.some((i) => i.severity === "error" && i.path?.startsWith("applications.")))).toBe(true);
  }, 120_000);

  it("xlsx: every cell read back by read-excel-file equals the record's, blanks empty, errors highlighted", async () => {
    await checkXlsx(rows);
  });

  it("xlsx: a sheet past the row limit goes on in the next; ZIP64 records read back", async () => {
    await checkXlsx(rows, { maxRows: 8, zip64: true });
    const out = join(tempDir("xlsx-"), "split.xlsx");
    await run(workbookSink(options(out), { maxRows: 12 }), rows);
    const names = (await readXlsxFile(out)).map((s) => s.sheet);
    expect(names).toContain("表三 收到和处理政府信息公开申请情况 (2)");
    expect(names).not.toContain("reports (2)");
    expect(names.every((n) => n.length <= 31)).toBe(true);
  });

  it("parquet: wide and long, typed columns, every cell read back by DuckDB", async () => {
    await checkParquet(rows);
  });

  it("parquet: several row groups", async () => {
    await checkParquet(rows, 3);
  });

  it("an empty dataset is a file with the header / schema and no rows", async () => {
    const dir = tempDir("empty-");
    await run(xlsxSink(options(join(dir, "e.xlsx"))), []);
    const sheets = await readXlsxFile(join(dir, "e.xlsx"));
    expect(sheets.find((s) => s.sheet === "reports")!.data).toHaveLength(2);
    expect(sheets.find((s) => s.sheet === "codebook")!.data).toHaveLength(2 + ENTRIES.length);
    await run(parquetSink(options(join(dir, "e.parquet"))), []);
    await withDuckDb(async (db) => {
      const read = await readParquet(db, join(dir, "e.parquet"));
      expect(read.rows).toHaveLength(0);
      expect(read.names).toHaveLength(wideColumns().length);
    });
  });

  for (const format of ["xlsx", "parquet", "parquet --long"] as const) {
    it(`${format}: the file appears only on close; abort leaves nothing behind`, async () => {
      const dir = tempDir("atomic-");
      const out = join(dir, "sub", `data.${format.split(" ")[0]}`);
      const make = () => (format === "xlsx" ? xlsxSink(options(out)) : parquetSink(options(out, { long: format.endsWith("--long") })));
      const sink = make();
      await sink.open();
      for (const row of rows) await sink.write(row);
      expect(existsSync(out)).toBe(false);
      await sink.abort();
      expect(existsSync(out)).toBe(false);
      expect(readdirSync(join(dir, "sub"))).toEqual([]);

      const done = make();
      await run(done, rows);
      expect(readdirSync(join(dir, "sub"))).toEqual([`data.${format.split(" ")[0]}`]);
    });
  }
});

describeCorpus("xlsx and parquet exports of the shared corpus", () => {
  let rows: DatasetRow[] = [];
  beforeAll(async () => {
    if (!HAS_CORPUS) return;
    rows = (await extractDir(CORPUS)).map((r) => asRow(r));
    expect(rows.length).toBeGreaterThan(5);
  }, 300_000);

  it("xlsx: every cell of every corpus record read back equals the record's", async () => {
    await checkXlsx(rows);
  });

  it("parquet: every cell of every corpus record read back by DuckDB equals the record's", async () => {
    await checkParquet(rows);
  });
});
