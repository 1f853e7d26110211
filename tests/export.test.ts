/**
 * `nianbao export`: records from a store or a directory, read back by an independent
 * CSV parser (csv-parse) cell by cell; the filters, one record per source, the dataset
 * checks (carry-over, duplicates, organ aliases), bad files among the records, and no
 * partial output when an export fails or is stopped.
 */
import { readFileSync, writeFileSync, existsSync, readdirSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { codebook } from "../src/definition/codebook.js";
import { runExport } from "../src/export/index.js";
import { readOrganAliases, organKey } from "../src/export/organ.js";
import { compareVersions } from "../src/export/plan.js";
import { createLogger } from "../src/log.js";
import type { ReportRecord } from "../src/model/record.js";
import { extractFile } from "../src/pipeline.js";
import { LocalStore } from "../src/store/local.js";
import { CORPUS, FIXTURES, HAS_CORPUS, runCli, tempDir } from "./helpers.js";

const log = createLogger({}, "silent");

/** The report files the tests export: the project's fixtures, and the shared corpus when it is there. */
function inputs(): string[] {
  const dirs = [join(FIXTURES, "generated"), ...(HAS_CORPUS ? [CORPUS] : [])];
  return dirs.flatMap((d) => readdirSync(d).filter((f) => /\.(pdf|txt|html)$/.test(f)).map((f) => join(d, f)));
}

let records: ReportRecord[] = [];
let dir = "";

beforeAll(async () => {
  dir = tempDir("export-records-");
  const files = inputs();
  const run = runCli(["extract", "--out", dir, ...files]);
  expect(run.status).toBe(0);
  records = readdirSync(dir).map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as ReportRecord);
  expect(records.length).toBe(files.length);
}, 240_000);

/** A record's value at a cell path, as the export must write it. */
function valueAt(record: ReportRecord, path: string): unknown {
  let at: unknown = record;
  for (const k of path.split(".")) at = at !== null && typeof at === "object" ? (at as Record<string, unknown>)[k] : undefined;
  return at;
}

const csvCell = (v: unknown) => (v === null || v === undefined ? "" : String(v));

