/**
 * Text printed struck through is a deletion, not part of the report (src/layout/struck-text.ts).
 * LibreOffice exports a DOCX with its tracked changes showing: the fixture DOCX's deleted
 * "888" struck through before the inserted "15（含修订2件）", which read together made
 * 88815 — a silent wrong value. The PDFs are LibreOffice's own (fixtures/libreoffice,
 * made once by scripts/gen-libreoffice.ts).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { scorePair } from "../src/eval/score.js";
import type { Fragment } from "../src/layout/pdf-lines.js";
import { dropStruckText } from "../src/layout/struck-text.js";
import { extractReport } from "../src/pipeline.js";
import { FIXTURES } from "./helpers.js";

const extract = (id: string) => extractReport({ bytes: new Uint8Array(readFileSync(join(FIXTURES, "libreoffice", `${id}.pdf`))), name: `${id}.pdf` });
const truth = (id: string) => JSON.parse(readFileSync(join(FIXTURES, "generated", `${id}.truth.json`), "utf8")) as Record<string, unknown>;

describe("a PDF LibreOffice exported with tracked changes showing", () => {
  it.each([
    ["yunxi-2023-docx", "inForce", 15],
    ["qinghe-2020-docx", "totalPublished", 64],
  ] as const)("%s: the struck deletion is left out and said so; no cell is silently wrong", async (id, column, value) => {
    const record = await extract(id);
    expect(record.source).toMatchObject({ textSource: "pdf-text" });
    expect((record.activeDisclosure as Record<string, Record<string, unknown>>).normativeDocuments![column]).toBe(value);
    expect(record.issues.filter((i) => i.code === "TEXT_STRUCK").map((i) => i.message)).toContainEqual(expect.stringMatching(/"8+"/));
    const score = scorePair(record as unknown as Record<string, unknown>, truth(id));
    expect(score.wrong.filter((w) => !w.flagged)).toEqual([]);
    // LibreOffice lays out the DOCX's table 四 with its header cells too narrow for their
    // labels, over the values: that table is flagged, the rest is right.
    expect(score.wrong.every((w) => w.path.startsWith("reviewLitigation."))).toBe(true);
  });
});

describe("dropStruckText", () => {
  const fragment = (text: string, x0: number, x1: number): Fragment => ({ text, x0, x1, baseline: 100, size: 10 });
  const rule = (at: number, from: number, to: number) => ({ horizontal: [{ at, from, to, thickness: 0.7 }], vertical: [] });

  it("cuts the characters a line strikes through out of their fragment", () => {
    const { fragments, struck } = dropStruckText([fragment("88815", 50, 75)], rule(97, 50, 65));
    expect(struck).toEqual([{ text: "888", baseline: 100 }]);
    expect(fragments).toMatchObject([{ text: "15", x0: 65, x1: 75 }]);
  });

  it("leaves text under a ruling that runs on past it, and over an underline", () => {
    const text = [fragment("88815", 50, 75)];
    // A cell border through the text's middle (a tight row), as long as the table.
    expect(dropStruckText(text, rule(97, 20, 300)).struck).toEqual([]);
    // An underline: below the baseline.
    expect(dropStruckText(text, rule(101, 50, 75)).struck).toEqual([]);
    // A line at the top of the characters (a ruling above the row): not through their bodies.
    expect(dropStruckText(text, rule(92, 50, 65)).struck).toEqual([]);
  });
});
