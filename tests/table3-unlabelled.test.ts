/**
 * Table 三 rows whose labels OCR turned to noise, in a run that order alone cannot place
 * (pingtan-2021's borderless print scanned at 300 dpi): an alignment of the run is kept
 * only if the column identities over its rows hold, and a row is settled where every
 * alignment kept gives it the same values — never where one could give it others, and
 * never where no identity could be checked.
 */
import { describe, expect, it } from "vitest";
import { flatLabels, TEMPLATES } from "../src/definition/index.js";
import { readCell } from "../src/templates/_shared/codecs.js";
import { Collector } from "../src/templates/_shared/collector.js";
import type { TableRow } from "../src/templates/_shared/rows.js";
import { parseApplications } from "../src/templates/table3.js";

const row = (label: string, texts: string[], line: number): TableRow => ({
  label,
  values: texts.map((text) => ({ text, reading: readCell(text), origin: { kind: "text" as const, line: line + 1 } })),
  lines: [line],
});
const ZEROS = ["0", "0", "0", "0", "0", "0", "0"];
const ONE = ["1", "0", "0", "0", "0", "0", "1"];
const GARBLED: Record<string, string> = { deniedEndangersSafety: "稳定”", deniedThirdPartyRights: "4供关年= 二权益", deniedInternalAffairs: "不予公务信息属于三类内外吉" };

/** Every row of the 2021 table named, but for the three above; each outcome row 0 but 3.其他 = 1 (and 内部事务 = 1). */
function printed(options: { fragment?: boolean; totals?: boolean } = {}): TableRow[] {
  const keys = TEMPLATES["2021"].tables.applications.rows.map((r) => r.key);
  const out: TableRow[] = [];
  flatLabels(TEMPLATES["2021"].tables.applications).forEach((label, i) => {
    const key = keys[i]!;
    const values =
      key === "newReceived" || key === "totalProcessed" ? ["2", "0", "0", "0", "0", "0", "2"] : key === "deniedInternalAffairs" || key === "otherOther" ? ONE : ZEROS;
    // A wrapped label's rest, read as a row of four zeros of its own, before the garbled run.
    if (key === "deniedEndangersSafety" && options.fragment) out.push(row("规蔡止公开", ["0", "0", "0", "0"], out.length));
    if (key === "totalProcessed" && options.totals === false) out.push(row(label, [], out.length));
    else out.push(row(GARBLED[key] ?? label, values, out.length));
  });
  return out;
}

describe("table 三: a run of rows with unreadable labels", () => {
  it("is settled where every alignment the column totals allow gives a row the same values", () => {
    const out = new Collector();
    const result = parseApplications(printed({ fragment: true }), out, "2021");
    // 内部事务 is the only row of the run that can hold the 1 the 总计 needs; 第三方 is all
    // zeros whichever row it is; 三安全一稳定 may be the four zeros or the seven: left null.
    expect(result?.table.deniedInternalAffairs).toMatchObject({ naturalPerson: 1, total: 1 });
    expect(result?.table.deniedThirdPartyRights).toMatchObject({ naturalPerson: 0, total: 0 });
    expect(result?.table.deniedEndangersSafety).toMatchObject({ naturalPerson: null, total: null });
    const placed = out.issues.filter((i) => i.code === "CELLS_PLACED").map((i) => i.path);
    expect(placed.sort()).toEqual(["applications.deniedInternalAffairs", "applications.deniedThirdPartyRights"]);
    expect(out.issues.filter((i) => i.code === "CELLS_AMBIGUOUS").map((i) => i.path)).toEqual(["applications.deniedEndangersSafety"]);
  });

  it("is left null and flagged where no identity could check it (（七）总计 not printed)", () => {
    const out = new Collector();
    const result = parseApplications(printed({ fragment: true, totals: false }), out, "2021");
    expect(result?.table.deniedInternalAffairs).toMatchObject({ naturalPerson: null, total: null });
    expect(out.issues.filter((i) => i.code === "CELLS_PLACED")).toEqual([]);
    expect(out.issues.filter((i) => i.code === "CELLS_AMBIGUOUS").length).toBeGreaterThanOrEqual(3);
  });
});
