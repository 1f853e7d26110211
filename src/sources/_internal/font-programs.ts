/**
 * Text extraction does not need embedded font programs when every font maps its codes
 * to Unicode through a /ToUnicode CMap: glyph outlines matter only for rendering. Yet
 * pdf.js parses and sanitises each embedded TrueType/CFF program while extracting
 * text (measured on a 6-page WPS report: ~45 % of the time). Hiding the programs makes
 * pdf.js treat the fonts as non-embedded; the text and the item geometry (widths come
 * from the font dictionaries' /W and /Widths) are unchanged.
 *
 * The programs are hidden by renaming the `/FontFile`, `/FontFile2` and `/FontFile3`
 * keys of font descriptors in place (same length, so every xref offset stays valid).
 * Keys inside compressed object streams are not visible and stay as they are.
 */

const FONT_FILE_REF = /\/FontFile([23]?)(\s+\d+\s+\d+\s+R)/g;
const TO_UNICODE_REF = /\/ToUnicode\s+\d+\s+\d+\s+R/g;
const DESCRIPTOR_REF = /\/FontDescriptor\s+\d+\s+\d+\s+R/g;

/**
 * A copy of the PDF whose font programs pdf.js will not load, or null when that is
 * not safe: some font (as far as the uncompressed objects show) has no /ToUnicode,
 * so its text may depend on the program's own cmap.
 */
export function hideFontPrograms(bytes: Uint8Array): Uint8Array | null {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
  const descriptors = text.match(DESCRIPTOR_REF)?.length ?? 0;
  const toUnicode = text.match(TO_UNICODE_REF)?.length ?? 0;
  if (descriptors === 0 || toUnicode < descriptors) return null;
  const copy = new Uint8Array(bytes);
  let hidden = 0;
  for (const m of text.matchAll(FONT_FILE_REF)) {
    copy[m.index + "/FontFil".length] = 0x58; // "/FontFile2" → "/FontFilX2": an unknown key
    hidden++;
  }
  return hidden > 0 ? copy : null;
}

/** Text that a font without its program decoded badly: replacement or private-use characters. */
export function looksMisdecoded(text: string): boolean {
  let bad = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c === 0xfffd || (c >= 0xe000 && c <= 0xf8ff) || c < 0x09) bad++;
  }
  return bad > Math.max(3, text.length * 0.01);
}
