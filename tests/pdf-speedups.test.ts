/**
 * pdf.js is sped up in place (sources/_internal/pdfjs*.ts): its text-state clone is
 * replaced. The text items must stay exactly those of an untouched pdf.js, which runs
 * here in a child process of its own; and the replacement must actually happen, or a
 * pdf.js upgrade has silently made the text path slower.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { textStateClonePatched } from "../src/sources/_internal/pdfjs-text-state.js";
import { PDFJS_DATA, withPdfDocument, type TextItem } from "../src/sources/_internal/pdfjs.js";
import { CORPUS, FIXTURES, itCorpus, ROOT } from "./helpers.js";

const describeItem = (page: number, it: TextItem) => `${page}|${it.str}|${it.fontName.replace(/^g_d\d+_/, "")}|${it.transform.map((v) => v.toFixed(3)).join(",")}|${it.width.toFixed(3)}|${it.height.toFixed(3)}`;

async function patchedItems(bytes: Uint8Array): Promise<string[]> {
  return withPdfDocument(bytes, async (doc) => {
    const out: string[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      for (const it of (await (await doc.getPage(n)).getTextContent()).items as TextItem[]) out.push(describeItem(n, it));
    }
    return out;
  });
}

/** The same items from pdf.js as published, in a process this project never touched. */
function untouchedItems(file: string): string[] {
  const script = `
const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
const { readFileSync } = await import("node:fs");
const doc = await pdfjs.getDocument({ data: new Uint8Array(readFileSync(${JSON.stringify(file)})), cMapUrl: ${JSON.stringify(PDFJS_DATA.cMapUrl)}, cMapPacked: true,
  standardFontDataUrl: ${JSON.stringify(PDFJS_DATA.standardFontDataUrl)}, isEvalSupported: false, disableFontFace: true, useSystemFonts: false, verbosity: 0 }).promise;
const describeItem = ${describeItem.toString()};
const out = [];
for (let n = 1; n <= doc.numPages; n++) for (const it of (await (await doc.getPage(n)).getTextContent()).items) out.push(describeItem(n, it));
process.stdout.write(JSON.stringify(out));
await doc.destroy();`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`plain pdf.js failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as string[];
}

describe("pdf.js text-state clone", () => {
  for (const file of [join(CORPUS, "huaian-2024.pdf"), join(FIXTURES, "generated/chengjiang-2022.pdf"), join(FIXTURES, "generated/minghu-2021-cmap.pdf")]) {
    (file.startsWith(CORPUS) ? itCorpus : it)(`gives the items of an untouched pdf.js (${file.split("/").pop()})`, async () => {
      const mine = await patchedItems(new Uint8Array(readFileSync(file)));
      expect(mine.length).toBeGreaterThan(100);
      expect(mine).toEqual(untouchedItems(file));
    });
  }

  it("is replaced, and Object.create is the native one again once documents close", () => {
    expect(textStateClonePatched()).toBe(true);
    expect(Object.create.toString()).toContain("[native code]");
  });
});
