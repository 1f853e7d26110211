/**
 * Ruled tables in PDFs read by their grid (lattice): the rulings come from the page's
 * drawing operators, the grid from the code the OCR path uses on pixels, and each text
 * item goes to the cell that holds it, so a value sits under its column and a blank
 * stays blank.
 *
 * The browser prints are made at test time by headless Chromium (Debian's `chromium`,
 * through scripts/fixtures/prints.ts, cached under the OS temp dir) from the project's
 * HTML fixture and the shared corpus pages; without chromium those tests are skipped,
 * with the reason.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { scorePair } from "../src/eval/score.js";
import { buildGrids } from "../src/layout/grid.js";
import { latticeTables } from "../src/layout/pdf-lattice.js";
import { linesFromFragments, type PageFragments } from "../src/layout/pdf-lines.js";
import { vectorRulings, type Matrix, type PdfOps } from "../src/layout/pdf-rulings.js";
import type { LayoutLine } from "../src/model/layout.js";
import { extractFile } from "../src/pipeline.js";
import { loadPdfjs, withPdfDocument } from "../src/sources/_internal/pdfjs.js";
import { readPages, readPdf } from "../src/sources/pdf.js";
import { mayHoldTable } from "../src/layout/pdf-table-page.js";
import { createLogger } from "../src/log.js";
import { chromiumVersion, printFontsMissing, printHtml, withStylesheet } from "../scripts/fixtures/prints.js";
import { CORPUS, FIXTURES, HAS_CORPUS, itCorpus } from "./helpers.js";

const NO_FONT = printFontsMissing();
const HAS_CHROMIUM = (await chromiumVersion()) !== null && !NO_FONT;
const NO_CHROMIUM = NO_FONT
  ? `skipped: prints are made with a font this machine lacks: ${NO_FONT}`
  : "skipped: needs headless Chromium (Debian's chromium, as .ci/run installs; NIANBAO_CHROMIUM=path to override)";

/** An HTML file printed to PDF with its own styles by headless Chromium (scripts/fixtures/prints.ts, cached), `style` added to its <head> first. */
function print(html: string, style = ""): Promise<string> {
  const bytes = readFileSync(html);
  return printHtml(style ? withStylesheet(bytes, `<style>${style}</style>`) : bytes, "ruled");
}

const log = createLogger({ test: "pdf-lattice" });
const context = { name: "x.pdf", log, ocr: { mode: "never", dpi: 300, pageTimeoutMs: 120_000, workers: 1 } } as unknown as Parameters<typeof readPdf>[1];

async function layoutOf(file: string): Promise<LayoutLine[]> {
  return (await readPdf(new Uint8Array(readFileSync(file)), context)).layout.lines;
}

/** An operator list as pdf.js 5 gives it, made by hand: constructPath carries [paint op, [path buffer], minMax]. */
const OPS = { save: 10, restore: 11, transform: 12, setLineWidth: 2, setGState: 9, constructPath: 91, paintFormXObjectBegin: 74, paintFormXObjectEnd: 75, stroke: 20, closeStroke: 21, fill: 22, eoFill: 23, fillStroke: 24, eoFillStroke: 25, closeFillStroke: 26, closeEOFillStroke: 27 } satisfies PdfOps;
const MOVE = 0;
const LINE = 1;
const CLOSE = 4;
const rect = (x: number, y: number, w: number, h: number) => [MOVE, x, y, LINE, x + w, y, LINE, x + w, y + h, LINE, x, y + h, CLOSE];

