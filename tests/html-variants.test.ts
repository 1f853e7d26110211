/**
 * HTML pages that depart from the template the ways real CMS pages do: table 四 as
 * three tables, a blank 法人 block, a 2021 table 二 above a 2019-style table 三,
 * shortened and old labels, GBK encoding. Built here from small row lists.
 */
import { describe, expect, it } from "vitest";
import { extractReport } from "../src/pipeline.js";
import { flatLabels, rowKeys, TEMPLATES } from "../src/definition/index.js";
import { issuesNaming } from "../src/validate/flags.js";

const td = (text: string, attrs = "") => `<td${attrs}><p><span>${text}</span></p></td>`;
const table = (rows: string[][]) => `<table border="1"><tbody>${rows.map((r) => `<tr>${r.join("")}</tr>`).join("")}</tbody></table>`;

function page(body: string, charset = "utf-8"): string {
  return `<!DOCTYPE html><html><head><meta charset="${charset}"><title>示例区2020年政府信息公开工作年度报告_年报_示例区政府</title>
<script>var nav = "一、总体情况 1 2 3";</script></head><body>
<div class="nav"><a href="/">首页</a><a href="/zwgk">政务公开</a></div>
<div class="article"><h1>示例区人民政府2020年政府信息公开工作年度报告</h1>
<p>本报告统计期限自2020年1月1日至2020年12月31日。</p>
<p>一、总体情况</p><p>2020年，示例区政府信息公开工作稳步推进。</p>${body}
<p>五、存在的主要问题及改进情况</p><p>问题与改进。</p><p>六、其他需要报告的事项</p><p>无。</p></div>
<div class="footer">主办单位：示例区人民政府办公室</div></body></html>`;
}

const active2021 = table([
  [td("第二十条第（一）项", ' colspan="4"')],
  [td("信息内容"), td("本年制发件数"), td("本年废止件数"), td("现行有效件数")],
  [td("规章"), td("0"), td("0"), td("0")],
  [td("规范性文件"), td("5"), td("1"), td("40")],
  [td("第二十条第（五）项", ' colspan="4"')],
  [td("信息内容"), td("本年处理决定数量", ' colspan="3"')],
  [td("行政许可"), td("1,200", ' colspan="3"')],
  [td("第二十条第（六）项", ' colspan="4"')],
  [td("信息内容"), td("本年处理决定数量", ' colspan="3"')],
  [td("行政处罚"), td("300", ' colspan="3"')],
  [td("行政强制"), td("&nbsp;", ' colspan="3"')],
  [td("第二十条第（八）项", ' colspan="4"')],
  [td("信息内容"), td("本年收费金额（单位：万元）", ' colspan="3"')],
  [td("行政事业性收费"), td("12.5", ' colspan="3"')],
]);

/** Table 三 with the 2019 （六） row; natural persons only, the 法人 block left blank. */
function applications19(values: Record<string, [number, number]>): string {
  const header = [
    [td("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", ' colspan="3" rowspan="3"'), td("申请人情况", ' colspan="7"')],
    [td("自然人", ' rowspan="2"'), td("法人或其他组织", ' colspan="5"'), td("总计", ' rowspan="2"')],
    [td("商业企业"), td("科研机构"), td("社会公益组织"), td("法律服务机构"), td("其他")],
  ];
  const def = TEMPLATES["2019"].tables.applications;
  const labels = flatLabels(def);
  const rows = def.rows.map(({ key }, i) => {
    const label = labels[i]!.replace("（六）其他处理", "（六）其他");
    const [natural, total] = values[key] ?? [0, 0];
    return [td(label, ' colspan="3"'), td(String(natural)), td(""), td("&nbsp;"), td("<o:p> </o:p>"), td(""), td(""), td(String(total))];
  });
  return table([...header, ...rows]);
}

const review3 = ["行政复议", "行政诉讼（未经复议直接起诉）", "行政诉讼（复议后起诉）"]
  .map((name, g) => table([[td(name, ' colspan="5"')], [td("结果维持"), td("结果纠正"), td("其他结果"), td("尚未审结"), td("总计")], [g, 0, 1, 0, g + 1].map((v) => td(String(v)))]))
  .join("<p>&nbsp;</p>");

const body = `<p>二、主动公开政府信息情况</p>${active2021}<p>三、收到和处理政府信息公开申请情况</p>${applications19({
  newReceived: [10, 10],
  granted: [6, 6],
  unableNotHeld: [3, 3],
  totalProcessed: [9, 9],
  carriedForward: [1, 1],
})}<p>四、政府信息公开行政复议、行政诉讼情况</p>${review3}`;

