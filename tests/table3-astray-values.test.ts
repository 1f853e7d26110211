/**
 * Table 三 where a row's values were pulled apart over lines (a borderless table printed
 * narrow): the row keeps the one value printed beside its label, and the rest arrive as a
 * row of values that names no template row. Those values are not placed by guess, but
 * the named rows printed next to them, whose cells stayed null, say they may be theirs:
 * no null is silent.
 */
import { describe, expect, it } from "vitest";
import { flatLabels, TEMPLATES } from "../src/definition/index.js";
import { readCell } from "../src/templates/_shared/codecs.js";
import { Collector } from "../src/templates/_shared/collector.js";
import type { TableRow, ValueCell } from "../src/templates/_shared/rows.js";
import { parseApplications } from "../src/templates/table3.js";

/** x-extents of the seven columns (points). */
const SPANS: [number, number][] = [287, 308, 330, 351, 381, 403, 424].map((x) => [x, x + 7]);

const value = (text: string, column: number): ValueCell => ({
  text,
  reading: readCell(text),
  origin: { kind: "pdf", page: 1, box: [SPANS[column]![0], 0, SPANS[column]![1], 10] },
  x: (SPANS[column]![0] + SPANS[column]![1]) / 2,
  span: SPANS[column]!,
});
const row = (label: string, texts: (string | null)[], line: number): TableRow => ({
  label,
  values: texts.flatMap((t, c) => (t === null ? [] : [value(t, c)])),
  lines: [line],
});

describe("table 三: values that name no row beside a row with null cells", () => {
  const labels = flatLabels(TEMPLATES["2021"].tables.applications);
  const keys = TEMPLATES["2021"].tables.applications.rows.map((r) => r.key);
  const rows = labels.flatMap((label, i): TableRow[] => {
    if (keys[i] === "newReceived") return [row(label, ["6", null, null, null, null, null, null], 2 * i), row("", [null, "0", "0", "2", "0", "4", "70"], 2 * i + 1)];
    return [row(label, ["0", "0", "0", "0", "0", "0", "0"], 2 * i)];
  });

  it("names the row above them, which keeps only what it printed", () => {
    const out = new Collector();
    const result = parseApplications(rows, out, "2021");
    expect(result?.table.newReceived).toMatchObject({ naturalPerson: 6, commercialEnterprise: null, total: null });
    const near = out.issues.filter((i) => i.code === "CELLS_AMBIGUOUS");
    // The row below (二、上年结转) printed every cell: nothing of its is in doubt.
    expect(near.map((i) => i.path)).toEqual(["applications.newReceived"]);
    expect(near[0]?.actual).toBe("0 0 2 0 4 70");
    expect(out.issues.some((i) => i.code === "UNKNOWN_LABEL")).toBe(true);
  });
});

describe("table 三: a row whose 总计 is blank while the others print theirs", () => {
  it("names the blank total, which may have gone unread", () => {
    const labels = flatLabels(TEMPLATES["2021"].tables.applications);
    const keys = TEMPLATES["2021"].tables.applications.rows.map((r) => r.key);
    const rows = labels.map((label, i) => row(label, keys[i] === "newReceived" ? ["151", "3", "0", "0", "0", "0", null] : ["0", "0", "0", "0", "0", "0", "0"], i));
    const out = new Collector();
    const result = parseApplications(rows, out, "2021");
    expect(result?.table.newReceived.total).toBeNull();
    expect(out.issues.filter((i) => i.code === "CELL_UNPARSED").map((i) => i.path)).toEqual(["applications.newReceived.total"]);
  });

  it("says nothing where the whole 总计 column is blank (a real variation)", () => {
    const labels = flatLabels(TEMPLATES["2021"].tables.applications);
    const rows = labels.map((label, i) => row(label, ["0", "0", "0", "0", "0", "0", null], i));
    const out = new Collector();
    parseApplications(rows, out, "2021");
    expect(out.issues.filter((i) => i.code === "CELL_UNPARSED")).toEqual([]);
  });
});
