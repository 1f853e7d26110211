import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Issue } from "../src/model/issue.js";
import type { Provenance } from "../src/model/provenance.js";
import type { Applications, ReviewLitigation } from "../src/model/record.js";
import { alternatives, minimalRepairs, repairOcrReadings } from "../src/validate/repair.js";
import { CORPUS, describeCorpus } from "./helpers.js";

type Tables = { applications: Applications | null; reviewLitigation: ReviewLitigation | null };
type Grid = Record<string, Record<string, number | null>>;

/** The huaian tables with every cell marked as read by OCR (raw = printed value). */
function ocrTables(): { tables: Tables; provenance: Provenance } {
  const truth = JSON.parse(readFileSync(join(CORPUS, "huaian-2024.truth.json"), "utf8")) as Tables;
  const provenance: Provenance = {};
  for (const table of ["applications", "reviewLitigation"] as const) {
    for (const [row, values] of Object.entries(truth[table] as unknown as Grid)) {
      for (const [col, v] of Object.entries(values)) provenance[`${table}.${row}.${col}`] = { origin: { kind: "pdf", page: 4, box: [0, 0, 1, 1] }, raw: String(v), confidence: 90 };
    }
  }
  return { tables: truth, provenance };
}

function misread(t: { tables: Tables; provenance: Provenance }, path: string, raw: string, value: number | null, confidence = 60): void {
  const [table, row, col] = path.split(".") as ["applications" | "reviewLitigation", string, string];
  ((t.tables[table] as unknown as Grid)[row]!)[col] = value;
  t.provenance[path] = { ...t.provenance[path]!, raw, confidence };
}

describe("alternative readings", () => {
  it("covers look-alike digits, dropped and doubled digits", () => {
    const alts = alternatives("417");
    expect(alts.has(447)).toBe(true); // 1 ↔ 4
    expect(alts.has(47)).toBe(true); // a digit read twice
    expect(alts.has(4177)).toBe(true); // a digit not read
    expect(alts.has(917)).toBe(true); // 4 ↔ 9
    expect(alts.has(417)).toBe(false);
    expect(alternatives("8").has(3)).toBe(true);
  });
});

