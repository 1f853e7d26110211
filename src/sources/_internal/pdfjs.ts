/**
 * The one place that loads pdf.js (the legacy build, which runs on Node 20) and owns
 * its document options and cleanup. Nothing else imports pdfjs-dist.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { unwatchTextStateClones, watchTextStateClones } from "./pdfjs-text-state.js";

type PdfjsModule = typeof import("pdfjs-dist/legacy/build/pdf.mjs");
export type PDFDocumentProxy = import("pdfjs-dist/legacy/build/pdf.mjs").PDFDocumentProxy;
export type PDFPageProxy = import("pdfjs-dist/legacy/build/pdf.mjs").PDFPageProxy;
export type TextItem = import("pdfjs-dist/types/src/display/api.js").TextItem;

const pdfjsRoot = dirname(createRequire(import.meta.url).resolve("pdfjs-dist/package.json"));

/**
 * CMaps (predefined CJK encodings such as UniGB-UCS2-H) and the standard fonts ship
 * inside pdfjs-dist; pointing pdf.js at them keeps it offline. Trailing slashes matter.
 */
export const PDFJS_DATA = {
  cMapUrl: join(pdfjsRoot, "cmaps") + "/",
  standardFontDataUrl: join(pdfjsRoot, "standard_fonts") + "/",
};

/**
 * Built-ins that the legacy bundle's core-js polyfills replace although Node 20 has
 * them natively. The polyfilled Array.prototype.push (forced because of an edge case
 * with non-writable lengths) and JSON.parse/stringify are much slower than V8's and
 * slow down every caller in the process: measured ~15 % of the PDF text path. pdf.js
 * does not depend on the edge cases they fix, so the natives are put back.
 */
function snapshotNatives(): () => void {
  const saved = [
    [Array.prototype, "push", Object.getOwnPropertyDescriptor(Array.prototype, "push")],
    [JSON, "parse", Object.getOwnPropertyDescriptor(JSON, "parse")],
    [JSON, "stringify", Object.getOwnPropertyDescriptor(JSON, "stringify")],
  ] as const;
  return () => {
    for (const [target, key, descriptor] of saved) if (descriptor) Object.defineProperty(target, key, descriptor);
  };
}

let loading: Promise<PdfjsModule> | undefined;

/** Loads pdf.js once per process, with its worker in-process (no worker thread, no dynamic URL import). */
export function loadPdfjs(): Promise<PdfjsModule> {
  loading ??= (async () => {
    const restore = snapshotNatives();
    const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
    // pdf.js looks for `globalThis.pdfjsWorker` before spawning a worker: with it set, the
    // "fake worker" runs in this thread and needs no workerSrc.
    (globalThis as { pdfjsWorker?: unknown }).pdfjsWorker = await import("pdfjs-dist/legacy/build/pdf.worker.mjs");
    restore();
    return pdfjs;
  })();
  return loading;
}

/**
 * pdf.js inflates every Flate stream through the global DecompressionStream when one
 * exists; in Node that is zlib on the thread pool, a round trip per stream (15 for a
 * 6-page report) during which the event loop idles. Without it pdf.js inflates in
 * place, synchronously, which for the small streams of a report is faster (measured
 * ~20 % of the PDF path). It is hidden only while documents are open here.
 */
let openDocuments = 0;
let savedDecompressionStream: PropertyDescriptor | undefined;

function hideDecompressionStream(): void {
  if (openDocuments++ === 0) {
    savedDecompressionStream = Object.getOwnPropertyDescriptor(globalThis, "DecompressionStream");
    if (savedDecompressionStream) delete (globalThis as { DecompressionStream?: unknown }).DecompressionStream;
  }
}

function restoreDecompressionStream(): void {
  if (--openDocuments === 0 && savedDecompressionStream) Object.defineProperty(globalThis, "DecompressionStream", savedDecompressionStream);
}

/** Opens a document, runs `op`, and always destroys the document it opened. */
export async function withPdfDocument<T>(bytes: Uint8Array, op: (doc: PDFDocumentProxy) => Promise<T>): Promise<T> {
  const pdfjs = await loadPdfjs();
  hideDecompressionStream();
  watchTextStateClones();
  let task: ReturnType<PdfjsModule["getDocument"]> | undefined;
  let doc: PDFDocumentProxy | undefined;
  try {
    task = pdfjs.getDocument({
      // pdf.js transfers (detaches) the buffer it is given: hand it a copy.
      data: new Uint8Array(bytes),
      cMapUrl: PDFJS_DATA.cMapUrl,
      cMapPacked: true,
      standardFontDataUrl: PDFJS_DATA.standardFontDataUrl,
      isEvalSupported: false,
      disableFontFace: true,
      useSystemFonts: false,
      stopAtErrors: false,
      verbosity: pdfjs.VerbosityLevel.ERRORS,
    });
    doc = await task.promise;
    return await op(doc);
  } finally {
    if (doc) await doc.destroy();
    else await task?.destroy();
    restoreDecompressionStream();
    unwatchTextStateClones();
  }
}

export function errorName(error: unknown): string | undefined {
  return typeof error === "object" && error !== null && "name" in error ? String((error as { name: unknown }).name) : undefined;
}
