/**
 * Word documents (issue 12, part 1): the fixture reports written as .docx
 * (scripts/fixtures/docx.ts: list-numbered headings, split runs, gridSpan/vMerge, blank
 * cells, notes, a hidden run and a tracked deletion in value cells, a table in a
 * content control, last year's title in docProps) read to every cell; the format known
 * by its bytes; bad files refused with a typed error and no stack trace; `ingest` takes
 * a DOCX as one input, alone or inside a zip.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { deflateRawSync } from "node:zlib";
import CFB from "cfb";
import { describe, expect, it } from "vitest";
import type { ErrorCode } from "../src/errors.js";
import { scorePair } from "../src/eval/score.js";
import { kindOfRecord } from "../src/eval/kinds.js";
import { extractReport } from "../src/pipeline.js";
import { collectInputs, isProblem } from "../src/queue/inputs.js";
import { sniffFormat } from "../src/sources/detect.js";
import { DOCX_MEDIA_TYPE } from "../src/sources/docx.js";
import { reportDocx } from "../scripts/fixtures/docx.js";
import { truthOf } from "../scripts/fixtures/model.js";
import { REPORTS } from "../scripts/fixtures/reports.js";
import { zip } from "../scripts/fixtures/zip.js";
import { expectRefused, FIXTURES, runCli, tempDir } from "./helpers.js";

const work = tempDir("docx-");
const write = (name: string, bytes: Uint8Array) => (writeFileSync(join(work, name), bytes), join(work, name));
const source = { mediaType: DOCX_MEDIA_TYPE, pages: null, textSource: "docx" };

describe("DOCX reports", () => {
  it.each(Object.keys(REPORTS) as (keyof typeof REPORTS)[])("%s: every cell, the year, template and organ", async (key) => {
    const report = REPORTS[key]();
    const record = await extractReport({ bytes: reportDocx(report), name: `${report.id}.docx` });
    const score = scorePair(record as unknown as Record<string, unknown>, truthOf(report, { name: `${report.id}.docx`, ...source }) as Record<string, unknown>);
    expect(score.wrong).toEqual([]);
    // The title is the document's, not docProps' (last year's).
    expect(record.meta).toMatchObject({ title: `${report.organ}${report.year}年政府信息公开工作年度报告`, organ: report.organ, year: report.year, template: report.template });
    expect(record.issues.filter((i) => i.severity === "error")).toEqual([]);
    expect(record.source).toMatchObject({ mediaType: DOCX_MEDIA_TYPE, pages: null, textSource: "docx" });
    expect(kindOfRecord(record as unknown as Record<string, unknown>, "x.bin")).toBe("docx");
  });

  it("puts list numbers back (the chapters are found), and reads no hidden or deleted text", async () => {
    const report = REPORTS.yunxi2023();
    const record = await extractReport({ bytes: reportDocx(report), name: "r.docx" });
    expect(record.sections.problems).toContain(report.chapters.problems[0]);
    expect(record.sections.other).toContain(report.chapters.other[0]);
    const raws = Object.values(record.provenance ?? {}).map((p) => p.raw);
    expect(raws.some((r) => /999|888/.test(r))).toBe(false);
  });

  it("reads a report set inside a layout table (a table whose cell holds the tables)", async () => {
    const report = REPORTS.chengjiang2022();
    const record = await extractReport({ bytes: reportDocx(report, { layoutTable: true }), name: "r.docx" });
    const score = scorePair(record as unknown as Record<string, unknown>, truthOf(report, { name: "r.docx", ...source }) as Record<string, unknown>);
    expect(score.wrong).toEqual([]);
    expect(record.sections.problems).toContain(report.chapters.problems[0]);
  });

  it("names each value by table, row and grid column", async () => {
    const record = await extractReport({ bytes: reportDocx(REPORTS.yunxi2023()), name: "r.docx" });
    // Table 三 is the document's second table; 总计 is grid column 9 (three label columns, six applicant columns).
    expect(record.provenance!["applications.granted.total"]!.origin).toEqual({ kind: "docx", table: 1, row: 5, col: 9 });
  });

  it("the committed fixtures read to their truths", async () => {
    for (const id of ["yunxi-2023-docx", "qinghe-2020-docx"]) {
      const path = join(FIXTURES, "generated", `${id}.docx`);
      const record = await extractReport({ bytes: readFileSync(path), name: `${id}.docx` });
      const truth = JSON.parse(readFileSync(join(FIXTURES, "generated", `${id}.truth.json`), "utf8")) as Record<string, unknown>;
      expect(scorePair(record as unknown as Record<string, unknown>, truth).wrong).toEqual([]);
    }
  });
});

describe("DOCX known by its bytes", () => {
  const docx = reportDocx(REPORTS.qinghe2020());
  it("a DOCX is docx whatever its name; another zip stays an archive", () => {
    expect(sniffFormat(docx)).toBe("docx");
    expect(sniffFormat(zip([{ name: "a.txt", data: Buffer.from("x") }]))).toBe("archive");
    // Cut short, its first parts still name it.
    expect(sniffFormat(docx.subarray(0, 2000))).toBe("docx");
  });

  it("extract reads a .pdf-named DOCX as a DOCX", () => {
    const out = tempDir("docx-out-");
    const result = runCli(["extract", "--out", out, write("misnamed.pdf", docx)]);
    expect(result.status).toBe(0);
    expect(JSON.parse(readFileSync(join(out, "misnamed.json"), "utf8"))).toMatchObject({ source: { mediaType: DOCX_MEDIA_TYPE }, meta: { year: 2020 } });
  });
});

/** A DOCX whose document part is `xml`. */
const docxWith = (xml: Buffer | string, name = "word/document.xml") =>
  zip([
    { name: "[Content_Types].xml", data: Buffer.from('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>') },
    { name, data: Buffer.from(xml) },
  ]);