describe("HTML variants", () => {
  it("reads a mixed-template page with blank cells and table 四 as three tables", async () => {
    const record = await extractReport({ bytes: Buffer.from(page(body)), name: "mixed.html" });
    expect(record.meta).toMatchObject({ title: "示例区人民政府2020年政府信息公开工作年度报告", organ: "示例区人民政府", year: 2020, template: "2021" });
    expect(record.activeDisclosure).toEqual({
      regulations: { issued: 0, repealed: 0, inForce: 0 },
      normativeDocuments: { issued: 5, repealed: 1, inForce: 40 },
      licensing: { decisions: 1200 },
      penalty: { decisions: 300 },
      coercion: { decisions: null },
      fees: { amountWanYuan: 12.5 },
    });
    const apps = record.applications as Record<string, Record<string, number | null>>;
    expect(Object.keys(apps)).toContain("otherHandling");
    expect(apps.granted).toEqual({
      naturalPerson: 6,
      commercialEnterprise: null,
      researchInstitution: null,
      socialWelfareOrganization: null,
      legalServiceInstitution: null,
      otherOrganization: null,
      total: 6,
    });
    expect(apps.carriedForward?.total).toBe(1);
    expect(record.reviewLitigation).toEqual({
      review: { upheld: 0, corrected: 0, other: 1, pending: 0, total: 1 },
      litigationDirect: { upheld: 1, corrected: 0, other: 1, pending: 0, total: 2 },
      litigationAfterReview: { upheld: 2, corrected: 0, other: 1, pending: 0, total: 3 },
    });
    expect(record.issues.map((i) => i.code)).toContain("MIXED_TEMPLATE");
    expect(record.issues.filter((i) => i.severity === "error")).toEqual([]);
    expect(record.sections.other).toBe("无。");
  });

  it("keeps the site's navigation and footer out of the sections", async () => {
    const record = await extractReport({ bytes: Buffer.from(page(body)), name: "mixed.html" });
    expect(JSON.stringify(record.sections)).not.toMatch(/主办单位|首页/);
  });

  it("reads tables 三 and 四 run together in one <table>", async () => {
    const t3 = applications19({ newReceived: [4, 4], granted: [4, 4], totalProcessed: [4, 4] });
    const t4Rows = `<tr>${td("行政复议", ' colspan="5"')}${td("行政诉讼", ' colspan="5"')}</tr><tr>${["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"].map((h) => td(h)).join("").repeat(3)}</tr><tr>${[1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 2, 0, 0, 2].map((v) => td(String(v))).join("")}</tr>`;
    const combined = t3.replace("</tbody></table>", `${t4Rows}</tbody></table>`);
    const record = await extractReport({ bytes: Buffer.from(page(`<p>二、主动公开政府信息情况</p>${active2021}<p>三、收到和处理政府信息公开申请情况</p>${combined}`)), name: "combined.html" });
    expect(record.applications?.granted.total).toBe(4);
    expect(record.reviewLitigation?.review).toEqual({ upheld: 1, corrected: 0, other: 0, pending: 0, total: 1 });
    expect(record.reviewLitigation?.litigationAfterReview.total).toBe(2);
  });

  it("a number printed in a row's label cell, leaving a column blank, is named on the row, never silently null", async () => {
    const stray = active2021.replace(`${td("规范性文件")}${td("5")}`, `${td("规范性文件 5")}${td("")}`);
    const record = await extractReport({ bytes: Buffer.from(page(`<p>二、主动公开政府信息情况</p>${stray}`)), name: "stray.html" });
    expect(record.activeDisclosure).toMatchObject({ normativeDocuments: { repealed: 1, inForce: 40 } });
    expect(issuesNaming("activeDisclosure.normativeDocuments.issued", record.issues).map((i) => [i.code, i.actual])).toEqual([["CELL_UNPARSED", "5"]]);
    // A label whose only digits enumerate it ("1.属于国家秘密") carries no stray number.
    expect(record.issues.filter((i) => i.code === "CELL_UNPARSED")).toHaveLength(1);
  });

  it("leaves out text struck through — a tracked deletion, <s>, a line-through style — and says so", async () => {
    const struck = active2021
      .replace(td("40"), `<td><p><del cite="mailto:审核" datetime="2025-01-01T00:00:00">888</del><ins>40</ins><del style="display:none">66</del></p></td>`)
      .replace(`${td("5")}${td("1")}`, `${td("<s>9</s>5")}<td style="text-decoration: line-through">7</td>`)
      .replace(td("1,200", ' colspan="3"'), td('<span style="text-decoration:underline line-through">1,100</span>1,200', ' colspan="3"'));
    const record = await extractReport({ bytes: Buffer.from(page(`<p>二、主动公开政府信息情况</p>${struck}<p><strike>第三段删除的文字</strike></p>`)), name: "struck.html" });
    expect(record.activeDisclosure).toMatchObject({ normativeDocuments: { issued: 5, repealed: null, inForce: 40 }, licensing: { decisions: 1200 } });
    // A deletion the page hides (display:none) is not printed at all: left out, and not reported as struck.
    expect(record.issues.filter((i) => i.code === "TEXT_STRUCK").map((i) => i.message.match(/"(.*?)"/)?.[1])).toEqual(["9", "7", "888", "1,100", "第三段删除的文字"]);
  });

  it("flags a missing table instead of inventing it: every cell is there, null, and named by the table's issue", async () => {
    const record = await extractReport({ bytes: Buffer.from(page(`<p>二、主动公开政府信息情况</p>${active2021}`)), name: "partial.html" });
    expect(record.issues.filter((i) => i.code === "TABLE_MISSING").map((i) => i.path)).toEqual(["applications", "reviewLitigation"]);
    // The keys of the version table 二 shows (2021: three （六） rows), every value null.
    expect(Object.keys(record.applications ?? {})).toEqual(rowKeys(TEMPLATES["2021"].tables.applications));
    const leaves = Object.entries({ applications: record.applications, reviewLitigation: record.reviewLitigation }).flatMap(([t, table]) =>
      Object.entries(table ?? {}).flatMap(([row, cells]) => Object.entries(cells).map(([col, v]) => ({ path: `${t}.${row}.${col}`, v }))),
    );
    expect(leaves.length).toBe(25 * 7 + 3 * 5);
    for (const { path, v } of leaves) {
      expect(v, path).toBeNull();
      expect(issuesNaming(path, record.issues).map((i) => i.code), path).toEqual(["TABLE_MISSING"]);
    }
  });
});
