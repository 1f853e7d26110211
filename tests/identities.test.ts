/** A deliberately broken number must surface as identity issues naming the right cells. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { extractReport } from "../src/pipeline.js";
import { CORPUS, corpusText, describeCorpus } from "./helpers.js";

const seed = corpusText("jixian-2020.txt");

function codesAt(issues: { code: string; path: string | null }[]) {
  return issues.filter((i) => i.code.startsWith("IDENTITY")).map((i) => `${i.code} ${i.path}`).sort();
}

describeCorpus("identity checks", () => {
  it("a clean report has no identity issue", async () => {
    const record = await extractReport({ bytes: Buffer.from(seed), name: "seed.txt" });
    expect(codesAt(record.issues)).toEqual([]);
  });

  it("a misprinted applicant cell fails its row and column identities, and the crossing cell is named", async () => {
    // （一）予以公开: 自然人 16 → 15, the totals stay as printed.
    const broken = seed.replace("（一）予以公开 16 2 0 0 0 0 18", "（一）予以公开 15 2 0 0 0 0 18");
    expect(broken).not.toBe(seed);
    const record = await extractReport({ bytes: Buffer.from(broken), name: "broken.txt" });
    expect(record.applications?.granted.naturalPerson).toBe(15); // the printed number is kept, never "fixed"
    expect(codesAt(record.issues)).toEqual([
      "IDENTITY_OUTCOMES applications.totalProcessed.naturalPerson",
      "IDENTITY_ROW_TOTAL applications.granted.total",
      "IDENTITY_SUSPECT_CELL applications.granted.naturalPerson",
    ]);
    const row = record.issues.find((i) => i.code === "IDENTITY_ROW_TOTAL")!;
    expect(row).toMatchObject({ severity: "error", expected: 17, actual: 18 });
  });

  it("a wrong 结转下年度 breaks the balance identity of its column", async () => {
    const broken = seed.replace("四、结转下年度继续办理 0 0 0 0 0 0 0", "四、结转下年度继续办理 0 0 0 0 0 0 3");
    const record = await extractReport({ bytes: Buffer.from(broken), name: "broken.txt" });
    expect(codesAt(record.issues)).toEqual(["IDENTITY_BALANCE applications.totalProcessed.total", "IDENTITY_ROW_TOTAL applications.carriedForward.total"]);
  });

  it("a wrong table 四 total is flagged on its group", async () => {
    const broken = seed.replace("0 0 0 0 0 0 0 0 0 0 0 0 0 0 0", "0 0 0 0 0 1 0 0 0 2 0 0 0 0 0");
    const record = await extractReport({ bytes: Buffer.from(broken), name: "broken.txt" });
    expect(record.reviewLitigation?.litigationDirect).toEqual({ upheld: 1, corrected: 0, other: 0, pending: 0, total: 2 });
    expect(codesAt(record.issues)).toEqual(["IDENTITY_REVIEW_TOTAL reviewLitigation.litigationDirect.total"]);
  });

  it("a broken number in an HTML table is flagged with its cell path and points back to its <td>", async () => {
    const html = readFileSync(join(CORPUS, "pingtan-2023.html"), "utf8");
    // The 自然人 cell of （一）予以公开 in table 三 prints 22: make it 21.
    const label = html.indexOf("予以公开", html.indexOf("本年新收"));
    const cell = html.indexOf(">22<", label);
    expect(label).toBeGreaterThan(0);
    const broken = `${html.slice(0, cell)}>21<${html.slice(cell + 4)}`;
    const record = await extractReport({ bytes: Buffer.from(broken), name: "p.html" });
    expect(record.applications?.granted.naturalPerson).toBe(21);
    expect(codesAt(record.issues)).toEqual([
      "IDENTITY_OUTCOMES applications.totalProcessed.naturalPerson",
      "IDENTITY_ROW_TOTAL applications.granted.total",
      "IDENTITY_SUSPECT_CELL applications.granted.naturalPerson",
    ]);
    expect(record.provenance?.["applications.granted.naturalPerson"]).toEqual({ origin: { kind: "html", table: 1, row: 5, col: 3 }, raw: "21" });
  });
});
