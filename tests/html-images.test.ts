/**
 * HTML report pages whose tables are pictures (issue 12, part 4). The pages are made at
 * test time (scripts/fixtures/html-images.ts: the ruled tables of the fixture PDFs cut
 * out as PNGs, the CMS page of the same report with its tables replaced by them), then
 * read as a saved page (pictures in <page>_files/), from data: URLs and from an assets
 * folder; a page whose pictures cannot be had names them in its TABLE_MISSING issues.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evaluateDir } from "../src/cli/commands/eval.js";
import type { ReportRecord } from "../src/model/record.js";
import { extractFile, extractReport } from "../src/pipeline.js";
import { closeSharedOcrPool } from "../src/sources/_internal/tesseract.js";
import { dataUrlBytes } from "../src/sources/html-images.js";
import { pictureCandidates } from "../src/sources/picture-files.js";
import { imageTablesHtml, tableImages, writeImageTablePages, type TableImage } from "../scripts/fixtures/html-images.js";
import { truthOf } from "../scripts/fixtures/model.js";
import { REPORTS } from "../scripts/fixtures/reports.js";
import { FIXTURES, runCli, tempDir } from "./helpers.js";

const GENERATED = join(FIXTURES, "generated");
const qinghe = REPORTS.qinghe2020();
const qingheTruth = truthOf(qinghe, { name: "x", mediaType: "text/html", pages: null, textSource: "mixed" }) as { reviewLitigation: unknown };

let images: TableImage[];
beforeAll(async () => {
  images = await tableImages(join(GENERATED, "qinghe-2020.pdf"));
}, 60_000);
afterAll(closeSharedOcrPool);

const review = () => images.filter((i) => i.table === "reviewLitigation");

describe("a saved page whose tables are pictures beside it", () => {
  it("scores like the OCR scans: every cell of both templates, none silently wrong", async () => {
    const dir = tempDir("html-images-");
    const pages = await writeImageTablePages(dir, GENERATED);
    expect(pages).toHaveLength(2);
    const { summary, kinds } = await evaluateDir(dir, { out: join(dir, "records") });
    expect(summary.reports).toBe(2);
    expect(summary.correct / summary.cells).toBeGreaterThanOrEqual(0.995);
    expect(summary.silent).toBe(0);
    expect(kinds.map((k) => k.kind)).toEqual(["html-images"]);
    const record = JSON.parse(readFileSync(join(dir, "records", "qinghe-2020-images.json"), "utf8")) as ReportRecord;
    expect(record.source).toMatchObject({ mediaType: "text/html", textSource: "mixed" });
    expect(record.meta).toMatchObject({ organ: qinghe.organ, year: 2020, template: "2019" });
    expect(record.sections.overview).toContain(qinghe.chapters.overview[0]!.slice(0, 20));
  }, 300_000);

  it("names every picture it could not have in the TABLE_MISSING issues, and does not guess", async () => {
    const dir = tempDir("html-images-missing-");
    const page = join(dir, "report.html");
    writeFileSync(page, imageTablesHtml(qinghe, images, (i) => `report_files/${i.name}`));
    const record = await extractFile(page);
    const missing = record.issues.filter((i) => i.code === "TABLE_MISSING");
    expect(missing.map((i) => i.path)).toEqual(["activeDisclosure", "applications", "reviewLitigation"]);
    for (const issue of missing) {
      for (const image of images) expect(issue.message).toContain(`report_files/${image.name}`);
      expect(issue.message).toMatch(/not found \(looked for .*report_files/);
    }
    expect(record.source.textSource).toBe("html");
    expect(record.reviewLitigation?.review.total).toBeNull();
  });

  it("with OCR off, says the pictures need it", async () => {
    const dir = tempDir("html-images-off-");
    mkdirSync(join(dir, "report_files"));
    for (const image of review()) writeFileSync(join(dir, "report_files", image.name), image.png);
    const page = join(dir, "report.html");
    writeFileSync(page, imageTablesHtml(qinghe, images, (i) => `report_files/${i.name}`, ["activeDisclosure", "applications"]));
    const record = await extractFile(page, { ocr: "never" });
    const issue = record.issues.find((i) => i.code === "TABLE_MISSING" && i.path === "reviewLitigation");
    expect(issue?.message).toContain("needs OCR");
  });
});

describe("pictures from data: URLs and from an assets folder", () => {
  it("reads a table given as a data: URL", async () => {
    const html = imageTablesHtml(qinghe, images, (i) => `data:image/png;base64,${i.png.toString("base64")}`, ["activeDisclosure", "applications"]);
    const record = await extractReport({ bytes: Buffer.from(html), name: "inline.html" });
    expect(record.reviewLitigation).toEqual(qingheTruth.reviewLitigation);
    expect(record.source.textSource).toBe("mixed");
    // Each value names the <img> it was read from (the page's logo is <img> 0) and its box in the picture's pixels.
    const origin = record.provenance!["reviewLitigation.review.total"]!.origin;
    expect(origin).toMatchObject({ kind: "html-image", image: 1 });
    if (origin.kind === "html-image") expect(origin.box[2]).toBeLessThanOrEqual(review()[0]!.width);
    expect(record.issues.filter((i) => i.severity === "error")).toEqual([]);
  }, 120_000);

  it("extract --assets DIR finds a page's site URLs by path in DIR; a DIR that is none is bad usage", () => {
    const dir = tempDir("html-images-assets-");
    const assets = join(dir, "assets");
    mkdirSync(join(assets, "uploads", "2021"), { recursive: true });
    for (const image of review()) writeFileSync(join(assets, "uploads", "2021", image.name), image.png);
    const page = join(dir, "page.html");
    writeFileSync(page, imageTablesHtml(qinghe, images, (i) => `https://www.example.gov.cn/uploads/2021/${i.name}`, ["activeDisclosure", "applications"]));
    const without = runCli(["extract", page]);
    expect(without.status).toBe(0);
    expect((JSON.parse(without.stdout) as ReportRecord).issues.find((i) => i.path === "reviewLitigation")?.message).toContain("www.example.gov.cn/uploads/2021/");
    const r = runCli(["extract", page, "--assets", assets]);
    expect(r.status, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as ReportRecord).reviewLitigation).toEqual(qingheTruth.reviewLitigation);
    expect(runCli(["extract", page, "--assets", join(dir, "nowhere")]).status).toBe(2);
  }, 120_000);
});

describe("where pictures are looked for", () => {
  it("beside the page, in <page>_files/ and in the assets folder — never outside them", () => {
    const page = "/data/saved/report.html";
    expect(pictureCandidates("report_files/t.png", page)).toEqual(["/data/saved/report_files/t.png"]);
    expect(pictureCandidates("/uploads/a/t.png?v=2", page, "/assets")).toEqual(["/data/saved/report_files/t.png", "/assets/uploads/a/t.png", "/assets/t.png"]);
    expect(pictureCandidates("../../etc/passwd", page)).toEqual(["/data/saved/report_files/passwd"]);
    expect(pictureCandidates("https://x.gov.cn/../../etc/t.png", page, "/assets")).toEqual(["/data/saved/report_files/t.png", "/assets/etc/t.png", "/assets/t.png"]);
    expect(pictureCandidates("file:///etc/t.png", page, "/assets")).toEqual([]);
  });

  it("data: URLs: base64 and percent-encoded", () => {
    expect(Buffer.from(dataUrlBytes("data:image/png;base64,iVBO Rw==")!).toString("hex")).toBe("89504e47");
    expect(Buffer.from(dataUrlBytes("data:,%89PNG")!).toString("latin1")).toBe("\x89PNG");
    expect(dataUrlBytes("report_files/t.png")).toBeNull();
  });
});
