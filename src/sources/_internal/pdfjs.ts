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

/**
 * What pdf.js's module body loads for rendering although reading text never renders:
 *
 * - `require("@napi-rs/canvas")`, unconditionally, to polyfill DOMMatrix, ImageData and
 *   Path2D. Loading that native module (a 33 MB binary that scans the system's fonts
 *   and runs `ldd` on load) costs a fresh process ~40 ms or more.
 * - `Response.prototype`, to polyfill `bytes()`: on Node 20 touching `Response` loads
 *   undici, ~45 ms. pdf.js calls `bytes()` only when it fetches a URL; we hand it bytes.
 *
 * While pdf.js loads, its `require` of the canvas gets an empty stand-in and the globals
 * it tests hold stand-ins, so it polyfills nothing. Then the globals become what pdf.js
 * would have made them, lazily: DOMMatrix is the canvas package's own pure-JS class
 * (needed at once: pdf.js builds one at load); ImageData and Path2D load the canvas on
 * first use (rendering for OCR); Response gets `bytes()` when something first touches it.
 * When the canvas is already loaded, pdf.js is left to do all of this itself.
 */
function deferRenderingGlobals(): () => void {
  const g = globalThis as Record<string, unknown>;
  const pdfjsRequire = createRequire(join(pdfjsRoot, "legacy/build/pdf.mjs"));
  let canvasPath: string;
  try {
    canvasPath = pdfjsRequire.resolve("@napi-rs/canvas");
  } catch {
    return () => undefined; // no canvas installed: pdf.js warns and goes on as it always did
  }
  if (pdfjsRequire.cache[canvasPath]) return () => undefined;
  const canvas = () => pdfjsRequire(canvasPath) as Record<string, unknown>;
  const saved = new Map(["ImageData", "Path2D", "Response"].map((key) => [key, Object.getOwnPropertyDescriptor(globalThis, key)]));
  g.DOMMatrix ??= (pdfjsRequire(join(dirname(canvasPath), "geometry.js")) as { DOMMatrix: unknown }).DOMMatrix;
  const standIn = (key: string, value: unknown) => Object.defineProperty(globalThis, key, { value, configurable: true, writable: true });
  if (!g.ImageData) standIn("ImageData", class ImageDataStandIn {});
  if (!g.Path2D) standIn("Path2D", class Path2DStandIn {});
  // Node's own lazy `Response` getter: a stand-in only while it has not been touched.
  const response = saved.get("Response");
  if (response?.get) standIn("Response", { prototype: { bytes() {} } });
  const getBuiltinModule = process.getBuiltinModule;
  process.getBuiltinModule = function (this: unknown, id: string) {
    const builtin = getBuiltinModule.call(process, id) as typeof import("node:module") | undefined;
    if (!builtin || (id !== "module" && id !== "node:module")) return builtin;
    return Object.assign(Object.create(builtin) as typeof import("node:module"), {
      createRequire(from: string | URL) {
        const real = builtin.createRequire(from);
        return Object.assign((request: string) => (request === "@napi-rs/canvas" ? {} : real(request)), real);
      },
    });
  } as typeof process.getBuiltinModule;
  return () => {
    process.getBuiltinModule = getBuiltinModule;
    for (const key of ["ImageData", "Path2D"]) {
      if (saved.get(key)) Object.defineProperty(globalThis, key, saved.get(key)!);
      else {
        // Loaded on first use, then a plain property, as pdf.js's assignment would have made it.
        Object.defineProperty(globalThis, key, {
          configurable: true,
          enumerable: true,
          get: () => (g[key] = canvas()[key]),
          set: (value: unknown) => Object.defineProperty(globalThis, key, { value, configurable: true, enumerable: true, writable: true }),
        });
      }
    }
    if (response?.get) {
      const nodeGet = response.get;
      Object.defineProperty(globalThis, "Response", {
        ...response,
        get(this: unknown) {
          const Response = nodeGet.call(this) as { prototype: { bytes?: unknown; arrayBuffer(): Promise<ArrayBuffer> } };
          Response.prototype.bytes ??= async function (this: { arrayBuffer(): Promise<ArrayBuffer> }) {
            return new Uint8Array(await this.arrayBuffer());
          };
          return Response;
        },
      });
    }
  };
}

let loading: Promise<PdfjsModule> | undefined;

/** NIANBAO_TIMINGS=1: pdf.js's load and document work become performance measures (src/startup/launch.ts prints them). */
const timings = process.env.NIANBAO_TIMINGS === "1";
const measure = (name: string, start: number) => {
  if (timings) performance.measure(`nianbao:${name}`, { start, end: performance.now() });
};

/** Loads pdf.js once per process, with its worker in-process (no worker thread, no dynamic URL import). */
export function loadPdfjs(): Promise<PdfjsModule> {
  loading ??= (async () => {
    const started = performance.now();
    const restore = snapshotNatives();
    const restoreGlobals = deferRenderingGlobals();
    try {
      const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
      // pdf.js looks for `globalThis.pdfjsWorker` before spawning a worker: with it set, the
      // "fake worker" runs in this thread and needs no workerSrc.
      (globalThis as { pdfjsWorker?: unknown }).pdfjsWorker = await import("pdfjs-dist/legacy/build/pdf.worker.mjs");
      return pdfjs;
    } finally {
      restoreGlobals();
      restore();
      measure("pdfjs-load", started);
    }
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
  const started = performance.now();
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
    measure("pdf-document", started);
  }
}

export function errorName(error: unknown): string | undefined {
  return typeof error === "object" && error !== null && "name" in error ? String((error as { name: unknown }).name) : undefined;
}
