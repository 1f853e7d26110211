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
  /**
   * OCR: the text is a plain number whose ink shows a decimal point after this many
   * digits, which no reader read ("7.2" read as 72). The parsers place the point in a
   * column that takes decimals (table 二's amounts) and nowhere else: in a count it is a
   * speck. The confidence is already low (the cell is flagged either way).
   */
  inkPoint?: number;
  /**
   * Grid cells of PDFs and OCR'd tables: the cell's left and right edge from its table's
   * left edge, in points — for joining a row a page break split (layout/split-rows.ts).
   * Not x0/x1, which would make the parsers place its value by x-centre.
   */
  gridExtent?: [number, number];
  /**
   * PDF: the text items a cell was joined from, with their extents, when there were
   * several — so a label that touches the numbers beside it ("信" "37" "0" in a narrow
   * borderless table) can be cut where the items meet rather than where digit widths
   * would put the cut.
   */
  pieces?: { text: string; x0: number; x1: number }[];
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
  /**
   * Grid rows of PDFs and OCR'd tables: the table's bottom edge is not ruled under this,
   * its last row (a page break cut it), or its top edge not ruled above this, its first.
   * Plain data, so that page outcomes read in other processes (queue page jobs) keep it.
   */
  openEdge?: "below" | "above" | "both";
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
