import { z } from "zod";

/**
 * Where a value was read: enough for a reviewer to go from a wrong number to its
 * place in the source. PDF boxes are in PDF points with the origin at the page's
 * TOP-left corner (y grows downwards, unlike PDF user space), pages 1-based. Word and
 * OFD inputs have kinds of their own (`docx`, `doc`, `ofd`); HTML text blocks and Word
 * paragraphs are `html-text` blocks; a table an HTML page shows as a picture is read by
 * OCR (`html-image`: the <img>, a box in its pixels).
 */
export const Origin = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("pdf"),
    page: z.number().int().positive(),
    box: z.tuple([z.number(), z.number(), z.number(), z.number()]).meta({ description: "[x0, top, x1, bottom] in points, top-left origin" }),
  }),
  z.object({
    kind: z.literal("html"),
    table: z.number().int().nonnegative().meta({ description: "0-based index of the <table> in the document" }),
    row: z.number().int().nonnegative().meta({ description: "0-based <tr> index within the table" }),
    col: z.number().int().nonnegative().meta({ description: "0-based column of the cell in the table grid (rowspan/colspan resolved)" }),
  }),
  z.object({
    kind: z.literal("docx"),
    table: z.number().int().nonnegative().meta({ description: "0-based index of the w:tbl among the document's data tables" }),
    row: z.number().int().nonnegative().meta({ description: "0-based w:tr index within the table" }),
    col: z.number().int().nonnegative().meta({ description: "0-based grid column of the cell (gridBefore, gridSpan and merges resolved)" }),
  }),
  z.object({
    kind: z.literal("doc"),
    table: z.number().int().nonnegative().meta({ description: "0-based index of the table in the .doc/.wps body" }),
    row: z.number().int().nonnegative().meta({ description: "0-based row index within the table" }),
    cell: z.number().int().nonnegative().meta({ description: "0-based index of the cell in its row (the binary keeps no grid: a merged cell counts once)" }),
  }),
  z.object({
    kind: z.literal("ofd"),
    page: z.number().int().positive(),
    box: z
      .tuple([z.number(), z.number(), z.number(), z.number()])
      .meta({ description: "[x0, top, x1, bottom] in points (OFD's millimetres × 72/25.4), top-left origin of the page" }),
  }),
  z.object({
    kind: z.literal("html-image"),
    image: z.number().int().nonnegative().meta({ description: "0-based index of the <img> in the document (document.querySelectorAll(\"img\")[n]) whose picture OCR read" }),
    box: z.tuple([z.number(), z.number(), z.number(), z.number()]).meta({ description: "[x0, top, x1, bottom] in the picture's own pixels, top-left origin" }),
  }),
  z.object({ kind: z.literal("html-text"), block: z.number().int().nonnegative() }),
  z.object({ kind: z.literal("text"), line: z.number().int().positive().meta({ description: "1-based line number in the decoded text" }) }),
]);
export type Origin = z.infer<typeof Origin>;

export const CellProvenance = z.object({
  origin: Origin,
  raw: z.string().meta({ description: "the text the value was read from" }),
  confidence: z.number().min(0).max(100).optional().meta({ description: "OCR: the reader's confidence in `raw`, 0–100" }),
});
export type CellProvenance = z.infer<typeof CellProvenance>;

/**
 * An OCR reading below this confidence is unsure (OCR_UNCERTAIN): the readers disagreed,
 * or its ink contradicts it, and nothing but the identities vouches for it.
 */
export const OCR_CONFIDENT = 50;

/** Cell path (e.g. "applications.granted.total") → where its value came from. */
export const Provenance = z.record(z.string(), CellProvenance);
export type Provenance = z.infer<typeof Provenance>;
