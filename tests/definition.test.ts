/**
 * The template definition is the one source of template knowledge: the schema, the
 * parsers' labels, the validator's identities, the OCR repair's constraints, the
 * codebook and the README's table of identities all come from it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { glob } from "tinyglobby";
import { describe, expect, it } from "vitest";
import { codebook, codebookCsv, codebookJson, identitiesMarkdown } from "../src/definition/codebook.js";
import { columnsOf, flatLabels, rowName, TABLE_KEYS, TEMPLATE_VERSIONS, TEMPLATES, unionRows, type IdentityDef, type Templates } from "../src/definition/index.js";
import type { Provenance } from "../src/model/provenance.js";
import type { ReportRecord } from "../src/model/record.js";
import { extractReport } from "../src/pipeline.js";
import { issuesNaming } from "../src/validate/flags.js";
import { validateRecord } from "../src/validate/index.js";
import { repairOcrReadings } from "../src/validate/repair.js";
import { FIXTURES, ROOT, runCli } from "./helpers.js";

/** The definitions with one more identity in one table of both versions. */
function withIdentity(table: "applications" | "reviewLitigation", identity: IdentityDef): Templates {
  const copy = { ...TEMPLATES } as Record<string, (typeof TEMPLATES)["2019"]>;
  for (const v of TEMPLATE_VERSIONS) {
    const def = TEMPLATES[v];
    copy[v] = { ...def, tables: { ...def.tables, [table]: { ...def.tables[table], identities: [...def.tables[table].identities, identity] } } };
  }
  return copy as unknown as Templates;
}

/** A report's record, read from the project's seed text. */
async function seedRecord(): Promise<ReportRecord> {
  return extractReport({ bytes: readFileSync(join(FIXTURES, "jixian-2020.txt")), name: "jixian-2020.txt" });
}

