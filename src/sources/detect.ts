/** Input formats, told apart by content (magic bytes, markup), never by file name. */
export type InputFormat = "pdf" | "html" | "text" | "image" | "archive" | "binary" | "docx" | "ofd" | "ole";

function startsWith(bytes: Uint8Array, magic: number[], offset = 0): boolean {
  return magic.every((b, i) => bytes[offset + i] === b);
}

const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

/** A BMP: "BM", then at offset 14 the size of a known DIB header (so text opening with "BM" is not one). */
function isBmp(bytes: Uint8Array): boolean {
  if (!startsWith(bytes, ascii("BM")) || bytes.length < 18) return false;
  const dibHeader = bytes[14]! | (bytes[15]! << 8) | (bytes[16]! << 16) | (bytes[17]! << 24);
  return [12, 40, 52, 56, 64, 108, 124].includes(dibHeader);
}

/** A WebP: a RIFF container of form "WEBP" whose first chunk is lossy (VP8), lossless (VP8L) or extended (VP8X). */
function isWebp(bytes: Uint8Array): boolean {
  return startsWith(bytes, ascii("RIFF")) && startsWith(bytes, ascii("WEBP"), 8) && (startsWith(bytes, ascii("VP8 "), 12) || startsWith(bytes, ascii("VP8L"), 12) || startsWith(bytes, ascii("VP8X"), 12));
}

const IMAGE_TYPES: [(bytes: Uint8Array) => boolean, string][] = [
  [(b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), "image/png"],
  [(b) => startsWith(b, [0xff, 0xd8, 0xff]), "image/jpeg"],
  [(b) => startsWith(b, [0x49, 0x49, 0x2a, 0x00]) || startsWith(b, [0x4d, 0x4d, 0x00, 0x2a]), "image/tiff"],
  [(b) => startsWith(b, ascii("GIF87a")) || startsWith(b, ascii("GIF89a")), "image/gif"],
  [isBmp, "image/bmp"],
  [isWebp, "image/webp"],
];

/** The media type of an image input (PNG, JPEG, TIFF, GIF, BMP, WebP) by its magic bytes; null when it is none of them. */
export function sniffImageType(bytes: Uint8Array): string | null {
  return IMAGE_TYPES.find(([is]) => is(bytes))?.[1] ?? null;
}

/**
 * The entry names of a zip, read from its local and central headers wherever they stand
 * (so a truncated file still shows the names before the cut). At most `max` names.
 */
export function zipEntryNames(bytes: Uint8Array, max = 2000): string[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const names = new Set<string>();
  for (const [sig, nameAt] of [[Buffer.from([0x50, 0x4b, 0x03, 0x04]), 30], [Buffer.from([0x50, 0x4b, 0x01, 0x02]), 46]] as const) {
    for (let at = buf.indexOf(sig); at >= 0 && names.size < max; at = buf.indexOf(sig, at + 4)) {
      if (at + nameAt > buf.length) break;
      const length = buf.readUInt16LE(at + (nameAt === 30 ? 26 : 28));
      if (length === 0 || at + nameAt + length > buf.length) continue;
      names.add(buf.toString("utf8", at + nameAt, at + nameAt + length));
    }
  }
  return [...names];
}

/** A zip that is a document, by its entry names: a Word file ([Content_Types].xml and word/ parts) or an OFD (OFD.xml at its root). */
export function zipDocumentFormat(names: readonly string[]): "docx" | "ofd" | null {
  if (names.some((n) => /^\/?word\/[^/]+\.xml$/.test(n)) && names.some((n) => /^\/?\[Content_Types\]\.xml$/.test(n))) return "docx";
  if (names.some((n) => /^\/?OFD\.xml$/i.test(n))) return "ofd";
  return null;
}

export function sniffFormat(bytes: Uint8Array): InputFormat {
  // "%PDF-" may follow some junk bytes; readers accept it within the first 1 KiB.
  const head = Buffer.from(bytes.subarray(0, 1024)).toString("latin1");
  if (head.includes("%PDF-")) return "pdf";
  if (sniffImageType(bytes) !== null) return "image";
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return zipDocumentFormat(zipEntryNames(bytes)) ?? "archive";
  if (startsWith(bytes, [0x1f, 0x8b]) || startsWith(bytes, [0x52, 0x61, 0x72, 0x21])) return "archive";
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return "ole"; // OLE compound file: .doc, .wps, .xls, an encrypted OOXML file
  return "text"; // decided between text, HTML and binary after decoding
}

/** Markup that only HTML documents open with (after a BOM, comments, an XML prolog). */
export function looksLikeHtml(text: string): boolean {
  const head = text.slice(0, 4096).toLowerCase();
  return /<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<meta\s|<table[\s>]|<div[\s>]|<p[\s>]/.test(head);
}
