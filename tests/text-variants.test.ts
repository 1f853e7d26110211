/**
 * The seed report rewritten the ways text dumps of real reports differ: line endings,
 * labels and numbers on separate lines, numbers between the two lines of a label,
 * dashes for blanks, full-width digits, cells glued together without separators.
 * Every variant must read to the same numbers as the seed (or say it cannot).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import type { ReportRecord } from "../src/model/record.js";
import { extractReport } from "../src/pipeline.js";
import { CORPUS, corpusJson, corpusText, describeCorpus } from "./helpers.js";

const seed = corpusText("jixian-2020.txt");
const truth = corpusJson<Record<string, unknown>>("jixian-2020.truth.json");

async function extract(text: string): Promise<ReportRecord> {
  return extractReport({ bytes: Buffer.from(text), name: "variant.txt" });
}

function tables(r: ReportRecord) {
  return { activeDisclosure: r.activeDisclosure, applications: r.applications, reviewLitigation: r.reviewLitigation, template: r.meta.template, year: r.meta.year };
}
const expected = { activeDisclosure: truth.activeDisclosure, applications: truth.applications, reviewLitigation: truth.reviewLitigation, template: "2019", year: 2020 };

/** Table 三 rows: "label v1 … v7" lines of the seed. */
const ROW = /^(.*?[^\d\s])\s+((?:\d+\s+){6}\d+)\s*$/gm;

describeCorpus("text variants of the seed", () => {
  it("CRLF line endings and no blank lines", async () => {
    expect(tables(await extract(seed.replace(/\n+/g, "\r\n")))).toEqual(expected);
  });

  it("numbers on their own line after the label", async () => {
    const variant = seed.replace(ROW, (_m, label: string, nums: string) => `${label}\n${nums}`);
    expect(variant).not.toBe(seed);
    expect(tables(await extract(variant))).toEqual(expected);
  });

  it("numbers between the two lines of a wrapped label (pdftotext order)", async () => {
    const variant = seed.replace("（二）部分公开（区分处理的，\n\n只计这一情形，不计其他情形）\n0 0 0 0 0 0 0", "（二）部分公开（区分处理的，\n0 0 0 0 0 0 0\n只计这一情形，不计其他情形）");
    expect(variant).not.toBe(seed);
    expect(tables(await extract(variant))).toEqual(expected);
  });

  it("full-width digits and ideographic spaces", async () => {
    const variant = seed.replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0)).replace(/ /g, "\u3000");
    expect(tables(await extract(variant))).toEqual(expected);
  });

  it("dashes for blank cells stay null and do not shift the cells after them", async () => {
    const variant = seed.replace("二、上年结转政府信息公开申请数量 0 0 0 0 0 0 0", "二、上年结转政府信息公开申请数量 0 — — — — — 0");
    const r = await extract(variant);
    expect(r.applications?.carriedOver).toEqual({
      naturalPerson: 0,
      commercialEnterprise: null,
      researchInstitution: null,
      socialWelfareOrganization: null,
      legalServiceInstitution: null,
      otherOrganization: null,
      total: 0,
    });
  });

  it("table 四 as one run whose first value is glued to a stray mark: the null cells it may belong to are named", async () => {
    // An OCR line "。1 1 0 0 2 …": the first token is taken for the row's label, 14 values remain.
    const r = await extract(seed.replace("0 0 0 0 0 0 0 0 0 0 0 0 0 0 0", "。1 1 0 0 2 4 0 0 1 5 1 0 1 0 2"));
    const nulls = Object.entries(r.reviewLitigation ?? {}).flatMap(([g, cols]) => Object.entries(cols as Record<string, number | null>).filter(([, v]) => v === null).map(([c]) => `reviewLitigation.${g}.${c}`));
    expect(nulls.length).toBeGreaterThan(0);
    for (const path of nulls) expect(r.issues).toContainEqual(expect.objectContaining({ code: "CELL_UNPARSED", path, actual: "1" }));
  });

  it("table 三 cells glued together are split by the row identity when the split is unique", async () => {
    const variant = seed.replace(ROW, (_m, label: string, nums: string) => `${label}${nums.replace(/\s+/g, "")}`);
    const r = await extract(variant);
    expect(r.applications).toEqual(truth.applications);
    expect(r.issues.some((i) => i.code === "CELLS_PLACED")).toBe(true);
  });

  it("a glued row with several possible splits is flagged, not guessed", async () => {
    // 一、本年新收: "111113" can be cut as 1,1,1,1,1,1 | … many ways with one total: no unique split.
    const variant = seed.replace("一、本年新收政府信息公开申请数量 16 2 0 0 0 0 18", "一、本年新收政府信息公开申请数量 11011025");
    const r = await extract(variant);
    const issue = r.issues.find((i) => i.path === "applications.newReceived");
    expect(issue?.code).toBe("CELLS_AMBIGUOUS");
    expect(r.applications?.newReceived.total).toBeNull();
  });

  it("a row printing two values that fit several columns is left null and flagged, with the printed values kept", async () => {
    // "18 18": 18 fits any of the six applicant columns beside 总计 18, and the column
    // identities do not single one out (本年新收 is 16 + 2 in the truth): never guessed.
    const variant = seed.replace("一、本年新收政府信息公开申请数量 16 2 0 0 0 0 18", "一、本年新收政府信息公开申请数量 18 18");
    const r = await extract(variant);
    expect(r.applications?.newReceived).toEqual({ naturalPerson: null, commercialEnterprise: null, researchInstitution: null, socialWelfareOrganization: null, legalServiceInstitution: null, otherOrganization: null, total: null });
    const issue = r.issues.find((i) => i.path === "applications.newReceived");
    expect(issue).toMatchObject({ code: "CELLS_AMBIGUOUS", severity: "error", actual: "18 18" });
    expect(r.issues.some((i) => i.code === "CELLS_PLACED" && i.path === "applications.newReceived")).toBe(false);
  });

  it("a table 二 value that prints its unit or its sign goes to the one column that takes it", async () => {
    // 采购项目数量 left blank: "2997 万元" alone can only be 采购总金额.
    const amountOnly = await extract(seed.replace("政府集中采购 25 2997 万元", "政府集中采购 2997 万元"));
    expect(amountOnly.activeDisclosure).toMatchObject({ procurement: { projects: null, amount: { value: 2997, unit: "万元" } } });
    expect(amountOnly.issues).toContainEqual(expect.objectContaining({ code: "CELLS_PLACED", path: "activeDisclosure.procurement" }));
    // 上一年项目数量 left blank: "减 4" can only be 本年增/减.
    const changeOnly = await extract(seed.replace("行政事业性收费 12 减 4", "行政事业性收费 减 4"));
    expect(changeOnly.activeDisclosure).toMatchObject({ fees: { previousYear: null, change: -4 } });
    // A plain number alone fits either column: not placed.
    const plain = await extract(seed.replace("行政事业性收费 12 减 4", "行政事业性收费 12"));
    expect(plain.activeDisclosure).toMatchObject({ fees: { previousYear: null, change: null } });
    expect(plain.issues).toContainEqual(expect.objectContaining({ code: "CELLS_AMBIGUOUS", path: "activeDisclosure.fees" }));
  });

  it("a row printing only its non-zero cells is placed when the row and column identities leave one placement", async () => {
    // "16 2 18": 15 placements fit the row total; only 自然人 16, 商业企业 2 makes each column add up to （七）总计.
    const variant = seed.replace("（一）予以公开 16 2 0 0 0 0 18", "（一）予以公开 16 2 18");
    const r = await extract(variant);
    expect(r.applications?.granted).toEqual({ naturalPerson: 16, commercialEnterprise: 2, researchInstitution: null, socialWelfareOrganization: null, legalServiceInstitution: null, otherOrganization: null, total: 18 });
    expect(r.issues).toContainEqual(expect.objectContaining({ code: "CELLS_PLACED", path: "applications.granted", actual: "16 2 18" }));
    expect(r.issues.filter((i) => i.severity === "error")).toEqual([]);
  });
});

