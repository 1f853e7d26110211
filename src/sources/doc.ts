/**
 * Binary Word files (.doc, Word 97–2003, and Kingsoft's .wps, the same format) read with
 * word-extractor: it walks the FIB and the piece table and returns the body text, table
 * cells ended by tabs and table rows by line breaks (a row is `cell\tcell\t…\t\n`).
 *
 * From that text: a row is every line from one with a tab to the next that ends in a
 * tab (a cell with several paragraphs spans lines, joined back into the cell); each
 * row becomes a table row whose cells are its tab-separated fields — blank cells
 * included, so a row still prints one cell per column. The binary's text keeps no grid
 * positions: a horizontally merged cell is one field, a vertically merged one an empty
 * field in each row below its first. Provenance (the `doc` origin): table, row, and the
 * cell's index in its row.
 *
 * One thing the text cannot tell: the paragraphs a row's first cell holds before its
 * last (a label printed one character per line) look like paragraphs before the row.
 * Short ones right after a row are taken back into the next row's first cell.
 */
import WordExtractor from "word-extractor";
import { CHAPTER_HEADING } from "../definition/index.js";
import { PipelineError } from "../errors.js";
import type { LayoutLine } from "../model/layout.js";
import type { SourceContext, SourceResult } from "./types.js";

export const DOC_MEDIA_TYPE = "application/msword";

/** word-extractor's document, with the option its types leave out: keep “” and — as printed. */
interface WordBody {
  getBody(options?: { filterUnicode?: boolean }): string;
}

/** FIB flags (MS-DOC FibBase): the file is encrypted, or XOR-obfuscated. */
const F_ENCRYPTED = 0x0100;
const F_OBFUSCATED = 0x8000;

/** Refuses what word-extractor would read as garbage: a missing or foreign FIB, an encrypted file. */
export function checkWordStream(word: Uint8Array, input: string): void {
  const buf = Buffer.from(word.buffer, word.byteOffset, word.byteLength);
  if (buf.length < 0x200 || buf.readUInt16LE(0) !== 0xa5ec) {
    throw new PipelineError("DOCUMENT_CORRUPT", "the Word file's WordDocument stream does not open with a Word FIB (damaged, or not Word 97 or later)", { input });
  }
  if (buf.readUInt16LE(0x0a) & (F_ENCRYPTED | F_OBFUSCATED)) throw new PipelineError("DOCUMENT_ENCRYPTED", "the Word file is encrypted with a password", { input });
}

/** Text between cell breaks: in-cell paragraphs join without a space, except between two numbers (as HTML cells do). */
function joinParagraphs(parts: string[]): string {
  let out = "";
  for (const p of parts.map((x) => x.trim()).filter((x) => x !== "")) out += out && /\d$/.test(out) && /^\d/.test(p) ? ` ${p}` : p;
  return out;
}

/** Paragraphs that may be the leading paragraphs of a row's first cell: short, not a chapter heading. */
const mayLeadCell = (line: string) => line.trim() !== "" && [...line.trim()].length <= 12 && !CHAPTER_HEADING.test(line.trim());

/** The body text as layout lines: paragraphs, and table rows of tab-separated cells. */
export function docLayout(body: string): LayoutLine[] {
  const lines: LayoutLine[] = [];
  const raw = body.replace(/\r\n?/g, "\n").split("\n");
  let block = 0;
  let table = -1;
  let row = 0;
  let afterRow = false;
  let pending: string[] = [];
  const paragraph = (text: string) => {
    const t = text.replace(/[\u00a0\u2002\u2003\u3000\s]+/g, " ").trim();
    if (t) lines.push({ cells: [{ text: t, origin: { kind: "html-text", block: block++ } }] });
  };
  for (let i = 0; i < raw.length; i++) {
    const line = raw[i]!;
    if (!line.includes("\t")) {
      // Right after a row, short lines may lead the next row's first cell: held until that is known.
      if (afterRow && mayLeadCell(line)) {
        pending.push(line);
        continue;
      }
      pending.forEach(paragraph);
      pending = [];
      paragraph(line);
      afterRow = false;
      continue;
    }
    // A row: this line and those after it up to the one that ends in a tab.
    let text = line;
    while (!text.endsWith("\t") && i + 1 < raw.length) text += `\n${raw[++i]!}`;
    if (!afterRow) {
      pending.forEach(paragraph);
      pending = [];
      table++;
      row = 0;
    }
    const fields = text.slice(0, -1).split("\t");
    if (pending.length > 0) fields[0] = [...pending, fields[0]].join("\n");
    pending = [];
    const cells = fields.map((field, col) => ({ text: joinParagraphs(field.split("\n")).replace(/[\u00a0\u2002\u2003]/g, " "), origin: { kind: "doc" as const, table, row, cell: col } }));
    lines.push({ cells, table, isTableRow: true });
    row++;
    afterRow = true;
  }
  pending.forEach(paragraph);
  return lines;
}

/** `bytes`: a compound file holding the Word streams; `word`: its WordDocument stream. */
export async function readDoc(bytes: Uint8Array, word: Uint8Array, ctx: SourceContext): Promise<SourceResult> {
  checkWordStream(word, ctx.name);
  let body: string;
  try {
    const doc = (await new WordExtractor().extract(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))) as unknown as WordBody;
    body = doc.getBody({ filterUnicode: false });
  } catch (error) {
    throw new PipelineError("DOCUMENT_CORRUPT", `the Word file cannot be read (${error instanceof Error ? error.message : String(error)})`, { input: ctx.name, cause: error });
  }
  const lines = docLayout(body);
  if (lines.length === 0) throw new PipelineError("INPUT_EMPTY", "the Word document has no text", { input: ctx.name });
  return { layout: { kind: "flow", lines, hints: {} }, mediaType: DOC_MEDIA_TYPE, textSource: "doc", pages: null, encoding: null };
}