/** A DOCX whose document part inflates far beyond its size (20 MiB of spaces, about 1000:1), its sizes declared honestly. */
function bombDocx(): Buffer {
  const huge = Buffer.alloc(20 * 1024 * 1024, 0x20);
  expect(deflateRawSync(huge).length).toBeLessThan(huge.length / 200);
  return docxWith(huge);
}

/** What Office makes of a DOCX saved with a password: an OLE compound file with EncryptionInfo and EncryptedPackage. */
function encryptedOffice(): Buffer {
  const container = CFB.utils.cfb_new();
  CFB.utils.cfb_add(container, "EncryptionInfo", Buffer.alloc(248, 4));
  CFB.utils.cfb_add(container, "EncryptedPackage", Buffer.alloc(8192, 0x5a));
  return CFB.write(container, { type: "buffer" }) as Buffer;
}

describe("bad Word files through the CLI", () => {
  const docx = reportDocx(REPORTS.yunxi2023());
  const cases: { name: string; code: ErrorCode; file: () => string; message: RegExp }[] = [
    { name: "a truncated DOCX", code: "DOCUMENT_CORRUPT", file: () => write("truncated.docx", docx.subarray(0, Math.floor(docx.length * 0.6))), message: /truncated\.docx: the DOCX file is not a readable zip package/ },
    { name: "a DOCX without its document part", code: "DOCUMENT_CORRUPT", file: () => write("nobody.docx", docxWith("<x/>", "word/styles.xml")), message: /nobody\.docx: the DOCX file has no main document part/ },
    { name: "a DOCX whose XML is broken", code: "DOCUMENT_CORRUPT", file: () => write("badxml.docx", docxWith("<w:document><w:body><w:p>")), message: /badxml\.docx: the DOCX document part \(word\/document\.xml\) is not well-formed XML/ },
    { name: "a zip bomb in DOCX clothing", code: "ZIP_BOMB", file: () => write("bomb.docx", bombDocx()), message: /bomb\.docx: the DOCX file's part word\/document\.xml has a compression ratio of \d+:1/ },
    { name: "an encrypted Office file", code: "DOCUMENT_ENCRYPTED", file: () => write("secret.docx", encryptedOffice()), message: /secret\.docx: the Office file is encrypted with a password/ },
    { name: "a corrupt OLE file", code: "DOCUMENT_CORRUPT", file: () => write("corrupt.doc", Buffer.concat([encryptedOffice().subarray(0, 512), Buffer.alloc(100, 0xff)])), message: /corrupt\.doc: the OLE compound file/ },
  ];

  it.each(cases.map((c) => [c.name, c] as const))("%s", (_name, c) => expectRefused(c.file(), c.code, c.message));
});

describe("ingest's inputs", () => {
  it("a DOCX is one input, alone or as an entry of a zip", async () => {
    const docx = reportDocx(REPORTS.qinghe2020());
    const dir = tempDir("docx-ingest-");
    writeFileSync(join(dir, "report.docx"), docx);
    writeFileSync(join(dir, "bundle.zip"), zip([{ name: "县政府/报告.docx", data: docx }]));
    const got: { name: string; bytes?: number }[] = [];
    for await (const input of collectInputs([dir])) got.push(isProblem(input) ? { name: input.name } : { name: input.name, bytes: input.bytes.length });
    expect(got).toEqual([
      { name: "bundle.zip!县政府/报告.docx", bytes: docx.length },
      { name: "report.docx", bytes: docx.length },
    ]);
  });
});
