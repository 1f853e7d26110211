/**
 * Archived crawler text dumps (issue 12, part 5): a `key: value` header and the page's
 * text flattened onto one line, table cells glued. Dumps of the shared pingtan pages are
 * made at test time (scripts/fixtures/dumps.ts) into a temp dir — never copied into the
 * repository — and read end to end: every cell is right where the template's identities
 * split its digit run uniquely, and null with an issue naming it everywhere else.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { evaluateDir } from "../src/cli/commands/eval.js";
import { scorePair } from "../src/eval/score.js";
import type { ReportRecord } from "../src/model/record.js";
import { extractFile, extractReport } from "../src/pipeline.js";
import { unflattenBody } from "../src/sources/dump-lines.js";
import { dumpHeader, dumpOrigin, isoDate } from "../src/sources/dump.js";
import { crawlerDump } from "../scripts/fixtures/dumps.js";
import { reportHtml } from "../scripts/fixtures/html.js";
import { truthOf } from "../scripts/fixtures/model.js";
import { REPORTS } from "../scripts/fixtures/reports.js";
import { CORPUS, describeCorpus, tempDir } from "./helpers.js";

const HEADER = [
  "标题: 某县2023年度政府信息公开工作年度报告",
  "发布时间: 2024-03-08 15:34",
  "文号: ",
  "发布机构: 某县人民政府办公室",
  "原文链接: https://www.example.gov.cn/zwgk/t20240308_1.htm",
  "页面链接与图片详见 links.tsv(同目录)",
  "==================== 正文 ====================",
].join("\n");

describe("the dump header", () => {
  it("gives the title, date, source URL and publisher, and where the body starts", () => {
    const h = dumpHeader(`${HEADER}\n正文第一行\n`);
    expect(h).toMatchObject({
      title: "某县2023年度政府信息公开工作年度报告",
      published: "2024-03-08 15:34",
      url: "https://www.example.gov.cn/zwgk/t20240308_1.htm",
      publisher: "某县人民政府办公室",
      bodyStart: 7,
    });
    expect(h!.fields["文号"]).toBe("");
  });

  it("is not found in plain text, in text with colons but no separator, or with a separator but one field", () => {
    expect(dumpHeader("某县人民政府\n2023年政府信息公开工作年度报告\n一、总体情况\n")).toBeNull();
    expect(dumpHeader("标题: 某县\n发布时间: 2024-01-01\n一、总体情况\n")).toBeNull();
    expect(dumpHeader("标题: 某县\n=====\n正文\n")).toBeNull();
    expect(dumpHeader("\ufeff标题：某县\n来源：某县\n----------\n正文\n")).toMatchObject({ title: "某县", publisher: "某县", bodyStart: 3 });
  });
});

describe("where the dump says its page comes from", () => {
  it("the header's URL and date, as ISO 8601 (no zone guessed); what is no http URL or no date is left out", () => {
    expect(dumpOrigin(dumpHeader(`${HEADER}\n正文\n`)!)).toEqual({ url: "https://www.example.gov.cn/zwgk/t20240308_1.htm", publishedAt: "2024-03-08T15:34" });
    expect(isoDate("2024年3月8日")).toBe("2024-03-08");
    expect(isoDate("2024/03/08 09:05:07")).toBe("2024-03-08T09:05:07");
    expect(isoDate("2024-02-30")).toBeNull();
    expect(isoDate("三月八日")).toBeNull();
    expect(dumpOrigin(dumpHeader("标题: 某县\n原文链接: 见附件\n发布时间: 近日\n=====\n正文\n")!)).toEqual({});
  });

  it("reach the record's source; a crawl's own URL wins over the dump's", async () => {
    const report = REPORTS.yunxi2023();
    const bytes = Buffer.from(crawlerDump(reportHtml(report, "utf-8"), { url: "https://www.example.gov.cn/zwgk/nb/yunxi.html" }));
    const record = await extractReport({ bytes, name: "yunxi.txt" });
    expect(record.source).toMatchObject({ textSource: "dump", url: "https://www.example.gov.cn/zwgk/nb/yunxi.html" });
    expect(record.source.publishedAt).toMatch(/^\d{4}-\d{2}-\d{2}/);
    const crawled = await extractReport({ bytes, name: "yunxi.txt", origin: { url: "https://archive.example.org/yunxi.txt", fetchedAt: "2026-01-01T00:00:00Z" } });
    expect(crawled.source).toMatchObject({ url: "https://archive.example.org/yunxi.txt", publishedAt: record.source.publishedAt });
  });
});

describe("the flattened body back into lines", () => {
  const lines = (text: string) => unflattenBody([{ text, line: 10 }]).map((l) => l.text);

  it("puts chapter headings met mid-line on their own lines and leaves the narrative whole", () => {
    expect(lines("本报告根据条例编制。一、总体情况2023年，全县制发规范性文件7件，公开信息13561条。二、主动公开政府信息情况全年无新增。")).toEqual([
      "本报告根据条例编制。",
      "一、总体情况",
      "2023年，全县制发规范性文件7件，公开信息13561条。",
      "二、主动公开政府信息情况",
      "全年无新增。",
    ]);
  });

  it("ends a table row after each digit run, keeping numbering digits with their label and decimals whole", () => {
    expect(lines("二、主动公开政府信息情况第二十条第（一）项信息内容本年制发件数规章000行政事业性收费5949.088667三、收到和处理政府信息公开申请情况申请人情况自然人（三）不予公开1.属于国家秘密00000002.其他法律行政法规禁止公开1000001")).toEqual([
      "二、主动公开政府信息情况",
      "第二十条第（一）项信息内容本年制发件数规章000",
      "行政事业性收费5949.088667",
      "三、收到和处理政府信息公开申请情况",
      "申请人情况自然人（三）不予公开1.属于国家秘密0000000",
      "2.其他法律行政法规禁止公开1000001",
    ]);
  });

  it("keeps a sign, a unit or a note with the number before it", () => {
    expect(lines("信息内容行政许可418增3515207政府集中采购1421523.4万元规范性文件22（其中修订16件）3")).toEqual(["信息内容行政许可418增3515207", "政府集中采购1421523.4万元", "规范性文件22（其中修订16件）3"]);
  });

  it("does not cut rows whose cells a space or a blank's dash still separates", () => {
    expect(lines("信息内容规章 0 0 0行政规范性文件3—12行政许可/")).toEqual(["信息内容规章 0 0 0", "行政规范性文件3—12", "行政许可/"]);
  });

  it("joins a glued run that a cell's own space broke (500000 5)", () => {
    expect(lines("申请人情况（二）部分公开500000 5（三）不予公开")).toEqual(["申请人情况（二）部分公开5000005", "（三）不予公开"]);
  });

  it("keeps each line's number in the dump", () => {
    expect(unflattenBody([{ text: "一、总体情况正文", line: 12 }])).toEqual([
      { text: "一、总体情况", line: 12 },
      { text: "正文", line: 12 },
    ]);
  });
});

const PINGTAN = [2016, 2018, 2021, 2022, 2023, 2025];

describeCorpus("crawler dumps of the shared pingtan pages", () => {
  const dir = tempDir("dumps-");
  const records = new Map<number, ReportRecord>();
  const truths = new Map<number, Record<string, unknown>>();

  beforeAll(async () => {
    for (const year of PINGTAN) {
      const path = join(dir, `pingtan-${year}-dump.txt`);
      writeFileSync(path, crawlerDump(readFileSync(join(CORPUS, `pingtan-${year}.html`), "utf8")));
      truths.set(year, JSON.parse(readFileSync(join(CORPUS, `pingtan-${year}.truth.json`), "utf8")) as Record<string, unknown>);
      records.set(year, await extractFile(path));
    }
  }, 60_000);

  it.each(PINGTAN)("%i: title from the header, every cell right or null and flagged", (year) => {
    const record = records.get(year)!;
    const truth = truths.get(year)! as { meta: { title: string; organ: string } };
    expect(record.meta.title).toBe(truth.meta.title);
    expect(record.meta.organ).toBe(truth.meta.organ);
    expect(record.source.mediaType).toBe("text/plain");
    const score = scorePair(record as unknown as Record<string, unknown>, truths.get(year)!);
    expect(score.silent).toBe(0);
    for (const wrong of score.wrong) expect(wrong.actual, wrong.path).toBeNull();
  });

  it.each(PINGTAN.filter((y) => y >= 2019))("%i: tables 三 and 四 split uniquely by their identities, all right", (year) => {
    const score = scorePair(records.get(year)! as unknown as Record<string, unknown>, truths.get(year)!);
    expect(score.wrong.filter((w) => !w.path.startsWith("activeDisclosure.")).map((w) => w.path)).toEqual([]);
  });

  it("2021 with the spaces a real archive's dump keeps (`规章 000`, `500000 5`): the same cells", async () => {
    const dump = crawlerDump(readFileSync(join(CORPUS, "pingtan-2021.html"), "utf8")).replace("规章000", "规章 000").replace("不计其他情形）5000005", "不计其他情形）500000 5").replace("行政许可2293", "行政许可2293 ");
    expect(dump).toContain("500000 5");
    const path = join(dir, "pingtan-2021-spaced.txt");
    writeFileSync(path, dump);
    const score = scorePair((await extractFile(path)) as unknown as Record<string, unknown>, truths.get(2021)!);
    expect(score.wrong.map((w) => w.path)).toEqual(["activeDisclosure.normativeDocuments.issued", "activeDisclosure.normativeDocuments.repealed", "activeDisclosure.normativeDocuments.inForce"]);
  });

  it("a run table 二 cannot split (no identity holds in its rows) is left null, with the digits in the issue", () => {
    const issue = records.get(2023)!.issues.find((i) => i.code === "CELLS_AMBIGUOUS" && i.path === "activeDisclosure.normativeDocuments");
    expect(issue?.actual).toBe("77132470");
    expect(records.get(2023)!.activeDisclosure).toMatchObject({ normativeDocuments: { issued: null, repealed: null, inForce: null } });
  });

  it("the eval scores them as their own kind (textSource dump)", async () => {
    for (const year of PINGTAN) writeFileSync(join(dir, `pingtan-${year}-dump.truth.json`), JSON.stringify(truths.get(year)));
    const { kinds, summary } = await evaluateDir(dir);
    expect(kinds.map((k) => k.kind)).toEqual(["dump"]);
    expect(summary.silent).toBe(0);
    // Only table 二's normativeDocuments rows (three non-zero cells each, 2021–2025) stay open.
    expect(summary.cells - summary.correct).toBe(12);
  }, 60_000);
});

describe("dumps of the fixture reports (blank cells vanish from the glued runs)", () => {
  const dir = tempDir("dumps-fixtures-");
  it.each(["yunxi2023", "chengjiang2022", "qinghe2020"] as const)("%s: no cell guessed — each is right, or null with an issue naming it", async (key) => {
    const report = REPORTS[key]();
    const path = join(dir, `${report.id}-dump.txt`);
    writeFileSync(path, crawlerDump(reportHtml(report, "utf-8"), { url: `https://www.example.gov.cn/zwgk/nb/${report.id}.html` }));
    const record = await extractFile(path);
    const truth = truthOf(report, { name: `${report.id}-dump.txt`, mediaType: "text/plain", pages: null, textSource: "dump" }) as Record<string, unknown>;
    const score = scorePair(record as unknown as Record<string, unknown>, truth);
    expect(record.meta).toMatchObject({ title: `${report.organ}${report.year}年政府信息公开工作年度报告`, year: report.year, template: report.template });
    expect(score.silent).toBe(0);
    for (const wrong of score.wrong) expect(wrong.actual, wrong.path).toBeNull();
    // Table 四 always splits: its three groups each end in their total.
    expect(score.wrong.filter((w) => w.path.startsWith("reviewLitigation."))).toEqual([]);
  });
});
