/**
 * OFD (GB/T 33190-2016), China's fixed-layout format: a zip of XML parts. OFD.xml's
 * DocBody names the document root (Document.xml), whose Pages list each page's
 * Content.xml; a page's layers hold TextObjects (a boundary box, a font size, a CTM,
 * and TextCodes with a baseline position and per-glyph advances), PathObjects (the
 * ruling lines of tables) and ImageObjects. Text and rulings become the same positioned
 * fragments the PDF backend makes (layout/pdf-lines.ts), so lines, cells and ruled
 * tables are rebuilt by the same code. A page that holds images and no text is a scan:
 * its image is read by OCR.
 *
 * OFD lengths are millimetres with a top-left origin; they are converted to points, and
 * provenance boxes stay in points (the `ofd` origin, page and box).
 */
import { PipelineError } from "../errors.js";
import type { Ruling } from "../layout/grid.js";
import { linesFromFragments, type Fragment, type PageFragments } from "../layout/pdf-lines.js";
import type { Issue } from "../model/issue.js";
import type { LayoutLine } from "../model/layout.js";
import { openZip, type ZipParts } from "./office/zip.js";
import { attribute, childElements, descendantsNamed, firstChild, local, parseXml, textContent, type Element } from "./office/xml.js";
import type { SourceContext, SourceResult } from "./types.js";

export const OFD_MEDIA_TYPE = "application/ofd";

const PT_PER_MM = 72 / 25.4;

/** An affine transform [a b c d e f]: x' = a·x + c·y + e, y' = b·x + d·y + f. */
type Ctm = [number, number, number, number, number, number];
const IDENTITY: Ctm = [1, 0, 0, 1, 0, 0];

const numbers = (s: string | undefined): number[] => (s ?? "").trim().split(/[\s,]+/).filter(Boolean).map(Number).filter(Number.isFinite);

/** A box "x y w h" in mm. */
function box(s: string | undefined): [number, number, number, number] | null {
  const n = numbers(s);
  return n.length === 4 ? [n[0]!, n[1]!, n[2]!, n[3]!] : null;
}

function ctmOf(el: Element): Ctm {
  const n = numbers(attribute(el, "CTM"));
  return n.length === 6 ? (n as Ctm) : IDENTITY;
}

const apply = (m: Ctm, x: number, y: number): [number, number] => [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];

/** DeltaX/DeltaY: numbers, where "g N d" stands for N advances of d. */
export function deltas(s: string | undefined): number[] {
  const tokens = (s ?? "").trim().split(/\s+/).filter(Boolean);
  const out: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i] === "g") {
      const count = Number(tokens[i + 1]);
      const value = Number(tokens[i + 2]);
      if (Number.isFinite(count) && Number.isFinite(value)) for (let k = 0; k < Math.min(count, 100_000); k++) out.push(value);
      i += 2;
    } else if (Number.isFinite(Number(tokens[i]))) out.push(Number(tokens[i]));
  }
  return out;
}

/** Resolves an ST_Loc: absolute from the package root, else relative to the referring part's folder. */
function resolveLoc(loc: string, base: string): string {
  const path = loc.startsWith("/") ? loc.slice(1) : `${base.replace(/[^/]*$/, "")}${loc}`;
  const out: string[] = [];
  for (const seg of path.split("/")) {
    if (seg === "..") out.pop();
    else if (seg !== "." && seg !== "") out.push(seg);
  }
  return out.join("/");
}

