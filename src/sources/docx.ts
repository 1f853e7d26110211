/**
 * Word documents (OOXML, .docx): the zip's main document part read as a DOM. Paragraphs
 * become text lines (with their automatic list numbers, "一、", put back); each w:tbl
 * becomes grid rows exactly as the HTML backend builds them from <table> — w:gridSpan is
 * a colspan, a w:vMerge run is one cell with a rowspan, w:gridBefore skips grid
 * columns — so the template parsers read both alike. Provenance is by table, row and
 * grid column (the `docx` origin: the index of the table among those read as tables, its row, its column).
 *
 * Read by yauzl (the zip, under the zip-bomb limits) and @xmldom/xmldom (the XML): the
 * grid semantics of w:tbl are mapped here directly, which a DOCX→HTML converter would
 * flatten or drop (gridBefore, hMerge) before the HTML backend saw them again.
 */
import { PipelineError } from "../errors.js";
import type { LayoutCell, LayoutLine } from "../model/layout.js";
import { Numbering, paragraphNumbering, styleNumberings } from "./office/numbering.js";
import { openZip, type ZipParts } from "./office/zip.js";
import { attribute, childElements, descendantsNamed, firstChild, local, parseXml, type Element } from "./office/xml.js";
import type { SourceContext, SourceResult } from "./types.js";

export const DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/** Whether a zip's part names are those of a Word document (sniffing by content, not by extension). */
export function isDocxPackage(names: readonly string[]): boolean {
  return names.includes("[Content_Types].xml") && names.some((n) => /^word\/[^/]+\.xml$/.test(n));
}

/** The main document part, as the package relationships name it (word/document.xml in practice). */
async function mainPart(zip: ZipParts, input: string): Promise<string> {
  if (zip.has("_rels/.rels")) {
    const rels = parseXml(await zip.read("_rels/.rels"), input, "DOCX package relationships (_rels/.rels)");
    for (const rel of descendantsNamed(rels, "Relationship")) {
      if (/\/officeDocument$/.test(attribute(rel, "Type") ?? "")) return (attribute(rel, "Target") ?? "").replace(/^\/+/, "");
    }
  }
  if (zip.has("word/document.xml")) return "word/document.xml";
  throw new PipelineError("DOCUMENT_CORRUPT", "the DOCX file has no main document part (word/document.xml)", { input });
}

const isOn = (el: Element | undefined) => el !== undefined && !/^(0|false|off)$/i.test(attribute(el, "val") ?? "true");

/** Text of the runs under a node, as blocks: a w:br or w:cr starts a new block. Hidden (w:vanish) runs and deleted text are left out. */
function runBlocks(node: Element): string[] {
  const blocks: string[] = [""];
  const walk = (el: Element) => {
    for (const child of childElements(el)) {
      switch (local(child)) {
        case "t":
          blocks[blocks.length - 1] += child.textContent ?? "";
          break;
        case "tab":
        case "ptab":
          blocks[blocks.length - 1] += " ";
          break;
        case "br":
        case "cr":
          blocks.push("");
          break;
        case "noBreakHyphen":
          blocks[blocks.length - 1] += "-";
          break;
        case "r": {
          const rPr = firstChild(child, "rPr");
          if (!isOn(rPr && firstChild(rPr, "vanish"))) walk(child);
          break;
        }
        // Properties, deleted text and the fallback copy of alternate content hold nothing to read.
        case "pPr":
        case "rPr":
        case "del":
        case "Fallback":
        case "tbl":
          break;
        default:
          walk(child);
      }
    }
  };
  walk(node);
  return blocks.map((b) => b.replace(/[\u00a0\u2002\u2003\u2009\u200b\ufeff\s]+/g, " ").trim());
}

/** Cell text: paragraphs and line breaks join without a space, except between two numbers (as the HTML backend does). */
function joinBlocks(blocks: string[]): string {
  let out = "";
  for (const b of blocks.filter((x) => x !== "")) out += out && /\d$/.test(out) && /^\d/.test(b) ? ` ${b}` : b;
  return out;
}

const span = (el: Element | undefined) => {
  const n = el ? Number.parseInt(attribute(el, "val") ?? "1", 10) : 1;
  return Number.isFinite(n) && n >= 1 ? Math.min(n, 100) : 1;
};

interface DraftCell {
  text: string;
  col: number;
  colSpan: number;
  /** w:vMerge: "restart" opens a merged run, "continue" extends the one above. */
  vMerge: "restart" | "continue" | null;
}

/** A row's w:tc elements, also those wrapped in content controls (w:sdt) or custom XML; not those of a table nested in a cell. */
function rowCells(tr: Element): Element[] {
  return childElements(tr).flatMap((c) => (local(c) === "tc" ? [c] : local(c) === "trPr" || local(c) === "tblPrEx" ? [] : rowCells(c)));
}

/** A table's own w:tr elements, also those wrapped in content controls. */
function rowsOf(tbl: Element): Element[] {
  return childElements(tbl).flatMap((c) => (local(c) === "tr" ? [c] : local(c) === "sdt" || local(c) === "customXml" || local(c) === "sdtContent" ? rowsOf(c) : []));
}

