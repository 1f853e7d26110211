/**
 * A text-layer PDF whose pages are displayed turned (/Rotate 90, 180 or 270 over content
 * drawn upright — a page rotated by a tool, a portrait page turned for a table): its text
 * runs sideways in the displayed frame, and the reader turns the page back so that lines
 * and tables read as on an upright page. Checked by hand on 2026-11-29 with qpdf --rotate
 * on huaian-2024.pdf and on ruled and borderless Chromium prints: every cell right.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cmapReportPdf } from "../scripts/fixtures/cmap-pdf.js";
import { REPORTS } from "../scripts/fixtures/reports.js";
import { scorePair } from "../src/eval/score.js";
import { extractReport } from "../src/pipeline.js";
import { FIXTURES } from "./helpers.js";

const truth = JSON.parse(readFileSync(join(FIXTURES, "generated/minghu-2021-cmap.truth.json"), "utf8")) as Record<string, unknown>;

describe("a PDF whose pages are displayed turned", () => {
  for (const rotate of [0, 90, 180, 270]) {
    it(`reads every cell with /Rotate ${rotate}`, async () => {
      const { bytes } = cmapReportPdf(REPORTS.minghu2021(), rotate);
      const record = await extractReport({ bytes: new Uint8Array(bytes), name: `minghu-2021-rotate-${rotate}.pdf` });
      expect(record.meta).toMatchObject({ organ: "明湖县人民政府", year: 2021 });
      const score = scorePair(record as unknown as Record<string, unknown>, truth);
      expect(score.wrong).toEqual([]);
      expect(score.absent).toBe(0);
    }, 60_000);
  }
});
