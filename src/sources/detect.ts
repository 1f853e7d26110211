/** Input formats, told apart by content (magic bytes, markup), never by file name. */
export type InputFormat = "pdf" | "html" | "text" | "image" | "archive" | "binary";

function startsWith(bytes: Uint8Array, magic: number[], offset = 0): boolean {
  return magic.every((b, i) => bytes[offset + i] === b);
}

export function sniffFormat(bytes: Uint8Array): InputFormat {
  // "%PDF-" may follow some junk bytes; readers accept it within the first 1 KiB.
  const head = Buffer.from(bytes.subarray(0, 1024)).toString("latin1");
  if (head.includes("%PDF-")) return "pdf";
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47])) return "image"; // PNG
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "image"; // JPEG
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return "image"; // TIFF
  if (startsWith(bytes, [0x47, 0x49, 0x46, 0x38]) || startsWith(bytes, [0x42, 0x4d])) return "image"; // GIF, BMP
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x1f, 0x8b]) || startsWith(bytes, [0x52, 0x61, 0x72, 0x21])) return "archive";
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0])) return "archive"; // OLE (.doc/.xls)
  return "text"; // decided between text, HTML and binary after decoding
}

/** Markup that only HTML documents open with (after a BOM, comments, an XML prolog). */
export function looksLikeHtml(text: string): boolean {
  const head = text.slice(0, 4096).toLowerCase();
  return /<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<meta\s|<table[\s>]|<div[\s>]|<p[\s>]/.test(head);
}
