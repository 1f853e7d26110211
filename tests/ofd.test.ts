/**
 * OFD (issue 12, part 3): the fixture reports written by the project's own OFD writer
 * (scripts/fixtures/ofd.ts: per-glyph DeltaX with `g N d`, a CTM-scaled title, ruled
 * tables as PathObjects in PageBlocks, wrapped cell labels, a row of values in one
 * TextCode; tables on one page, and tables running on across page breaks) read into the PDF backend's positioned layout to every cell; a page that
 * holds only an image read by OCR; bad files refused with a typed error.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { inflateRawSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import type { ErrorCode } from "../src/errors.js";
import { kindOfRecord } from "../src/eval/kinds.js";
import { scorePair } from "../src/eval/score.js";
import { extractReport } from "../src/pipeline.js";
import { collectInputs, isProblem } from "../src/queue/inputs.js";
import { closeSharedOcrPool } from "../src/sources/_internal/tesseract.js";
import { sniffFormat } from "../src/sources/detect.js";
import { deltas, OFD_MEDIA_TYPE } from "../src/sources/ofd.js";
import { tablePageFiles, TABLE_PAGE_TRUTH } from "../scripts/fixtures/images.js";
import { truthOf } from "../scripts/fixtures/model.js";
import { reportOfd, scannedOfd } from "../scripts/fixtures/ofd.js";
import { REPORTS } from "../scripts/fixtures/reports.js";
import { zip } from "../scripts/fixtures/zip.js";
import { expectRefused, FIXTURES, tempDir } from "./helpers.js";

const work = tempDir("ofd-");
const write = (name: string, bytes: Uint8Array) => (writeFileSync(join(work, name), bytes), join(work, name));

describe("OFD reports", () => {
  it.each(Object.keys(REPORTS) as (keyof typeof REPORTS)[])("%s: every cell, the year, template and organ", async (key) => {
    const report = REPORTS[key]();
    const record = await extractReport({ bytes: reportOfd(report), name: `${report.id}.ofd` });
    const truth = truthOf(report, { name: `${report.id}.ofd`, mediaType: OFD_MEDIA_TYPE, pages: null, textSource: "ofd" }) as Record<string, unknown>;
    expect(scorePair(record as unknown as Record<string, unknown>, truth).wrong).toEqual([]);
    expect(record.meta).toMatchObject({ title: `${report.organ}${report.year}年政府信息公开工作年度报告`, organ: report.organ, year: report.year, template: report.template });
    expect(record.issues.filter((i) => i.severity === "error")).toEqual([]);
    expect(record.source).toMatchObject({ mediaType: OFD_MEDIA_TYPE, textSource: "ofd" });
    expect(record.source.pages).toBeGreaterThanOrEqual(3);
    expect(kindOfRecord(record as unknown as Record<string, unknown>, "x")).toBe("ofd");
    expect(record.sections.problems).toContain(report.chapters.problems[0]!.slice(0, 20));
  });

  it.each(Object.keys(REPORTS) as (keyof typeof REPORTS)[])("%s: tables that run on across page breaks, every cell", async (key) => {
    const report = REPORTS[key]();
    const record = await extractReport({ bytes: reportOfd(report, { splitTables: true }), name: `${report.id}.ofd` });
    const truth = truthOf(report, { name: `${report.id}.ofd`, mediaType: OFD_MEDIA_TYPE, pages: null, textSource: "ofd" }) as Record<string, unknown>;
    expect(scorePair(record as unknown as Record<string, unknown>, truth).wrong).toEqual([]);
    // Table 三 does break: its rows come from two pages.
    const pages = new Set(Object.entries(record.provenance!).filter(([path]) => path.startsWith("applications.")).map(([, p]) => (p.origin.kind === "ofd" ? p.origin.page : 0)));
    expect(pages.size).toBe(2);
  });

  it("names each value by page and box in points, like a PDF's", async () => {
    const record = await extractReport({ bytes: reportOfd(REPORTS.qinghe2020()), name: "r.ofd" });
    const origin = record.provenance!["applications.granted.total"]!.origin;
    expect(origin).toMatchObject({ kind: "ofd", page: 3 });
    // A4 in points: the box lies on the page.
    if (origin.kind === "ofd") expect(origin.box[2]).toBeLessThan(595.3);
  });

  it("the committed fixtures read to their truths", async () => {
    for (const id of ["chengjiang-2022-ofd", "qinghe-2020-ofd"]) {
      const record = await extractReport({ bytes: readFileSync(join(FIXTURES, "generated", `${id}.ofd`)), name: `${id}.ofd` });
      const truth = JSON.parse(readFileSync(join(FIXTURES, "generated", `${id}.truth.json`), "utf8")) as Record<string, unknown>;
      expect(scorePair(record as unknown as Record<string, unknown>, truth).wrong).toEqual([]);
    }
  });

  it("reads DeltaX with its g shorthand", () => {
    expect(deltas("1 2 g 3 0.5 4")).toEqual([1, 2, 0.5, 0.5, 0.5, 4]);
    expect(deltas(undefined)).toEqual([]);
  });

  it("is known by its bytes (OFD.xml at the root), whatever its name", () => {
    expect(sniffFormat(reportOfd(REPORTS.yunxi2023()))).toBe("ofd");
  });
});

describe("an OFD page that holds only an image", () => {
  afterAll(closeSharedOcrPool);

  it("is read by OCR (table 四 exact); with OCR off it is OCR_REQUIRED", async () => {
    const { png } = await tablePageFiles();
    const ofd = scannedOfd([png]);
    const record = await extractReport({ bytes: ofd, name: "scan.ofd" });
    const truth = JSON.parse(readFileSync(TABLE_PAGE_TRUTH, "utf8")) as { reviewLitigation: unknown };
    expect(record.source).toMatchObject({ mediaType: OFD_MEDIA_TYPE, textSource: "ocr", pages: 1 });
    expect(record.reviewLitigation).toEqual(truth.reviewLitigation);
    await expect(extractReport({ bytes: ofd, name: "scan.ofd" }, { ocr: "never" })).rejects.toMatchObject({ code: "OCR_REQUIRED" });
  }, 180_000);
});

/** A zip written by scripts/fixtures/zip.ts (local headers with sizes, deflated data) again, without the parts `drop` names and with `add`. */
function rebuild(bytes: Buffer, drop: RegExp, add: { name: string; data: Buffer }[]): Buffer {
  const parts: { name: string; data: Buffer }[] = [];
  let at = 0;
  while (bytes.readUInt32LE(at) === 0x04034b50) {
    const size = bytes.readUInt32LE(at + 18);
    const nameLength = bytes.readUInt16LE(at + 26);
    const name = bytes.toString("utf8", at + 30, at + 30 + nameLength);
    const data = inflateRawSync(bytes.subarray(at + 30 + nameLength, at + 30 + nameLength + size));
    if (!drop.test(name)) parts.push({ name, data });
    at += 30 + nameLength + size;
  }
  return zip([...parts, ...add]);
}