describe("vector rulings", () => {
  it("finds stroked lines and thin filled rectangles under the current transform, and ignores backgrounds", () => {
    // Page 200 pt high: the viewport flips y (PDF user space has its origin at the bottom).
    const base: Matrix = [1, 0, 0, -1, 0, 200];
    const list = {
      fnArray: [OPS.save, OPS.transform, OPS.setLineWidth, OPS.constructPath, OPS.restore, OPS.constructPath, OPS.constructPath],
      argsArray: [
        null,
        [2, 0, 0, 2, 10, 10], // scale by 2, then move by (10, 10)
        [0.5],
        [OPS.stroke, [new Float32Array([MOVE, 0, 0, LINE, 50, 0, MOVE, 0, 0, LINE, 0, 40])], null],
        null,
        [OPS.fill, [new Float32Array(rect(100, 50, 80, 0.75))], null], // a border drawn as a filled bar
        [OPS.fill, [new Float32Array(rect(100, 60, 80, 30))], null], // a cell background
      ],
    };
    const r = vectorRulings(list, OPS, base);
    expect(r.horizontal).toEqual([
      { at: 149.625, from: 100, to: 180, thickness: 0.75 },
      { at: 190, from: 10, to: 110, thickness: 1 },
    ]);
    expect(r.vertical).toEqual([{ at: 10, from: 110, to: 190, thickness: 1 }]);
  });

  it("joins a border drawn cell by cell into one line", () => {
    const base: Matrix = [1, 0, 0, 1, 0, 0];
    const pieces = [0, 40, 80].map((x) => [OPS.fill, [new Float32Array(rect(x, 100, 40.5, 0.5))], null]);
    const r = vectorRulings({ fnArray: pieces.map(() => OPS.constructPath), argsArray: pieces }, OPS, base);
    expect(r.horizontal).toHaveLength(1);
    expect(r.horizontal[0]).toMatchObject({ from: 0, to: 120.5 });
  });
});

describe("lattice: text placed by cell", () => {
  // A 3 × 3 table (rows 0–20–40–60, columns 0–100–150–200) whose first row's last two
  // cells are merged, and whose middle cell of the last row is blank.
  const h = (at: number) => ({ at, from: 0, to: 200, thickness: 0.5 });
  const v = (at: number, from = 0) => ({ at, from, to: 60, thickness: 0.5 });
  const frag = (text: string, x0: number, baseline: number) => ({ text, x0, x1: x0 + 6 * text.length, baseline, size: 10 });
  const page: PageFragments = {
    page: 1,
    width: 300,
    height: 300,
    rulings: { horizontal: [h(0), h(20), h(40), h(60)], vertical: [v(0), v(100), v(150, 20), v(200)] },
    fragments: [frag("申请人", 10, 14), frag("总计", 160, 14), frag("新收", 10, 34), frag("12", 110, 34), frag("34", 160, 34), frag("结转", 10, 54), frag("7", 160, 54), frag("正文", 10, 100)],
  };

  it("makes grid rows with columns and spans; a blank cell stays in its column, empty", () => {
    const { lines, rest } = latticeTables(page);
    expect(rest.map((f) => f.text)).toEqual(["正文"]);
    expect(lines.map((l) => l.cells.map((c) => [c.col, c.colSpan, c.text]))).toEqual([
      [
        [0, 1, "申请人"],
        [1, 2, "总计"],
      ],
      [
        [0, 1, "新收"],
        [1, 1, "12"],
        [2, 1, "34"],
      ],
      [
        [0, 1, "结转"],
        [1, 1, ""],
        [2, 1, "7"],
      ],
    ]);
    expect(lines.every((l) => l.isTableRow && l.table === lines[0]!.table)).toBe(true);
  });

  it("closes a table whose top ruling a page break left out (its lines run on above the first row)", () => {
    const open = { ...page, rulings: { horizontal: [h(20), h(40), h(60)], vertical: [v(0), v(100), v(150), v(200)] } };
    const { lines } = latticeTables(open);
    expect(lines).toHaveLength(3);
    expect(lines[0]!.cells.map((c) => c.text)).toEqual(["申请人", "", "总计"]);
  });
});

