import { PipelineError } from "../errors.js";
import { unifyRadicals } from "../layout/cjk.js";
import { linesFromFragments, type Fragment, type PageFragments } from "../layout/pdf-lines.js";
import { isReadScan, type HiddenTextOps } from "../layout/hidden-text.js";
import { dropOverprints } from "../layout/overprint.js";
import { mayHoldTable } from "../layout/pdf-table-page.js";
import { clipToPage, vectorRulings, type Matrix, type PdfOps } from "../layout/pdf-rulings.js";
import { uprightFrame, type UprightFrame } from "../layout/reading-direction.js";
import { dropStruckText, struckTextIssue } from "../layout/struck-text.js";
import type { Issue } from "../model/issue.js";
import type { LayoutLine } from "../model/layout.js";
import { hideFontPrograms, looksMisdecoded } from "./_internal/font-programs.js";
import { errorName, loadPdfjs, withPdfDocument, type PDFPageProxy, type TextItem } from "./_internal/pdfjs.js";
import type { PageImage } from "./ocr/index.js";
import { judgeTextLayer } from "./ocr/text-layer.js";
import type { SourceContext, SourceResult } from "./types.js";

/**
 * A text item that is one number with a space after its decimal point ("806. 25"): pdf.js
 * puts a space where a producer that places every glyph itself (cairo) leaves a wider gap
 * after the point. The item is one number, 806.25, not two.
 */
function joinDecimal(text: string): string {
  return /^\s*[-−－]?\d[\d,]*[.．]\s+\d+\s*$/.test(text) ? text.replace(/([.．])\s+/, "$1") : text;
}

/** A page's text items as fragments in top-left page coordinates, in the frame that sets its text upright. */
interface PageText {
  page: PDFPageProxy;
  frame: UprightFrame;
  fragments: Fragment[];
}

async function pageText(page: PDFPageProxy): Promise<PageText> {
  const viewport = page.getViewport({ scale: 1 });
  // Raw text as printed: the parsers normalise what they compare, provenance keeps the
  // original — but for radicals named where ideographs are drawn (unifyRadicals).
  const content = await page.getTextContent({ disableNormalization: true });
  // Whitespace-only items carry junk widths (thousands of points) in WPS PDFs.
  const items = content.items.filter((item): item is TextItem => typeof (item as TextItem).str === "string" && (item as TextItem).str.trim() !== "");
  const view = viewport.transform as Matrix;
  // Viewport space handles /Rotate and the view box; a page whose text then runs sideways is turned upright.
  const frame = uprightFrame(
    view,
    viewport.width,
    viewport.height,
    items.map((it) => ({ dx: view[0] * it.transform[0]! + view[2] * it.transform[1]!, dy: view[1] * it.transform[0]! + view[3] * it.transform[1]!, chars: it.str.length })),
  );
  const [va, vb, vc, vd, ve, vf] = frame.matrix;
  const drawn: Fragment[] = [];
  for (const it of items) {
    const [a, b, c, d, e, f] = it.transform as [number, number, number, number, number, number];
    const ta = va * a + vc * b;
    const tb = vb * a + vd * b;
    const tc = va * c + vc * d;
    const td = vb * c + vd * d;
    const x = va * e + vc * f + ve;
    const y = vb * e + vd * f + vf;
    const size = Math.hypot(tc, td) || Math.hypot(ta, tb) || it.height || 10;
    const scaleX = Math.hypot(ta, tb) / (Math.hypot(a, b) || 1);
    drawn.push({ text: joinDecimal(unifyRadicals(it.str)), x0: x, x1: x + it.width * scaleX, baseline: y, size });
  }
  // A word painted twice a fraction of a point apart (a synthesised bold) is read once.
  return { page, frame, fragments: dropOverprints(drawn) };
}

/** The page read by its text alone. */
const textOnly = ({ page, frame, fragments }: PageText): PageFragments => ({ page: page.pageNumber, width: frame.width, height: frame.height, fragments });

/**
 * The page with its drawing operators listed: the rulings of ruled tables (read by their
 * grid: layout/pdf-lattice.ts), text struck through, and invisible text over a picture.
 */
async function withDrawing(text: PageText, ops: PdfOps & HiddenTextOps): Promise<PageFragments> {
  const { frame } = text;
  // The rulings only add to the text: drawing operators pdf.js cannot list leave the page read by text positions.
  const drawing = await text.page.getOperatorList().then(
    (list) => ({
      rulings: clipToPage(vectorRulings(list, ops, frame.matrix), frame.width, frame.height),
      readScan: isReadScan(list, ops, frame.matrix, frame.width, frame.height),
    }),
    () => undefined,
  );
  const rulings = drawing?.rulings;
  // Text struck through (a deletion printed with its tracked changes) is no part of the report.
  const { fragments: kept, struck } = dropStruckText(text.fragments, rulings);
  return {
    ...textOnly(text),
    fragments: kept,
    ...(rulings ? { rulings } : {}),
    ...(struck.length ? { struck } : {}),
    ...(drawing?.readScan ? { hiddenText: true } : {}),
  };
}

export interface PagesOptions {
  /** Which pages' rulings are listed: those that may hold a table (layout/pdf-table-page.ts), or all. */
  rulings: "tables" | "all";
}

