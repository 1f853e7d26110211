/**
 * Chromium prints made with the Noto CJK fonts (fixtures/chromium-noto, made once by
 * scripts/gen-noto-prints.ts: CI has other fonts). Their text layers name radicals where
 * ideographs are drawn (生 as ⽣, 页 as ⻚), and Noto's wider type breaks the tables in
 * other places than the fonts the eval prints with.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { unifyRadicals } from "../src/layout/cjk.js";
import { extractScored, FIXTURES } from "./helpers.js";

const DIR = join(FIXTURES, "chromium-noto");
const RADICALS = /[\u2e80-\u2fdf]/u;

const read = (id: string) => extractScored(join(DIR, `${id}.pdf`), { provenance: true });

describe("Chromium prints with Noto CJK", () => {
  it("reads radicals in the text layer as the ideographs they draw", () => {
    expect(unifyRadicals("云溪县⽣态环境局 ⾸⻚ 厦⻔市⻓乐区 ⼾籍")).toBe("云溪县生态环境局 首页 厦门市长乐区 户籍");
    // Digits, Latin and other CJK punctuation stay as they are, one for one.
    expect(unifyRadicals("2023年（一）12.5万元")).toBe("2023年（一）12.5万元");
  });

  // Table 三's （六） rows stand on a page that rules the label and value columns only: the
  // group's label cell goes on across both breaks, and Chromium rules it on neither page.
  it("yunxi-2023 in a table 40 % wide: every cell right, a title wrapped before 告 whole", async () => {
    const { record, score } = await read("yunxi-2023-narrow40");
    expect(score.wrong).toEqual([]);
    expect(score.silent).toBe(0);
    expect(record.meta).toMatchObject({ title: "云溪县生态环境局2023年政府信息公开工作年度报告", organ: "云溪县生态环境局", year: 2023, template: "2021" });
    expect(JSON.stringify(record)).not.toMatch(RADICALS);
  }, 120_000);

  // A page break falls between 2.没有现成信息 and 3.补正后: neither edge is ruled, and each row prints its values.
  it("chengjiang-2022 landscape: two whole rows a break separated are not joined", async () => {
    const { record, score } = await read("chengjiang-2022-landscape");
    expect(score.wrong).toEqual([]);
    expect(record.issues.filter((i) => i.severity === "error")).toEqual([]);
    expect(JSON.stringify(record)).not.toMatch(RADICALS);
  }, 120_000);
});
