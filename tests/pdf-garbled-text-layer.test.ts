/**
 * A text layer that decodes to the wrong characters while the page draws the right ones:
 * Ghostscript's PDF/A conversion (pdfwrite, what archives run on what they keep) re-encodes
 * a print's fonts and maps many glyphs to accented or ASCII Latin letters, or to rare
 * ideographs. Read as text, its table labels matched nothing and its cells went null or
 * wrong (214 cells no issue named over 24 such conversions); such pages are read by OCR.
 * fixtures/ghostscript holds one conversion of a fixture page (scripts/gen-pdfa.ts).
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PipelineError } from "../src/errors.js";
import { extractFile } from "../src/pipeline.js";
import { closeSharedOcrPool } from "../src/sources/_internal/tesseract.js";
import { judgeTextLayer } from "../src/sources/ocr/text-layer.js";
import { extractScored, FIXTURES } from "./helpers.js";

const PROSE = "二〇二三年，本局认真贯彻落实《中华人民共和国政府信息公开条例》，围绕生态环境保护中心工作，及时公开环境质量、建设项目环评审批、环境执法等信息。";

describe("a text layer decoded through the wrong map", () => {
  it("is garbage where Chinese characters came out as accented Latin letters", () => {
    expect(judgeTextLayer(["ß溪县生态ÿ境局", "政府信息|开ç", "当前位置ÿ首页", "发布机构ÿ ß溪县生态ÿ境局", PROSE])).toBe("garbage");
  });

  it("is garbage where they came out as ASCII letters wedged between Chinese, with a few accented", () => {
    const page = ["3.要求提供|开出版物", "4.无l当理由大量反复申请", "行政机关不再处理w政府信息|开申请", "ÿ}Āw他处理", "补l后申请内容仍不明确", "行政复°", "总«", PROSE];
    expect(judgeTextLayer(page)).toBe("garbage");
  });

  it("is garbage where they came out as rare ideographs (CJK Extension A)", () => {
    expect(judgeTextLayer(["䈝䩻鯺鋑䠫䅍㪦", "Q", "O", "Q", "P", "㩾䅍㪦钑㱻頚㬊㧮鏅㩾㪰㺲鳵", "统计䌮限鈅"])).toBe("garbage");
  });

  it("is usable where a report prints a few Latin letters, symbols and one rare character of its own", () => {
    const page = [PROSE, "全县景区评为A级景区3个，B类事项2项", "平均气温25°C，±0.5", "网站标识码：5300000001，滇ICP备00000000号", "公开Wi-Fi热点", "联系人：王䶮", PROSE];
    expect(judgeTextLayer(page)).toBe("usable");
  });
});

describe("a Ghostscript PDF/A conversion (fixtures/ghostscript)", () => {
  const file = join(FIXTURES, "ghostscript", "yunxi-2023-pdfa.pdf");

  it("has no page whose text layer is read: with OCR off it needs OCR", async () => {
    const refused = extractFile(file, { ocr: "never" });
    await expect(refused).rejects.toBeInstanceOf(PipelineError);
    await expect(refused).rejects.toMatchObject({ code: "OCR_REQUIRED" });
  });

  it("is read from its pages' images: every cell right or flagged, none silently wrong", async () => {
    try {
      const { record, score } = await extractScored(file);
      expect(score.silent).toBe(0);
      expect(score.absent).toBe(0);
      expect(score.correct).toBeGreaterThanOrEqual(200);
      expect(record.meta).toMatchObject({ year: 2023, template: "2021" });
    } finally {
      await closeSharedOcrPool();
    }
  }, 300_000);
});