describe("lattice: a row cut by a page break", () => {
  const frag = (text: string, x0: number, baseline: number) => ({ text, x0, x1: x0 + 6 * text.length, baseline, size: 10 });
  const h = (at: number) => ({ at, from: 0, to: 200, thickness: 0.5 });
  const v = (at: number, from: number, to: number) => ({ at, from, to, thickness: 0.5 });
  // Page 1: a table whose last row runs into the page's bottom margin with no ruling under it;
  // page 2: the rest of that row ("持"), then a whole row, the top edge not drawn.
  const page1: PageFragments = {
    page: 1,
    width: 300,
    height: 300,
    rulings: { horizontal: [h(200), h(220)], vertical: [v(0, 200, 280), v(100, 200, 280), v(200, 200, 280)] },
    fragments: [frag("甲", 10, 214), frag("乙", 110, 214), frag("结果维", 10, 250), frag("12", 110, 250)],
  };
  const page2: PageFragments = {
    page: 2,
    width: 300,
    height: 300,
    rulings: { horizontal: [h(40), h(60)], vertical: [v(0, 20, 60), v(100, 20, 60), v(200, 20, 60)] },
    fragments: [frag("持", 10, 34), frag("其他", 10, 54), frag("3", 110, 54)],
  };

  it("joins the two parts into one row of one table", () => {
    const rows = linesFromFragments([page1, page2]).filter((l) => l.isTableRow);
    expect(rows.map((l) => [l.page, l.cells.map((c) => c.text)])).toEqual([
      [1, ["甲", "乙"]],
      [1, ["结果维持", "12"]],
      [2, ["其他", "3"]],
    ]);
    expect(new Set(rows.map((l) => l.table)).size).toBe(1);
  });

  it("keeps a whole row that starts the next page apart", () => {
    const ruled = { ...page1, rulings: { ...page1.rulings!, horizontal: [h(200), h(220), h(280)] } };
    const rows = linesFromFragments([ruled, page2]).filter((l) => l.isTableRow);
    expect(rows.map((l) => l.cells.map((c) => c.text))).toEqual([["甲", "乙"], ["结果维", "12"], ["持", ""], ["其他", "3"]]);
  });
});

describe("lattice: underlined text is not a ruling", () => {
  // A two-line label whose lines are underlined (LibreOffice draws <u> as a line under each
  // line of text, reaching almost to the cell's edges): the underlines must not cut the cell.
  const frag = (text: string, x0: number, baseline: number) => ({ text, x0, x1: x0 + 10 * text.length, baseline, size: 10 });
  const h = (at: number, from = 0, to = 200) => ({ at, from, to, thickness: 0.8 });
  const v = (at: number) => ({ at, from: 0, to: 60, thickness: 0.5 });
  const page: PageFragments = {
    page: 1,
    width: 300,
    height: 300,
    rulings: {
      // The table's lines at 0, 20 and 60; underlines at baseline + 1 under "5.要求行政机" and "关确认或重新".
      horizontal: [h(0), h(20), h(60), h(35, 3, 73), h(51, 3, 63)],
      vertical: [v(0), v(100), v(200)],
    },
    fragments: [frag("甲", 5, 14), frag("乙", 105, 14), frag("5.要求行政机", 3, 34), frag("关确认或重新", 3, 50), frag("0", 105, 42)],
  };

  it("keeps a cell whose lines are underlined one cell of one row", () => {
    const { lines } = latticeTables(page);
    expect(lines.map((l) => l.cells.map((c) => c.text))).toEqual([
      ["甲", "乙"],
      ["5.要求行政机关确认或重新", "0"],
    ]);
  });

  it("keeps a table ruled only between its rows: a line under a row is a ruling when text covers little of it", () => {
    const rowsOnly: PageFragments = { ...page, rulings: { horizontal: [h(0), h(20), h(60)], vertical: [v(0), v(100), v(200)] }, fragments: [frag("甲", 5, 19.5), frag("乙", 105, 19.5)] };
    expect(latticeTables(rowsOnly).lines).toHaveLength(2);
  });
});

