/**
 * Bad input through the CLI: each case must end with its documented exit code, a
 * one-line message naming the file and the reason, no stack trace, and no output
 * file (not even a partial one).
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ERROR_CODES, type ErrorCode } from "../src/errors.js";
import { greyPng } from "../scripts/fixtures/png.js";
import { FIXTURES, runCli, tempDir } from "./helpers.js";

const work = tempDir();

function write(name: string, bytes: Uint8Array | string): string {
  const path = join(work, name);
  writeFileSync(path, bytes);
  return path;
}

/** A minimal valid PNG (grey, 8×8) — an image input needs OCR. */
const png = () => greyPng(8, 8, () => 0x80);
/** A WebP header (RIFF form WEBP, a lossy VP8 chunk) over junk: Skia cannot open it (and would end the process). */
const brokenWebp = () => Buffer.concat([Buffer.from("RIFF\x30\x00\x00\x00WEBPVP8 \x24\x00\x00\x00", "latin1"), Buffer.alloc(36, 0x55)]);

const pdfPath = join(FIXTURES, "generated/chengjiang-2022.pdf");
const pdf = readFileSync(pdfPath);

interface Case {
  name: string;
  code: ErrorCode;
  args: () => string[];
  message: RegExp;
}

const cases: Case[] = [
  { name: "missing file", code: "INPUT_NOT_FOUND", args: () => [join(work, "nope.pdf")], message: /nope\.pdf: no such file/ },
  {
    name: "a directory",
    code: "INPUT_UNREADABLE",
    args: () => {
      mkdirSync(join(work, "adir"), { recursive: true });
      return [join(work, "adir")];
    },
    message: /adir: the path is a directory/,
  },
  { name: "empty file", code: "INPUT_EMPTY", args: () => [write("empty.txt", "")], message: /empty\.txt: the file is empty/ },
  { name: "whitespace only", code: "INPUT_EMPTY", args: () => [write("blank.txt", " \n\t\n ")], message: /blank\.txt: the file contains only whitespace/ },
  { name: "over --max-bytes", code: "INPUT_TOO_LARGE", args: () => ["--max-bytes", "1000", pdfPath], message: new RegExp(`chengjiang-2022\\.pdf: the file is ${statSync(pdfPath).size} bytes, over the limit of 1000`) },
  {
    name: "binary junk",
    code: "UNSUPPORTED_FORMAT",
    args: () => [write("junk.bin", Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)))],
    message: /junk\.bin: the input is binary data/,
  },
  { name: "a zip archive", code: "UNSUPPORTED_FORMAT", args: () => [write("a.zip", Buffer.concat([Buffer.from("PK\u0003\u0004"), Buffer.alloc(100)]))], message: /a\.zip: the input is an archive/ },
  {
    name: "text that is no report",
    code: "NOT_A_REPORT",
    args: () => [write("notice.txt", "关于召开2024年度安全生产工作会议的通知\n各单位：\n定于3月5日上午9时在三楼会议室召开会议，请准时参加。\n")],
    message: /notice\.txt: the document does not read as a government information-disclosure annual report/,
  },
  {
    name: "an HTML page that is no report",
    code: "NOT_A_REPORT",
    args: () => [write("news.html", "<html><head><meta charset='utf-8'></head><body><h1>新闻</h1><p>今天天气晴。</p></body></html>")],
    message: /news\.html: the document does not read/,
  },
  { name: "truncated PDF", code: "PDF_CORRUPT", args: () => [write("truncated.pdf", pdf.subarray(0, Math.floor(pdf.length * 0.6)))], message: /truncated\.pdf: the PDF cannot be parsed/ },
  { name: "corrupt PDF", code: "PDF_CORRUPT", args: () => [write("corrupt.pdf", Buffer.concat([Buffer.from("%PDF-1.7\n"), Buffer.alloc(5000, 0x41)]))], message: /corrupt\.pdf: the PDF cannot be parsed/ },
  { name: "an image with OCR off", code: "OCR_REQUIRED", args: () => ["--ocr", "never", write("scan.png", png())], message: /scan\.png: the input is an image: reading it needs OCR/ },
  { name: "an image that holds no report", code: "NOT_A_REPORT", args: () => [write("blank.png", png())], message: /blank\.png: the document does not read/ },
  { name: "a WebP with OCR off", code: "OCR_REQUIRED", args: () => ["--ocr", "never", write("page.webp", brokenWebp())], message: /page\.webp: the input is an image: reading it needs OCR/ },
  { name: "a WebP whose header cannot be read", code: "UNSUPPORTED_FORMAT", args: () => [write("broken.webp", brokenWebp())], message: /broken\.webp: the image cannot be decoded \(its header is unreadable/ },
];

const inputs = join(FIXTURES, "inputs");
cases.push(
  { name: "encrypted PDF", code: "PDF_ENCRYPTED", args: () => [join(inputs, "encrypted.pdf")], message: /encrypted\.pdf: the PDF is encrypted with a password/ },
  { name: "PDF without a text layer, OCR off", code: "OCR_REQUIRED", args: () => ["--ocr", "never", join(inputs, "image-only.pdf")], message: /image-only\.pdf: the PDF has no usable text layer .* needs OCR/ },
  { name: "a scanned PDF that holds no report", code: "NOT_A_REPORT", args: () => [join(inputs, "image-only.pdf")], message: /image-only\.pdf: the document does not read/ },
  { name: "PDF that is no report", code: "NOT_A_REPORT", args: () => [join(inputs, "not-a-report.pdf")], message: /not-a-report\.pdf: the document does not read/ },
  // A government site's notice page: its menu links to 政府信息公开年报, which does not make it one.
  { name: "a site page that is no report", code: "NOT_A_REPORT", args: () => [join(inputs, "not-a-report.html")], message: /not-a-report\.html: the document does not read/ },
  { name: "empty file (fixture)", code: "INPUT_EMPTY", args: () => [join(inputs, "empty.txt")], message: /empty\.txt: the file is empty/ },
  { name: "seeded noise", code: "UNSUPPORTED_FORMAT", args: () => [join(inputs, "binary.bin")], message: /binary\.bin: the input is binary data/ },
);

describe("bad input through the CLI", () => {
  it.each(cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const out = tempDir("nianbao-out-");
    const result = runCli(["extract", "--out", out, ...c.args()]);
    expect(result.status).toBe(ERROR_CODES[c.code].exit);
    const messages = result.stderr.split("\n").filter((l) => l.startsWith("nianbao:"));
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(c.message);
    expect(messages[0]).toContain(`[${c.code}]`);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(readdirSync(out)).toEqual([]);
  });

  it("goes on with the other files and exits with the first error's code", () => {
    const out = tempDir("nianbao-out-");
    const good = join(work, "good.txt");
    copyFileSync(join(FIXTURES, "jixian-2020.txt"), good);
    const result = runCli(["extract", "--out", out, join(work, "missing.txt"), good]);
    expect(result.status).toBe(ERROR_CODES.INPUT_NOT_FOUND.exit);
    expect(readdirSync(out)).toEqual(["good.json"]);
  });

  it("usage errors exit 2 with the command's help", () => {
    const none = runCli(["extract"]);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/extract needs at least one FILE/);
    const unknown = runCli(["extract", "--bogus", "x"]);
    expect(unknown.status).toBe(2);
    expect(runCli(["frobnicate"]).status).toBe(2);
  });
});
