/**
 * Whether a page's text layer can be trusted. Scans have none; some PDFs carry a
 * garbage one: private-use or replacement characters, control characters from glyph
 * indices, or Latin-1 mojibake of GBK text — text that decodes but holds almost no
 * Chinese although the page clearly has writing on it.
 */
export type TextLayerVerdict = "usable" | "none" | "garbage";

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/u;

export function judgeTextLayer(texts: string[]): TextLayerVerdict {
  const chars = [...texts.join("")].filter((c) => !/\s/u.test(c));
  const meaningful = chars.filter((c) => /[\p{L}\p{N}]/u.test(c));
  if (meaningful.length === 0) return "none";
  let cjk = 0;
  let junk = 0;
  let foreign = 0;
  for (const c of chars) {
    const code = c.codePointAt(0)!;
    if (CJK.test(c)) cjk++;
    else if (code === 0xfffd || (code >= 0xe000 && code <= 0xf8ff) || code < 0x20) junk++;
    else if ((code >= 0x41 && code <= 0x7a && /[A-Za-z]/.test(c)) || (code >= 0xa0 && code < 0x3000)) foreign++;
  }
  if (junk > Math.max(3, chars.length * 0.05)) return "garbage";
  // A page of these reports with hardly any Chinese but plenty of letters is mis-decoded.
  if (chars.length >= 20 && cjk < chars.length * 0.05 && foreign > chars.length * 0.3) return "garbage";
  return "usable";
}
