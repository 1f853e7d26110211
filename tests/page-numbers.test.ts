/**
 * Page numbers are dropped from a PDF's lines (they must never enter a table that goes on
 * across a page break), but a bare number at a page's top or bottom is a page number only
 * when it follows the document's numbering: a table value a page break put at the top of
 * a page ("12" of "12（含补正后3件）", chengjiang-2022's page printed landscape in a narrow
 * table) is text.
 */
import { describe, expect, it } from "vitest";
import { linesFromFragments, type Fragment, type PageFragments } from "../src/layout/pdf-lines.js";

const frag = (text: string, x0: number, baseline: number): Fragment => ({ text, x0, x1: x0 + [...text].length * 12, baseline, size: 12 });
const page = (n: number, fragments: Fragment[]): PageFragments => ({ page: n, width: 595, height: 842, fragments });
const body = (n: number) => [frag(`第${n}页的正文内容`, 90, 300), frag("政府信息公开工作年度报告正文", 90, 330)];
const texts = (pages: PageFragments[]) => linesFromFragments(pages).map((l) => l.cells.map((c) => c.text).join(" "));

describe("page numbers", () => {
  it("drops numbers that follow the page index, and decorated ones ('- 3 -')", () => {
    const lines = texts([page(1, body(1)), page(2, [...body(2), frag("1", 290, 820)]), page(3, [...body(3), frag("2", 290, 820)]), page(4, [...body(4), frag("- 3 -", 280, 820)])]);
    expect(lines.filter((t) => /^[\d\s-]+$/.test(t))).toEqual([]);
  });

  it("keeps a bare number at a page's top that the numbering does not explain", () => {
    const lines = texts([page(1, body(1)), page(2, [...body(2), frag("1", 290, 820)]), page(3, [frag("12", 220, 40), ...body(3), frag("2", 290, 820)])]);
    expect(lines).toContain("12");
    expect(lines).not.toContain("1");
    expect(lines).not.toContain("2");
  });

  it("without a numbering on other pages, takes a bare number for one only at the page's index or just below it", () => {
    expect(texts([page(1, body(1)), page(2, body(2)), page(5, [frag("12", 220, 40), ...body(5)])])).toContain("12");
    expect(texts([page(1, body(1)), page(2, body(2)), page(5, [...body(5), frag("4", 290, 820)])])).not.toContain("4");
  });
});
