import type { LayoutLine } from "../model/layout.js";
import type { DecodedText } from "./decode.js";
import type { SourceResult } from "./types.js";

/** Whitespace that separates cells in flattened text, including ideographic and no-break spaces. */
const SEPARATORS = /[\s\u00a0\u3000]+/;

/** Plain text → one layout line per non-empty line, cells = whitespace-separated tokens. */
export function textToLayout(text: string): LayoutLine[] {
  const lines: LayoutLine[] = [];
  const raw = text.split(/\r\n|\r|\n|\u2028|\u2029|\f/);
  for (let i = 0; i < raw.length; i++) {
    const tokens = (raw[i] ?? "").split(SEPARATORS).filter((t) => t.length > 0);
    if (tokens.length === 0) continue;
    lines.push({ cells: tokens.map((text) => ({ text, origin: { kind: "text" as const, line: i + 1 } })) });
  }
  return lines;
}

export function readText({ text, encoding }: DecodedText): SourceResult {
  return {
    layout: { kind: "flow", lines: textToLayout(text), hints: {} },
    mediaType: "text/plain",
    textSource: "text",
    pages: null,
    encoding,
  };
}