describe("the template definition as the single source", () => {
  it("an identity added to the definition is checked by the validator", async () => {
    const record = await seedRecord();
    expect(validateRecord(record)).toEqual([]);
    // 本年新收 = （一）予以公开 holds in this report column by column; make it fail while every
    // identity of the template still holds (17 new, 1 carried forward).
    const apps = record.applications as unknown as Record<string, Record<string, number | null>>;
    Object.assign(apps.newReceived!, { naturalPerson: 17, total: 19 });
    Object.assign(apps.carriedForward!, { naturalPerson: 1, total: 1 });
    expect(validateRecord(record)).toEqual([]);
    const extended = withIdentity("applications", { name: "test.newEqualsGranted", code: "IDENTITY_OUTCOMES", each: "column", parts: ["granted"], totals: ["newReceived"], text: "一、本年新收 = （一）予以公开 (a test's)" });
    const issues = validateRecord(record, extended);
    expect(issues.map((i) => `${i.code} ${i.path} ${i.expected}/${i.actual}`).sort()).toEqual([
      "IDENTITY_OUTCOMES applications.newReceived.naturalPerson 16/17",
      "IDENTITY_OUTCOMES applications.newReceived.total 18/19",
    ]);
  });

  it("an identity added to the definition constrains the OCR repair", () => {
    const group = (v: number[]) => ({ upheld: v[0]!, corrected: v[1]!, other: v[2]!, pending: v[3]!, total: v[4]! });
    const tables = () => ({ applications: null, reviewLitigation: { review: group([3, 2, 1, 0, 6]), litigationDirect: group([3, 7, 1, 0, 6]), litigationAfterReview: group([0, 0, 0, 0, 0]) } });
    const provenance: Provenance = {};
    for (const [g, values] of Object.entries(tables().reviewLitigation)) {
      for (const [c, v] of Object.entries(values)) provenance[`reviewLitigation.${g}.${c}`] = { origin: { kind: "text", line: 1 }, raw: String(v), confidence: v === 7 ? 55 : 90 };
    }
    // 纠正 "7" for 2: the group total says the group is off by 5, but one identity cannot
    // tell which of its cells was misread — no repair.
    const plain = tables();
    expect(repairOcrReadings(plain, provenance).repairs).toEqual([]);
    // With an identity tying the two groups column by column, a second equation crosses the cell.
    const extended = withIdentity("reviewLitigation", { name: "test.sameAsReview", code: "IDENTITY_REVIEW_TOTAL", each: "column", parts: ["review"], totals: ["litigationDirect"], text: "行政复议 = 未经复议直接起诉 (a test's)" });
    const repaired = tables();
    expect(repairOcrReadings(repaired, provenance, extended).repairs).toEqual([{ path: "reviewLitigation.litigationDirect.corrected", read: "7", confidence: 55, value: 2 }]);
    expect(repaired.reviewLitigation.litigationDirect.corrected).toBe(2);
  });

  it("no module outside the definition holds a template label", async () => {
    const words = new Set<string>();
    for (const v of TEMPLATE_VERSIONS) {
      for (const key of TABLE_KEYS) {
        const table = TEMPLATES[v].tables[key];
        words.add(table.title);
        for (const row of table.rows) {
          words.add(row.label);
          for (const g of row.groups ?? []) words.add(g);
          if (rowName(row).length >= 3) words.add(rowName(row));
          for (const c of columnsOf(table, row)) if (c.label.length >= 3) words.add(c.label);
        }
      }
      for (const chapter of TEMPLATES[v].chapters) if (chapter.title) words.add(chapter.title);
    }
    expect(words.size).toBeGreaterThan(80);
    const files = (await glob("src/**/*.ts", { cwd: ROOT })).filter((f) => !f.startsWith("src/definition/"));
    expect(files.length).toBeGreaterThan(50);
    const found: string[] = [];
    for (const file of files) {
      // Comments may name what they are about; code may not spell it.
      const code = readFileSync(join(ROOT, file), "utf8")
        .replace(/\/\*[\s\S]*?\*\//g, "")
        .replace(/(^|[^:\\])\/\/.*$/gm, "$1");
      for (const w of words) if (code.includes(w)) found.push(`${file}: ${w}`);
    }
    expect(found).toEqual([]);
  });

  it("prints table 三's labels as flowing text does", () => {
    const labels = flatLabels(TEMPLATES["2019"].tables.applications);
    expect(labels[2]).toBe("三、本年度办理结果 （一）予以公开");
    expect(labels[4]).toBe("（三）不予公开 1.属于国家秘密");
    expect(labels[5]).toBe("2.其他法律行政法规禁止公开");
    expect(labels.at(-3)).toBe("（六）其他处理");
    expect(labels.at(-2)).toBe("（七）总计");
  });

  it("orders the rows of both versions as printed", () => {
    const keys = unionRows("applications").map((r) => r.key);
    expect(keys.slice(19, 24)).toEqual(["notProcessedConfirmation", "otherHandling", "otherOverdueCorrection", "otherOverdueFee", "otherOther"]);
    expect(keys.at(-1)).toBe("carriedForward");
  });
});

describe("codebook", () => {
  it("lists every cell the truth files score, once, with its labels, versions, type and unit", async () => {
    const entries = codebook();
    const paths = entries.map((e) => e.path);
    expect(new Set(paths).size).toBe(paths.length);
    const leaves = (v: unknown, at: string, out: string[]) => {
      if (v !== null && typeof v === "object") for (const [k, x] of Object.entries(v)) leaves(x, `${at}.${k}`, out);
      else out.push(at);
      return out;
    };
    for (const file of await glob("generated/*.truth.json", { cwd: FIXTURES, absolute: true })) {
      const truth = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
      for (const key of TABLE_KEYS) for (const p of truth[key] ? leaves(truth[key], key, []) : []) expect(paths, `${file}: ${p}`).toContain(p);
    }
    expect(entries.find((e) => e.path === "applications.granted.naturalPerson")).toMatchObject({ rowLabel: "三、本年度办理结果 · （一）予以公开", columnLabel: "申请人情况 · 自然人", templates: ["2019", "2021"], type: "integer", unit: null });
    expect(entries.find((e) => e.path === "applications.otherHandling.total")).toMatchObject({ templates: ["2019"] });
    expect(entries.find((e) => e.path === "activeDisclosure.fees.amountWanYuan")).toMatchObject({ type: "decimal", unit: "万元", templates: ["2021"] });
    expect(entries.find((e) => e.path === "activeDisclosure.licensing.change")).toMatchObject({ signed: true });
    expect(entries.find((e) => e.path === "activeDisclosure.licensing.decisions")).toMatchObject({ templates: ["2019", "2021"], columnLabel: "本年处理决定数量", note: "also printed as 2019: 处理决定数量" });
    expect(entries.filter((e) => e.table === "applications").length).toBe(26 * 7);
    expect(entries.filter((e) => e.table === "reviewLitigation").length).toBe(15);
  });

  it("prints as Markdown, JSON and CSV from the CLI", () => {
    const md = runCli(["codebook"]);
    expect(md.status).toBe(0);
    expect(md.stdout).toContain("`applications.granted.naturalPerson`");
    expect(md.stdout).toContain(identitiesMarkdown());
    const json = runCli(["codebook", "--format", "json"]);
    expect(JSON.parse(json.stdout)).toEqual(JSON.parse(codebookJson()));
    const csv = runCli(["codebook", "--format", "csv"]);
    expect(csv.stdout).toBe(codebookCsv());
    expect(csv.stdout.startsWith("\uFEFFpath,table,row,column,row_label,column_label")).toBe(true);
    expect(csv.stdout.split("\r\n").length).toBe(codebook().length + 2);
    expect(runCli(["codebook", "--format", "xml"]).status).toBe(2);
  });

  it("gives the README its table of identities", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const m = /<!-- identities:begin -->\n([\s\S]*?)\n<!-- identities:end -->/.exec(readme);
    expect(m?.[1]).toBe(identitiesMarkdown());
  });
});

