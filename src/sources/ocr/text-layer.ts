/**
 * Whether a page's text layer can be trusted. Scans have none; some PDFs carry a
 * garbage one: private-use or replacement characters, control characters from glyph
 * indices, or Latin-1 mojibake of GBK text — text that decodes but holds almost no
 * Chinese although the page clearly has writing on it — or Chinese with accented Latin
 * letters in place of some of its characters: Ghostscript's pdfwrite (the usual PDF/A
 * conversion of archives) re-encodes fonts and maps many glyphs to the wrong code points
 * ("ß溪县生态ÿ境局", "第Ð十条"), or to rare ideographs ("䈝䩻鯺鋑"), while the page still
 * draws them right.
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
  let accented = 0;
  let rare = 0;
  for (const c of chars) {
    const code = c.codePointAt(0)!;
    // À–ɏ but × and ÷: letters no report in Chinese prints among its own words.
    if (code >= 0xc0 && code <= 0x24f && code !== 0xd7 && code !== 0xf7) accented++;
    if (code >= 0x3400 && code <= 0x4dbf) rare++;
    if (CJK.test(c)) cjk++;
    else if (code === 0xfffd || (code >= 0xe000 && code <= 0xf8ff) || code < 0x20) junk++;
    else if ((code >= 0x41 && code <= 0x7a && /[A-Za-z]/.test(c)) || (code >= 0xa0 && code < 0x3000)) foreign++;
  }
  if (junk > Math.max(3, chars.length * 0.05)) return "garbage";
  // A page of these reports with hardly any Chinese but plenty of letters is mis-decoded.
  if (chars.length >= 20 && cjk < chars.length * 0.05 && foreign > chars.length * 0.3) return "garbage";
  if (cjk >= 20 && accented >= 2) {
    // Latin letters alone between two Chinese characters ("w他", "无l当") are the same junk in ASCII.
    const wedged = (texts.join("").match(/(?<=[\u3400-\u9fff])[A-Za-z](?=[\u3400-\u9fff])/gu) ?? []).length;
    if (accented + wedged >= Math.max(5, cjk * 0.01)) return "garbage";
  }
  // Ideographs of CJK Extension A (䈝, 䩻, 㩾) are all but absent from modern official prose;
  // a text layer full of them was decoded through the wrong map (a subset font re-encoded).
  if (rare >= Math.max(5, cjk * 0.05)) return "garbage";
  return "usable";
}
