/**
 * Every input format the README's input table names, read end to end from a real file
 * of that format:
 *   - text (UTF-8 with and without BOM, UTF-16 LE/BE with a BOM and by its NUL pattern,
 *     GB18030), HTML (UTF-8, and GBK declared as gb2312) and PDF through the CLI, each
 *     scored against its truth;
 *   - a scanned PDF and page images (PNG, JPEG, TIFF, GIF, BMP, WebP lossy and lossless)
 *     of one table page, read by OCR: made at test time by scripts/fixtures/images.ts
 *     (Skia, utif2, the project's BMP writer, pdfkit) and, encoded by other tools
 *     (cwebp, GraphicsMagick, netpbm), committed in fixtures/inputs/images/.
 * Also: damaged images are refused, never crash the process, and what merely looks
 * like an image by its first bytes is not taken for one.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scorePair } from "../src/eval/score.js";
import type { ReportRecord } from "../src/model/record.js";
import { extractFile } from "../src/pipeline.js";
import { closeSharedOcrPool } from "../src/sources/_internal/tesseract.js";
import { sniffFormat, sniffImageType } from "../src/sources/detect.js";
import { imageMediaType } from "../src/sources/image.js";
import { encodeGb18030 } from "../scripts/fixtures/encodings.js";
import { TABLE_PAGE_TRUTH, writeTablePageFiles } from "../scripts/fixtures/images.js";
import { FIXTURES, runCli, tempDir } from "./helpers.js";

const GENERATED = join(FIXTURES, "generated");
const truthOf = (id: string) => JSON.parse(readFileSync(join(GENERATED, `${id}.truth.json`), "utf8")) as Record<string, unknown>;

describe("text, HTML and PDF inputs", () => {
  const dir = tempDir("formats-text-");
  // qinghe-2020.txt is UTF-8 with a BOM; the other encodings are written from its text.
  const text = readFileSync(join(GENERATED, "qinghe-2020.txt"), "utf8").replace(/^\ufeff/, "");
  const write = (name: string, bytes: Buffer) => (writeFileSync(join(dir, name), bytes), join(dir, name));
  const utf16be = (s: string) => Buffer.from(s, "utf16le").swap16();
  const cases: { name: string; path: string; truth: string; source: Partial<ReportRecord["source"]> }[] = [
    { name: "utf8", path: write("utf8.txt", Buffer.from(text)), truth: "qinghe-2020", source: { mediaType: "text/plain", encoding: "utf-8" } },
    { name: "utf8-bom", path: join(GENERATED, "qinghe-2020.txt"), truth: "qinghe-2020", source: { mediaType: "text/plain", encoding: "utf-8" } },
    { name: "utf16le-bom", path: join(GENERATED, "qinghe-2020-utf16.txt"), truth: "qinghe-2020-utf16", source: { mediaType: "text/plain", encoding: "utf-16le" } },
    { name: "utf16be-bom", path: write("utf16be-bom.txt", Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(text)])), truth: "qinghe-2020", source: { mediaType: "text/plain", encoding: "utf-16be" } },
    { name: "utf16le-nul", path: write("utf16le-nul.txt", Buffer.from(text, "utf16le")), truth: "qinghe-2020", source: { mediaType: "text/plain", encoding: "utf-16le" } },
    { name: "utf16be-nul", path: write("utf16be-nul.txt", utf16be(text)), truth: "qinghe-2020", source: { mediaType: "text/plain", encoding: "utf-16be" } },
    { name: "gb18030", path: write("gb18030.txt", encodeGb18030(text)), truth: "qinghe-2020", source: { mediaType: "text/plain", encoding: "gb18030" } },
    { name: "html-utf8", path: join(GENERATED, "yunxi-2023.html"), truth: "yunxi-2023", source: { mediaType: "text/html", encoding: "utf-8" } },
    { name: "html-gbk", path: join(GENERATED, "yunxi-2023-gbk.html"), truth: "yunxi-2023-gbk", source: { mediaType: "text/html", encoding: "gb18030" } },
    { name: "pdf", path: join(GENERATED, "qinghe-2020.pdf"), truth: "qinghe-2020", source: { mediaType: "application/pdf", textSource: "pdf-text", pages: 5 } },
  ];
  const out = tempDir("formats-out-");
  const records = new Map<string, ReportRecord>();

  beforeAll(() => {
    // Copies under the case's name, so each record lands in out/<name>.json.
    const inputs = cases.map((c) => write(`${c.name}${c.path.slice(c.path.lastIndexOf("."))}`, readFileSync(c.path)));
    const result = runCli(["extract", "--out", out, ...inputs]);
    expect(result.stderr).not.toMatch(/nianbao: /);
    expect(result.status).toBe(0);
    for (const c of cases) records.set(c.name, JSON.parse(readFileSync(join(out, `${c.name}.json`), "utf8")) as ReportRecord);
  }, 120_000);

  it.each(cases.map((c) => [c.name, c] as const))("%s: every cell right, the encoding named", (_name, c) => {
    const record = records.get(c.name)!;
    expect(record.source).toMatchObject(c.source);
    const score = scorePair(record as unknown as Record<string, unknown>, truthOf(c.truth));
    expect(score.wrong).toEqual([]);
  });
});

describe("scanned PDF and page images", () => {
  const truth = JSON.parse(readFileSync(TABLE_PAGE_TRUTH, "utf8")) as { reviewLitigation: unknown };
  const committed = join(FIXTURES, "inputs/images");
  let made: Awaited<ReturnType<typeof writeTablePageFiles>>;
  beforeAll(async () => {
    made = await writeTablePageFiles(tempDir("formats-images-"));
  }, 120_000);
  afterAll(closeSharedOcrPool);

  const cases: [string, () => string, string][] = [
    ["scanned PDF (pdfkit, a JPEG page)", () => made.scanPdf, "application/pdf"],
    ["PNG (Skia)", () => made.png, "image/png"],
    ["JPEG (Skia)", () => made.jpeg, "image/jpeg"],
    ["TIFF (utif2)", () => made.tiff, "image/tiff"],
    ["GIF (Skia)", () => made.gif, "image/gif"],
    ["GIF (GraphicsMagick)", () => join(committed, "table-4.gm.gif"), "image/gif"],
    ["BMP, 8-bit grey palette (the project's writer)", () => made.bmp, "image/bmp"],
    ["BMP, 4-bit grey palette (netpbm)", () => join(committed, "table-4.netpbm.bmp"), "image/bmp"],
    // Bilevel pages, as archive scanners make them: only black and white pixels.
    ["PNG, 1 bit per pixel (netpbm)", () => join(committed, "table-4.netpbm-1bit.png"), "image/png"],
    ["TIFF, bilevel CCITT Group 4 (GraphicsMagick)", () => join(committed, "table-4.gm-g4.tif"), "image/tiff"],
    ["WebP lossy, extended container (Skia)", () => made.webpLossy, "image/webp"],
    ["WebP lossless, extended container (Skia)", () => made.webpLossless, "image/webp"],
    ["WebP lossy, simple VP8 (cwebp)", () => join(committed, "table-4.cwebp-lossy.webp"), "image/webp"],
    ["WebP lossless, simple VP8L (cwebp)", () => join(committed, "table-4.cwebp-lossless.webp"), "image/webp"],
  ];

  it.each(cases)("%s: read by OCR, table 四 exact", async (_name, path, mediaType) => {
    const record = await extractFile(path());
    expect(record.source).toMatchObject({ mediaType, textSource: "ocr", pages: 1 });
    expect(record.reviewLitigation).toEqual(truth.reviewLitigation);
  });

  it("names each image's media type by its bytes, WebP by its RIFF form and chunk", () => {
    const webp = readFileSync(made.webpLossy);
    expect(readFileSync(made.webpLossless).subarray(0, 16).toString("latin1")).toMatch(/^RIFF.{4}WEBPVP8X$/s);
    expect(readFileSync(join(committed, "table-4.cwebp-lossless.webp")).subarray(8, 16).toString("latin1")).toBe("WEBPVP8L");
    expect(readFileSync(join(committed, "table-4.cwebp-lossy.webp")).subarray(8, 16).toString("latin1")).toBe("WEBPVP8 ");
    expect(sniffImageType(webp)).toBe("image/webp");
    expect(imageMediaType(webp)).toBe("image/webp");
    // A RIFF that is not WebP (a WAVE sound) is not an image; nor is text that opens with "BM".
    const wave = Buffer.concat([Buffer.from("RIFF\x24\x00\x00\x00WAVEfmt ", "latin1"), Buffer.alloc(64, 1)]);
    expect(sniffImageType(wave)).toBeNull();
    expect(sniffFormat(Buffer.from("BM 报告\n".repeat(10)))).toBe("text");
    // Unknown bytes are refused, not labelled WebP.
    expect(() => imageMediaType(wave)).toThrow(expect.objectContaining({ code: "UNSUPPORTED_FORMAT" }));
  });

  it("refuses damaged images with UNSUPPORTED_FORMAT instead of crashing, and WebP with --ocr never", async () => {
    const dir = tempDir("formats-bad-");
    for (const [name, from] of [["cut.webp", made.webpLossy], ["cut.png", made.png], ["cut.gif", join(committed, "table-4.gm.gif")]] as const) {
      const path = join(dir, name);
      writeFileSync(path, readFileSync(from).subarray(0, 60)); // header cut short: Skia would end the process
      await expect(extractFile(path)).rejects.toMatchObject({ code: "UNSUPPORTED_FORMAT", message: expect.stringMatching(/cannot be decoded/) });
    }
    await expect(extractFile(made.webpLossless, { ocr: "never" })).rejects.toMatchObject({ code: "OCR_REQUIRED" });
  });
});
