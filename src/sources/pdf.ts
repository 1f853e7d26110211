import { PipelineError } from "../errors.js";
import { linesFromFragments, type Fragment, type PageFragments } from "../layout/pdf-lines.js";
import { hideFontPrograms, looksMisdecoded } from "./_internal/font-programs.js";
import { errorName, withPdfDocument, type PDFPageProxy, type TextItem } from "./_internal/pdfjs.js";
import type { SourceContext, SourceResult } from "./types.js";

/** A page's text items as fragments in top-left page coordinates. */
async function pageFragments(page: PDFPageProxy): Promise<PageFragments> {
  const viewport = page.getViewport({ scale: 1 });
  // Raw text as printed: the parsers normalise what they compare, provenance keeps the original.
  const content = await page.getTextContent({ disableNormalization: true });
  const [va, vb, vc, vd, ve, vf] = viewport.transform as [number, number, number, number, number, number];
  const fragments: Fragment[] = [];
  for (const item of content.items) {
    const it = item as TextItem;
    // Whitespace-only items carry junk widths (thousands of points) in WPS PDFs.
    if (typeof it.str !== "string" || it.str.trim() === "") continue;
    const [a, b, c, d, e, f] = it.transform as [number, number, number, number, number, number];
    // Item transform in viewport space (handles /Rotate and the page's view box).
    const ta = va * a + vc * b;
    const tb = vb * a + vd * b;
    const tc = va * c + vc * d;
    const td = vb * c + vd * d;
    const x = va * e + vc * f + ve;
    const y = vb * e + vd * f + vf;
    const size = Math.hypot(tc, td) || Math.hypot(ta, tb) || it.height || 10;
    const scaleX = Math.hypot(ta, tb) / (Math.hypot(a, b) || 1);
    fragments.push({ text: it.str, x0: x, x1: x + it.width * scaleX, baseline: y, size });
  }
  return { page: page.pageNumber, width: viewport.width, height: viewport.height, fragments };
}

function hasText(pages: PageFragments[]): boolean {
  return pages.some((p) => p.fragments.some((f) => /[\p{L}\p{N}]/u.test(f.text)));
}

async function readPages(bytes: Uint8Array, ctx: SourceContext): Promise<PageFragments[]> {
  return withPdfDocument(bytes, async (doc) => {
    const out: PageFragments[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      out.push(await pageFragments(await doc.getPage(n)));
      ctx.log.debug({ page: n, of: doc.numPages }, "pdf page read");
    }
    return out;
  });
}

const allText = (pages: PageFragments[]) => pages.map((p) => p.fragments.map((f) => f.text).join("")).join("");

export async function readPdf(bytes: Uint8Array, ctx: SourceContext): Promise<SourceResult> {
  let pages: PageFragments[];
  try {
    // Fast path: without font programs (see _internal/font-programs.ts); the full path
    // when that is not known to be safe or the text came out misdecoded.
    const fast = hideFontPrograms(bytes);
    pages = fast ? await readPages(fast, ctx) : [];
    if (!fast || looksMisdecoded(allText(pages))) pages = await readPages(bytes, ctx);
  } catch (error) {
    const name = errorName(error);
    if (name === "PasswordException") {
      throw new PipelineError("PDF_ENCRYPTED", "the PDF is encrypted with a password", { input: ctx.name, cause: error });
    }
    const detail = error instanceof Error ? error.message : String(error);
    throw new PipelineError("PDF_CORRUPT", `the PDF cannot be parsed (${detail})`, { input: ctx.name, cause: error });
  }
  if (pages.length === 0) throw new PipelineError("PDF_CORRUPT", "the PDF has no pages", { input: ctx.name });
  if (!hasText(pages)) {
    throw new PipelineError("OCR_REQUIRED", `the PDF has no text layer on any of its ${pages.length} page(s): it is a scan and needs OCR`, {
      input: ctx.name,
    });
  }
  return {
    layout: { kind: "positioned", lines: linesFromFragments(pages), hints: {} },
    mediaType: "application/pdf",
    textSource: "pdf-text",
    pages: pages.length,
    encoding: null,
  };
}
