/**
 * The PDF fast path hides embedded font programs from pdf.js (they only serve
 * rendering). It must give the same text and the same geometry as the full path,
 * and must refuse PDFs where a font lacks a /ToUnicode map.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { hideFontPrograms, looksMisdecoded } from "../src/sources/_internal/font-programs.js";
import { withPdfDocument, type TextItem } from "../src/sources/_internal/pdfjs.js";
import { CORPUS, describeCorpus } from "./helpers.js";

async function items(bytes: Uint8Array): Promise<string[]> {
  return withPdfDocument(bytes, async (doc) => {
    const out: string[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const content = await (await doc.getPage(n)).getTextContent();
      for (const it of content.items as TextItem[]) out.push(`${n}|${it.str}|${it.transform.map((v) => v.toFixed(2)).join(",")}|${it.width.toFixed(2)}`);
    }
    return out;
  });
}

describeCorpus("hiding font programs", () => {
  const pdf = new Uint8Array(readFileSync(join(CORPUS, "huaian-2024.pdf")));

  it("keeps text and geometry identical on a real CID-font PDF", async () => {
    const fast = hideFontPrograms(pdf);
    expect(fast).not.toBeNull();
    expect(fast!.length).toBe(pdf.length);
    expect(Buffer.from(fast!).toString("latin1")).not.toMatch(/\/FontFile2 \d+ 0 R/);
    expect(await items(fast!)).toEqual(await items(pdf));
  });

  it("is refused when a font has no /ToUnicode", () => {
    const text = Buffer.from(pdf).toString("latin1").replace(/\/ToUnicode (\d+) 0 R/, "/ToUnicodX $1 0 R");
    expect(hideFontPrograms(Buffer.from(text, "latin1"))).toBeNull();
  });

  it("detects misdecoded text", () => {
    expect(looksMisdecoded("政府信息公开工作年度报告")).toBe(false);
    expect(looksMisdecoded("\ue001\ue002\ue003\ue004\ue005 abc")).toBe(true);
  });
});
