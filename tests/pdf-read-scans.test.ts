/**
 * Scans another program has already read ("searchable PDFs": OCRmyPDF, Acrobat, scanner
 * software draw their reading over the page's picture as invisible text). That text is an
 * unchecked guess: read as the page's text, OCRmyPDF's layer over four of the eval's
 * 200-dpi scans gave 564 of 808 cells, 3 wrong with no issue. Such pages are read from
 * their picture, at its own resolution, as any scan: 808 of 808. fixtures/ocrmypdf holds
 * one (scripts/gen-ocrmypdf.ts); the operator lists are also built here by hand.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PipelineError } from "../src/errors.js";
import { isReadScan, onlyPicture, type PaintOps } from "../src/layout/hidden-text.js";
import type { Matrix } from "../src/layout/pdf-rulings.js";
import { extractFile } from "../src/pipeline.js";
import { loadPdfjs } from "../src/sources/_internal/pdfjs.js";
import { closeSharedOcrPool } from "../src/sources/_internal/tesseract.js";
import { extractScored, FIXTURES } from "./helpers.js";

const { OPS } = await loadPdfjs();
const ops = OPS as unknown as PaintOps & { beginText: number; endText: number };
const A4: Matrix = [595, 0, 0, 842, 0, 0];
type Op = [number, unknown[] | null];
const list = (opList: Op[]) => ({ fnArray: opList.map(([fn]) => fn), argsArray: opList.map(([, args]) => args) });
const picture = (matrix: Matrix = A4): Op[] => [[ops.save, null], [ops.transform, matrix], [ops.paintImageXObject, ["img_p0_1", 1654, 2339]], [ops.restore, null]];
const text = (mode: number): Op[] => [[ops.beginText, null], [ops.setTextRenderingMode, [mode]], [ops.showText, [[]]], [ops.endText, null]];

describe("a page's drawing", () => {
  it("a picture over the page with invisible text over it is a scan another program has read", () => {
    expect(isReadScan(list([...picture(), ...text(3)]), ops, [1, 0, 0, 1, 0, 0], 595, 842)).toBe(true);
    expect(onlyPicture(list([...text(3), ...picture()]), ops)).toEqual({ id: "img_p0_1", matrix: A4 });
  });

  it("is not when any of its text is drawn, or its picture covers less than half the page", () => {
    expect(isReadScan(list([...picture(), ...text(3), ...text(0)]), ops, [1, 0, 0, 1, 0, 0], 595, 842)).toBe(false);
    expect(isReadScan(list([...picture([300, 0, 0, 400, 0, 0]), ...text(3)]), ops, [1, 0, 0, 1, 0, 0], 595, 842)).toBe(false);
    expect(isReadScan(list(picture()), ops, [1, 0, 0, 1, 0, 0], 595, 842)).toBe(false);
  });

  it("a picture is the page's only one when nothing else is painted: visible text or a stroked path makes it no scan", () => {
    expect(onlyPicture(list([...picture(), ...text(0)]), ops)).toBeNull();
    expect(onlyPicture(list([...picture(), [ops.constructPath, [ops.stroke, [new Float32Array(0)]]]]), ops)).toBeNull();
    // A clip path paints nothing.
    expect(onlyPicture(list([[ops.constructPath, [ops.endPath, [new Float32Array(0)]]], ...picture()]), ops)?.id).toBe("img_p0_1");
    expect(onlyPicture(list([...picture(), ...picture()]), ops)).toBeNull();
  });
});

describe("an OCRmyPDF scan (fixtures/ocrmypdf)", () => {
  const file = join(FIXTURES, "ocrmypdf", "minghu-2021-ocrmypdf.pdf");

  it("is not read from its invisible text: with OCR off it needs OCR", async () => {
    const refused = extractFile(file, { ocr: "never" });
    await expect(refused).rejects.toBeInstanceOf(PipelineError);
    await expect(refused).rejects.toMatchObject({ code: "OCR_REQUIRED" });
  });

  it("is read from its pictures: every cell right or flagged", async () => {
    try {
      const { score } = await extractScored(file);
      expect(score.silent).toBe(0);
      expect(score.absent).toBe(0);
      expect(score.correct).toBeGreaterThanOrEqual(198);
    } finally {
      await closeSharedOcrPool();
    }
  }, 300_000);
});
