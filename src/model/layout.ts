import type { Origin } from "./provenance.js";

/**
 * The layout document: what every source backend produces and the only thing the
 * template parsers read. A document is a sequence of lines in reading order; a
 * line is a sequence of cells.
 *
 * - text files: one line per source line, cells = whitespace-separated tokens;
 * - HTML: one line per block of flowing text (one cell), and one line per table
 *   row <tr> with one cell per <td>/<th> (grid column resolved);
 * - PDF: lines rebuilt from text-item coordinates, cells = runs of items separated
 *   by wide gaps, with boxes in points (top-left origin) for positioned reading;
 *   ruled tables (and tables OCR reads from page images) as grid rows, like HTML.
 */
export interface LayoutCell {
  text: string;
  origin: Origin;
  /** PDF: horizontal extent in points. */
  x0?: number;
  x1?: number;
  /** HTML tables: first grid column and span. */
  col?: number;
  colSpan?: number;
  rowSpan?: number;
  /** OCR: the reader's confidence in this text, 0–100. */
  confidence?: number;
}

export interface LayoutLine {
  cells: LayoutCell[];
  /** PDF: 1-based page and vertical extent (points from the page top). */
  page?: number;
  top?: number;
  bottom?: number;
  /** HTML: index of the <table> this row belongs to; PDF grids: 20000 + 100·page + n, OCR: 10000 + 100·page + n. */
  table?: number;
  /** Set on lines that are part of a table (HTML rows, ruled PDF tables, OCR'd tables). */
  isTableRow?: boolean;
  /** PDF: left edge of the line, for paragraph detection. */
  x0?: number;
}

export interface LayoutDocument {
  /** "positioned" documents (PDF) carry coordinates; "flow" documents (text, HTML) do not. */
  kind: "positioned" | "flow";
  lines: LayoutLine[];
  /** Metadata a source knows besides its text (an HTML <title>, a PDF Title). */
  hints: { title?: string | undefined };
}

export function lineText(line: LayoutLine, separator = " "): string {
  return line.cells.map((c) => c.text).join(separator);
}
