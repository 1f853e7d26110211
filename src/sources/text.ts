import type { LayoutLine } from "../model/layout.js";
import type { DecodedText } from "./decode.js";
import type { SourceResult } from "./types.js";

/** Whitespace that separates cells in flattened text, including ideographic and no-break spaces. */
const SEPARATORS = /[\s\u00a0\u3000]+/;

/** A row of a pipe table (Markdown from PDF converters): "| 规章 | 0 | 0 | 1 |". */
const PIPE_ROW = /^\s*\|.*\|\s*$/;
/** Page numbers that text dumps keep between table rows: "- 4 -", "—3—", "第 2 页 共 6 页". */
const PAGE_NUMBER_LINE = /^\s*([-—–－―~·]+\s*\d{1,4}\s*[-—–－―~·]+|第\s*\d{1,4}\s*页(\s*[,，/]?\s*共\s*\d{1,4}\s*页)?)\s*$/;
const PIPE_RULE = /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/;

/**
 * Plain text → one layout line per non-empty line, cells = whitespace-separated
 * tokens. Pipe-table rows become table rows whose cells are the text between the
 * pipes (an empty cell is a blank value, as in HTML).
 */
export function textToLayout(text: string): LayoutLine[] {
  const lines: LayoutLine[] = [];
  const raw = text.split(/\r\n|\r|\n|\u2028|\u2029|\f/);
  for (let i = 0; i < raw.length; i++) {
    const line = raw[i] ?? "";
    const origin = { kind: "text" as const, line: i + 1 };
    if ((PIPE_RULE.test(line) && line.includes("-")) || PAGE_NUMBER_LINE.test(line)) continue;
    if (PIPE_ROW.test(line)) {
      const cells = line.trim().slice(1, -1).split("|").map((c) => ({ text: c.trim(), origin }));
      lines.push({ cells, isTableRow: true });
      continue;
    }
    const tokens = line.split(SEPARATORS).filter((t) => t.length > 0);
    if (tokens.length === 0) continue;
    lines.push({ cells: tokens.map((text) => ({ text, origin })) });
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
