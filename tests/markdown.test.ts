/**
 * PDF→Markdown conversions: tables as pipe rows, table 三 split into one table per
 * group, labels detached from their values. Built from the seed's truth.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { columnKeys, flatLabels, rowKeys, TEMPLATES } from "../src/definition/index.js";
import { extractReport } from "../src/pipeline.js";
import { CORPUS, corpusJson, describeCorpus } from "./helpers.js";

type Rows = Record<string, Record<string, number>>;
const truth = corpusJson<{ applications: Rows; reviewLitigation: Rows; activeDisclosure: Record<string, unknown> }>("jixian-2020.truth.json");
const table3 = TEMPLATES["2019"].tables.applications;
const table4 = TEMPLATES["2019"].tables.reviewLitigation;
const labels = Object.fromEntries(flatLabels(table3).map((label, i) => [table3.rows[i]!.key, label]));
const APPLICANT_COLUMN_KEYS = columnKeys(table3);
const REVIEW_GROUP_KEYS = rowKeys(table4);
const REVIEW_COLUMN_KEYS = columnKeys(table4);
const pipe = (cells: (string | number)[]) => `| ${cells.join(" | ")} |`;
const rule = (n: number) => `|${" --- |".repeat(n)}`;

const head = `# 集贤县人民政府2020年政府信息公开工作年度报告

本年度报告数据的统计期限为 2020 年 1 月 1 日至 2020 年 12 月 31 日。

## 一、总体情况

全年通过政府网站主动公开信息 8000 余条。

## 二、主动公开政府信息情况

${pipe(["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"])}
${rule(4)}
${pipe(["规章", 0, 0, 0])}
${pipe(["规范性文件", 3, 3, 17])}

${pipe(["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"])}
${rule(4)}
${pipe(["行政许可", 129, "增 113", 10164])}
${pipe(["其他对外管理服务事项", 142, "增 266", 11558])}
${pipe(["行政处罚", 1062, "增 924", 1111])}
${pipe(["行政强制", 119, "增 42", 121])}

${pipe(["信息内容", "上一年项目数量", "本年增/减"])}
${rule(3)}
${pipe(["行政事业性收费", 12, "减 4"])}

${pipe(["信息内容", "采购项目数量", "采购总金额"])}
${rule(3)}
${pipe(["政府集中采购", 25, "2997 万元"])}

## 三、收到和处理政府信息公开申请情况
`;

const tail = `
## 四、政府信息公开行政复议、行政诉讼情况

${pipe(["行政复议", "", "", "", "", "行政诉讼"])}
${rule(15)}
${pipe(REVIEW_GROUP_KEYS.flatMap((g) => REVIEW_COLUMN_KEYS.map((c) => truth.reviewLitigation[g]![c]!)))}

## 五、存在的主要问题及改进情况

一是重视不够。

## 六、其他需要报告的事项

无。
`;

const values = (key: string) => APPLICANT_COLUMN_KEYS.map((c) => truth.applications[key]![c]!);

describeCorpus("Markdown conversions", () => {
  it("reads pipe tables, one table per group of table 三", async () => {
    const groups = [Object.keys(labels).slice(0, 4), Object.keys(labels).slice(4, 12), Object.keys(labels).slice(12)];
    const t3 = groups.map((keys) => [pipe(["项目", ...APPLICANT_COLUMN_KEYS]), rule(8), ...keys.map((k) => pipe([labels[k]!, ...values(k)]))].join("\n")).join("\n\n");
    const record = await extractReport({ bytes: Buffer.from(head + pipe(["申请人情况"]) + "\n\n" + t3 + tail), name: "report.md" });
    expect(record.activeDisclosure).toEqual(truth.activeDisclosure);
    expect(record.applications).toEqual(truth.applications);
    expect(record.reviewLitigation).toEqual(truth.reviewLitigation);
    expect(record.meta).toMatchObject({ year: 2020, template: "2019" });
  });

  it("pairs labels detached from their value rows in order", async () => {
    const keys = Object.keys(labels);
    const t3 = [pipe(["申请人情况", "", "", "", "", "", "", ""]), rule(8), ...keys.map((k) => pipe([labels[k]!, "", "", "", "", "", "", ""])), ...keys.map((k) => pipe(["", ...values(k)]))].join("\n");
    const record = await extractReport({ bytes: Buffer.from(head + t3 + tail), name: "detached.md" });
    expect(record.applications).toEqual(truth.applications);
  });
});

describeCorpus("titles and years", () => {
  it.each([
    ["二〇二〇年集贤县政府信息公开工作年度报告", "集贤县", 2020],
    ["集贤县人民政府政府信息公开工作年度报告（2020年度）", "集贤县人民政府", 2020],
    ["2021年度国家税务总局集贤县税务局政府信息公开工作年度报告", "国家税务总局集贤县税务局", 2021],
  ])("%s", async (title, organ, year) => {
    const text = readFileSync(join(CORPUS, "jixian-2020.txt"), "utf8").replace("集贤县人民政府\n2020 年政府信息公开工作年度报告", title).replace(/2020 年 1 月 1 日至 2020 年 12 月 31\s*\n\s*\n日/, "");
    const record = await extractReport({ bytes: Buffer.from(text), name: "t.txt" });
    expect(record.meta).toMatchObject({ organ, year });
  });
});