describeCorpus("repairOcrReadings", () => {
  it("repairs one misread cell when exactly one reading makes every identity hold", () => {
    const t = ocrTables();
    misread(t, "applications.partiallyGranted.naturalPerson", "417", 417);
    const { repairs, issues } = repairOcrReadings(t.tables, t.provenance);
    expect(repairs).toEqual([{ path: "applications.partiallyGranted.naturalPerson", read: "417", confidence: 60, value: 447 }]);
    expect(t.tables.applications?.partiallyGranted.naturalPerson).toBe(447);
    expect(issues[0]).toMatchObject({ code: "OCR_REPAIRED", severity: "warning", expected: 447, actual: "417" });
  });

  it("repairs a serif 1 read as 3 (\"11\" as \"31\" at 90, a 200-dpi scan)", () => {
    const t = ocrTables();
    misread(t, "applications.unableNeedsCreation.naturalPerson", "31", 31, 90);
    expect(repairOcrReadings(t.tables, t.provenance).repairs).toEqual([{ path: "applications.unableNeedsCreation.naturalPerson", read: "31", confidence: 90, value: 11 }]);
  });

  it("repairs table 三 when table 四 holds a misreading of its own it cannot repair: the two are independent", () => {
    // As a random report scanned black and white read: table 三's 91037 as 191037 beside table 四's 20 as 200.
    const t = ocrTables();
    misread(t, "applications.partiallyGranted.naturalPerson", "417", 417);
    misread(t, "reviewLitigation.review.corrected", "61", 61);
    const { repairs } = repairOcrReadings(t.tables, t.provenance);
    expect(repairs).toEqual([{ path: "applications.partiallyGranted.naturalPerson", read: "417", confidence: 60, value: 447 }]);
    // Table 四's group has one identity: which of its cells is off, it cannot say; the reading stays.
    expect(t.tables.reviewLitigation?.review.corrected).toBe(61);
  });

  it("repairs a cell with two digits misread as look-alikes when that one cell alone fits (\"11\" read \"34\" at 93)", () => {
    const t = ocrTables();
    misread(t, "applications.unableNeedsCreation.naturalPerson", "34", 34, 93);
    const { repairs, issues } = repairOcrReadings(t.tables, t.provenance);
    expect(repairs).toEqual([{ path: "applications.unableNeedsCreation.naturalPerson", read: "34", confidence: 93, value: 11 }]);
    expect(issues).toEqual([expect.objectContaining({ code: "OCR_REPAIRED", message: expect.stringContaining("two look-alike digits away") })]);
  });

  it("gives an unsure reading (below 50) the value of its count of digits that two identities require; a confident one keeps its reading", () => {
    // "67" read "14": two digits wrong, neither a look-alike. At 40 the readers disagreed: only the digit count stands.
    const unsure = ocrTables();
    misread(unsure, "applications.otherOverdueCorrection.naturalPerson", "14", 14, 40);
    const { repairs, issues } = repairOcrReadings(unsure.tables, unsure.provenance);
    expect(repairs).toEqual([{ path: "applications.otherOverdueCorrection.naturalPerson", read: "14", confidence: 40, value: 67 }]);
    expect(issues).toEqual([expect.objectContaining({ code: "OCR_REPAIRED", expected: 67, actual: "14", message: expect.stringContaining("the only value of 2 digits") })]);
    // Read at 90, "14" is what the page prints as far as OCR can tell: a report's own arithmetic error is kept.
    const confident = ocrTables();
    misread(confident, "applications.otherOverdueCorrection.naturalPerson", "14", 14, 90);
    expect(repairOcrReadings(confident.tables, confident.provenance).repairs).toEqual([]);
    expect((confident.tables.applications as unknown as Grid).otherOverdueCorrection!.naturalPerson).toBe(14);
    // Nor does an unsure reading take a value of another count of digits, unless one misread away ("5" cannot become 67).
    const shorter = ocrTables();
    misread(shorter, "applications.otherOverdueCorrection.naturalPerson", "5", 5, 40);
    expect(repairOcrReadings(shorter.tables, shorter.provenance).repairs).toEqual([]);
  });

  it("repairs two cells, one of them unreadable (stray marks)", () => {
    const t = ocrTables();
    misread(t, "applications.partiallyGranted.naturalPerson", "417", 417);
    misread(t, "applications.totalProcessed.otherOrganization", "人4", null);
    const { repairs } = repairOcrReadings(t.tables, t.provenance);
    expect(repairs.map((r) => [r.path, r.value]).sort()).toEqual([
      ["applications.partiallyGranted.naturalPerson", 447],
      ["applications.totalProcessed.otherOrganization", 4],
    ]);
  });

  it("does not repair a table 四 cell: its one identity cannot tell which of its cells was misread", () => {
    const t = ocrTables();
    misread(t, "reviewLitigation.review.corrected", "84", 84);
    // 84 → 64 fits, and so does 尚未审结 "37" → 17 (a serif 1 read as 3): two single-cell fits. And
    // were 84 → 64 the only one, a double misread elsewhere in the group would look the same.
    expect(minimalRepairs(t.tables, t.provenance)).toEqual([
      [{ path: "reviewLitigation.review.corrected", read: "84", confidence: 60, value: 64 }],
      [{ path: "reviewLitigation.review.pending", read: "37", confidence: 90, value: 17 }],
    ]);
    const { repairs, issues } = repairOcrReadings(t.tables, t.provenance);
    expect(repairs).toEqual([]);
    expect(issues).toEqual([]);
    expect(t.tables.reviewLitigation?.review.corrected).toBe(84);
  });

  it("counts two value pairs for the same two cells as two repairs", () => {
    const t = ocrTables();
    // A group read as 维持 "12", 纠正 "10", 其他 0, 尚未审结 0, 总计 "42" (only 维持 and 纠正 by OCR):
    // 12 + 10 ≠ 42. Both (2, 40) and (42, 0) fit, each one misread away per cell: two repairs, none applied.
    const group = (t.tables.reviewLitigation as unknown as Grid).litigationAfterReview!;
    Object.assign(group, { upheld: 12, corrected: 10, other: 0, pending: 0, total: 42 });
    for (const [col, v] of Object.entries(group)) {
      const p = t.provenance[`reviewLitigation.litigationAfterReview.${col}`]!;
      p.raw = String(v);
      if (col !== "upheld" && col !== "corrected") delete p.confidence;
    }
    const found = minimalRepairs(t.tables, t.provenance).map((r) => r.map((x) => `${x.path.split(".").at(-1)}=${x.value}`).sort().join(" "));
    expect(found.sort()).toEqual(["corrected=0 upheld=42", "corrected=40 upheld=2"]);
    const { repairs, issues } = repairOcrReadings(t.tables, t.provenance);
    expect(repairs).toEqual([]);
    expect(issues).toEqual([]);
    expect(group).toMatchObject({ upheld: 12, corrected: 10, total: 42 });
  });

  it("does not choose between two readings that both fit", () => {
    const t = ocrTables();
    // 72 read as 12: 72 (1↔7) fits, and so would 尚未审结 37 → 97 (3↔9).
    misread(t, "reviewLitigation.review.upheld", "12", 12);
    expect(repairOcrReadings(t.tables, t.provenance).repairs).toEqual([]);
  });

  it("leaves the readings when more than one repair fits", () => {
    const t = ocrTables();
    // 5 + 0 + 0 + 0 ≠ 6: upheld could be 6 (5↔6) or the total 5 (6↔5).
    const group = (t.tables.reviewLitigation as unknown as Grid).litigationAfterReview!;
    Object.assign(group, { upheld: 5, corrected: 0, other: 0, pending: 0, total: 6 });
    for (const [col, v] of Object.entries(group)) t.provenance[`reviewLitigation.litigationAfterReview.${col}`]!.raw = String(v);
    const { repairs, issues } = repairOcrReadings(t.tables, t.provenance);
    expect(repairs).toEqual([]);
    expect(issues).toEqual([]);
    expect(group.upheld).toBe(5);
  });

  it("takes a cell left null by an error (a row not placed) for unknown, not blank: no identity it is in repairs another cell", () => {
    // Every row of table 三 left null in turn, as a parse that could not place it leaves it, with
    // every other cell read right: any repair would change a right value. Counting the null
    // row as zeros, the identities it is in fail, and a cell one misread away from making
    // them hold again gets "repaired" (a correct 2 read as 25 on a scan, before this rule).
    const rows = Object.keys(ocrTables().tables.applications as unknown as Grid);
    let wrongWithoutTheRule = 0;
    for (const row of rows) {
      for (const withIssues of [false, true]) {
        const t = ocrTables();
        const values = (t.tables.applications as unknown as Grid)[row]!;
        for (const col of Object.keys(values)) {
          values[col] = null;
          delete t.provenance[`applications.${row}.${col}`];
        }
        const issues: Issue[] = [{ code: "CELLS_AMBIGUOUS", severity: "error", path: `applications.${row}`, message: "not placed" }];
        const { repairs } = repairOcrReadings(t.tables, t.provenance, undefined, withIssues ? issues : []);
        if (withIssues) expect(repairs, row).toEqual([]);
        else wrongWithoutTheRule += repairs.length;
      }
    }
    // The rule is what keeps the repair off: without the issues, some row's nulls lead it astray.
    expect(wrongWithoutTheRule).toBeGreaterThan(0);
  });

  it("never touches values that were not read by OCR", () => {
    const t = ocrTables();
    misread(t, "applications.partiallyGranted.naturalPerson", "417", 417);
    delete t.provenance["applications.partiallyGranted.naturalPerson"]!.confidence;
    const { repairs, issues } = repairOcrReadings(t.tables, t.provenance);
    expect(repairs).toEqual([]);
    expect(issues).toEqual([]);
    expect(t.tables.applications?.partiallyGranted.naturalPerson).toBe(417);
  });
});
