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

  // A CMS page printed and scanned: OCR dropped the last character of the title's line and
  // of the period's; a link to last year's report further down must not name the year.
  it("takes a title and a period whose lines lost their last character", () => {
    const menu = "首页 政务公开 政府信息公开 政府机构 政府会议 最新文件 政策文件库 政府工作报告 公示公告 规划信息 人事信息 统计信息 数据开放 重点领域信息公开 专题专栏";
    const page = lines(menu, "当前位置 : 首页 > 政务公开 > 政府信息公开年报", "云溪具生态环境局2023 年政府信息公开工作年度报", "本报告根据《中华人民共和国政府信息公开条例》编制，统计期限为2023 年 1月1 日至2023 年12 月 31", "(一) 主动公开。", "。2022年政府信息公开工作年度报告");
    expect(readMeta(page, undefined)).toMatchObject({ title: "云溪具生态环境局2023年政府信息公开工作年度报", organ: "云溪具生态环境局", year: 2023 });
    expect(readMeta(page, undefined).yearConflict).toBeUndefined();
  });

  // A page printed narrow (or in a wider font) wraps its title before the last character or two.
  it("takes a title that a print wrapped onto the next line", () => {
    const meta = ["首页", "当前位置：首页 > 政务公开 > 政府信息公开年报", "索引号：11530000-2023-00123 发布机构：云溪县生态环境局"];
    expect(readMeta(lines(...meta, "云溪县生态环境局2023年政府信息公开工作年度报", "告", "来源：云溪县生态环境局办公室"), undefined)).toMatchObject({ title: "云溪县生态环境局2023年政府信息公开工作年度报告", organ: "云溪县生态环境局", year: 2023 });
    expect(readMeta(lines(...meta, "云溪县生态环境局2023年政府信息公开工作", "年度报告", "来源：云溪县生态环境局办公室"), undefined)).toMatchObject({ title: "云溪县生态环境局2023年政府信息公开工作年度报告", year: 2023 });
    expect(readMeta(lines("淮安市人民政府2024年政府信息公开工作年度报", "告", "本报告根据《中华人民共和国政府信息公开条例》编制"), undefined)).toMatchObject({ title: "淮安市人民政府2024年政府信息公开工作年度报告" });
  });

  it("takes no sentence that merely mentions a report for the title", () => {
    expect(readMeta(lines("本单位2023年按时报送了各类报表。"), undefined)).toMatchObject({ title: null, year: null });
  });
});
