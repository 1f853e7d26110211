/**
 * Image inputs (a scanned page as PNG, JPEG, GIF, BMP, WebP; TIFF with any number of
 * pages): decoded to grey rasters and read with OCR.
 */
import { PipelineError } from "../errors.js";
import type { Raster } from "../layout/raster/raster.js";
import { ocrImages, type OcrResult, type PageImage } from "./ocr/index.js";
import { guessDpi, imagePageCount, imagePages } from "./ocr/page-image.js";
import type { SourceContext, SourceResult } from "./types.js";

const MEDIA_TYPES: [number[], string][] = [
  [[0x89, 0x50, 0x4e, 0x47], "image/png"],
  [[0xff, 0xd8, 0xff], "image/jpeg"],
  [[0x49, 0x49, 0x2a, 0x00], "image/tiff"],
  [[0x4d, 0x4d, 0x00, 0x2a], "image/tiff"],
  [[0x47, 0x49, 0x46, 0x38], "image/gif"],
  [[0x42, 0x4d], "image/bmp"],
];

export function imageMediaType(bytes: Uint8Array): string {
  return MEDIA_TYPES.find(([magic]) => magic.every((b, i) => bytes[i] === b))?.[1] ?? "image/webp";
}

export async function readImage(bytes: Uint8Array, ctx: SourceContext): Promise<SourceResult> {
  const mediaType = imageMediaType(bytes);
  if (ctx.ocr.mode === "never") throw new PipelineError("OCR_REQUIRED", "the input is an image: reading it needs OCR (--ocr auto)", { input: ctx.name });
  const undecodable = (error: unknown) =>
    new PipelineError("UNSUPPORTED_FORMAT", `the image cannot be decoded (${error instanceof Error ? error.message : String(error)})`, { input: ctx.name, cause: error });
  let pages: number;
  let result: OcrResult;
  if (ctx.ocrPages) {
    // Pages are read elsewhere (queue workers): only count them here.
    pages = await imagePageCount(bytes).catch((error: unknown) => Promise.reject(undecodable(error)));
    if (pages === 0) throw new PipelineError("INPUT_EMPTY", "the image file holds no image", { input: ctx.name });
    result = await ctx.ocrPages(Array.from({ length: pages }, (_, i) => i + 1));
  } else {
    let rasters: Raster[];
    try {
      rasters = await imagePages(bytes);
    } catch (error) {
      throw undecodable(error);
    }
    if (rasters.length === 0) throw new PipelineError("INPUT_EMPTY", "the image file holds no image", { input: ctx.name });
    pages = rasters.length;
    const images: PageImage[] = rasters.map((raster, i) => ({ page: i + 1, raster, dpi: guessDpi(raster) }));
    result = await ocrImages(images, ctx);
  }
  return { layout: { kind: "positioned", lines: result.lines, hints: {} }, mediaType, textSource: "ocr", pages, encoding: null, issues: result.issues };
}
