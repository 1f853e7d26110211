/** The report's title, organ and year, as readMeta finds them in the first lines. */
import { describe, expect, it } from "vitest";
import type { LayoutLine } from "../src/model/layout.js";
import { readMeta } from "../src/templates/meta.js";

const lines = (...texts: string[]): LayoutLine[] => texts.map((text, i) => ({ cells: [{ text, origin: { kind: "text", line: i } }] }) as LayoutLine);

describe("readMeta", () => {
  it("reads organ and year from the title", () => {
    expect(readMeta(lines("淮安市人民政府", "2024年政府信息公开工作年度报告"), undefined)).toMatchObject({ organ: "淮安市人民政府", year: 2024 });
  });

  // A 200-dpi scan drawn without anti-aliasing: 告 read as 千. 工作年度报 names the report alone.
  it("takes a title whose last character OCR misread after 年度报", () => {
    expect(readMeta(lines("平潭综合实验区2023 年度政府信息公开工作年度报千"), undefined)).toMatchObject({ organ: "平潭综合实验区", year: 2023 });
  });

  it("takes no sentence that merely mentions a report for the title", () => {
    expect(readMeta(lines("本单位2023年按时报送了各类报表。"), undefined)).toMatchObject({ title: null, year: null });
  });
});