describe("lattice on the project's own PDFs", () => {
  it("builds table 三's grid, merged cells included, from the drawing operators of qinghe-2020.pdf", async () => {
    const { OPS: ops } = await loadPdfjs();
    const grids = await withPdfDocument(new Uint8Array(readFileSync(join(FIXTURES, "generated/qinghe-2020.pdf"))), async (doc) => {
      const page = await doc.getPage(3);
      return buildGrids(vectorRulings(await page.getOperatorList(), ops, page.getViewport({ scale: 1 }).transform as Matrix), 2, { closeOpenEnds: true });
    });
    const table3 = grids.find((g) => g.xs.length - 1 === 10)!;
    expect(table3).toBeDefined();
    expect(table3.ys.length - 1).toBeGreaterThanOrEqual(18);
    expect(table3.cells.some((c) => c.rowSpan > 1)).toBe(true);
    expect(table3.cells.some((c) => c.colSpan > 1)).toBe(true);
  });

  it("hands table rows to the parsers as grid rows, each value in its cell", async () => {
    const lines = await layoutOf(join(FIXTURES, "generated/qinghe-2020.pdf"));
    const rows = lines.filter((l) => l.isTableRow);
    expect(rows.length).toBeGreaterThan(30);
    const newReceived = rows.find((l) => l.cells[0]?.text.includes("本年新收"))!;
    expect(newReceived.cells.slice(1).every((c) => c.col !== undefined && /^\d+$/.test(c.text))).toBe(true);
  });
});

const pages = ["pingtan-2021", "pingtan-2022", "pingtan-2023", "pingtan-2025"];

describe.skipIf(!HAS_CHROMIUM)(HAS_CHROMIUM ? "browser prints (Chromium)" : `browser prints [${NO_CHROMIUM}]`, () => {
  it("reads the print of the yunxi-2023 fixture: every cell, blanks left null", async () => {
    const pdf = await print(join(FIXTURES, "generated/yunxi-2023.html"));
    const truth = JSON.parse(readFileSync(join(FIXTURES, "generated/yunxi-2023.truth.json"), "utf8")) as Record<string, Record<string, Record<string, number | null>>>;
    const record = await extractFile(pdf, { provenance: false });
    const score = scorePair(record as unknown as Record<string, unknown>, truth);
    expect(score.wrong).toEqual([]);
    // Before the lattice reading: 200/202, a row of （五） missing.
    expect(record.issues.filter((i) => i.code === "ROW_MISSING" || i.code === "CELLS_AMBIGUOUS")).toEqual([]);
    const blanks = Object.entries(truth.applications!).flatMap(([row, cells]) => Object.entries(cells).filter(([, v]) => v === null).map(([col]) => [row, col] as const));
    expect(blanks.length).toBeGreaterThan(0);
    const applications = record.applications as unknown as Record<string, Record<string, number | null>>;
    for (const [row, col] of blanks) expect(applications[row]![col], `${row}.${col}`).toBeNull();
  }, 240_000);

  it.skipIf(!HAS_CORPUS).each(pages)("reads the print of %s: every cell right, none silent", async (id) => {
    const pdf = await print(join(CORPUS, `${id}.html`));
    const truth = JSON.parse(readFileSync(join(CORPUS, `${id}.truth.json`), "utf8")) as Record<string, unknown>;
    const record = await extractFile(pdf, { provenance: false });
    const score = scorePair(record as unknown as Record<string, unknown>, truth);
    // Before: 201, 197, 200 and 198 of 202 (pingtan-2021 … 2025), rows at page breaks lost.
    expect(score.wrong).toEqual([]);
    expect(score.silent).toBe(0);
    expect(record.issues.filter((i) => i.severity === "error")).toEqual([]);
  }, 240_000);

  // On A5 paper the tables break over more pages: rows land alone on a page without their
  // top ruling, a tall row is cut in two by the break ("…政府信息公" / "开申请", pingtan-2025),
  // and numbers wrap in their narrow cells ("3" over "0" is 30, pingtan-2021).
  it.skipIf(!HAS_CORPUS).each(pages)("reads the A5 print of %s: every cell right, every row found", async (id) => {
    const pdf = await print(join(CORPUS, `${id}.html`), "@page { size: A5 }");
    const truth = JSON.parse(readFileSync(join(CORPUS, `${id}.truth.json`), "utf8")) as Record<string, unknown>;
    const record = await extractFile(pdf, { provenance: false });
    const score = scorePair(record as unknown as Record<string, unknown>, truth);
    expect(score.wrong).toEqual([]);
    expect(record.issues.filter((i) => i.severity === "error" || i.code === "UNKNOWN_LABEL")).toEqual([]);
  }, 240_000);

  // Separate borders (border-spacing): every cell its own box, two lines a few points apart at each boundary.
  it.skipIf(!HAS_CORPUS)("reads a print whose cells have separate borders", async () => {
    const pdf = await print(join(CORPUS, "pingtan-2025.html"), "table { border-collapse: separate !important; border-spacing: 2px !important; border: 1px solid #000 !important } td { border: 1px solid #000 !important }");
    const truth = JSON.parse(readFileSync(join(CORPUS, "pingtan-2025.truth.json"), "utf8")) as Record<string, unknown>;
    const score = scorePair((await extractFile(pdf, { provenance: false })) as unknown as Record<string, unknown>, truth);
    expect(score.wrong).toEqual([]);
  }, 240_000);
});