const WIDE = /[\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/;

/** A TextCode's glyphs → fragments, broken where the advance leaves a gap of more than 1.5 em (cells set in one TextCode). */
function textFragments(text: string, xs: number[], baseline: number, size: number): Fragment[] {
  const chars = [...text];
  const advance = (ch: string) => size * (WIDE.test(ch) ? 1 : 0.55);
  const out: Fragment[] = [];
  let start = 0;
  for (let i = 1; i <= chars.length; i++) {
    const gap = i < chars.length ? xs[i]! - (xs[i - 1]! + advance(chars[i - 1]!)) : Infinity;
    if (gap > 1.5 * size) {
      const piece = chars.slice(start, i).join("");
      if (piece.trim() !== "") out.push({ text: piece, x0: xs[start]!, x1: xs[i - 1]! + advance(chars[i - 1]!), baseline, size });
      start = i;
    }
  }
  return out;
}

interface PageContent {
  fragments: Fragment[];
  horizontal: Ruling[];
  vertical: Ruling[];
  /** ImageObjects: resource id and boundary (mm). */
  images: { resource: string; boundary: [number, number, number, number] }[];
}

/** A TextObject's glyphs, in points on the page. */
function readTextObject(el: Element, into: PageContent): void {
  const boundary = box(attribute(el, "Boundary"));
  if (!boundary) return;
  const ctm = ctmOf(el);
  const objectSize = Number(attribute(el, "Size") ?? "0");
  const size = objectSize * Math.hypot(ctm[2], ctm[3]) * PT_PER_MM;
  if (!(size > 0)) return;
  const onPage = (x: number, y: number): [number, number] => {
    const [px, py] = apply(ctm, x, y);
    return [(boundary[0] + px) * PT_PER_MM, (boundary[1] + py) * PT_PER_MM];
  };
  // A TextCode without X or Y goes on from where the one before it ended.
  let x = 0;
  let y = 0;
  for (const code of childElements(el, "TextCode")) {
    const chars = [...textContent(code)];
    x = attribute(code, "X") !== undefined ? Number(attribute(code, "X")) : x;
    y = attribute(code, "Y") !== undefined ? Number(attribute(code, "Y")) : y;
    const dx = deltas(attribute(code, "DeltaX"));
    const dy = deltas(attribute(code, "DeltaY"));
    const glyphs = chars.map((ch, i) => {
      const at = onPage(x, y);
      x += dx[i] ?? (dx.length > 0 ? dx.at(-1)! : objectSize * (WIDE.test(ch) ? 1 : 0.55));
      y += dy[i] ?? 0;
      return at;
    });
    if (glyphs.length === 0) continue;
    if (dy.length > 0 && dx.length === 0) {
      // Vertical text: one glyph per line, each its own fragment.
      chars.forEach((ch, i) => {
        if (ch.trim()) into.fragments.push({ text: ch, x0: glyphs[i]![0], x1: glyphs[i]![0] + size, baseline: glyphs[i]![1], size });
      });
    } else {
      into.fragments.push(...textFragments(chars.join(""), glyphs.map((g) => g[0]), glyphs[0]![1], size));
    }
  }
}

/** A PathObject's axis-aligned segments as ruling lines (stroked lines, and thin filled rectangles as browsers print borders). */
function readPathObject(el: Element, into: PageContent): void {
  const boundary = box(attribute(el, "Boundary"));
  const data = firstChild(el, "AbbreviatedData");
  if (!boundary || !data) return;
  const ctm = ctmOf(el);
  const stroke = attribute(el, "Stroke") !== "false";
  const fill = attribute(el, "Fill") === "true";
  const width = Number(attribute(el, "LineWidth") ?? "0.353") * PT_PER_MM;
  const tokens = textContent(data).trim().split(/\s+/);
  const points: [number, number][] = [];
  const segments: [[number, number], [number, number]][] = [];
  let start: [number, number] | null = null;
  let last: [number, number] | null = null;
  const at = (i: number): [number, number] => {
    const [px, py] = apply(ctm, Number(tokens[i]), Number(tokens[i + 1]));
    return [(boundary[0] + px) * PT_PER_MM, (boundary[1] + py) * PT_PER_MM];
  };
  for (let i = 0; i < tokens.length; i++) {
    const op = tokens[i];
    if (op === "S" || op === "M") {
      last = start = at(i + 1);
      points.push(last);
      i += 2;
    } else if (op === "L") {
      const p = at(i + 1);
      if (last) segments.push([last, p]);
      last = p;
      points.push(p);
      i += 2;
    } else if (op === "C") {
      if (last && start) segments.push([last, start]);
      last = start;
    }
  }
  const add = (a: [number, number], b: [number, number], thickness: number) => {
    if (Math.abs(a[1] - b[1]) < 0.5) into.horizontal.push({ at: (a[1] + b[1]) / 2, from: Math.min(a[0], b[0]), to: Math.max(a[0], b[0]), thickness });
    else if (Math.abs(a[0] - b[0]) < 0.5) into.vertical.push({ at: (a[0] + b[0]) / 2, from: Math.min(a[1], b[1]), to: Math.max(a[1], b[1]), thickness });
  };
  if (stroke) for (const [a, b] of segments) add(a, b, width);
  else if (fill && points.length >= 4) {
    const xs = points.map((p) => p[0]);
    const ys = points.map((p) => p[1]);
    const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    if (y1 - y0 < 2 && x1 - x0 > 2) add([x0, (y0 + y1) / 2], [x1, (y0 + y1) / 2], y1 - y0);
    else if (x1 - x0 < 2 && y1 - y0 > 2) add([(x0 + x1) / 2, y0], [(x0 + x1) / 2, y1], x1 - x0);
  }
}

/** Walks a layer or a page block (blocks nest) for the objects it draws. */
function readObjects(container: Element, into: PageContent): void {
  for (const el of childElements(container)) {
    switch (local(el)) {
      case "TextObject":
        readTextObject(el, into);
        break;
      case "PathObject":
        readPathObject(el, into);
        break;
      case "ImageObject": {
        const boundary = box(attribute(el, "Boundary"));
        const resource = attribute(el, "ResourceID");
        if (boundary && resource) into.images.push({ resource, boundary });
        break;
      }
      case "PageBlock":
        readObjects(el, into);
        break;
    }
  }
}

interface OfdPage {
  page: number;
  content: PageContent;
  /** Page size in mm. */
  size: [number, number];
}

interface OfdDocument {
  pages: OfdPage[];
  /** Media resources (images) by id → part name. */
  media: Map<string, string>;
}

/** The resource files' MultiMedia entries: id → the part holding the image. */
async function mediaOf(zip: ZipParts, docPart: string, docRoot: Element, input: string): Promise<Map<string, string>> {
  const media = new Map<string, string>();
  const common = firstChild(docRoot, "CommonData");
  const resParts = common ? [...childElements(common, "PublicRes"), ...childElements(common, "DocumentRes")].map((r) => resolveLoc(textContent(r).trim(), docPart)) : [];
  for (const part of resParts) {
    if (!zip.has(part)) continue;
    const res = parseXml(await zip.read(part), input, `OFD resource part ${part}`).documentElement;
    if (!res) continue;
    // Media files are named relative to the resource file's BaseLoc folder: resolve them against a name inside it.
    const base = attribute(res, "BaseLoc");
    const folder = base ? resolveLoc(`${base.replace(/\/?$/, "/")}x`, part) : part;
    for (const mm of descendantsNamed(res, "MultiMedia")) {
      const file = firstChild(mm, "MediaFile");
      const id = attribute(mm, "ID");
      if (file && id) media.set(id, resolveLoc(textContent(file).trim(), folder));
    }
  }
  return media;
}

async function readOfdDocument(bytes: Uint8Array, input: string): Promise<{ doc: OfdDocument; zip: ZipParts }> {
  const zip = await openZip(bytes, input, "OFD");
  try {
    if (zip.has("Encryptions.xml")) throw new PipelineError("DOCUMENT_ENCRYPTED", "the OFD file is encrypted (it has an Encryptions.xml)", { input });
    const entry = zip.names.find((n) => /^OFD\.xml$/i.test(n));
    if (!entry) throw new PipelineError("DOCUMENT_CORRUPT", "the OFD file has no OFD.xml", { input });
    const root = parseXml(await zip.read(entry), input, "OFD entry file (OFD.xml)");
    const body = descendantsNamed(root, "DocBody")[0];
    const docRootLoc = body ? textContent(firstChild(body, "DocRoot") ?? body).trim() : "";
    if (!body || !docRootLoc) throw new PipelineError("DOCUMENT_CORRUPT", "the OFD file's OFD.xml names no document (DocBody/DocRoot)", { input });
    const docPart = resolveLoc(docRootLoc, entry);
    if (!zip.has(docPart)) throw new PipelineError("DOCUMENT_CORRUPT", `the OFD file has no document part ${docPart} (its Document.xml)`, { input });
    const docRoot = parseXml(await zip.read(docPart), input, `OFD document part ${docPart}`).documentElement;
    if (!docRoot) throw new PipelineError("DOCUMENT_CORRUPT", `the OFD document part ${docPart} is empty`, { input });
    const common = firstChild(docRoot, "CommonData");
    const area = common ? firstChild(common, "PageArea") : undefined;
    const defaultBox = box(area ? textContent(firstChild(area, "PhysicalBox") ?? area) : undefined) ?? [0, 0, 210, 297];
    const pagesEl = firstChild(docRoot, "Pages");
    const pageRefs = pagesEl ? childElements(pagesEl, "Page") : [];
    const pages: OfdPage[] = [];
    for (const [i, ref] of pageRefs.entries()) {
      const part = resolveLoc(attribute(ref, "BaseLoc") ?? "", docPart);
      if (!zip.has(part)) throw new PipelineError("DOCUMENT_CORRUPT", `the OFD file lacks page ${i + 1}'s content (${part})`, { input });
      const page = parseXml(await zip.read(part), input, `OFD page ${part}`).documentElement;
      const content: PageContent = { fragments: [], horizontal: [], vertical: [], images: [] };
      if (!page) throw new PipelineError("DOCUMENT_CORRUPT", `the OFD page ${part} is empty`, { input });
      const pageArea = firstChild(page, "Area");
      const physical = box(pageArea ? textContent(firstChild(pageArea, "PhysicalBox") ?? pageArea) : undefined) ?? defaultBox;
      for (const layer of descendantsNamed(page, "Layer")) readObjects(layer, content);
      pages.push({ page: i + 1, content, size: [physical[2], physical[3]] });
    }
    return { doc: { pages, media: await mediaOf(zip, docPart, docRoot, input) }, zip };
  } catch (error) {
    zip.close();
    throw error;
  }
}

/** A line built by the PDF line builder or OCR, its cells' `pdf` origins named as the OFD's (same page and box, in points). */
function asOfdOrigins(line: LayoutLine): LayoutLine {
  return { ...line, cells: line.cells.map((c) => (c.origin.kind === "pdf" ? { ...c, origin: { kind: "ofd", page: c.origin.page, box: c.origin.box } } : c)) };
}

/** The image-only pages read by OCR (their largest image, at the resolution it is printed at). */
async function ocrPages(pages: OfdPage[], doc: OfdDocument, zip: ZipParts, ctx: SourceContext) {
  const [{ imagePages }, { ocrImages }] = await Promise.all([import("./ocr/page-image.js"), import("./ocr/index.js")]);
  const images = [];
  const issues: Issue[] = [];
  for (const page of pages) {
    const biggest = [...page.content.images].sort((a, b) => b.boundary[2] * b.boundary[3] - a.boundary[2] * a.boundary[3])[0]!;
    const part = doc.media.get(biggest.resource);
    const rasters = part && zip.has(part) ? await imagePages(await zip.read(part)).catch(() => []) : [];
    const raster = rasters[0];
    if (!raster) {
      issues.push({ code: "OCR_FAILED", severity: "error", path: null, message: `page ${page.page}'s image (resource ${biggest.resource}) cannot be decoded` });
      continue;
    }
    images.push({ page: page.page, raster, dpi: Math.round(raster.width / (biggest.boundary[2] / 25.4)) });
  }
  const result = images.length > 0 ? await ocrImages(images, ctx) : { lines: [], issues: [] };
  return { lines: result.lines, issues: [...issues, ...result.issues] };
}

export async function readOfd(bytes: Uint8Array, ctx: SourceContext): Promise<SourceResult> {
  const { doc, zip } = await readOfdDocument(bytes, ctx.name);
  try {
    if (doc.pages.length === 0) throw new PipelineError("DOCUMENT_CORRUPT", "the OFD document has no pages", { input: ctx.name });
    const scanned = doc.pages.filter((p) => p.content.fragments.length === 0 && p.content.images.length > 0);
    const textPages: PageFragments[] = doc.pages
      .filter((p) => !scanned.includes(p))
      .map((p) => ({
        page: p.page,
        width: p.size[0] * PT_PER_MM,
        height: p.size[1] * PT_PER_MM,
        fragments: p.content.fragments,
        ...(p.content.horizontal.length + p.content.vertical.length > 0 ? { rulings: { horizontal: p.content.horizontal, vertical: p.content.vertical } } : {}),
      }));
    const issues: Issue[] = [];
    let ocrLines: LayoutLine[] = [];
    if (scanned.length > 0 && ctx.ocr.mode === "never") {
      if (scanned.length === doc.pages.length) {
        throw new PipelineError("OCR_REQUIRED", `the OFD's ${doc.pages.length} page(s) hold only images: it is a scan and needs OCR (--ocr auto)`, { input: ctx.name });
      }
      for (const p of scanned) issues.push({ code: "OCR_SKIPPED", severity: "warning", path: null, message: `page ${p.page} holds only an image and OCR is off` });
    } else if (scanned.length > 0) {
      // Read here even under a queue: its page workers render PDF pages and images, not OFD pages.
      const ocr = await ocrPages(scanned, doc, zip, ctx);
      ocrLines = ocr.lines;
      issues.push(...ocr.issues);
    }
    const lines = [...linesFromFragments(textPages), ...ocrLines].sort((a, b) => (a.page ?? 0) - (b.page ?? 0)).map(asOfdOrigins);
    const ocrUsed = scanned.length > 0 && ctx.ocr.mode !== "never";
    return {
      // No title hint from DocInfo: converters fill it from a file name, or with the title of the file a report was copied from.
      layout: { kind: "positioned", lines, hints: {} },
      mediaType: OFD_MEDIA_TYPE,
      textSource: !ocrUsed ? "ofd" : textPages.length === 0 ? "ocr" : "mixed",
      pages: doc.pages.length,
      encoding: null,
      issues,
    };
  } finally {
    zip.close();
  }
}
