/**
 * Decoding a fetched page: the charset from Content-Type, else from a `<meta charset>` /
 * `<meta http-equiv … charset=…>` in the first 4 KB, else from the bytes — through the
 * extractor's own decoder (src/sources/decode.ts), which reads gb2312/gbk as GB18030 and
 * lets bytes that are plainly UTF-8 win over a wrong declaration.
 */
import { declaredCharset } from "../../sources/html.js";
import { decodeText, normalizeEncodingLabel } from "../../sources/decode.js";

/** The text of a page and the encoding it was read with. */
export function decodePage(body: Uint8Array, headerCharset: string | null): { text: string; encoding: string } {
  const header = headerCharset ? normalizeEncodingLabel(headerCharset) : null;
  const meta = declaredCharset(body);
  const metaEncoding = meta ? normalizeEncodingLabel(meta) : null;
  // Servers often default to "charset=utf-8" for GBK pages whose <meta> says the truth:
  // when the header says UTF-8 and the bytes are not, the page's own word is taken.
  if (header === "utf-8" && metaEncoding && metaEncoding !== "utf-8" && !isUtf8(body)) return decodeText(body, metaEncoding);
  return decodeText(body, header ?? metaEncoding);
}

function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}