describe("issues naming a cell", () => {
  const issue = (code: string, path: string | null, severity: "error" | "warning" | "info" = "error") => ({ code, severity, path, message: "" }) as never;
  it("are the cell's own, its row's, the identities of its row or column, and its table's when the table was not read", () => {
    const cell = "applications.granted.naturalPerson";
    expect(issuesNaming(cell, [issue("CELL_UNPARSED", cell, "warning")])).toHaveLength(1);
    expect(issuesNaming(cell, [issue("CELLS_AMBIGUOUS", "applications.granted")])).toHaveLength(1);
    expect(issuesNaming(cell, [issue("IDENTITY_ROW_TOTAL", "applications.granted.total")])).toHaveLength(1);
    expect(issuesNaming(cell, [issue("IDENTITY_OUTCOMES", "applications.totalProcessed.naturalPerson")])).toHaveLength(1);
    expect(issuesNaming(cell, [issue("IDENTITY_OUTCOMES", "applications.totalProcessed.total")])).toHaveLength(0);
    // The outcome rows differ by version: 2021's last row, 3.其他, is a term of its column's identity too.
    expect(issuesNaming("applications.otherOther.naturalPerson", [issue("IDENTITY_OUTCOMES", "applications.totalProcessed.naturalPerson")])).toHaveLength(1);
    expect(issuesNaming(cell, [issue("IDENTITY_ROW_TOTAL", "applications.partiallyGranted.total")])).toHaveLength(0);
    // A table-level issue names no cell, unless it says the table was not read or was placed as one block.
    expect(issuesNaming(cell, [issue("UNKNOWN_LABEL", "applications", "warning")])).toHaveLength(0);
    expect(issuesNaming(cell, [issue("TEMPLATE_UNDECIDED", "applications", "warning")])).toHaveLength(0);
    expect(issuesNaming(cell, [issue("TABLE_MISSING", "applications")])).toHaveLength(1);
    expect(issuesNaming("reviewLitigation.review.upheld", [issue("CELLS_PLACED", "reviewLitigation", "warning")])).toHaveLength(1);
    expect(issuesNaming(cell, [issue("CELL_NOTE", cell, "info")])).toHaveLength(0);
    expect(issuesNaming("reviewLitigation.review.upheld", [issue("IDENTITY_REVIEW_TOTAL", "reviewLitigation.review.total")])).toHaveLength(1);
  });
});