describe("export to CSV", () => {
  it("wide: one row per organ and year, every cell of every record as printed, blanks blank, Chinese labels on request", () => {
    const out = join(tempDir("export-"), "dataset.csv");
    const run = runCli(["export", "--from", dir, "--format", "csv", "--out", out, "--labels", "zh"]);
    expect(run.status, run.stderr).toBe(0);
    const text = readFileSync(out, "utf8");
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text.includes("\r\n")).toBe(true);
    const [names, labels, ...rows] = parse(text.slice(1), { relax_column_count: false }) as string[][];
    const cells = codebook();
    expect(names!.slice(-cells.length)).toEqual(cells.map((c) => c.path));
    expect(labels![names!.indexOf("applications.granted.naturalPerson")]).toBe("表三 三、本年度办理结果 · （一）予以公开 / 申请人情况 · 自然人");
    // Duplicates of one organ and year are one row: the fixtures print one report in several encodings.
    const byId = new Map(rows.map((r) => [r[0]!, r]));
    const exported = records.filter((r) => byId.has(r.source.sha256));
    expect(exported.length).toBe(rows.length);
    let checked = 0;
    for (const record of exported) {
      const row = byId.get(record.source.sha256)!;
      expect(row[names!.indexOf("organ")]).toBe(record.meta.organ ?? "");
      expect(row[names!.indexOf("year")]).toBe(csvCell(record.meta.year));
      expect(row[names!.indexOf("template")]).toBe(csvCell(record.meta.template));
      for (const c of cells) {
        expect(row[names!.indexOf(c.path)], `${record.source.name} ${c.path}`).toBe(csvCell(valueAt(record, c.path)));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(1000);
    // Every record is in the dataset, as its own row or as another source of an identical one.
    for (const record of records) {
      const listed = rows.some((r) => r[0] === record.source.sha256 || (r[names!.indexOf("other_sources")] ?? "").split(" | ").includes(record.source.name));
      expect(listed, record.source.name).toBe(true);
    }
  });

  it("long: one row per cell a record carries, with flagged and the issue codes naming it", () => {
    const out = join(tempDir("export-"), "cells.csv");
    const run = runCli(["export", "--from", dir, "--format", "csv-long", "--out", out, "--all-versions"]);
    expect(run.status, run.stderr).toBe(0);
    const rows = parse(readFileSync(out, "utf8").slice(1), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual(["id", "organ", "organ_key", "year", "template", "table", "row", "column", "path", "value", "flagged", "issue_codes"]);
    for (const record of records) {
      const mine = rows.filter((r) => r.id === record.source.sha256);
      const leaves = codebook().filter((c) => valueAt(record, c.path) !== undefined);
      expect(mine.map((r) => r.path)).toEqual(leaves.map((c) => c.path));
      for (const r of mine) expect(r.value, `${record.source.name} ${r.path}`).toBe(csvCell(valueAt(record, r.path!)));
    }
    expect(rows.every((r) => r.flagged === "true" || r.flagged === "false")).toBe(true);
  });

  it("long: a cell named by an identity issue is flagged with its code", async () => {
    const source = readFileSync(join(FIXTURES, "jixian-2020.txt"), "utf8").replace("（一）予以公开 16 2 0 0 0 0 18", "（一）予以公开 15 2 0 0 0 0 18");
    const work = tempDir("export-flag-");
    writeFileSync(join(work, "broken.txt"), source);
    expect(runCli(["extract", "--out", work, join(work, "broken.txt")]).status).toBe(0);
    const out = join(work, "cells.csv");
    expect(runCli(["export", "--from", join(work, "broken.json"), "--format", "csv-long", "--out", out]).status).toBe(0);
    const rows = parse(readFileSync(out, "utf8").slice(1), { columns: true }) as Record<string, string>[];
    const cell = rows.find((r) => r.path === "applications.granted.naturalPerson")!;
    expect(cell).toMatchObject({ value: "15", flagged: "true" });
    expect(cell.issue_codes!.split(" ").sort()).toEqual(["IDENTITY_OUTCOMES", "IDENTITY_ROW_TOTAL", "IDENTITY_SUSPECT_CELL"]);
    expect(rows.find((r) => r.path === "applications.carriedOver.naturalPerson")).toMatchObject({ flagged: "false", issue_codes: "" });
  });
});

describe("export to JSON Lines", () => {
  it("writes every chosen record as extracted, with or without provenance", () => {
    const work = tempDir("export-");
    expect(runCli(["export", "--from", dir, "--format", "jsonl", "--out", join(work, "a.jsonl"), "--all-versions"]).status).toBe(0);
    const lines = readFileSync(join(work, "a.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as ReportRecord);
    expect(lines.length).toBe(records.length);
    for (const line of lines) expect(line).toEqual(records.find((r) => r.source.sha256 === line.source.sha256));
    expect(runCli(["export", "--from", dir, "--format", "jsonl", "--out", join(work, "b.jsonl"), "--no-provenance", "--all-versions"]).status).toBe(0);
    const slim = readFileSync(join(work, "b.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as ReportRecord);
    for (const line of slim) {
      const { provenance: _dropped, ...rest } = records.find((r) => r.source.sha256 === line.source.sha256)!;
      expect(line).toEqual(rest);
    }
  });
});

/** A record of the seed with other organ, year, tables and extractor version (a new input hash too). */
function variant(base: ReportRecord, change: { organ?: string; year?: number; version?: string; sha?: string; textSource?: ReportRecord["source"]["textSource"]; edit?: (r: ReportRecord) => void }): ReportRecord {
  const r = structuredClone(base);
  if (change.organ) r.meta.organ = change.organ;
  if (change.year) r.meta.year = change.year;
  if (change.version) r.extractor = { name: "nianbao", version: change.version };
  if (change.sha) r.source.sha256 = change.sha;
  if (change.textSource) r.source.textSource = change.textSource;
  change.edit?.(r);
  return r;
}
const sha = (n: number) => n.toString(16).padStart(64, "0");
const apps = (r: ReportRecord) => r.applications as unknown as Record<string, Record<string, number | null>>;

describe("the dataset: sources, filters and checks", () => {
  let seed: ReportRecord;
  beforeAll(async () => {
    seed = await extractFile(join(FIXTURES, "jixian-2020.txt"));
  });

  async function exportStore(put: ReportRecord[], extra: Partial<Parameters<typeof runExport>[0]> = {}) {
    const store = new LocalStore(tempDir("export-store-"));
    for (const r of put) await store.putRecord({ sha256: r.source.sha256, version: r.extractor!.version }, r);
    const out = join(tempDir("export-"), "x.jsonl");
    const summary = await runExport({ from: [store.root], format: "jsonl", sink: { out }, log, ...extra });
    const rows = readFileSync(out, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as ReportRecord);
    return { summary, rows, out };
  }

  it("keeps one record per source, the newest extractor version (numerically: 0.10.0 after 0.9.2)", async () => {
    expect(compareVersions("0.10.0", "0.9.2")).toBeGreaterThan(0);
    const old = variant(seed, { version: "0.9.2", sha: sha(1), edit: (r) => (apps(r).granted!.naturalPerson = 999) });
    const current = variant(seed, { version: "0.10.0", sha: sha(1) });
    const { rows, summary } = await exportStore([old, current]);
    expect(rows.map((r) => r.extractor!.version)).toEqual(["0.10.0"]);
    expect(summary.left.olderVersions).toBe(1);
    const all = await exportStore([old, current], { latest: false });
    expect(all.rows.map((r) => r.extractor!.version).sort()).toEqual(["0.10.0", "0.9.2"]);
  });

  it("of one source read twice by one version (a page alone, and with its pictures), keeps the reading with its tables", async () => {
    // The page alone: its picture tables unread, so table 三 missing with an error.
    const alone = variant(seed, {
      version: "1.0.0",
      sha: sha(9),
      edit: (r) => {
        (r as unknown as Record<string, unknown>).applications = null;
        r.issues.push({ code: "TABLE_MISSING", severity: "error", path: "applications", message: "table 三 not found" } as ReportRecord["issues"][number]);
      },
    });
    const withPictures = variant(seed, { version: "1.0.0", sha: sha(9) });
    for (const order of [
      [alone, withPictures],
      [withPictures, alone],
    ]) {
      const store = new LocalStore(tempDir("export-store-"));
      // Stored under different keys (the page's hash, the manifest's), as the queue stores them.
      for (const [n, r] of order.entries()) await store.putRecord({ sha256: sha(100 + n), version: "1.0.0" }, r);
      const out = join(tempDir("export-"), "x.jsonl");
      const summary = await runExport({ from: [store.root], format: "jsonl", sink: { out }, log });
      const rows = readFileSync(out, "utf8").trim().split("\n").map((l) => JSON.parse(l) as ReportRecord);
      expect(rows.length).toBe(1);
      expect(rows[0]!.applications).not.toBeNull();
      expect(rows[0]!.issues.some((i) => i.code === "TABLE_MISSING")).toBe(false);
      expect(summary.left.olderVersions).toBe(1);
    }
  });

  it("filters by year, template, organ and clean", async () => {
    const a = variant(seed, { sha: sha(2), organ: "甲县人民政府", year: 2020 });
    const b = variant(seed, { sha: sha(3), organ: "乙县人民政府", year: 2021 });
    const c = variant(seed, { sha: sha(4), organ: "丙县人民政府", year: 2021, edit: (r) => r.issues.push({ code: "TABLE_MISSING", severity: "error", path: "reviewLitigation", message: "x" }) });
    const ids = async (f: Partial<Parameters<typeof runExport>[0]>) => (await exportStore([a, b, c], f)).rows.map((r) => r.meta.organ).sort();
    expect(await ids({ years: [2021] })).toEqual(["丙县人民政府", "乙县人民政府"]);
    expect(await ids({ organ: "乙县" })).toEqual(["乙县人民政府"]);
    expect(await ids({ clean: true })).toEqual(["乙县人民政府", "甲县人民政府"]);
    expect(await ids({ templates: ["2021"] })).toEqual([]);
    expect(await ids({ templates: ["2019"], years: [2020] })).toEqual(["甲县人民政府"]);
  });

  it("finds a carry-over that disagrees with the year before, for one organ under two spellings joined by an alias", async () => {
    const aliasFile = join(tempDir("aliases-"), "aliases.tsv");
    writeFileSync(aliasFile, "# renamed in 2021\n丁县政府\t丁县人民政府\n");
    const aliases = await readOrganAliases(aliasFile);
    expect(organKey("丁 县 政 府", aliases)).toBe("丁县人民政府");
    const y2020 = variant(seed, { sha: sha(5), organ: "丁县人民政府", year: 2020, edit: (r) => Object.assign(apps(r).carriedForward!, { naturalPerson: 3, total: 3 }) });
    const y2021 = variant(seed, { sha: sha(6), organ: "丁县政府", year: 2021, edit: (r) => Object.assign(apps(r).carriedOver!, { naturalPerson: 2, total: 2 }) });
    const y2022 = variant(seed, { sha: sha(7), organ: "丁县人民政府", year: 2022 }); // carries over 0, as 2021 carried forward 0
    const findingsFile = join(tempDir("findings-"), "f.jsonl");
    const { summary } = await exportStore([y2020, y2021, y2022], { aliases, findingsFile });
    expect(summary.findings.CARRY_OVER_MISMATCH).toBe(1);
    const findings = readFileSync(findingsFile, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { code: string; year: number; ids: string[]; paths: string[] });
    expect(findings).toEqual([
      expect.objectContaining({
        code: "CARRY_OVER_MISMATCH",
        year: 2021,
        ids: [sha(6), sha(5)],
        paths: ["applications.carriedOver.naturalPerson", "applications.carriedForward.naturalPerson", "applications.carriedOver.total", "applications.carriedForward.total"],
      }),
    ]);
  });

  it("merges duplicates that agree into one row, and keeps one of two that disagree by the stated rule, naming the cells", async () => {
    const html = variant(seed, { sha: sha(8), organ: "戊县人民政府", year: 2020, edit: (r) => (r.source.name = "report.html") });
    const pdf = variant(seed, { sha: sha(9), organ: "戊县人民政府", year: 2020, edit: (r) => (r.source.name = "report.pdf") });
    const agreeing = await exportStore([html, pdf]);
    expect(agreeing.rows).toHaveLength(1);
    expect(agreeing.summary.findings).toMatchObject({ DUPLICATE_AGREES: 1, DUPLICATE_DISAGREES: 0 });
    // The scan misread one cell and carries an error for it; the text layer is kept.
    const scan = variant(seed, {
      sha: sha(7),
      organ: "戊县人民政府",
      year: 2020,
      textSource: "ocr",
      edit: (r) => {
        r.source.name = "scan.pdf";
        apps(r).granted!.naturalPerson = 13;
        r.issues.push({ code: "IDENTITY_ROW_TOTAL", severity: "error", path: "applications.granted.total", message: "x" });
      },
    });
    const findingsFile = join(tempDir("findings-"), "f.jsonl");
    const disagreeing = await exportStore([scan, html], { findingsFile });
    expect(disagreeing.rows.map((r) => r.source.name)).toEqual(["report.html"]);
    const [finding] = readFileSync(findingsFile, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { code: string; ids: string[]; paths: string[] });
    expect(finding).toMatchObject({ code: "DUPLICATE_DISAGREES", ids: [sha(8), sha(7)], paths: ["applications.granted.naturalPerson"] });
    // A report page whose report is its attachment reads without tables and without
    // errors; the attachment with its tables is kept although it carries an error.
    const page = variant(seed, {
      sha: sha(1),
      organ: "戊县人民政府",
      year: 2020,
      edit: (r) => {
        r.source.name = "page.html";
        r.meta.template = null;
        r.activeDisclosure = null;
        r.applications = null;
        r.reviewLitigation = null;
        r.issues = [];
      },
    });
    const withPage = await exportStore([page, scan]);
    expect(withPage.rows.map((r) => r.source.name)).toEqual(["scan.pdf"]);
  });

  it("names files that are not records, goes on, and exits with EXPORT_PARTIAL", () => {
    const work = tempDir("export-bad-");
    writeFileSync(join(work, "good.json"), JSON.stringify(seed));
    writeFileSync(join(work, "foreign.json"), JSON.stringify({ type: "FeatureCollection", features: [] }));
    writeFileSync(join(work, "truncated.json"), JSON.stringify(seed).slice(0, 500));
    const out = join(work, "out", "x.csv");
    const run = runCli(["export", "--from", work, "--format", "csv", "--out", out]);
    expect(run.status).toBe(14);
    expect(run.stderr).toMatch(/foreign\.json: not a report record/);
    expect(run.stderr).toMatch(/truncated\.json: is not JSON/);
    expect(run.stderr).toMatch(/\[EXPORT_PARTIAL\]/);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(parse(readFileSync(out, "utf8").slice(1))).toHaveLength(2);
  });

  it("leaves no partial file when the export is stopped, and refuses bad usage with exit 2", async () => {
    const work = tempDir("export-stop-");
    const out = join(work, "x.csv");
    const store = new LocalStore(join(work, "store"));
    for (let i = 0; i < 30; i++) await store.putRecord({ sha256: sha(100 + i), version: "0.1.0" }, variant(seed, { sha: sha(100 + i), organ: `县${i}`, year: 2020 }));
    const controller = new AbortController();
    const stopping = runExport({ from: [store.root], format: "csv", sink: { out }, log, signal: controller.signal });
    controller.abort(new Error("stopped"));
    await expect(stopping).rejects.toThrow("stopped");
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(work)).toEqual(["store"]);
    mkdirSync(join(work, "empty"));
    expect(runCli(["export", "--from", join(work, "empty"), "--format", "xml", "--out", out]).status).toBe(2);
    expect(runCli(["export", "--from", join(work, "empty"), "--format", "csv"]).status).toBe(2);
    expect(runCli(["export", "--from", join(work, "nowhere"), "--format", "csv", "--out", out]).status).toBe(3);
  });
});