/** One w:tr: its cells placed on the grid (gridBefore, gridSpan, hMerge resolved). */
function draftRow(tr: Element, cellText: (tc: Element) => string): DraftCell[] {
  const trPr = firstChild(tr, "trPr");
  const gridBefore = trPr ? firstChild(trPr, "gridBefore") : undefined;
  // w:gridBefore: the row starts that many grid columns in.
  let col = gridBefore ? span(gridBefore) : 0;
  const cells: DraftCell[] = [];
  for (const tc of rowCells(tr)) {
    const tcPr = firstChild(tc, "tcPr");
    const colSpan = span(tcPr && firstChild(tcPr, "gridSpan"));
    const vm = tcPr ? firstChild(tcPr, "vMerge") : undefined;
    const hm = tcPr ? firstChild(tcPr, "hMerge") : undefined;
    // Old documents merge horizontally with w:hMerge: a continuing cell widens the one before it.
    if (hm && attribute(hm, "val") !== "restart" && cells.length > 0) {
      cells.at(-1)!.colSpan += colSpan;
      col += colSpan;
      continue;
    }
    cells.push({ text: cellText(tc), col, colSpan, vMerge: vm ? (attribute(vm, "val") === "restart" ? "restart" : "continue") : null });
    col += colSpan;
  }
  return cells;
}

class DocxLayoutBuilder {
  readonly lines: LayoutLine[] = [];
  private block = 0;
  private table = 0;

  constructor(
    private readonly numbering: Numbering,
    private readonly styles: Map<string, { numId: string; ilvl: number }>,
  ) {}

  /** A paragraph's text with its list number ("一、" + "总体情况"), as blocks. */
  private paragraph(p: Element): string[] {
    const blocks = runBlocks(p);
    const list = paragraphNumbering(p, this.styles);
    const label = list ? this.numbering.next(list.numId, list.ilvl) : "";
    if (label) blocks[0] = `${label}${blocks[0]}`;
    return blocks;
  }

  private cellText(tc: Element): string {
    const blocks: string[] = [];
    for (const child of childElements(tc)) {
      if (local(child) === "p") blocks.push(...this.paragraph(child));
      else if (local(child) !== "tcPr") blocks.push(...runBlocks(child));
    }
    return joinBlocks(blocks);
  }

  /** The body's block content in order: paragraphs, tables, and what content controls wrap. */
  walk(container: Element): void {
    for (const child of childElements(container)) {
      switch (local(child)) {
        case "p":
          for (const text of this.paragraph(child)) if (text) this.lines.push({ cells: [{ text, origin: { kind: "html-text", block: this.block++ } }] });
          break;
        case "tbl":
          // A layout table (the whole report set inside a table's cells) holds tables of its own: its cells are read as body content.
          if (descendantsNamed(child, "tbl").length > 0) for (const tr of rowsOf(child)) for (const tc of rowCells(tr)) this.walk(tc);
          else this.tableRows(child);
          break;
        case "sdt":
        case "sdtContent":
        case "customXml":
        case "ins":
          this.walk(local(child) === "sdt" ? (firstChild(child, "sdtContent") ?? child) : child);
          break;
      }
    }
  }

  /** A w:tbl as grid rows: one line per w:tr, a vMerge run as one cell with its rowspan. */
  private tableRows(tbl: Element): void {
    const index = this.table++;
    const drafts = rowsOf(tbl).map((tr) => draftRow(tr, (tc) => this.cellText(tc)));
    drafts.forEach((cells, r) => {
      const out: LayoutCell[] = [];
      for (const cell of cells) {
        if (cell.vMerge === "continue" && r > 0 && drafts[r - 1]!.some((c) => c.col === cell.col)) continue;
        let rowSpan = 1;
        if (cell.vMerge === "restart") {
          while (drafts[r + rowSpan]?.some((c) => c.col === cell.col && c.vMerge === "continue")) rowSpan++;
        }
        out.push({ text: cell.text, origin: { kind: "docx", table: index, row: r, col: cell.col }, col: cell.col, colSpan: cell.colSpan, rowSpan });
      }
      if (out.length > 0) this.lines.push({ cells: out, table: index, isTableRow: true });
    });
  }
}

/** The layout of a DOCX file held in memory. */
export async function docxLayout(bytes: Uint8Array, input: string): Promise<LayoutLine[]> {
  const zip = await openZip(bytes, input, "DOCX");
  try {
    const main = await mainPart(zip, input);
    const doc = parseXml(await zip.read(main), input, `DOCX document part (${main})`);
    const body = descendantsNamed(doc, "body")[0];
    if (!body) throw new PipelineError("DOCUMENT_CORRUPT", `the DOCX document part (${main}) has no body`, { input });
    const dir = main.replace(/[^/]*$/, "");
    const optional = async (name: string) => (zip.has(`${dir}${name}`) ? parseXml(await zip.read(`${dir}${name}`), input, `DOCX part ${dir}${name}`).documentElement ?? undefined : undefined);
    const builder = new DocxLayoutBuilder(new Numbering(await optional("numbering.xml")), styleNumberings(await optional("styles.xml")));
    builder.walk(body);
    return builder.lines;
  } finally {
    zip.close();
  }
}

export async function readDocx(bytes: Uint8Array, ctx: SourceContext): Promise<SourceResult> {
  const lines = await docxLayout(bytes, ctx.name);
  if (lines.length === 0) throw new PipelineError("INPUT_EMPTY", "the DOCX document has no text", { input: ctx.name });
  // No title hint from docProps/core.xml: Word keeps the title of the file a report was copied from (last year's).
  return { layout: { kind: "flow", lines, hints: {} }, mediaType: DOCX_MEDIA_TYPE, textSource: "docx", pages: null, encoding: null };
}
