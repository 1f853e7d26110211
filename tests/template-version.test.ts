/**
 * The template version is decided by what the tables print — table 二's own headers and
 * rows, else the form of table 三's （六） group — and never by the report's year. Where
 * the print does not tell, the record says so and guesses nothing.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ReportRecord } from "../src/model/record.js";
import { extractReport } from "../src/pipeline.js";
import { rowKeys, TEMPLATES } from "../src/definition/index.js";
import { issuesNaming } from "../src/validate/flags.js";
import { validateRecord } from "../src/validate/index.js";
import { FIXTURES } from "./helpers.js";

const seed = readFileSync(join(FIXTURES, "jixian-2020.txt"), "utf8");

/** The seed with its table 二 (from 第二十条第（一）项 to the 政府集中采购 row) replaced. */
function withTable2(lines: string[]): string {
  const start = seed.indexOf("第二十条第（一）项");
  const end = seed.indexOf("\n", seed.indexOf("政府集中采购 25"));
  expect(start).toBeGreaterThan(0);
  expect(end).toBeGreaterThan(start);
  return seed.slice(0, start) + lines.join("\n\n") + seed.slice(end);
}

async function extract(text: string): Promise<ReportRecord> {
  return extractReport({ bytes: Buffer.from(text), name: "variant.txt" });
}

/** The row keys of a table whose every cell is null (an amount's value and unit too); undefined if one is not. */
function nullKeys(table: object | null): string[] | undefined {
  const leaves = (v: unknown): unknown[] => (v !== null && typeof v === "object" ? Object.values(v).flatMap(leaves) : [v]);
  return table && leaves(table).every((v) => v === null) ? Object.keys(table) : undefined;
}
const codes = (r: ReportRecord) => r.issues.filter((i) => i.code === "TEMPLATE_UNDECIDED").map((i) => `${i.severity} ${i.path}`);

/** Table 二 with no column headers and no row only one version has; 行政许可 prints one value. */
const UNTELLING = ["第二十条第（一）项", "信息内容", "规章 0 0 0", "规范性文件 3 3 17", "第二十条第（五）项", "行政许可 10164", "第二十条第（六）项", "行政处罚 1111", "行政强制 121"];

describe("template version", () => {
  it("comes from table 二's own print, not from the year", async () => {
    const r = await extract(seed.replaceAll("2020", "2023"));
    expect(r.meta).toMatchObject({ year: 2023, template: "2019" });
    expect(codes(r)).toEqual([]);
  });

  it("a table 二 row printing more values than one version has columns for tells the version", async () => {
    const lines = [...UNTELLING];
    lines[5] = "行政许可 129 增 113 10164";
    const r = await extract(withTable2(lines));
    expect(r.meta.template).toBe("2019");
    expect(r.activeDisclosure).toMatchObject({ licensing: { previousYear: 129, change: 113, decisions: 10164 }, normativeDocuments: { newlyMade: 3, newlyPublished: 3, totalPublished: 17 } });
    expect(codes(r)).toEqual([]);
  });

  it("a table 二 that does not tell is not placed; meta.template follows table 三's （六） row, with a warning", async () => {
    const r = await extract(withTable2(UNTELLING));
    // Not placed: every cell null, with the keys of the version meta.template names, and the table's issue names them all.
    expect(nullKeys(r.activeDisclosure)).toEqual(rowKeys(TEMPLATES["2019"].tables.activeDisclosure));
    expect(issuesNaming("activeDisclosure.licensing.decisions", r.issues).map((i) => i.code)).toEqual(["TEMPLATE_UNDECIDED"]);
    expect(r.meta.template).toBe("2019");
    expect(codes(r)).toEqual(["error activeDisclosure", "warning meta.template"]);
    const issue = r.issues.find((i) => i.path === "activeDisclosure")!;
    expect(String(issue.actual)).toContain("行政许可 10164");
    expect(r.applications?.granted).toMatchObject({ naturalPerson: 16, commercialEnterprise: 2, total: 18 });
    expect(validateRecord(r)).toEqual([]);
  });

  it("when no table tells, meta.template is null and tables 三 and 四 are still read", async () => {
    const text = withTable2(UNTELLING).replace("（六）其他处理 0 0 0 0 0 0 0", "");
    const r = await extract(text);
    expect(r.meta.template).toBeNull();
    // Table 二's keys depend on the version: with none decided it stays null, and its issue says so.
    expect(r.activeDisclosure).toBeNull();
    expect(codes(r).sort()).toEqual(["error activeDisclosure", "error meta.template", "warning applications", "warning applications.otherHandling"]);
    expect(r.applications?.granted).toMatchObject({ naturalPerson: 16, total: 18 });
    // Table 三 takes the 2021 form's （六） rows, empty and missing; 2019's one row, which the
    // source may well print, is absent and named, so that its cells are never silently lost.
    expect(r.applications).not.toHaveProperty("otherHandling");
    expect(issuesNaming("applications.otherHandling.total", r.issues).map((i) => i.code)).toEqual(["TEMPLATE_UNDECIDED"]);
    expect(issuesNaming("applications.otherOther.total", r.issues).map((i) => i.code)).toContain("ROW_MISSING");
    expect(r.reviewLitigation).not.toBeNull();
    // The record is valid as it stands: no schema violation, no identity broken by a guess.
    expect(validateRecord(r)).toEqual([]);
  });
});
