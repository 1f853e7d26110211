/**
 * Table 三 rows cut by a page break in a PDF whose producer rules the break anyway
 * (LibreOffice): the row's values with the first part of its label on one page, a row of
 * blank cells with the rest of the label on the next. The two are one row when neither
 * part names a template row and the whole does; a blank row that names its own row is
 * never joined to the row above.
 */
import { describe, expect, it } from "vitest";
import { flatLabels, TEMPLATES } from "../src/definition/index.js";
import type { LayoutCell, LayoutLine } from "../src/model/layout.js";
import { parseApplications } from "../src/templates/table3.js";
import { Collector } from "../src/templates/_shared/collector.js";
import { flowRows } from "../src/templates/_shared/rows.js";

const row = (label: string, values: string[], page = 1): LayoutLine => ({
  isTableRow: true,
  table: 20_000 + 100 * page,
  page,
  cells: [label, ...values].map((text, col): LayoutCell => ({ text, col, colSpan: 1, rowSpan: 1, origin: { kind: "pdf", page, box: [col * 50, 0, col * 50 + 45, 20] } })),
});

const BLANK = ["", "", "", "", "", "", ""];

describe("table 三: a row cut by a ruled page break", () => {
  const labels = flatLabels(TEMPLATES["2021"].tables.applications);
  const keys = TEMPLATES["2021"].tables.applications.rows.map((r) => r.key);
  const cut = keys.indexOf("deniedInternalAffairs");
  const blankRow = keys.indexOf("notProcessedDuplicate");
  const lines = labels.flatMap((label, i): LayoutLine[] => {
    const values = i === cut ? ["1", "0", "0", "0", "0", "0", "1"] : ["0", "0", "0", "0", "0", "0", "0"];
    if (i === cut) return [row(label.replace("部事务信息", ""), values), row("部事务信息", BLANK, 2)];
    // A row whose every cell is blank, first on its page: its own row, not the rest of the row above.
    if (i === blankRow) return [row(label, BLANK, 2)];
    return [row(label, values, i > cut ? 2 : 1)];
  });

  it("joins the two parts, and keeps a blank row that names itself apart", () => {
    const out = new Collector();
    const result = parseApplications(flowRows(lines, lines.map((_, i) => i)), out, "2021");
    expect(result?.table.deniedInternalAffairs).toMatchObject({ naturalPerson: 1, total: 1 });
    expect(result?.table.notProcessedDuplicate).toMatchObject({ naturalPerson: null, total: null });
    expect(out.issues.filter((i) => i.code === "UNKNOWN_LABEL" || i.code === "ROW_MISSING")).toEqual([]);
  });
});
