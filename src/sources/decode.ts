/**
 * Decodes text bytes without mangling them. Government sites and text dumps come in
 * UTF-8 (with or without BOM), UTF-16 (with BOM, sometimes without) and GB18030/GBK
 * (often declared as gb2312). Node's TextDecoder (full ICU) covers all of them.
 */

export interface DecodedText {
  text: string;
  encoding: string;
}

/** Encoding labels as pages declare them → the decoder to use (GB18030 is a superset of GBK and GB2312). */
export function normalizeEncodingLabel(label: string): string | null {
  const l = label.trim().toLowerCase().replace(/^["']|["']$/g, "");
  if (/^(gb2312|gbk|gb18030|x-gbk|cp936|windows-936|euc-cn|gb_2312-80|csgb2312)$/.test(l)) return "gb18030";
  if (/^(utf-?8|unicode-1-1-utf-8)$/.test(l)) return "utf-8";
  if (/^utf-?16(le)?$/.test(l)) return "utf-16le";
  if (/^utf-?16be$/.test(l)) return "utf-16be";
  if (/^big5(-hkscs)?$/.test(l)) return "big5";
  try {
    return new TextDecoder(l).encoding;
  } catch {
    return null;
  }
}

export function bomEncoding(bytes: Uint8Array): { encoding: string; skip: number } | null {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: "utf-8", skip: 3 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: "utf-16le", skip: 2 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: "utf-16be", skip: 2 };
  return null;
}

/** UTF-16 without a BOM shows as many NUL bytes at every other position. */
function sniffUtf16(bytes: Uint8Array): string | null {
  const n = Math.min(bytes.length, 4096) & ~1;
  if (n < 8) return null;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZero++;
    if (bytes[i + 1] === 0) oddZero++;
  }
  const pairs = n / 2;
  if (oddZero > pairs * 0.3 && evenZero < pairs * 0.05) return "utf-16le";
  if (evenZero > pairs * 0.3 && oddZero < pairs * 0.05) return "utf-16be";
  return null;
}

export function decodeWith(bytes: Uint8Array, encoding: string, skip = 0): string {
  return new TextDecoder(encoding).decode(bytes.subarray(skip));
}

/**
 * Decodes bytes: BOM first, then a declared encoding (HTML meta), then strict UTF-8,
 * then UTF-16 by NUL pattern, then GB18030. A declared encoding that the bytes
 * contradict (a page saying gb2312 that is valid UTF-8 with CJK) loses to the bytes.
 */
export function decodeText(bytes: Uint8Array, declared?: string | null): DecodedText {
  const bom = bomEncoding(bytes);
  if (bom) return { text: decodeWith(bytes, bom.encoding, bom.skip), encoding: bom.encoding };
  const utf16 = sniffUtf16(bytes);
  if (utf16) return { text: decodeWith(bytes, utf16), encoding: utf16 };
  let utf8: string | null = null;
  try {
    utf8 = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    utf8 = null;
  }
  const declaredEncoding = declared ? normalizeEncodingLabel(declared) : null;
  if (declaredEncoding && declaredEncoding !== "utf-8") {
    // Valid UTF-8 containing multi-byte characters is almost never valid-looking GBK by accident.
    if (utf8 !== null && /[\u0080-\uffff]/.test(utf8)) return { text: utf8, encoding: "utf-8" };
    return { text: decodeWith(bytes, declaredEncoding), encoding: declaredEncoding };
  }
  if (utf8 !== null) return { text: utf8, encoding: "utf-8" };
  return { text: decodeWith(bytes, "gb18030"), encoding: "gb18030" };
}

/** Share of characters that are control characters or U+FFFD: high for binary junk. */
export function junkRatio(text: string): number {
  if (text.length === 0) return 0;
  let junk = 0;
  const sample = text.length > 20000 ? text.slice(0, 20000) : text;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12) || c === 0xfffd || (c >= 0xe000 && c <= 0xf8ff)) junk++;
  }
  return junk / sample.length;
}
