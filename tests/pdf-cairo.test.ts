/**
 * A PDF rewritten by poppler's cairo backend (`pdftocairo -pdf`), which places every glyph
 * itself: pdf.js reads 806.25 as the one text item "806. 25", a space after the point.
 * Split at the space, "806." went into the label and 25 became the fee, with no issue.
 * The item is read as the one number it is; and a label that carries a number while every
 * cell of its row is filled is named, since the row printed more numbers than it has
 * columns.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readCell } from "../src/templates/_shared/codecs.js";
import { Collector, flagUnreadCells, strayNumbers } from "../src/templates/_shared/collector.js";
import { extractScored, FIXTURES } from "./helpers.js";

const HAS_CAIRO = spawnSync("sh", ["-c", "command -v pdftocairo"]).status === 0;
const NO_CAIRO = "skipped: needs pdftocairo (poppler-utils, as .ci/run installs)";
const work = mkdtempSync(join(tmpdir(), "nianbao-cairo-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("numbers a label carries", () => {
  it("an amount whose decimals went elsewhere is one; an enumerator is not", () => {
    expect(strayNumbers("行政事业性收费806.")).toEqual(["806"]);
    expect(strayNumbers("1.属于国家秘密")).toEqual([]);
    expect(strayNumbers("（二）部分公开12")).toEqual(["12"]);
  });

  it("are named on the row when every cell is filled as well", () => {
    const out = new Collector();
    const cell = { text: "25", reading: readCell("25"), origin: { kind: "pdf" as const, page: 1, box: [0, 0, 0, 0] as [number, number, number, number] } };
    flagUnreadCells(out, "activeDisclosure.fees", { label: "行政事业性收费806.", values: [cell], lines: [0] }, [cell]);
    expect(out.issues).toMatchObject([{ code: "CELL_UNPARSED", path: "activeDisclosure.fees", actual: "806" }]);
  });
});

describe.skipIf(!HAS_CAIRO)(HAS_CAIRO ? "a PDF rewritten by pdftocairo" : `a PDF rewritten by pdftocairo [${NO_CAIRO}]`, () => {
  it("minghu-2021: reads 806.25 where the text layer holds 806. 25, every cell right", async () => {
    const out = join(work, "minghu-2021-cairo.pdf");
    const run = spawnSync("pdftocairo", ["-pdf", join(FIXTURES, "generated", "minghu-2021-cmap.pdf"), out]);
    expect(run.status, String(run.stderr)).toBe(0);
    const { record, score } = await extractScored(out, {}, join(FIXTURES, "generated", "minghu-2021-cmap.truth.json"));
    expect(score.wrong).toEqual([]);
    expect(record.activeDisclosure).toMatchObject({ fees: { amountWanYuan: 806.25 } });
  }, 120_000);
});
