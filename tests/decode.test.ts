import { describe, expect, it } from "vitest";
import { decodeText, junkRatio, normalizeEncodingLabel } from "../src/sources/decode.js";
import { declaredCharset } from "../src/sources/html.js";

const text = "集贤县人民政府2020年政府信息公开工作年度报告";

/** GB18030 bytes of a string, built from the decoder (Node has no GB18030 encoder). */
function gb18030(s: string): Uint8Array {
  const decoder = new TextDecoder("gb18030");
  const table = new Map<string, number[]>();
  for (let a = 0x81; a <= 0xfe; a++) {
    for (let b = 0x40; b <= 0xfe; b++) {
      if (b === 0x7f) continue;
      const ch = decoder.decode(new Uint8Array([a, b]));
      if (ch.length === 1 && !table.has(ch)) table.set(ch, [a, b]);
    }
  }
  return new Uint8Array([...s].flatMap((ch) => (ch.charCodeAt(0) < 0x80 ? [ch.charCodeAt(0)] : (table.get(ch) ?? [0x3f]))));
}

describe("decodeText", () => {
  it("reads UTF-8 with and without BOM", () => {
    expect(decodeText(Buffer.from(text))).toEqual({ text, encoding: "utf-8" });
    expect(decodeText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]))).toEqual({ text, encoding: "utf-8" });
  });

  it("reads UTF-16 with a BOM, both byte orders, and without one", () => {
    const le = Buffer.from(text, "utf16le");
    expect(decodeText(Buffer.concat([Buffer.from([0xff, 0xfe]), le]))).toEqual({ text, encoding: "utf-16le" });
    const be = Buffer.from(le).swap16();
    expect(decodeText(Buffer.concat([Buffer.from([0xfe, 0xff]), be]))).toEqual({ text, encoding: "utf-16be" });
    const ascii = "Report 2020 年度报告 abc def";
    expect(decodeText(Buffer.from(ascii, "utf16le")).text).toBe(ascii);
  });

  it("reads GB18030/GBK without being told, and when a page declares gb2312", () => {
    const bytes = gb18030(text);
    expect(decodeText(bytes)).toEqual({ text, encoding: "gb18030" });
    expect(decodeText(bytes, "gb2312")).toEqual({ text, encoding: "gb18030" });
  });

  it("trusts the bytes over a wrong declaration", () => {
    expect(decodeText(Buffer.from(text), "gbk")).toEqual({ text, encoding: "utf-8" });
  });

  it("normalises charset labels", () => {
    expect(normalizeEncodingLabel("GB2312")).toBe("gb18030");
    expect(normalizeEncodingLabel("x-gbk")).toBe("gb18030");
    expect(normalizeEncodingLabel("UTF8")).toBe("utf-8");
    expect(normalizeEncodingLabel("no-such-charset")).toBeNull();
  });

  it("finds the declared charset of a page", () => {
    expect(declaredCharset(Buffer.from('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'))).toBe("gb2312");
    expect(declaredCharset(Buffer.from("<meta charset='utf-8'>"))).toBe("utf-8");
    expect(declaredCharset(Buffer.from("<p>none</p>"))).toBeNull();
  });

  it("measures junk in binary data", () => {
    expect(junkRatio(text)).toBe(0);
    expect(junkRatio("\u0000\u0001\u0002a")).toBeGreaterThan(0.5);
  });
});