describeCorpus("crawler text dumps with every table row glued together (page.txt)", () => {
  it.each(["pingtan-2021", "pingtan-2023", "pingtan-2025"])("%s: tables 三 and 四 split by their identities, table 二's ambiguous row flagged", async (id) => {
    const { htmlToLayout } = await import("../src/sources/html.js");
    const { lines, title } = htmlToLayout(readFileSync(join(CORPUS, `${id}.html`), "utf8"));
    // As the crawl's page.txt has it: a line per block or table row, cells run together.
    const dump = [`标题: ${title}`, "==================== 正文 ====================", ...lines.map((l) => l.cells.map((c) => c.text.replace(/\s+/g, "")).join(""))].join("\n");
    const record = await extract(dump);
    const truth = JSON.parse(readFileSync(join(CORPUS, `${id}.truth.json`), "utf8")) as Record<string, unknown>;
    expect(record.applications).toEqual(truth.applications);
    expect(record.reviewLitigation).toEqual(truth.reviewLitigation);
    // 规范性文件 "69 3 665" glued is "693665": several cuts, no identity to choose — null and flagged, never guessed.
    expect(record.activeDisclosure).toMatchObject({ normativeDocuments: { issued: null, repealed: null, inForce: null } });
    expect(record.issues).toContainEqual(expect.objectContaining({ code: "CELLS_AMBIGUOUS", path: "activeDisclosure.normativeDocuments" }));
    const active = truth.activeDisclosure as Record<string, unknown>;
    expect(record.activeDisclosure).toMatchObject({ licensing: active.licensing, penalty: active.penalty, coercion: active.coercion, fees: active.fees });
  });
});