/** Every page of the PDF as positioned text fragments, with the rulings of the pages `options` asks for. */
export async function readPages(bytes: Uint8Array, ctx: Pick<SourceContext, "log">, options: PagesOptions = { rulings: "tables" }): Promise<PageFragments[]> {
  const { OPS } = await loadPdfjs();
  return withPdfDocument(bytes, async (doc) => {
    const texts: PageText[] = [];
    const out: PageFragments[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const text = await pageText(await doc.getPage(n));
      texts.push(text);
      // Listing the drawing costs about as much as the text again, so only pages that print table numbers pay it.
      out.push(options.rulings === "all" || mayHoldTable(text.fragments) ? await withDrawing(text, OPS) : textOnly(text));
      ctx.log.debug({ page: n, of: doc.numPages }, "pdf page read");
    }
    // A scan another program has read: its pages whose drawing was not listed (no table
    // numbers in their hidden text) are looked at too, so that none is read from that text.
    if (options.rulings === "tables" && out.some((p) => p.hiddenText)) {
      for (const [i, p] of out.entries()) if (!p.rulings) out[i] = await withDrawing(texts[i]!, OPS);
    }
    return out;
  });
}

const allText = (pages: PageFragments[]) => pages.map((p) => p.fragments.map((f) => f.text).join("")).join("");

function corrupt(error: unknown, ctx: SourceContext): PipelineError {
  if (errorName(error) === "PasswordException") {
    return new PipelineError("PDF_ENCRYPTED", "the PDF is encrypted with a password", { input: ctx.name, cause: error });
  }
  const detail = error instanceof Error ? error.message : String(error);
  return new PipelineError("PDF_CORRUPT", `the PDF cannot be parsed (${detail})`, { input: ctx.name, cause: error });
}

/**
 * Renders the pages that need OCR and reads them; rendering overlaps with the OCR of earlier pages.
 * The canvas and the OCR engines load here, on the first page that needs them: a text-layer PDF never loads them.
 */
async function ocrPdfPages(bytes: Uint8Array, pageNumbers: number[], ctx: SourceContext) {
  const [{ renderPageGrey }, { ocrImages }] = await Promise.all([import("./_internal/render.js"), import("./ocr/index.js")]);
  return withPdfDocument(bytes, async (doc) => {
    async function* images(): AsyncGenerator<PageImage> {
      for (const page of pageNumbers) yield { page, raster: await renderPageGrey(await doc.getPage(page), ctx.ocr.dpi), dpi: ctx.ocr.dpi };
    }
    return ocrImages(images(), ctx, pageNumbers.length);
  });
}

export async function readPdf(bytes: Uint8Array, ctx: SourceContext): Promise<SourceResult> {
  let pages: PageFragments[];
  try {
    // Fast path: without font programs (see _internal/font-programs.ts); the full path
    // when that is not known to be safe or the text came out misdecoded.
    const fast = hideFontPrograms(bytes);
    pages = fast ? await readPages(fast, ctx) : [];
    if (!fast || looksMisdecoded(allText(pages))) pages = await readPages(bytes, ctx);
  } catch (error) {
    throw corrupt(error, ctx);
  }
  if (pages.length === 0) throw new PipelineError("PDF_CORRUPT", "the PDF has no pages", { input: ctx.name });

  // Decided page by page: a report can mix typed pages with scanned ones.
  // A scan with another program's invisible OCR text over it is read from its picture, as any scan.
  const verdicts = pages.map((p) => (ctx.ocr.mode === "always" ? "ocr" : p.hiddenText ? "hidden" : judgeTextLayer(p.fragments.map((f) => f.text))));
  const needOcr = pages.filter((_, i) => verdicts[i] !== "usable").map((p) => p.page);
  const textPages = pages.filter((_, i) => verdicts[i] === "usable");
  const issues: Issue[] = [];
  let ocrLines: LayoutLine[] = [];
  if (needOcr.length > 0 && ctx.ocr.mode === "never") {
    if (textPages.length === 0) {
      throw new PipelineError("OCR_REQUIRED", `the PDF has no usable text layer on any of its ${pages.length} page(s): it is a scan and needs OCR (--ocr auto)`, {
        input: ctx.name,
      });
    }
    for (const page of needOcr) issues.push({ code: "OCR_SKIPPED", severity: "warning", path: null, message: `page ${page} has no usable text layer and OCR is off` });
  } else if (needOcr.length > 0) {
    ctx.log.info({ pages: needOcr, verdicts: needOcr.map((p) => verdicts[p - 1]) }, "pages to read by OCR");
    // The provider's own errors (a queue handing pages out) pass through; pdf.js errors while rendering mean a damaged PDF.
    const ocr = ctx.ocrPages
      ? await ctx.ocrPages(needOcr)
      : await ocrPdfPages(bytes, needOcr, ctx).catch((error: unknown) => Promise.reject(corrupt(error, ctx)));
    ocrLines = ocr.lines;
    issues.push(...ocr.issues);
  }
  for (const page of textPages) for (const { text } of page.struck ?? []) issues.push(struckTextIssue(text, page.page));
  const lines = [...linesFromFragments(textPages), ...ocrLines].sort((a, b) => (a.page ?? 0) - (b.page ?? 0));
  const ocrUsed = needOcr.length > 0 && ctx.ocr.mode !== "never";
  return {
    layout: { kind: "positioned", lines, hints: {} },
    mediaType: "application/pdf",
    textSource: !ocrUsed ? "pdf-text" : textPages.length === 0 ? "ocr" : "mixed",
    pages: pages.length,
    encoding: null,
    issues,
  };
}
