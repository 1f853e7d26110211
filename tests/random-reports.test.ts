/**
 * Reports of random figures (scripts/fixtures/random-reports.ts) in every form the fixture
 * renderers make — text dump, HTML, a crawler's glued dump, text-layer PDF, .docx, .doc,
 * OFD — with blanks, notes, signs, units and real reports' wordings drawn together.
 * Forms that keep a table's cells apart read every cell; flattened text, where a blank
 * leaves no trace, may leave cells null, but never a wrong value no issue names.
 */
import { describe, expect, it } from "vitest";
import { scorePair } from "../src/eval/score.js";
import { extractReport } from "../src/pipeline.js";
import { truthOf } from "../scripts/fixtures/model.js";
import { randomReport, renderRandom, RANDOM_KINDS } from "../scripts/fixtures/random-reports.js";

/** Seeds drawn: each is one report in all seven forms. */
const SEEDS = Array.from({ length: 24 }, (_, i) => 1000 + i);
/** Forms whose tables keep blank cells in their place. */
const CELLWISE = new Set(["html", "pdf", "docx", "doc", "ofd"]);

describe("random reports", () => {
  for (const kind of RANDOM_KINDS) {
    it(`as ${kind}: ${CELLWISE.has(kind) ? "every cell right" : "no silent wrong cell"}`, async () => {
      const silent: string[] = [];
      let wrong = 0;
      for (const seed of SEEDS) {
        const report = randomReport(seed);
        const input = await renderRandom(report, kind, { wording: true });
        const record = await extractReport(input);
        const score = scorePair(record as unknown as Record<string, unknown>, truthOf(report, { name: input.name, mediaType: "", pages: null, textSource: kind }) as Record<string, unknown>);
        wrong += score.wrong.length;
        silent.push(...score.wrong.filter((w) => !w.flagged).map((w) => `seed ${seed} ${w.path}: ${JSON.stringify(w.actual)} for ${JSON.stringify(w.expected)}`));
      }
      expect(silent).toEqual([]);
      if (CELLWISE.has(kind)) expect(wrong).toBe(0);
    }, 120_000);
  }
});
