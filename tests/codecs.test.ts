import { describe, expect, it } from "vitest";
import { convertAmount, headerUnit, readCell } from "../src/templates/_shared/codecs.js";

describe("readCell", () => {
  it.each([
    ["0", 0],
    ["1,234", 1234],
    ["１２３", 123],
    ["96171.6", 96171.6],
    ["24252.311082", 24252.311082],
    ["增 113", 113],
    ["增加5", 5],
    ["减 4", -4],
    ["减少 4", -4],
    ["+5", 5],
    ["-18", -18],
    ["22（其中修订16件）", 22],
    ["55（含自然失效29件）", 55],
    [" 0 ", 0],
    ["\u00a05", 5],
  ])("%j → %d", (text, value) => {
    const r = readCell(text);
    expect(r.kind).toBe("number");
    if (r.kind === "number") expect(r.value).toBe(value);
  });

  it.each(["", " ", "-", "—", "——", "/", "／", "无", "\u00a0", "－"])("%j is blank", (text) => {
    expect(readCell(text)).toEqual({ kind: "blank" });
  });

  it.each(["规章", "1.属于国家秘密", "第二十条第（一）项", "总计", "2020年"])("%j is text", (text) => {
    expect(readCell(text).kind).toBe("text");
  });

  it("keeps units and notes", () => {
    expect(readCell("2997 万元")).toEqual({ kind: "number", value: 2997, unit: "万元", note: null });
    expect(readCell("251000元")).toEqual({ kind: "number", value: 251000, unit: "元", note: null });
    expect(readCell("73802895.90元")).toMatchObject({ value: 73802895.9, unit: "元" });
    expect(readCell("22（其中修订16件）")).toMatchObject({ value: 22, note: "(其中修订16件)" });
  });

  it("reads header units and converts to 万元", () => {
    expect(headerUnit("本年收费金额（单位：万元）")).toBe("万元");
    expect(headerUnit("采购总金额（元）")).toBe("元");
    expect(headerUnit("采购项目数量")).toBeNull();
    // Wrapped after 万, with another column's header read in between (a narrow print).
    expect(headerUnit("本年收费金额（单位：万信息内容元）")).toBe("万元");
    expect(headerUnit("金额（单位：元）万")).toBe("元");
    expect(convertAmount(251000, "元", "万元")).toBe(25.1);
    expect(convertAmount(73802895.9, "元", "万元")).toBe(7380.28959);
    expect(convertAmount(1.5, "亿元", "万元")).toBe(15000);
    expect(convertAmount(3, "万元", "万元")).toBe(3);
  });
});