describe("bad OFD files through the CLI", () => {
  const ofd = reportOfd(REPORTS.yunxi2023());
  const cases: { name: string; code: ErrorCode; file: () => string; message: RegExp }[] = [
    { name: "a truncated OFD", code: "DOCUMENT_CORRUPT", file: () => write("truncated.ofd", ofd.subarray(0, Math.floor(ofd.length * 0.5))), message: /truncated\.ofd: the OFD file is not a readable zip package/ },
    { name: "an OFD missing its Document.xml", code: "DOCUMENT_CORRUPT", file: () => write("nodoc.ofd", rebuild(ofd, /Document\.xml$/, [])), message: /nodoc\.ofd: the OFD file has no document part Doc_0\/Document\.xml/ },
    { name: "an OFD missing a page", code: "DOCUMENT_CORRUPT", file: () => write("nopage.ofd", rebuild(ofd, /Page_1\/Content\.xml$/, [])), message: /nopage\.ofd: the OFD file lacks page 2's content/ },
    { name: "an OFD whose XML is broken", code: "DOCUMENT_CORRUPT", file: () => write("badxml.ofd", rebuild(ofd, /^OFD\.xml$/, [{ name: "OFD.xml", data: Buffer.from("<ofd:OFD><ofd:DocBody>") }])), message: /badxml\.ofd: the OFD entry file \(OFD\.xml\) is not well-formed XML/ },
    {
      name: "a zip bomb in OFD clothing",
      code: "ZIP_BOMB",
      file: () => write("bomb.ofd", rebuild(ofd, /Page_0\/Content\.xml$/, [{ name: "Doc_0/Pages/Page_0/Content.xml", data: Buffer.alloc(20 * 1024 * 1024, 0x20) }])),
      message: /bomb\.ofd: the OFD file's part Doc_0\/Pages\/Page_0\/Content\.xml has a compression ratio/,
    },
    { name: "an encrypted OFD", code: "DOCUMENT_ENCRYPTED", file: () => write("secret.ofd", rebuild(ofd, /^$/, [{ name: "Encryptions.xml", data: Buffer.from("<Encryptions/>") }])), message: /secret\.ofd: the OFD file is encrypted/ },
  ];

  it.each(cases.map((c) => [c.name, c] as const))("%s", (_name, c) => expectRefused(c.file(), c.code, c.message));
});

describe("ingest's inputs", () => {
  it("an OFD is one input, alone or as an entry of a zip", async () => {
    const ofd = reportOfd(REPORTS.qinghe2020());
    const dir = tempDir("ofd-ingest-");
    writeFileSync(join(dir, "a.ofd"), ofd);
    writeFileSync(join(dir, "b.zip"), zip([{ name: "年报.ofd", data: ofd }]));
    const got: { name: string; bytes?: number }[] = [];
    for await (const input of collectInputs([dir])) got.push(isProblem(input) ? { name: input.name } : { name: input.name, bytes: input.bytes.length });
    expect(got).toEqual([
      { name: "a.ofd", bytes: ofd.length },
      { name: "b.zip!年报.ofd", bytes: ofd.length },
    ]);
  });
});