/**
 * Listing a page's drawing operators costs pdf.js about as much as its text, so only the
 * pages that may hold a table get their rulings (layout/pdf-table-page.ts). Held to what
 * the lattice does with every page's rulings: no page whose grid holds a value is skipped.
 */
describe("rulings listed only where a table may be", () => {
  const quiet = { log: createLogger({ test: "pdf-lattice" }) };
  /** Pages whose rulings make a grid that takes a number, and the pages mayHoldTable accepts. */
  async function pagesOf(file: string) {
    const pages = await readPages(new Uint8Array(readFileSync(file)), quiet, { rulings: "all" });
    const gridded = pages.filter((p) => latticeTables(p).lines.some((l) => l.cells.some((c) => /\d/.test(c.text)))).map((p) => p.page);
    const accepted = pages.filter((p) => mayHoldTable(p.fragments)).map((p) => p.page);
    return { gridded, accepted };
  }

  itCorpus("skips the prose pages of huaian-2024.pdf (WPS: digits in runs of their own) and keeps its table pages", async () => {
    const { gridded, accepted } = await pagesOf(join(CORPUS, "huaian-2024.pdf"));
    expect(gridded).toEqual([3, 4, 5]);
    expect(accepted).toEqual([3, 4, 5]);
  });

  it.each(["chengjiang-2022.pdf", "qinghe-2020.pdf"])("keeps every table page of %s", async (name) => {
    const { gridded, accepted } = await pagesOf(join(FIXTURES, "generated", name));
    expect(gridded.length).toBeGreaterThan(0);
    expect(accepted).toEqual(expect.arrayContaining(gridded));
  });

  // Narrow columns put values a few points apart; A5 leaves a table's tail of two or three values on a page.
  it.skipIf(!HAS_CHROMIUM || !HAS_CORPUS).each(pages)("keeps every table page of the prints of %s (A5, narrow)", async (id) => {
    for (const style of ["@page { size: A5 }", "table { width: 60% !important }"]) {
      const { gridded, accepted } = await pagesOf(await print(join(CORPUS, `${id}.html`), style));
      expect(gridded.length, style).toBeGreaterThan(0);
      expect(accepted, style).toEqual(expect.arrayContaining(gridded));
    }
  }, 240_000);
});
