/**
 * Binary Word files (issue 12, part 2): the fixture reports written as .doc by the
 * project's own writer (scripts/fixtures/doc.ts: FIB, piece table, PAPX with row-end
 * marks, vertical labels as one paragraph per character, merged cells as Word keeps
 * them) read with word-extractor to every cell, as .doc and as .wps; encrypted and
 * damaged files refused with a typed error; the text-to-rows step on its own.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import CFB from "cfb";
import { describe, expect, it } from "vitest";
import type { ErrorCode } from "../src/errors.js";
import { kindOfRecord } from "../src/eval/kinds.js";
import { scorePair } from "../src/eval/score.js";
import { extractReport } from "../src/pipeline.js";
import { collectInputs, isProblem } from "../src/queue/inputs.js";
import { sniffFormat } from "../src/sources/detect.js";
import { DOC_MEDIA_TYPE, docLayout } from "../src/sources/doc.js";
import { reportDoc } from "../scripts/fixtures/doc.js";
import { truthOf } from "../scripts/fixtures/model.js";
import { REPORTS } from "../scripts/fixtures/reports.js";
import { expectRefused, FIXTURES, tempDir } from "./helpers.js";

const work = tempDir("doc-");
const write = (name: string, bytes: Uint8Array) => (writeFileSync(join(work, name), bytes), join(work, name));

describe("DOC and WPS reports", () => {
  it.each(Object.keys(REPORTS) as (keyof typeof REPORTS)[])("%s: every cell, the year, template and organ", async (key) => {
    const report = REPORTS[key]();
    const record = await extractReport({ bytes: reportDoc(report), name: `${report.id}.doc` });
    const truth = truthOf(report, { name: `${report.id}.doc`, mediaType: DOC_MEDIA_TYPE, pages: null, textSource: "doc" }) as Record<string, unknown>;
    expect(scorePair(record as unknown as Record<string, unknown>, truth).wrong).toEqual([]);
    expect(record.meta).toMatchObject({ title: `${report.organ}${report.year}年政府信息公开工作年度报告`, organ: report.organ, year: report.year, template: report.template });
    expect(record.issues.filter((i) => i.severity === "error")).toEqual([]);
    expect(record.source).toMatchObject({ mediaType: DOC_MEDIA_TYPE, pages: null, textSource: "doc" });
    expect(kindOfRecord(record as unknown as Record<string, unknown>, "x")).toBe("doc");
    expect(record.sections.other).toContain(report.chapters.other[0]);
  });

  it("the committed fixtures (.doc and .wps) read to their truths", async () => {
    for (const name of ["qinghe-2020-doc.doc", "yunxi-2023-wps.wps"]) {
      const bytes = readFileSync(join(FIXTURES, "generated", name));
      expect(sniffFormat(bytes)).toBe("ole");
      const record = await extractReport({ bytes, name });
      const truth = JSON.parse(readFileSync(join(FIXTURES, "generated", name.replace(/\.\w+$/, ".truth.json")), "utf8")) as Record<string, unknown>;
      expect(scorePair(record as unknown as Record<string, unknown>, truth).wrong).toEqual([]);
    }
  });
});

describe("the body text into rows", () => {
  it("keeps tab-separated cells (blanks included), joins a cell's paragraphs, and takes a label's leading lines back into its row", () => {
    const body = ["标题", "第一段正文，较长的一段文字。", "规章\t0\t\t0\t", "三", "、", "本", "年", "度\t（一）予以公开\t3\t", "（二）部分公开\t1\n2\t", "其后的正文。", ""].join("\n");
    const lines = docLayout(body);
    expect(lines.map((l) => (l.isTableRow ? l.cells.map((c) => c.text) : l.cells[0]!.text))).toEqual([
      "标题",
      "第一段正文，较长的一段文字。",
      ["规章", "0", "", "0"],
      ["三、本年度", "（一）予以公开", "3"],
      ["（二）部分公开", "1 2"],
      "其后的正文。",
    ]);
    expect(lines[3]!.cells[2]!.origin).toEqual({ kind: "doc", table: 0, row: 1, cell: 2 });
  });

  it("short lines after a table that no row follows stay paragraphs", () => {
    const lines = docLayout(["规章\t0\t", "注：", "无", "正文继续。"].join("\n"));
    expect(lines.map((l) => l.cells.map((c) => c.text).join("|"))).toEqual(["规章|0", "注：", "无", "正文继续。"]);
  });
});

/** An OLE file with the given streams. */
function ole(streams: Record<string, Buffer>): Buffer {
  const container = CFB.utils.cfb_new();
  for (const [name, data] of Object.entries(streams)) CFB.utils.cfb_add(container, name, data);
  return CFB.write(container, { type: "buffer" }) as Buffer;
}

/** A .doc whose FAT sends the first sectors' chains back onto themselves. */
function loopedDoc(): Buffer {
  const doc = Buffer.from(reportDoc(REPORTS.yunxi2023()));
  const fat = (doc.readUInt32LE(0x4c) + 1) * 512; // the first FAT sector, as the header's DIFAT names it
  for (let i = 0; i < 30; i++) if (doc.readUInt32LE(fat + i * 4) < 0xfffffff0) doc.writeUInt32LE(i, fat + i * 4);
  return doc;
}

describe("bad DOC files through the CLI", () => {
  const doc = reportDoc(REPORTS.yunxi2023());
  const cases: { name: string; code: ErrorCode; file: () => string; message: RegExp }[] = [
    { name: "a password-protected .doc (fEncrypted)", code: "DOCUMENT_ENCRYPTED", file: () => write("secret.doc", reportDoc(REPORTS.yunxi2023(), { encrypted: true })), message: /secret\.doc: the Word file is encrypted with a password/ },
    { name: "a truncated .doc", code: "DOCUMENT_CORRUPT", file: () => write("truncated.doc", doc.subarray(0, Math.floor(doc.length * 0.4))), message: /truncated\.doc: the (OLE compound file|Word file)/ },
    { name: "a .wps whose WordDocument is no Word stream", code: "DOCUMENT_CORRUPT", file: () => write("junk.wps", ole({ WordDocument: Buffer.alloc(4096, 0x41), "1Table": Buffer.alloc(512) })), message: /junk\.wps: the Word file's WordDocument stream does not open with a Word FIB/ },
    { name: "a .doc whose sector chains loop", code: "DOCUMENT_CORRUPT", file: () => write("loop.doc", loopedDoc()), message: /loop\.doc: the Word file cannot be read/ },
    { name: "an OLE file that is no Word file", code: "UNSUPPORTED_FORMAT", file: () => write("book.xls", ole({ Workbook: Buffer.alloc(4096, 1) })), message: /book\.xls: the input is an OLE compound file without a Word document/ },
  ];

  it.each(cases.map((c) => [c.name, c] as const))("%s", (_name, c) => expectRefused(c.file(), c.code, c.message));
});

describe("ingest's inputs", () => {
  it("a .doc is one input", async () => {
    const dir = tempDir("doc-ingest-");
    const doc = reportDoc(REPORTS.qinghe2020());
    writeFileSync(join(dir, "report.doc"), doc);
    const got: { name: string; bytes?: number }[] = [];
    for await (const input of collectInputs([dir])) got.push(isProblem(input) ? { name: input.name } : { name: input.name, bytes: input.bytes.length });
    expect(got).toEqual([{ name: "report.doc", bytes: doc.length }]);
  });
});
