import type { LayoutLine } from "../model/layout.js";
import type { DecodedText } from "./decode.js";
import type { SourceResult } from "./types.js";

/**
 * Tokens with their display columns, for text laid out in columns (pdftotext -layout
 * and similar dumps pad cells with runs of spaces): where a blank cell prints nothing,
 * the columns still say where each number stands. Lines with single spaces only get no
 * columns: there the spacing carries no position.
 */
function tokens(line: string): { text: string; x0?: number; x1?: number }[] {
  const out: { text: string; x0: number; x1: number }[] = [];
  let col = 0;
  let current: { text: string; x0: number; x1: number } | undefined;
  let aligned = false;
  let gap = 0;
  for (const ch of line) {
    // One column per character, CJK included: that is how pdftotext -layout pads its columns.
    const width = ch === "\t" ? 8 - (col % 8) : 1;
    // Whitespace separates cells, ideographic and no-break spaces included.
    if (/[\s\u00a0\u3000]/u.test(ch)) {
      if (current) out.push(current);
      current = undefined;
      gap += width;
    } else {
      if (gap >= 2 && out.length > 0) aligned = true;
      gap = 0;
      if (!current) current = { text: "", x0: col, x1: col };
      current.text += ch;
      current.x1 = col + width;
    }
    col += width;
  }
  if (current) out.push(current);
  return aligned ? out : out.map(({ text }) => ({ text }));
}

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
    const cells = tokens(line);
    if (cells.length === 0) continue;
    lines.push({ cells: cells.map((cell) => ({ ...cell, origin })) });
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
